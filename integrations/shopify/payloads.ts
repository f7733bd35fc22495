// Shopify webhook bodies (REST JSON) → our facts. Parsed with lossless-json from the RAW body so
// ids beyond 2^53 keep every digit (plain JSON.parse turns 9007199254740993 into ...992).
import { isLosslessNumber, parse } from "lossless-json";
import type { FulfillmentFacts, OrderFacts, RefundFacts } from "../../app/domain/facts";
import { MoneyError, toMinor } from "../../app/domain/money";

export class PayloadError extends Error {
  constructor(public reason: string) {
    super(reason);
  }
}

type Json = Record<string, unknown>;

export function parseJsonLossless(raw: string): unknown {
  try {
    return parse(raw);
  } catch {
    throw new PayloadError("body is not JSON");
  }
}

function object(raw: string, what: string): Json {
  const value = parseJsonLossless(raw);
  if (!value || typeof value !== "object" || Array.isArray(value)) throw new PayloadError(`${what} body is not a JSON object`);
  return value as Json;
}

const str = (v: unknown): string | null =>
  v === null || v === undefined ? null : isLosslessNumber(v) ? v.toString() : typeof v === "string" || typeof v === "number" ? String(v) : null;

function id(v: unknown, field: string): string {
  const s = str(v);
  if (!s || !/^\d+$/.test(s)) throw new PayloadError(`${field} is missing or not a numeric id`);
  return s;
}
const optId = (v: unknown) => (str(v) && /^\d+$/.test(str(v)!) ? str(v) : null);
const num = (v: unknown) => (isLosslessNumber(v) ? v.valueOf() as number : typeof v === "number" ? v : Number(v ?? 0));
const email = (v: unknown) => (typeof v === "string" && v.trim() ? v.trim().toLowerCase() : null);
const arr = (v: unknown): Json[] => (Array.isArray(v) ? (v as Json[]) : []);

function money(v: unknown, currency: string, field: string): number {
  try {
    return toMinor(str(v), currency);
  } catch (e) {
    if (e instanceof MoneyError) throw new PayloadError(`${field}: ${e.message}`);
    throw e;
  }
}

export function parseOrder(raw: string): OrderFacts {
  const o = object(raw, "order");
  const orderId = id(o.id, "order id");
  const currency = str(o.currency);
  if (!currency) throw new PayloadError("order has no currency");
  const createdAt = str(o.created_at);
  if (!createdAt) throw new PayloadError("order has no created_at");
  if (!Array.isArray(o.line_items)) throw new PayloadError("order has no line_items array");
  const customer = o.customer && typeof o.customer === "object" ? (o.customer as Json) : null;
  const lineItems = arr(o.line_items).map((l, i) => {
    const allocations = arr(l.discount_allocations);
    const quantity = num(l.quantity);
    if (!Number.isInteger(quantity) || quantity < 0) throw new PayloadError(`line_items[${i}].quantity is not a whole number`);
    if (l.price === undefined) throw new PayloadError(`line_items[${i}] has no price`);
    return {
      id: id(l.id, `line_items[${i}].id`),
      productId: optId(l.product_id),
      variantId: optId(l.variant_id),
      title: str(l.title) ?? "",
      vendor: str(l.vendor),
      quantity,
      unitPriceMinor: money(l.price, currency, `line_items[${i}].price`),
      discountMinor: allocations.length
        ? allocations.reduce((s, a) => s + money(a.amount, currency, `line_items[${i}].discount_allocations`), 0)
        : money(l.total_discount, currency, `line_items[${i}].total_discount`),
      giftCard: l.gift_card === true,
    };
  });
  const shippingSet = (o.total_shipping_price_set as Json | undefined)?.shop_money as Json | undefined;
  const fulfillments: FulfillmentFacts[] = arr(o.fulfillments)
    .filter((f) => !["cancelled", "failure", "error"].includes(String(f.status)))
    .map((f) => ({
      id: id(f.id, "fulfillment id"),
      createdAt: str(f.created_at) ?? createdAt,
      lineItems: arr(f.line_items).map((fl) => ({ lineItemId: id(fl.id, "fulfillment line item id"), quantity: num(fl.quantity) })),
    }));
  return {
    id: orderId,
    gid: str(o.admin_graphql_api_id) ?? `gid://shopify/Order/${orderId}`,
    name: str(o.name) ?? `#${orderId}`,
    email: email(o.email) ?? email(o.contact_email) ?? email(customer?.email),
    customer: customer && optId(customer.id)
      ? { id: optId(customer.id)!, email: email(customer.email), firstName: str(customer.first_name), lastName: str(customer.last_name) }
      : null,
    currency,
    createdAt,
    processedAt: str(o.processed_at),
    cancelledAt: str(o.cancelled_at),
    financialStatus: str(o.financial_status),
    taxesIncluded: o.taxes_included === true,
    shippingMinor: shippingSet
      ? money(shippingSet.amount, currency, "total_shipping_price_set")
      : arr(o.shipping_lines).reduce((s, l) => s + money(l.discounted_price ?? l.price, currency, "shipping_lines"), 0),
    taxMinor: money(o.total_tax, currency, "total_tax"),
    lineItems,
    fulfillments,
  };
}

export function parseRefund(raw: string, currencyHint?: string): RefundFacts {
  const r = object(raw, "refund");
  const refundId = id(r.id, "refund id");
  const orderId = id(r.order_id, "refund order_id");
  if (!Array.isArray(r.refund_line_items)) throw new PayloadError("refund has no refund_line_items array");
  const lines = arr(r.refund_line_items);
  const currency = currencyHint ?? str(arr(r.transactions)[0]?.currency)
    ?? str(((lines[0]?.subtotal_set as Json | undefined)?.shop_money as Json | undefined)?.currency_code) ?? "USD";
  return {
    id: refundId,
    orderId,
    createdAt: str(r.created_at) ?? str(r.processed_at) ?? new Date(0).toISOString(),
    lineItems: lines.map((l, i) => ({
      lineItemId: id(l.line_item_id, `refund_line_items[${i}].line_item_id`),
      quantity: num(l.quantity),
      subtotalMinor: money(l.subtotal ?? ((l.subtotal_set as Json | undefined)?.shop_money as Json | undefined)?.amount, currency, `refund_line_items[${i}].subtotal`),
      taxMinor: money(l.total_tax, currency, `refund_line_items[${i}].total_tax`),
    })),
    shippingMinor: arr(r.order_adjustments)
      .filter((a) => a.kind === "shipping_refund")
      .reduce((s, a) => s - money(a.amount, currency, "order_adjustments.amount"), 0),
  };
}

export interface CustomerFacts {
  id: string;
  email: string | null;
  firstName: string | null;
  lastName: string | null;
  phone: string | null;
  state: string | null;
  tags: string[];
  marketingConsent: string | null;
}

export function parseCustomer(raw: string): CustomerFacts {
  const c = object(raw, "customer");
  const tags = typeof c.tags === "string" ? c.tags.split(",").map((t) => t.trim()).filter(Boolean) : [];
  return {
    id: id(c.id, "customer id"),
    email: email(c.email),
    firstName: str(c.first_name),
    lastName: str(c.last_name),
    phone: str(c.phone),
    state: str(c.state),
    tags,
    marketingConsent: str((c.email_marketing_consent as Json | undefined)?.state),
  };
}

export function parseCustomersRedact(raw: string) {
  const b = object(raw, "customers/redact");
  const customer = (b.customer ?? {}) as Json;
  if (!str(b.shop_domain)) throw new PayloadError("customers/redact has no shop_domain");
  const customerId = optId(customer.id);
  const mail = email(customer.email);
  if (!customerId && !mail) throw new PayloadError("customers/redact names no customer id or email");
  return { shopDomain: str(b.shop_domain)!, customerId, email: mail, phone: str(customer.phone), ordersToRedact: arr(b.orders_to_redact).map((o) => str(o)!).filter(Boolean) };
}

export function parseCustomersDataRequest(raw: string) {
  const b = object(raw, "customers/data_request");
  const customer = (b.customer ?? {}) as Json;
  if (!str(b.shop_domain)) throw new PayloadError("customers/data_request has no shop_domain");
  return {
    shopDomain: str(b.shop_domain)!,
    customerId: optId(customer.id),
    email: email(customer.email),
    ordersRequested: arr(b.orders_requested).map((o) => str(o)!).filter(Boolean),
    dataRequestId: str((b.data_request as Json | undefined)?.id),
  };
}

export function parseShopRedact(raw: string) {
  const b = object(raw, "shop/redact");
  if (!str(b.shop_domain)) throw new PayloadError("shop/redact has no shop_domain");
  return { shopDomain: str(b.shop_domain)!, shopId: str(b.shop_id) };
}

export function parseAppScopesUpdate(raw: string) {
  const b = object(raw, "app/scopes_update");
  if (!Array.isArray(b.current)) throw new PayloadError("app/scopes_update has no current scopes array");
  return { previous: arr(b.previous).map(String), current: (b.current as unknown[]).map(String) };
}
