// The dashboard over HTTP against the real built server: a store's week delivered as signed webhooks
// three ways — shuffled with Shopify's duplicates, once each in true order, and backwards with every
// event processed twice — must leave the same aggregates, equal to dashboard_rebuild's scan of the
// rows; claims and returns changing state keep them right; the page answers in the admin's language.
// Every day is the shop's own: the week's shops are in Mexico City (UTC-6), one moves to Auckland.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEV_SECRET, startStack, type Stack } from "./stack.ts";
import { deliverAll, generateStoreWeek } from "./sandboxes/shopify/store-week.ts";
import { BROWSER_UA } from "./shopper-helpers.ts";
import { sessionToken } from "./sandboxes/shopify/signing.ts";
import { deliver, paidOrder } from "./hubspot-helpers.ts";

const SHOP = "dashboard.myshopify.com"; // shuffled, duplicated
const TWIN = "dashboard-in-order.myshopify.com"; // once each, in true order
const BACKWARDS = "dashboard-backwards.myshopify.com"; // last event first, each processed twice
const EMPTY = "dashboard-empty.myshopify.com";
const MEXICO = "America/Mexico_City";
const AUCKLAND = "Pacific/Auckland";
let stack: Stack;

const q = async <T = Record<string, unknown>>(text: string, values: unknown[] = []) => (await stack.pool.query(text, values)).rows as T[];

// A shop's aggregates without its name, rows of zeros left out (a retracted contribution leaves one).
async function aggregates(shop: string) {
  const strip = <T extends { shop?: string }>(rows: T[]) => rows.map(({ shop: _, ...rest }) => JSON.stringify(rest)).sort();
  return {
    days: strip(
      await q(
        `SELECT * FROM "DashboardDay" WHERE shop = $1 AND (orders, "revenueMinor", "unitsOrdered", "customerOrders", "customerRevenueMinor", "newCustomers", "repeatCustomers",
           "pointsEarned", "pointsRedeemed", "pointsReversed", "pointsExpired", "pointsNet", returns, "unitsReturned", "claimsOpened", "claimsClosed", "claimsResolved",
           "claimsResolvedFirstContact", "claimResolutionSeconds") <> (0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0)`,
        [shop],
      ),
    ),
    months: strip(await q(`SELECT * FROM "DashboardMonth" WHERE shop = $1 AND ("activeCustomers", "retainedCustomers") <> (0, 0)`, [shop])),
    reasons: strip(await q(`SELECT * FROM "DashboardReturnReasonDay" WHERE shop = $1 AND units <> 0`, [shop])),
  };
}

async function rebuilt(shop: string) {
  await q(`SELECT dashboard_rebuild($1)`, [shop]);
  return aggregates(shop);
}

beforeAll(async () => {
  stack = await startStack({ database: "postventa_test_dashboard" });
  const week = generateStoreWeek({ shop: SHOP, seed: 11 });
  for (const shop of [SHOP, TWIN, BACKWARDS, EMPTY]) {
    await stack.installShop(shop, { ianaTimezone: MEXICO });
    stack.admin.setProducts(shop, week.products);
  }
  const now = () => new Date().toISOString();
  const url = `${stack.url}/webhooks`;
  const shuffled = await deliverAll(
    url,
    week.deliveries.map((d) => ({ ...d, triggeredAt: now() })),
    { secret: DEV_SECRET, shop: SHOP, concurrency: 8 },
  );
  const inOrder = await deliverAll(
    url,
    week.events.map((e, i) => ({ ...e, triggeredAt: now(), webhookId: `in-order-${i}`, duplicate: false, outOfOrder: true })),
    { secret: DEV_SECRET, shop: TWIN, concurrency: 1 },
  );
  // New event ids: each event is processed twice (the inbox's dedupe cannot help), backwards.
  const twice = [...week.events].reverse().flatMap((e, i) =>
    [0, 1].map((n) => ({
      ...e,
      triggeredAt: now(),
      eventId: `${e.eventId}-${n}`,
      webhookId: `back-${i}-${n}`,
      duplicate: n === 1,
      outOfOrder: true,
    })),
  );
  const backwards = await deliverAll(url, twice, { secret: DEV_SECRET, shop: BACKWARDS, concurrency: 4 });
  for (const r of [shuffled, inOrder, backwards]) expect(r.failed).toEqual([]);
  await stack.waitForDrain();
}, 240_000);
afterAll(async () => stack?.stop());

describe("the aggregates", () => {
  it("are the same whatever the delivery order and however often an event is processed", async () => {
    const reference = await aggregates(TWIN);
    expect(reference.days.length).toBeGreaterThan(3);
    expect(await aggregates(SHOP)).toEqual(reference);
    expect(await aggregates(BACKWARDS)).toEqual(reference);
  });

  it("equal a scan of the rows (dashboard_rebuild) and the plain counts of orders, customers and points", async () => {
    const incremental = await aggregates(SHOP);
    expect(await rebuilt(SHOP)).toEqual(incremental);
    const [scan] = await q<{ orders: number; customers: number; repeat: number; balances: number }>(
      `SELECT (SELECT count(*)::int FROM "Order" WHERE shop = $1 AND "paidSeen" AND "cancelledAt" IS NULL AND facts IS NOT NULL) AS orders,
              (SELECT count(DISTINCT "customerId")::int FROM "Order" WHERE shop = $1 AND "paidSeen" AND "cancelledAt" IS NULL AND "customerId" IS NOT NULL) AS customers,
              (SELECT count(*)::int FROM (SELECT "customerId" FROM "Order" WHERE shop = $1 AND "paidSeen" AND "cancelledAt" IS NULL AND "customerId" IS NOT NULL
                                          GROUP BY "customerId" HAVING count(*) > 1) x) AS repeat,
              (SELECT COALESCE(sum(balance), 0)::int FROM "PointsAccount" WHERE shop = $1) AS balances`,
      [SHOP],
    );
    const [sums] = await q<{ orders: number; customers: number; repeat: number; points: number }>(
      `SELECT sum(orders)::int AS orders, sum("newCustomers")::int AS customers, sum("repeatCustomers")::int AS repeat, sum("pointsNet")::int AS points
       FROM "DashboardDay" WHERE shop = $1`,
      [SHOP],
    );
    expect(scan.orders).toBeGreaterThan(100);
    // Each order on its day in Mexico City; the week has orders whose UTC day is the next one.
    const [days] = await q<{ local: number; utcDiffers: number }>(
      `SELECT count(*) FILTER (WHERE d.day = ((o.facts->>'createdAt')::timestamptz AT TIME ZONE $2)::date)::int AS local,
              count(*) FILTER (WHERE d.day <> ((o.facts->>'createdAt')::timestamptz AT TIME ZONE 'UTC')::date)::int AS "utcDiffers"
       FROM "DashboardOrder" d JOIN "Order" o USING (shop, "shopifyOrderId") WHERE d.shop = $1`,
      [SHOP, MEXICO],
    );
    expect(days.local).toBe(scan.orders);
    expect(days.utcDiffers).toBeGreaterThan(0);
    expect(scan.repeat).toBeGreaterThan(0);
    expect(sums).toEqual({ orders: scan.orders, customers: scan.customers, repeat: scan.repeat, points: scan.balances });
  });

  it("follow claims and returns through their states, and a refund or cancellation of a counted order", async () => {
    const [c] = await q<{ id: string; customerId: string; warrantyId: string }>(
      `SELECT w."customerId", w.id AS "warrantyId" FROM "WarrantyRegistration" w WHERE w.shop = $1 AND w."customerId" IS NOT NULL LIMIT 1`,
      [SHOP],
    );
    const [{ id: claim }] = await q<{ id: string }>(
      `INSERT INTO "WarrantyClaim" (id, shop, "customerId", "warrantyId", "requestId", status, "submittedAt", "updatedAt")
       VALUES (gen_random_uuid()::text, $1, $2, $3, 'r1', 'submitted', now() - interval '3 days', now()) RETURNING id`,
      [SHOP, c.customerId, c.warrantyId],
    );
    await q(`UPDATE "WarrantyClaim" SET status = 'resolved', "closedAt" = now() WHERE id = $1`, [claim]);
    await q(`UPDATE "WarrantyClaim" SET status = 'in_review', "closedAt" = NULL, "reopenCount" = 1 WHERE id = $1`, [claim]);
    await q(`UPDATE "WarrantyClaim" SET status = 'resolved', "closedAt" = now() WHERE id = $1`, [claim]);
    const [{ id: ret }] = await q<{ id: string }>(
      `INSERT INTO "ReturnRequest" (id, shop, "customerId", "shopifyOrderId", "requestId", status, origin, "updatedAt")
       VALUES (gen_random_uuid()::text, $1, $2, '1', 'r1', 'requested', 'shopper', now()) RETURNING id`,
      [SHOP, c.customerId],
    );
    await q(
      `INSERT INTO "ReturnRequestLine" ("returnId", "lineItemId", quantity, reason) VALUES ($1, '1', 2, 'defective'), ($1, '2', 1, 'size')`,
      [ret],
    );
    const [day] = await q<Record<string, string>>(
      `SELECT "claimsOpened", "claimsClosed", "claimsResolved", "claimsResolvedFirstContact", returns, "unitsReturned" FROM "DashboardDay" WHERE shop = $1 AND day = (now() AT TIME ZONE $2)::date`,
      [SHOP, MEXICO],
    );
    expect(day).toMatchObject({
      claimsClosed: "1",
      claimsResolved: "1",
      claimsResolvedFirstContact: "0",
      returns: "1",
      unitsReturned: "3",
    });
    expect(await rebuilt(SHOP)).toEqual(await aggregates(SHOP));

    await q(`UPDATE "ReturnRequest" SET status = 'declined' WHERE id = $1`, [ret]);
    const [order] = await q<{ id: string }>(
      `SELECT "shopifyOrderId" AS id FROM "DashboardOrder" WHERE shop = $1 AND "customerId" IS NOT NULL ORDER BY day LIMIT 1`,
      [SHOP],
    );
    await q(`UPDATE "Order" SET "cancelledAt" = now() WHERE shop = $1 AND "shopifyOrderId" = $2`, [SHOP, order.id]);
    const after = await aggregates(SHOP);
    expect(after).not.toEqual(await aggregates(TWIN));
    expect(await rebuilt(SHOP)).toEqual(after);
    expect(after.reasons).toEqual([]);
  });
});

const bearer = (shop: string) => ({
  "User-Agent": BROWSER_UA,
  Authorization: `Bearer ${sessionToken({ apiKey: process.env.SHOPIFY_API_KEY!, secret: process.env.SHOPIFY_API_SECRET!, shop, sub: "42" })}`,
});
const load = async (query: string, shop = TWIN) => {
  const res = await fetch(`${stack.url}/app?_data=routes%2Fapp._index&${query}`, { headers: bearer(shop) });
  return { status: res.status, body: await res.json() };
};

describe("the dashboard page", () => {
  it("reads the shop's metrics for the range, in Spanish by default and in English when asked", async () => {
    const es = await load("range=30");
    expect(es.status).toBe(200);
    expect(es.body.locale).toBe("es");
    expect(es.body.strings["dashboard.metric.retention"]).toBe("Tasa de retención");
    const d = es.body.data;
    expect(d.granularity).toBe("day");
    expect(d.returnRate.series).toHaveLength(30);
    const [{ orders }] = await q<{ orders: number }>(`SELECT count(*)::int AS orders FROM "DashboardOrder" WHERE shop = $1`, [TWIN]);
    expect(d.orders).toBe(orders);
    expect(d.repurchaseRate.value).toBeGreaterThan(0);
    expect(d.lifetimeValueMinor.value).toBeGreaterThan(0);
    expect(d.pointsLiabilityMinor.value).toBeGreaterThan(0);
    expect(d.redemptionRate.value).toBe(0);
    expect(d.surveys).toBeNull();
    const en = await load("range=365&locale=en");
    expect(en.body.strings["dashboard.metric.retention"]).toBe("Retention rate");
    expect(en.body.data.granularity).toBe("month");
    expect(en.body.data.orders).toBe(orders);
  });

  it("shows a shop only its own figures", async () => {
    const empty = await load("", EMPTY);
    expect(empty.status).toBe(200);
    expect(empty.body.data.orders).toBe(0);
    expect(empty.body.data.repurchaseRate.value).toBeNull();
  });

  it("answers 400 with a sentence in the admin's language to a range it cannot read", async () => {
    expect(await load("range=7")).toMatchObject({ status: 400, body: { data: null, error: expect.stringContaining("30, 90 o 365") } });
    expect(await load("from=2026-02-30&to=2026-03-01&locale=en")).toMatchObject({
      status: 400,
      body: { error: "“2026-02-30” is not a valid date: write it as YYYY-MM-DD (for example 2026-11-01), and give both dates." },
    });
    expect((await load("from=2026-03-02&to=2026-03-01")).status).toBe(400);
  });

  it("draws each metric's chart in the embedded page, labelled for people and for tests", async () => {
    const q = new URLSearchParams({
      embedded: "1",
      shop: TWIN,
      host: Buffer.from(`${TWIN}/admin`).toString("base64url"),
      id_token: bearer(TWIN).Authorization.slice(7),
      locale: "en",
    });
    const res = await fetch(`${stack.url}/app?${q}`, { headers: { "User-Agent": BROWSER_UA } });
    const html = (await res.text()).replace(/<script[\s\S]*?<\/script>/g, "");
    expect(res.status).toBe(200);
    for (const id of ["repurchase", "clv", "liability", "return-rate"])
      expect(html).toMatch(new RegExp(`<svg[^>]*role="img"[^>]*aria-label="[^"]+"[^>]*data-testid="chart-${id}"`));
    expect(html).toContain('data-testid="surveys-empty"');
    expect(html).toContain("Surveys are not running yet");
    expect(html).not.toContain("Clientes / Customers");
  });
});

describe("the shop's own days", () => {
  it("counts an order at 23:30 in Mexico City on that day there, one at 00:30 in Auckland on Auckland's, an unknown zone in UTC", async () => {
    const cases = [
      { shop: "dashboard-mexico.myshopify.com", zone: MEXICO, stored: MEXICO, at: "2026-11-02T23:30:00-06:00", day: "2026-11-02" },
      { shop: "dashboard-auckland.myshopify.com", zone: AUCKLAND, stored: AUCKLAND, at: "2026-11-03T00:30:00+13:00", day: "2026-11-03" },
      {
        shop: "dashboard-no-zone.myshopify.com",
        zone: "Mars/Olympus_Mons",
        stored: null,
        at: "2026-11-02T23:30:00-06:00",
        day: "2026-11-03",
      },
    ];
    let id = 9_702_000n;
    for (const c of cases) {
      await stack.installShop(c.shop, { ianaTimezone: c.zone });
      const order = paidOrder(++id, { id: 9_007_199_254_870_000n + id, email: `tz${id}@example.com` }, "30.00");
      order.created_at = c.at;
      order.processed_at = c.at;
      await deliver(stack.url, c.shop, "orders/paid", order);
    }
    await stack.waitForDrain();
    for (const c of cases) {
      expect(await q(`SELECT "ianaTimezone" AS zone FROM "Shop" WHERE domain = $1`, [c.shop])).toEqual([{ zone: c.stored }]);
      // (Its points count on the day they were earned, the shop's today.)
      expect(await q(`SELECT day::text, orders::int FROM "DashboardDay" WHERE shop = $1 AND orders <> 0`, [c.shop]), c.shop).toEqual([
        { day: c.day, orders: 1 },
      ]);
      expect((await load(`from=${c.day}&to=${c.day}`, c.shop)).body.data.orders, c.shop).toBe(1);
      expect(await rebuilt(c.shop)).toEqual(await aggregates(c.shop));
    }
    // "Today" is the shop's: at 05:30 UTC on 3 November it is still the 2nd in Mexico City, already the 3rd in Auckland.
    const { shopDashboard } = await import("../app/dashboard.server.ts");
    const last30 = { preset: "30", from: null, to: null };
    const at = new Date("2026-11-03T05:30:00Z");
    expect(await shopDashboard(cases[0].shop, last30, at)).toMatchObject({
      ok: true,
      data: { range: { from: "2026-10-04", to: "2026-11-02" }, orders: 1 },
    });
    expect(await shopDashboard(cases[1].shop, last30, at)).toMatchObject({
      ok: true,
      data: { range: { from: "2026-10-05", to: "2026-11-03" }, orders: 1 },
    });
    expect(await shopDashboard(cases[0].shop, last30, new Date("2026-11-02T05:29:00Z"))).toMatchObject({
      data: { range: { to: "2026-11-01" }, orders: 0 },
    });
  });

  it("recounts the shop's past in its new zone when the merchant changes it (shop/update), and ignores an older update", async () => {
    const inMexico = await aggregates(SHOP);
    stack.admin.sendWebhooksTo(`${stack.url}/webhooks`, DEV_SECRET);
    try {
      await stack.admin.merchant.updateShop(SHOP, { ianaTimezone: AUCKLAND, name: "Cerámica del Sur" });
    } finally {
      stack.admin.sendWebhooksTo(null);
    }
    await stack.waitForDrain();
    expect(await q(`SELECT name, "ianaTimezone" AS zone FROM "Shop" WHERE domain = $1`, [SHOP])).toEqual([
      { name: "Cerámica del Sur", zone: AUCKLAND },
    ]);
    const inAuckland = await aggregates(SHOP);
    expect(inAuckland).not.toEqual(inMexico);
    const [moved] = await q<{ wrong: number; orders: number }>(
      `SELECT count(*) FILTER (WHERE d.day <> ((o.facts->>'createdAt')::timestamptz AT TIME ZONE $2)::date)::int AS wrong, count(*)::int AS orders
       FROM "DashboardOrder" d JOIN "Order" o USING (shop, "shopifyOrderId") WHERE d.shop = $1`,
      [SHOP, AUCKLAND],
    );
    expect(moved).toEqual({ wrong: 0, orders: expect.any(Number) });
    expect(moved.orders).toBeGreaterThan(100);
    // What changes afterwards is counted in Auckland too.
    const [order] = await q<{ id: string }>(
      `SELECT "shopifyOrderId" AS id FROM "DashboardOrder" WHERE shop = $1 AND "customerId" IS NOT NULL ORDER BY day DESC LIMIT 1`,
      [SHOP],
    );
    await q(`UPDATE "Order" SET "cancelledAt" = now() WHERE shop = $1 AND "shopifyOrderId" = $2`, [SHOP, order.id]);
    const incremental = await aggregates(SHOP);
    expect(incremental).not.toEqual(inAuckland);
    expect(await rebuilt(SHOP)).toEqual(incremental);

    // Shopify's deliveries are unordered: an update older than the stored one changes nothing.
    const [hook] = stack.admin.webhooksOf(SHOP).filter((w) => w.topic === "shop/update");
    const stale = {
      ...JSON.parse(hook.body),
      iana_timezone: "Europe/Madrid",
      updated_at: new Date(Date.parse(JSON.parse(hook.body).updated_at) - 60_000).toISOString(),
    };
    await deliver(stack.url, SHOP, "shop/update", stale);
    await stack.waitForDrain();
    expect(await q(`SELECT "ianaTimezone" AS zone FROM "Shop" WHERE domain = $1`, [SHOP])).toEqual([{ zone: AUCKLAND }]);
    expect(await aggregates(SHOP)).toEqual(incremental);
  });
});
