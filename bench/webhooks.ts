// `npm run bench:webhooks` — how many signed orders/paid deliveries per second the real server
// acknowledges durably, against what this machine can acknowledge at all. Not a test: prints
// figures, asserts nothing (the last line says whether the goal is met).
//
// Processes of their own, same machine, same run, same load:
// - the real server (server/main.ts) on a fresh Postgres database, the shop installed (Shop row +
//   offline session), driven at POST /webhooks; the queue worker (server/worker-main.ts) drains
//   afterwards (BENCH_WORKER below);
// - the ceiling (bench/ceiling-server.ts): bare node:http that reads the raw body, checks its HMAC
//   in constant time and answers 200 — no framework, no parsing, no database;
// - the load generator (bench/load.ts): node:http keep-alive, deliveries signed before the clock,
//   each a distinct order (id beyond 2^53) and X-Shopify-Event-Id, 2xx latency per request.
// Sequence: ceiling 2 s warm-up + BENCH_SECONDS (10), then /webhooks 2 s warm-up + BENCH_SECONDS,
// at BENCH_CONCURRENCY (64) in flight. Then the queue drains (≤ BENCH_DRAIN_TIMEOUT_S, 600) and
// the database is checked: every acknowledged order earned its points exactly once (lost,
// duplicated). BENCH_PROFILE=<dir> writes the server's CPU profile there.
// Every child (and its process group) and the embedded Postgres it started are stopped however
// the bench ends (bench/children.ts). CPU per process comes from /proc (bench/cpu.ts).
//
// Last line: webhooks_per_s=… ceiling_per_s=… ratio=… ack_p99_ms=… processed=… lost=… duplicated=… goal=met|missed
// (goal: ≥ 1000/s, ratio ≥ 0.4, ack p99 < 100 ms, nothing lost or duplicated).
import type { ChildProcess } from "node:child_process";
import pg from "pg";
import { freePort, freshDatabase, HOST, toStderr, urlIn } from "./setup.ts";
import { buildApp, DEV_API_KEY, DEV_ENCRYPTION_KEY, DEV_SECRET } from "../test/stack.ts";
import { supervise, waitForLine } from "./children.ts";
import { groupCores, machineCores, parentPid, processCores, sampleCpu, treeCores, type CpuSample } from "./cpu.ts";
import type { RunRequest, RunResult } from "./load.ts";

const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 64);
const WARMUP_SECONDS = 2;
const DRAIN_TIMEOUT_MS = Number(process.env.BENCH_DRAIN_TIMEOUT_S ?? 600) * 1000;
const SHOP = "bench.myshopify.com";
const DATABASE = "postventa_bench";
const GOAL = { perSecond: 1000, ratio: 0.4, p99Ms: 100 };
// Where the queue worker runs: by default its own process, started when the windows end (as in a
// scaled deployment, where workers have machines of their own: on this one, processing during the
// windows would take the cores the intake is measured on). "inprocess": inside the server, as a
// plain `npm start` runs it, processing while the intake is measured.
const WORKER_IN_PROCESS = process.env.BENCH_WORKER === "inprocess";

const sup = supervise();

await sup.run(async () => {
  if (!(SECONDS > 0) || !(CONCURRENCY >= 1)) throw new Error("BENCH_SECONDS and BENCH_CONCURRENCY must be positive numbers");
  buildApp();
  const databaseUrl = await freshDatabase(sup, DATABASE);

  const serverEnv: NodeJS.ProcessEnv = {
    ...process.env,
    DATABASE_URL: databaseUrl,
    PORT: String(await freePort()),
    HOST,
    SHOPIFY_API_KEY: DEV_API_KEY,
    SHOPIFY_API_SECRET: DEV_SECRET,
    POSTVENTA_ENCRYPTION_KEY: DEV_ENCRYPTION_KEY,
    LOG_LEVEL: "error",
  };
  delete serverEnv.POSTVENTA_BENCH_CEILING;
  if (WORKER_IN_PROCESS) delete serverEnv.RUN_WORKER;
  else serverEnv.RUN_WORKER = "false";
  if (process.env.BENCH_PROFILE) serverEnv.NODE_OPTIONS = `--cpu-prof --cpu-prof-dir=${process.env.BENCH_PROFILE}`;
  const server = sup.spawnNode("server", ["server/main.ts"], { env: serverEnv });
  const ceiling = sup.spawnNode("ceiling", ["bench/ceiling-server.ts"], {
    env: { ...process.env, SHOPIFY_API_SECRET: DEV_SECRET, PORT: "0", HOST },
  });
  const load = sup.spawnNode("load", ["bench/load.ts"], {
    env: { ...process.env, SHOPIFY_API_SECRET: DEV_SECRET, BENCH_SHOP: SHOP },
    stdout: "ignore",
  });
  const loadReady = new Promise<void>((resolve) => load.once("message", () => resolve()));
  const [serverLine, ceilingLine] = await Promise.all([
    waitForLine(server, "listening", 180_000, toStderr("server")),
    waitForLine(ceiling, "listening", 60_000, toStderr("ceiling")),
    loadReady,
  ]);
  const serverUrl = urlIn(serverLine);
  const ceilingUrl = urlIn(ceilingLine);

  const pool = new pg.Pool({ connectionString: databaseUrl, max: 2 });
  pool.on("error", () => {});
  sup.defer(() => pool.end());
  // Installed, as Shopify's OAuth leaves it: the intake takes deliveries for installed shops only.
  await pool.query(`INSERT INTO "Shop" (domain, "updatedAt") VALUES ($1, now()) ON CONFLICT DO NOTHING`, [SHOP]);
  await pool.query(
    `INSERT INTO "Session" (id, shop, state, "isOnline", scope, "accessToken") VALUES ($1, $2, '', false, 'read_orders', 'shpat_bench') ON CONFLICT (id) DO NOTHING`,
    [`offline_${SHOP}`, SHOP],
  );
  // The server's Postgres backends: children of the postmaster our connection's backend belongs to.
  const backend = (await pool.query(`SELECT pg_backend_pid() AS pid`)).rows[0].pid as number;
  const postmaster = parentPid(backend);

  type Phase = { result: RunResult; before: CpuSample; after: CpuSample };
  const drive = (label: string, url: string, seconds: number, prepare: number, collectIds: boolean) =>
    new Promise<Phase>((resolve) => {
      let before = sampleCpu();
      const onMessage = (m: { type: "ready" | "started" } | RunResult) => {
        if (m.type === "started") before = sampleCpu();
        if (m.type !== "result") return;
        load.off("message", onMessage);
        resolve({ result: m, before, after: sampleCpu() });
      };
      load.on("message", onMessage);
      load.send({ type: "run", label, url, seconds, concurrency: CONCURRENCY, prepare, collectIds } satisfies RunRequest);
    });
  // Deliveries are signed before the clock (~16 µs each): for a warm-up, a generous guess; for the
  // window, what the warm-up rate says it will take and half as much again. Capped to keep the
  // generator's memory sane (~2.5 KB a delivery); beyond, it signs as it goes (and says how many).
  const WARMUP_PREPARE = Math.min(300_000, 300 * CONCURRENCY);
  const prepareFor = (warm: RunResult) => Math.min(300_000, Math.ceil(warm.perSecond * SECONDS * 1.5) + 4 * CONCURRENCY);

  console.error(
    `bench: ceiling ${ceilingUrl}, server ${serverUrl}; ${WARMUP_SECONDS} s warm-up + ${SECONDS} s each at ${CONCURRENCY} in flight`,
  );
  const ceilingWarm = await drive("ceiling warm-up", `${ceilingUrl}/webhooks`, WARMUP_SECONDS, WARMUP_PREPARE, false);
  const ceilingRun = await drive("ceiling", `${ceilingUrl}/webhooks`, SECONDS, prepareFor(ceilingWarm.result), false);
  const realWarm = await drive("webhooks warm-up", `${serverUrl}/webhooks`, WARMUP_SECONDS, WARMUP_PREPARE, true);
  const realRun = await drive("webhooks", `${serverUrl}/webhooks`, SECONDS, prepareFor(realWarm.result), true);
  await sup.stop(load);
  await sup.stop(ceiling);
  if (!WORKER_IN_PROCESS) sup.spawnNode("worker", ["server/worker-main.ts"], { env: serverEnv });

  // Drain: every stored delivery processed (or deliberately skipped).
  const drainBefore = sampleCpu();
  const drainStart = Date.now();
  let lastReport = drainStart;
  let pending = 0;
  for (;;) {
    pending = (await pool.query(`SELECT count(*)::int AS n FROM "WebhookDelivery" WHERE state NOT IN ('processed', 'skipped')`)).rows[0].n;
    if (pending === 0 || Date.now() - drainStart > DRAIN_TIMEOUT_MS) break;
    if (Date.now() - lastReport > 10_000) {
      lastReport = Date.now();
      const { rows } = await pool.query(
        `SELECT (SELECT string_agg(state || ' ' || n, ', ') FROM (SELECT state, count(*) AS n FROM "WebhookDelivery" GROUP BY state) s) AS states,
                (SELECT left(last_error, 300) FROM graphile_worker.jobs WHERE last_error IS NOT NULL LIMIT 1) AS error`,
      );
      console.error(
        `bench: draining, ${pending} deliveries not processed yet (${rows[0].states})${rows[0].error ? `; a job failed with: ${rows[0].error}` : ""}`,
      );
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  const drainAfter = sampleCpu();
  const drainSeconds = (Date.now() - drainStart) / 1000;

  const acked = [...realWarm.result.ackedIds, ...realRun.result.ackedIds];
  const {
    rows: [r],
  } = await pool.query(
    `SELECT (SELECT count(*) FROM "WebhookDelivery" WHERE state = 'processed')::int AS processed,
            (SELECT count(*) FROM "WebhookDelivery" WHERE state = 'skipped')::int AS skipped,
            (SELECT count(*) FROM "WebhookDelivery")::int AS stored,
            (SELECT count(*) FROM "Order" WHERE shop = $1 AND "earnSnapshot" IS NOT NULL)::int AS earned,
            (SELECT count(*) - count(DISTINCT "orderId") FROM "PointsLedgerEntry" WHERE kind = 'earn')::int AS duplicated,
            (SELECT extract(epoch FROM max("processedAt") - min("receivedAt")) FROM "WebhookDelivery")::float AS span_s,
            (SELECT percentile_cont(ARRAY[0.5, 0.99]) WITHIN GROUP (ORDER BY extract(epoch FROM "processedAt" - "receivedAt"))
               FROM "WebhookDelivery" WHERE "processedAt" IS NOT NULL)::float[] AS lag_s`,
    [SHOP],
  );
  // Lost: acknowledged (2xx) but no order that earned its points.
  const {
    rows: [l],
  } = await pool.query(
    `SELECT count(*)::int AS lost, (array_agg(a.id))[1:3] AS sample FROM unnest($1::text[]) AS a(id)
     WHERE NOT EXISTS (SELECT 1 FROM "Order" o WHERE o.shop = $2 AND o."shopifyOrderId" = a.id AND o."earnSnapshot" IS NOT NULL)`,
    [acked, SHOP],
  );

  const c = ceilingRun.result;
  const w = realRun.result;
  const ratio = c.perSecond > 0 ? w.perSecond / c.perSecond : 0;
  const ms = (x: number) => x.toFixed(1);
  const nonOk = (x: RunResult) =>
    Object.keys(x.nonOk).length
      ? Object.entries(x.nonOk)
          .map(([k, v]) => `${k}×${v}`)
          .join(" ")
      : "none";
  const cores = (p: { before: CpuSample; after: CpuSample }, child: ChildProcess | null) =>
    child?.pid ? groupCores(p.before, p.after, child.pid) : NaN;
  // Cores used, per process (group); "others" is whatever else ran on the machine meanwhile.
  const cpuLine = (label: string, p: { before: CpuSample; after: CpuSample }, withLoad: boolean) => {
    const m = machineCores(p.before, p.after);
    const ours: [string, number][] = [
      ...(withLoad ? [["load", cores(p, load)] as [string, number]] : []),
      ["ceiling", cores(p, ceiling)],
      ["server", cores(p, server)],
      ["postgres", treeCores(p.before, p.after, postmaster)],
      ["bench", processCores(p.before, p.after, process.pid)],
    ];
    const others = Math.max(0, m.busy - ours.reduce((t, [, v]) => t + v, 0));
    return `cpu ${label}: ${ours.map(([k, v]) => `${k} ${v.toFixed(2)}`).join(", ")}, others ${others.toFixed(2)}; machine ${m.busy.toFixed(2)} of ${m.of.toFixed(0)} cores busy`;
  };

  console.log(
    `ceiling: ${c.perSecond.toFixed(0)}/s (ack p50 ${ms(c.ackP50)} ms, p99 ${ms(c.ackP99)} ms, non-2xx ${nonOk(c)}); ` +
      `webhooks: ${w.perSecond.toFixed(0)}/s (ack p50 ${ms(w.ackP50)} ms, p99 ${ms(w.ackP99)} ms, max ${ms(w.ackMax)} ms, non-2xx ${nonOk(w)}); ` +
      `${SECONDS} s each at ${CONCURRENCY} in flight`,
  );
  console.log(
    `acknowledged ${acked.length} orders (${w.ok} measured + ${realWarm.result.ok} warm-up; ids ${acked[0] ?? "-"}…${acked.at(-1) ?? "-"}); ` +
      `stored ${r.stored} deliveries, ${r.processed} processed, ${r.skipped} skipped, ${pending} left after a ${drainSeconds.toFixed(1)} s drain; ` +
      `${r.earned} orders earned; receipt→processed p50 ${fmtS(r.lag_s?.[0])} p99 ${fmtS(r.lag_s?.[1])}, ` +
      `first receipt→last processed ${fmtS(r.span_s)} (${r.span_s ? (r.processed / r.span_s).toFixed(0) : "?"} processed/s)` +
      (l.lost ? `; lost e.g. ${l.sample.join(", ")}` : "") +
      (pending
        ? `; DRAIN TIMED OUT after ${DRAIN_TIMEOUT_MS / 60_000} min: "lost" counts acknowledged orders still waiting in the queue`
        : ""),
  );
  console.log(
    `load generator: signed ${c.signedInWindow + w.signedInWindow} in the windows (rest before, ${(c.prepareSeconds + w.prepareSeconds).toFixed(1)} s), ` +
      `own CPU ${c.cpuSeconds.toFixed(1)} s during the ceiling window, ${w.cpuSeconds.toFixed(1)} s during the webhooks window`,
  );
  console.log(cpuLine(`during ceiling (${c.seconds.toFixed(1)} s)`, ceilingRun, true));
  console.log(cpuLine(`during webhooks (${w.seconds.toFixed(1)} s)`, realRun, true));
  if (drainSeconds >= 1)
    console.log(cpuLine(`during drain (${drainSeconds.toFixed(1)} s)`, { before: drainBefore, after: drainAfter }, false));

  const met = w.perSecond >= GOAL.perSecond && ratio >= GOAL.ratio && w.ackP99 < GOAL.p99Ms && l.lost === 0 && r.duplicated === 0;
  console.log(
    `webhooks_per_s=${w.perSecond.toFixed(0)} ceiling_per_s=${c.perSecond.toFixed(0)} ratio=${ratio.toFixed(2)} ack_p99_ms=${ms(w.ackP99)} ` +
      `processed=${r.processed} lost=${l.lost} duplicated=${r.duplicated} goal=${met ? "met" : "missed"}`,
  );
});

function fmtS(s: number | null | undefined) {
  return s === null || s === undefined || Number.isNaN(s) ? "?" : `${s.toFixed(2)} s`;
}
