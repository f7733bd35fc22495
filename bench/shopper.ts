// `npm run bench:shopper` — how many rewards pages (GET /api/account, the customer-account
// extension's call) per second the real server answers at BENCH_CONCURRENCY in flight, against the
// demo's data, and against what this machine can answer at all. Not a test: prints figures, asserts
// nothing about them (the last line says whether the goal is met).
//
// Processes of their own, same machine, same run, same load:
// - the real server (server/main.ts, RUN_WORKER=false) on a fresh database of an embedded Postgres,
//   seeded as `npm run demo` seeds it: the shop installed through the Admin sandbox's token exchange,
//   then generateStoreWeek's week (220 orders from 50 customers plus guests, refunds, cancellations,
//   duplicates, out-of-order deliveries) as signed webhooks over HTTP, drained by a queue worker
//   (server/worker-main.ts) stopped before the clock — so shoppers have real ledgers, orders,
//   warranties. BENCH_WORKER=inprocess keeps `npm start`'s topology instead (the worker idles in
//   the server during the windows);
// - the ceiling (bench/shopper-ceiling.ts): bare node:http that verifies the token's HS256
//   signature in constant time and its exp/nbf/aud/dest/sub, and answers a fixed JSON body — a real
//   account view taken from the server, so the same size — no framework, no database;
// - the load generator (bench/shopper-load.ts): node:http keep-alive, a browser User-Agent, one
//   token per request signed before the clock, spread over every customer with a Shopify id.
// Before the clock, every one of those customers' views is read once and checked against the
// database (balance, history, warranties): the bench fails loudly if the answers are not real.
// Sequence: ceiling 2 s warm-up + BENCH_SECONDS (10), then /api/account 2 s warm-up + BENCH_SECONDS,
// at BENCH_CONCURRENCY (200) in flight. BENCH_PROFILE=<dir> writes the server's CPU profile there
// (its last BENCH_SECONDS are the measured window). Every child and the embedded Postgres are
// stopped however the bench ends (bench/children.ts); CPU per process from /proc (bench/cpu.ts).
// The embedded Postgres listens on POSTVENTA_PG_PORT (54329): give a second clone its own.
//
// Last line: shopper_rps=… ceiling_rps=… ratio=… p99_ms=… errors=… goal=met|missed
// (goal: p99 < 25 ms and no error — a non-2xx answer or a socket error — in the warm-up or window).
import type { ChildProcess } from "node:child_process";
import pg from "pg";
import { freePort, freshDatabase, HOST, toStderr, urlIn } from "./setup.ts";
import { buildApp, DEV_API_KEY, DEV_ENCRYPTION_KEY, DEV_SECRET } from "../test/stack.ts";
import { DEV_ENV } from "../test/dev-env.ts";
import { startAdminSandbox } from "../test/sandboxes/shopify/admin-graphql.ts";
import { sessionToken } from "../test/sandboxes/shopify/signing.ts";
import { deliverAll, generateStoreWeek } from "../test/sandboxes/shopify/store-week.ts";
import { BROWSER_UA, shopperCall, shopperToken } from "../test/shopper-helpers.ts";
import type { AccountView } from "../app/shopper/views.ts";
import { supervise, waitForLine } from "./children.ts";
import {
  busiest,
  groupCores,
  machineCores,
  parentPid,
  processCores,
  sampleCpu,
  sampleSched,
  schedShares,
  treeCores,
  type CpuSample,
  type SchedSample,
} from "./cpu.ts";
import type { ShopperRunRequest, ShopperRunResult } from "./shopper-load.ts";

const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 200);
const WARMUP_SECONDS = 2;
const SHOP = "cafe-demo.myshopify.com";
const DATABASE = "postventa_bench_shopper";
const GOAL = { p99Ms: 25 };
const WORKER_IN_PROCESS = process.env.BENCH_WORKER === "inprocess";

const sup = supervise();

await sup.run(async () => {
  if (!(SECONDS > 0) || !(CONCURRENCY >= 1)) throw new Error("BENCH_SECONDS and BENCH_CONCURRENCY must be positive numbers");
  buildApp();
  const databaseUrl = await freshDatabase(sup, DATABASE);
  // Shopify's Admin API, as the demo has it: the token exchange at install, product facts for warranties.
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
  };
  if (WORKER_IN_PROCESS) delete serverEnv.RUN_WORKER;
  else serverEnv.RUN_WORKER = "false";
  const workerEnv = { ...serverEnv };
  if (process.env.BENCH_PROFILE) serverEnv.NODE_OPTIONS = `--cpu-prof --cpu-prof-dir=${process.env.BENCH_PROFILE}`;
  const server = sup.spawnNode("server", ["server/main.ts"], { env: serverEnv });
  const load = sup.spawnNode("load", ["bench/shopper-load.ts"], {
    env: { ...process.env, SHOPIFY_API_KEY: DEV_API_KEY, SHOPIFY_API_SECRET: DEV_SECRET },
    stdout: "ignore",
  });
  const loadReady = new Promise<void>((resolve) => load.once("message", () => resolve()));
  const [serverLine] = await Promise.all([waitForLine(server, "listening", 180_000, toStderr("server")), loadReady]);
  const serverUrl = urlIn(serverLine);

  const pool = new pg.Pool({ connectionString: databaseUrl, max: 2 });
  pool.on("error", () => {});
  sup.defer(() => pool.end());
  const q = async <T = Record<string, unknown>>(sql: string, params: unknown[] = []) => (await pool.query(sql, params)).rows as T[];

  // ---- The demo's data -------------------------------------------------------------------------
  const s0 = Date.now();
  // Installed as the demo installs it: the merchant opens the app, App Bridge's session token is
  // exchanged with the Admin sandbox for an expiring offline token, afterAuth marks the shop installed.
  admin.addShop(SHOP, undefined, { name: SHOP.split(".")[0], currencyCode: "USD" });
  const idToken = sessionToken({ apiKey: DEV_API_KEY, secret: DEV_SECRET, shop: SHOP, sub: "1" });
  const installed = await fetch(`${serverUrl}/app?_data=routes%2Fapp`, {
    headers: { Authorization: `Bearer ${idToken}`, "User-Agent": BROWSER_UA },
  });
  if (installed.status !== 200) throw new Error(`installing ${SHOP}: /app answered ${installed.status} ${await installed.text()}`);
  const week = generateStoreWeek({ shop: SHOP, seed: 7, start: new Date(Date.now() - 7 * 86400_000).toISOString() });
  admin.setProducts(SHOP, week.products);
  let worker: ChildProcess | null = null;
  if (!WORKER_IN_PROCESS) {
    worker = sup.spawnNode("worker", ["server/worker-main.ts"], { env: workerEnv });
    await waitForLine(worker, "worker running", 120_000, toStderr("worker"));
  }
  const deliveries = week.deliveries.map((d) => ({ ...d, triggeredAt: new Date().toISOString() }));
  const delivered = await deliverAll(`${serverUrl}/webhooks`, deliveries, { secret: DEV_SECRET, shop: SHOP, concurrency: 8 });
  if (delivered.failed.length)
    throw new Error(
      `seeding: ${delivered.failed.length} deliveries refused, e.g. ${delivered.failed[0].status} ${delivered.failed[0].body.slice(0, 200)}`,
    );
  await waitForDrain(q, 180_000);
  const [failed] = await q<{ n: number }>(`SELECT count(*)::int AS n FROM "WebhookDelivery" WHERE state = 'failed'`);
  if (failed.n) throw new Error(`seeding: ${failed.n} deliveries failed processing`);
  if (worker) await sup.stop(worker);
  // Statistics as autovacuum would have them on a database that has lived a while.
  await pool.query("ANALYZE");

  // ---- The shoppers: every customer with a Shopify id (guests cannot sign in) --------------------
  const customers = await q<{ id: string; balance: number; lifetime: number; entries: number; warranties: number }>(
    `SELECT c."shopifyCustomerId" AS id, COALESCE(a.balance, 0) AS balance, COALESCE(a."lifetimeEarned", 0) AS lifetime,
            (SELECT count(*) FROM "PointsLedgerEntry" e WHERE e."customerId" = c.id AND e.points <> 0)::int AS entries,
            (SELECT count(*) FROM "WarrantyRegistration" w WHERE w."customerId" = c.id AND w.status <> 'voided')::int AS warranties
       FROM "Customer" c LEFT JOIN "PointsAccount" a ON a."customerId" = c.id
      WHERE c.shop = $1 AND c."shopifyCustomerId" IS NOT NULL AND c."redactedAt" IS NULL
      ORDER BY c."shopifyCustomerId"`,
    [SHOP],
  );
  const [totals] = await q<{ orders: number; entries: number; warranties: number }>(
    `SELECT (SELECT count(*) FROM "Order" WHERE shop = $1)::int AS orders,
            (SELECT count(*) FROM "PointsLedgerEntry" WHERE shop = $1)::int AS entries,
            (SELECT count(*) FROM "WarrantyRegistration" WHERE shop = $1)::int AS warranties`,
    [SHOP],
  );
  // Every shopper's view, read once over HTTP and checked against the database: if the endpoint
  // answered something other than a real AccountView, the figures below would mean nothing.
  const sizes: { id: string; text: string }[] = [];
  const wrong: string[] = [];
  for (const c of customers) {
    const res = await shopperCall(serverUrl, "/api/account", shopperToken(SHOP, c.id), { locale: "en" });
    const v = res.body as AccountView;
    const problem =
      res.status !== 200
        ? `answered ${res.status} ${JSON.stringify(res.body).slice(0, 200)}`
        : !v?.points || !Array.isArray(v.history) || !Array.isArray(v.rewards) || !Array.isArray(v.warranties) || !v.tier
          ? `not an AccountView: ${JSON.stringify(v).slice(0, 200)}`
          : v.points.balance !== c.balance || v.points.lifetime !== c.lifetime
            ? `points ${JSON.stringify(v.points)}, the database has balance ${c.balance}, lifetime ${c.lifetime}`
            : v.history.length !== Math.min(50, c.entries)
              ? `${v.history.length} history items, the database has ${c.entries} entries`
              : v.warranties.length !== c.warranties
                ? `${v.warranties.length} warranties, the database has ${c.warranties}`
                : null;
    if (problem) wrong.push(`customer ${c.id}: ${problem}`);
    else sizes.push({ id: c.id, text: JSON.stringify(v) });
  }
  const withHistory = customers.filter((c) => c.entries > 0).length;
  if (wrong.length || customers.length < 10 || withHistory < customers.length / 2)
    throw new Error(
      `the demo's shoppers do not get real rewards pages (${customers.length} customers, ${withHistory} with a history):\n  ${wrong.slice(0, 10).join("\n  ")}`,
    );
  const meanBytes = sizes.reduce((t, s) => t + s.text.length, 0) / sizes.length;
  const typical = sizes.reduce((best, s) => (Math.abs(s.text.length - meanBytes) < Math.abs(best.text.length - meanBytes) ? s : best));
  console.error(
    `bench: seeded in ${((Date.now() - s0) / 1000).toFixed(1)} s — ${totals.orders} orders, ${totals.entries} ledger entries, ` +
      `${totals.warranties} warranty units; ${customers.length} shoppers with a Shopify id, every view checked against the database ` +
      `(${withHistory} with a history; views ${Math.min(...sizes.map((s) => s.text.length))}–${Math.max(...sizes.map((s) => s.text.length))} bytes, mean ${meanBytes.toFixed(0)})`,
  );

  // ---- The ceiling answers a typical real view ---------------------------------------------------
  const ceiling = sup.spawnNode("ceiling", ["bench/shopper-ceiling.ts"], {
    env: {
      ...process.env,
      SHOPIFY_API_KEY: DEV_API_KEY,
      SHOPIFY_API_SECRET: DEV_SECRET,
      BENCH_CEILING_BODY: typical.text,
      PORT: "0",
      HOST,
    },
  });
  const ceilingUrl = urlIn(await waitForLine(ceiling, "listening", 60_000, toStderr("ceiling")));
  const refused = await shopperCall(ceilingUrl, "/api/account", shopperToken(SHOP, typical.id, { secret: "not-the-app-secret" }));
  const expired = await shopperCall(ceilingUrl, "/api/account", shopperToken(SHOP, typical.id, { expiresInSec: -120 }));
  const accepted = await shopperCall(ceilingUrl, "/api/account", shopperToken(SHOP, typical.id));
  if (refused.status !== 401 || expired.status !== 401 || accepted.status !== 200)
    throw new Error(`the ceiling does not check tokens: forged ${refused.status}, expired ${expired.status}, valid ${accepted.status}`);

  // The server's Postgres backends: children of the postmaster our connection's backend belongs to.
  const [{ pid: backend }] = await q<{ pid: number }>(`SELECT pg_backend_pid() AS pid`);
  const postmaster = parentPid(backend);

  // The server's main thread (its event loop): on a CPU, and runnable but waiting for one.
  type Phase = { result: ShopperRunResult; before: CpuSample; after: CpuSample; loop: ReturnType<typeof schedShares> };
  const ids = customers.map((c) => c.id);
  const drive = (label: string, url: string, seconds: number, prepare: number) =>
    new Promise<Phase>((resolve) => {
      let before = sampleCpu();
      let loop: SchedSample | null = sampleSched(server.pid);
      const onMessage = (m: { type: "ready" | "started" } | ShopperRunResult) => {
        if (m.type === "started") [before, loop] = [sampleCpu(), sampleSched(server.pid)];
        if (m.type !== "result") return;
        load.off("message", onMessage);
        resolve({ result: m, before, after: sampleCpu(), loop: schedShares(loop, sampleSched(server.pid)) });
      };
      load.on("message", onMessage);
      load.send({
        type: "run",
        label,
        url,
        seconds,
        concurrency: CONCURRENCY,
        prepare,
        shop: SHOP,
        customers: ids,
      } satisfies ShopperRunRequest);
    });
  // Tokens are signed before the clock (~7 µs each): for a warm-up, a generous guess; for the
  // window, what the warm-up rate says it will take and half as much again, but no fewer than the
  // bare ceiling's rate here would use (a warm-up slowed by another process must not leave the
  // generator signing in the window); capped (~0.5 KB each).
  const WARMUP_PREPARE = Math.min(200_000, 200 * CONCURRENCY);
  const prepareFor = (warm: ShopperRunResult) =>
    Math.min(400_000, Math.max(Math.ceil(warm.perSecond * SECONDS * 1.5), 25_000 * SECONDS) + 4 * CONCURRENCY);
  // As the extension asks: the shopper's locale in the query.
  const path = "/api/account?locale=en";

  console.error(
    `bench: ceiling ${ceilingUrl}, server ${serverUrl}; ${WARMUP_SECONDS} s warm-up + ${SECONDS} s each at ${CONCURRENCY} in flight`,
  );
  const ceilingWarm = await drive("ceiling warm-up", `${ceilingUrl}${path}`, WARMUP_SECONDS, WARMUP_PREPARE);
  const ceilingRun = await drive("ceiling", `${ceilingUrl}${path}`, SECONDS, prepareFor(ceilingWarm.result));
  const realWarm = await drive("shopper warm-up", `${serverUrl}${path}`, WARMUP_SECONDS, WARMUP_PREPARE);
  const realRun = await drive("shopper", `${serverUrl}${path}`, SECONDS, prepareFor(realWarm.result));
  await sup.stop(load);
  await sup.stop(ceiling);

  const c = ceilingRun.result;
  const s = realRun.result;
  const ratio = c.perSecond > 0 ? s.perSecond / c.perSecond : 0;
  const errors = s.errors + realWarm.result.errors;
  const ms = (x: number) => x.toFixed(1);
  const nonOk = (x: ShopperRunResult) =>
    Object.keys(x.nonOk).length
      ? Object.entries(x.nonOk)
          .map(([k, v]) => `${k}×${v}`)
          .join(" ")
      : "none";
  const cores = (p: { before: CpuSample; after: CpuSample }, child: ChildProcess | null) =>
    child?.pid ? groupCores(p.before, p.after, child.pid) : NaN;
  // Cores used, per process (group); "others" is whatever else ran on the machine meanwhile.
  const cpuLine = (label: string, p: { before: CpuSample; after: CpuSample }) => {
    const m = machineCores(p.before, p.after);
    const ours: [string, number][] = [
      ["load", cores(p, load)],
      ["ceiling", cores(p, ceiling)],
      ["server", cores(p, server)],
      ["postgres", treeCores(p.before, p.after, postmaster)],
      ["bench", processCores(p.before, p.after, process.pid)],
    ];
    const others = Math.max(0, m.busy - ours.reduce((t, [, v]) => t + v, 0));
    // This machine may be shared (other clones' tests): say who the others were, if anyone.
    const groups = new Set([load.pid, ceiling.pid, server.pid]);
    const strangers = busiest(
      p.before,
      p.after,
      (pid, x) => groups.has(x.pgrp) || pid === postmaster || x.ppid === postmaster || pid === process.pid,
    );
    return (
      `cpu ${label}: ${ours.map(([k, v]) => `${k} ${v.toFixed(2)}`).join(", ")}, others ${others.toFixed(2)}` +
      (strangers.length ? ` (${strangers.map((x) => `${x.comm} ${x.pid} ${x.cores.toFixed(2)}`).join(", ")})` : "") +
      `; machine ${m.busy.toFixed(2)} of ${m.of.toFixed(0)} cores busy`
    );
  };
  const line = (name: string, x: ShopperRunResult) =>
    `${name}: ${x.perSecond.toFixed(0)}/s (p50 ${ms(x.p50)} ms, p90 ${ms(x.p90)} ms, p99 ${ms(x.p99)} ms, max ${ms(x.max)} ms; ` +
    `${x.bytesPerAnswer.toFixed(0)} bytes an answer; non-2xx ${nonOk(x)})`;

  console.log(`${line("ceiling", c)}; ${line("shopper", s)}; ${SECONDS} s each at ${CONCURRENCY} in flight`);
  console.log(
    `shoppers: ${ids.length} customers of ${SHOP} (${totals.orders} orders, ${totals.entries} ledger entries, ${totals.warranties} warranty units); ` +
      `warm-up ${realWarm.result.ok} answered, non-2xx ${nonOk(realWarm.result)}`,
  );
  console.log(
    `load generator: signed ${c.signedInWindow + s.signedInWindow} tokens in the windows (rest before, ${(c.prepareSeconds + s.prepareSeconds).toFixed(1)} s), ` +
      `own CPU ${c.cpuSeconds.toFixed(1)} s during the ceiling window, ${s.cpuSeconds.toFixed(1)} s during the shopper window`,
  );
  console.log(cpuLine(`during ceiling (${c.seconds.toFixed(1)} s)`, ceilingRun));
  console.log(cpuLine(`during shopper (${s.seconds.toFixed(1)} s)`, realRun));
  const loop = realRun.loop;
  if (loop)
    console.log(
      `server event loop (main thread) during shopper: on a CPU ${(100 * loop.running).toFixed(0)} % of the window, ` +
        `runnable but waiting for a CPU ${(100 * loop.waiting).toFixed(0)} %, idle ${Math.max(0, 100 * (1 - loop.running - loop.waiting)).toFixed(0)} %`,
    );

  const met = s.ok > 0 && s.p99 < GOAL.p99Ms && errors === 0;
  console.log(
    `shopper_rps=${s.perSecond.toFixed(0)} ceiling_rps=${c.perSecond.toFixed(0)} ratio=${ratio.toFixed(2)} p99_ms=${ms(s.p99)} ` +
      `errors=${errors} goal=${met ? "met" : "missed"}`,
  );
});

// The queue drained, as the demo waits for it (stack.waitForDrain): every delivery processed or
// skipped and no job left to run but the HubSpot sweep.
async function waitForDrain(q: <T>(sql: string) => Promise<T[]>, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const [r] = await q<{ pending: number; jobs: number; error: string | null }>(
      `SELECT (SELECT count(*) FROM "WebhookDelivery" WHERE state NOT IN ('processed', 'skipped'))::int AS pending,
              (SELECT count(*) FROM graphile_worker.jobs WHERE attempts < max_attempts AND run_at <= now() AND task_identifier <> 'hubspot_sweep')::int AS jobs,
              (SELECT left(last_error, 300) FROM graphile_worker.jobs WHERE last_error IS NOT NULL LIMIT 1) AS error`,
    );
    if (r.pending === 0 && r.jobs === 0) return;
    if (Date.now() > deadline)
      throw new Error(`seeding: queue not drained after ${timeoutMs} ms: ${r.pending} deliveries pending${r.error ? `; ${r.error}` : ""}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
