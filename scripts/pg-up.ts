// Development helper: start the embedded Postgres and keep it running (Ctrl-C to stop).
import { startEmbeddedPostgres } from "../server/database.server.ts";
const db = await startEmbeddedPostgres();
console.log(`Postgres ready: ${db.url}`);
const stop = async () => {
  await db.stop();
  process.exit(0);
};
process.on("SIGINT", stop);
process.on("SIGTERM", stop);
setInterval(() => {}, 1 << 30);
