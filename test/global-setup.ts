import { startEmbeddedPostgres } from "../server/database.server.ts";
import { buildApp } from "./stack.ts";

export default async function setup() {
  buildApp(true);
  if (process.env.DATABASE_URL) return;
  // Two clones testing at once each need their own cluster: a second run on the same port would
  // reuse (and drop databases in) the first one's.
  const port = Number(process.env.POSTVENTA_TEST_PG_PORT ?? 54339);
  const db = await startEmbeddedPostgres({ dataDir: ".data/test-postgres", port, database: "postgres" });
  process.env.POSTVENTA_PG_PORT = String(port);
  process.env.POSTVENTA_PG_DATA = ".data/test-postgres";
  return () => db.stop();
}
