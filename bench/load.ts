// Load generator for bench/webhooks.ts, in a process of its own so that driving the load costs the
// servers as little as possible: node:http over a keep-alive Agent (maxSockets = concurrency), and
// deliveries signed before the clock starts. Every delivery is a distinct signed orders/paid —
// its own order id (beyond 2^53, never reused within this process) and X-Shopify-Event-Id.
//
// Driven over IPC by its parent: { type: "run", ... } → { type: "started" } when the clock starts
// (signing done), then { type: "result", ... }. Env:
// SHOPIFY_API_SECRET, BENCH_SHOP.
import http from "node:http";
import { performance } from "node:perf_hooks";
import { stringifyShopifyJson, webhookHeaders } from "../test/sandboxes/shopify/signing.ts";
import { percentile, Samples } from "./samples.ts";

export interface RunRequest {
  type: "run";
  label: string;
  url: string; // http://host:port/path
  seconds: number;
  concurrency: number;
  /** Deliveries to sign before the clock starts; beyond them, signing happens in the window (counted). */
  prepare: number;
  /** Send back the order ids of the 2xx deliveries. */
  collectIds: boolean;
}

export interface RunResult {
  type: "result";
  label: string;
  seconds: number; // from the first request to the last response
  sent: number;
  ok: number; // 2xx
  perSecond: number; // 2xx per second
  ackP50: number; // ms, over 2xx
  ackP99: number;
  ackMax: number;
  allP99: number; // ms, over every answered request
  nonOk: Record<string, number>; // status (or socket error code) → count
  signedInWindow: number;
  prepareSeconds: number;
  cpuSeconds: number; // this process's user+system CPU during the window
  ackedIds: string[];
}

const secret = process.env.SHOPIFY_API_SECRET!;
const shop = process.env.BENCH_SHOP ?? "bench.myshopify.com";

interface Delivery {
  id: string;
  body: Buffer;
  headers: Record<string, string>;
}

// Odd ids from 2^53 + 1: none survives a JSON.parse to a double, none repeats in this process.
let nextId = 9007199254740993n;
function delivery(): Delivery {
  const id = nextId;
  nextId += 2n;
  const email = `c${id % 500n}@example.com`;
  const rawBody = stringifyShopifyJson({
    id,
    admin_graphql_api_id: `gid://shopify/Order/${id}`,
    name: `#${id % 100000n}`,
    email,
    created_at: new Date().toISOString(),
    currency: "USD",
    financial_status: "paid",
    taxes_included: false,
    total_tax: "0.00",
    customer: { id: 9007199254740993n + (id % 500n) * 2n, email, first_name: "Bench", last_name: "Shopper" },
    line_items: [
      {
        id: id + 1n,
        product_id: null,
        variant_id: null,
        title: "Beans",
        vendor: "Roaster",
        quantity: 2,
        price: "12.50",
        total_discount: "0.00",
        gift_card: false,
      },
    ],
    fulfillments: [],
  });
  const body = Buffer.from(rawBody, "utf8");
  const headers = webhookHeaders({ secret, topic: "orders/paid", shop, rawBody });
  return { id: String(id), body, headers: { ...headers, "Content-Length": String(body.length) } };
}

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

async function run(req: RunRequest): Promise<RunResult> {
  const url = new URL(req.url);
  const agent = agentFor(url.origin, req.concurrency);
  const p0 = performance.now();
  const prepared: Delivery[] = new Array(req.prepare);
  for (let i = 0; i < req.prepare; i++) prepared[i] = delivery();
  const prepareSeconds = (performance.now() - p0) / 1000;
  let next = 0;
  let signedInWindow = 0;
  const take = () => {
    if (next < prepared.length) {
      const d = prepared[next];
      prepared[next++] = undefined as unknown as Delivery; // let it go once sent
      return d;
    }
    signedInWindow++;
    return delivery();
  };

  const ack = new Samples();
  const all = new Samples();
  const nonOk: Record<string, number> = {};
  const ackedIds: string[] = [];
  let sent = 0;
  let ok = 0;

  const send = (d: Delivery) =>
    new Promise<void>((resolve) => {
      const t = performance.now();
      let settled = false;
      const done = (status: number | string) => {
        if (settled) return;
        settled = true;
        const ms = performance.now() - t;
        if (typeof status === "number" && status >= 200 && status < 300) {
          ok++;
          ack.push(ms);
          all.push(ms);
          if (req.collectIds) ackedIds.push(d.id);
        } else {
          if (typeof status === "number") all.push(ms);
          nonOk[status] = (nonOk[status] ?? 0) + 1;
        }
        resolve();
      };
      const r = http.request(
        { agent, hostname: url.hostname, port: url.port, path: url.pathname, method: "POST", headers: d.headers },
        (res) => {
          res.resume();
          res.on("end", () => done(res.statusCode ?? 0));
          res.on("error", (e: NodeJS.ErrnoException) => done(e.code ?? "error"));
        },
      );
      r.on("error", (e: NodeJS.ErrnoException) => done(e.code ?? "error"));
      r.end(d.body);
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
  const ackSorted = ack.sorted();
  const allSorted = all.sorted();
  return {
    type: "result",
    label: req.label,
    seconds,
    sent,
    ok,
    perSecond: ok / seconds,
    ackP50: percentile(ackSorted, 0.5),
    ackP99: percentile(ackSorted, 0.99),
    ackMax: ackSorted.length ? ackSorted[ackSorted.length - 1] : 0,
    allP99: percentile(allSorted, 0.99),
    nonOk,
    signedInWindow,
    prepareSeconds,
    cpuSeconds: (cpu.user + cpu.system) / 1e6,
    ackedIds,
  };
}

// Runs one at a time (the parent waits for each result); the parent ends this process when done.
process.on("message", (msg: RunRequest) => {
  run(msg).then(
    (result) => process.send!(result),
    (error: Error) => {
      console.error(`load: ${error.stack ?? error.message}`);
      process.exit(1);
    },
  );
});
process.send!({ type: "ready" });
