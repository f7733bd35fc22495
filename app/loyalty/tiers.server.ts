// The tier check: after anything that can move a customer's tier (points counted toward it, an
// order counted or refunded), a `tier_check` job places them in their tier now. Moving up gives the
// welcome reward of each tier reached, once per tier for good (its redemption's request id is
// `welcome:<tier id>`, unique per customer, so a repeated or concurrent check, or reaching the tier
// again after a rolling period let them drop, gives nothing more). The tier HubSpot shows is the
// one placed here.
import { pool, transaction } from "../db.server";
import { placedIndex, tierIndex, tierProgramOf, tiersReached } from "../domain/tiers";
import { markContactChanged, recordInteraction } from "../hubspot/outbox.server";
import { tierChanged } from "../domain/interactions";
import { rewardTitle } from "../domain/shopper-text";
import { holdShopForProcessing } from "../privacy/tombstone.server";
import { catalogOf } from "../shopper/account.server";
import type { Reward } from "../domain/rewards";
import { log } from "../log.server";
import { grantReserved, reserve, type RedemptionRow } from "./redemption.server";
import { tierMeasureSql } from "./tier-measure.server";

export interface TierCheck {
  tierId: string | null; // null: the customer is gone or redacted
  changed: boolean;
  welcomed: string[]; // the tiers whose welcome reward was reserved now
}

export async function checkTier(shop: string, customerId: string): Promise<TierCheck> {
  const checked = await transaction(async (tx) => {
    await holdShopForProcessing(tx, shop);
    // The customer's row: the lock every redemption of theirs takes first.
    const [row] = await tx.query<{
      shopifyCustomerId: string | null;
      measure: number;
      tierProgram: unknown;
      placed: string | null;
      currency: string;
      rewards: Reward[] | null;
      scopes: string | null;
    }>(
      `SELECT c."shopifyCustomerId", (${tierMeasureSql("c.shop", "c.id", 's."tierProgram"')}) AS measure, s."tierProgram",
              (SELECT t."tierId" FROM "CustomerTier" t WHERE t."customerId" = c.id) AS placed, COALESCE(s.currency, 'USD') AS currency, s.rewards,
              COALESCE((SELECT scope FROM "Session" WHERE id = 'offline_' || s.domain), s.scopes) AS scopes
         FROM "Customer" c LEFT JOIN "Shop" s ON s.domain = c.shop
        WHERE c.id = $1 AND c.shop = $2 AND c."redactedAt" IS NULL
          FOR UPDATE OF c`,
      [customerId, shop],
    );
    if (!row) return null;
    const program = tierProgramOf(row.tierProgram);
    const now = tierIndex(row.measure, program);
    const tier = program.tiers[now];
    // Never placed: they start in the first tier, so a first order that reaches a higher one welcomes them.
    const before = placedIndex(row.placed, program);
    const changed = row.placed !== tier.id;
    // A tier the merchant removed since (index -1) counts as the first: only tiers above it welcome.
    const reached = changed ? tiersReached(Math.max(0, before), now, program).filter((t) => t.welcomeRewardId) : [];
    const reserved: RedemptionRow[] = [];
    // A guest has no Shopify customer to restrict a code to: they are welcomed once they sign up.
    if (row.shopifyCustomerId)
      for (const t of reached) {
        const reward = catalogOf(row).find((w) => w.id === t.welcomeRewardId);
        if (!reward) {
          log.warn("welcome reward not offered; none given", { shop, tier: t.id, reward: t.welcomeRewardId });
          continue;
        }
        const requestId = `welcome:${t.id}`;
        const [given] = await tx.rows<{ id: string }>`
          SELECT id FROM "Redemption" WHERE shop = ${shop} AND "customerId" = ${customerId} AND "requestId" = ${requestId}`;
        if (!given) reserved.push(await reserve(tx, shop, customerId, requestId, { ...reward, cost: 0 }, row.currency));
      }
    // After the redemptions, as the lock order says (app/db.server.ts): the tier row, then the outbox.
    if (changed) {
      const at = new Date();
      await tx.run`
        INSERT INTO "CustomerTier" ("customerId", shop, "tierId", since) VALUES (${customerId}, ${shop}, ${tier.id}, ${at})
        ON CONFLICT ("customerId") DO UPDATE SET "tierId" = EXCLUDED."tierId", since = EXCLUDED.since`;
      await markContactChanged(tx, shop, customerId);
      // The first placement in the first tier is no news: every customer starts there.
      if (row.placed !== null || now > 0)
        await recordInteraction(
          tx,
          shop,
          customerId,
          tierChanged({
            customerId,
            from: program.tiers[before]?.name ?? null,
            to: tier.name,
            up: now > before,
            welcomeRewards: reserved.map((r) => rewardTitle(r.reward, row.currency, "en")),
            at: at.toISOString(),
          }),
        );
    }
    return { tierId: tier.id, changed, reserved, shopifyCustomerId: row.shopifyCustomerId, currency: row.currency };
  });
  if (!checked) return { tierId: null, changed: false, welcomed: [] };
  // After the commit: each reservation is asked of Shopify now, and its settle job finishes any
  // whose answer is lost.
  for (const r of checked.reserved) await grantReserved(shop, checked.shopifyCustomerId!, r, checked.currency);
  return { tierId: checked.tierId, changed: checked.changed, welcomed: checked.reserved.map((r) => r.requestId.slice("welcome:".length)) };
}

/**
 * The name of the tier each customer was last placed in, by customer id (HubSpot's tier property):
 * one not placed yet, or placed in a tier the merchant removed since, is in the first tier until
 * their check runs.
 */
export async function placedTiers(shop: string, customerIds: string[]): Promise<Map<string, string>> {
  const { rows } = await pool.query<{ tierProgram: unknown; placed: Record<string, string> }>(
    `SELECT (SELECT "tierProgram" FROM "Shop" WHERE domain = $1) AS "tierProgram",
            COALESCE((SELECT json_object_agg(t."customerId", t."tierId") FROM "CustomerTier" t WHERE t.shop = $1 AND t."customerId" = ANY($2)), '{}') AS placed`,
    [shop, customerIds],
  );
  const program = tierProgramOf(rows[0].tierProgram);
  const name = (id: string | undefined) => (program.tiers.find((t) => t.id === id) ?? program.tiers[0]).name;
  return new Map(customerIds.map((id) => [id, name(rows[0].placed[id])]));
}

/**
 * Schedules a tier check for each of the shop's customers (after the merchant changed the tiers),
 * or, with `onlyAboveFirst`, for those placed above the first tier (daily, where a rolling period
 * may let them drop). Behind the queue's other work.
 */
export async function reviewTiers(shop: string, opts: { onlyAboveFirst: boolean }): Promise<number> {
  const { rowCount } = await pool.query(
    `SELECT graphile_worker.add_job('tier_check', json_build_object('shop', c.shop, 'customerId', c.id),
              job_key => 'tier_check:' || c.id, max_attempts => 25, priority => 5)
       FROM "Customer" c
      WHERE c.shop = $1 AND c."redactedAt" IS NULL
        AND ($2 AND EXISTS (SELECT 1 FROM "CustomerTier" t JOIN "Shop" s ON s.domain = t.shop WHERE t."customerId" = c.id
                           AND t."tierId" IS DISTINCT FROM (s."tierProgram"->'tiers'->0->>'id'))
          OR NOT $2 AND (EXISTS (SELECT 1 FROM "PointsAccount" a WHERE a."customerId" = c.id)
                         OR EXISTS (SELECT 1 FROM "DashboardOrder" d WHERE d.shop = c.shop AND d."customerId" = c.id)))`,
    [shop, opts.onlyAboveFirst],
  );
  return rowCount ?? 0;
}

/** The daily review: shops whose tiers count a rolling 12 months. */
export async function reviewRollingTiers(): Promise<number> {
  const { rows } = await pool.query<{ domain: string }>(
    `SELECT domain FROM "Shop" WHERE "uninstalledAt" IS NULL AND "tierProgram"->>'period' = 'rolling12'`,
  );
  let scheduled = 0;
  for (const { domain } of rows) scheduled += await reviewTiers(domain, { onlyAboveFirst: true });
  return scheduled;
}
