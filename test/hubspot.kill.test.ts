// A worker process killed (SIGKILL) while HubSpot is writing its batch of notes: the restarted
// worker loses nothing and writes nothing twice.
import type { ChildProcess } from "node:child_process";
import { afterAll, beforeAll, expect, it } from "vitest";
import { startHubSpotSandbox, type HubSpotSandbox } from "./sandboxes/hubspot/server.ts";
import { tuneHubSpotSync } from "../app/hubspot/tuning.server.ts";
import { spawnWorkerProcess, startStack, type Stack } from "./stack.ts";
import { deliver, hubspotHoldings, paidOrder, waitForHubSpot } from "./hubspot-helpers.ts";

const SHOP = "kill-test.myshopify.com";
const CUSTOMERS = 150;
let stack: Stack;
let sandbox: HubSpotSandbox;
const workers: ChildProcess[] = [];
const TUNING = { coalesceMs: 200, requestTimeoutMs: 3000, landingGraceMs: 1000 };

function startWorkerProcess(): ChildProcess {
  const debug = !!process.env.DEBUG_WORKERS;
  const child = spawnWorkerProcess(stack.databaseUrl, {
    logLevel: debug ? "info" : "warn",
    stdio: debug ? "inherit" : "ignore",
    tuning: TUNING,
  });
  workers.push(child);
  return child;
}

beforeAll(async () => {
  sandbox = await startHubSpotSandbox({ rollingLimit: 190 });
  process.env.HUBSPOT_BASE_URL = sandbox.url;
  tuneHubSpotSync(TUNING);
  stack = await startStack({ database: "postventa_test_hubspot_kill", build: false, worker: false });
  await stack.installShop(SHOP);
});
afterAll(async () => {
  for (const w of workers) w.kill("SIGKILL");
  await stack?.stop();
  await sandbox?.close();
});

it("loses nothing and duplicates nothing when the worker dies mid-batch", async () => {
  // The week's orders are processed first (this test kills the sync, not the webhook processing);
  // then the shop connects and the backfill starts.
  for (let i = 0; i < CUSTOMERS; i++)
    await deliver(stack.url, SHOP, "orders/paid", paidOrder(70_000n + BigInt(i), { id: 80_000n + BigInt(i), email: `k${i}@example.com` }));
  const first = startWorkerProcess();
  await stack.waitForDrain();

  // HubSpot writes each batch of notes at once but answers it only 3 s later.
  sandbox.faults.slowAnswers(3000, /notes\/batch\/create/);
  const portal = sandbox.createPortal({ rollingLimit: 190 });
  const { connectPrivateApp } = await import("../app/hubspot/connection.server.ts");
  await connectPrivateApp(SHOP, portal.privateAppToken, 190);

  const deadline = Date.now() + 60_000;
  while (hubspotHoldings(sandbox, portal.portalId).state.notes.length === 0 && Date.now() < deadline)
    await new Promise((r) => setTimeout(r, 20));
  expect(hubspotHoldings(sandbox, portal.portalId).state.notes.length).toBeGreaterThan(0);
  first.kill("SIGKILL");
  await new Promise((r) => first.once("exit", r));
  const { rows: inFlight } = await stack.pool.query(
    `SELECT count(*)::int AS n FROM "HubSpotInteraction" WHERE shop = $1 AND state = 'sending'`,
    [SHOP],
  );
  expect(inFlight[0].n).toBeGreaterThan(0); // HubSpot holds notes the dead worker never heard about

  sandbox.faults.clear();
  startWorkerProcess();
  await waitForHubSpot(stack.pool, SHOP, 120_000);

  const h = hubspotHoldings(sandbox, portal.portalId);
  const { rows } = await stack.pool.query(`SELECT key, state FROM "HubSpotInteraction" WHERE shop = $1`, [SHOP]);
  expect(rows.length).toBe(CUSTOMERS * 3); // order paid, points earned, warranty registered
  for (const r of rows) {
    expect(r.state).toBe("synced");
    expect(h.notesByEvent.get(r.key)).toBe(1);
  }
  expect(h.state.notes.length).toBe(rows.length);
  for (let i = 0; i < CUSTOMERS; i++) expect(h.contactsByEmail.get(`k${i}@example.com`)).toHaveLength(1);
  // The dead worker's batch was looked up on its contacts, never by (eventually consistent) search.
  expect(sandbox.requestLog.some((r) => /associations\/contacts\/notes\/batch\/read/.test(r.path))).toBe(true);
  expect(sandbox.requestLog.some((r) => /search/.test(r.path))).toBe(false);
}, 180_000);
