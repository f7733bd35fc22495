// `npm run demo`: a realistic store's week, delivered as signed webhooks to the real app.
// `npm run demo -- --keep` leaves the server running afterwards.
import { generateStoreWeek, deliverAll } from "../test/sandboxes/shopify/store-week.ts";
import { DEV_SECRET, startStack } from "../test/stack.ts";

const keep = process.argv.includes("--keep");
const shop = "cafe-demo.myshopify.com";
const start = new Date(Date.now() - 7 * 86400_000).toISOString();

console.log("Starting embedded Postgres, migrations, app server, queue worker and the Shopify Admin sandbox…");
const stack = await startStack({ database: "postventa_demo", port: keep ? 3000 : 0 });
await stack.installShop(shop);
const week = generateStoreWeek({ shop, seed: 7, start });
stack.admin.setProducts(shop, week.products);

// The same week delivered to a twin shop exactly once each, in true order: the reference the
// shuffled, duplicated delivery above must converge to.
const twin = "cafe-demo-in-order.myshopify.com";
await stack.installShop(twin);
stack.admin.setProducts(twin, week.products);

const t0 = Date.now();
// A week compressed into seconds: each delivery is stamped as sent now, as Shopify would stamp it.
const deliveries = week.deliveries.map((d) => ({ ...d, triggeredAt: new Date().toISOString() }));
const result = await deliverAll(`${stack.url}/webhooks`, deliveries, { secret: DEV_SECRET, shop, concurrency: 8 });
const acked = Date.now() - t0;
await stack.waitForDrain();
const drained = Date.now() - t0;

const now = () => new Date().toISOString();
await deliverAll(`${stack.url}/webhooks`, week.events.map((e, i) => ({ ...e, triggeredAt: now(), webhookId: `in-order-${i}`, duplicate: false, outOfOrder: false })), { secret: DEV_SECRET, shop: twin, concurrency: 1 });
await stack.waitForDrain();

const q = async <T = Record<string, unknown>>(sql: string, params: unknown[] = []) => (await stack.pool.query(sql, params)).rows as T[];
const sample = await q(`
  SELECT COALESCE(c."firstName" || ' ' || c."lastName", c.email) AS who, c."shopifyCustomerId" IS NULL AS guest,
         COALESCE(a.balance, 0) AS points, COALESCE(a."lifetimeEarned", 0) AS lifetime,
         (SELECT count(*) FROM "WarrantyRegistration" w WHERE w."customerId" = c.id AND w.status = 'active')::int AS warranties,
         (SELECT count(*) FROM "Order" o WHERE o."customerId" = c.id)::int AS orders
  FROM "Customer" c LEFT JOIN "PointsAccount" a ON a."customerId" = c.id
  WHERE c.shop = $1 AND c."claimedById" IS NULL ORDER BY a.balance DESC NULLS LAST, who LIMIT 8`, [shop]);
const [totals] = await q(`
  SELECT (SELECT count(*) FROM "Customer" WHERE shop = $1 AND "claimedById" IS NULL)::int AS customers,
         (SELECT count(*) FROM "Customer" WHERE shop = $1 AND "shopifyCustomerId" IS NULL AND "claimedById" IS NULL)::int AS guests,
         (SELECT count(*) FROM "Order" WHERE shop = $1 AND facts IS NOT NULL)::int AS orders,
         (SELECT COALESCE(sum(points) FILTER (WHERE kind = 'earn'), 0) FROM "PointsLedgerEntry" WHERE shop = $1)::int AS earned,
         (SELECT COALESCE(-sum(points) FILTER (WHERE kind LIKE '%reversal'), 0) FROM "PointsLedgerEntry" WHERE shop = $1)::int AS reversed,
         (SELECT COALESCE(sum(balance), 0) FROM "PointsAccount" WHERE shop = $1)::int AS outstanding,
         (SELECT count(*) FROM "WarrantyRegistration" WHERE shop = $1)::int AS units,
         (SELECT count(*) FROM "WarrantyRegistration" WHERE shop = $1 AND status = 'active')::int AS active,
         (SELECT count(*) FROM "WarrantyRegistration" WHERE shop = $1 AND status = 'pending_fulfillment')::int AS pending,
         (SELECT count(*) FROM "WarrantyRegistration" WHERE shop = $1 AND status = 'voided')::int AS voided,
         (SELECT count(*) FROM "WebhookDelivery" WHERE shop = $1)::int AS stored,
         (SELECT count(*) FROM "WebhookDelivery" WHERE shop = $1 AND state = 'failed')::int AS failed`, [shop]);

const balances = async (s: string) => Object.fromEntries((await q<{ k: string; b: number }>(
  `SELECT COALESCE(c."shopifyCustomerId", c.email) AS k, COALESCE(a.balance, 0) AS b FROM "Customer" c
   LEFT JOIN "PointsAccount" a ON a."customerId" = c.id WHERE c.shop = $1 AND c."claimedById" IS NULL`, [s])).map((r) => [r.k, r.b]));
const [shuffled, inOrder] = [await balances(shop), await balances(twin)];
const differing = Object.keys({ ...shuffled, ...inOrder }).filter((k) => shuffled[k] !== inOrder[k]);

const pad = (s: unknown, n: number) => String(s).padEnd(n);
console.log(`\nPostventa demo — ${shop}, one week from ${start.slice(0, 10)}\n`);
console.log(`Deliveries: ${week.deliveries.length} sent (${week.stats.duplicates} duplicates, ${week.stats.outOfOrder} out of order); ` +
  `${result.ok} answered 2xx, ${result.failed.length} refused; ${totals.stored} distinct events stored, ${totals.failed} failed.`);
console.log(`Acknowledged in ${acked} ms; queue drained after ${drained} ms.\n`);
console.log(`${pad("Customer", 28)}${pad("guest", 7)}${pad("points", 8)}${pad("lifetime", 10)}${pad("orders", 8)}active warranties`);
for (const r of sample) console.log(`${pad(r.who, 28)}${pad(r.guest ? "yes" : "", 7)}${pad(r.points, 8)}${pad(r.lifetime, 10)}${pad(r.orders, 8)}${r.warranties}`);
console.log(`\nTotals: ${totals.customers} customers (${totals.guests} guests), ${totals.orders} orders; points earned ${totals.earned}, ` +
  `reversed ${totals.reversed}, outstanding ${totals.outstanding}.`);
console.log(`Warranty registrations: ${totals.units} units — ${totals.active} active, ${totals.pending} awaiting fulfilment, ${totals.voided} voided by refund or cancellation.`);
console.log(`Week as generated: ${week.stats.orders} orders (${week.stats.guestOrders} guest), ${week.stats.refunds} refunds, ${week.stats.cancellations} cancellations.`);

console.log(differing.length === 0
  ? `Converged: every balance equals the one from delivering each event once, in true order (${Object.keys(inOrder).length} customers compared).`
  : `NOT converged: ${differing.length} customer balances differ from in-order delivery: ${differing.slice(0, 5).join(", ")}`);

const ok = result.failed.length === 0 && totals.failed === 0 && differing.length === 0;
if (keep) {
  console.log(`\nServer left running at ${stack.url} (Ctrl-C to stop).`);
  process.on("SIGINT", async () => { await stack.stop(); process.exit(0); });
} else {
  await stack.stop();
  process.exit(ok ? 0 : 1);
}
