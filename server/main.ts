// `npm start` (and `shopify app dev`, with --dev): configuration checked, database (embedded unless
// DATABASE_URL), migrations, queue schema, HTTP server, and the queue worker in-process unless
// RUN_WORKER=false (then run `npm run worker` beside it).
import { checkConfig } from "../app/config.server.ts";
import { ensureDatabase } from "./database.server.ts";
import { applyMigrations } from "./migrate.server.ts";
import { prepareQueue, startWorker } from "./worker.server.ts";
import { startAppServer } from "./app-server.server.ts";

const settings = checkConfig();
const db = await ensureDatabase();
await applyMigrations(db.url, console.log);
await prepareQueue(db.url);
// `--dev` is what shopify.web.toml runs under `shopify app dev`: Vite serves the app from source.
const dev = process.argv.includes("--dev");
const server = await startAppServer({ port: settings.PORT, host: "0.0.0.0", dev });
const worker = settings.RUN_WORKER ? await startWorker(db.url) : null;
console.log(`Postventa listening on ${server.url}${worker ? " (queue worker in-process)" : ""}`);

const stop = async () => {
  await worker?.stop();
  await server.close();
  await db.stop();
  process.exit(0);
};
process.on("SIGINT", stop);
process.on("SIGTERM", stop);
