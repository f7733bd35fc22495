// `npm run bench:dashboard` — how long the dashboard takes to load a year, as the merchant's browser
// asks for it (GET /app?range=365 as App Bridge's data request, a Shopify-signed session token), over
// a shop with 1,000,000 orders from 100,000 customers. Not a test: prints figures, asserts nothing
// about them (the last line's figures against the goal, p99 < 500 ms, are for the reader).
//
// - The real server (server/main.ts, RUN_WORKER=false) on a fresh database of an embedded Postgres;
//   the shop installed through the Admin sandbox's token exchange, as the demo installs it.
// - The seed, set-based SQL with generate_series, with the triggers off (session_replication_role):
//   100,000 customers; 1,000,000 orders over the last two years (1–3 lines, 2 % cancelled, 5 %
//   partly refunded, 3 % unpaid), an earn entry per customer order and 20,000 redemptions; 20,000
//   warranty claims (most closed, some reopened); 30,000 returns with one or two reasons. Then the
//   aggregates from dashboard_rebuild, the migration's backfill (the same sums the triggers keep;
//   test/dashboard.test.ts holds them equal).
// - Before the clock, one answer is checked against a scan of the seeded orders.
// - The ceiling, measured in the same run: the loader's own statement (DASHBOARD_SQL) over a bare pg
//   connection, BENCH_RUNS times — what is left is the server's share (session token, Remix, the
//   metrics' arithmetic, JSON).
// BENCH_RUNS (default 200) requests, one at a time after 10 unmeasured ones.
// The embedded Postgres listens on POSTVENTA_PG_PORT (54329): give a second clone its own.
//
// Last line: dashboard_p50_ms=… dashboard_p99_ms=… orders=…
import pg from "pg";
import { freePort, freshDatabase, HOST, toStderr, urlIn } from "./setup.ts";
import { buildApp, DEV_API_KEY, DEV_ENCRYPTION_KEY, DEV_SECRET } from "../test/stack.ts";
import { DEV_ENV } from "../test/dev-env.ts";
import { startAdminSandbox } from "../test/sandboxes/shopify/admin-graphql.ts";
import { sessionToken } from "../test/sandboxes/shopify/signing.ts";
import { BROWSER_UA } from "../test/shopper-helpers.ts";
import { supervise, waitForLine } from "./children.ts";
import { percentile, Samples } from "./samples.ts";
import { dayIn } from "../app/domain/shop-days.ts";

const RUNS = Number(process.env.BENCH_RUNS ?? 200);
const WARMUP = 10;
const SHOP = "dashboard-bench.myshopify.com";
const ZONE = "America/Mexico_City";
const DATABASE = "postventa_bench_dashboard";
const ORDERS = 1_000_000;
const CUSTOMERS = 100_000;
const GOAL = { p99Ms: 500 };

// Each statement is one step of the seed, timed on its own.
const SEED: Array<[string, string]> = [
  [
    "customers",
    `INSERT INTO "Customer" (id, shop, "shopifyCustomerId", "updatedAt")
     SELECT 'c' || g, $1, g::text, now() FROM generate_series(1, ${CUSTOMERS}) g`,
  ],
  [
    "orders",
    `INSERT INTO "Order" (shop, "shopifyOrderId", gid, name, currency, "customerId", facts, "paidSeen", "cancelledAt", "updatedAt")
     SELECT $1, g::text, 'gid://shopify/Order/' || g, '#' || g, 'USD', 'c' || (1 + (g::bigint * 7919) % ${CUSTOMERS}),
            jsonb_build_object(
              'id', g::text, 'createdAt', to_char(at, 'YYYY-MM-DD"T"HH24:MI:SS"Z"'), 'currency', 'USD', 'shippingMinor', 500, 'taxMinor', 0,
              'lineItems', (SELECT jsonb_agg(jsonb_build_object('id', (g * 3 + l)::text, 'quantity', 1 + (g + l) % 3, 'unitPriceMinor', 1500 + (g * l) % 9000,
                                                                'discountMinor', CASE WHEN g % 4 = 0 THEN 300 ELSE 0 END, 'giftCard', false, 'title', 'Product ' || (g + l) % 200))
                            FROM generate_series(1, 1 + g % 3) l),
              'fulfillments', '[]'::jsonb),
            g % 33 <> 0, CASE WHEN g % 50 = 0 THEN at + interval '1 hour' END, now()
     FROM (SELECT g, date_trunc('second', now() - (g::float8 / ${ORDERS}) * interval '730 days') AS at FROM generate_series(1, ${ORDERS}) g) o`,
  ],
  [
    "refunds",
    `INSERT INTO "OrderRefund" (shop, "shopifyRefundId", "shopifyOrderId", facts)
     SELECT $1, 'r' || g, g::text, jsonb_build_object('id', 'r' || g, 'orderId', g::text, 'shippingMinor', 0,
                                                      'lineItems', jsonb_build_array(jsonb_build_object('lineItemId', (g * 3 + 1)::text, 'quantity', 1, 'subtotalMinor', 1500, 'taxMinor', 0)))
     FROM generate_series(20, ${ORDERS}, 20) g`,
  ],
  [
    "ledger",
    `INSERT INTO "PointsLedgerEntry" (shop, "customerId", "idempotencyKey", kind, points, requested, "balanceAfter", "orderId", "createdAt")
     SELECT $1, o."customerId", 'order:' || o."shopifyOrderId" || ':earn', 'earn', p, p, p, o."shopifyOrderId", (o.facts->>'createdAt')::timestamptz + interval '2 days'
     FROM "Order" o, LATERAL (SELECT 20 + (o."shopifyOrderId"::int % 180) AS p) x
     WHERE o.shop = $1 AND o."paidSeen" AND o."cancelledAt" IS NULL
     UNION ALL
     SELECT $1, 'c' || (1 + g % ${CUSTOMERS}), 'redeem:' || g, 'redeem', -500, -500, 0, NULL, now() - (g::float8 / 20000) * interval '700 days'
     FROM generate_series(1, 20000) g`,
  ],
  [
    "points accounts",
    `INSERT INTO "PointsAccount" ("customerId", shop, balance, "lifetimeEarned", "updatedAt")
     SELECT "customerId", $1, greatest(0, sum(points)), sum(greatest(points, 0)), now() FROM "PointsLedgerEntry" WHERE shop = $1 GROUP BY "customerId"`,
  ],
  [
    "warranties and claims",
    `WITH w AS (
       INSERT INTO "WarrantyRegistration" (id, shop, key, "shopifyOrderId", "lineItemId", "unitIndex", "customerId", title, months, status, "updatedAt")
       SELECT 'w' || g, $1, 'order:' || g * 50 || ':line:1:unit:0', (g * 50)::text, '1', 0, 'c' || (1 + (g::bigint * 50 * 7919) % ${CUSTOMERS}), 'Product ' || g % 200, 24, 'active', now()
       FROM generate_series(1, 20000) g RETURNING id, "customerId", "shopifyOrderId")
     INSERT INTO "WarrantyClaim" (id, shop, "customerId", "warrantyId", "requestId", status, "reopenCount", "submittedAt", "firstResponseAt", "closedAt", "updatedAt")
     SELECT 'k' || w.id, $1, w."customerId", w.id, 'req-' || w.id, s.status, CASE WHEN n % 10 = 0 THEN 1 ELSE 0 END, at, at + interval '5 hours',
            CASE WHEN s.status IN ('resolved', 'rejected') THEN at + (1 + n % 9) * interval '1 day' END, now()
     FROM (SELECT w.*, "shopifyOrderId"::int / 50 AS n FROM w) w,
          LATERAL (SELECT now() - (w.n::float8 / 20000) * interval '700 days' AS at,
                          (ARRAY['resolved', 'resolved', 'resolved', 'rejected', 'in_review'])[1 + w.n % 5] AS status) s`,
  ],
  [
    "returns",
    `WITH r AS (
       INSERT INTO "ReturnRequest" (id, shop, "customerId", "shopifyOrderId", "requestId", status, origin, "createdAt", "updatedAt")
       SELECT 'ret' || g, $1, 'c' || (1 + (g::bigint * 30 * 7919) % ${CUSTOMERS}), (g * 30)::text, 'req-' || g, (ARRAY['closed', 'open', 'requested', 'declined'])[1 + g % 4], 'shopper',
              now() - (g::float8 / 30000) * interval '700 days', now()
       FROM generate_series(1, 30000) g RETURNING id)
     INSERT INTO "ReturnRequestLine" ("returnId", "lineItemId", quantity, reason)
     SELECT r.id, '1', 1 + x % 2, (ARRAY['size', 'defective', 'not_as_described', 'changed_mind'])[1 + ((hashtext(r.id) + x) & 3)]
     FROM r, generate_series(0, CASE WHEN hashtext(r.id) % 3 = 0 THEN 1 ELSE 0 END) x`,
  ],
];

const sup = supervise();

await sup.run(async () => {
  if (!(RUNS >= 1)) throw new Error("BENCH_RUNS must be a positive number");
  buildApp();
  const databaseUrl = await freshDatabase(sup, DATABASE);
  const admin = await startAdminSandbox({ apiKey: DEV_API_KEY, apiSecret: DEV_SECRET, scopes: DEV_ENV.SCOPES });
  sup.defer(() => admin.close());
  const serverEnv: NodeJS.ProcessEnv = {
    ...process.env,
    DATABASE_URL: databaseUrl,
    PORT: String(await freePort()),
    HOST,
    SHOPIFY_API_KEY: DEV_API_KEY,
    SHOPIFY_API_SECRET: DEV_SECRET,
    SCOPES: DEV_ENV.SCOPES,
    POSTVENTA_ENCRYPTION_KEY: DEV_ENCRYPTION_KEY,
    SHOPIFY_ADMIN_BASE_URL: admin.url,
    LOG_LEVEL: "error",
    RUN_WORKER: "false",
  };
  const server = sup.spawnNode("server", ["server/main.ts"], { env: serverEnv });
  const serverUrl = urlIn(await waitForLine(server, "listening", 180_000, toStderr("server")));
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 1 });
  pool.on("error", () => {});
  sup.defer(() => pool.end());

  // A shop west of UTC: its days are its own (decision 0024), read and counted in its zone.
  admin.addShop(SHOP, undefined, { name: "dashboard-bench", currencyCode: "USD", ianaTimezone: ZONE });
  const token = () => sessionToken({ apiKey: DEV_API_KEY, secret: DEV_SECRET, shop: SHOP, sub: "1" });
  const get = (path: string) => fetch(`${serverUrl}${path}`, { headers: { Authorization: `Bearer ${token()}`, "User-Agent": BROWSER_UA } });
  const installed = await get("/app?_data=routes%2Fapp");
  if (installed.status !== 200) throw new Error(`installing ${SHOP}: /app answered ${installed.status} ${await installed.text()}`);

  // ---- Seed ------------------------------------------------------------------------------------
  const seed0 = Date.now();
  const client = await pool.connect();
  try {
    // Bulk rows without the per-row triggers; the aggregates are then built set-based, as the migration's backfill builds them.
    await client.query(`SET session_replication_role = replica`);
    for (const [what, sql] of SEED) {
      const t0 = Date.now();
      const { rowCount } = await client.query(sql, [SHOP]);
      console.error(`seed: ${what}: ${rowCount} rows in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    }
    await client.query(`SET session_replication_role = origin`);
    const t0 = Date.now();
    await client.query(`SELECT dashboard_rebuild($1)`, [SHOP]);
    console.error(`seed: dashboard_rebuild: ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    await client.query(`VACUUM ANALYZE`);
  } finally {
    client.release();
  }
  const seedSeconds = (Date.now() - seed0) / 1000;
  const [counts] = (
    await pool.query<{ orders: number; year: number; days: number }>(
      `SELECT (SELECT count(*)::int FROM "Order" WHERE shop = $1) AS orders,
              (SELECT count(*)::int FROM "Order" WHERE shop = $1 AND "paidSeen" AND "cancelledAt" IS NULL
                 AND ((facts->>'createdAt')::timestamptz AT TIME ZONE $2)::date > (now() AT TIME ZONE $2)::date - 365) AS year,
              (SELECT count(*)::int FROM "DashboardDay" WHERE shop = $1) AS days`,
      [SHOP, ZONE],
    )
  ).rows;

  // ---- Check one answer ------------------------------------------------------------------------
  const path = "/app?_data=routes%2Fapp._index&range=365";
  const first = await get(path);
  const body = (await first.json()) as { data: { orders: number; returnRate: { value: number }; pointsLiabilityMinor: { value: number } } };
  if (first.status !== 200 || body.data.orders !== counts.year)
    throw new Error(
      `the dashboard answered ${first.status} with ${body.data?.orders} orders for the year; the orders table holds ${counts.year}`,
    );

  // ---- Clock -----------------------------------------------------------------------------------
  const timeIt = async (n: number, once: () => Promise<void>) => {
    const samples = new Samples();
    for (let i = 0; i < WARMUP + n; i++) {
      const t0 = performance.now();
      await once();
      if (i >= WARMUP) samples.push(performance.now() - t0);
    }
    const sorted = samples.sorted();
    return { p50: percentile(sorted, 0.5), p99: percentile(sorted, 0.99) };
  };
  // The ceiling: the loader's statement alone, over a bare connection. Its module reads the config
  // and opens the app's pool lazily: with the server's environment, importing it connects nothing.
  Object.assign(process.env, serverEnv);
  const { DASHBOARD_SQL } = await import("../app/dashboard.server.ts");
  const to = dayIn(new Date(), ZONE);
  const from = new Date(Date.parse(`${to}T00:00:00Z`) - 364 * 86_400_000).toISOString().slice(0, 10);
  const ceiling = await timeIt(RUNS, async () => {
    await pool.query(DASHBOARD_SQL, [SHOP, from, to]);
  });
  const loader = await timeIt(RUNS, async () => {
    const res = await get(path);
    if (res.status !== 200) throw new Error(`the dashboard answered ${res.status}`);
    await res.arrayBuffer();
  });

  const ms = (n: number) => n.toFixed(1);
  console.log(
    `seed: ${counts.orders} orders from ${CUSTOMERS} customers, ${counts.days} aggregate days, in ${seedSeconds.toFixed(0)} s; ` +
      `a year's range: ${counts.year} counted orders, return rate ${(body.data.returnRate.value * 100).toFixed(1)} %, liability ${body.data.pointsLiabilityMinor.value.toFixed(0)} minor units`,
  );
  console.log(
    `ceiling (the loader's statement over a bare pg connection): p50=${ms(ceiling.p50)} ms p99=${ms(ceiling.p99)} ms; ` +
      `dashboard (HTTP, signed session): p50=${ms(loader.p50)} ms p99=${ms(loader.p99)} ms; ` +
      `ratio p50=${(loader.p50 / ceiling.p50).toFixed(2)} p99=${(loader.p99 / ceiling.p99).toFixed(2)}; ${RUNS} runs each; goal p99 < ${GOAL.p99Ms} ms: ${loader.p99 < GOAL.p99Ms ? "met" : "missed"}`,
  );
  console.log(`dashboard_p50_ms=${ms(loader.p50)} dashboard_p99_ms=${ms(loader.p99)} orders=${counts.orders}`);
});
