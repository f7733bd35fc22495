// What each topic does once its delivery is durable. Every effect is idempotent. A delivery that
// must not act (a shop/redact for a shop that has reinstalled, an uninstall older than the last
// install) is skipped with its reason, which the inbox row keeps.
import type { Topic } from "./topics";
import { recordOrderEvent, recordRefund } from "../orders/orders.server";
import { recordCustomer } from "../customers/customers.server";
import { exportCustomerData, redactCustomer, redactShop } from "../privacy/compliance.server";
import {
  parseAppScopesUpdate,
  parseCustomer,
  parseCustomersDataRequest,
  parseCustomersRedact,
  parseFulfillmentEvent,
  parseOrder,
  parseReturn,
  parseShopUpdate,
  type ReturnTopic,
} from "../../integrations/shopify/payloads";
import { recordReturnWebhook } from "../returns/webhooks.server";
import { recordFulfillmentEvent } from "../feedback/deliveries.server";
import { recordShopProfile } from "../shops.server";
import prisma from "../db.server";

export interface StoredDelivery {
  shop: string;
  topic: string;
  payload: string;
  triggeredAt: Date | null;
  receivedAt: Date;
}

export type ProcessOutcome = { skipped: string } | void;

export async function processDelivery(d: StoredDelivery): Promise<ProcessOutcome> {
  const { shop, payload: raw } = d;
  switch (d.topic as Topic) {
    case "orders/paid":
      return recordOrderEvent(shop, parseOrder(raw), { paid: true });
    case "orders/fulfilled":
    case "orders/partially_fulfilled":
    case "orders/cancelled":
      return recordOrderEvent(shop, parseOrder(raw), {});
    case "refunds/create":
      return recordRefund(shop, raw);
    case "customers/create":
    case "customers/update":
      return recordCustomer(shop, parseCustomer(raw));
    case "customers/redact":
      return redactCustomer(shop, parseCustomersRedact(raw));
    case "customers/data_request":
      return exportCustomerData(shop, parseCustomersDataRequest(raw));
    case "shop/redact": {
      const row = await prisma.shop.findUnique({ where: { domain: shop }, select: { uninstalledAt: true } });
      if (row && !row.uninstalledAt) return { skipped: `${shop} has the app installed again; its data stays.` };
      return redactShop(shop);
    }
    case "app/uninstalled": {
      // A reinstall may have happened since this uninstall (deliveries are unordered).
      const at = d.triggeredAt ?? d.receivedAt;
      const { count } = await prisma.shop.updateMany({ where: { domain: shop, installedAt: { lte: at } }, data: { uninstalledAt: at } });
      if (!count) return { skipped: "The shop installed the app again after this uninstall." };
      await prisma.session.deleteMany({ where: { shop } });
      // An uninstalled app stops writing to the merchant's HubSpot and forgets its tokens.
      await prisma.hubSpotConnection.deleteMany({ where: { shop } });
      return;
    }
    case "app/scopes_update": {
      const scope = parseAppScopesUpdate(raw).current.join(",");
      await prisma.session.updateMany({ where: { shop }, data: { scope } });
      await prisma.shop.updateMany({ where: { domain: shop }, data: { scopes: scope } });
      return;
    }
    case "shop/update": {
      const { applied } = await recordShopProfile(shop, parseShopUpdate(raw));
      if (!applied) return { skipped: "A newer profile of the shop is already stored." };
      return;
    }
    // Our record of the return follows Shopify's, in any arrival order (app/returns/webhooks.server.ts).
    case "returns/request":
    case "returns/approve":
    case "returns/decline":
    case "returns/cancel":
    case "returns/close":
    case "returns/reopen":
    case "returns/process":
    case "returns/update": {
      const topic = d.topic as ReturnTopic;
      return recordReturnWebhook(shop, topic, parseReturn(raw, topic), d.triggeredAt ?? d.receivedAt);
    }
    case "fulfillment_events/create":
      return recordFulfillmentEvent(shop, parseFulfillmentEvent(raw));
    default:
      throw new Error(`no processor for topic ${d.topic}`);
  }
}
