// Load generator for bench/shopper.ts, in a process of its own: node:http over a keep-alive Agent
// (maxSockets = concurrency), GET with `Authorization: Bearer <token>` and a browser User-Agent
// (Shopify's library answers bots 410). Every request carries a token of its own — a customer-account
// session token as Shopify signs it (HS256 with the app secret, `dest` the bare shop domain, `aud`
// the client id, `sub` the customer's gid, its own jti), signed before the clock, the customers taken
// in turn from the list the parent sends. Latency is recorded per 2xx request; anything else
// (status or socket error) is counted.
//
// Driven over IPC by its parent: { type: "run", ... } → { type: "started" } when the clock starts
// (signing done), then { type: "result", ... }. Env: SHOPIFY_API_KEY, SHOPIFY_API_SECRET.
import http from "node:http";
import { performance } from "node:perf_hooks";
import { sessionToken } from "../test/sandboxes/shopify/signing.ts";
import { BROWSER_UA } from "../test/shopper-helpers.ts";
import { percentile, Samples } from "./samples.ts";

export interface ShopperRunRequest {
  type: "run";
  label: string;
  url: string; // http://host:port/path (a ?locale= query is kept)
  seconds: number;
  concurrency: number;
  /** Tokens to sign before the clock starts; beyond them, signing happens in the window (counted). */
  prepare: number;
  shop: string;
  customers: string[]; // Shopify customer ids (decimal)
}

export interface ShopperRunResult {
  type: "result";
  label: string;
  seconds: number; // from the first request to the last response
  sent: number;
  ok: number; // 2xx
  perSecond: number; // 2xx per second
  p50: number; // ms, over 2xx
  p90: number;
  p99: number;
  max: number;
  nonOk: Record<string, number>; // status (or socket error code) → count
  errors: number; // every request that was not a 2xx
  bytesPerAnswer: number; // mean body size of the 2xx answers
  signedInWindow: number;
  prepareSeconds: number;
  cpuSeconds: number; // this process's user+system CPU during the window
}

const apiKey = process.env.SHOPIFY_API_KEY!;
const secret = process.env.SHOPIFY_API_SECRET!;
// Customer-account tokens live a few minutes; every phase is signed right before it runs.
const TOKEN_SECONDS = 300;

const agents = new Map<string, http.Agent>();
function agentFor(origin: string, concurrency: number) {
  let agent = agents.get(origin);
  if (!agent || agent.maxSockets !== concurrency) {
    agent?.destroy();
    agent = new http.Agent({ keepAlive: true, maxSockets: concurrency, maxFreeSockets: concurrency });
    agents.set(origin, agent);
  }
  return agent;
}

async function run(req: ShopperRunRequest): Promise<ShopperRunResult> {
  if (!req.customers.length) throw new Error("no customers to sign tokens for");
  const url = new URL(req.url);
  const path = url.pathname + url.search;
  const agent = agentFor(url.origin, req.concurrency);
  let turn = 0;
  const headersFor = () => ({
    Authorization: `Bearer ${sessionToken({
      apiKey,
      secret,
      shop: req.shop,
      dest: req.shop,
      sub: `gid://shopify/Customer/${req.customers[turn++ % req.customers.length]}`,
      expiresInSec: TOKEN_SECONDS,
    })}`,
    "User-Agent": BROWSER_UA,
    Origin: "null", // a web worker's origin, as the extensions call
  });
  const p0 = performance.now();
  const prepared: Record<string, string>[] = new Array(req.prepare);
  for (let i = 0; i < req.prepare; i++) prepared[i] = headersFor();
  const prepareSeconds = (performance.now() - p0) / 1000;
  let next = 0;
  let signedInWindow = 0;
  const take = () => {
    if (next < prepared.length) {
      const h = prepared[next];
      prepared[next++] = undefined as unknown as Record<string, string>; // let it go once sent
      return h;
    }
    signedInWindow++;
    return headersFor();
  };

  const lat = new Samples();
  const nonOk: Record<string, number> = {};
  let sent = 0;
  let ok = 0;
  let errors = 0;
  let okBytes = 0;

  const send = (headers: Record<string, string>) =>
    new Promise<void>((resolve) => {
      const t = performance.now();
      let settled = false;
      let bytes = 0;
      const done = (status: number | string) => {
        if (settled) return;
        settled = true;
        const ms = performance.now() - t;
        if (typeof status === "number" && status >= 200 && status < 300) {
          ok++;
          okBytes += bytes;
          lat.push(ms);
        } else {
          errors++;
          nonOk[status] = (nonOk[status] ?? 0) + 1;
        }
        resolve();
      };
      const r = http.request({ agent, hostname: url.hostname, port: url.port, path, method: "GET", headers }, (res) => {
        res.on("data", (c: Buffer) => (bytes += c.length));
        res.on("end", () => done(res.statusCode ?? 0));
        res.on("error", (e: NodeJS.ErrnoException) => done(e.code ?? "error"));
      });
      r.on("error", (e: NodeJS.ErrnoException) => done(e.code ?? "error"));
      r.end();
      sent++;
    });

  process.send!({ type: "started", label: req.label });
  const cpu0 = process.cpuUsage();
  const start = performance.now();
  const until = start + req.seconds * 1000;
  await Promise.all(
    Array.from({ length: req.concurrency }, async () => {
      while (performance.now() < until) await send(take());
    }),
  );
  const seconds = (performance.now() - start) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const sorted = lat.sorted();
  return {
    type: "result",
    label: req.label,
    seconds,
    sent,
    ok,
    perSecond: ok / seconds,
    p50: percentile(sorted, 0.5),
    p90: percentile(sorted, 0.9),
    p99: percentile(sorted, 0.99),
    max: sorted.length ? sorted[sorted.length - 1] : 0,
    nonOk,
    errors,
    bytesPerAnswer: ok ? okBytes / ok : 0,
    signedInWindow,
    prepareSeconds,
    cpuSeconds: (cpu.user + cpu.system) / 1e6,
  };
}

// Runs one at a time (the parent waits for each result); the parent ends this process when done.
process.on("message", (msg: ShopperRunRequest) => {
  run(msg).then(
    (result) => process.send!(result),
    (error: Error) => {
      console.error(`shopper-load: ${error.stack ?? error.message}`);
      process.exit(1);
    },
  );
});
process.send!({ type: "ready" });
