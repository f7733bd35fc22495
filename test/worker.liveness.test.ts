// The dead-worker release must never release the jobs of a worker pool that is alive: graphile-worker
// records a job's lock under the pool's id, and that is what each process's liveness lock names.
import pg from "pg";
import { afterAll, beforeAll, expect, it } from "vitest";
import type { JobHelpers } from "graphile-worker";
import { startStack, type Stack } from "./stack.ts";
import { releaseDeadWorkersJobs, startWorker, type Worker } from "../server/worker.server.ts";

let stack: Stack;
let worker: Worker;
// A job that runs until told to finish, counting its runs.
let runs = 0;
let finish: () => void = () => {};
const finished = new Promise<void>((resolve) => (finish = resolve));

beforeAll(async () => {
  stack = await startStack({ database: "postventa_test_liveness", build: false, worker: false });
  worker = await startWorker(stack.databaseUrl, {
    concurrency: 2,
    tasks: {
      long_running: async () => {
        runs++;
        await finished;
      },
    },
  });
});
afterAll(async () => {
  finish();
  await worker?.stop();
  await stack?.stop();
});

// What the release job does at each minute boundary, run on demand.
async function releaseOnce() {
  const client = new pg.Client({ connectionString: stack.databaseUrl });
  await client.connect();
  try {
    const helpers = { withPgClient: (fn: (c: pg.Client) => Promise<unknown>) => fn(client) } as unknown as JobHelpers;
    await releaseDeadWorkersJobs({}, helpers);
  } finally {
    await client.end();
  }
}

async function until(check: () => Promise<boolean> | boolean, what: string) {
  for (let i = 0; i < 200; i++) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`timed out waiting for ${what}`);
}

it("releases the jobs of a pool that died and never those of a live pool", async () => {
  expect(worker.poolId).toMatch(/^pool-/);
  // The live pool's liveness lock is taken as the pool starts.
  await until(async () => {
    const { rows } = await stack.pool.query(
      `SELECT count(*)::int AS n FROM pg_locks WHERE locktype = 'advisory' AND classid = 7413 AND objid::int = hashtext($1) AND granted`,
      [worker.poolId],
    );
    return rows[0].n === 1;
  }, "the liveness lock");
  // Two jobs of a task no worker runs, one locked by the live pool and one by a pool that is gone.
  const {
    rows: [task],
  } = await stack.pool.query(
    `INSERT INTO graphile_worker._private_tasks (identifier) VALUES ('liveness_probe') ON CONFLICT (identifier) DO UPDATE SET identifier = EXCLUDED.identifier RETURNING id`,
  );
  for (const lockedBy of [worker.poolId, "pool-gone0000000000000"])
    await stack.pool.query(
      `INSERT INTO graphile_worker._private_jobs (task_id, payload, locked_by, locked_at) VALUES ($1, '{}', $2, now())`,
      [task.id, lockedBy],
    );

  await releaseOnce();
  const { rows } = await stack.pool.query(`SELECT j.locked_by FROM graphile_worker._private_jobs j WHERE j.task_id = $1 ORDER BY j.id`, [
    task.id,
  ]);
  expect(rows).toEqual([{ locked_by: worker.poolId }, { locked_by: null }]);
  await stack.pool.query(`DELETE FROM graphile_worker._private_jobs WHERE task_id = $1`, [task.id]);
});

it("a job running across two minute boundaries runs once", async () => {
  await worker.runner.addJob("long_running", {});
  await until(() => runs === 1, "the job to start");
  // Two minute boundaries pass while it runs; the pool's other slot is free to take a released job.
  await releaseOnce();
  await new Promise((r) => setTimeout(r, 1000));
  await releaseOnce();
  await new Promise((r) => setTimeout(r, 1000));
  expect(runs).toBe(1);
  finish();
  await until(
    async () =>
      (await stack.pool.query(`SELECT count(*)::int AS n FROM graphile_worker.jobs WHERE task_identifier = 'long_running'`)).rows[0].n ===
      0,
    "the job to complete",
  );
  expect(runs).toBe(1);
});
