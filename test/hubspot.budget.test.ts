// One HubSpot account's rolling budget holds across processes: two worker processes syncing two
// shops into the same account never draw a 429.
import type { ChildProcess } from "node:child_process";
import { afterAll, beforeAll, expect, it } from "vitest";
import { startHubSpotSandbox, type HubSpotSandbox } from "./sandboxes/hubspot/server.ts";
import { tuneHubSpotSync } from "../app/hubspot/tuning.server.ts";
import { spawnWorkerProcess, startStack, type Stack } from "./stack.ts";
import { deliver, hubspotHoldings, paidOrder, waitForHubSpot } from "./hubspot-helpers.ts";

const SHOPS = ["budget-a.myshopify.com", "budget-b.myshopify.com"];
const LIMIT = 8;
const WINDOW_MS = 2000;
let stack: Stack;
let sandbox: HubSpotSandbox;
const workers: ChildProcess[] = [];
// Many small requests, against an account whose window is 2 s.
const TUNING = { coalesceMs: 100, batchSize: 5, rollingWindowMs: WINDOW_MS + 250 };

beforeAll(async () => {
  sandbox = await startHubSpotSandbox({ rollingLimit: LIMIT, windowMs: WINDOW_MS });
  process.env.HUBSPOT_BASE_URL = sandbox.url;
  tuneHubSpotSync(TUNING);
  stack = await startStack({ database: "postventa_test_hubspot_budget", build: false, worker: false });
  for (const shop of SHOPS) await stack.installShop(shop);
});
afterAll(async () => {
  for (const w of workers) w.kill("SIGKILL");
  await stack?.stop();
  await sandbox?.close();
});

it("two worker processes share one account's budget and draw no 429", async () => {
  const portal = sandbox.createPortal({ rollingLimit: LIMIT });
  const { connectPrivateApp } = await import("../app/hubspot/connection.server.ts");
  // Connecting takes up to 7 requests, counted against the plan limit the merchant picks (100 here);
  // this account allows 8, so the two connects are a window apart.
  for (const shop of SHOPS) {
    await connectPrivateApp(shop, portal.privateAppToken, 100);
    await new Promise((r) => setTimeout(r, WINDOW_MS + 200));
  }
  await stack.pool.query(`UPDATE "HubSpotConnection" SET "rollingLimit" = $1`, [LIMIT]);
  sandbox.resetLog();

  for (let w = 0; w < 2; w++) workers.push(spawnWorkerProcess(stack.databaseUrl, { logLevel: "warn", tuning: TUNING }));
  for (let i = 0; i < 20; i++)
    for (const [s, shop] of SHOPS.entries())
      await deliver(
        stack.url,
        shop,
        "orders/paid",
        paidOrder(BigInt(100_000 * (s + 1) + i), { id: BigInt(200_000 * (s + 1) + i), email: `c${i}@${shop}` }),
      );
  for (const shop of SHOPS) await waitForHubSpot(stack.pool, shop, 150_000);

  const h = hubspotHoldings(sandbox, portal.portalId);
  expect(h.state.contacts.length).toBe(40);
  expect(h.state.notes.length).toBe(120);
  const log = sandbox.requestLog.filter((r) => r.portalId === portal.portalId);
  expect(log.length).toBeGreaterThan(3 * LIMIT); // enough requests that the budget had to hold them back
  expect(sandbox.stats().http429).toBe(0);
  // And the sandbox's own view: no window of 2 s saw more than the limit.
  const times = log.map((r) => r.at).sort((a, b) => a - b);
  for (let i = LIMIT; i < times.length; i++) expect(times[i] - times[i - LIMIT]).toBeGreaterThanOrEqual(WINDOW_MS);
}, 200_000);
