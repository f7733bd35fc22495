// `npm run bench:hubspot` — a backfill of BENCH_CONTACTS customers (20,000 by default), each with
// a paid order and its interactions, into the HubSpot sandbox set to 190 requests / 10 s and
// 100-input batches: a ceiling of 1,900 records/s. Not a test: prints figures, asserts nothing.
//
// The orders go through the same processing the webhook queue runs (straight into the processor,
// to keep the setup short); the timed part is connect → outbox empty, through the real sync job
// run by a worker process of its own (`server/worker-main.ts`), @hubspot/api-client and HTTP to
// the sandbox in this process.
import { startHubSpotSandbox } from "../test/sandboxes/hubspot/server.ts";
import { spawnWorkerProcess, startStack } from "../test/stack.ts";
import { stringifyShopifyJson } from "../test/sandboxes/shopify/signing.ts";
import { hubspotHoldings, paidOrder } from "../test/hubspot-helpers.ts";

const CONTACTS = Number(process.env.BENCH_CONTACTS ?? 20_000);
const LIMIT = 190;
const WINDOW_MS = 10_000;
const BATCH = 100;
const SHOP = "bench-hubspot.myshopify.com";

const sandbox = await startHubSpotSandbox({ rollingLimit: LIMIT, windowMs: WINDOW_MS, maxBatch: BATCH });
process.env.HUBSPOT_BASE_URL = sandbox.url;
process.env.LOG_LEVEL ??= "warn";
// BENCH_REUSE=1 keeps an already seeded database (connecting to a new portal backfills it all again).
const reuse = process.env.BENCH_REUSE === "1";
const stack = await startStack({ database: "postventa_bench_hubspot", worker: false, fresh: !reuse });
await stack.installShop(SHOP);
const seeded = Number((await stack.pool.query(`SELECT count(*)::int AS n FROM "Customer" WHERE shop = $1`, [SHOP])).rows[0].n);
const { processDelivery } = await import("../app/webhooks/process.server.ts");
const { connectPrivateApp } = await import("../app/hubspot/connection.server.ts");

console.log(seeded === CONTACTS ? `Reusing ${CONTACTS} seeded customers.` : `Seeding ${CONTACTS} customers with a paid order each…`);
const s0 = Date.now();
let next = seeded === CONTACTS ? CONTACTS : 0;
await Promise.all(
  Array.from({ length: 8 }, async () => {
    while (next < CONTACTS) {
      const i = next++;
      const order = paidOrder(
        1_000_000n + BigInt(i),
        { id: 5_000_000n + BigInt(i), email: `shopper${i}@example.com`, firstName: "Bench", lastName: `Shopper ${i}` },
        `${20 + (i % 300)}.00`,
      );
      await processDelivery({
        shop: SHOP,
        topic: "orders/paid",
        payload: stringifyShopifyJson(order),
        triggeredAt: null,
        receivedAt: new Date(),
      });
    }
  }),
);
const q = async (sql: string, params: unknown[] = []) => (await stack.pool.query(sql, params)).rows[0];
// Statistics as autovacuum would have them on a database that has lived a while.
await stack.pool.query("ANALYZE");
const expectedNotes = Number((await q(`SELECT count(*)::int AS n FROM "HubSpotInteraction" WHERE shop = $1`, [SHOP])).n);
console.log(`Seeded in ${((Date.now() - s0) / 1000).toFixed(1)} s: ${CONTACTS} customers, ${expectedNotes} interactions in the outbox.`);

const portal = sandbox.createPortal({ rollingLimit: LIMIT });
const worker = spawnWorkerProcess(stack.databaseUrl, { stdio: ["ignore", "pipe", "inherit"] });
await new Promise<void>((resolve) => worker.stdout!.on("data", (d) => String(d).includes("worker running") && resolve()));
sandbox.resetLog();
const t0 = Date.now();
await connectPrivateApp(SHOP, portal.privateAppToken, LIMIT);
for (;;) {
  const left = await q(
    `SELECT (SELECT count(*) FROM "HubSpotContactSync" WHERE shop = $1 AND state = 'pending')::int
          + (SELECT count(*) FROM "HubSpotInteraction" WHERE shop = $1 AND state IN ('pending', 'sending'))::int AS n`,
    [SHOP],
  );
  if (left.n === 0) break;
  if (Date.now() - t0 > 15 * 60_000) {
    console.log(`gave up after 15 minutes with ${left.n} records left`);
    break;
  }
  await new Promise((r) => setTimeout(r, 100));
}
const seconds = (Date.now() - t0) / 1000;

const held = hubspotHoldings(sandbox, portal.portalId);
let found = 0;
let duplicated = 0;
for (let i = 0; i < CONTACTS; i++) {
  const n = held.contactsByEmail.get(`shopper${i}@example.com`)?.length ?? 0;
  if (n) found++;
  duplicated += Math.max(0, n - 1);
}
const { rows } = await stack.pool.query(`SELECT key FROM "HubSpotInteraction" WHERE shop = $1`, [SHOP]);
for (const r of rows) {
  const n = held.notesByEvent.get(r.key) ?? 0;
  if (n) found++;
  duplicated += Math.max(0, n - 1);
}
const expected = CONTACTS + expectedNotes;
const records = held.state.contacts.length + held.state.notes.length;
const stats = sandbox.stats();
const ceiling = (LIMIT / (WINDOW_MS / 1000)) * BATCH;
const perSecond = records / seconds;
const byPath = new Map<string, number>();
for (const r of sandbox.requestLog) byPath.set(`${r.method} ${r.path}`, (byPath.get(`${r.method} ${r.path}`) ?? 0) + 1);
console.log(`Requests: ${[...byPath].map(([p, n]) => `${p} ×${n}`).join(", ")}`);
console.log(
  `Synced ${records} records (${held.state.contacts.length} contacts, ${held.state.notes.length} notes) in ${seconds.toFixed(1)} s with ${stats.requests} requests.`,
);
// The worker first: Postgres stopping under a worker still shutting down makes it crash loudly.
await new Promise((resolve) => {
  worker.once("exit", resolve);
  worker.kill("SIGTERM");
});
await stack.stop();
await sandbox.close();
console.log(
  `records_per_s=${Math.round(perSecond)} ceiling_per_s=${ceiling} ratio=${(perSecond / ceiling).toFixed(2)} lost=${expected - found} duplicated=${duplicated} http_429=${stats.http429}`,
);
process.exit(0);
