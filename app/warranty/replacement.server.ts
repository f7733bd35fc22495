// A claim approved as a replacement: Shopify gets a draft order for the unit at no charge, which the
// merchant sends or completes. draftOrderCreate has no idempotency key, so it goes as a return
// request does (decision 0013):
//   reserve — in the approval's transaction, a `creating` ClaimReplacement row with a stable tag and
//     the claim_replacement job (orderReplacement);
//   send — the job marks the attempt time, then creates the draft order carrying the tag;
//   settle — the answer is recorded (created, or failed with Shopify's reason). No answer: the job
//     throws and the queue tries again, finding the draft order by its tag; it creates again only
//     once Shopify can no longer be creating the first one (settleReplacementDraftOrder).
// Each approval is its own round (a reopened claim approved again orders a new one), never two.
import { pool, transaction, type Tx } from "../db.server";
import { withOfflineAdmin } from "../shopify.server";
import { holdShopForProcessing } from "../privacy/tombstone.server";
import {
  createReplacementDraftOrder,
  DRAFT_ORDER_SETTLE_MS,
  settleReplacementDraftOrder,
  type DraftOrderOutcome,
  type ReplacementDraftOrder,
} from "../../integrations/shopify/returns.server";
import { returnTiming } from "../returns/returns.server";
import { log } from "../log.server";
import { ClaimInputError, claimReference } from "./claims.server";

export type ReplacementStatus = "creating" | "created" | "failed";

export interface ReplacementView {
  status: ReplacementStatus;
  draftOrderId: string | null; // numeric
  draftOrderName: string | null;
  failure: string | null;
  tag: string;
}

/** Shopify's tag for one round of one claim: 1–40 letters, digits and dashes, unique in the shop. */
export const replacementTag = (claimId: string, round: number) => `pv-${claimId.replace(/-/g, "")}-${round}`;

/**
 * Reserves the replacement of an approval, inside its transaction (the claim row is locked). A unit
 * whose variant is unknown (a product removed since) cannot be replaced: the approval is refused.
 */
export async function orderReplacement(tx: Tx, shop: string, claimId: string, round: number): Promise<void> {
  const [unit] = await tx.rows<{ variantId: string | null }>`
    SELECT w."variantId" FROM "WarrantyClaim" k JOIN "WarrantyRegistration" w ON w.id = k."warrantyId" WHERE k.id = ${claimId}`;
  if (!unit?.variantId) throw new ClaimInputError({ code: "not_allowed", error: "no_variant" });
  const inserted = await tx.run`
    INSERT INTO "ClaimReplacement" ("claimId", round, shop, tag, status, "updatedAt")
    VALUES (${claimId}, ${round}, ${shop}, ${replacementTag(claimId, round)}, 'creating', now())
    ON CONFLICT DO NOTHING`;
  if (!inserted) return;
  await tx.run`
    SELECT graphile_worker.add_job('claim_replacement',
      json_build_object('shop', ${shop}::text, 'claimId', ${claimId}::text, 'round', ${round}::int),
      job_key => 'claim_replacement:' || ${claimId}::text || ':' || ${round}::text, max_attempts => 25)`;
}

interface Pending {
  status: ReplacementStatus;
  tag: string;
  attemptedAt: Date | null;
  variantId: string | null;
  quantity: number;
  product: string;
  shopifyCustomerId: string | null;
  redacted: boolean;
}

async function loadPending(shop: string, claimId: string, round: number): Promise<Pending | null> {
  const { rows } = await pool.query<Pending>(
    `SELECT r.status, r.tag, r."attemptedAt", w."variantId", w.quantity, w.title AS product, c."shopifyCustomerId",
            c."redactedAt" IS NOT NULL AS redacted
     FROM "ClaimReplacement" r
     JOIN "WarrantyClaim" k ON k.id = r."claimId"
     JOIN "WarrantyRegistration" w ON w.id = k."warrantyId"
     JOIN "Customer" c ON c.id = k."customerId"
     WHERE r."claimId" = $1 AND r.round = $2 AND r.shop = $3`,
    [claimId, round, shop],
  );
  return rows[0] ?? null;
}

/**
 * The claim_replacement job. Throws while Shopify's answer is uncertain, so the queue tries again
 * with backoff; on its last attempt the replacement is marked failed, telling the merchant which tag
 * to look for in Shopify (a draft order may exist after all).
 */
export async function replacementJob(shop: string, claimId: string, round: number, opts: { lastAttempt: boolean }): Promise<void> {
  const pending = await loadPending(shop, claimId, round);
  if (!pending || pending.status !== "creating") return;
  if (pending.redacted || !pending.shopifyCustomerId || !pending.variantId) {
    // Nothing is sent about a customer erased since the approval (and a guest has no account to order for).
    await settle(shop, claimId, round, { refused: "The customer's data was erased, so no draft order was created" });
    return;
  }
  const replacement: ReplacementDraftOrder = {
    customerGid: `gid://shopify/Customer/${pending.shopifyCustomerId}`,
    variantGid: `gid://shopify/ProductVariant/${pending.variantId}`,
    quantity: pending.quantity,
    note: `Warranty replacement for claim ${claimReference(claimId)}: ${pending.product}`.slice(0, 5000),
    tag: pending.tag,
  };
  const { timeoutMs } = returnTiming();
  let answer: DraftOrderOutcome;
  let attempted = pending.attemptedAt !== null;
  try {
    const outcome = await withOfflineAdmin(shop, async (graphql): Promise<DraftOrderOutcome> => {
      if (pending.attemptedAt) {
        const settled = await settleReplacementDraftOrder(graphql, replacement, { attemptedAt: pending.attemptedAt, timeoutMs });
        // Past the window an absent draft order was created again inside settle: its window starts anew.
        if ("uncertain" in settled && Date.now() >= pending.attemptedAt.getTime() + DRAFT_ORDER_SETTLE_MS)
          await markAttempted(claimId, round, pending.attemptedAt);
        return settled;
      }
      if (!(await markAttempted(claimId, round, null))) return { uncertain: "another attempt is under way" };
      attempted = true;
      return createReplacementDraftOrder(graphql, replacement, { timeoutMs });
    });
    answer =
      "noAdmin" in outcome
        ? attempted
          ? { uncertain: `no Shopify access (${outcome.noAdmin})` }
          : { refused: `No Shopify access (${outcome.noAdmin})` }
        : outcome;
  } catch (error) {
    answer = { uncertain: error instanceof Error ? error.message : String(error) };
  }
  if ("uncertain" in answer) {
    log.warn("replacement draft order uncertain", { shop, claimId, round, error: answer.uncertain });
    if (!opts.lastAttempt) throw new Error(`claim ${claimId}: the replacement draft order is still uncertain; the queue tries again`);
    await settle(shop, claimId, round, {
      refused: `Shopify never confirmed the draft order: look for draft orders tagged ${pending.tag} before trying again`,
      mayExist: true,
    });
    return;
  }
  await settle(shop, claimId, round, answer);
}

// Compare-and-set on the attempt time, so two runners never both create.
async function markAttempted(claimId: string, round: number, seen: Date | null): Promise<boolean> {
  const { rowCount } = await pool.query(
    `UPDATE "ClaimReplacement" SET "attemptedAt" = now(), "updatedAt" = now()
     WHERE "claimId" = $1 AND round = $2 AND status = 'creating' AND "attemptedAt" IS NOT DISTINCT FROM $3`,
    [claimId, round, seen],
  );
  return rowCount === 1;
}

// A refusal proves nothing was created, so a retry starts afresh; after an answer that never came
// (`mayExist`) the attempt time stays, and a retry first looks for the draft order by its tag.
async function settle(
  shop: string,
  claimId: string,
  round: number,
  answer: Exclude<DraftOrderOutcome, { uncertain: string }> | { refused: string; mayExist: true },
) {
  await transaction(async (tx) => {
    await holdShopForProcessing(tx, shop);
    const [row] = await tx.rows<{ status: ReplacementStatus }>`
      SELECT status FROM "ClaimReplacement" WHERE "claimId" = ${claimId} AND round = ${round} FOR UPDATE`;
    if (row?.status !== "creating") return;
    if ("issued" in answer) {
      const { draftOrderId, name } = answer.issued;
      await tx.run`
        UPDATE "ClaimReplacement" SET status = 'created', "draftOrderId" = ${draftOrderId.replace(/^gid:\/\/shopify\/DraftOrder\//, "")},
          "draftOrderName" = ${name}, "updatedAt" = now()
        WHERE "claimId" = ${claimId} AND round = ${round}`;
      await addSystemEvent(tx, claimId, "replacement_created", { draftOrderName: name });
      return;
    }
    log.warn("replacement draft order refused", { shop, claimId, round, reason: answer.refused });
    await tx.run`
      UPDATE "ClaimReplacement" SET status = 'failed', failure = ${answer.refused.slice(0, 1000)},
        "attemptedAt" = CASE WHEN ${"mayExist" in answer} THEN "attemptedAt" END, "updatedAt" = now()
      WHERE "claimId" = ${claimId} AND round = ${round}`;
    await addSystemEvent(tx, claimId, "replacement_failed", {});
  });
}

const addSystemEvent = (tx: Tx, claimId: string, type: string, params: Record<string, unknown>) =>
  tx.run`INSERT INTO "WarrantyClaimEvent" ("claimId", type, actor, params) VALUES (${claimId}, ${type}, 'system', ${JSON.stringify(params)}::jsonb)`;

/**
 * The merchant asks again after a failure: the same round goes back to `creating` keeping its
 * attempt time, so the job first looks for a draft order that landed after all.
 */
export async function retryReplacement(shop: string, claimId: string): Promise<boolean> {
  return transaction(async (tx) => {
    const [row] = await tx.rows<{ round: number }>`
      UPDATE "ClaimReplacement" SET status = 'creating', failure = NULL, "updatedAt" = now()
      WHERE shop = ${shop} AND "claimId" = ${claimId} AND status = 'failed'
        AND round = (SELECT max(round) FROM "ClaimReplacement" WHERE "claimId" = ${claimId})
      RETURNING round`;
    if (!row) return false;
    await tx.run`
      SELECT graphile_worker.add_job('claim_replacement',
        json_build_object('shop', ${shop}::text, 'claimId', ${claimId}::text, 'round', ${row.round}::int),
        job_key => 'claim_replacement:' || ${claimId}::text || ':' || ${row.round}::text, max_attempts => 25)`;
    return true;
  });
}

/** The latest round's replacement of a claim, for the merchant's claim page. */
export async function replacementOf(shop: string, claimId: string): Promise<ReplacementView | null> {
  const { rows } = await pool.query<ReplacementView>(
    `SELECT status, "draftOrderId", "draftOrderName", failure, tag FROM "ClaimReplacement"
     WHERE shop = $1 AND "claimId" = $2 ORDER BY round DESC LIMIT 1`,
    [shop, claimId],
  );
  return rows[0] ?? null;
}
