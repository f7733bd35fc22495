// The webhook topics Postventa subscribes to (shopify.app.toml) and how each body is checked on
// arrival: a delivery whose body lacks what its processor needs is refused with 400 before it is
// stored, so the inbox only ever holds work that can be done.
import {
  parseAppScopesUpdate,
  parseCustomer,
  parseCustomersDataRequest,
  parseCustomersRedact,
  parseJsonLossless,
  parseOrder,
  parseRefund,
  parseShopRedact,
} from "../../integrations/shopify/payloads";

export const TOPICS = {
  "orders/paid": parseOrder,
  "orders/fulfilled": parseOrder,
  "orders/partially_fulfilled": parseOrder,
  "orders/cancelled": parseOrder,
  "refunds/create": (raw: string) => parseRefund(raw),
  "customers/create": parseCustomer,
  "customers/update": parseCustomer,
  "customers/data_request": parseCustomersDataRequest,
  "customers/redact": parseCustomersRedact,
  "shop/redact": parseShopRedact,
  "app/uninstalled": (raw: string) => parseJsonLossless(raw),
  "app/scopes_update": parseAppScopesUpdate,
} as const;

export type Topic = keyof typeof TOPICS;

export function isTopic(topic: string): topic is Topic {
  return Object.hasOwn(TOPICS, topic);
}
