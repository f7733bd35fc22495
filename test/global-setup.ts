import { startEmbeddedPostgres } from "../server/database.server.ts";
import { buildApp } from "./stack.ts";

export default async function setup() {
  buildApp(true);
  if (process.env.DATABASE_URL) return;
  const db = await startEmbeddedPostgres({ dataDir: ".data/test-postgres", port: 54339, database: "postgres" });
  process.env.POSTVENTA_PG_PORT = "54339";
  process.env.POSTVENTA_PG_DATA = ".data/test-postgres";
  return () => db.stop();
}
