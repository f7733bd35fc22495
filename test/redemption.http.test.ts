// Redeeming rewards over HTTP, through the real stack and the Admin sandbox (which validates every
// document against the 2026-07 schema and answers as Shopify does): points are never spent twice,
// never lost, and a code Shopify made after all is kept, not made again.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startStack, type Stack } from "./stack.ts";
import { deliver, paidOrder } from "./hubspot-helpers.ts";
import { shopperCall, shopperToken, until } from "./shopper-helpers.ts";

// Shopify's answer is awaited this long; the settle job runs 3× as long after a reservation.
const TIMEOUT_MS = 1500;
process.env.SHOPIFY_REWARD_TIMEOUT_MS = String(TIMEOUT_MS);

const SHOP = "rewards-test.myshopify.com";
let stack: Stack;
let nextCustomer = 9007199254750001n;
let nextOrder = 8001n;

beforeAll(async () => {
  stack = await startStack({ database: "redemption_http" });
  await stack.installShop(SHOP);
});

afterAll(async () => {
  await stack?.stop();
  delete process.env.SHOPIFY_REWARD_TIMEOUT_MS;
});

/** A customer with `points` points (1 point per dollar). */
async function customerWith(points: number, shop = SHOP): Promise<bigint> {
  const id = nextCustomer++;
  await deliver(stack.url, shop, "orders/paid", paidOrder(nextOrder++, { id, email: `c${id}@example.com` }, `${points}.00`));
  await stack.waitForDrain();
  return id;
}

const redeem = (customer: bigint, rewardId: string, redemptionId: string = crypto.randomUUID(), shop = SHOP, locale = "en") =>
  shopperCall(stack.url, "/api/redeem", shopperToken(shop, customer), { body: { rewardId, redemptionId }, locale });
const account = async (customer: bigint, locale = "en", shop = SHOP) =>
  (await shopperCall(stack.url, "/api/account", shopperToken(shop, customer), { locale })).body;
const discountsFor = (customer: bigint, shop = SHOP) =>
  stack.admin.discountsOf(shop).filter((d) => Array.isArray(d.customers) && d.customers.includes(`gid://shopify/Customer/${customer}`));
const ledger = async (customer: bigint) =>
  (
    await stack.pool.query(
      `SELECT e.kind, e.points, e."balanceAfter" FROM "PointsLedgerEntry" e JOIN "Customer" c ON c.id = e."customerId"
       WHERE c."shopifyCustomerId" = $1 ORDER BY e.id`,
      [String(customer)],
    )
  ).rows;

describe("a reward is a real Shopify discount", () => {
  it("creates a code restricted to the customer, once, and spends the points once", async () => {
    const ana = await customerWith(760);
    const id = crypto.randomUUID();
    const res = await redeem(ana, "amount-5", id);
    expect(res.status).toBe(200);
    expect(res.body.balance).toBe(260);
    expect(res.body.issued).toMatchObject({ redemptionId: id, status: "unused", title: "$5.00 off your next order" });
    expect(res.body.issued.code).toMatch(/^PV-[A-Z0-9]{5}-[A-Z0-9]{5}$/);
    expect(res.body.issued.statusText).toMatch(/^Unused: expires /);

    const [discount] = discountsFor(ana);
    expect(discountsFor(ana)).toHaveLength(1);
    expect(discount).toMatchObject({
      code: res.body.issued.code,
      type: "DiscountCodeBasic",
      amount: "5.0",
      usageLimit: 1,
      appliesOncePerCustomer: true,
      customers: [`gid://shopify/Customer/${ana}`],
    });
    expect(new Date(discount.endsAt!).getTime()).toBeGreaterThan(Date.now() + 89 * 86_400_000);

    // The same click again (a retry, a double click): the same code, nothing spent again.
    const again = await redeem(ana, "amount-5", id);
    expect(again.status).toBe(200);
    expect(again.body).toEqual(res.body);
    expect(discountsFor(ana)).toHaveLength(1);
    expect(await ledger(ana)).toEqual([
      { kind: "earn", points: 760, balanceAfter: 760 },
      { kind: "redeem", points: -500, balanceAfter: 260 },
    ]);

    const es = await account(ana, "es");
    expect(es.points).toEqual({ balance: 260, lifetime: 760 }); // spending leaves the tier alone
    expect(es.history[0]).toMatchObject({ kind: "redeemed", points: -500 });
    expect(es.history[0].text).toMatch(/^Canjeados por: 5,00\sUS\$ de descuento en tu próximo pedido$/);
    expect(es.issued).toEqual([expect.objectContaining({ code: res.body.issued.code, status: "unused" })]);
    expect(es.rewards.find((r: { id: string }) => r.id === "amount-5")).toMatchObject({
      canRedeem: false,
      unavailableText: "Te faltan 240 puntos",
    });
  });

  it("makes a free-shipping code, and store credit once even when asked twice", async () => {
    const bea = await customerWith(1400);
    const ship = await redeem(bea, "free-shipping");
    expect(ship.status).toBe(200);
    expect(discountsFor(bea)).toEqual([expect.objectContaining({ type: "DiscountCodeFreeShipping", code: ship.body.issued.code })]);
    const id = crypto.randomUUID();
    const credit = await redeem(bea, "store-credit-10", id);
    expect(credit.status).toBe(200);
    expect(credit.body).toMatchObject({ balance: 100, issued: { code: null, status: "unused", statusText: "Added to your store credit" } });
    await redeem(bea, "store-credit-10", id);
    const accounts = stack.admin.storeCreditOf(SHOP, `gid://shopify/Customer/${bea}`);
    expect(accounts).toEqual([expect.objectContaining({ currency: "USD", balance: "10.0" })]);
    expect(accounts[0].transactions).toHaveLength(1);
  });

  it("refuses what the balance does not cover, and a reward that is not offered, changing nothing", async () => {
    const carla = await customerWith(120);
    const poor = await redeem(carla, "amount-5", undefined, SHOP, "es");
    expect(poor.status).toBe(409);
    expect(poor.body).toEqual({ code: "not_enough_points", error: "No tienes puntos suficientes para esta recompensa." });
    const unknown = await redeem(carla, "amount-500");
    expect(unknown.status).toBe(404);
    const bad = await shopperCall(stack.url, "/api/redeem", shopperToken(SHOP, carla), {
      body: { rewardId: "amount-5", redemptionId: "1" },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error).toMatch(/redemptionId must be a UUID/);
    expect(await ledger(carla)).toHaveLength(1);
    expect(discountsFor(carla)).toHaveLength(0);
  });

  it("makes exactly k codes from N concurrent redemptions on a balance that covers k", async () => {
    const dan = await customerWith(1600); // covers 3 × 500
    const answers = await Promise.all(Array.from({ length: 10 }, () => redeem(dan, "amount-5")));
    const statuses = answers.map((a) => a.status).sort();
    expect(statuses).toEqual([200, 200, 200, 409, 409, 409, 409, 409, 409, 409]);
    expect(discountsFor(dan)).toHaveLength(3);
    const entries = await ledger(dan);
    expect(entries.filter((e) => e.kind === "redeem")).toHaveLength(3);
    expect(Math.min(...entries.map((e) => e.balanceAfter))).toBeGreaterThanOrEqual(0);
    expect((await account(dan)).points.balance).toBe(100);
  });
});

describe("a percentage-off reward", () => {
  const shop = "rewards-percent.myshopify.com";
  const tenOff = {
    id: "percentage-off-1",
    kind: "percentage_off",
    cost: 400,
    valueMinor: null,
    percent: 10,
    minimumOrderMinor: 4000,
    validDays: 60,
    tiers: null,
  };
  beforeAll(async () => {
    await stack.installShop(shop);
    // A percentage Shopify would refuse (validDays -1: the code would end before it starts) and one
    // no settings page writes (150 %): the first is refused by Shopify, the second never offered.
    const refused = { ...tenOff, id: "percentage-off-2", validDays: -1 };
    const tooMuch = { ...tenOff, id: "percentage-off-3", percent: 150 };
    await stack.pool.query(`UPDATE "Shop" SET rewards = $1 WHERE domain = $2`, [JSON.stringify([tenOff, refused, tooMuch]), shop]);
  });

  it("is a Shopify code for a percentage (a fraction), restricted to the customer, once, with the minimum and the expiry", async () => {
    const jo = await customerWith(1000, shop);
    const res = await redeem(jo, "percentage-off-1", undefined, shop);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ balance: 600, issued: { status: "unused", title: "10% off orders from $40.00" } });
    const [discount] = discountsFor(jo, shop);
    expect(discountsFor(jo, shop)).toHaveLength(1);
    expect(discount).toMatchObject({
      type: "DiscountCodeBasic",
      code: res.body.issued.code,
      percentage: 0.1,
      amount: null,
      minimumSubtotal: "40.0",
      usageLimit: 1,
      appliesOncePerCustomer: true,
      customers: [`gid://shopify/Customer/${jo}`],
    });
    const days = (Date.parse(discount.endsAt!) - Date.now()) / 86_400_000;
    expect(days).toBeGreaterThan(59.9);
    expect(days).toBeLessThanOrEqual(60);
    expect(Date.parse(res.body.issued.expiresAt)).toBe(Date.parse(discount.endsAt!));

    const en = await account(jo, "en", shop);
    expect(en.rewards.find((r: { id: string }) => r.id === "percentage-off-1")).toMatchObject({
      kind: "percentage_off",
      title: "10% off orders from $40.00",
      percent: 10,
      value: null,
      minimumOrder: { amount: "40.00", currency: "USD" },
    });
    const es = await account(jo, "es", shop);
    expect(es.issued[0].title).toMatch(/^10 % de descuento en pedidos desde 40,00\sUS\$$/);
    expect(es.history[0].text).toMatch(/^Canjeados por: 10 % de descuento en pedidos desde 40,00\sUS\$$/);
    expect(en.rewards.map((r: { id: string }) => r.id)).not.toContain("percentage-off-3");
  });

  it("refused by Shopify: the points come back, and nothing is made", async () => {
    const kay = await customerWith(500, shop);
    const res = await redeem(kay, "percentage-off-2", undefined, shop);
    expect(res.status).toBe(409);
    expect(res.body.code).toBe("refused");
    expect(discountsFor(kay, shop)).toHaveLength(0);
    expect(await ledger(kay)).toEqual([
      { kind: "earn", points: 500, balanceAfter: 500 },
      { kind: "redeem", points: -400, balanceAfter: 100 },
      { kind: "redeem_release", points: 400, balanceAfter: 500 },
    ]);
    const view = await account(kay, "en", shop);
    expect(view.history[0].text).toBe("Returned: “10% off orders from $40.00” could not be created");
  });

  it("a percent no settings page writes is not offered: redeeming it changes nothing", async () => {
    const lu = await customerWith(500, shop);
    const res = await redeem(lu, "percentage-off-3", undefined, shop);
    expect(res.status).toBe(404);
    expect(res.body.code).toBe("unknown_reward");
    expect(await ledger(lu)).toEqual([{ kind: "earn", points: 500, balanceAfter: 500 }]);
    expect(discountsFor(lu, shop)).toHaveLength(0);
  });

  it("tells HubSpot what it was, in the note's words", async () => {
    const max = await customerWith(700, shop);
    await redeem(max, "percentage-off-1", undefined, shop);
    const { rows } = await stack.pool.query(
      `SELECT i.body FROM "HubSpotInteraction" i JOIN "Customer" c ON c.id = i."customerId" WHERE c."shopifyCustomerId" = $1 AND i.kind = 'points_redeemed'`,
      [String(max)],
    );
    expect(rows[0].body).toContain("Redeemed for: 10% off orders from $40.00");
  });
});

describe("when Shopify refuses or does not answer", () => {
  it("returns the points with a compensating entry when Shopify answers userErrors", async () => {
    const shop = "rewards-refused.myshopify.com";
    await stack.installShop(shop);
    // A merchant's catalog Shopify refuses: a code that ends before it starts ("Ends at needs to be after starts_at").
    const zero = { id: "broken", kind: "amount_off", cost: 100, valueMinor: 500, minimumOrderMinor: null, validDays: -1, tiers: null };
    await stack.pool.query(`UPDATE "Shop" SET rewards = $1 WHERE domain = $2`, [JSON.stringify([zero]), shop]);
    const eva = await customerWith(300, shop);
    const click = crypto.randomUUID();
    const res = await redeem(eva, "broken", click, shop);
    expect(res.status).toBe(409);
    expect(res.body).toEqual({ code: "refused", error: "The store could not create the reward; your points were returned." });
    expect(stack.admin.discountsOf(shop)).toHaveLength(0);
    const { rows } = await stack.pool.query(`SELECT kind, points FROM "PointsLedgerEntry" WHERE shop = $1 ORDER BY id`, [shop]);
    expect(rows).toEqual([
      { kind: "earn", points: 300 },
      { kind: "redeem", points: -100 },
      { kind: "redeem_release", points: 100 },
    ]);
    // The same click asked again: the same final answer, nothing spent or returned again.
    expect((await redeem(eva, "broken", click, shop)).body.code).toBe("refused");
    expect((await stack.pool.query(`SELECT 1 FROM "PointsLedgerEntry" WHERE shop = $1`, [shop])).rows).toHaveLength(3);
    const view = await account(eva, "en", shop);
    expect(view.points.balance).toBe(300);
    expect(view.history[0].text).toMatch(/^Returned: /);
    expect(view.issued[0]).toMatchObject({ status: "failed", code: null, statusText: "Could not be created; your points were returned" });
  });

  it("on a 5xx keeps the reservation, then releases it once Shopify is known to hold no code", async () => {
    const fay = await customerWith(600);
    stack.admin.faultRewards(SHOP, { mode: "error", status: 503, calls: 1 });
    const res = await redeem(fay, "amount-5");
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({ balance: 100, issued: { status: "pending", code: null } });
    const settled = await until(
      "the settle job",
      () => account(fay),
      (v) => v.issued[0]?.status !== "pending",
    );
    expect(settled.issued[0].status).toBe("failed");
    expect(settled.points.balance).toBe(600);
    expect(discountsFor(fay)).toHaveLength(0);
  });

  it("on a timeout keeps the code Shopify made after all, and never makes a second one", async () => {
    const gil = await customerWith(600);
    stack.admin.faultRewards(SHOP, { mode: "slow", delayMs: TIMEOUT_MS * 2, calls: 1 });
    const t0 = Date.now();
    const res = await redeem(gil, "amount-5");
    expect(Date.now() - t0).toBeLessThan(TIMEOUT_MS * 2); // aborted at the timeout, not when the answer came
    expect(res.status).toBe(202);
    expect(res.body.issued.status).toBe("pending");
    const settled = await until(
      "the settle job",
      () => account(gil),
      (v) => v.issued[0]?.status !== "pending",
    );
    expect(settled.issued[0]).toMatchObject({ status: "unused", code: discountsFor(gil)[0].code });
    expect(settled.points.balance).toBe(100);
    expect(discountsFor(gil)).toHaveLength(1);
    expect((await ledger(gil)).map((e) => e.kind)).toEqual(["earn", "redeem"]);
  });
});

describe("after the code is issued", () => {
  it("shows the reward as used on the order that used its code", async () => {
    const hal = await customerWith(500);
    const { body } = await redeem(hal, "amount-5");
    const order = paidOrder(nextOrder++, { id: hal, email: `c${hal}@example.com` }, "30.00");
    await deliver(stack.url, SHOP, "orders/paid", {
      ...order,
      discount_codes: [{ code: body.issued.code.toLowerCase(), amount: "5.00", type: "fixed_amount" }],
    });
    await stack.waitForDrain();
    const view = await account(hal, "es");
    expect(view.issued[0]).toMatchObject({ status: "used", usedOnOrder: order.name, statusText: `Usado en el pedido ${order.name}` });
  });

  it("tells HubSpot: the redemption is an interaction on the contact and lowers the balance", async () => {
    const ivy = await customerWith(700);
    await redeem(ivy, "amount-5");
    const { rows } = await stack.pool.query(
      `SELECT i.kind, i.title FROM "HubSpotInteraction" i JOIN "Customer" c ON c.id = i."customerId" WHERE c."shopifyCustomerId" = $1 ORDER BY i.id`,
      [String(ivy)],
    );
    expect(rows.map((r) => r.kind)).toContain("points_redeemed");
    expect(rows.find((r) => r.kind === "points_redeemed")!.title).toBe("Redeemed 500 points");
    const sync = await stack.pool.query(
      `SELECT s.version > s."syncedVersion" AS changed FROM "HubSpotContactSync" s JOIN "Customer" c ON c.id = s."customerId" WHERE c."shopifyCustomerId" = $1`,
      [String(ivy)],
    );
    expect(sync.rows[0].changed).toBe(true);
  });
});
