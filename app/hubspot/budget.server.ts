// One HubSpot account's rolling request budget (HubSpot: 100, 110 or 190 requests per 10 s),
// shared by every process that syncs to it. Each request first takes a slot: a row stamped with
// Postgres's clock, counted under a transaction-scoped advisory lock on the account. Rows older
// than the window are deleted as we go, so the table holds at most `limit` rows per account.
import { setTimeout as sleep } from "node:timers/promises";
import { pool } from "../db.server";
import { tuning } from "./tuning.server";

export async function takeRequestSlot(accountKey: string, limit: number): Promise<void> {
  for (;;) {
    const wait = await tryTake(accountKey, limit);
    if (wait <= 0) return;
    await sleep(wait);
  }
}

// 0 when a slot was taken; otherwise how long until the oldest request in the window leaves it.
async function tryTake(accountKey: string, limit: number): Promise<number> {
  const client = await pool.connect();
  try {
    await client.query("BEGIN");
    await client.query("SELECT pg_advisory_xact_lock(7411, hashtext($1))", [accountKey]);
    const window = `${tuning.rollingWindowMs} milliseconds`;
    await client.query(`DELETE FROM "HubSpotRequestSlot" WHERE "accountKey" = $1 AND "sentAt" <= clock_timestamp() - $2::interval`, [
      accountKey,
      window,
    ]);
    const { rows } = await client.query<{ used: number; wait_ms: number | null }>(
      `SELECT count(*)::int AS used,
              ceil(extract(epoch FROM (min("sentAt") + $2::interval - clock_timestamp())) * 1000)::int AS wait_ms
         FROM "HubSpotRequestSlot" WHERE "accountKey" = $1`,
      [accountKey, window],
    );
    if (rows[0].used >= limit) {
      await client.query("COMMIT");
      return Math.max(5, rows[0].wait_ms ?? 5);
    }
    await client.query(`INSERT INTO "HubSpotRequestSlot" ("accountKey", "sentAt") VALUES ($1, clock_timestamp())`, [accountKey]);
    await client.query("COMMIT");
    return 0;
  } catch (e) {
    await client.query("ROLLBACK").catch(() => {});
    throw e;
  } finally {
    client.release();
  }
}
