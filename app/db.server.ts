// The app's single database handles: one pg pool, shared by Prisma (through its driver adapter)
// and by the few hot paths written in SQL (the webhook inbox).
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "@prisma/client";
import pg from "pg";
import { config } from "./config.server";

declare global {
  // Survives Vite's dev-mode module reloads.
  var __postventaDb: { pool: pg.Pool; prisma: PrismaClient; closing: boolean } | undefined;
}

// Timestamps are stored as UTC in `timestamp` columns without a zone (Prisma's convention). Node
// and pg read such values — and ISO strings without an offset, as json_build_object writes them —
// in the process's zone, and Postgres's now() writes in the session's: both are pinned to UTC, so
// a server whose machine runs in another zone reads and writes the same instants.
process.env.TZ = "UTC";

function connect() {
  const { DATABASE_URL: url, DATABASE_POOL_SIZE: max } = config();
  if (!url) throw new Error("DATABASE_URL is not set: start the app through server/main.ts or set it");
  const pool = new pg.Pool({ connectionString: url, max, options: "-c TimeZone=UTC" });
  // An idle connection dropped by the server (restart, failover) must not crash the process; once
  // we are shutting down, the server going away is expected and not worth a warning.
  pool.on("error", (error) => {
    if (!globalThis.__postventaDb?.closing)
      console.error(JSON.stringify({ level: "warn", msg: "idle database connection lost", error: error.message }));
  });
  const prisma = new PrismaClient({ adapter: new PrismaPg(pool) });
  return { pool, prisma, closing: false };
}

globalThis.__postventaDb ??= connect();

export const pool: pg.Pool = globalThis.__postventaDb.pool;
const prisma: PrismaClient = globalThis.__postventaDb.prisma;
export default prisma;

export async function disconnectDb() {
  globalThis.__postventaDb!.closing = true;
  await prisma.$disconnect();
  await pool.end();
}

// The webhook processing path runs in plain SQL on the pool: through Prisma it cost ~13 ms of CPU
// per order (its query compiler and result mapping), which capped processing at ~45 orders/s.
// `tx.rows` / `tx.run` take a tagged template; each ${value} becomes a bound parameter.
// `tx.query` takes a statement with $n placeholders, for SQL text composed from constants.
export interface Tx {
  rows<T = Record<string, unknown>>(strings: TemplateStringsArray, ...values: unknown[]): Promise<T[]>;
  run(strings: TemplateStringsArray, ...values: unknown[]): Promise<number>;
  query<T = Record<string, unknown>>(text: string, values: unknown[]): Promise<T[]>;
}

function compile(strings: TemplateStringsArray): string {
  return strings.reduce((text, s, i) => `${text}$${i}${s}`);
}

// Lock order. Every transaction that locks more than one of these takes them in this order, so
// no two wait on each other in a circle (test/locks.test.ts races the paths that cross):
//   1. the shop (advisory; shared while processing, exclusive while redacting);
//   2. the person: a Shopify customer's Customer row, then a guest's email (advisory) and row;
//   3. Order rows, by ascending id;
//   4. a customer's redemptions and returns (every step of a redemption or a return, a webhook's
//      included, holds the Customer row first; a return with no customer locks only itself), then
//      PointsAccount rows, by ascending customer id;
//   5. warranty registrations, then the HubSpot outbox (HubSpotContactSync, then HubSpotInteraction
//      or HubSpotTicket: recordTicket marks the contact changed before it touches the ticket row).
export async function transaction<T>(work: (tx: Tx) => Promise<T>, opts: { timeoutMs?: number } = {}): Promise<T> {
  const client = await pool.connect();
  const tx: Tx = {
    rows: async <R>(strings: TemplateStringsArray, ...values: unknown[]) => (await client.query(compile(strings), values)).rows as R[],
    run: async (strings: TemplateStringsArray, ...values: unknown[]) => (await client.query(compile(strings), values)).rowCount ?? 0,
    query: async <R>(text: string, values: unknown[]) => (await client.query(text, values)).rows as R[],
  };
  let broken: Error | undefined;
  try {
    await client.query(`BEGIN; SET LOCAL statement_timeout = ${Math.trunc(opts.timeoutMs ?? 30_000)}`);
    const result = await work(tx);
    await client.query("COMMIT");
    return result;
  } catch (error) {
    await client.query("ROLLBACK").catch((e: Error) => (broken = e));
    throw error;
  } finally {
    client.release(broken);
  }
}
