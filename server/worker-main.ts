// `npm run worker`: the queue worker as its own process, for scale. Same tasks as in-process.
import { ensureDatabase } from "./database.server.ts";
import { preflight } from "./preflight.server.ts";
import { applyMigrations } from "./migrate.server.ts";
import { prepareQueue, startWorker } from "./worker.server.ts";

preflight();
const db = await ensureDatabase();
await applyMigrations(db.url);
await prepareQueue(db.url);
const runner = await startWorker(db.url);
console.log("worker running");
const stop = async () => {
  await runner.stop();
  await db.stop();
  process.exit(0);
};
process.on("SIGINT", stop);
process.on("SIGTERM", stop);
