// Appending to the points ledger. The account row is locked (FOR UPDATE) for the whole append, a
// reversal is clamped to the balance and a credit to MAX_POINTS_BALANCE (int4 columns), and the
// database CHECK refuses a negative balance whatever a caller does. A key already in the ledger is
// skipped: appending twice has one effect.
import type { Tx } from "../db.server";
import { addLifetime, clampPoints, clampToBalance, countsTowardLifetime, type LedgerKind, type LedgerParams } from "../domain/loyalty";
import { ledgerEntry } from "../domain/interactions";
import { markContactChanged, recordInteraction } from "../hubspot/outbox.server";
import { placedIndex, tierIndex, tierProgramOf } from "../domain/tiers";

export interface LedgerAppend {
  key: string;
  kind: LedgerKind;
  points: number;
  params: LedgerParams;
  orderId?: string | null;
  refundId?: string | null;
  at?: Date; // when it happened, if not now: the daily job dates a gift or an expiry on its scheduled day
}

/** Returns whether the customer's tier check was scheduled (an entry counting toward tiers was written). */
export async function appendLedger(tx: Tx, shop: string, customerId: string, entries: LedgerAppend[]): Promise<boolean> {
  if (!entries.length) return false;
  await tx.run`INSERT INTO "PointsAccount" ("customerId", shop, "updatedAt") VALUES (${customerId}, ${shop}, now()) ON CONFLICT DO NOTHING`;
  const [account] = await tx.rows<{ balance: number; lifetimeEarned: number; currency: string }>`
    SELECT a.balance, a."lifetimeEarned", COALESCE(s.currency, 'USD') AS currency
      FROM "PointsAccount" a LEFT JOIN "Shop" s ON s.domain = a.shop WHERE a."customerId" = ${customerId} FOR UPDATE OF a`;
  let { balance, lifetimeEarned } = account;
  let towardTier = false;
  for (const e of entries) {
    const requested = clampPoints(e.points);
    const points = clampToBalance(requested, balance);
    const inserted = await tx.run`
      INSERT INTO "PointsLedgerEntry" (shop, "customerId", "idempotencyKey", kind, points, requested, "balanceAfter", "orderId", "refundId", params, "createdAt")
      VALUES (${shop}, ${customerId}, ${e.key}, ${e.kind}, ${points}, ${requested}, ${balance + points}, ${e.orderId ?? null}, ${e.refundId ?? null}, ${JSON.stringify(e.params)}::jsonb, ${e.at ?? new Date()})
      ON CONFLICT (shop, "idempotencyKey") DO NOTHING`;
    if (!inserted) continue;
    balance += points;
    const interaction = ledgerEntry({
      key: e.key,
      kind: e.kind,
      points,
      balanceAfter: balance,
      params: e.params,
      currency: account.currency,
      at: (e.at ?? new Date()).toISOString(),
    });
    if (interaction) await recordInteraction(tx, shop, customerId, interaction);
    if (countsTowardLifetime(e.kind)) {
      lifetimeEarned = addLifetime(lifetimeEarned, points);
      towardTier = true;
    }
  }
  await markContactChanged(tx, shop, customerId);
  await tx.run`UPDATE "PointsAccount" SET balance = ${balance}, "lifetimeEarned" = ${lifetimeEarned}, "updatedAt" = now() WHERE "customerId" = ${customerId}`;
  // After the account's update: a ladder by lifetime points is judged on the new total.
  if (towardTier) await scheduleTierCheck(tx, shop, customerId);
  return towardTier;
}

/**
 * Schedules the customer's tier check (app/loyalty/tiers.server.ts) to run once the caller's
 * transaction commits, with what it wrote counted; one pending check per customer. A ladder by
 * lifetime points is measured by the account this transaction has just written, so a customer who
 * stays in the tier they were placed in (never placed: the first) needs no check: no job, no
 * second transaction per order on the webhook path.
 */
export async function scheduleTierCheck(tx: Tx, shop: string, customerId: string): Promise<void> {
  const [row] = await tx.rows<{ program: unknown; lifetime: number | null; placed: string | null }>`
    SELECT s."tierProgram" AS program,
           (SELECT a."lifetimeEarned" FROM "PointsAccount" a WHERE a."customerId" = ${customerId}) AS lifetime,
           (SELECT t."tierId" FROM "CustomerTier" t WHERE t."customerId" = ${customerId}) AS placed
      FROM "Shop" s WHERE s.domain = ${shop}`;
  const program = tierProgramOf(row?.program ?? null);
  if (row && program.basis === "points" && program.period === "lifetime") {
    if (tierIndex(row.lifetime ?? 0, program) === placedIndex(row.placed, program)) return;
  }
  await tx.run`
    SELECT graphile_worker.add_job('tier_check', json_build_object('shop', ${shop}::text, 'customerId', ${customerId}::text),
      job_key => 'tier_check:' || ${customerId}::text, max_attempts => 25)`;
}
