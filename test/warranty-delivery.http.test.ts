// Warranty coverage from delivery over HTTP: signed webhooks (orders, fulfilments, carriers'
// events) in shuffled orders against the real server and worker. Each unit ends up covered from
// its own fulfilment's delivery, or from its shipping while no carrier reported it, whatever the
// order of arrival, with duplicates, and without a second registration or ledger entry.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startStack, type Stack } from "./stack.ts";
import { deliver, paidOrder } from "./hubspot-helpers.ts";
import { shopperCall, shopperToken } from "./shopper-helpers.ts";

const SHOP = "warranty-delivery.myshopify.com";
let stack: Stack;

beforeAll(async () => {
  stack = await startStack({ database: "postventa_test_warranty_delivery" });
  await stack.installShop(SHOP);
  await stack.pool.query(`UPDATE "Shop" SET "warrantyPolicy" = $2 WHERE domain = $1`, [
    SHOP,
    JSON.stringify({ defaultMonths: 12, startsAt: "delivery", overrides: [] }),
  ]);
});
afterAll(async () => stack?.stop());

const SHIPPED_1 = "2026-03-02T10:00:00.000Z"; // one unit
const SHIPPED_2 = "2026-03-05T10:00:00.000Z"; // two units, another package
const DELIVERED_1 = "2026-03-04T16:30:00.000Z";
const DELIVERED_2 = "2026-03-09T12:00:00.000Z";

// A seeded shuffle: a failure names the seed, and the same seed gives the same order again.
function shuffled<T>(items: T[], seed: number): T[] {
  const out = [...items];
  let s = seed;
  for (let i = out.length - 1; i > 0; i--) {
    s = (s * 1103515245 + 12345) % 2 ** 31;
    const j = s % (i + 1);
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

let eventSeq = 9007199254996000n;
const carrierEvent = (orderId: bigint, fulfillmentId: bigint, status: string, at: string) => {
  const id = (eventSeq += 1n);
  return {
    id,
    fulfillment_id: fulfillmentId,
    order_id: orderId,
    status,
    happened_at: at,
    created_at: at,
    updated_at: at,
    admin_graphql_api_id: `gid://shopify/FulfillmentEvent/${id}`,
  };
};

// The webhooks of one order of 3 units shipped in two packages; the second package's delivery
// reported twice (the later report must not move it), unless `secondDelivered` is false.
function webhooksOf(orderId: bigint, secondDelivered: boolean): Array<[string, unknown]> {
  const f1 = orderId * 3n;
  const f2 = orderId * 3n + 1n;
  const base = paidOrder(orderId, { id: orderId + 7n, email: `u${orderId}@example.com` });
  const order = { ...base, line_items: base.line_items.map((l) => ({ ...l, quantity: 3 })) };
  const line = order.line_items[0].id;
  const fulfillment = (id: bigint, created: string, quantity: number) => ({
    id,
    status: "success",
    created_at: created,
    line_items: [{ id: line, quantity }],
  });
  return [
    ["orders/paid", order],
    ["orders/partially_fulfilled", { ...order, fulfillment_status: "partial", fulfillments: [fulfillment(f1, SHIPPED_1, 1)] }],
    [
      "orders/fulfilled",
      { ...order, fulfillment_status: "fulfilled", fulfillments: [fulfillment(f1, SHIPPED_1, 1), fulfillment(f2, SHIPPED_2, 2)] },
    ],
    ["fulfillment_events/create", carrierEvent(orderId, f1, "in_transit", "2026-03-03T08:00:00.000Z")],
    ["fulfillment_events/create", carrierEvent(orderId, f1, "delivered", DELIVERED_1)],
    ...(secondDelivered
      ? ([
          ["fulfillment_events/create", carrierEvent(orderId, f2, "delivered", DELIVERED_2)],
          ["fulfillment_events/create", carrierEvent(orderId, f2, "delivered", "2026-03-11T12:00:00.000Z")],
        ] as Array<[string, unknown]>)
      : []),
  ];
}

const unitsOf = async (orderId: bigint) =>
  (
    await stack.pool.query(
      `SELECT "unitIndex", "coverageStart", "coverageEnd", "awaitingDelivery", status FROM "WarrantyRegistration"
        WHERE shop = $1 AND "shopifyOrderId" = $2 ORDER BY "unitIndex"`,
      [SHOP, String(orderId)],
    )
  ).rows.map((r) => [r.unitIndex, r.coverageStart.toISOString(), r.coverageEnd.toISOString(), r.awaitingDelivery, r.status]);

describe("coverage from delivery", () => {
  it("covers each unit from its own package's delivery, whatever order the webhooks arrive in", async () => {
    const seeds = [1, 7, 42, 1234, 99991];
    const orders = seeds.map((_, i) => 9007199254997000n + BigInt(i) * 100n);
    // Every order's webhooks shuffled, the orders' streams interleaved: the worker takes them as they come.
    const streams = orders.map((id, i) => shuffled(webhooksOf(id, true), seeds[i]));
    for (let step = 0; streams.some((s) => s.length); step++)
      for (const s of streams) {
        const next = s.shift();
        if (next) await deliver(stack.url, SHOP, next[0], next[1]);
      }
    await stack.waitForDrain();
    for (const [i, id] of orders.entries()) {
      expect(await unitsOf(id), `seed ${seeds[i]}`).toEqual([
        [0, DELIVERED_1, "2027-03-04T16:30:00.000Z", false, "active"],
        [1, DELIVERED_2, "2027-03-09T12:00:00.000Z", false, "active"],
        [2, DELIVERED_2, "2027-03-09T12:00:00.000Z", false, "active"],
      ]);
    }
    // One earn entry per order, however many events re-planned it.
    const { rows } = await stack.pool.query(
      `SELECT "orderId", count(*)::int AS n FROM "PointsLedgerEntry" WHERE shop = $1 AND "orderId" = ANY($2::text[]) GROUP BY "orderId"`,
      [SHOP, orders.map(String)],
    );
    expect(rows.map((r) => r.n)).toEqual(orders.map(() => 1));
    const failed = await stack.pool.query(
      `SELECT count(*)::int AS n FROM "WebhookDelivery" WHERE shop = $1 AND state NOT IN ('processed', 'skipped')`,
      [SHOP],
    );
    expect(failed.rows[0].n).toBe(0);
  });

  it("covers a package no carrier reported from its shipping, said as provisional, until its delivery arrives", async () => {
    const id = 9007199254998000n;
    for (const [topic, body] of shuffled(webhooksOf(id, false), 5)) await deliver(stack.url, SHOP, topic, body);
    await stack.waitForDrain();
    expect(await unitsOf(id)).toEqual([
      [0, DELIVERED_1, "2027-03-04T16:30:00.000Z", false, "active"],
      [1, SHIPPED_2, "2027-03-05T10:00:00.000Z", true, "active"],
      [2, SHIPPED_2, "2027-03-05T10:00:00.000Z", true, "active"],
    ]);
    // The shopper is told which dates may still move, in their language.
    const account = await shopperCall(stack.url, "/api/account", shopperToken(SHOP, id + 7n), { locale: "es" });
    expect(account.status).toBe(200);
    const provisional = (account.body.warranties as Array<{ text: string }>).map((w) =>
      w.text.includes("La garantía cuenta desde la entrega; hasta que se confirme, desde el envío"),
    );
    expect(provisional.sort()).toEqual([false, true, true]);
    // The carrier reports it late, twice: the same registrations move once.
    const before = (
      await stack.pool.query(`SELECT id FROM "WarrantyRegistration" WHERE shop = $1 AND "shopifyOrderId" = $2 ORDER BY id`, [
        SHOP,
        String(id),
      ])
    ).rows;
    for (let i = 0; i < 2; i++)
      await deliver(stack.url, SHOP, "fulfillment_events/create", carrierEvent(id, id * 3n + 1n, "delivered", DELIVERED_2));
    await stack.waitForDrain();
    expect((await unitsOf(id)).slice(1)).toEqual([
      [1, DELIVERED_2, "2027-03-09T12:00:00.000Z", false, "active"],
      [2, DELIVERED_2, "2027-03-09T12:00:00.000Z", false, "active"],
    ]);
    expect(
      (
        await stack.pool.query(`SELECT id FROM "WarrantyRegistration" WHERE shop = $1 AND "shopifyOrderId" = $2 ORDER BY id`, [
          SHOP,
          String(id),
        ])
      ).rows,
    ).toEqual(before);
  });

  it("keeps an order planned under a fulfilment policy there when the merchant switches to delivery", async () => {
    const id = 9007199254999000n;
    await stack.pool.query(`UPDATE "Shop" SET "warrantyPolicy" = $2 WHERE domain = $1`, [
      SHOP,
      JSON.stringify({ defaultMonths: 12, startsAt: "fulfillment", overrides: [] }),
    ]);
    const hooks = webhooksOf(id, true);
    for (const [topic, body] of hooks.filter(([t]) => t !== "fulfillment_events/create")) await deliver(stack.url, SHOP, topic, body);
    await stack.waitForDrain();
    await stack.pool.query(`UPDATE "Shop" SET "warrantyPolicy" = $2 WHERE domain = $1`, [
      SHOP,
      JSON.stringify({ defaultMonths: 12, startsAt: "delivery", overrides: [] }),
    ]);
    for (const [topic, body] of hooks.filter(([t]) => t === "fulfillment_events/create")) await deliver(stack.url, SHOP, topic, body);
    await stack.waitForDrain();
    expect((await unitsOf(id)).map((u) => [u[1], u[3]])).toEqual([
      [SHIPPED_1, false],
      [SHIPPED_2, false],
      [SHIPPED_2, false],
    ]);
  });
});
