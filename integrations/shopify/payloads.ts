// Shopify webhook bodies (REST JSON) → our facts. Parsed with lossless-json from the RAW body so
// ids beyond 2^53 keep every digit (plain JSON.parse turns 9007199254740993 into ...992).
// A signed body is still untrusted input: whatever it holds ends as facts within our ranges or as a
// PayloadError naming the field, never as another exception, a database error or a poisoned job.
import { isLosslessNumber, parse } from "lossless-json";
import type {
  FulfillmentFacts,
  OrderFacts,
  OrderLineFacts,
  RefundFacts,
  ReturnDeclineReason,
  ReturnFacts,
  ReturnLineFacts,
  ReturnStatus,
  ShopProfile,
} from "../../app/domain/facts";
import { MoneyError, toMinor } from "../../app/domain/money";

export class PayloadError extends Error {
  constructor(public reason: string) {
    super(reason);
  }
}

type Json = Record<string, unknown>;

const INT4_MAX = 2147483647; // quantities land in Postgres int columns
const MAX_EMAIL = 254; // RFC 5321; emails go into btree-indexed columns
const MAX_SAFE = Number.MAX_SAFE_INTEGER;

export function parseJsonLossless(raw: string): unknown {
  try {
    return parse(raw);
  } catch (e) {
    // Duplicate keys and syntax errors say where; deep nesting overflows the stack (RangeError).
    throw new PayloadError(e instanceof SyntaxError ? `body is not JSON: ${wellFormed(e.message).slice(0, 200)}` : "body is not JSON");
  }
}

// Postgres refuses U+0000 in text and jsonb, and lone surrogates in jsonb. Refusing the body would
// lose a real order, so those characters become U+FFFD.
export function wellFormed(s: string): string {
  return (s as string & { toWellFormed(): string }).toWellFormed().replaceAll("\u0000", "\uFFFD");
}

const isObject = (v: unknown): v is Json => v !== null && typeof v === "object" && !Array.isArray(v) && !isLosslessNumber(v);

// A value as a message shows it: short, quoted, escaped (messages are stored and sent back).
function show(v: unknown): string {
  const cut = (s: string) => (s.length > 40 ? `${s.slice(0, 40)}…` : s);
  if (isLosslessNumber(v)) return cut(v.toString());
  if (typeof v === "string") return JSON.stringify(cut(v));
  if (Array.isArray(v)) return "an array";
  if (v !== null && typeof v === "object") return "an object";
  return String(v);
}

function object(raw: string, what: string): Json {
  const value = parseJsonLossless(raw);
  if (!isObject(value)) throw new PayloadError(`${what} body is not a JSON object`);
  return value;
}

function obj(v: unknown, path: string): Json | null {
  if (v === null || v === undefined) return null;
  if (!isObject(v)) throw new PayloadError(`${path} is not an object`);
  return v;
}

function objects(v: unknown, path: string): Json[] {
  if (v === null || v === undefined) return [];
  if (!Array.isArray(v)) throw new PayloadError(`${path} is not an array`);
  return v.map((e, i) => {
    if (!isObject(e)) throw new PayloadError(`${path}[${i}] is not an object`);
    return e;
  });
}

const str = (v: unknown): string | null =>
  v === null || v === undefined
    ? null
    : isLosslessNumber(v)
      ? v.toString()
      : typeof v === "string"
        ? wellFormed(v)
        : typeof v === "number"
          ? String(v)
          : null;

function id(v: unknown, path: string): string {
  if (v === null || v === undefined) throw new PayloadError(`${path} is missing`);
  const s = isLosslessNumber(v) ? v.toString() : typeof v === "string" ? v : null;
  if (s === null || !/^\d{1,20}$/.test(s)) throw new PayloadError(`${path} ${show(v)} is not a numeric id (1 to 20 digits)`);
  return s;
}
const optId = (v: unknown, path: string) => (v === null || v === undefined ? null : id(v, path));

function currencyCode(v: unknown, path: string): string {
  if (v === null || v === undefined) throw new PayloadError(`${path} is missing`);
  if (typeof v !== "string" || !/^[A-Z]{3}$/.test(v)) throw new PayloadError(`${path} ${show(v)} is not a currency code (3 letters A-Z)`);
  return v;
}

// ISO-8601 date-time with an offset (without one, Date would read local time).
const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(?:Z|[+-](\d{2}):?(\d{2}))$/;

function date(v: unknown, path: string): string {
  if (v === null || v === undefined) throw new PayloadError(`${path} is missing`);
  const m = typeof v === "string" ? DATE_TIME.exec(v) : null;
  // Date.parse rolls 2026-02-30 over to March: the calendar is checked by hand.
  const [y, mo, d, h, mi, s, oh, om] = (m ?? []).slice(1).map((x) => Number(x ?? 0));
  const valid =
    m &&
    mo >= 1 &&
    mo <= 12 &&
    d >= 1 &&
    d <= new Date(Date.UTC(y, mo, 0)).getUTCDate() &&
    h <= 23 &&
    mi <= 59 &&
    s <= 59 &&
    oh <= 23 &&
    om <= 59;
  const t = valid ? Date.parse(v as string) : NaN;
  if (Number.isNaN(t)) throw new PayloadError(`${path} is not a date: ${show(v)}`);
  const year = new Date(t).getUTCFullYear();
  if (year < 1970 || year > 9999) throw new PayloadError(`${path} ${show(v)} is outside the years 1970 to 9999`);
  return v as string;
}
const optDate = (v: unknown, path: string) => (v === null || v === undefined ? null : date(v, path));

function quantity(v: unknown, path: string): number {
  if (v === null || v === undefined) throw new PayloadError(`${path} is missing`);
  const n = isLosslessNumber(v)
    ? Number(v.toString())
    : typeof v === "number"
      ? v
      : typeof v === "string" && /^\d{1,10}$/.test(v)
        ? Number(v)
        : NaN;
  if (!Number.isInteger(n) || n < 0 || n > INT4_MAX)
    throw new PayloadError(`${path} ${show(v)} is not a whole number from 0 to ${INT4_MAX}`);
  return n + 0; // -0 → 0
}

// Absent amounts are 0. Only order adjustments may be negative.
function money(v: unknown, currency: string, path: string, signed = false): number {
  if (v === null || v === undefined) return 0;
  const text = isLosslessNumber(v) ? v.toString() : typeof v === "string" || typeof v === "number" ? String(v) : null;
  if (text === null) throw new PayloadError(`${path} ${show(v)} is not a decimal amount`);
  let minor: number;
  try {
    minor = toMinor(text, currency);
  } catch (e) {
    if (e instanceof MoneyError) throw new PayloadError(`${path} ${e.message}`);
    throw e;
  }
  if (!signed && minor < 0) throw new PayloadError(`${path} ${show(v)} is negative`);
  return minor;
}

// Sums stay exact: every partial sum of non-negative safe integers below the bound is exact too.
function within(total: number, what: string): number {
  if (!(total <= MAX_SAFE)) throw new PayloadError(`${what} is beyond ${MAX_SAFE} minor units`);
  return total;
}

function email(v: unknown, path: string): string | null {
  const s = typeof v === "string" ? wellFormed(v).trim().toLowerCase() : null;
  if (!s) return null;
  if (s.length > MAX_EMAIL) throw new PayloadError(`${path} is longer than ${MAX_EMAIL} characters`);
  return s;
}

// A shop's domain as the body names it, compared by the caller with X-Shopify-Shop-Domain.
function shopDomain(v: unknown, path: string): string {
  if (v === null || v === undefined || v === "") throw new PayloadError(`${path} is missing`);
  const s = typeof v === "string" ? v.trim().toLowerCase() : "";
  if (s.length > 255 || !/^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)+$/.test(s))
    throw new PayloadError(`${path} ${show(v)} is not a domain`);
  return s;
}

function idList(v: unknown, path: string): string[] {
  if (!Array.isArray(v)) throw new PayloadError(`${path} is missing or not an array`);
  return v.map((x, i) => id(x, `${path}[${i}]`));
}

export function parseOrder(raw: string): OrderFacts {
  const o = object(raw, "order");
  const orderId = id(o.id, "id");
  const currency = currencyCode(o.currency, "currency");
  const createdAt = date(o.created_at, "created_at");
  if (!Array.isArray(o.line_items)) throw new PayloadError("order has no line_items array");
  const customer = obj(o.customer, "customer");
  const customerId = customer ? optId(customer.id, "customer.id") : null;
  let linesTotal = 0;
  let discountsTotal = 0;
  const lineItems = objects(o.line_items, "line_items").map((l, i): OrderLineFacts => {
    const at = `line_items[${i}]`;
    const qty = quantity(l.quantity, `${at}.quantity`);
    if (l.price === undefined) throw new PayloadError(`${at} has no price`);
    const unitPriceMinor = money(l.price, currency, `${at}.price`);
    within(qty * unitPriceMinor, `${at} quantity ${qty} × price ${show(l.price)}`);
    const allocations = objects(l.discount_allocations, `${at}.discount_allocations`);
    const discountMinor = allocations.length
      ? allocations.reduce(
          (s, a, j) => within(s + money(a.amount, currency, `${at}.discount_allocations[${j}].amount`), `${at} discounts`),
          0,
        )
      : money(l.total_discount, currency, `${at}.total_discount`);
    linesTotal = within(linesTotal + qty * unitPriceMinor, "the order's line total");
    discountsTotal = within(discountsTotal + discountMinor, "the order's discount total");
    return {
      id: id(l.id, `${at}.id`),
      productId: optId(l.product_id, `${at}.product_id`),
      variantId: optId(l.variant_id, `${at}.variant_id`),
      title: str(l.title) ?? "",
      vendor: str(l.vendor),
      quantity: qty,
      unitPriceMinor,
      discountMinor,
      giftCard: l.gift_card === true,
    };
  });
  const shippingSet = obj(obj(o.total_shipping_price_set, "total_shipping_price_set")?.shop_money, "total_shipping_price_set.shop_money");
  const shippingLines = objects(o.shipping_lines, "shipping_lines").map((l, i) =>
    l.discounted_price !== undefined && l.discounted_price !== null
      ? money(l.discounted_price, currency, `shipping_lines[${i}].discounted_price`)
      : money(l.price, currency, `shipping_lines[${i}].price`),
  );
  const shippingMinor = shippingSet
    ? money(shippingSet.amount, currency, "total_shipping_price_set.shop_money.amount")
    : shippingLines.reduce((s, x) => within(s + x, "shipping_lines total"), 0);
  const taxMinor = money(o.total_tax, currency, "total_tax");
  // Whatever an earn rule includes (lines, shipping, taxes) must stay an exact number.
  within(linesTotal + shippingMinor + taxMinor, "the order's total of lines, shipping and tax");
  const fulfillments: FulfillmentFacts[] = objects(o.fulfillments, "fulfillments")
    .map((f, i) => ({
      status: str(f.status),
      facts: {
        id: id(f.id, `fulfillments[${i}].id`),
        createdAt: optDate(f.created_at, `fulfillments[${i}].created_at`) ?? createdAt,
        lineItems: objects(f.line_items, `fulfillments[${i}].line_items`).map((fl, j) => ({
          lineItemId: id(fl.id, `fulfillments[${i}].line_items[${j}].id`),
          quantity: quantity(fl.quantity, `fulfillments[${i}].line_items[${j}].quantity`),
        })),
      },
    }))
    .filter((f) => !["cancelled", "failure", "error"].includes(f.status ?? ""))
    .map((f) => f.facts);
  // All three are checked, whichever is used.
  const emails = [email(o.email, "email"), email(o.contact_email, "contact_email"), email(customer?.email, "customer.email")];
  return {
    id: orderId,
    gid: str(o.admin_graphql_api_id) ?? `gid://shopify/Order/${orderId}`,
    name: str(o.name) ?? `#${orderId}`,
    email: emails[0] ?? emails[1] ?? emails[2],
    customer:
      customer && customerId
        ? { id: customerId, email: emails[2], firstName: str(customer.first_name), lastName: str(customer.last_name) }
        : null,
    currency,
    createdAt,
    processedAt: optDate(o.processed_at, "processed_at"),
    cancelledAt: optDate(o.cancelled_at, "cancelled_at"),
    financialStatus: str(o.financial_status),
    taxesIncluded: o.taxes_included === true,
    shippingMinor,
    taxMinor,
    // The codes the shopper entered: a reward code used on this order shows as used on it.
    discountCodes: objects(o.discount_codes, "discount_codes")
      .map((d) => str(d.code)?.slice(0, 255))
      .filter((c): c is string => !!c),
    lineItems,
    fulfillments,
  };
}

// Refund amounts in SHOP money: `*_set.shop_money` with its own currency_code, else the plain REST
// fields (shop currency) scaled by `shopCurrency`. Never transactions[].currency: that is the
// presentment currency (a JPY checkout in a USD shop would reverse ~1% of the points due).
// Callers that store the amounts pass the shop currency; without it (intake) every amount is also
// checked at the widest scale, so whatever currency processing later passes, the body still parses.
export function parseRefund(raw: string, shopCurrency?: string): RefundFacts {
  const r = object(raw, "refund");
  if (shopCurrency) return readRefund(r, shopCurrency);
  readRefund(r, "KWD"); // 3 decimals: the widest scale there is
  return readRefund(r, bodyShopCurrency(r) ?? "USD");
}

function shopMoney(set: unknown, plain: unknown, path: string, plainPath: string, plainCurrency: string, signed = false): number {
  const sm = obj(obj(set, `${path}_set`)?.shop_money, `${path}_set.shop_money`);
  if (sm && sm.amount !== undefined && sm.amount !== null)
    return money(
      sm.amount,
      currencyCode(sm.currency_code, `${path}_set.shop_money.currency_code`),
      `${path}_set.shop_money.amount`,
      signed,
    );
  return money(plain, plainCurrency, plainPath, signed);
}

// The shop currency as the body states it (any shop_money.currency_code), for plain fields.
function bodyShopCurrency(r: Json): string | null {
  const sets: unknown[] = [];
  for (const l of Array.isArray(r.refund_line_items) ? r.refund_line_items : [])
    if (isObject(l)) sets.push(l.subtotal_set, l.total_tax_set);
  for (const a of Array.isArray(r.order_adjustments) ? r.order_adjustments : []) if (isObject(a)) sets.push(a.amount_set);
  for (const s of sets) {
    const code = isObject(s) && isObject(s.shop_money) ? s.shop_money.currency_code : null;
    if (typeof code === "string" && /^[A-Z]{3}$/.test(code)) return code;
  }
  return null;
}

function readRefund(r: Json, currency: string): RefundFacts {
  const refundId = id(r.id, "id");
  const orderId = id(r.order_id, "order_id");
  if (!Array.isArray(r.refund_line_items)) throw new PayloadError("refund has no refund_line_items array");
  let total = 0;
  const lineItems = objects(r.refund_line_items, "refund_line_items").map((l, i) => {
    const at = `refund_line_items[${i}]`;
    const line = {
      lineItemId: id(l.line_item_id, `${at}.line_item_id`),
      quantity: quantity(l.quantity, `${at}.quantity`),
      subtotalMinor: shopMoney(l.subtotal_set, l.subtotal, `${at}.subtotal`, `${at}.subtotal`, currency),
      taxMinor: shopMoney(l.total_tax_set, l.total_tax, `${at}.total_tax`, `${at}.total_tax`, currency),
    };
    total = within(total + line.subtotalMinor + line.taxMinor, "the refund's total");
    return line;
  });
  // Shipping refunds are negative adjustments; a positive one would add shipping back, not refund it.
  const shipping = objects(r.order_adjustments, "order_adjustments").reduce((s, a, i) => {
    const amount = shopMoney(a.amount_set, a.amount, `order_adjustments[${i}].amount`, `order_adjustments[${i}].amount`, currency, true);
    return a.kind === "shipping_refund" ? within(s - amount, "the refund's shipping") : s;
  }, 0);
  const shippingMinor = Math.max(0, shipping);
  within(total + shippingMinor, "the refund's total");
  const createdAt = optDate(r.created_at, "created_at");
  const processedAt = optDate(r.processed_at, "processed_at");
  return {
    id: refundId,
    orderId,
    createdAt: createdAt ?? processedAt ?? new Date(0).toISOString(),
    lineItems,
    shippingMinor,
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
  const tags = (str(c.tags) ?? "")
    .split(",")
    .map((t) => t.trim())
    .filter(Boolean);
  return {
    id: id(c.id, "id"),
    email: email(c.email, "email"),
    firstName: str(c.first_name),
    lastName: str(c.last_name),
    phone: str(c.phone),
    state: str(c.state),
    tags,
    marketingConsent: str(obj(c.email_marketing_consent, "email_marketing_consent")?.state),
  };
}

// Compliance bodies are told apart by their own keys, so one signed body cannot be replayed as
// another topic (a data request re-sent as a redaction, a customer's redaction as the shop's).
function refuseKeys(b: Json, topic: string, shape: string, keys: string[]) {
  for (const key of keys)
    if (Object.hasOwn(b, key))
      throw new PayloadError(`a ${topic} body ${shape}; this one ${key === "customer" ? "names a customer" : `carries ${key}`}`);
}

function complianceCustomer(b: Json, topic: string) {
  const customer = obj(b.customer, "customer");
  if (!customer) throw new PayloadError(`${topic} has no customer object`);
  return {
    customerId: optId(customer.id, "customer.id"),
    email: email(customer.email, "customer.email"),
    phone: str(customer.phone),
  };
}

export function parseCustomersRedact(raw: string) {
  const b = object(raw, "customers/redact");
  refuseKeys(b, "customers/redact", "lists orders_to_redact", ["orders_requested", "data_request"]);
  const shop = shopDomain(b.shop_domain, "shop_domain");
  optId(b.shop_id, "shop_id");
  const { customerId, email: mail, phone } = complianceCustomer(b, "customers/redact");
  if (!customerId && !mail) throw new PayloadError("customers/redact names no customer id or email");
  return { shopDomain: shop, customerId, email: mail, phone, ordersToRedact: idList(b.orders_to_redact, "orders_to_redact") };
}

export function parseCustomersDataRequest(raw: string) {
  const b = object(raw, "customers/data_request");
  refuseKeys(b, "customers/data_request", "lists orders_requested", ["orders_to_redact"]);
  const shop = shopDomain(b.shop_domain, "shop_domain");
  optId(b.shop_id, "shop_id");
  const { customerId, email: mail } = complianceCustomer(b, "customers/data_request");
  const ordersRequested = idList(b.orders_requested, "orders_requested");
  const request = obj(b.data_request, "data_request");
  return { shopDomain: shop, customerId, email: mail, ordersRequested, dataRequestId: optId(request?.id, "data_request.id") };
}

export function parseShopRedact(raw: string) {
  const b = object(raw, "shop/redact");
  refuseKeys(b, "shop/redact", "names only the shop (shop_id, shop_domain)", [
    "customer",
    "orders_to_redact",
    "orders_requested",
    "data_request",
  ]);
  return { shopDomain: shopDomain(b.shop_domain, "shop_domain"), shopId: id(b.shop_id, "shop_id") };
}

// app/uninstalled carries the Shop REST object.
export function parseAppUninstalled(raw: string): { shopId: string; myshopifyDomain: string } {
  const b = object(raw, "app/uninstalled");
  return { shopId: id(b.id, "id"), myshopifyDomain: shopDomain(b.myshopify_domain, "myshopify_domain") };
}

// shop/update carries the Shop REST object, like app/uninstalled: what the app keeps of it.
export function parseShopUpdate(raw: string): ShopProfile & { myshopifyDomain: string } {
  const b = object(raw, "shop/update");
  const name = str(b.name);
  const zone = str(b.iana_timezone);
  // An IANA name (Area/Location, UTC, Etc/GMT+6): letters, digits and / _ + - only, at most 64.
  if (!zone || !/^[A-Za-z][A-Za-z0-9/_+-]{0,63}$/.test(zone))
    throw new PayloadError(`iana_timezone ${show(b.iana_timezone)} is not a time zone name`);
  return {
    myshopifyDomain: shopDomain(b.myshopify_domain, "myshopify_domain"),
    name: name ? name.slice(0, 255) : null,
    currency: currencyCode(b.currency, "currency"),
    ianaTimezone: zone,
    updatedAt: date(b.updated_at, "updated_at"),
  };
}

export function parseAppScopesUpdate(raw: string) {
  const b = object(raw, "app/scopes_update");
  if (!Array.isArray(b.current)) throw new PayloadError("app/scopes_update has no current scopes array");
  const scopes = (v: unknown, path: string) =>
    (Array.isArray(v) ? v : []).map((s, i) => {
      if (typeof s !== "string") throw new PayloadError(`${path}[${i}] ${show(s)} is not a scope name`);
      return wellFormed(s);
    });
  return { previous: scopes(b.previous, "previous"), current: scopes(b.current, "current") };
}

// ---------------------------------------------------------------------------------------------
// returns/* topics
// ---------------------------------------------------------------------------------------------

export const RETURN_TOPICS = [
  "returns/request",
  "returns/approve",
  "returns/decline",
  "returns/cancel",
  "returns/close",
  "returns/reopen",
  "returns/process",
  "returns/update",
] as const;
export type ReturnTopic = (typeof RETURN_TOPICS)[number];

const RETURN_STATUSES: ReturnStatus[] = ["REQUESTED", "OPEN", "CLOSED", "DECLINED", "CANCELED"];
const DECLINE_REASONS: ReturnDeclineReason[] = ["RETURN_PERIOD_ENDED", "FINAL_SALE", "OTHER"];
// The status each topic's body states. Shopify signs only the body, so a returns/decline body sent
// again under returns/approve would otherwise flip our record: a body must be in its topic's state.
// returns/process leaves the return OPEN (or CLOSED, once everything is processed: assumed);
// returns/update carries no status.
const TOPIC_STATUS: Record<ReturnTopic, ReturnStatus[] | null> = {
  "returns/request": ["REQUESTED"],
  "returns/approve": ["OPEN"],
  "returns/decline": ["DECLINED"],
  "returns/cancel": ["CANCELED"],
  "returns/close": ["CLOSED"],
  "returns/reopen": ["OPEN"],
  "returns/process": ["OPEN", "CLOSED"],
  "returns/update": null,
};
const MAX_RETURN_TEXT = 5000; // Shopify's limits are 300 (customer note), 255 (reason note), 500 (decline note)

// A gid of one type ("gid://shopify/Return/123") → "123".
function gidOfType(v: unknown, type: string, path: string): string {
  if (typeof v !== "string") throw new PayloadError(`${path} ${show(v)} is not a gid`);
  const m = new RegExp(`^gid://shopify/${type}/(\\d{1,20})$`).exec(v);
  if (!m) throw new PayloadError(`${path} ${show(v)} is not a gid://shopify/${type}/ id`);
  return m[1]!;
}

// The numeric id, from `id` or else the gid, and both must agree when both are there.
function idAndGid(o: Json, type: string, path: string, required: true): { id: string; gid: string };
function idAndGid(o: Json, type: string, path: string, required: false): { id: string; gid: string } | null;
function idAndGid(o: Json, type: string, path: string, required: boolean): { id: string; gid: string } | null {
  const at = (k: string) => (path ? `${path}.${k}` : k);
  const fromId = optId(o.id, at("id"));
  const fromGid =
    o.admin_graphql_api_id === undefined || o.admin_graphql_api_id === null
      ? null
      : gidOfType(o.admin_graphql_api_id, type, at("admin_graphql_api_id"));
  if (fromId && fromGid && fromId !== fromGid)
    throw new PayloadError(`${at("admin_graphql_api_id")} names ${type} ${fromGid}, but ${at("id")} is ${fromId}`);
  const n = fromId ?? fromGid;
  if (!n) {
    if (required) throw new PayloadError(`${at("id")} is missing`);
    return null;
  }
  return { id: n, gid: `gid://shopify/${type}/${n}` };
}

function text(v: unknown, path: string): string | null {
  if (v === null || v === undefined) return null;
  if (typeof v !== "string") throw new PayloadError(`${path} ${show(v)} is not a string`);
  if (v.length > MAX_RETURN_TEXT) throw new PayloadError(`${path} is longer than ${MAX_RETURN_TEXT} characters`);
  return wellFormed(v);
}

// Shopify writes enums in webhook bodies in lower case ("requested", "return_period_ended").
function enumValue<T extends string>(v: unknown, allowed: readonly T[], path: string, what: string): T {
  if (v === null || v === undefined) throw new PayloadError(`${path} is missing`);
  const s = typeof v === "string" ? v.trim().toUpperCase() : null;
  if (s === null || !(allowed as readonly string[]).includes(s)) throw new PayloadError(`${path} ${show(v)} is not ${what}`);
  return s as T;
}

function returnLine(l: Json, at: string): ReturnLineFacts {
  const self = idAndGid(l, "ReturnLineItem", at, false);
  const fli = obj(l.fulfillment_line_item, `${at}.fulfillment_line_item`);
  const fliIds = fli ? idAndGid(fli, "FulfillmentLineItem", `${at}.fulfillment_line_item`, false) : null;
  const lineItem = fli ? obj(fli.line_item, `${at}.fulfillment_line_item.line_item`) : null;
  // A flat line_item_id is accepted too (older bodies and other producers).
  const lineIds = lineItem
    ? idAndGid(lineItem, "LineItem", `${at}.fulfillment_line_item.line_item`, false)
    : l.line_item_id !== undefined && l.line_item_id !== null
      ? { id: id(l.line_item_id, `${at}.line_item_id`), gid: "" }
      : null;
  const reason = l.return_reason === null || l.return_reason === undefined ? null : text(l.return_reason, `${at}.return_reason`);
  if (reason !== null && !/^[a-z_]{1,64}$/i.test(reason))
    throw new PayloadError(`${at}.return_reason ${show(reason)} is not a reason code`);
  const definition = obj(l.return_reason_definition, `${at}.return_reason_definition`);
  return {
    id: self?.id ?? null,
    fulfillmentLineItemId: fliIds?.id ?? null,
    lineItemId: lineIds?.id ?? null,
    quantity: quantity(l.quantity, `${at}.quantity`),
    returnReason: reason === null ? null : reason.toUpperCase(),
    returnReasonNote: text(l.return_reason_note, `${at}.return_reason_note`) || null,
    customerNote: text(l.customer_note, `${at}.customer_note`),
    reasonDefinition: definition
      ? {
          id: idAndGid(definition, "ReturnReasonDefinition", `${at}.return_reason_definition`, false)?.gid ?? null,
          handle: text(definition.handle, `${at}.return_reason_definition.handle`),
        }
      : null,
  };
}

/**
 * A returns/* webhook body → ReturnFacts. With `topic`, the body must be in that topic's shape and
 * state (a returns/decline body is refused as returns/approve). Ids beyond 2^53 keep every digit.
 */
export function parseReturn(raw: string, topic?: ReturnTopic): ReturnFacts {
  const r = object(raw, topic ?? "return");
  const { id: returnId, gid } = idAndGid(r, "Return", "", true);

  const order = obj(r.order, "order");
  const fromOrder = order ? (idAndGid(order, "Order", "order", false)?.id ?? null) : null;
  const fromOrderId = optId(r.order_id, "order_id");
  if (fromOrder && fromOrderId && fromOrder !== fromOrderId)
    throw new PayloadError(`order.id is ${fromOrder}, but order_id is ${fromOrderId}`);

  const status = r.status === null || r.status === undefined ? null : enumValue(r.status, RETURN_STATUSES, "status", "a return status");
  if (topic) {
    const expected = TOPIC_STATUS[topic];
    if (expected && status === null) throw new PayloadError(`a ${topic} body states the return's status; this one has no status`);
    if (expected && status !== null && !expected.includes(status))
      throw new PayloadError(`a ${topic} body is about a ${expected.join(" or ")} return; this one's status is ${status}`);
    if (!expected && status !== null) throw new PayloadError(`a ${topic} body has no status; this one says ${status}`);
  }

  let lineItems: ReturnLineFacts[] = [];
  let lineItemRemovals: ReturnFacts["lineItemRemovals"] = [];
  const lines = r.return_line_items;
  if (Array.isArray(lines)) {
    lineItems = objects(lines, "return_line_items").map((l, i) => returnLine(l, `return_line_items[${i}]`));
  } else if (lines !== null && lines !== undefined) {
    // returns/update: { removals: [{ admin_graphql_api_id, delta }] }
    const changes = obj(lines, "return_line_items");
    lineItemRemovals = objects(changes?.removals, "return_line_items.removals").map((x, i) => ({
      returnLineItemId: idAndGid(x, "ReturnLineItem", `return_line_items.removals[${i}]`, true).id,
      delta: quantity(x.delta, `return_line_items.removals[${i}].delta`),
    }));
  }
  if (topic === "returns/update" && Array.isArray(lines))
    throw new PayloadError("a returns/update body lists changes, not return_line_items");
  if (topic === "returns/request" && !Array.isArray(lines)) throw new PayloadError("a returns/request body has no return_line_items array");

  const decline = obj(r.decline, "decline");
  if (topic === "returns/decline" && !decline) throw new PayloadError("a returns/decline body has no decline object");
  if (r.total_return_line_items !== undefined && r.total_return_line_items !== null)
    quantity(r.total_return_line_items, "total_return_line_items");

  return {
    id: returnId,
    gid,
    orderId: fromOrder ?? fromOrderId,
    status,
    name: text(r.name, "name"),
    lineItems,
    lineItemRemovals,
    declineReason:
      decline?.reason === null || decline?.reason === undefined
        ? null
        : enumValue(decline.reason, DECLINE_REASONS, "decline.reason", "a decline reason"),
    declineNote: decline ? text(decline.note, "decline.note") : null,
    createdAt: optDate(r.created_at, "created_at"),
    updatedAt: optDate(r.updated_at, "updated_at"),
  };
}

// fulfillment_events/create: a carrier's (or a fulfilment service's) tracking event on one
// fulfilment. Only "delivered" matters to Postventa: when the order arrived (NPS timing, return
// windows). The event's address, coordinates and message are never read, and scrubbing drops them.
export interface FulfillmentEventFacts {
  eventId: string;
  fulfillmentId: string;
  orderId: string;
  status: string; // Shopify's lower-case status: confirmed | in_transit | out_for_delivery | delivered | failure | ...
  happenedAt: string; // ISO; the event's created_at when Shopify gives no happened_at
}

export function parseFulfillmentEvent(raw: string): FulfillmentEventFacts {
  const e = object(raw, "fulfillment_events/create");
  const status = str(e.status);
  if (!status || !/^[a-z_]{1,40}$/.test(status)) throw new PayloadError(`status ${show(e.status)} is not a fulfilment event status`);
  return {
    eventId: idAndGid(e, "FulfillmentEvent", "", true).id,
    fulfillmentId: id(e.fulfillment_id, "fulfillment_id"),
    orderId: id(e.order_id, "order_id"),
    status,
    happenedAt: optDate(e.happened_at, "happened_at") ?? date(e.created_at, "created_at"),
  };
}
