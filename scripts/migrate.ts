// `npm run setup`: apply every migration in prisma/migrations to DATABASE_URL (or the embedded
// Postgres when it is unset). Production deploys run exactly this before starting the app.
import { ensureDatabase } from "../server/database.server.ts";
import { applyMigrations } from "../server/migrate.server.ts";

const db = await ensureDatabase();
const applied = await applyMigrations(db.url, console.log);
console.log(applied.length ? `${applied.length} migration(s) applied` : "database is up to date");
await db.stop();
