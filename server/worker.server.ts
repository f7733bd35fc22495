// The queue worker: graphile-worker running our task list on the app's Postgres.
// Started inside the app process by default (server/main.ts) or alone (`npm run worker`).
import { Logger, run, runMigrations, type Runner } from "graphile-worker";
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
  // Every minute, and once now: connected shops with a backlog get a sync, whatever became of the
  // last one (a killed worker leaves its job locked; its rows are still in the outbox).
  const runner = await run({ pgPool, concurrency, taskList, noHandleSignals: true, logger: quietLogger, crontab: "* * * * * hubspot_sweep ?max=1" });
  await runner.addJob("hubspot_sweep", {}, { jobKey: "hubspot_sweep" });
  return {
    runner,
    async stop() {
      await runner.stop();
      await pgPool.end();
    },
  };
}
