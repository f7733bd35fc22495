// The queue worker: graphile-worker running our task list on the app's Postgres.
// Started inside the app process by default (server/main.ts) or alone (`npm run worker`).
import { EventEmitter } from "node:events";
import { Logger, run, runMigrations, type Runner, type Task, type TaskList, type WorkerEvents } from "graphile-worker";
import pg from "pg";
import { log } from "../app/log.server";
import { config } from "../app/config.server";

const quietLogger = new Logger(() => (level: string, message: string) => {
  if (level === "error" || level === "warning") log.warn("queue", { message });
});

export async function prepareQueue(connectionString: string) {
  await runMigrations({ connectionString, logger: quietLogger });
}

export interface Worker {
  runner: Runner;
  poolId: string; // what graphile-worker records as locked_by
  stop(): Promise<void>;
}

export interface WorkerOptions {
  concurrency?: number;
  tasks?: TaskList; // added to the app's (tests add their own)
}

export async function startWorker(connectionString: string, opts: WorkerOptions = {}): Promise<Worker> {
  const concurrency = opts.concurrency ?? config().WORKER_CONCURRENCY;
  // Imported here, not at the top: app modules open the pool from DATABASE_URL when loaded.
  const { taskList } = await import("../app/jobs.server");
  const pgPool = new pg.Pool({ connectionString, max: concurrency + 2 });
  pgPool.on("error", (error) => log.warn("queue connection lost", { error: error.message }));
  pgPool.on("connect", (client) => client.on("error", (error) => log.warn("queue connection lost", { error: error.message })));
  const liveness = await holdLiveness(connectionString);
  // Every minute, and once now: connected shops with a backlog get a sync, whatever became of the
  // last one (a killed worker leaves its job locked; its rows are still in the outbox).
  const runner = await run({
    pgPool,
    concurrency,
    taskList: liveness.gate({ ...taskList, ...opts.tasks, release_dead_workers_jobs: releaseDeadWorkersJobs }),
    noHandleSignals: true,
    logger: quietLogger,
    events: liveness.events,
    crontab: [
      "* * * * * hubspot_sweep ?max=1",
      "* * * * * release_dead_workers_jobs ?max=1",
      // Each missed day of the last week is run after downtime, each with its own _cron.ts, one
      // at a time in its own queue (so in order).
      "0 5 * * * lifecycle_daily ?fill=7d&max=5&queue=lifecycle",
      // Surveys: daily at 06:00 UTC; after downtime each missed day runs too (up to a week back).
      "0 6 * * * open_surveys ?fill=7d&max=5",
      // Rolling-period tiers: who dropped with time alone (a missed day only delays it: no fill).
      "30 4 * * * tiers_daily ?max=3",
    ].join("\n"),
  });
  await runner.addJob("hubspot_sweep", {}, { jobKey: "hubspot_sweep" });
  await runner.addJob("release_dead_workers_jobs", {}, { jobKey: "release_dead_workers_jobs" });
  return {
    runner,
    poolId: liveness.poolId(),
    async stop() {
      await runner.stop();
      await pgPool.end();
      await liveness.end();
    },
  };
}

// graphile-worker keeps a job locked by a worker whose process died for four hours before anyone
// may run it again. It records a job's lock under the worker *pool's* id (`pool-…`), so each pool
// holds a session advisory lock named after that id for as long as its process lives (Postgres
// drops it the moment the connection dies): a locked job whose pool's lock is free belongs to a
// dead process and can be released at once (release_dead_workers_jobs, below). Tasks wait until the
// lock is held, and if the liveness connection dies the process stops, since others would then
// release its running jobs.
const WORKER_LIVENESS_LOCK = 7413;

async function holdLiveness(connectionString: string) {
  const client = new pg.Client({ connectionString });
  let ending = false;
  const lost = (why: string) => {
    if (ending) return;
    log.error("queue liveness connection lost; stopping so no job runs twice", { error: why });
    process.exit(1);
  };
  client.on("error", (error) => lost(error.message));
  client.on("end", () => lost("connection ended"));
  await client.connect();
  let poolId = "";
  let held: (value?: unknown) => void = () => {};
  const ready = new Promise((resolve) => (held = resolve));
  const events: WorkerEvents = new EventEmitter();
  events.on("pool:create", ({ workerPool }) => {
    poolId = workerPool.id;
    client
      .query("SELECT pg_advisory_lock($1, hashtext($2))", [WORKER_LIVENESS_LOCK, workerPool.id])
      .then(held, (error: Error) => lost(error.message));
  });
  return {
    events,
    poolId: () => poolId,
    // A task list whose tasks start only once this pool's liveness lock is held.
    gate: (tasks: TaskList): TaskList =>
      Object.fromEntries(
        Object.entries(tasks).map(([name, task]) => [
          name,
          async (payload, helpers) => {
            await ready;
            return (task as Task)(payload, helpers);
          },
        ]),
      ) as TaskList,
    end: async () => {
      ending = true;
      await client.end().catch(() => {});
    },
  };
}

// Probed from a pooled connection, never the liveness one: a session always gets its own locks.
export const releaseDeadWorkersJobs: Task = async (_payload, helpers) => {
  await helpers.withPgClient(async (client) => {
    const { rows } = await client.query<{ locked_by: string }>(
      `SELECT DISTINCT locked_by FROM graphile_worker._private_jobs WHERE locked_by IS NOT NULL`,
    );
    const dead: string[] = [];
    for (const { locked_by } of rows) {
      const { rows: probe } = await client.query<{ free: boolean }>(`SELECT pg_try_advisory_lock($1, hashtext($2)) AS free`, [
        WORKER_LIVENESS_LOCK,
        locked_by,
      ]);
      if (!probe[0].free) continue;
      await client.query(`SELECT pg_advisory_unlock($1, hashtext($2))`, [WORKER_LIVENESS_LOCK, locked_by]);
      dead.push(locked_by);
    }
    if (!dead.length) return;
    await client.query(`SELECT graphile_worker.force_unlock_workers($1::text[])`, [dead]);
    log.warn("released jobs of workers that died", { workers: dead });
  });
};
