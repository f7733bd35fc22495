// `npm start`: database (embedded unless DATABASE_URL), migrations, queue schema, HTTP server, and
// the queue worker in-process unless RUN_WORKER=false (then run `npm run worker` beside it).
import { ensureDatabase } from "./database.server.ts";
import { preflight } from "./preflight.server.ts";
import { applyMigrations } from "./migrate.server.ts";
import { prepareQueue, startWorker } from "./worker.server.ts";
import { startAppServer } from "./app-server.server.ts";

preflight();
const db = await ensureDatabase();
await applyMigrations(db.url, console.log);
await prepareQueue(db.url);
const server = await startAppServer({ port: Number(process.env.PORT ?? 3000), host: process.env.HOST ?? "0.0.0.0" });
const worker = process.env.RUN_WORKER === "false" ? null : await startWorker(db.url);
console.log(`Postventa listening on ${server.url}${worker ? " (queue worker in-process)" : ""}`);

const stop = async () => {
  await worker?.stop();
  await server.close();
  await db.stop();
  process.exit(0);
};
process.on("SIGINT", stop);
process.on("SIGTERM", stop);
