// Where the app's Postgres comes from: DATABASE_URL when set (a real server), otherwise an
// embedded PostgreSQL 17 from npm started by this process, data under .data/ (git-ignored).
// See docs/decisions/0001-postgres-embedded.md.
import { existsSync, mkdirSync, readFileSync, realpathSync, rmSync } from "node:fs";
import path from "node:path";
import pg from "pg";
import { clusterDataDir, EmbeddedCluster } from "./embedded-postgres.server.ts";
import { embeddedPostgresSettings } from "../app/config.server.ts";

export interface Database {
  url: string;
  embedded: boolean;
  dataDir?: string; // embedded: where its data lives
  stop(): Promise<void>;
}

const ROOT = path.resolve(import.meta.dirname, "..");

export interface EmbeddedOptions {
  dataDir?: string;
  port?: number;
  database?: string;
  log?: (line: string) => void;
}

// Runs before the app's configuration is first read (config.server.ts), and fills in DATABASE_URL.
export async function ensureDatabase(opts: EmbeddedOptions = {}): Promise<Database> {
  if (process.env.DATABASE_URL) {
    return { url: process.env.DATABASE_URL, embedded: false, stop: async () => {} };
  }
  const db = await startEmbeddedPostgres(opts);
  process.env.DATABASE_URL = db.url;
  return db;
}

export async function startEmbeddedPostgres(opts: EmbeddedOptions = {}): Promise<Database> {
  // As root, Postgres runs as the `postgres` user and its data must be where that user can reach.
  const settings = embeddedPostgresSettings();
  const dataDir = clusterDataDir(path.resolve(ROOT, opts.dataDir ?? settings.POSTVENTA_PG_DATA));
  const port = opts.port ?? settings.POSTVENTA_PG_PORT;
  const database = opts.database ?? "postventa";
  const admin = `postgresql://postgres:postgres@127.0.0.1:${port}`;
  const url = `${admin}/${database}`;

  // Another process of ours (e.g. `npm run demo -- --keep` in another terminal) may already
  // run this cluster: reuse it rather than fight over the data directory. Another clone's cluster
  // on the same port is refused: its databases would be dropped and rebuilt under it.
  const running = await runningDataDir(`${admin}/postgres`);
  if (running !== null && !sameDir(running, dataDir))
    throw new Error(
      `Port ${port} is already used by another PostgreSQL (its data is in ${running}; this clone's is in ${dataDir}). ` +
        "Stop it, or give this clone a port of its own (POSTVENTA_PG_PORT, or POSTVENTA_TEST_PG_PORT for the tests), or set DATABASE_URL.",
    );
  if (running === null) {
    const flags = ["-c", "listen_addresses=127.0.0.1", "-c", "max_connections=200"];
    const server = new EmbeddedCluster({ dataDir, port, user: "postgres", password: "postgres", flags, log: opts.log ?? (() => {}) });
    mkdirSync(path.dirname(dataDir), { recursive: true });
    try {
      if (!existsSync(path.join(dataDir, "PG_VERSION"))) await server.initialise();
      removeStalePid(dataDir);
      await server.start();
    } catch (error) {
      throw new Error(
        `The embedded PostgreSQL could not start (data in ${dataDir}): ${error instanceof Error ? error.message : String(error)}. ` +
          "Set DATABASE_URL to use a PostgreSQL server of your own instead.",
      );
    }
    await createDatabaseIfMissing(admin, database);
    return { url, embedded: true, dataDir, stop: () => server.stop() };
  }
  await createDatabaseIfMissing(admin, database);
  return { url, embedded: true, stop: async () => {} };
}

/** The data directory of the PostgreSQL answering at `url` as our superuser; null when none does. */
async function runningDataDir(url: string): Promise<string | null> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 1000 });
  try {
    await client.connect();
  } catch {
    await client.end().catch(() => {});
    return null;
  }
  try {
    return (await client.query<{ data_directory: string }>("SHOW data_directory")).rows[0].data_directory;
  } finally {
    await client.end().catch(() => {});
  }
}

const sameDir = (a: string, b: string) => {
  const real = (p: string) => {
    try {
      return realpathSync(p);
    } catch {
      return path.resolve(p);
    }
  };
  return real(a) === real(b);
};

// A killed run leaves postmaster.pid behind; Postgres would refuse to start if the pid is reused.
function removeStalePid(dataDir: string) {
  const pidFile = path.join(dataDir, "postmaster.pid");
  if (!existsSync(pidFile)) return;
  const pid = Number(readFileSync(pidFile, "utf8").split("\n")[0]);
  try {
    process.kill(pid, 0);
  } catch {
    // process gone: the file is stale
    rmSync(pidFile, { force: true });
  }
}

export async function createDatabaseIfMissing(adminUrl: string, database: string) {
  const client = new pg.Client({ connectionString: `${adminUrl}/postgres` });
  await client.connect();
  try {
    const { rowCount } = await client.query("SELECT 1 FROM pg_database WHERE datname = $1", [database]);
    if (!rowCount) await client.query(`CREATE DATABASE "${database.replace(/"/g, "")}"`);
  } finally {
    await client.end();
  }
}
