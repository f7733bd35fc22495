// `.ci/run` runs this from a clone in a private (0700) directory, as a newcomer cloning into root's
// home would: the embedded Postgres must start there and take the migrations.
import { rmSync } from "node:fs";
import { startEmbeddedPostgres } from "../server/database.server.ts";
import { applyMigrations } from "../server/migrate.server.ts";

const db = await startEmbeddedPostgres({ dataDir: ".data/check-postgres", port: 54349, database: "postventa_check" });
const applied = await applyMigrations(db.url);
console.log(`Embedded PostgreSQL started from ${process.cwd()} and took ${applied.length} migrations.`);
await db.stop();
// A throwaway cluster: it may live outside the clone (/var/tmp/postventa), so remove it here.
if (db.dataDir) rmSync(db.dataDir, { recursive: true, force: true });
