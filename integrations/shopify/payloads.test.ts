import { describe, expect, it } from "vitest";
import { mulberry32 } from "../../test/random";
import { shopUpdateBody } from "../../test/sandboxes/shopify/admin-graphql";
import { LosslessNumber, parse, stringify } from "lossless-json";
import {
  parseAppScopesUpdate,
  parseAppUninstalled,
  parseCustomer,
  parseCustomersDataRequest,
  parseCustomersRedact,
  parseOrder,
  parseRefund,
  parseReturn,
  parseShopRedact,
  parseShopUpdate,
  PayloadError,
  RETURN_TOPICS,
  type ReturnTopic,
} from "./payloads";
import {
  FULFILLMENT_LINE_ID,
  LINE_ITEM_ID,
  ORDER_ID,
  RETURN_ID,
  RETURN_LINE_ID,
  RETURN_SAMPLES,
} from "../../test/fixtures/shopify-returns";
import { MoneyError, toMinor } from "../../app/domain/money";
import { MAX_POINTS_BALANCE, planOrderLedger, DEFAULT_EARN_RULE } from "../../app/domain/loyalty";
import { DEFAULT_WARRANTY_POLICY, planOrderWarranties, WARRANTY_UNITS_PER_LINE } from "../../app/domain/warranty";
import type { OrderFacts, RefundFacts } from "../../app/domain/facts";

const raw = `{"id":9007199254740993,"admin_graphql_api_id":"gid://shopify/Order/9007199254740993","name":"#1001","email":"Ana@Example.com",
 "created_at":"2026-11-02T10:00:00-05:00","processed_at":"2026-11-02T10:00:01-05:00","currency":"USD","financial_status":"paid",
 "total_price":"118.00","total_tax":"8.00","total_discounts":"10.00","taxes_included":false,
 "total_shipping_price_set":{"shop_money":{"amount":"5.00","currency_code":"USD"}},
 "customer":{"id":9007199254740995,"email":"ana@example.com","first_name":"Ana","last_name":"García"},
 "line_items":[{"id":9007199254740997,"product_id":9007199254740999,"variant_id":9007199254741001,"title":"Kettle","vendor":"Fellow",
   "quantity":2,"price":"57.50","total_discount":"0.00","discount_allocations":[{"amount":"10.00","discount_application_index":0}],"gift_card":false,"tax_lines":[]}],
 "fulfillments":[{"id":9007199254741003,"status":"success","created_at":"2026-11-03T09:00:00Z","line_items":[{"id":9007199254740997,"quantity":1}]}]}`;

describe("Shopify payloads", () => {
  it("keeps every id beyond 2^53 exact and reads money as minor units", () => {
    const o = parseOrder(raw);
    expect(String(JSON.parse(raw).id)).toBe("9007199254740992"); // what a plain parse would make of it
    expect(o.id).toBe("9007199254740993");
    expect(o.customer?.id).toBe("9007199254740995");
    expect(o.lineItems[0]).toMatchObject({
      id: "9007199254740997",
      productId: "9007199254740999",
      unitPriceMinor: 5750,
      discountMinor: 1000,
      quantity: 2,
    });
    expect(o.fulfillments[0].lineItems[0]).toEqual({ lineItemId: "9007199254740997", quantity: 1 });
    expect(o.email).toBe("ana@example.com");
    expect(o.shippingMinor).toBe(500);
  });
  it("names the missing field", () => {
    expect(() => parseOrder(`{"id":1,"currency":"USD","created_at":"2026-11-02T10:00:00Z"}`)).toThrow(/line_items/);
    expect(() => parseOrder(`{"currency":"USD"}`)).toThrow(PayloadError);
    expect(() => parseOrder(`not json`)).toThrow(/not JSON/);
    expect(() => parseRefund(`{"id":1,"order_id":2}`)).toThrow(/refund_line_items/);
    expect(() => parseCustomersRedact(`{"shop_domain":"s.myshopify.com","customer":{}}`)).toThrow(/no customer/);
  });
  it("reads shipping refunds as positive amounts", () => {
    const r = parseRefund(`{"id":9007199254741101,"order_id":9007199254740993,"created_at":"2026-11-04T00:00:00Z",
      "refund_line_items":[{"line_item_id":9007199254740997,"quantity":1,"subtotal":"52.50","total_tax":"4.00"}],
      "transactions":[{"amount":"61.50","kind":"refund","status":"success","currency":"USD"}],
      "order_adjustments":[{"amount":"-5.00","kind":"shipping_refund"}]}`);
    expect(r).toMatchObject({ id: "9007199254741101", orderId: "9007199254740993", shippingMinor: 500 });
    expect(r.lineItems[0]).toEqual({ lineItemId: "9007199254740997", quantity: 1, subtotalMinor: 5250, taxMinor: 400 });
  });
});

// The base order with `edit` applied to its parsed tree (ids stay exact through lossless-json).
type Tree = Record<string, any>;
const n = (digits: string) => new LosslessNumber(digits);
function edit(base: string, change: (o: Tree) => void): string {
  const tree = parse(base) as Tree;
  change(tree);
  return stringify(tree)!;
}
const order = (change: (o: Tree) => void) => edit(raw, change);
const reason = (f: () => unknown): string => {
  try {
    f();
  } catch (e) {
    if (e instanceof PayloadError) return e.reason;
    throw e;
  }
  throw new Error("did not throw");
};

const refundRaw = `{"id":9007199254741101,"order_id":9007199254740993,"created_at":"2026-11-04T00:00:00Z",
  "refund_line_items":[{"line_item_id":9007199254740997,"quantity":1,"subtotal":"52.50","total_tax":"4.00"}],
  "order_adjustments":[{"amount":"-5.00","kind":"shipping_refund"}]}`;

describe("hostile bodies are refused with the field at fault", () => {
  it("array elements that must be objects", () => {
    expect(reason(() => parseOrder(order((o) => (o.line_items = [null]))))).toBe("line_items[0] is not an object");
    expect(reason(() => parseOrder(order((o) => (o.line_items[0].discount_allocations = [n("1")]))))).toBe(
      "line_items[0].discount_allocations[0] is not an object",
    );
    expect(reason(() => parseOrder(order((o) => o.fulfillments.push("x"))))).toBe("fulfillments[1] is not an object");
    expect(reason(() => parseOrder(order((o) => (o.fulfillments[0].line_items = [[]]))))).toBe(
      "fulfillments[0].line_items[0] is not an object",
    );
    expect(reason(() => parseOrder(order((o) => (o.shipping_lines = [null]))))).toBe("shipping_lines[0] is not an object");
    expect(reason(() => parseOrder(order((o) => (o.customer = [n("1")]))))).toBe("customer is not an object");
    expect(reason(() => parseOrder(order((o) => (o.fulfillments = {}))))).toBe("fulfillments is not an array");
    expect(reason(() => parseRefund(edit(refundRaw, (r) => (r.refund_line_items = [null]))))).toBe("refund_line_items[0] is not an object");
    expect(reason(() => parseRefund(edit(refundRaw, (r) => (r.order_adjustments = ["x"]))))).toBe("order_adjustments[0] is not an object");
    expect(reason(() => parseOrder("[1]"))).toBe("order body is not a JSON object");
    expect(reason(() => parseOrder("5"))).toBe("order body is not a JSON object");
  });
  it("dates that are not ISO-8601 date-times within 1970..9999", () => {
    expect(reason(() => parseOrder(order((o) => (o.created_at = "yesterday"))))).toBe('created_at is not a date: "yesterday"');
    expect(reason(() => parseOrder(order((o) => (o.created_at = "2026-02-30T10:00:00Z"))))).toBe(
      'created_at is not a date: "2026-02-30T10:00:00Z"',
    );
    expect(reason(() => parseOrder(order((o) => (o.created_at = "2026-11-02"))))).toMatch(/^created_at is not a date/);
    expect(reason(() => parseOrder(order((o) => (o.created_at = "2026-11-02T10:00:00"))))).toMatch(/^created_at is not a date/); // no offset
    expect(reason(() => parseOrder(order((o) => (o.created_at = n("1793613600000")))))).toBe("created_at is not a date: 1793613600000");
    expect(reason(() => parseOrder(order((o) => (o.processed_at = "1969-12-31T23:59:59Z"))))).toBe(
      'processed_at "1969-12-31T23:59:59Z" is outside the years 1970 to 9999',
    );
    expect(reason(() => parseOrder(order((o) => (o.cancelled_at = "9999-12-31T23:00:00-05:00"))))).toMatch(
      /^cancelled_at .* outside the years/,
    );
    expect(reason(() => parseOrder(order((o) => (o.fulfillments[0].created_at = "soon"))))).toBe(
      'fulfillments[0].created_at is not a date: "soon"',
    );
    expect(reason(() => parseRefund(edit(refundRaw, (r) => (r.created_at = "x"))))).toBe('created_at is not a date: "x"');
    expect(reason(() => parseRefund(edit(refundRaw, (r) => (r.processed_at = "+010000-01-01T00:00:00Z"))))).toMatch(
      /^processed_at is not a date/,
    );
    expect(parseOrder(order((o) => (o.cancelled_at = "2026-11-02T10:00:00.123456-0500"))).cancelledAt).toBe(
      "2026-11-02T10:00:00.123456-0500",
    );
  });
  it("ids, currencies and quantities out of their ranges", () => {
    expect(reason(() => parseOrder(order((o) => (o.id = n("123456789012345678901")))))).toBe(
      "id 123456789012345678901 is not a numeric id (1 to 20 digits)",
    );
    expect(reason(() => parseOrder(order((o) => (o.line_items[0].product_id = n("-5")))))).toBe(
      "line_items[0].product_id -5 is not a numeric id (1 to 20 digits)",
    );
    expect(reason(() => parseOrder(order((o) => (o.customer.id = "12a"))))).toBe('customer.id "12a" is not a numeric id (1 to 20 digits)');
    expect(parseOrder(order((o) => (o.id = n("18446744073709551615")))).id).toBe("18446744073709551615");
    expect(reason(() => parseOrder(order((o) => (o.currency = "usd"))))).toBe('currency "usd" is not a currency code (3 letters A-Z)');
    expect(reason(() => parseOrder(order((o) => (o.currency = n("840")))))).toBe("currency 840 is not a currency code (3 letters A-Z)");
    expect(
      reason(() => parseOrder(order((o) => o.line_items.push({ ...o.line_items[0] }, { ...o.line_items[0], quantity: n("1e30") })))),
    ).toBe("line_items[2].quantity 1e30 is not a whole number from 0 to 2147483647");
    expect(reason(() => parseOrder(order((o) => (o.line_items[0].quantity = n("2147483648")))))).toMatch(
      /^line_items\[0\]\.quantity 2147483648 is not a whole number/,
    );
    expect(reason(() => parseOrder(order((o) => (o.line_items[0].quantity = n("-1")))))).toMatch(/quantity -1 is not a whole number/);
    expect(reason(() => parseOrder(order((o) => (o.line_items[0].quantity = n("2.5")))))).toMatch(/quantity 2.5 is not a whole number/);
    expect(reason(() => parseOrder(order((o) => delete o.line_items[0].quantity)))).toBe("line_items[0].quantity is missing");
    expect(reason(() => parseOrder(order((o) => (o.fulfillments[0].line_items[0].quantity = n("1e400")))))).toMatch(
      /^fulfillments\[0\]\.line_items\[0\]\.quantity 1e400 is not/,
    );
    expect(reason(() => parseRefund(edit(refundRaw, (r) => (r.refund_line_items[0].quantity = null))))).toBe(
      "refund_line_items[0].quantity is missing",
    );
  });
  it("money that is not a decimal amount, or not exact in minor units", () => {
    expect(reason(() => parseOrder(order((o) => (o.line_items[0].price = "12,00"))))).toBe(
      'line_items[0].price "12,00" is not a decimal amount',
    );
    expect(reason(() => parseOrder(order((o) => (o.line_items[0].price = {}))))).toBe(
      "line_items[0].price an object is not a decimal amount",
    );
    expect(reason(() => parseOrder(order((o) => (o.total_tax = n("1e3")))))).toBe('total_tax "1e3" is not a decimal amount');
    expect(reason(() => parseOrder(order((o) => (o.total_tax = "99999999999999999999999"))))).toBe(
      'total_tax "99999999999999999999999" is too large an amount',
    );
    expect(reason(() => parseOrder(order((o) => (o.line_items[0].price = "-1.00"))))).toBe('line_items[0].price "-1.00" is negative');
    // Each number is exact, the product is not.
    expect(
      reason(() => parseOrder(order((o) => Object.assign(o.line_items[0], { quantity: n("10000000"), price: "9999999999.00" })))),
    ).toBe('line_items[0] quantity 10000000 × price "9999999999.00" is beyond 9007199254740991 minor units');
    expect(
      reason(() =>
        parseOrder(
          order((o) => {
            o.line_items[0].price = "45035996273705.00";
            o.line_items[0].quantity = n("1");
            o.line_items.push({ ...o.line_items[0], id: n("2") });
          }),
        ),
      ),
    ).toBe("the order's line total is beyond 9007199254740991 minor units");
    expect(reason(() => parseOrder(order((o) => Object.assign(o.line_items[0], { quantity: n("1"), price: "90071992547409.91" }))))).toBe(
      "the order's total of lines, shipping and tax is beyond 9007199254740991 minor units",
    );
    expect(
      reason(() =>
        parseRefund(
          edit(refundRaw, (r) => (r.refund_line_items[0].subtotal = "90071992547409.91")),
          "USD",
        ),
      ),
    ).toBe("the refund's total is beyond 9007199254740991 minor units");
  });
  it("emails longer than an index can hold", () => {
    const long = `${"a".repeat(243)}@example.com`; // 255 characters
    expect(reason(() => parseOrder(order((o) => (o.contact_email = long))))).toBe("contact_email is longer than 254 characters");
    expect(reason(() => parseCustomer(`{"id":1,"email":"${long}"}`))).toBe("email is longer than 254 characters");
    expect(parseOrder(order((o) => (o.email = long.slice(1)))).email).toBe(long.slice(1));
  });
  it("keeps strings with NUL or lone surrogates, as U+FFFD", () => {
    const o = parseOrder(
      order((o) => {
        o.name = "#10\u000001";
        o.line_items[0].title = "Kettle \ud800";
        o.line_items[0].vendor = "\udfffFellow";
        o.customer.first_name = "A\u0000na";
      }).replaceAll("\\\\", "\\"),
    );
    expect(o.name).toBe("#10\ufffd01");
    expect(o.lineItems[0]).toMatchObject({ title: "Kettle \ufffd", vendor: "\ufffdFellow" });
    expect(o.customer?.firstName).toBe("A\ufffdna");
    expect(JSON.stringify(o)).not.toMatch(/\\u0000|\\ud[89a-f]/);
    expect(parseOrder(order((o) => (o.line_items[0].title = "Kettle \ud83d\ude00"))).lineItems[0].title).toBe("Kettle \u{1F600}");
    const c = parseCustomer(`{"id":1,"tags":"vip,\\u0000x","phone":"\\ud800"}`);
    expect(c).toMatchObject({ tags: ["vip", "\ufffdx"], phone: "\ufffd" });
    expect(parseAppScopesUpdate(`{"current":["read_orders\\u0000"]}`).current).toEqual(["read_orders\ufffd"]);
  });
});

describe("money", () => {
  it("refuses amounts whose minor units are not a safe integer, instead of rounding them", () => {
    expect(toMinor("90071992547409.91", "USD")).toBe(Number.MAX_SAFE_INTEGER);
    expect(toMinor("0000000000000000000000001.00", "USD")).toBe(100);
    expect(toMinor("-0.00", "USD")).toBe(0);
    expect(Object.is(toMinor("-0.001", "USD"), 0)).toBe(true);
    expect(() => toMinor("90071992547409.92", "USD")).toThrow(MoneyError);
    expect(() => toMinor("99999999999999999999999", "JPY")).toThrow(MoneyError);
    expect(() => toMinor("9007199254740.992", "KWD")).toThrow(/too large/);
    expect(() => toMinor(`1${"0".repeat(100000)}`, "USD")).toThrow(/too large/);
    expect(() => toMinor("1\u0000", "USD")).toThrow('"1\\u0000" is not a decimal amount');
  });
});

describe("refunds in shop money", () => {
  // A USD shop; the customer paid in JPY (presentment). transactions[].currency is the presentment one.
  const multiCurrency = `{"id":1101,"order_id":993,"created_at":"2026-11-04T00:00:00Z","processed_at":"2026-11-04T00:00:01Z",
    "refund_line_items":[{"line_item_id":997,"quantity":1,"subtotal":40.0,"total_tax":3.2,
      "subtotal_set":{"shop_money":{"amount":"40.00","currency_code":"USD"},"presentment_money":{"amount":"6000","currency_code":"JPY"}},
      "total_tax_set":{"shop_money":{"amount":"3.20","currency_code":"USD"},"presentment_money":{"amount":"480","currency_code":"JPY"}}}],
    "transactions":[{"amount":"6480","kind":"refund","status":"success","currency":"JPY"}],
    "order_adjustments":[{"kind":"shipping_refund","amount":"-5.00","amount_set":{"shop_money":{"amount":"-5.00","currency_code":"USD"},"presentment_money":{"amount":"-750","currency_code":"JPY"}}}]}`;
  it("reads *_set.shop_money, never the transaction's (presentment) currency", () => {
    for (const r of [parseRefund(multiCurrency), parseRefund(multiCurrency, "USD")]) {
      expect(r.lineItems[0]).toEqual({ lineItemId: "997", quantity: 1, subtotalMinor: 4000, taxMinor: 320 });
      expect(r.shippingMinor).toBe(500);
    }
  });
  it("scales plain fields (shop currency in REST) by the shop currency passed", () => {
    const plain = `{"id":1,"order_id":2,"refund_line_items":[{"line_item_id":3,"quantity":1,"subtotal":"4000","total_tax":"0"}],
      "transactions":[{"currency":"USD","amount":"30.00"}],"order_adjustments":[{"kind":"shipping_refund","amount":"-500"}]}`;
    expect(parseRefund(plain, "JPY")).toMatchObject({
      lineItems: [{ subtotalMinor: 4000 }],
      shippingMinor: 500,
      createdAt: "1970-01-01T00:00:00.000Z",
    });
    expect(parseRefund(plain, "USD")).toMatchObject({ lineItems: [{ subtotalMinor: 400000 }], shippingMinor: 50000 });
    expect(parseRefund(plain)).toMatchObject({ lineItems: [{ subtotalMinor: 400000 }] }); // unknown: 2 decimals, as before
  });
  it("without a shop currency, checks amounts at the widest scale so processing cannot refuse what intake took", () => {
    const huge = edit(refundRaw, (r) => (r.refund_line_items[0].subtotal = "9007199254741.00"));
    expect(parseRefund(huge, "USD").lineItems[0].subtotalMinor).toBe(900719925474100);
    expect(reason(() => parseRefund(huge))).toMatch(/too large/);
  });
  it("refuses a shop_money without a currency code", () => {
    expect(reason(() => parseRefund(multiCurrency.replace('"amount":"40.00","currency_code":"USD"', '"amount":"40.00"')))).toBe(
      "refund_line_items[0].subtotal_set.shop_money.currency_code is missing",
    );
  });
});

describe("compliance and app bodies", () => {
  const redact = `{"shop_id":954889,"shop_domain":"Shop.myshopify.com","customer":{"id":9007199254740995,"email":"Ana@Example.com","phone":"555-625-1199"},"orders_to_redact":[9007199254740993,9007199254740997]}`;
  const dataRequest = `{"shop_id":954889,"shop_domain":"shop.myshopify.com","orders_requested":[9007199254740993],"customer":{"id":9007199254740995,"email":"ana@example.com","phone":"555-625-1199"},"data_request":{"id":9999}}`;
  const shopRedact = `{"shop_id":954889,"shop_domain":"shop.myshopify.com"}`;
  it("reads each in its own shape", () => {
    expect(parseCustomersRedact(redact)).toEqual({
      shopDomain: "shop.myshopify.com",
      customerId: "9007199254740995",
      email: "ana@example.com",
      phone: "555-625-1199",
      ordersToRedact: ["9007199254740993", "9007199254740997"],
    });
    expect(parseCustomersDataRequest(dataRequest)).toEqual({
      shopDomain: "shop.myshopify.com",
      customerId: "9007199254740995",
      email: "ana@example.com",
      ordersRequested: ["9007199254740993"],
      dataRequestId: "9999",
    });
    expect(parseShopRedact(shopRedact)).toEqual({ shopDomain: "shop.myshopify.com", shopId: "954889" });
    expect(
      parseAppUninstalled(
        `{"id":9007199254740999,"name":"Ana's","email":"a@b.co","myshopify_domain":"Shop.myshopify.com","domain":"shop.com"}`,
      ),
    ).toEqual({ shopId: "9007199254740999", myshopifyDomain: "shop.myshopify.com" });
  });
  it("refuses one topic's body sent as another's", () => {
    for (const body of [redact, dataRequest])
      expect(reason(() => parseShopRedact(body))).toBe(
        "a shop/redact body names only the shop (shop_id, shop_domain); this one names a customer",
      );
    expect(reason(() => parseShopRedact(`{"shop_id":1,"shop_domain":"s.myshopify.com","orders_to_redact":[]}`))).toMatch(
      /this one carries orders_to_redact/,
    );
    expect(reason(() => parseCustomersRedact(dataRequest))).toMatch(
      /^a customers\/redact body lists orders_to_redact; this one carries (orders_requested|data_request)/,
    );
    expect(reason(() => parseCustomersDataRequest(redact))).toBe(
      "a customers/data_request body lists orders_requested; this one carries orders_to_redact",
    );
    expect(reason(() => parseCustomersRedact(shopRedact))).toBe("customers/redact has no customer object");
    expect(reason(() => parseCustomersDataRequest(shopRedact))).toBe("customers/data_request has no customer object");
    expect(reason(() => parseCustomersRedact(redact.replace(/,"orders_to_redact":\[[^\]]*\]/, "")))).toBe(
      "orders_to_redact is missing or not an array",
    );
    expect(reason(() => parseCustomersDataRequest(dataRequest.replace(/"orders_requested":\[[^\]]*\],/, "")))).toBe(
      "orders_requested is missing or not an array",
    );
    expect(reason(() => parseAppUninstalled(shopRedact))).toBe("id is missing");
    expect(reason(() => parseAppUninstalled(`{"id":1}`))).toBe("myshopify_domain is missing");
  });
  it("refuses missing or malformed shop fields", () => {
    expect(reason(() => parseShopRedact(`{"shop_domain":"s.myshopify.com"}`))).toBe("shop_id is missing");
    expect(reason(() => parseShopRedact(`{"shop_id":1}`))).toBe("shop_domain is missing");
    expect(reason(() => parseShopRedact(`{"shop_id":1,"shop_domain":"a b"}`))).toBe('shop_domain "a b" is not a domain');
    expect(reason(() => parseCustomersRedact(redact.replace("9007199254740997]", '"x"]')))).toBe(
      'orders_to_redact[1] "x" is not a numeric id (1 to 20 digits)',
    );
    expect(reason(() => parseAppScopesUpdate(`{"current":["a",null]}`))).toBe("current[1] null is not a scope name");
  });
  it("reads shop/update's name, currency, time zone and date, and refuses a zone that is no IANA name", () => {
    expect(parseShopUpdate(SHOP_UPDATE)).toEqual({
      myshopifyDomain: "shop.myshopify.com",
      name: "Cerámica Ana",
      currency: "MXN",
      ianaTimezone: "America/Mexico_City",
      updatedAt: "2026-11-20T10:00:00-06:00",
    });
    const with_ = (patch: object) => JSON.stringify({ ...JSON.parse(SHOP_UPDATE), ...patch });
    expect(reason(() => parseShopUpdate(with_({ iana_timezone: "'; DROP TABLE x" })))).toMatch(
      /^iana_timezone .* is not a time zone name$/,
    );
    expect(reason(() => parseShopUpdate(with_({ iana_timezone: null })))).toMatch(/is not a time zone name/);
    expect(reason(() => parseShopUpdate(with_({ updated_at: "yesterday" })))).toBe('updated_at is not a date: "yesterday"');
    expect(reason(() => parseShopUpdate(with_({ currency: "pesos" })))).toBe('currency "pesos" is not a currency code (3 letters A-Z)');
    expect(parseShopUpdate(with_({ name: null })).name).toBeNull();
  });
});

const SHOP_UPDATE = shopUpdateBody({
  shop: "shop.myshopify.com",
  shopNum: 954889,
  data: { name: "Cerámica Ana", currencyCode: "MXN", email: "ana@example.com", ianaTimezone: "America/Mexico_City" },
  updatedAt: "2026-11-20T10:00:00-06:00",
});

// --- Seeded fuzz: hostile values anywhere in valid bodies -------------------------------------

const HOSTILE: Array<() => unknown> = [
  () => null,
  () => n("1e400"),
  () => n("-1e400"),
  () => n("99999999999999999999999"),
  () => n("-1"),
  () => n("-99999999999999999999"),
  () => n("1e30"),
  () => n("2147483648"),
  () => n("2147483647"),
  () => n("0.5"),
  () => n("-0"),
  () => n("9007199254740993"),
  () => n("0"),
  () => "\u0000",
  () => "a\u0000b",
  () => "\ud800",
  () => "x\udfffy",
  () => "\ud83d",
  () => [],
  () => [null],
  () => [{}],
  () => ({}),
  () => ({ a: n("1") }),
  () => "x".repeat(100_000),
  () => "yesterday",
  () => "2026-02-30T00:00:00Z",
  () => "0000-01-01T00:00:00Z",
  () => "9999-12-31T23:59:59-05:00",
  () => "1969-12-31T23:59:59Z",
  () => "1e400",
  () => "99999999999999999999999",
  () => "-5.00",
  () => "90071992547409.92",
  () => "90071992547409.91",
  () => "0.005",
  () => true,
  () => false,
  () => "",
  () => " ",
  () => "NaN",
  () => "Infinity",
  () => "USD",
  () => "usd",
  () => "shipping_refund",
  () => "2026-11-03T09:00:00Z",
  () => `${"a".repeat(250)}@b.co`,
];

function paths(value: unknown, at: Array<string | number> = []): Array<Array<string | number>> {
  if (Array.isArray(value)) return value.flatMap((v, i) => [[...at, i], ...paths(v, [...at, i])]);
  if (value && typeof value === "object" && !(value instanceof LosslessNumber))
    return Object.entries(value).flatMap(([k, v]) => [[...at, k], ...paths(v, [...at, k])]);
  return [];
}

function mutate(tree: Tree, rand: () => number) {
  const all = paths(tree);
  if (!all.length) return; // emptied by earlier mutations
  const pick = <T>(xs: T[]) => xs[Math.floor(rand() * xs.length)];
  const at = pick(all);
  const parent = at.slice(0, -1).reduce((v: any, k) => v[k], tree);
  const key = at[at.length - 1];
  const roll = rand();
  if (roll < 0.6) parent[key] = pick(HOSTILE)();
  else if (roll < 0.75) {
    if (Array.isArray(parent)) parent.splice(key as number, 1);
    else delete parent[key];
  } else if (roll < 0.85) parent[key] = rand() < 0.5 ? [parent[key]] : { nested: parent[key] };
  else if (roll < 0.95 && Array.isArray(parent)) parent.push(pick(HOSTILE)());
  else parent[key] = structuredCloneLossless(pick(all).reduce((v: any, k) => v?.[k], tree));
}
const structuredCloneLossless = (v: unknown) => (v === undefined ? null : parse(stringify(v)!));

const ID = /^\d{1,20}$/;
function checkFacts(value: unknown, key = ""): void {
  if (typeof value === "number") {
    expect(Number.isSafeInteger(value), `${key} ${value}`).toBe(true);
    expect(value).toBeGreaterThanOrEqual(0);
    if (/quantity/i.test(key)) expect(value).toBeLessThanOrEqual(2147483647);
  } else if (typeof value === "string") {
    expect(value.includes("\u0000"), key).toBe(false);
    expect((value as string & { isWellFormed(): boolean }).isWellFormed(), key).toBe(true);
    if (/At$/.test(key)) {
      const year = new Date(value).getUTCFullYear();
      expect(year >= 1970 && year <= 9999, `${key} ${value}`).toBe(true);
    }
    if (/^(id|orderId|lineItemId|productId|variantId)$/.test(key)) expect(value).toMatch(ID);
    if (key === "currency") expect(value).toMatch(/^[A-Z]{3}$/);
  } else if (Array.isArray(value)) value.forEach((v) => checkFacts(v, key));
  else if (value && typeof value === "object") for (const [k, v] of Object.entries(value)) checkFacts(v, k);
}

describe("parsers under hostile input (seeded fuzz)", () => {
  const orderBody = order((o) => {
    o.shipping_lines = [{ price: "5.00", discounted_price: "5.00" }];
    o.contact_email = "ana@example.com";
    o.line_items.push({ ...o.line_items[0], id: n("9007199254741005"), quantity: n("150"), gift_card: false });
  });
  const bodies = [
    { name: "order", raw: orderBody, parse: (r: string) => parseOrder(r) },
    { name: "refund", raw: refundRaw, parse: (r: string) => parseRefund(r) },
    { name: "refund (JPY shop)", raw: refundRaw, parse: (r: string) => parseRefund(r, "JPY") },
    { name: "refund (KWD shop)", raw: refundRaw, parse: (r: string) => parseRefund(r, "KWD") },
    {
      name: "customer",
      raw: `{"id":9007199254740995,"email":"ana@example.com","first_name":"Ana","last_name":"García","phone":"+34600000000","state":"enabled","tags":"vip, espresso","email_marketing_consent":{"state":"subscribed"}}`,
      parse: (r: string) => parseCustomer(r),
    },
    {
      name: "customers/redact",
      raw: `{"shop_id":1,"shop_domain":"s.myshopify.com","customer":{"id":2,"email":"a@b.co","phone":"1"},"orders_to_redact":[3,4]}`,
      parse: (r: string) => parseCustomersRedact(r),
    },
    { name: "shop/redact", raw: `{"shop_id":1,"shop_domain":"s.myshopify.com"}`, parse: (r: string) => parseShopRedact(r) },
    { name: "shop/update", raw: SHOP_UPDATE, parse: (r: string) => parseShopUpdate(r) },
    ...RETURN_TOPICS.map((topic) => ({ name: topic, raw: RETURN_SAMPLES[topic], parse: (r: string) => parseReturn(r, topic) })),
  ];
  it("every call throws PayloadError or returns facts within range (3,000 cases)", () => {
    const rand = mulberry32(20261102);
    const outcomes = { parsed: 0, refused: 0 };
    for (let i = 0; i < 3000; i++) {
      const body = bodies[i % bodies.length];
      const tree = parse(body.raw) as Tree;
      for (let m = 1 + Math.floor(rand() * 3); m > 0; m--) mutate(tree, rand);
      const text = stringify(tree)!;
      let facts: unknown;
      try {
        facts = body.parse(text);
      } catch (e) {
        if (!(e instanceof PayloadError)) throw new Error(`case ${i} (${body.name}) threw ${String(e)} for ${text.slice(0, 400)}`);
        expect(e.reason.includes("\u0000")).toBe(false);
        expect((e.reason as string & { isWellFormed(): boolean }).isWellFormed()).toBe(true);
        expect(e.reason.length).toBeLessThan(400);
        outcomes.refused++;
        continue;
      }
      outcomes.parsed++;
      checkFacts(facts);
      if (body.name === "order") {
        // What the planners make of accepted facts stays within the ledger's and the inbox's bounds.
        const o = facts as OrderFacts;
        const refund: RefundFacts = {
          id: "1",
          orderId: o.id,
          createdAt: o.createdAt,
          shippingMinor: 0,
          lineItems: o.lineItems.map((l) => ({ lineItemId: l.id, quantity: l.quantity, subtotalMinor: l.unitPriceMinor, taxMinor: 0 })),
        };
        const plan = planOrderLedger({
          order: o,
          paid: true,
          fulfilled: true,
          cancelled: rand() < 0.3,
          refunds: [refund],
          rule: { ...DEFAULT_EARN_RULE, pointsPerUnit: 1000, includeShipping: true, includeTaxes: true },
          snapshot: null,
          existing: [],
        });
        for (const e of plan.append) expect(Number.isSafeInteger(e.points) && Math.abs(e.points) <= MAX_POINTS_BALANCE).toBe(true);
        const units = planOrderWarranties({
          policy: DEFAULT_WARRANTY_POLICY,
          order: o,
          products: new Map(),
          refunds: [refund],
          cancelled: false,
          now: "2027-01-01T00:00:00Z",
        });
        expect(units.length).toBeLessThanOrEqual(o.lineItems.length * WARRANTY_UNITS_PER_LINE);
      }
    }
    // Both sides are exercised, not just refusals.
    expect(outcomes.parsed).toBeGreaterThan(300);
    expect(outcomes.refused).toBeGreaterThan(300);
  });
});

describe("returns/* bodies", () => {
  const refusal = (raw: string, topic?: ReturnTopic) => {
    try {
      parseReturn(raw, topic);
    } catch (e) {
      if (e instanceof PayloadError) return e.reason;
      throw e;
    }
    return "parsed";
  };
  const GID = `gid://shopify/Return/${RETURN_ID}`;

  it("reads each topic's sample body, every id beyond 2^53 exact", () => {
    expect(String(JSON.parse(RETURN_SAMPLES["returns/request"]).id)).not.toBe(RETURN_ID); // a plain parse rounds it
    const requested = parseReturn(RETURN_SAMPLES["returns/request"], "returns/request");
    expect(requested).toEqual({
      id: RETURN_ID,
      gid: GID,
      orderId: ORDER_ID,
      status: "REQUESTED",
      name: "#1001-R1",
      lineItems: [
        {
          id: RETURN_LINE_ID,
          fulfillmentLineItemId: FULFILLMENT_LINE_ID,
          lineItemId: LINE_ITEM_ID,
          quantity: 1,
          returnReason: "DEFECTIVE",
          returnReasonNote: null,
          customerNote: "It stopped grinding after a week.",
          reasonDefinition: null,
        },
      ],
      lineItemRemovals: [],
      declineReason: null,
      declineNote: null,
      createdAt: null,
      updatedAt: null,
    });
    expect(parseReturn(RETURN_SAMPLES["returns/approve"], "returns/approve")).toEqual({ ...requested, status: "OPEN" });
    expect(parseReturn(RETURN_SAMPLES["returns/process"], "returns/process")).toEqual({ ...requested, status: "OPEN" });
    expect(parseReturn(RETURN_SAMPLES["returns/decline"], "returns/decline")).toMatchObject({
      id: RETURN_ID,
      orderId: null, // Shopify's decline body names no order
      status: "DECLINED",
      declineReason: "RETURN_PERIOD_ENDED",
      declineNote: "As discussed on the phone, the 30-day return window has ended.",
      lineItems: [],
    });
    for (const [topic, status] of [
      ["returns/cancel", "CANCELED"],
      ["returns/close", "CLOSED"],
      ["returns/reopen", "OPEN"],
    ] as const)
      expect(parseReturn(RETURN_SAMPLES[topic], topic)).toMatchObject({
        id: RETURN_ID,
        gid: GID,
        orderId: ORDER_ID,
        status,
        lineItems: [],
      });
    expect(parseReturn(RETURN_SAMPLES["returns/update"], "returns/update")).toMatchObject({
      id: RETURN_ID, // from the gid: the update body has no numeric id
      orderId: null,
      status: null,
      lineItems: [],
      lineItemRemovals: [{ returnLineItemId: RETURN_LINE_ID, delta: 2 }],
    });
    // Without a topic, any of them parses.
    for (const topic of RETURN_TOPICS) expect(parseReturn(RETURN_SAMPLES[topic]).id).toBe(RETURN_ID);
  });

  it("reads a reason definition and dates when a body has them", () => {
    const body = parse(RETURN_SAMPLES["returns/request"]) as { return_line_items: Array<Record<string, unknown>>; created_at?: string };
    body.return_line_items[0].return_reason_definition = {
      admin_graphql_api_id: "gid://shopify/ReturnReasonDefinition/6",
      handle: "damaged-or-defective",
    };
    body.created_at = "2026-11-20T10:00:00-05:00";
    const facts = parseReturn(stringify(body)!, "returns/request");
    expect(facts.lineItems[0]!.reasonDefinition).toEqual({ id: "gid://shopify/ReturnReasonDefinition/6", handle: "damaged-or-defective" });
    expect(facts.createdAt).toBe("2026-11-20T10:00:00-05:00");
  });

  it("refuses a body in another topic's state: a signed decline is no approval", () => {
    expect(refusal(RETURN_SAMPLES["returns/decline"], "returns/approve")).toBe(
      "a returns/approve body is about a OPEN return; this one's status is DECLINED",
    );
    expect(refusal(RETURN_SAMPLES["returns/approve"], "returns/request")).toMatch(/returns\/request body is about a REQUESTED return/);
    expect(refusal(RETURN_SAMPLES["returns/close"], "returns/reopen")).toMatch(/status is CLOSED/);
    expect(refusal(RETURN_SAMPLES["returns/update"], "returns/close")).toBe(
      "a returns/close body states the return's status; this one has no status",
    );
    expect(refusal(RETURN_SAMPLES["returns/close"], "returns/update")).toBe("a returns/update body has no status; this one says CLOSED");
    expect(refusal(RETURN_SAMPLES["returns/close"], "returns/decline")).toMatch(/DECLINED/);
    expect(refusal(`{"id":1,"status":"declined"}`, "returns/decline")).toBe("a returns/decline body has no decline object");
    expect(refusal(`{"id":1,"status":"requested","order":{"id":2}}`, "returns/request")).toBe(
      "a returns/request body has no return_line_items array",
    );
  });

  it("refuses bad bodies with the field named", () => {
    const req = RETURN_SAMPLES["returns/request"];
    expect(refusal(`{"status":"open"}`)).toBe("id is missing");
    expect(refusal(`[]`)).toBe("return body is not a JSON object");
    expect(refusal(`{"id":-1}`)).toMatch(/^id -1 is not a numeric id/);
    expect(refusal(`{"id":1,"admin_graphql_api_id":"gid://shopify/Order/1"}`)).toMatch(
      /^admin_graphql_api_id "gid:\/\/shopify\/Order\/1" is not a gid:\/\/shopify\/Return\/ id/,
    );
    expect(refusal(`{"id":1,"admin_graphql_api_id":"gid://shopify/Return/2"}`)).toBe("admin_graphql_api_id names Return 2, but id is 1");
    expect(refusal(`{"id":1,"status":"shipped"}`)).toBe('status "shipped" is not a return status');
    expect(refusal(`{"id":1,"order":{"id":2},"order_id":3}`)).toBe("order.id is 2, but order_id is 3");
    expect(refusal(`{"id":1,"order":"#1001"}`)).toBe("order is not an object");
    expect(refusal(req.replace('"quantity":1', '"quantity":-1'))).toMatch(/^return_line_items\[0\]\.quantity -1 is not a whole number/);
    expect(refusal(req.replace('"quantity":1', '"quantity":"one"'))).toMatch(/^return_line_items\[0\]\.quantity "one"/);
    expect(refusal(req.replace(`"fulfillment_line_item":{"id":${FULFILLMENT_LINE_ID}`, `"fulfillment_line_item":{"id":"x"`))).toMatch(
      /^return_line_items\[0\]\.fulfillment_line_item\.id "x" is not a numeric id/,
    );
    expect(refusal(req.replace(`"line_item":{"id":${LINE_ITEM_ID}`, `"line_item":{"id":12345678901234567890123`))).toMatch(
      /^return_line_items\[0\]\.fulfillment_line_item\.line_item\.id 12345678901234567890123 is not a numeric id/,
    );
    expect(refusal(req.replace('"return_reason":"defective"', '"return_reason":"<script>"'))).toMatch(
      /^return_line_items\[0\]\.return_reason "<script>" is not a reason code/,
    );
    expect(refusal(req.replace('"customer_note":"It', '"customer_note":7,"x":"It'))).toBe(
      "return_line_items[0].customer_note 7 is not a string",
    );
    expect(refusal(req.replace('"customer_note":"It', `"customer_note":"${"x".repeat(6000)}`))).toBe(
      "return_line_items[0].customer_note is longer than 5000 characters",
    );
    expect(refusal(req.replace('"return_line_items":[', '"return_line_items":[null,'))).toBe("return_line_items[0] is not an object");
    expect(refusal(RETURN_SAMPLES["returns/decline"].replace('"return_period_ended"', '"too_late"'))).toBe(
      'decline.reason "too_late" is not a decline reason',
    );
    expect(refusal(RETURN_SAMPLES["returns/update"].replace('"delta":2', '"delta":2.5'))).toMatch(
      /^return_line_items\.removals\[0\]\.delta 2\.5/,
    );
    expect(refusal(`{"id":1,"created_at":"2026-02-30T00:00:00Z"}`)).toMatch(/^created_at is not a date/);
    expect(refusal(req, "returns/update")).toBe("a returns/update body has no status; this one says REQUESTED");
  });

  it("a NUL or broken Unicode in a note becomes U+FFFD", () => {
    const facts = parseReturn(RETURN_SAMPLES["returns/request"].replace("It stopped", "It\\u0000 stopped \\ud800"));
    expect(facts.lineItems[0]!.customerNote).toBe("It\uFFFD stopped \uFFFD grinding after a week.");
  });
});
