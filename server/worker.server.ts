// The queue worker: graphile-worker running our task list on the app's Postgres.
// Started inside the app process by default (server/main.ts) or alone (`npm run worker`).
import { EventEmitter } from "node:events";
import { Logger, run, runMigrations, type Runner, type Task, type WorkerEvents } from "graphile-worker";
import pg from "pg";
import { log } from "../app/log.server";

const quietLogger = new Logger(() => (level: string, message: string) => {
  if (level === "error" || level === "warning") log.warn("queue", { message });
});

export async function prepareQueue(connectionString: string) {
  await runMigrations({ connectionString, logger: quietLogger });
}

export interface Worker {
  runner: Runner;
  stop(): Promise<void>;
}

export async function startWorker(connectionString: string, concurrency = Number(process.env.WORKER_CONCURRENCY ?? 4)): Promise<Worker> {
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
    taskList: { ...taskList, release_dead_workers_jobs: releaseDeadWorkersJobs },
    noHandleSignals: true,
    logger: quietLogger,
    events: liveness.events,
    crontab: "* * * * * hubspot_sweep ?max=1\n* * * * * release_dead_workers_jobs ?max=1",
  });
  await runner.addJob("hubspot_sweep", {}, { jobKey: "hubspot_sweep" });
  await runner.addJob("release_dead_workers_jobs", {}, { jobKey: "release_dead_workers_jobs" });
  return {
    runner,
    async stop() {
      await runner.stop();
      await pgPool.end();
      await liveness.end();
    },
  };
}

// graphile-worker keeps a job locked by a worker whose process died for four hours before anyone
// may run it again. Each of our workers holds a session advisory lock named after its worker id
// for as long as its process lives (Postgres drops it the moment the connection dies), so a locked
// job whose worker's lock is free belongs to a dead process and can be released at once
// (release_dead_workers_jobs, below).
const WORKER_LIVENESS_LOCK = 7413;

async function holdLiveness(connectionString: string) {
  const client = new pg.Client({ connectionString });
  client.on("error", (error) => log.warn("queue liveness connection lost", { error: error.message }));
  await client.connect();
  const events: WorkerEvents = new EventEmitter();
  events.on("worker:create", ({ worker }) => {
    client.query("SELECT pg_advisory_lock($1, hashtext($2))", [WORKER_LIVENESS_LOCK, worker.workerId]).catch((error: Error) => log.warn("queue liveness lock failed", { error: error.message }));
  });
  return { events, end: () => client.end().catch(() => {}) };
}

// Probed from a pooled connection, never the liveness one: a session always gets its own locks.
const releaseDeadWorkersJobs: Task = async (_payload, helpers) => {
  await helpers.withPgClient(async (client) => {
    const { rows } = await client.query<{ locked_by: string }>(`SELECT DISTINCT locked_by FROM graphile_worker._private_jobs WHERE locked_by IS NOT NULL`);
    const dead: string[] = [];
    for (const { locked_by } of rows) {
      const { rows: probe } = await client.query<{ free: boolean }>(`SELECT pg_try_advisory_lock($1, hashtext($2)) AS free`, [WORKER_LIVENESS_LOCK, locked_by]);
      if (!probe[0].free) continue;
      await client.query(`SELECT pg_advisory_unlock($1, hashtext($2))`, [WORKER_LIVENESS_LOCK, locked_by]);
      dead.push(locked_by);
    }
    if (!dead.length) return;
    await client.query(`SELECT graphile_worker.force_unlock_workers($1::text[])`, [dead]);
    log.warn("released jobs of workers that died", { workers: dead });
  });
};
