// `npm run bench:webhooks` — sustained signed orders/paid deliveries against the real server
// (its own process: HTTP + in-process queue worker) and Postgres, then the same server's bare
// ceiling (HMAC check and 200, no database). Not a test: prints figures, asserts nothing.
import { spawn } from "node:child_process";
import path from "node:path";
import pg from "pg";
import { startEmbeddedPostgres } from "../server/database.server.ts";
import { buildApp, DEV_SECRET } from "../test/stack.ts";
import { stringifyShopifyJson, webhookHeaders } from "../test/sandboxes/shopify/signing.ts";

const ROOT = path.resolve(import.meta.dirname, "..");
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 64);
const SHOP = "bench.myshopify.com";
const PORT = 3917;

buildApp();
const db = await startEmbeddedPostgres({ database: "postgres" });
const admin = new pg.Client({ connectionString: db.url });
await admin.connect();
await admin.query(`DROP DATABASE IF EXISTS postventa_bench WITH (FORCE)`);
await admin.query(`CREATE DATABASE postventa_bench`);
await admin.end();
const databaseUrl = db.url.replace(/\/postgres$/, "/postventa_bench");

const server = spawn(path.join(ROOT, "node_modules/.bin/node"), ["--import", "tsx", "server/main.ts"], {
  cwd: ROOT,
  env: { ...process.env, DATABASE_URL: databaseUrl, PORT: String(PORT), HOST: "127.0.0.1", SHOPIFY_API_KEY: "bench", SHOPIFY_API_SECRET: DEV_SECRET, POSTVENTA_BENCH_CEILING: "1", LOG_LEVEL: "error" },
  stdio: ["ignore", "pipe", "inherit"],
});
await new Promise<void>((resolve) => server.stdout!.on("data", (d) => String(d).includes("listening") && resolve()));
const base = `http://127.0.0.1:${PORT}`;

let nextId = 9007199254740993n;
function delivery() {
  const id = (nextId += 2n);
  const rawBody = stringifyShopifyJson({
    id, admin_graphql_api_id: `gid://shopify/Order/${id}`, name: `#${id % 100000n}`, email: `c${id % 500n}@example.com`,
    created_at: new Date().toISOString(), currency: "USD", financial_status: "paid", taxes_included: false, total_tax: "0.00",
    customer: { id: 9007199254740993n + (id % 500n) * 2n, email: `c${id % 500n}@example.com`, first_name: "Bench", last_name: "Shopper" },
    line_items: [{ id: id + 1n, product_id: null, variant_id: null, title: "Beans", vendor: "Roaster", quantity: 2, price: "12.50", total_discount: "0.00", gift_card: false }],
    fulfillments: [],
  });
  return { id, rawBody, headers: webhookHeaders({ secret: DEV_SECRET, topic: "orders/paid", shop: SHOP, rawBody }) };
}

async function drive(route: string, seconds: number) {
  const latencies: number[] = [];
  let ok = 0;
  const acked: bigint[] = [];
  const until = Date.now() + seconds * 1000;
  const started = Date.now();
  await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
    while (Date.now() < until) {
      const d = delivery();
      const t = performance.now();
      const res = await fetch(`${base}${route}`, { method: "POST", headers: d.headers, body: d.rawBody });
      await res.arrayBuffer();
      latencies.push(performance.now() - t);
      if (res.status === 200) { ok++; acked.push(d.id); }
    }
  }));
  latencies.sort((a, b) => a - b);
  return { perSecond: ok / ((Date.now() - started) / 1000), p99: latencies[Math.floor(latencies.length * 0.99)] ?? 0, acked };
}

await drive("/webhooks/ceiling", 2); // warm-up
const ceiling = await drive("/webhooks/ceiling", SECONDS);
const real = await drive("/webhooks", SECONDS);

const pool = new pg.Pool({ connectionString: databaseUrl, max: 2 });
const deadline = Date.now() + 600_000;
for (;;) {
  const { rows } = await pool.query(`SELECT count(*)::int AS n FROM "WebhookDelivery" WHERE state <> 'processed'`);
  if (rows[0].n === 0 || Date.now() > deadline) break;
  await new Promise((r) => setTimeout(r, 250));
}
const { rows: [r] } = await pool.query(`
  SELECT (SELECT count(*) FROM "WebhookDelivery" WHERE state = 'processed')::int AS processed,
         (SELECT count(*) FROM "Order" WHERE "shopifyOrderId" = ANY($1::text[]) AND "earnSnapshot" IS NOT NULL)::int AS earned_orders,
         (SELECT count(*) - count(DISTINCT "orderId") FROM "PointsLedgerEntry" WHERE kind = 'earn')::int AS duplicated`,
  [real.acked.map(String)]);
await pool.end();
server.kill("SIGTERM");
await new Promise((r) => server.on("exit", r));
await db.stop();

const lost = real.acked.length - r.earned_orders;
console.log(`ceiling: ${ceiling.perSecond.toFixed(0)}/s (p99 ${ceiling.p99.toFixed(1)} ms); durable: ${real.perSecond.toFixed(0)}/s (p99 ${real.p99.toFixed(1)} ms); ${real.acked.length} acknowledged, ${SECONDS}s each, ${CONCURRENCY} concurrent`);
console.log(`webhooks_per_s=${real.perSecond.toFixed(0)} ceiling_per_s=${ceiling.perSecond.toFixed(0)} ratio=${(real.perSecond / ceiling.perSecond).toFixed(2)} ack_p99_ms=${real.p99.toFixed(1)} processed=${r.processed} lost=${lost} duplicated=${r.duplicated}`);
process.exit(0);
