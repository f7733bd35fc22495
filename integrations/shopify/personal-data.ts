// A webhook body without personal data, for keeping after it is processed or when its subject has
// been redacted. An ALLOWLIST, not a blocklist: Shopify adds fields over time, and a field we have
// never seen must be dropped, not kept. What stays is what processing orders, refunds, customers,
// compliance requests and app topics needs (ids, amounts, currencies, quantities, dates, statuses,
// line titles and vendors, return reasons), so a scrubbed body still parses wherever its original did.
import { isLosslessNumber, parse, stringify } from "lossless-json";
import { wellFormed } from "./payloads";

// S: a scalar (an object or array found there is dropped whole). L: a list of scalars.
// { ... }: an object with only these keys. [{ ... }]: a list of such objects.
const S = "scalar" as const;
const L = "list" as const;
type Rule = typeof S | typeof L | Shape | [Shape];
interface Shape {
  [key: string]: Rule;
}

const MONEY: Shape = { amount: S, currency_code: S };
const SET: Shape = { shop_money: MONEY, presentment_money: MONEY };
const TAX_LINE: Shape = { price: S, price_set: SET, rate: S, title: S };
// Only the id: a customer's email, phone, names, addresses, tags and notes are all personal.
const CUSTOMER: Shape = { id: S, admin_graphql_api_id: S };

const LINE_ITEM: Shape = {
  id: S,
  admin_graphql_api_id: S,
  product_id: S,
  variant_id: S,
  title: S,
  variant_title: S,
  vendor: S,
  sku: S,
  quantity: S,
  current_quantity: S,
  fulfillable_quantity: S,
  fulfillment_status: S,
  gift_card: S,
  taxable: S,
  requires_shipping: S,
  product_exists: S,
  price: S,
  price_set: SET,
  total_discount: S,
  total_discount_set: SET,
  discount_allocations: [{ amount: S, amount_set: SET, discount_application_index: S }],
  tax_lines: [TAX_LINE],
};
const SHIPPING_LINE: Shape = {
  id: S,
  price: S,
  price_set: SET,
  discounted_price: S,
  discounted_price_set: SET,
  tax_lines: [TAX_LINE],
};
const FULFILLMENT: Shape = {
  id: S,
  admin_graphql_api_id: S,
  order_id: S,
  status: S,
  created_at: S,
  updated_at: S,
  line_items: [{ id: S, admin_graphql_api_id: S, quantity: S }],
};
const REFUND_LINE: Shape = {
  id: S,
  line_item_id: S,
  quantity: S,
  restock_type: S,
  subtotal: S,
  subtotal_set: SET,
  total_tax: S,
  total_tax_set: SET,
};
const ADJUSTMENT: Shape = {
  id: S,
  order_id: S,
  refund_id: S,
  kind: S,
  amount: S,
  amount_set: SET,
  tax_amount: S,
  tax_amount_set: SET,
};
const REFUND_PARTS: Shape = {
  id: S,
  admin_graphql_api_id: S,
  order_id: S,
  created_at: S,
  processed_at: S,
  refund_line_items: [REFUND_LINE],
  order_adjustments: [ADJUSTMENT],
};

const money = (...keys: string[]): Shape =>
  Object.fromEntries(
    keys.flatMap((k) => [
      [k, S],
      [`${k}_set`, SET],
    ]),
  );

// returns/*: ids, quantities and the reason code. The customer's note and the merchant's reason
// note and decline note are free text about a person: dropped.
const GID_REF: Shape = { id: S, admin_graphql_api_id: S };
const RETURN_LINE: Shape = {
  id: S,
  admin_graphql_api_id: S,
  fulfillment_line_item: { id: S, admin_graphql_api_id: S, line_item: GID_REF },
  quantity: S,
  return_reason: S,
  return_reason_definition: { id: S, admin_graphql_api_id: S, handle: S },
};
const RETURN_LINE_CHANGES: Shape = { removals: [{ id: S, admin_graphql_api_id: S, delta: S }] };

// Every topic's top level in one shape: the scrubber does not need to be told the topic.
const BODY: Shape = {
  // orders/*
  ...REFUND_PARTS,
  order_number: S,
  currency: S,
  presentment_currency: S,
  updated_at: S,
  cancelled_at: S,
  closed_at: S,
  cancel_reason: S,
  financial_status: S,
  fulfillment_status: S,
  taxes_included: S,
  test: S,
  confirmed: S,
  ...money(
    "total_price",
    "subtotal_price",
    "total_tax",
    "total_discounts",
    "total_line_items_price",
    "current_total_price",
    "current_subtotal_price",
    "current_total_tax",
    "current_total_discounts",
  ),
  total_shipping_price_set: SET,
  line_items: [LINE_ITEM],
  shipping_lines: [SHIPPING_LINE],
  fulfillments: [FULFILLMENT],
  tax_lines: [TAX_LINE],
  refunds: [REFUND_PARTS],
  customer: CUSTOMER,
  // compliance and app topics
  shop_id: S,
  shop_domain: S,
  myshopify_domain: S,
  orders_to_redact: L,
  orders_requested: L,
  data_request: { id: S },
  current: L,
  previous: L,
  iana_timezone: S, // shop/update (its name, owner, email, phone and address are dropped)
  // returns/* (return_line_items is a list, or returns/update's changes: see scrubWebhookBody)
  status: S,
  order: GID_REF,
  decline: { reason: S },
  total_return_line_items: S,
  // fulfillment_events/create (status above; its address, coordinates and message are dropped)
  fulfillment_id: S,
  happened_at: S,
  estimated_delivery_at: S,
};

const isScalar = (v: unknown) => v === null || isLosslessNumber(v) || ["string", "number", "boolean"].includes(typeof v);
const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === "object" && !Array.isArray(v) && !isLosslessNumber(v);
const scalar = (v: unknown) => (typeof v === "string" ? wellFormed(v) : v);

function keep(rule: Rule, value: unknown): unknown {
  if (rule === S) return isScalar(value) ? scalar(value) : undefined;
  if (rule === L) return Array.isArray(value) ? value.map((v) => (isScalar(v) ? scalar(v) : null)) : value === null ? null : undefined;
  if (Array.isArray(rule))
    return Array.isArray(value) ? value.map((v) => (isPlainObject(v) ? shape(rule[0], v) : null)) : value === null ? null : undefined;
  return isPlainObject(value) ? shape(rule, value) : value === null ? null : undefined;
}

function shape(spec: Shape, value: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    if (!Object.hasOwn(spec, key)) continue;
    const kept = keep(spec[key], v);
    if (kept !== undefined) out[key] = kept;
  }
  return out;
}

export function scrubWebhookBody(raw: string): string {
  let body: unknown;
  try {
    body = parse(raw);
  } catch {
    return "{}"; // nothing readable: nothing kept
  }
  if (!isPlainObject(body)) return "{}";
  const out = shape(BODY, body);
  // An order's name is "#1001", a return's "#1001-R1"; a shop's (app/uninstalled) may be a person's name.
  const isReturn = typeof body.admin_graphql_api_id === "string" && body.admin_graphql_api_id.startsWith("gid://shopify/Return/");
  if ((Array.isArray(body.line_items) || isReturn) && isScalar(body.name)) out.name = scalar(body.name);
  if (isReturn && body.return_line_items !== undefined)
    out.return_line_items = Array.isArray(body.return_line_items)
      ? keep([RETURN_LINE], body.return_line_items)
      : keep(RETURN_LINE_CHANGES, body.return_line_items);
  return stringify(out) ?? "{}";
}
