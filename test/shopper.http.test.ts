// The shopper API over HTTP, through the real stack, with tokens signed as Shopify signs them.
// Who the shopper is comes from the token's `sub` only; every answer carries CORS headers.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startStack, type Stack } from "./stack.ts";
import { deliver, paidOrder } from "./hubspot-helpers.ts";
import { shopperCall, shopperToken } from "./shopper-helpers.ts";

const SHOP = "shopper-test.myshopify.com";
const OTHER_SHOP = "not-installed.myshopify.com";
const ANA = 9007199254740993n; // beyond 2^53: the id must stay exact end to end
const BEA = 9007199254740995n;
let stack: Stack;

beforeAll(async () => {
  stack = await startStack({ database: "shopper_http" });
  await stack.installShop(SHOP);
  await deliver(stack.url, SHOP, "orders/paid", paidOrder(7001n, { id: ANA, email: "ana@example.com", firstName: "Ana" }, "640.00"));
  // Processed before the next arrives: the history lists entries in the order they were written.
  await stack.waitForDrain();
  await deliver(stack.url, SHOP, "orders/paid", paidOrder(7002n, { id: ANA, email: "ana@example.com", firstName: "Ana" }, "120.00"));
  await deliver(stack.url, SHOP, "orders/paid", paidOrder(7003n, { id: BEA, email: "bea@example.com", firstName: "Bea" }, "90.00"));
  await stack.waitForDrain();
});

afterAll(async () => {
  await stack?.stop();
});

const call = (path: string, token: string | null, init?: Parameters<typeof shopperCall>[3]) => shopperCall(stack.url, path, token, init);

describe("who is asking", () => {
  it("answers 401 with CORS headers and a sentence to every token it must refuse, and reveals nothing", async () => {
    const refused: Array<[string, string | null]> = [
      ["no token", null],
      ["forged signature", shopperToken(SHOP, ANA, { secret: "not-the-app-secret" })],
      ["expired", shopperToken(SHOP, ANA, { expiresInSec: -120 })],
      ["another app's token (aud)", shopperToken(SHOP, ANA, { apiKey: "some-other-app" })],
      ["no sub (not logged in)", shopperToken(SHOP, null)],
      ["sub that is not a customer", shopperToken(SHOP, null, { sub: "gid://shopify/StaffMember/1" })],
      ["dest of a shop that never installed the app", shopperToken(OTHER_SHOP, ANA)],
      ["dest that is not a shop domain", shopperToken(SHOP, ANA, { dest: "https://evil.example.com" })],
    ];
    for (const [why, token] of refused) {
      for (const path of ["/api/account", "/api/orders/7001", "/api/birthday"]) {
        const res = await call(path, token, { locale: "es" });
        expect(res.status, `${why} on ${path}`).toBe(401);
        expect(res.headers.get("access-control-allow-origin"), `${why} on ${path}`).toBe("*");
        expect(res.body.error, why).toMatch(/Inicia sesión|no usa Postventa/);
        expect(JSON.stringify(res.body)).not.toMatch(/640|Ana|7001/);
      }
    }
    const redeem = await call("/api/redeem", shopperToken(SHOP, null), {
      body: { rewardId: "amount-5", redemptionId: crypto.randomUUID() },
    });
    expect(redeem.status).toBe(401);
  });

  it("refuses the shop once it uninstalled the app", async () => {
    const shop = "gone-shopper.myshopify.com";
    await stack.installShop(shop);
    expect((await call("/api/account", shopperToken(shop, ANA))).status).toBe(200);
    await stack.pool.query(`UPDATE "Shop" SET "uninstalledAt" = now() WHERE domain = $1`, [shop]);
    const res = await call("/api/account", shopperToken(shop, ANA));
    expect(res.status).toBe(401);
    expect(res.body.code).toBe("not_installed");
  });

  it("checks the shop on every call, whether the check rides in the view's query or not", async () => {
    // /api/account checks "installed" in its own query; the other endpoints before reading anything.
    const shop = "lost-session.myshopify.com";
    await stack.installShop(shop);
    expect((await call("/api/account", shopperToken(shop, ANA))).status).toBe(200);
    await stack.pool.query(`DELETE FROM "Session" WHERE id = $1`, [`offline_${shop}`]);
    for (const path of ["/api/account", "/api/orders/7001", "/api/birthday"]) {
      const gone = await call(path, shopperToken(shop, ANA));
      expect([path, gone.status, gone.body.code]).toEqual([path, 401, "not_installed"]);
      // Without a customer either, a shop without the app is what the answer names, as before.
      const noSub = await call(path, shopperToken(shop, null));
      expect([path, noSub.status, noSub.body.code]).toEqual([path, 401, "not_installed"]);
    }
    const noSub = await call("/api/account", shopperToken(SHOP, null));
    expect([noSub.status, noSub.body.code]).toEqual([401, "unauthenticated"]);
  });

  it("answers the CORS preflight, which carries no token", async () => {
    const res = await fetch(`${stack.url}/api/redeem`, {
      method: "OPTIONS",
      headers: { Origin: "null", "Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "authorization, content-type" },
    });
    expect(res.status).toBe(204);
    expect(res.headers.get("access-control-allow-origin")).toBe("*");
    expect(res.headers.get("access-control-allow-headers")).toMatch(/Authorization/i);
  });

  it("takes the customer from the token, never from the query or the body", async () => {
    const bea = shopperToken(SHOP, BEA);
    const res = await call(`/api/account?customerId=${ANA}&sub=gid://shopify/Customer/${ANA}`, bea);
    expect(res.status).toBe(200);
    expect(res.body.firstName).toBe("Bea");
    expect(res.body.points.balance).toBe(90);
    // Ana's order, asked for with Bea's token: the same answer as an order nobody knows.
    const other = await call("/api/orders/7001", bea);
    expect(other.status).toBe(200);
    expect(other.body).toMatchObject({ orderName: null, points: { status: "unknown", points: 0 }, warranties: [] });
    const birthday = await call("/api/birthday", bea, { body: { birthday: { month: 5, day: 2 }, customerId: String(ANA) } });
    expect(birthday.status).toBe(200);
    const ana = await call("/api/birthday", shopperToken(SHOP, ANA));
    expect(ana.body.birthday).toBeNull();
  });
});

describe("the rewards page", () => {
  it("shows points, tier, history, rewards and warranties in the shopper's language", async () => {
    const es = await call("/api/account", shopperToken(SHOP, ANA), { locale: "es" });
    expect(es.status).toBe(200);
    expect(es.headers.get("access-control-allow-origin")).toBe("*");
    const v = es.body;
    expect(v.locale).toBe("es");
    expect(v.points).toEqual({ balance: 760, lifetime: 760 });
    expect(v.tier).toMatchObject({ name: "Bronze", next: { name: "Silver", points: 240 } });
    expect(v.tier.text).toBe("Te faltan 240 puntos para Silver");
    expect(v.history.map((h: { text: string }) => h.text)).toEqual(["Ganados en el pedido #7002", "Ganados en el pedido #7001"]);
    expect(v.warranties).toHaveLength(2);
    expect(v.warranties[0]).toMatchObject({
      product: "Molinillo Baratza",
      status: "pending_fulfillment",
      text: "La garantía empieza cuando se envíe",
    });
    const byId = Object.fromEntries(v.rewards.map((r: { id: string }) => [r.id, r]));
    expect(byId["amount-5"]).toMatchObject({ cost: 500, canRedeem: true, unavailableText: null });
    expect(byId["amount-5"].title).toMatch(/^5,00\s?US\$ de descuento en tu próximo pedido$/);
    expect(byId["store-credit-10"]).toMatchObject({ canRedeem: false, unavailableText: "Te faltan 240 puntos" });

    const en = await call("/api/account", shopperToken(SHOP, ANA), { locale: "en" });
    expect(en.body.history[0].text).toBe("Earned on order #7002");
    expect(en.body.tier.text).toBe("240 points to Silver");
    const accept = await fetch(`${stack.url}/api/account`, {
      headers: {
        Authorization: `Bearer ${shopperToken(SHOP, ANA)}`,
        "Accept-Language": "es-MX,es;q=0.9",
        "User-Agent": "Mozilla/5.0 Chrome/126.0",
      },
    });
    expect(((await accept.json()) as { locale: string }).locale).toBe("es");
  });

  it("shows a shopper with no orders yet an empty program, not an error", async () => {
    const res = await call("/api/account", shopperToken(SHOP, 123456789n), { locale: "en" });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ points: { balance: 0, lifetime: 0 }, history: [], issued: [], warranties: [], birthday: null });
    expect(res.body.rewards.every((r: { canRedeem: boolean }) => !r.canRedeem)).toBe(true);
  });
});

describe("order status and thank-you", () => {
  it("shows what one of the shopper's orders earned and its units' coverage", async () => {
    const res = await call(`/api/orders/${encodeURIComponent("gid://shopify/Order/7001")}`, shopperToken(SHOP, ANA), { locale: "en" });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      orderName: "#7001",
      points: { status: "earned", points: 640, text: "This order earned you 640 points" },
    });
    expect(res.body.warranties).toHaveLength(1);
    const bad = await call("/api/orders/not-an-id", shopperToken(SHOP, ANA), { locale: "en" });
    expect(bad.status).toBe(400);
    expect(bad.body.error).toMatch(/order id is not valid/);
    // A malformed escape is no order id either, on both order routes.
    for (const path of ["/api/orders/%25E0%25A4%25A", "/api/orders/%25/returns"]) {
      const odd = await call(path, shopperToken(SHOP, ANA), { locale: "es" });
      expect(odd.status, path).toBe(400);
      expect(odd.body.error, path).toMatch(/el id del pedido no es válido/);
    }
  });

  it("tells a guest on the thank-you page what the order earns and that the points wait for an account", async () => {
    const guest = await call("/api/thank-you", shopperToken(SHOP, null), {
      body: { orderId: "gid://shopify/Order/7999", subtotal: { amount: "45.90", currency: "USD" } },
      locale: "es",
    });
    expect(guest.status).toBe(200);
    expect(guest.body).toMatchObject({ points: 45, guest: true, tier: null, text: "Este pedido te da 45 puntos" });
    expect(guest.body.guestText).toMatch(/crea una cuenta con el email de este pedido/);
    // A guest asking about a real customer's order learns nothing about it.
    const probing = await call("/api/thank-you", shopperToken(SHOP, null), {
      body: { orderId: "gid://shopify/Order/7001", subtotal: { amount: "1.00", currency: "USD" } },
    });
    expect(probing.body.points).toBe(1);
  });

  it("shows a logged-in shopper the points the order earned and their tier", async () => {
    const res = await call("/api/thank-you", shopperToken(SHOP, ANA), {
      body: { orderId: "gid://shopify/Order/7002", subtotal: { amount: "999.00", currency: "USD" } },
      locale: "en",
    });
    expect(res.body).toMatchObject({ points: 120, guest: false, guestText: null, tier: { name: "Bronze", next: { points: 240 } } });
  });

  it("refuses a thank-you body it cannot read with a 400 that says what to send", async () => {
    for (const body of [
      "{",
      { subtotal: { amount: "ten", currency: "USD" } },
      { orderId: "x", subtotal: { amount: "1", currency: "USD" } },
      {},
    ]) {
      const res = await call("/api/thank-you", shopperToken(SHOP, null), { body, locale: "en" });
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.headers.get("access-control-allow-origin")).toBe("*");
      expect(res.body.error).toMatch(/We could not read the request: ./);
    }
  });
});

describe("birthday", () => {
  it("stores month and day, refuses an impossible date without changing anything, and clears", async () => {
    const token = shopperToken(SHOP, ANA);
    expect((await call("/api/birthday", token, { body: { birthday: { month: 2, day: 29 } } })).body.birthday).toEqual({
      month: 2,
      day: 29,
    });
    const bad = await call("/api/birthday", token, { body: { birthday: { month: 4, day: 31 } }, locale: "en" });
    expect(bad.status).toBe(400);
    expect(bad.body.error).toMatch(/day must be a whole number from 1 to 30 for month 4/);
    expect((await call("/api/birthday", token)).body.birthday).toEqual({ month: 2, day: 29 });
    expect((await call("/api/account", token)).body.birthday).toEqual({ month: 2, day: 29 });
    expect((await call("/api/birthday", token, { body: { birthday: null } })).body.birthday).toBeNull();
    expect((await call("/api/birthday", token)).body.birthday).toBeNull();
  });

  it("stores nothing about a customer erased by customers/redact", async () => {
    const gone = 9007199254740999n;
    await stack.pool.query(`INSERT INTO "RedactedCustomer" (shop, "shopifyCustomerId") VALUES ($1, $2)`, [SHOP, String(gone)]);
    const res = await call("/api/birthday", shopperToken(SHOP, gone), { body: { birthday: { month: 1, day: 1 } } });
    expect(res.status).toBe(200);
    const { rows } = await stack.pool.query(`SELECT 1 FROM "Customer" WHERE shop = $1 AND "shopifyCustomerId" = $2`, [SHOP, String(gone)]);
    expect(rows).toHaveLength(0);
  });
});
