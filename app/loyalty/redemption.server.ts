// Redeeming a reward: points reserved (a ledger debit) → Shopify makes the code or credit →
// confirmed. Points are never spent twice and never lost:
// - the extension's redemption id is the idempotency key: a retry or double click finds its row;
// - every step for a customer runs under their Customer row's lock, so N concurrent redemptions on
//   a balance that covers k make exactly k reservations (and the ledger's CHECK keeps it >= 0);
// - a refusal releases the reservation with a compensating entry (the ledger stays append-only);
// - an uncertain answer (timeout, 5xx) leaves the reservation; a job scheduled with it, run once
//   the request can no longer land (aborted at its timeout), looks the code up: found → issued,
//   absent → released. A crash between the steps is settled by the same job.
import { randomBytes } from "node:crypto";
import { pool, transaction, type Tx } from "../db.server";
import { appendLedger } from "./ledger.server";
import { canRedeem, rewardCode, rewardExpiry, type Reward } from "../domain/rewards";
import { tierAt, tierProgramOf } from "../domain/tiers";
import { tierMeasureSql } from "./tier-measure.server";
import { fromMinor } from "../domain/money";
import type { LedgerParams } from "../domain/loyalty";
import type { TextLocale } from "../domain/shopper-text";
import { holdShopForProcessing, isRedacted } from "../privacy/tombstone.server";
import { withOfflineAdmin } from "../shopify.server";
import {
  findRewardCode,
  grantReward,
  settleStoreCredit,
  type GrantOutcome,
  type RewardGrant,
} from "../../integrations/shopify/rewards.server";
import { catalogOf, issuedReward } from "../shopper/account.server";
import { log } from "../log.server";
import { config } from "../config.server";
import type { IssuedReward } from "../shopper/views";

// Shopify's answer to a grant is awaited this long, then the request is aborted; the settle job
// runs three times as long after the reservation: past the timeout, a token refresh before it, and
// any answer still on its way.
const timing = () => {
  const timeoutMs = config().SHOPIFY_REWARD_TIMEOUT_MS;
  return { timeoutMs, settleAfterMs: 3 * timeoutMs };
};

export type RedeemResult =
  | { ok: true; issued: IssuedReward; balance: number }
  | { ok: false; code: "not_enough_points" | "tier" | "unknown_reward"; status: 409 | 404 };

export interface RedemptionRow {
  id: string;
  requestId: string;
  customerId: string;
  rewardId: string;
  reward: Reward;
  cost: number;
  state: string;
  code: string | null;
  usedOrderName: string | null;
  expiresAt: Date | null;
  createdAt: Date;
}

export async function redeem(
  shop: string,
  shopifyCustomerId: string,
  input: { rewardId: string; redemptionId: string },
  locale: TextLocale,
): Promise<RedeemResult> {
  const reserved = await transaction(async (tx) => {
    await holdShopForProcessing(tx, shop);
    const [customer] = await tx.rows<{ id: string }>`
      SELECT id FROM "Customer" WHERE shop = ${shop} AND "shopifyCustomerId" = ${shopifyCustomerId} AND "redactedAt" IS NULL FOR UPDATE`;
    const [shopRow] = await tx.rows<{ currency: string; rewards: Reward[] | null; scopes: string | null }>`
      SELECT currency, rewards, COALESCE((SELECT scope FROM "Session" WHERE id = 'offline_' || domain), scopes) AS scopes FROM "Shop" WHERE domain = ${shop}`;
    const currency = shopRow?.currency ?? "USD";
    if (!customer || (await isRedacted(tx, shop, { customerId: shopifyCustomerId })))
      return { refusedWith: "not_enough_points" as const, currency };
    const [existing] = await tx.rows<RedemptionRow>`
      SELECT * FROM "Redemption" WHERE shop = ${shop} AND "customerId" = ${customer.id} AND "requestId" = ${input.redemptionId}`;
    if (existing) return { row: existing, currency, fresh: false };
    const reward = catalogOf(shopRow ?? { rewards: null, currency, scopes: null }).find((r) => r.id === input.rewardId);
    if (!reward) return { refusedWith: "unknown_reward" as const, currency };
    const [account] = await tx.query<{ balance: number; measure: number; tierProgram: unknown }>(
      `SELECT a.balance, (${tierMeasureSql("a.shop", 'a."customerId"', 's."tierProgram"')}) AS measure, s."tierProgram"
         FROM "PointsAccount" a LEFT JOIN "Shop" s ON s.domain = a.shop WHERE a."customerId" = $1 FOR UPDATE OF a`,
      [customer.id],
    );
    const tier = tierAt(account?.measure ?? 0, tierProgramOf(account?.tierProgram));
    const can = canRedeem(reward, { balance: account?.balance ?? 0, tier });
    if (!can.ok) return { refusedWith: can.reason, currency };
    const row = await reserve(tx, shop, customer.id, input.redemptionId, reward, currency);
    return { row, currency, fresh: true };
  });
  if ("refusedWith" in reserved) {
    const code = reserved.refusedWith!;
    return { ok: false, code, status: code === "unknown_reward" ? 404 : 409 };
  }
  const row = reserved.fresh ? await grantReserved(shop, shopifyCustomerId, reserved.row, reserved.currency) : reserved.row;
  const balance = await balanceOf(row.customerId);
  return { ok: true, issued: issuedReward(row, reserved.currency, locale), balance };
}

/**
 * Reserves a reward for a customer whose Customer row the caller holds locked: the row, the points
 * (a gift of cost 0 spends none) and the settle job that finishes it if nobody else does.
 */
export async function reserve(tx: Tx, shop: string, customerId: string, requestId: string, reward: Reward, currency: string) {
  const now = new Date();
  const code = reward.kind === "store_credit" ? null : rewardCode(randomBytes(10));
  const [row] = await tx.rows<RedemptionRow>`
    INSERT INTO "Redemption" (id, shop, "customerId", "requestId", "rewardId", reward, cost, state, code, "expiresAt", "createdAt")
    VALUES (gen_random_uuid()::text, ${shop}, ${customerId}, ${requestId}, ${reward.id}, ${JSON.stringify(reward)}::jsonb, ${reward.cost},
            'reserved', ${code}, ${rewardExpiry(reward, now)}, ${now})
    RETURNING *`;
  if (reward.cost > 0)
    await appendLedger(tx, shop, customerId, [
      {
        key: `redeem:${row.id}`,
        kind: "redeem",
        points: -reward.cost,
        params: { reward: ledgerReward(reward, currency) },
      },
    ]);
  await tx.run`
    SELECT graphile_worker.add_job('redemption_settle', json_build_object('shop', ${shop}::text, 'redemptionId', ${row.id}::text),
      run_at => now() + ${`${timing().settleAfterMs} milliseconds`}::interval, job_key => 'redemption_settle:' || ${row.id}::text,
      max_attempts => 25)`;
  return row;
}

/** Asks Shopify for a reserved reward now (the settle job stays scheduled for a lost answer). */
export async function grantReserved(shop: string, shopifyCustomerId: string, row: RedemptionRow, currency: string) {
  return (await settle(shop, row.id, await send(shop, shopifyCustomerId, row, currency))) ?? row;
}

/** What the ledger keeps of a reward: enough to say what it was in the shopper's words later. */
function ledgerReward(r: Reward, currency: string): NonNullable<LedgerParams["reward"]> {
  return {
    id: r.id,
    kind: r.kind,
    valueMinor: r.valueMinor,
    ...(r.percent !== undefined ? { percent: r.percent } : {}),
    ...(r.minimumOrderMinor ? { minimumOrderMinor: r.minimumOrderMinor } : {}),
    currency,
  };
}

function grantFor(row: RedemptionRow, shopifyCustomerId: string, currency: string): RewardGrant {
  const customerGid = `gid://shopify/Customer/${shopifyCustomerId}`;
  const r = row.reward;
  const amount = r.valueMinor === null ? "0" : fromMinor(r.valueMinor, currency);
  const minimumSubtotal = r.minimumOrderMinor ? fromMinor(r.minimumOrderMinor, currency) : null;
  const endsAt = row.expiresAt ? new Date(row.expiresAt).toISOString() : new Date(Date.now() + 365 * 86_400_000).toISOString();
  const title = `Postventa reward ${row.code ?? row.id}`;
  if (r.kind === "store_credit")
    return { kind: "store_credit", customerGid, amount, currency, expiresAt: null, idempotencyKey: `postventa-redemption-${row.id}` };
  if (r.kind === "free_shipping") return { kind: "free_shipping", code: row.code!, title, customerGid, minimumSubtotal, endsAt };
  // offeredRewards offers a percentage off only with its percent, so a reservation holds one.
  if (r.kind === "percentage_off")
    return { kind: "percentage_off", code: row.code!, title, customerGid, percentage: r.percent! / 100, minimumSubtotal, endsAt };
  return { kind: "amount_off", code: row.code!, title, customerGid, amount, currency, minimumSubtotal, endsAt };
}

async function send(shop: string, shopifyCustomerId: string, row: RedemptionRow, currency: string): Promise<GrantOutcome> {
  try {
    const outcome = await withOfflineAdmin(shop, (graphql) =>
      grantReward(graphql, grantFor(row, shopifyCustomerId, currency), { timeoutMs: timing().timeoutMs }),
    );
    // No token Shopify accepts: the grant was refused before anything could be made.
    if ("noAdmin" in outcome) return { refused: `no Shopify access (${outcome.noAdmin})` };
    return outcome;
  } catch (error) {
    return { uncertain: error instanceof Error ? error.message : String(error) };
  }
}

/** Applies what Shopify answered; an uncertain answer leaves the reservation for the settle job. */
async function settle(shop: string, redemptionId: string, outcome: GrantOutcome): Promise<RedemptionRow | null> {
  if ("uncertain" in outcome) {
    log.warn("reward grant uncertain; settled later", { shop, redemptionId, error: outcome.uncertain });
    return null;
  }
  return transaction(async (tx) => {
    const row = await lockReserved(tx, shop, redemptionId);
    if (!row) return null;
    if ("issued" in outcome) {
      const [done] = await tx.rows<RedemptionRow>`
        UPDATE "Redemption" SET state = 'issued', "discountId" = ${outcome.issued.discountId}, "transactionId" = ${outcome.issued.transactionId}, "settledAt" = now()
        WHERE id = ${redemptionId} RETURNING *`;
      return done;
    }
    log.warn("reward refused by Shopify; points returned", { shop, redemptionId, reason: outcome.refused });
    const [done] = await tx.rows<RedemptionRow>`
      UPDATE "Redemption" SET state = 'released', failure = ${outcome.refused.slice(0, 1000)}, "settledAt" = now() WHERE id = ${redemptionId} RETURNING *`;
    const [shopRow] = await tx.rows<{ currency: string }>`SELECT currency FROM "Shop" WHERE domain = ${shop}`;
    // A gift (cost 0) spent nothing: nothing to give back.
    if (row.cost > 0)
      await appendLedger(tx, shop, row.customerId, [
        {
          key: `redeem:${row.id}:release`,
          kind: "redeem_release",
          points: row.cost,
          params: { reward: ledgerReward(row.reward, shopRow?.currency ?? "USD") },
        },
      ]);
    return done;
  });
}

// The customer's row first (the lock every redemption step of theirs takes), then the redemption,
// only while it is still reserved.
async function lockReserved(tx: Tx, shop: string, redemptionId: string): Promise<RedemptionRow | null> {
  await holdShopForProcessing(tx, shop);
  const [owner] = await tx.rows<{ customerId: string }>`SELECT "customerId" FROM "Redemption" WHERE id = ${redemptionId}`;
  if (!owner) return null;
  await tx.run`SELECT 1 FROM "Customer" WHERE id = ${owner.customerId} FOR UPDATE`;
  const [row] = await tx.rows<RedemptionRow>`SELECT * FROM "Redemption" WHERE id = ${redemptionId} AND state = 'reserved' FOR UPDATE`;
  return row ?? null;
}

/** The redemption_settle job: a reservation whose answer was lost (or whose process died). */
export async function settleRedemption(shop: string, redemptionId: string): Promise<void> {
  const row = await transaction(async (tx) => {
    const [r] = await tx.rows<RedemptionRow & { shopifyCustomerId: string | null; currency: string }>`
      SELECT r.*, c."shopifyCustomerId", COALESCE(s.currency, 'USD') AS currency FROM "Redemption" r
      JOIN "Customer" c ON c.id = r."customerId" LEFT JOIN "Shop" s ON s.domain = r.shop
      WHERE r.id = ${redemptionId} AND r.state = 'reserved'`;
    return r;
  });
  if (!row) return;
  let outcome: GrantOutcome;
  if (row.reward.kind === "store_credit") {
    const grant = grantFor(row, row.shopifyCustomerId ?? "0", row.currency);
    const answer = await withOfflineAdmin(shop, (graphql) =>
      settleStoreCredit(graphql, grant as Extract<RewardGrant, { kind: "store_credit" }>, {
        timeoutMs: timing().timeoutMs,
        attemptedAt: row.createdAt,
      }),
    );
    if ("noAdmin" in answer)
      throw new Error(`no Shopify access to settle redemption ${redemptionId} (${answer.noAdmin}); the queue tries again`);
    outcome = answer;
  } else {
    const found = await withOfflineAdmin(shop, (graphql) => findRewardCode(graphql, row.code!));
    if (found && "noAdmin" in found)
      throw new Error(`no Shopify access to settle redemption ${redemptionId} (${found.noAdmin}); the queue tries again`);
    outcome = found
      ? { issued: { discountId: found.discountId, transactionId: null } }
      : { refused: "Shopify holds no such code: the request never landed" };
  }
  if ("uncertain" in outcome) throw new Error(`redemption ${redemptionId} still uncertain: ${outcome.uncertain}`);
  await settle(shop, redemptionId, outcome);
}

/** An order paid with reward codes: each shows as used on it. Runs in the order's transaction. */
export async function markCodesUsed(tx: Tx, shop: string, order: { id: string; name: string; discountCodes?: string[] }): Promise<void> {
  const codes = (order.discountCodes ?? []).map((c) => c.trim().toUpperCase()).filter((c) => c.startsWith("PV-"));
  if (!codes.length) return;
  await tx.run`
    UPDATE "Redemption" SET "usedOrderId" = ${order.id}, "usedOrderName" = ${order.name}, "usedAt" = now()
    WHERE shop = ${shop} AND code = ANY(${codes}::text[]) AND "usedOrderId" IS NULL`;
}

async function balanceOf(customerId: string): Promise<number> {
  const { rows } = await pool.query<{ balance: number }>(`SELECT balance FROM "PointsAccount" WHERE "customerId" = $1`, [customerId]);
  return rows[0]?.balance ?? 0;
}
