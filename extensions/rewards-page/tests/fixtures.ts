import type { AccountView, ClaimView, IssuedReward, RewardOffer, ShopperLocale, WarrantyItem } from "../../../app/shopper/views.ts";

/** What GET /api/account answers for a shopper with some history, in the request's locale. */
export function account(locale: ShopperLocale = "en", over: Partial<AccountView> = {}): AccountView {
  const es = locale === "es";
  return {
    locale,
    shopName: "Cafetera Co",
    firstName: "Ana",
    points: { balance: 620, lifetime: 1340 },
    tier: {
      name: "Silver",
      basis: "points",
      next: { name: "Gold", points: 380 },
      progress: 0.62,
      earnMultiplier: 1.5,
      text: es ? "Te faltan 380 puntos para Gold" : "380 points to Gold",
      benefitsText: es ? "Como Silver, ganas 1,5 veces los puntos en cada pedido" : "As Silver, you earn 1.5× points on every order",
    },
    history: [
      {
        id: "h2",
        at: "2026-11-12T10:00:00Z",
        kind: "earned",
        points: 120,
        text: es ? "Ganados en el pedido #1042" : "Earned on order #1042",
      },
      {
        id: "h1",
        at: "2026-10-02T10:00:00Z",
        kind: "reversed",
        points: -45,
        text: es ? "Devueltos en el pedido #1031" : "Reversed on order #1031",
      },
    ],
    rewards: [
      {
        id: "five-off",
        kind: "amount_off",
        title: es ? "5,00 € de descuento en tu próximo pedido" : "$5.00 off your next order",
        cost: 500,
        value: { amount: "5.00", currency: "USD" },
        percent: null,
        minimumOrder: null,
        canRedeem: true,
        unavailableText: null,
      },
      {
        id: "twenty-off",
        kind: "amount_off",
        title: es ? "20,00 € de descuento" : "$20.00 off",
        cost: 2000,
        value: { amount: "20.00", currency: "USD" },
        percent: null,
        minimumOrder: { amount: "50.00", currency: "USD" },
        canRedeem: false,
        unavailableText: es ? "Te faltan 1380 puntos" : "You need 1380 more points",
      },
    ],
    issued: [
      issued({
        redemptionId: "11111111-1111-4111-8111-111111111111",
        code: "PV-OLD-CODE",
        statusText: es ? "Sin usar — caduca el 12 de marzo de 2027" : "Unused — expires 12 March 2027",
      }),
    ],
    warranties: [
      {
        id: "w1",
        product: "Espresso machine",
        orderName: "#1042",
        quantity: 1,
        status: "active",
        coverageEnd: "2027-05-03",
        daysLeft: 161,
        text: es ? "Cubierta hasta el 3 de mayo de 2027 (quedan 161 días)" : "Covered until 3 May 2027 (161 days left)",
        canClaim: true,
        claimUnavailableText: null,
        openClaimId: null,
        care: {
          guide: es ? "Descalcifícala cada tres meses con vinagre blanco." : "Descale it every three months with white vinegar.",
          nextMaintenance: "2027-02-03",
          maintenanceText: es ? "Próximo mantenimiento: 3 de febrero de 2027" : "Next maintenance: 3 February 2027",
        },
        notices: [
          {
            id: "n1",
            kind: "accessory",
            title: es ? "Nueva jarra de leche" : "New milk jug",
            body: es ? "Una jarra de acero que encaja con tu cafetera." : "A steel jug that fits your machine.",
            publishedAt: "2026-11-01T09:00:00Z",
          },
        ],
      },
      {
        id: "w2",
        product: "Milk frother",
        orderName: "#1031",
        quantity: 1,
        status: "active",
        coverageEnd: "2027-04-02",
        daysLeft: 130,
        text: es ? "Cubierta hasta el 2 de abril de 2027 (quedan 130 días)" : "Covered until 2 April 2027 (130 days left)",
        canClaim: false,
        claimUnavailableText: es ? "Ya hay una reclamación abierta para esta unidad" : "There is already an open claim for this unit",
        openClaimId: "c2",
        care: null,
        notices: [],
      },
      {
        id: "w3",
        product: "Burr grinder",
        orderName: "#1050",
        quantity: 2,
        status: "pending_fulfillment",
        coverageEnd: null,
        daysLeft: null,
        text: es ? "La garantía empieza cuando se envíe" : "Coverage starts when it ships",
        canClaim: false,
        claimUnavailableText: es ? "Podrás reclamar cuando se envíe" : "You can claim it once it ships",
        openClaimId: null,
        care: null,
        notices: [],
      },
      {
        id: "w0",
        product: "Old grinder",
        orderName: "#900",
        quantity: 1,
        status: "expired",
        coverageEnd: "2025-01-01",
        daysLeft: 0,
        text: "Expired on 1 January 2025",
        canClaim: false,
        claimUnavailableText: "Coverage ended on 1 January 2025",
        openClaimId: null,
        care: null,
        notices: [],
      },
    ],
    birthday: null,
    pointsExpiry: {
      expiresOn: "2027-05-03",
      warnOn: "2027-04-03",
      warning: false,
      text: es
        ? "Tus 620 puntos caducan el 3 de mayo de 2027 si no haces un pedido o canjeas antes"
        : "Your 620 points expire on 3 May 2027 unless you order or redeem before then",
    },
    surveys: [], // tests/Surveys.test.tsx gives the page its surveys
    returns: [], // tests/Returns.test.tsx gives the page its returns
    claims: [
      claim({
        id: "c2",
        warrantyId: "w2",
        product: "Milk frother",
        orderName: "#1031",
        status: "in_review",
        statusText: es ? "En revisión" : "In review",
        description: "The steam wand stopped heating after two weeks.",
        events: [
          { at: "2026-10-02T09:00:00Z", text: es ? "Enviaste la reclamación" : "You sent the claim" },
          { at: "2026-10-04T15:30:00Z", text: es ? "La tienda empezó a revisarla" : "The store started reviewing it" },
        ],
        photos: [
          { id: "p1", url: "https://postventa.example/api/claims/c2/photos/p1?expires=1&signature=a" },
          { id: "p2", url: "https://postventa.example/api/claims/c2/photos/p2?expires=1&signature=b" },
        ],
      }),
      claim({
        id: "c1",
        warrantyId: "w0",
        product: "Old grinder",
        orderName: "#900",
        status: "rejected",
        statusText: es ? "Rechazada: el motor tiene daños por agua" : "Not accepted: the motor shows water damage",
        description: "It makes a loud noise when grinding.",
        submittedAt: "2024-11-02T09:00:00Z",
        events: [
          { at: "2024-11-02T09:00:00Z", text: es ? "Enviaste la reclamación" : "You sent the claim" },
          { at: "2024-11-05T10:00:00Z", text: es ? "La tienda no la aceptó" : "The store did not accept it" },
        ],
        canReopen: true,
        canAddPhotos: false,
      }),
    ],
    ...over,
  };
}

export function issued(over: Partial<IssuedReward> = {}): IssuedReward {
  return {
    redemptionId: "22222222-2222-4222-8222-222222222222",
    title: "$5.00 off your next order",
    code: "PV-5OFF-NEW",
    status: "unused",
    statusText: "Unused — expires 20 May 2027",
    usedOnOrder: null,
    expiresAt: "2027-05-20T00:00:00Z",
    createdAt: "2026-11-23T10:00:00Z",
    ...over,
  };
}

/** A 10 %-off reward on orders from $40 as the API offers it, and the code it issued, in the request's locale. */
export function percentOff(locale: ShopperLocale): { offer: RewardOffer; issued: IssuedReward } {
  const es = locale === "es";
  const title = es ? "10 % de descuento en pedidos desde 40,00 US$" : "10% off orders from $40.00";
  return {
    offer: {
      id: "percentage-off-1",
      kind: "percentage_off",
      title,
      cost: 400,
      value: null,
      percent: 10,
      minimumOrder: { amount: "40.00", currency: "USD" },
      canRedeem: true,
      unavailableText: null,
    },
    issued: issued({
      redemptionId: "33333333-3333-4333-8333-333333333333",
      title,
      code: "PV-10PCT-OFF",
      statusText: es ? "Sin usar: caduca el 20 de mayo de 2027" : "Unused: expires May 20, 2027",
    }),
  };
}

/** A claim as POST /api/claims answers it (English unless overridden). */
export function claim(over: Partial<ClaimView> = {}): ClaimView {
  return {
    id: "33333333-3333-4333-8333-333333333333",
    requestId: "44444444-4444-4444-8444-444444444444",
    warrantyId: "w1",
    product: "Espresso machine",
    orderName: "#1042",
    status: "submitted",
    statusText: "Sent: the store will review it soon",
    description: "The pump makes a rattling noise and no coffee comes out.",
    submittedAt: "2026-11-24T10:00:00Z",
    events: [{ at: "2026-11-24T10:00:00Z", text: "You sent the claim" }],
    canReopen: false,
    photos: [],
    canAddPhotos: true,
    ...over,
  };
}

/** The account's warranty `id`, with `over` applied. */
export function withWarranty(view: AccountView, id: string, over: Partial<WarrantyItem>): AccountView {
  return { ...view, warranties: view.warranties.map((w) => (w.id === id ? { ...w, ...over } : w)) };
}

/** A shopper with nothing yet: no points, no codes, no warranties, no claims. */
export function emptyAccount(): AccountView {
  return account("en", {
    points: { balance: 0, lifetime: 0 },
    tier: {
      name: "Member",
      basis: "points",
      next: { name: "Silver", points: 500 },
      progress: 0,
      earnMultiplier: 1,
      text: "500 points to Silver",
      benefitsText: null,
    },
    history: [],
    issued: [],
    warranties: [],
    claims: [],
  });
}
