// A worker process killed (SIGKILL) while it processes webhook deliveries: the jobs it had locked
// run again as soon as another worker starts — not four hours later — and nothing is counted twice.
import type { ChildProcess } from "node:child_process";
import { afterAll, beforeAll, expect, it } from "vitest";
import { spawnWorkerProcess, startStack, type Stack } from "./stack.ts";
import { deliver, paidOrder } from "./hubspot-helpers.ts";

const SHOP = "worker-kill.myshopify.com";
const ORDERS = 400;
let stack: Stack;
const workers: ChildProcess[] = [];

function startWorkerProcess(): ChildProcess {
  const child = spawnWorkerProcess(stack.databaseUrl, { logLevel: "error" });
  workers.push(child);
  return child;
}

beforeAll(async () => {
  stack = await startStack({ database: "postventa_test_worker_kill", build: false, worker: false });
  await stack.installShop(SHOP);
});
afterAll(async () => {
  for (const w of workers) w.kill("SIGKILL");
  await stack?.stop();
});

const count = async (sql: string) => Number((await stack.pool.query(sql, [SHOP])).rows[0].n);

it("runs a killed worker's locked jobs again at once, with one effect each", async () => {
  for (let i = 0; i < ORDERS; i++)
    await deliver(
      stack.url,
      SHOP,
      "orders/paid",
      paidOrder(900_000n + BigInt(i), { id: 910_000n + BigInt(i % 40), email: `w${i % 40}@example.com` }, "10.00"),
    );
  const first = startWorkerProcess();
  const deadline = Date.now() + 60_000;
  while ((await count(`SELECT count(*) AS n FROM "WebhookDelivery" WHERE shop = $1 AND state = 'processed'`)) < 20 && Date.now() < deadline)
    await new Promise((r) => setTimeout(r, 10));
  first.kill("SIGKILL");
  await new Promise((r) => first.once("exit", r));
  const lockedByTheDead = await count(`SELECT count(*) AS n FROM graphile_worker._private_jobs WHERE locked_by IS NOT NULL AND $1 <> ''`);
  expect(lockedByTheDead).toBeGreaterThan(0);

  startWorkerProcess();
  await stack.waitForDrain(60_000);
  expect(await count(`SELECT count(*) AS n FROM "WebhookDelivery" WHERE shop = $1 AND state = 'processed'`)).toBe(ORDERS);
  expect(await count(`SELECT count(*) AS n FROM "PointsLedgerEntry" WHERE shop = $1 AND kind = 'earn'`)).toBe(ORDERS);
  expect(await count(`SELECT COALESCE(sum(balance), 0) AS n FROM "PointsAccount" WHERE shop = $1`)).toBe(ORDERS * 10);
}, 180_000);
