// When an order arrived, as its carrier reports it (fulfillment_events/create, status delivered):
// an order's NPS survey is due N days after it (else M days after fulfilment), and a return window
// set to start at delivery starts there. Other statuses are acknowledged and not kept.
import { pool } from "../db.server";
import type { FulfillmentEventFacts } from "../../integrations/shopify/payloads";
import type { ProcessOutcome } from "../webhooks/process.server";

export async function recordFulfillmentEvent(shop: string, e: FulfillmentEventFacts): Promise<ProcessOutcome> {
  if (e.status !== "delivered") return { skipped: `a ${e.status} event; only delivered is kept` };
  // Redelivered or reported twice: the earliest delivery counts.
  await pool.query(
    `INSERT INTO "FulfillmentDelivery" (shop, "fulfillmentId", "shopifyOrderId", "deliveredAt") VALUES ($1, $2, $3, $4)
     ON CONFLICT (shop, "fulfillmentId") DO UPDATE SET "deliveredAt" = LEAST("FulfillmentDelivery"."deliveredAt", EXCLUDED."deliveredAt")`,
    [shop, e.fulfillmentId, e.orderId, new Date(e.happenedAt)],
  );
}
