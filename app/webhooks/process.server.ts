// What each topic does once its delivery is durable. Every effect is idempotent.
import type { Topic } from "./topics";
import { recordOrderEvent, recordRefund } from "../orders/orders.server";
import { recordCustomer } from "../customers/customers.server";
import { exportCustomerData, redactCustomer, redactShop } from "../privacy/compliance.server";
import { parseAppScopesUpdate, parseCustomer, parseCustomersDataRequest, parseCustomersRedact, parseOrder, parseRefund } from "../../integrations/shopify/payloads";
import prisma from "../db.server";

export async function processDelivery(shop: string, topic: string, raw: string): Promise<void> {
  switch (topic as Topic) {
    case "orders/paid":
      return recordOrderEvent(shop, parseOrder(raw), { paid: true });
    case "orders/fulfilled":
    case "orders/partially_fulfilled":
    case "orders/cancelled":
      return recordOrderEvent(shop, parseOrder(raw), {});
    case "refunds/create":
      return recordRefund(shop, parseRefund(raw));
    case "customers/create":
    case "customers/update":
      return recordCustomer(shop, parseCustomer(raw));
    case "customers/redact":
      return redactCustomer(shop, parseCustomersRedact(raw));
    case "customers/data_request":
      return exportCustomerData(shop, parseCustomersDataRequest(raw));
    case "shop/redact":
      return redactShop(shop);
    case "app/uninstalled":
      await prisma.session.deleteMany({ where: { shop } });
      // An uninstalled app stops writing to the merchant's HubSpot and forgets its tokens.
      await prisma.hubSpotConnection.deleteMany({ where: { shop } });
      await prisma.shop.updateMany({ where: { domain: shop }, data: { uninstalledAt: new Date() } });
      return;
    case "app/scopes_update": {
      const scope = parseAppScopesUpdate(raw).current.join(",");
      await prisma.session.updateMany({ where: { shop }, data: { scope } });
      await prisma.shop.updateMany({ where: { domain: shop }, data: { scopes: scope } });
      return;
    }
    default:
      throw new Error(`no processor for topic ${topic}`);
  }
}
