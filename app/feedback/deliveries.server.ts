// When an order arrived, as its carrier reports it (fulfillment_events/create, status delivered):
// an order's NPS survey is due N days after it (else M days after fulfilment), a return window
// set to start at delivery starts there, and so does warranty coverage under a delivery policy
// (recordDelivery re-plans the order's units). Other statuses are acknowledged and not kept.
import type { FulfillmentEventFacts } from "../../integrations/shopify/payloads";
import { recordDelivery } from "../orders/orders.server";
import type { ProcessOutcome } from "../webhooks/process.server";

export async function recordFulfillmentEvent(shop: string, e: FulfillmentEventFacts): Promise<ProcessOutcome> {
  if (e.status !== "delivered") return { skipped: `a ${e.status} event; only delivered is kept` };
  await recordDelivery(shop, { fulfillmentId: e.fulfillmentId, orderId: e.orderId, deliveredAt: new Date(e.happenedAt) });
}
