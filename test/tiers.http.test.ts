// Tiers through the real stack: signed order webhooks move a customer up a ladder the merchant set
// (here by number of orders), each order earns with the multiplier of the tier it was placed in,
// reaching a tier gives its welcome reward once (a real discount in the Admin sandbox), a reward
// limited to a tier is refused to the others, and the shopper's page says all of it.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startStack, type Stack } from "./stack.ts";
import { deliver, paidOrder } from "./hubspot-helpers.ts";
import { shopperCall, shopperToken } from "./shopper-helpers.ts";
import type { TierProgram } from "../app/domain/tiers.ts";

const SHOP = "tiers-test.myshopify.com";
let stack: Stack;

const PROGRAM: TierProgram = {
  basis: "orders",
  period: "lifetime",
  tiers: [
    { id: "member", name: "Member", threshold: 0, earnMultiplier: 1, welcomeRewardId: null },
    { id: "silver", name: "Silver", threshold: 2, earnMultiplier: 2, welcomeRewardId: "free-shipping" },
    { id: "gold", name: "Gold", threshold: 3, earnMultiplier: 3, welcomeRewardId: "amount-5" },
  ],
};

beforeAll(async () => {
  stack = await startStack({ database: "tiers_http" });
  await stack.installShop(SHOP);
  // The default catalog, with its $15 reward for Gold only.
  const { defaultRewards } = await import("../app/domain/rewards.ts");
  const rewards = defaultRewards("USD").map((w) => (w.id === "amount-15" ? { ...w, tiers: ["gold"] } : w));
  await stack.pool.query(`UPDATE "Shop" SET "tierProgram" = $2::jsonb, rewards = $3::jsonb WHERE domain = $1`, [
    SHOP,
    JSON.stringify(PROGRAM),
    JSON.stringify(rewards),
  ]);
});

afterAll(async () => {
  await stack?.stop();
});

const CUSTOMER = 9007199254760001n;
const order = async (id: bigint, price: string) => {
  await deliver(stack.url, SHOP, "orders/paid", paidOrder(id, { id: CUSTOMER, email: "tier@example.com" }, price));
  await stack.waitForDrain();
};
const account = async (locale = "en") => (await shopperCall(stack.url, "/api/account", shopperToken(SHOP, CUSTOMER), { locale })).body;
const discounts = () =>
  stack.admin.discountsOf(SHOP).filter((d) => Array.isArray(d.customers) && d.customers.includes(`gid://shopify/Customer/${CUSTOMER}`));
const placed = async () =>
  (
    await stack.pool.query(
      `SELECT t."tierId" FROM "CustomerTier" t JOIN "Customer" c ON c.id = t."customerId" WHERE c."shopifyCustomerId" = $1`,
      [String(CUSTOMER)],
    )
  ).rows[0]?.tierId ?? null;
const welcomes = async () =>
  (
    await stack.pool.query(
      `SELECT r."requestId", r.cost, r.state FROM "Redemption" r JOIN "Customer" c ON c.id = r."customerId"
        WHERE c."shopifyCustomerId" = $1 AND r."requestId" LIKE 'welcome:%' ORDER BY r."createdAt"`,
      [String(CUSTOMER)],
    )
  ).rows;

describe("a customer climbs the merchant's tiers", () => {
  it("earns with the tier's multiplier, is welcomed once per tier, and reads it on their page", async () => {
    await order(9101n, "100.00");
    expect(await placed()).toBe("member");
    let view = await account();
    expect(view.tier).toMatchObject({
      name: "Member",
      basis: "orders",
      next: { name: "Silver", orders: 1 },
      text: "1 more order to reach Silver",
    });
    expect(view.tier.benefitsText).toBeNull();
    expect(discounts()).toEqual([]);

    // The second order earns as a Member (the tier it was placed in), then makes them Silver.
    await order(9102n, "100.00");
    expect(await placed()).toBe("silver");
    expect(await welcomes()).toEqual([{ requestId: "welcome:silver", cost: 0, state: "issued" }]);
    expect(discounts()).toEqual([expect.objectContaining({ type: "DiscountCodeFreeShipping", usageLimit: 1 })]);
    view = await account("es");
    expect(view.points).toEqual({ balance: 200, lifetime: 200 }); // the gift spent nothing
    expect(view.tier).toMatchObject({ name: "Silver", earnMultiplier: 2, text: "Te falta 1 pedido para Gold" });
    expect(view.tier.benefitsText).toBe("Como Silver, ganas 2 veces los puntos en cada pedido");
    expect(view.issued).toEqual([expect.objectContaining({ redemptionId: "welcome:silver", status: "unused" })]);
    expect(view.rewards.find((r: { id: string }) => r.id === "amount-15")).toMatchObject({
      canRedeem: false,
      unavailableText: "Solo para los niveles Gold",
    });

    // As Silver, the third order earns twice the rule; it makes them Gold.
    await order(9103n, "500.00");
    view = await account();
    expect(view.history[0]).toMatchObject({ kind: "earned", points: 1000, text: "Earned on order #9103 (×2)" });
    expect(view.points.balance).toBe(1200);
    expect(await placed()).toBe("gold");
    expect((await welcomes()).map((w: { requestId: string }) => w.requestId)).toEqual(["welcome:silver", "welcome:gold"]);
    expect(
      discounts()
        .map((d) => d.type)
        .sort(),
    ).toEqual(["DiscountCodeBasic", "DiscountCodeFreeShipping"]);
    expect(view.tier).toMatchObject({ name: "Gold", next: null, text: "You're at the top tier: Gold" });

    // Gold may redeem the Gold-only reward.
    const gold = await shopperCall(stack.url, "/api/redeem", shopperToken(SHOP, CUSTOMER), {
      body: { rewardId: "amount-15", redemptionId: crypto.randomUUID() },
    });
    expect(gold.status).toBe(200);
    expect(gold.body.balance).toBe(0);
  });

  it("gives nothing twice: repeated and concurrent checks, a duplicated order, a drop and a climb back", async () => {
    const { checkTier } = await import("../app/loyalty/tiers.server.ts");
    const customerId = (await stack.pool.query(`SELECT id FROM "Customer" WHERE "shopifyCustomerId" = $1`, [String(CUSTOMER)])).rows[0].id;
    const checks = await Promise.all([1, 2, 3].map(() => checkTier(SHOP, customerId)));
    expect(checks.every((c) => c.tierId === "gold" && !c.changed && c.welcomed.length === 0)).toBe(true);
    await order(9103n, "500.00"); // delivered again
    expect(await welcomes()).toHaveLength(2);

    // Cancelled: three orders count no more; they are Silver again, and nothing is taken or given.
    await deliver(stack.url, SHOP, "orders/cancelled", {
      ...paidOrder(9103n, { id: CUSTOMER, email: "tier@example.com" }, "500.00"),
      cancelled_at: new Date().toISOString(),
    });
    await stack.waitForDrain();
    expect(await placed()).toBe("silver");
    // Back to Gold with a new order: Gold welcomed them once already.
    await order(9104n, "100.00");
    expect(await placed()).toBe("gold");
    expect(await welcomes()).toHaveLength(2);
    expect(discounts().filter((d) => d.type !== "DiscountCodeBasic" || d.amount === "5.0")).toHaveLength(2);
  });

  it("places every customer anew when the merchant changes the ladder", async () => {
    const { saveSettings, shopSettings } = await import("../app/settings.server.ts");
    const { fieldsForm } = await import("../app/domain/settings.ts");
    const fields = (await shopSettings(SHOP))!.fields.tiers;
    // Gold now takes 10 orders: they have 3.
    const saved = await saveSettings(SHOP, "tiers", fieldsForm({ ...fields, "tier.2.threshold": "10" }), "42");
    expect(saved).toEqual({ ok: true, changed: true });
    await stack.waitForDrain();
    expect(await placed()).toBe("silver");
    expect((await account()).tier).toMatchObject({ name: "Silver", next: { name: "Gold", orders: 7 } });
    expect(await welcomes()).toHaveLength(2);
    // The contact's timeline in HubSpot: each move once, the welcome rewards with the move that gave them.
    const { rows } = await stack.pool.query(
      `SELECT i.title, i.body FROM "HubSpotInteraction" i JOIN "Customer" c ON c.id = i."customerId"
        WHERE c."shopifyCustomerId" = $1 AND i.kind = 'tier_changed' ORDER BY i."occurredAt"`,
      [String(CUSTOMER)],
    );
    expect(rows.map((r: { title: string }) => r.title)).toEqual([
      "Reached the Silver tier",
      "Reached the Gold tier",
      "Moved down to the Silver tier",
      "Reached the Gold tier",
      "Moved down to the Silver tier",
    ]);
    expect(rows[0].body).toBe(
      "<p><strong>Reached the Silver tier</strong> (from Member).</p><p>Welcome rewards: Free shipping on your next order.</p>",
    );
    expect(rows[3].body).toBe("<p><strong>Reached the Gold tier</strong> (from Silver).</p>");
  });

  it("over a rolling 12 months, lets time alone move a customer down, through the daily review", async () => {
    const rolling: TierProgram = {
      basis: "points",
      period: "rolling12",
      tiers: [PROGRAM.tiers[0], { ...PROGRAM.tiers[1], threshold: 100, welcomeRewardId: null }],
    };
    await stack.pool.query(`UPDATE "Shop" SET "tierProgram" = $2::jsonb WHERE domain = $1`, [SHOP, JSON.stringify(rolling)]);
    const other = 9007199254760002n;
    await deliver(stack.url, SHOP, "orders/paid", paidOrder(9201n, { id: other, email: "rolling@example.com" }, "150.00"));
    await stack.waitForDrain();
    const tierOf = async () =>
      (
        await stack.pool.query(
          `SELECT t."tierId" FROM "CustomerTier" t JOIN "Customer" c ON c.id = t."customerId" WHERE c."shopifyCustomerId" = $1`,
          [String(other)],
        )
      ).rows[0]?.tierId;
    expect(await tierOf()).toBe("silver");
    // Thirteen months on: the points were earned before the period the tier counts. (The ledger is
    // append-only; the test moves its dates back with the table's triggers off for this statement.)
    const client = await stack.pool.connect();
    try {
      await client.query("BEGIN; SET LOCAL session_replication_role = replica");
      await client.query(
        `UPDATE "PointsLedgerEntry" e SET "createdAt" = e."createdAt" - interval '13 months' FROM "Customer" c
          WHERE c.id = e."customerId" AND c."shopifyCustomerId" = $1`,
        [String(other)],
      );
      await client.query("COMMIT");
    } finally {
      client.release();
    }
    expect(await tierOf()).toBe("silver"); // nothing happened to them: nothing checked them
    const { taskList } = await import("../app/jobs.server.ts");
    await taskList.tiers_daily!({}, {} as never);
    await stack.waitForDrain();
    expect(await tierOf()).toBe("member");
    const view = (await shopperCall(stack.url, "/api/account", shopperToken(SHOP, other), {})).body;
    expect(view.points.lifetime).toBe(150); // the lifetime counter is not the tier's measure here
    expect(view.tier).toMatchObject({ name: "Member", next: { name: "Silver", points: 100 } });
    expect(view.tier.text).toBe("100 points to Silver (in the last 12 months)");
  });

  it("by lifetime points, checks only those whose points moved them: a stay in the first tier costs no job", async () => {
    const POINTS_SHOP = "tiers-points.myshopify.com";
    await stack.installShop(POINTS_SHOP);
    const { DEFAULT_TIER_PROGRAM } = await import("../app/domain/tiers.ts");
    const program = {
      ...DEFAULT_TIER_PROGRAM,
      tiers: DEFAULT_TIER_PROGRAM.tiers.map((t) => (t.id === "silver" ? { ...t, welcomeRewardId: "free-shipping" } : t)),
    };
    await stack.pool.query(`UPDATE "Shop" SET "tierProgram" = $2::jsonb WHERE domain = $1`, [POINTS_SHOP, JSON.stringify(program)]);
    const [small, big] = [9007199254760101n, 9007199254760102n];
    await deliver(stack.url, POINTS_SHOP, "orders/paid", paidOrder(9301n, { id: small, email: "small@example.com" }, "500.00"));
    await deliver(stack.url, POINTS_SHOP, "orders/paid", paidOrder(9302n, { id: big, email: "big@example.com" }, "1200.00"));
    await stack.waitForDrain();
    const rows = (
      await stack.pool.query(
        `SELECT c."shopifyCustomerId" AS id, t."tierId" AS tier,
                (SELECT count(*)::int FROM "Redemption" r WHERE r."customerId" = c.id AND r."requestId" = 'welcome:silver') AS welcomed
           FROM "Customer" c LEFT JOIN "CustomerTier" t ON t."customerId" = c.id WHERE c.shop = $1 ORDER BY 1`,
        [POINTS_SHOP],
      )
    ).rows;
    expect(rows).toEqual([
      { id: String(small), tier: null, welcomed: 0 }, // a check would have placed them in Bronze: none ran
      { id: String(big), tier: "silver", welcomed: 1 },
    ]);
    const view = (await shopperCall(stack.url, "/api/account", shopperToken(POINTS_SHOP, small), {})).body;
    expect(view.tier).toMatchObject({ name: "Bronze", next: { name: "Silver", points: 500 } });
  });
});
