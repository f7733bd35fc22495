// The webhook topics Postventa subscribes to (shopify.app.toml) and what intake checks of each.
// Shopify signs only the body: X-Shopify-Topic and X-Shopify-Shop-Domain are not signed, so a
// body is accepted only in its own topic's shape, a body that names its shop must name the
// header's shop, and each topic says which shops it may act on.
import {
  parseAppScopesUpdate,
  parseAppUninstalled,
  parseCustomer,
  parseCustomersDataRequest,
  parseCustomersRedact,
  parseFulfillmentEvent,
  parseOrder,
  parseRefund,
  parseReturn,
  parseShopRedact,
  parseShopUpdate,
  RETURN_TOPICS,
  type ReturnTopic,
} from "../../integrations/shopify/payloads";
import { orderSubject } from "../domain/facts";

// What intake keeps about a body besides the body: who and what it is about (so a redaction can
// find it exactly) and the shop it names, if it names one.
export interface DeliverySubject {
  bodyShop: string | null;
  customerId: string | null;
  email: string | null;
  orderId: string | null;
}

// installed: the shop has the app now; any other shop's delivery is acknowledged and dropped.
// known: the shop installed the app at some point (compliance requests outlive an uninstall).
// uninstalled: shop/redact, which Shopify sends 48 h after an uninstall and never for an installed shop.
export type ShopRequirement = "installed" | "known" | "uninstalled";

interface TopicRule {
  requires: ShopRequirement;
  check(raw: string): DeliverySubject;
  namesItsSubject?: true;
}

const none = { bodyShop: null, customerId: null, email: null, orderId: null };

const order: TopicRule = {
  requires: "installed",
  check(raw) {
    const o = parseOrder(raw);
    return { ...none, ...orderSubject(o), orderId: o.id };
  },
};

const customer: TopicRule = {
  requires: "installed",
  check(raw) {
    const c = parseCustomer(raw);
    return { ...none, customerId: c.id, email: c.email };
  },
};

// A compliance request must name its subject to be acted on: it is never stored scrubbed, and once
// processed its body is scrubbed like any other. It outlives an uninstall.
function complianceRequest(parse: (raw: string) => { shopDomain: string; customerId: string | null; email: string | null }): TopicRule {
  return {
    requires: "known",
    namesItsSubject: true,
    check(raw) {
      const r = parse(raw);
      return { ...none, bodyShop: r.shopDomain, customerId: r.customerId, email: r.email };
    },
  };
}

// A returns/* body names no customer (Shopify's bodies carry the return, its order and lines): like a
// refund, it is tied to its subject through its order, so a redaction of the order's customer
// finds it by orderId. returns/decline and returns/update bodies name no order either (null here);
// their bodies keep nothing personal once scrubbed (a decline keeps its reason, not its note).
function returnTopic(topic: ReturnTopic): TopicRule {
  return { requires: "installed", check: (raw) => ({ ...none, orderId: parseReturn(raw, topic).orderId }) };
}
const RETURNS = Object.fromEntries(RETURN_TOPICS.map((t) => [t, returnTopic(t)])) as Record<ReturnTopic, TopicRule>;

const RULES = {
  "orders/paid": order,
  "orders/fulfilled": order,
  "orders/partially_fulfilled": order,
  "orders/cancelled": order,
  "refunds/create": { requires: "installed", check: (raw) => ({ ...none, orderId: parseRefund(raw).orderId }) },
  "customers/create": customer,
  "customers/update": customer,
  "customers/data_request": complianceRequest(parseCustomersDataRequest),
  "customers/redact": complianceRequest(parseCustomersRedact),
  "shop/redact": { requires: "uninstalled", check: (raw) => ({ ...none, bodyShop: parseShopRedact(raw).shopDomain }) },
  "app/uninstalled": { requires: "known", check: (raw) => ({ ...none, bodyShop: parseAppUninstalled(raw).myshopifyDomain }) },
  // The shop's own details (name, currency, time zone); it names the shop, like app/uninstalled.
  "shop/update": { requires: "installed", check: (raw) => ({ ...none, bodyShop: parseShopUpdate(raw).myshopifyDomain }) },
  "app/scopes_update": {
    requires: "installed",
    check(raw) {
      parseAppScopesUpdate(raw);
      return none;
    },
  },
  ...RETURNS,
  // Tied to its subject through its order, like a refund; it names no customer.
  "fulfillment_events/create": { requires: "installed", check: (raw) => ({ ...none, orderId: parseFulfillmentEvent(raw).orderId }) },
} satisfies Record<string, TopicRule>;

export type Topic = keyof typeof RULES;
export const TOPICS: Record<Topic, TopicRule> = RULES;

export const COMPLIANCE_REQUESTS = Object.entries(TOPICS)
  .filter(([, rule]) => rule.namesItsSubject)
  .map(([topic]) => topic);

export function isTopic(topic: string): topic is Topic {
  return Object.hasOwn(TOPICS, topic);
}
