// The queue's task list. process_webhook: one inbox delivery → its effects. Failures are recorded
// on the delivery (state, attempts, last error) and rethrown so graphile-worker retries with backoff.
import type { TaskList } from "graphile-worker";
import prisma from "./db.server";
import { log } from "./log.server";
import { processDelivery } from "./webhooks/process.server";
import { scrubWebhookBody } from "../integrations/shopify/personal-data";
import { requestSync, sweep } from "./hubspot/connection.server";
import { syncShop } from "./hubspot/sync.server";

export const taskList: TaskList = {
  process_webhook: async (payload) => {
    const deliveryId = BigInt((payload as { deliveryId: string }).deliveryId);
    const delivery = await prisma.webhookDelivery.findUnique({ where: { id: deliveryId } });
    if (!delivery || delivery.state === "processed" || delivery.state === "skipped") return; // deleted since, or done
    await prisma.webhookDelivery.update({ where: { id: deliveryId }, data: { attempts: { increment: 1 } } });
    try {
      const outcome = await processDelivery(delivery);
      if (outcome) log.info("webhook skipped", { deliveryId: String(deliveryId), topic: delivery.topic, reason: outcome.skipped });
      // Done: the body keeps only what carries no personal data (ids, amounts, dates) for support.
      await prisma.webhookDelivery.updateMany({
        where: { id: deliveryId },
        data: { state: outcome ? "skipped" : "processed", processedAt: new Date(), lastError: outcome?.skipped ?? null, payload: scrubWebhookBody(delivery.payload) },
      });
      // What changed is in the HubSpot outbox already; a connected shop's sync picks it up (the
      // minute sweep covers a crash between these two lines).
      await requestSync(delivery.shop);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      log.warn("webhook processing failed; the queue will retry", { deliveryId: String(deliveryId), topic: delivery.topic, error: message });
      await prisma.webhookDelivery.updateMany({ where: { id: deliveryId }, data: { state: "failed", lastError: message.slice(0, 2000) } });
      throw error;
    }
  },
  hubspot_sync: async (payload) => {
    const { shop } = payload as { shop: string };
    const run = await syncShop(shop);
    log[run.requests ? "info" : "debug"]("hubspot sync", { shop, ...run });
  },
  hubspot_sweep: async () => {
    await sweep();
  },
};
