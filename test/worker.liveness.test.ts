// The dead-worker release must never release the jobs of a worker pool that is alive: graphile-worker
// records a job's lock under the pool's id, and that is what each process's liveness lock names.
import pg from "pg";
import { afterAll, beforeAll, expect, it } from "vitest";
import type { JobHelpers } from "graphile-worker";
import { startStack, type Stack } from "./stack.ts";
import { releaseDeadWorkersJobs, startWorker, type Worker } from "../server/worker.server.ts";

let stack: Stack;
let worker: Worker;

beforeAll(async () => {
  stack = await startStack({ database: "postventa_test_liveness", build: false, worker: false });
  worker = await startWorker(stack.databaseUrl, 2);
});
afterAll(async () => {
  await worker?.stop();
  await stack?.stop();
});

it("releases the jobs of a pool that died and never those of a live pool", async () => {
  expect(worker.poolId).toMatch(/^pool-/);
  // The live pool's liveness lock is taken as the pool starts.
  for (let i = 0; i < 100; i++) {
    const { rows } = await stack.pool.query(`SELECT count(*)::int AS n FROM pg_locks WHERE locktype = 'advisory' AND classid = 7413 AND objid::int = hashtext($1) AND granted`, [worker.poolId]);
    if (rows[0].n === 1) break;
    await new Promise((r) => setTimeout(r, 20));
  }
  // Two jobs of a task no worker runs, one locked by the live pool and one by a pool that is gone.
  const { rows: [task] } = await stack.pool.query(`INSERT INTO graphile_worker._private_tasks (identifier) VALUES ('liveness_probe') ON CONFLICT (identifier) DO UPDATE SET identifier = EXCLUDED.identifier RETURNING id`);
  for (const lockedBy of [worker.poolId, "pool-gone0000000000000"])
    await stack.pool.query(`INSERT INTO graphile_worker._private_jobs (task_id, payload, locked_by, locked_at) VALUES ($1, '{}', $2, now())`, [task.id, lockedBy]);

  const client = new pg.Client({ connectionString: stack.databaseUrl });
  await client.connect();
  try {
    const helpers = { withPgClient: (fn: (c: pg.Client) => Promise<unknown>) => fn(client) } as unknown as JobHelpers;
    await releaseDeadWorkersJobs({}, helpers);
  } finally {
    await client.end();
  }
  const { rows } = await stack.pool.query(`SELECT j.locked_by FROM graphile_worker._private_jobs j WHERE j.task_id = $1 ORDER BY j.id`, [task.id]);
  expect(rows).toEqual([{ locked_by: worker.poolId }, { locked_by: null }]);
});
