import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { gunzipSync } from "node:zlib";
import { createRequire } from "node:module";
import { parseCustomersRedact, parseOrder, parseRefund, PayloadError } from "./payloads";
import { PRODUCT_FACTS_QUERY } from "./admin.server";

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
    expect(o.lineItems[0]).toMatchObject({ id: "9007199254740997", productId: "9007199254740999", unitPriceMinor: 5750, discountMinor: 1000, quantity: 2 });
    expect(o.fulfillments[0].lineItems[0]).toEqual({ lineItemId: "9007199254740997", quantity: 1 });
    expect(o.email).toBe("ana@example.com");
    expect(o.shippingMinor).toBe(500);
  });
  it("names the missing field", () => {
    expect(() => parseOrder(`{"id":1,"currency":"USD","created_at":"x"}`)).toThrow(/line_items/);
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

describe("Admin GraphQL documents", () => {
  it("validate against Shopify's published 2025-01 Admin schema", () => {
    const graphql = createRequire(import.meta.url)("graphql") as typeof import("graphql");
    const json = JSON.parse(gunzipSync(readFileSync(process.env.SHOPIFY_ADMIN_SCHEMA ?? new URL("../../test/contracts/shopify-admin-2025-01.json.gz", import.meta.url))).toString());
    const schema = graphql.buildClientSchema(json.data);
    expect(graphql.validate(schema, graphql.parse(PRODUCT_FACTS_QUERY)).map((e) => e.message)).toEqual([]);
    expect(graphql.validate(schema, graphql.parse(PRODUCT_FACTS_QUERY.replace("productType", "productKind"))).length).toBeGreaterThan(0);
  });
});
