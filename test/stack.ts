// Dev/test only: the whole app as production runs it — Postgres (embedded unless DATABASE_URL),
// migrations, the built Remix server, the queue worker — plus the local Shopify Admin sandbox.
// Used by the demo, the HTTP tests and the benchmarks.
import { execFileSync, spawn, type ChildProcess, type StdioOptions } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
import pg from "pg";
import { createDatabaseIfMissing, startEmbeddedPostgres } from "../server/database.server.ts";
import { applyMigrations } from "../server/migrate.server.ts";
import { prepareQueue, startWorker } from "../server/worker.server.ts";
import { startAppServer } from "../server/app-server.server.ts";
import { startAdminSandbox, type AdminSandbox, type ShopData } from "./sandboxes/shopify/admin-graphql.ts";
import { applyDevEnv } from "./dev-env.ts";
import type { Tuning } from "../app/hubspot/tuning.server.ts";
import { sessionToken } from "./sandboxes/shopify/signing.ts";

const ROOT = path.resolve(import.meta.dirname, "..");
export { DEV_API_KEY, DEV_ENCRYPTION_KEY, DEV_HUBSPOT_CLIENT, DEV_SECRET } from "./dev-env.ts";

export function buildApp(force = false) {
  if (!force && existsSync(path.join(ROOT, "build/server/index.js")) && !process.env.POSTVENTA_REBUILD) return;
  execFileSync(path.join(ROOT, "node_modules/.bin/remix"), ["vite:build"], { cwd: ROOT, stdio: "ignore" });
}

// `npm run worker` as its own process, on the given database (the rest of its environment is ours),
// with the HubSpot sync tuned as the caller asks.
export function spawnWorkerProcess(
  databaseUrl: string,
  opts: { logLevel?: string; stdio?: StdioOptions; tuning?: Partial<Tuning> } = {},
): ChildProcess {
  return spawn(
    path.join(ROOT, "node_modules/.bin/node"),
    ["--import", "tsx", "test/worker-process.ts", JSON.stringify(opts.tuning ?? {})],
    {
      cwd: ROOT,
      env: { ...process.env, DATABASE_URL: databaseUrl, ...(opts.logLevel ? { LOG_LEVEL: opts.logLevel } : {}) },
      stdio: opts.stdio ?? "ignore",
    },
  );
}

export interface Stack {
  url: string;
  databaseUrl: string;
  admin: AdminSandbox;
  pool: pg.Pool;
  /** The merchant opens the app: App Bridge's session token, exchanged for an expiring offline token. */
  /** Installs the app in a shop the Admin sandbox holds (its time zone: America/New_York unless `data` says). */
  installShop(shop: string, data?: ShopData): Promise<void>;
  waitForDrain(timeoutMs?: number): Promise<void>;
  stopWorker(): Promise<void>;
  startWorker(): Promise<void>;
  stop(): Promise<void>;
}

export async function startStack(opts: {
  database: string;
  fresh?: boolean;
  worker?: boolean;
  port?: number;
  build?: boolean;
}): Promise<Stack> {
  if (opts.build !== false) buildApp();
  applyDevEnv();
  let adminUrl: string;
  let stopPostgres = async () => {};
  if (process.env.DATABASE_URL && !process.env.POSTVENTA_STACK_EMBEDDED) {
    const u = new URL(process.env.DATABASE_URL);
    u.pathname = "";
    adminUrl = u.toString().replace(/\/$/, "");
  } else {
    const db = await startEmbeddedPostgres({ database: "postgres" });
    adminUrl = db.url.replace(/\/postgres$/, "");
    stopPostgres = db.stop;
  }
  if (opts.fresh !== false) {
    const c = new pg.Client({ connectionString: `${adminUrl}/postgres` });
    await c.connect();
    await c.query(`DROP DATABASE IF EXISTS "${opts.database}" WITH (FORCE)`);
    await c.end();
  }
  await createDatabaseIfMissing(adminUrl, opts.database);
  const databaseUrl = `${adminUrl}/${opts.database}`;
  process.env.DATABASE_URL = databaseUrl;
  const admin = await startAdminSandbox({
    apiKey: process.env.SHOPIFY_API_KEY,
    apiSecret: process.env.SHOPIFY_API_SECRET,
    scopes: process.env.SCOPES,
  });
  process.env.SHOPIFY_ADMIN_BASE_URL = admin.url;

  await applyMigrations(databaseUrl);
  await prepareQueue(databaseUrl);
  const server = await startAppServer({ port: opts.port ?? 0 });
  let worker = opts.worker === false ? null : await startWorker(databaseUrl);
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 4 });
  pool.on("error", () => {});

  return {
    url: server.url,
    databaseUrl,
    admin,
    pool,
    async installShop(shop, data) {
      admin.addShop(shop, undefined, { name: shop.split(".")[0], currencyCode: "USD", ...data });
      // The library finds no session, exchanges the token with the Admin sandbox, stores the
      // session and runs afterAuth (markInstalled; the shop's name, currency and time zone). A
      // browser's User-Agent: it answers bots 410.
      const idToken = sessionToken({ apiKey: process.env.SHOPIFY_API_KEY!, secret: process.env.SHOPIFY_API_SECRET!, shop, sub: "1" });
      const res = await fetch(`${server.url}/app?_data=routes%2Fapp`, {
        headers: {
          Authorization: `Bearer ${idToken}`,
          "User-Agent": "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36",
        },
      });
      if (res.status !== 200) throw new Error(`installShop ${shop}: /app answered ${res.status} ${await res.text()}`);
    },
    async waitForDrain(timeoutMs = 120_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const { rows } = await pool.query(
          `SELECT (SELECT count(*) FROM "WebhookDelivery" WHERE state NOT IN ('processed', 'skipped'))::int AS pending,
                  (SELECT count(*) FROM graphile_worker.jobs WHERE attempts < max_attempts AND run_at <= now() AND task_identifier <> 'hubspot_sweep')::int AS jobs`,
        );
        if (rows[0].pending === 0 && rows[0].jobs === 0) return;
        if (Date.now() > deadline) throw new Error(`queue not drained after ${timeoutMs} ms: ${rows[0].pending} deliveries pending`);
        await new Promise((r) => setTimeout(r, 100));
      }
    },
    async stopWorker() {
      await worker?.stop();
      worker = null;
    },
    async startWorker() {
      worker ??= await startWorker(databaseUrl);
    },
    async stop() {
      await worker?.stop();
      await server.close();
      await admin.close();
      await pool.end();
      const { disconnectDb } = await import("../app/db.server.ts");
      await disconnectDb().catch(() => {});
      await stopPostgres();
    },
  };
}
