import type { AccountView, IssuedReward, ShopperLocale } from "../../../app/shopper/views.ts";

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
      next: { name: "Gold", pointsNeeded: 380 },
      progress: 0.62,
      text: es ? "Te faltan 380 puntos para Gold" : "380 points to Gold",
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
      },
    ],
    birthday: null,
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

/** A shopper with nothing yet: no points, no codes, no warranties. */
export function emptyAccount(): AccountView {
  return account("en", {
    points: { balance: 0, lifetime: 0 },
    tier: { name: "Member", next: { name: "Silver", pointsNeeded: 500 }, progress: 0, text: "500 points to Silver" },
    history: [],
    issued: [],
    warranties: [],
  });
}
