// The queue's task list. process_webhooks: the deliveries one intake statement stored → their
// effects, in arrival order. Failures are recorded on the delivery (state, attempts, last error),
// and a failed delivery is retried alone (process_webhook) with graphile-worker's backoff.
import type { TaskList } from "graphile-worker";
import { pool } from "./db.server";
import { log } from "./log.server";
import { processDelivery, type StoredDelivery } from "./webhooks/process.server";
import { scrubWebhookBody } from "../integrations/shopify/personal-data";
import { requestSync, sweep } from "./hubspot/connection.server";
import { syncShop } from "./hubspot/sync.server";
import { recheckWarrantyPolicy } from "./orders/orders.server";
import { settleRedemption } from "./loyalty/redemption.server";
import { settleReturnJob } from "./returns/returns.server";
import { replacementJob } from "./warranty/replacement.server";
import { runLifecycleDay } from "./lifecycle/daily.server";
import { openDueSurveys } from "./feedback/surveys.server";
import { checkTier, reviewRollingTiers, reviewTiers } from "./loyalty/tiers.server";
import { refreshShopProfile } from "./shops.server";
import { withOfflineAdmin } from "./shopify.server";
import { rebuildDashboard } from "./dashboard.server";

// The first retry of a delivery that failed inside a batch; later ones follow the queue's backoff.
const RETRY_ALONE_AFTER_MS = 3_000;

export const taskList: TaskList = {
  // Each delivery is done at most once (its state says so), so a batch that runs again after a
  // crash only does what is left.
  process_webhooks: async (payload, helpers) => {
    for (const deliveryId of (payload as { deliveryIds: string[] }).deliveryIds) {
      try {
        await processStoredDelivery(deliveryId);
      } catch {
        await helpers.addJob("process_webhook", { deliveryId }, { runAt: new Date(Date.now() + RETRY_ALONE_AFTER_MS) });
      }
    }
  },
  process_webhook: async (payload) => processStoredDelivery((payload as { deliveryId: string }).deliveryId),
  hubspot_sync: async (payload) => {
    const { shop } = payload as { shop: string };
    const run = await syncShop(shop);
    log[run.requests ? "info" : "debug"]("hubspot sync", { shop, ...run });
  },
  hubspot_sweep: async () => {
    await sweep();
  },
  // Scheduled with each reservation: settles one whose answer from Shopify was lost.
  redemption_settle: async (payload) => {
    const { shop, redemptionId } = payload as { shop: string; redemptionId: string };
    await settleRedemption(shop, redemptionId);
  },
  // Scheduled with each return request: settles one whose answer from Shopify was lost, or whose
  // approval is still owed; the last attempt fails a request that could never be sent.
  return_settle: async (payload, helpers) => {
    const { shop, returnId } = payload as { shop: string; returnId: string };
    await settleReturnJob(shop, returnId, { lastAttempt: helpers.job.attempts >= helpers.job.max_attempts });
  },
  // Scheduled with a claim's approval as a replacement: the draft order for the unit (its last
  // attempt marks an answer Shopify never gave as failed, for the merchant to check).
  claim_replacement: async (payload, helpers) => {
    const { shop, claimId, round } = payload as { shop: string; claimId: string; round: number };
    await replacementJob(shop, claimId, round, { lastAttempt: helpers.job.attempts >= helpers.job.max_attempts });
  },
  // Daily (crontab in server/worker.server.ts): what is due as of the scheduled day, `_cron.ts`,
  // which graphile-worker also sets on the days it backfills after downtime.
  lifecycle_daily: async (payload) => {
    const cron = (payload as { _cron?: { ts?: string } })._cron;
    const asOf = new Date(cron?.ts ?? Date.now());
    if (Number.isNaN(asOf.getTime())) throw new Error(`lifecycle_daily: _cron.ts ${cron?.ts} is not a date`);
    log.info("lifecycle day", { asOf: asOf.toISOString(), ...(await runLifecycleDay(asOf)) });
  },
  // Daily (crontab, backfilled after downtime): opens the surveys due as of the scheduled instant.
  open_surveys: async (payload) => {
    const { _cron } = payload as { _cron?: { ts: string } };
    const opened = await openDueSurveys(_cron ? new Date(_cron.ts) : new Date());
    log[opened ? "info" : "debug"]("surveys opened", { asOf: _cron?.ts, opened });
  },
  // Scheduled after anything that can move a customer's tier (app/loyalty/tiers.server.ts).
  tier_check: async (payload) => {
    const { shop, customerId } = payload as { shop: string; customerId: string };
    const checked = await checkTier(shop, customerId);
    if (checked.changed) log[checked.welcomed.length ? "info" : "debug"]("tier placed", { shop, customerId, ...checked });
  },
  // Scheduled by a save of the tiers settings (app/settings.server.ts).
  tiers_review: async (payload) => {
    const { shop } = payload as { shop: string };
    log.info("tiers reviewed", { shop, scheduled: await reviewTiers(shop, { onlyAboveFirst: false }) });
  },
  // Daily (crontab): customers of rolling-period programs, whose tier may drop with time alone.
  tiers_daily: async () => {
    const scheduled = await reviewRollingTiers();
    log[scheduled ? "info" : "debug"]("rolling tiers reviewed", { scheduled });
  },
  // Scheduled by the order's reconcile when a warranty got default coverage; throws while the
  // facts are still unavailable, so the queue tries again with backoff.
  warranty_policy_check: async (payload) => {
    const { shop, orderId } = payload as { shop: string; orderId: string };
    await recheckWarrantyPolicy(shop, orderId);
  },
  // The shop's name, currency and time zone, when afterAuth could not read them (and once for the
  // shops installed before they were kept: migration 0021). Throws on a failed read: the queue retries.
  shop_profile: async (payload) => {
    const { shop } = payload as { shop: string };
    const done = await withOfflineAdmin(shop, (graphql) => refreshShopProfile(shop, graphql));
    // No token (uninstalled): afterAuth reads the profile when the shop installs again.
    if (done) log.info("shop profile not read", { shop, reason: done.noAdmin });
  },
  // Queued when the shop's time zone changed: its dashboard recounted in the new zone (decision 0027).
  dashboard_rebuild: async (payload) => {
    const { shop } = payload as { shop: string };
    const started = Date.now();
    await rebuildDashboard(shop);
    log.info("dashboard recounted in the shop's time zone", { shop, ms: Date.now() - started });
  },
};

async function processStoredDelivery(deliveryId: string): Promise<void> {
  const {
    rows: [delivery],
  } = await pool.query<StoredDelivery>(
    `UPDATE "WebhookDelivery" SET attempts = attempts + 1 WHERE id = $1 AND state NOT IN ('processed', 'skipped')
     RETURNING shop, topic, payload, "triggeredAt" AT TIME ZONE 'UTC' AS "triggeredAt", "receivedAt" AT TIME ZONE 'UTC' AS "receivedAt"`,
    [deliveryId],
  );
  if (!delivery) return; // deleted since (redacted shop), or done
  try {
    const outcome = await processDelivery(delivery);
    if (outcome) log.info("webhook skipped", { deliveryId, topic: delivery.topic, reason: outcome.skipped });
    // Done: the body keeps only what carries no personal data (ids, amounts, dates) for support.
    await pool.query(`UPDATE "WebhookDelivery" SET state = $2, "processedAt" = now(), "lastError" = $3, payload = $4 WHERE id = $1`, [
      deliveryId,
      outcome ? "skipped" : "processed",
      outcome?.skipped ?? null,
      scrubWebhookBody(delivery.payload),
    ]);
    // What changed is in the HubSpot outbox already; a connected shop's sync picks it up (the
    // minute sweep covers a crash between these two lines).
    await requestSync(delivery.shop);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    log.warn("webhook processing failed; the queue will retry", { deliveryId, topic: delivery.topic, error: message });
    await pool.query(`UPDATE "WebhookDelivery" SET state = 'failed', "lastError" = $2 WHERE id = $1`, [deliveryId, message.slice(0, 2000)]);
    throw error;
  }
}
