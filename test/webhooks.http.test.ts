// The real server over HTTP against real Postgres, with deliveries signed as Shopify signs them.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { stringifyShopifyJson, webhookHeaders } from "./sandboxes/shopify/signing.ts";
import { DEV_SECRET, startStack, type Stack } from "./stack.ts";

const SHOP = "http-test.myshopify.com";
let stack: Stack;
let seq = 0;

beforeAll(async () => {
  stack = await startStack({ database: "postventa_test_webhooks", build: false });
  await stack.installShop(SHOP);
  stack.admin.setProducts(SHOP, [
    {
      id: "9007199254740993",
      title: "Espresso Machine Pro",
      productType: "Espresso Machine",
      vendor: "Lucca",
      tags: ["warranty-24m"],
      variants: [],
    },
  ]);
  await stack.pool.query(`UPDATE "Shop" SET "warrantyPolicy" = $1 WHERE domain = $2`, [
    JSON.stringify({ defaultMonths: 12, startsAt: "purchase", overrides: [{ match: "tag", value: "warranty-24m", months: 24 }] }),
    SHOP,
  ]);
});
afterAll(async () => stack?.stop());

const CUSTOMER = 9007199254740995n; // beyond 2^53: JSON.parse would read ...996

function order(
  id: bigint,
  opts: {
    customer?: bigint | null;
    email?: string;
    lines?: Array<{ id: bigint; price: string; qty: number; product?: bigint }>;
    cancelled?: boolean;
  } = {},
) {
  const lines = opts.lines ?? [{ id: id + 1000n, price: "100.00", qty: 1, product: 9007199254740993n }];
  const customer = opts.customer === undefined ? CUSTOMER : opts.customer;
  return {
    id,
    admin_graphql_api_id: `gid://shopify/Order/${id}`,
    name: `#${Number(id % 10000n)}`,
    email: opts.email ?? "ana@example.com",
    created_at: new Date().toISOString(),
    processed_at: new Date().toISOString(),
    currency: "USD",
    financial_status: "paid",
    cancelled_at: opts.cancelled ? new Date().toISOString() : null,
    taxes_included: false,
    total_tax: "0.00",
    total_shipping_price_set: { shop_money: { amount: "5.00", currency_code: "USD" } },
    customer: customer ? { id: customer, email: "ana@example.com", first_name: "Ana", last_name: "García", phone: "+34600111222" } : null,
    line_items: lines.map((l) => ({
      id: l.id,
      product_id: l.product ?? null,
      variant_id: null,
      title: "Espresso Machine Pro",
      vendor: "Lucca",
      quantity: l.qty,
      price: l.price,
      total_discount: "0.00",
      discount_allocations: [],
      gift_card: false,
      tax_lines: [],
    })),
    fulfillments: [],
  };
}

function refund(id: bigint, orderId: bigint, lineId: bigint, qty: number, subtotal: string) {
  return {
    id,
    order_id: orderId,
    created_at: new Date(Date.now() + Number(id % 1000n)).toISOString(),
    refund_line_items: [{ id: id + 1n, line_item_id: lineId, quantity: qty, subtotal, total_tax: "0.00" }],
    transactions: [{ id: id + 2n, amount: subtotal, kind: "refund", status: "success", currency: "USD" }],
    order_adjustments: [],
  };
}

async function deliver(topic: string, body: unknown, over: { eventId?: string; secret?: string; rawBody?: string; drop?: string[] } = {}) {
  const rawBody = over.rawBody ?? stringifyShopifyJson(body);
  const headers = webhookHeaders({
    secret: over.secret ?? DEV_SECRET,
    topic,
    shop: SHOP,
    rawBody,
    eventId: over.eventId ?? `evt-${++seq}-${Date.now()}`,
  });
  for (const name of over.drop ?? []) delete headers[name];
  return fetch(`${stack.url}/webhooks`, { method: "POST", headers, body: rawBody });
}

const count = async (sql: string, params: unknown[] = []) => Number((await stack.pool.query(sql, params)).rows[0].n);
const balance = async (customerId = CUSTOMER) =>
  Number(
    (
      await stack.pool.query(
        `SELECT COALESCE(a.balance,0) AS b FROM "Customer" c LEFT JOIN "PointsAccount" a ON a."customerId" = c.id WHERE c.shop = $1 AND c."shopifyCustomerId" = $2`,
        [SHOP, String(customerId)],
      )
    ).rows[0]?.b ?? 0,
  );

describe("webhook reception", () => {
  it("refuses a forged HMAC with 401 and writes nothing", async () => {
    const before = await count(`SELECT count(*) n FROM "WebhookDelivery"`);
    const res = await deliver("orders/paid", order(9007199254750001n), { secret: "not-the-secret" });
    expect(res.status).toBe(401);
    expect(await res.text()).toMatch(/HMAC/);
    expect(await count(`SELECT count(*) n FROM "WebhookDelivery"`)).toBe(before);
  });

  it("refuses missing headers, non-JSON and incomplete bodies with 400 and a reason", async () => {
    const before = await count(`SELECT count(*) n FROM "WebhookDelivery"`);
    const noTopic = await deliver("orders/paid", order(9007199254750002n), { drop: ["X-Shopify-Topic"] });
    expect(noTopic.status).toBe(400);
    expect(await noTopic.text()).toMatch(/X-Shopify-Topic/);
    const notJson = await deliver("orders/paid", null, { rawBody: "{not json" });
    expect(notJson.status).toBe(400);
    expect(await notJson.text()).toMatch(/not JSON/);
    const { line_items: _drop, ...noLines } = order(9007199254750003n);
    const incomplete = await deliver("orders/paid", noLines);
    expect(incomplete.status).toBe(400);
    expect(await incomplete.text()).toMatch(/line_items/);
    expect(await count(`SELECT count(*) n FROM "WebhookDelivery"`)).toBe(before);
  });

  it("refuses a stale delivery (a replay far outside Shopify's retry window)", async () => {
    const rawBody = stringifyShopifyJson(order(9007199254750004n));
    const headers = webhookHeaders({
      secret: DEV_SECRET,
      topic: "orders/paid",
      shop: SHOP,
      rawBody,
      triggeredAt: new Date(Date.now() - 10 * 86400_000).toISOString(),
    });
    const res = await fetch(`${stack.url}/webhooks`, { method: "POST", headers, body: rawBody });
    expect(res.status).toBe(400);
    expect(await res.text()).toMatch(/Stale/);
  });

  it("keeps ids beyond 2^53 exact", async () => {
    const id = 9007199254760001n;
    expect((await deliver("orders/paid", order(id))).status).toBe(200);
    await stack.waitForDrain();
    expect(await count(`SELECT count(*) n FROM "Order" WHERE "shopifyOrderId" = $1`, [String(id)])).toBe(1);
    expect(await count(`SELECT count(*) n FROM "Customer" WHERE "shopifyCustomerId" = $1`, [String(CUSTOMER)])).toBe(1);
  });
});

describe("exactly-once effects in any order", () => {
  it("a duplicate delivery (same event id) has no second effect", async () => {
    const id = 9007199254770001n;
    const before = await balance();
    const r1 = await deliver("orders/paid", order(id), { eventId: "dup-event-1" });
    const r2 = await deliver("orders/paid", order(id), { eventId: "dup-event-1" });
    expect([r1.status, r2.status]).toEqual([200, 200]);
    expect(await r2.text()).toMatch(/Duplicate/);
    await stack.waitForDrain();
    expect(await count(`SELECT count(*) n FROM "WebhookDelivery" WHERE "eventId" = 'dup-event-1'`)).toBe(1);
    expect((await balance()) - before).toBe(100);
  });

  it("the same order paid twice under different event ids earns once", async () => {
    const id = 9007199254770011n;
    const before = await balance();
    await deliver("orders/paid", order(id));
    await deliver("orders/paid", order(id));
    await stack.waitForDrain();
    expect((await balance()) - before).toBe(100);
  });

  it("a refund that arrives before its order converges to the in-order balance", async () => {
    const id = 9007199254780001n;
    const line = id + 1000n;
    const before = await balance();
    await deliver("refunds/create", refund(9007199254780501n, id, line, 1, "40.00"));
    await stack.waitForDrain();
    expect(await balance()).toBe(before); // nothing earned yet, nothing reversed
    await deliver("orders/paid", order(id, { lines: [{ id: line, price: "50.00", qty: 2 }] }));
    await stack.waitForDrain();
    expect((await balance()) - before).toBe(100 - 40);
  });

  it("a cancellation after a partial refund takes back only what remains", async () => {
    const id = 9007199254790001n;
    const line = id + 1000n;
    const before = await balance();
    await deliver("orders/paid", order(id, { lines: [{ id: line, price: "30.00", qty: 3 }] }));
    await deliver("refunds/create", refund(9007199254790501n, id, line, 1, "30.00"));
    await stack.waitForDrain();
    expect((await balance()) - before).toBe(60);
    await deliver("orders/cancelled", order(id, { lines: [{ id: line, price: "30.00", qty: 3 }], cancelled: true }));
    await stack.waitForDrain();
    expect(await balance()).toBe(before);
    const voided = await count(`SELECT count(*) n FROM "WarrantyRegistration" WHERE "shopifyOrderId" = $1 AND status = 'voided'`, [
      String(id),
    ]);
    expect(voided).toBe(3);
  });

  it("50 concurrent deliveries for one customer all land, once each", async () => {
    const customer = 9007199254800001n;
    const ids = Array.from({ length: 50 }, (_, i) => 9007199254810001n + BigInt(i) * 10n);
    const results = await Promise.all(
      ids.map((id) => deliver("orders/paid", order(id, { customer, lines: [{ id: id + 1n, price: "10.00", qty: 1 }] }))),
    );
    expect(results.every((r) => r.status === 200)).toBe(true);
    await stack.waitForDrain();
    expect(await balance(customer)).toBe(500);
    expect(
      await count(
        `SELECT count(*) n FROM "PointsLedgerEntry" e JOIN "Customer" c ON c.id = e."customerId" WHERE c."shopifyCustomerId" = $1`,
        [String(customer)],
      ),
    ).toBe(50);
  });

  it("registers one warranty per unit with the tag override's coverage", async () => {
    const id = 9007199254820001n;
    await deliver("orders/paid", order(id, { lines: [{ id: id + 1n, price: "400.00", qty: 2, product: 9007199254740993n }] }));
    await stack.waitForDrain();
    const { rows } = await stack.pool.query(
      `SELECT months, status FROM "WarrantyRegistration" WHERE "shopifyOrderId" = $1 ORDER BY "unitIndex"`,
      [String(id)],
    );
    expect(rows).toEqual([
      { months: 24, status: "active" },
      { months: 24, status: "active" },
    ]);
  });
});

describe("failures", () => {
  it("a failing delivery is visible (state, attempts, last error) and retried by the queue until it succeeds", async () => {
    const shop = "flaky.myshopify.com";
    await stack.installShop(shop);
    stack.admin.setProducts(shop, [
      { id: "9007199254850003", title: "Grinder", productType: "Grinder", vendor: "Baratza", tags: [], variants: [] },
    ]);
    // Shopify's Admin API is down: processing fails and the queue tries again.
    stack.admin.fail(shop, 503);
    const rawBody = stringifyShopifyJson(
      order(9007199254850001n, { lines: [{ id: 9007199254850002n, price: "10.00", qty: 1, product: 9007199254850003n }] }),
    );
    const h = webhookHeaders({ secret: DEV_SECRET, topic: "orders/paid", shop, rawBody });
    expect((await fetch(`${stack.url}/webhooks`, { method: "POST", headers: h, body: rawBody })).status).toBe(200);
    const row = async () =>
      (await stack.pool.query(`SELECT state, attempts, "lastError" FROM "WebhookDelivery" WHERE shop = $1`, [shop])).rows[0];
    for (let i = 0; i < 100 && (await row()).attempts < 1; i++) await new Promise((r) => setTimeout(r, 50));
    await new Promise((r) => setTimeout(r, 200));
    expect(await row()).toMatchObject({ state: "failed", attempts: 1, lastError: expect.stringMatching(/503/) });
    stack.admin.fail(shop, null);
    await stack.waitForDrain(30_000);
    expect(await row()).toMatchObject({ state: "processed", lastError: null });
    expect((await row()).attempts).toBeGreaterThanOrEqual(2);
  });
});

describe("returns webhooks", () => {
  it("Shopify's returns/* deliveries (the sandbox as the merchant) are accepted, tied to their order, and keep our record of each return", async () => {
    const shop = "returns-intake.myshopify.com";
    await stack.installShop(shop);
    const order = stack.admin.addOrder(shop, {
      id: "9007199254860001",
      customerId: String(CUSTOMER),
      lineItems: [{ id: "9007199254860002", quantity: 2, title: "Grinder" }],
      fulfillments: [{ id: "9007199254860003", lineItems: [{ lineItemId: "9007199254860002", quantity: 2 }] }],
    });
    const fli = order.fulfillments[0]!.lineItems[0]!.id;
    stack.admin.sendWebhooksTo(`${stack.url}/webhooks`, DEV_SECRET);
    try {
      const m = stack.admin.merchant;
      const first = (
        await m.requestReturn(shop, { orderId: order.id, lines: [{ fulfillmentLineItemId: fli, quantity: 1, returnReason: "DEFECTIVE" }] })
      ).return!;
      await m.approveReturn(shop, first.id);
      await m.closeReturn(shop, first.id);
      const second = (
        await m.requestReturn(shop, { orderId: order.id, lines: [{ fulfillmentLineItemId: fli, quantity: 1, returnReason: "UNWANTED" }] })
      ).return!;
      await m.declineReturn(shop, second.id, { reason: "RETURN_PERIOD_ENDED", note: "Past the window, Ana." });
    } finally {
      stack.admin.sendWebhooksTo(null);
    }
    expect(stack.admin.webhooksOf(shop).map((w) => [w.topic, w.status])).toEqual([
      ["returns/request", 200],
      ["returns/approve", 200],
      ["returns/close", 200],
      ["returns/request", 200],
      ["returns/decline", 200],
    ]);
    await stack.waitForDrain(30_000);
    const rows = (
      await stack.pool.query(`SELECT topic, "orderId", state, "lastError", payload FROM "WebhookDelivery" WHERE shop = $1 ORDER BY id`, [
        shop,
      ])
    ).rows;
    expect(rows.map((r) => [r.topic, r.orderId, r.state, r.lastError])).toEqual([
      ["returns/request", order.id, "processed", null],
      ["returns/approve", order.id, "processed", null],
      ["returns/close", order.id, "processed", null],
      ["returns/request", order.id, "processed", null],
      ["returns/decline", null, "processed", null], // a decline body names no order: its return is found by its id
    ]);
    expect(rows[4].payload).not.toContain("Ana"); // the decline note went with the scrub
    // The order is not known to us (no order webhook came): the returns are kept without a customer.
    const returns = await stack.pool.query(
      `SELECT "shopifyOrderId", status, "declineReason", "customerId", origin FROM "ReturnRequest" WHERE shop = $1 ORDER BY "createdAt"`,
      [shop],
    );
    expect(returns.rows).toEqual([
      { shopifyOrderId: order.id, status: "closed", declineReason: null, customerId: null, origin: "shopify" },
      { shopifyOrderId: order.id, status: "declined", declineReason: "RETURN_PERIOD_ENDED", customerId: null, origin: "shopify" },
    ]);
  });

  it("refuses a signed returns/decline body sent as returns/approve (Shopify signs the body, not the topic)", async () => {
    const decline = stack.admin.webhooksOf("returns-intake.myshopify.com").find((w) => w.topic === "returns/decline")!;
    const res = await fetch(`${stack.url}/webhooks`, {
      method: "POST",
      headers: webhookHeaders({
        secret: DEV_SECRET,
        topic: "returns/approve",
        shop: "returns-intake.myshopify.com",
        rawBody: decline.body,
      }),
      body: decline.body,
    });
    expect(res.status).toBe(400);
    expect(await res.text()).toContain("a returns/approve body is about a OPEN return; this one's status is DECLINED");
  });
});

describe("compliance webhooks", () => {
  it("customers/redact leaves no personal data behind", async () => {
    const customer = 9007199254830001n;
    const email = "redact.me@example.com";
    const body = {
      ...order(9007199254830011n, { customer, email }),
      customer: { id: customer, email, first_name: "Olvido", last_name: "Borrado", phone: "+34699000111" },
    };
    await deliver("orders/paid", body);
    await stack.waitForDrain();
    expect(await count(`SELECT count(*) n FROM "Customer" WHERE email = $1`, [email])).toBe(1);
    await deliver("customers/redact", {
      shop_id: 1,
      shop_domain: SHOP,
      customer: { id: customer, email, phone: "+34699000111" },
      orders_to_redact: [9007199254830011n],
    });
    await stack.waitForDrain();
    // Every text column of every table of ours, searched for the customer's email, name and phone.
    const dump = (
      await stack.pool.query(`
      SELECT string_agg(t::text, ' ') AS all FROM (
        SELECT row_to_json(c)::text AS t FROM "Customer" c UNION ALL SELECT row_to_json(o)::text FROM "Order" o
        UNION ALL SELECT row_to_json(w)::text FROM "WebhookDelivery" w UNION ALL SELECT row_to_json(e)::text FROM "PointsLedgerEntry" e
        UNION ALL SELECT row_to_json(r)::text FROM "WarrantyRegistration" r UNION ALL SELECT row_to_json(x)::text FROM "ComplianceRequest" x) s`)
    ).rows[0].all as string;
    const leaked = [email, "Olvido", "Borrado", "+34699000111"].filter((needle) => dump.includes(needle));
    expect(leaked).toEqual([]);
  });

  it("shop/redact deletes the shop's data", async () => {
    const other = "gone.myshopify.com";
    await stack.installShop(other);
    const rawBody = stringifyShopifyJson(order(9007199254840001n));
    const h = webhookHeaders({ secret: DEV_SECRET, topic: "orders/paid", shop: other, rawBody });
    expect((await fetch(`${stack.url}/webhooks`, { method: "POST", headers: h, body: rawBody })).status).toBe(200);
    await stack.waitForDrain();
    expect(await count(`SELECT count(*) n FROM "Order" WHERE shop = $1`, [other])).toBe(1);
    // A settings change recorded with its staff user id (as the Settings page saves one).
    await stack.pool.query(`INSERT INTO "ShopRulesChange" (shop, section, rules, "changedBy") VALUES ($1, 'returns', '{}', '42')`, [other]);
    // Shopify sends shop/redact 48 hours after the shop uninstalled the app.
    const uninstalled = stringifyShopifyJson({ id: 2, name: "Gone", myshopify_domain: other, domain: other });
    const hu = webhookHeaders({ secret: DEV_SECRET, topic: "app/uninstalled", shop: other, rawBody: uninstalled });
    expect((await fetch(`${stack.url}/webhooks`, { method: "POST", headers: hu, body: uninstalled })).status).toBe(200);
    await stack.waitForDrain();
    const redact = stringifyShopifyJson({ shop_id: 2, shop_domain: other });
    const h2 = webhookHeaders({ secret: DEV_SECRET, topic: "shop/redact", shop: other, rawBody: redact });
    expect((await fetch(`${stack.url}/webhooks`, { method: "POST", headers: h2, body: redact })).status).toBe(200);
    await stack.waitForDrain();
    for (const table of [
      "Order",
      "Customer",
      "PointsLedgerEntry",
      "WarrantyRegistration",
      "WebhookDelivery",
      "Session",
      "DashboardDay", // the dashboard's aggregates go too
      "DashboardOrder",
      "DashboardCustomer",
      "ShopRulesChange",
    ])
      expect(await count(`SELECT count(*) n FROM "${table}" WHERE shop = $1`, [other])).toBe(0);
    expect(await count(`SELECT count(*) n FROM "Order" WHERE shop = $1`, [SHOP])).toBeGreaterThan(0);
  });
});
