// What every benchmark that drives the real server sets up the same way: a fresh database in an
// embedded Postgres stopped with the bench, a free port, and reading its children's output.
import net from "node:net";
import pg from "pg";
import { startEmbeddedPostgres } from "../server/database.server.ts";
import type { Supervisor } from "./children.ts";

export const HOST = "127.0.0.1";

/** An embedded Postgres (stopped when the bench ends) holding an empty database `name`; its URL. */
export async function freshDatabase(sup: Supervisor, name: string): Promise<string> {
  const db = await startEmbeddedPostgres({ database: "postgres" });
  sup.defer(() => db.stop());
  const client = new pg.Client({ connectionString: db.url });
  await client.connect();
  await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await client.query(`CREATE DATABASE ${name}`);
  await client.end();
  return db.url.replace(/\/postgres$/, `/${name}`);
}

/** A child's output line, prefixed with its name, on our stderr. */
export const toStderr = (name: string) => (line: string) => line.trim() && console.error(`[${name}] ${line}`);

/** The first http(s) origin in a line (a child's "listening on …"). */
export function urlIn(line: string): string {
  const m = /https?:\/\/[^\s/]+/.exec(line);
  if (!m) throw new Error(`no URL in "${line}"`);
  return m[0];
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.on("error", reject);
    s.listen(0, HOST, () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}
