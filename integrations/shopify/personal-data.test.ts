import { describe, expect, it } from "vitest";
import { parse } from "lossless-json";
import { scrubWebhookBody } from "./personal-data";
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
  RETURN_TOPICS,
} from "./payloads";
import { RETURN_SAMPLES } from "../../test/fixtures/shopify-returns";
import { orderFactsWithoutPersonalData } from "../../app/domain/facts";
import { generateStoreWeek } from "../../test/sandboxes/shopify/store-week";
import { shopUpdateBody } from "../../test/sandboxes/shopify/admin-graphql";

// An orders/paid body as Shopify sends it (REST, trimmed of nothing personal).
const ORDER = `{
  "id": 9007199254740993, "admin_graphql_api_id": "gid://shopify/Order/9007199254740993", "app_id": 580111,
  "browser_ip": "203.0.113.77", "buyer_accepts_marketing": true, "cancel_reason": null, "cancelled_at": null,
  "cart_token": "c1-7a2b9e", "checkout_id": 9007199254741201, "checkout_token": "ck-55d0e1", "client_details": {
    "accept_language": "es-ES", "browser_height": 900, "browser_ip": "203.0.113.77", "browser_width": 1440,
    "session_hash": "a1b2c3", "user_agent": "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) Safari/605.1.15"
  },
  "closed_at": null, "confirmation_number": "QWERTY123", "confirmed": true, "contact_email": "ana.garcia@example.com",
  "created_at": "2026-11-02T10:00:00-05:00", "currency": "USD",
  "current_subtotal_price": "105.00", "current_subtotal_price_set": {"shop_money": {"amount": "105.00", "currency_code": "USD"}, "presentment_money": {"amount": "15750", "currency_code": "JPY"}},
  "current_total_price": "118.00", "current_total_tax": "8.00",
  "customer_locale": "es", "discount_codes": [{"code": "ANA-BIRTHDAY", "amount": "10.00", "type": "fixed_amount"}],
  "email": "Ana.Garcia@Example.com", "estimated_taxes": false, "financial_status": "paid", "fulfillment_status": "partial",
  "landing_site": "/?utm_source=newsletter&email=ana.garcia%40example.com", "name": "#1001",
  "note": "Please leave with the concierge, Calle Mayor 12", "note_attributes": [{"name": "gift_message", "value": "Feliz cumple, Ana"}],
  "number": 1, "order_number": 1001, "order_status_url": "https://shop.example/orders/abc/authenticate?key=secret",
  "phone": "+34 600 111 222", "presentment_currency": "JPY", "processed_at": "2026-11-02T10:00:01-05:00",
  "referring_site": "https://mail.example.com/ana", "source_name": "web", "subtotal_price": "105.00",
  "tags": "vip, ana-garcia", "taxes_included": false, "test": false, "token": "tok-123",
  "total_discounts": "10.00", "total_line_items_price": "115.00", "total_price": "118.00",
  "total_price_set": {"shop_money": {"amount": "118.00", "currency_code": "USD"}, "presentment_money": {"amount": "17700", "currency_code": "JPY"}},
  "total_shipping_price_set": {"shop_money": {"amount": "5.00", "currency_code": "USD"}, "presentment_money": {"amount": "750", "currency_code": "JPY"}},
  "total_tax": "8.00", "user_id": null,
  "billing_address": {"first_name": "Ana", "last_name": "García", "address1": "Calle Mayor 12", "address2": "3º B", "city": "Madrid",
    "zip": "28013", "province": "Madrid", "country": "Spain", "phone": "+34 600 111 222", "company": "García Café SL",
    "name": "Ana García", "latitude": 40.4155, "longitude": -3.7074, "country_code": "ES"},
  "shipping_address": {"first_name": "Luis", "last_name": "Pérez", "address1": "Avenida de América 7", "city": "Madrid",
    "zip": "28002", "country": "Spain", "phone": "+34 611 333 444", "name": "Luis Pérez", "latitude": 40.438, "longitude": -3.676},
  "customer": {"id": 9007199254740995, "admin_graphql_api_id": "gid://shopify/Customer/9007199254740995",
    "email": "ana.garcia@example.com", "first_name": "Ana", "last_name": "García", "phone": "+34 600 111 222",
    "note": "Allergic to nuts", "tags": "vip", "state": "enabled", "verified_email": true, "currency": "USD",
    "default_address": {"id": 9007199254741301, "first_name": "Ana", "last_name": "García", "address1": "Calle Mayor 12", "city": "Madrid", "zip": "28013", "phone": "+34 600 111 222"},
    "email_marketing_consent": {"state": "subscribed", "opt_in_level": "single_opt_in"}},
  "discount_applications": [{"type": "discount_code", "code": "ANA-BIRTHDAY", "value": "10.0", "value_type": "fixed_amount"}],
  "line_items": [
    {"id": 9007199254740997, "admin_graphql_api_id": "gid://shopify/LineItem/9007199254740997", "fulfillable_quantity": 1,
     "fulfillment_service": "manual", "fulfillment_status": "partial", "gift_card": false, "grams": 1200, "name": "Kettle - Matte Black",
     "price": "57.50", "price_set": {"shop_money": {"amount": "57.50", "currency_code": "USD"}, "presentment_money": {"amount": "8625", "currency_code": "JPY"}},
     "product_exists": true, "product_id": 9007199254740999, "properties": [{"name": "Engraving", "value": "Para Ana, con amor"}],
     "quantity": 2, "requires_shipping": true, "sku": "KET-BLK", "taxable": true, "title": "Kettle",
     "total_discount": "0.00", "variant_id": 9007199254741001, "variant_title": "Matte Black", "vendor": "Fellow",
     "tax_lines": [{"price": "8.00", "rate": 0.08, "title": "State tax", "price_set": {"shop_money": {"amount": "8.00", "currency_code": "USD"}}}],
     "discount_allocations": [{"amount": "10.00", "amount_set": {"shop_money": {"amount": "10.00", "currency_code": "USD"}}, "discount_application_index": 0}],
     "origin_location": {"id": 1, "address1": "Warehouse 1"}, "destination_location": {"id": 2, "name": "Luis Pérez", "address1": "Avenida de América 7"}}
  ],
  "shipping_lines": [{"id": 9007199254741401, "code": "Standard", "price": "5.00", "discounted_price": "5.00", "title": "Standard",
    "price_set": {"shop_money": {"amount": "5.00", "currency_code": "USD"}}, "phone": "+34 611 333 444", "tax_lines": []}],
  "fulfillments": [{"id": 9007199254741003, "admin_graphql_api_id": "gid://shopify/Fulfillment/9007199254741003", "status": "success",
    "created_at": "2026-11-03T09:00:00Z", "tracking_number": "1Z999AA10123456784", "tracking_urls": ["https://track.example/1Z999"],
    "destination": {"name": "Luis Pérez", "address1": "Avenida de América 7"},
    "line_items": [{"id": 9007199254740997, "quantity": 1, "title": "Kettle", "properties": [{"name": "Engraving", "value": "Para Ana, con amor"}]}]}],
  "refunds": [{"id": 9007199254741101, "order_id": 9007199254740993, "created_at": "2026-11-04T00:00:00Z", "note": "Ana called: dented",
    "user_id": 9007199254741501, "refund_line_items": [{"id": 1, "line_item_id": 9007199254740997, "quantity": 1, "subtotal": "52.50", "total_tax": "4.00",
      "line_item": {"id": 9007199254740997, "properties": [{"name": "Engraving", "value": "Para Ana, con amor"}]}}],
    "transactions": [{"id": 9, "amount": "56.50", "currency": "JPY", "receipt": {"payer_email": "ana.garcia@example.com"}}]}]
}`;

const PERSONAL = [
  "ana",
  "garcía",
  "garcia",
  "luis",
  "pérez",
  "example.com",
  "203.0.113",
  "mozilla",
  "600 111 222",
  "611 333 444",
  "calle mayor",
  "avenida",
  "28013",
  "concierge",
  "feliz",
  "engraving",
  "para ana",
  "allergic",
  "1z999",
  "qwerty123",
  "tok-123",
  "secret",
  "40.41",
  "madrid",
  "café",
  "newsletter",
];

describe("scrubWebhookBody", () => {
  const scrubbed = scrubWebhookBody(ORDER);

  it("keeps no name, email, phone, address, note, IP or free text", () => {
    const lower = scrubbed.toLowerCase();
    expect(PERSONAL.filter((s) => lower.includes(s))).toEqual([]);
    const tree = parse(scrubbed) as Record<string, any>;
    for (const key of [
      "billing_address",
      "shipping_address",
      "client_details",
      "note",
      "note_attributes",
      "browser_ip",
      "email",
      "phone",
      "contact_email",
      "tags",
      "discount_codes",
      "landing_site",
      "order_status_url",
      "token",
    ])
      expect(tree, key).not.toHaveProperty(key);
    expect(Object.keys(tree.customer)).toEqual(["id", "admin_graphql_api_id"]);
    expect(Object.keys(tree.line_items[0])).not.toContain("properties");
    expect(Object.keys(tree.fulfillments[0].line_items[0])).toEqual(["id", "quantity"]);
  });
  it("keeps ids beyond 2^53 exact", () => {
    for (const id of [
      "9007199254740993",
      "9007199254740995",
      "9007199254740997",
      "9007199254740999",
      "9007199254741001",
      "9007199254741003",
    ])
      expect(scrubbed).toContain(id);
    expect(scrubbed).not.toContain("9007199254740992");
  });
  it("parses to the same order, without its personal data", () => {
    const original = parseOrder(ORDER);
    expect(original.email).toBe("ana.garcia@example.com");
    expect(parseOrder(scrubbed)).toEqual(orderFactsWithoutPersonalData(original));
    expect(parseOrder(scrubbed)).toMatchObject({
      id: "9007199254740993",
      name: "#1001",
      email: null,
      shippingMinor: 500,
      taxMinor: 800,
      customer: { id: "9007199254740995", email: null, firstName: null, lastName: null },
      lineItems: [{ id: "9007199254740997", quantity: 2, unitPriceMinor: 5750, discountMinor: 1000, title: "Kettle", vendor: "Fellow" }],
      fulfillments: [{ id: "9007199254741003", lineItems: [{ lineItemId: "9007199254740997", quantity: 1 }] }],
    });
  });
  it("keeps refunds, customers, compliance and app bodies parseable", () => {
    const refund = `{"id":9007199254741101,"order_id":9007199254740993,"created_at":"2026-11-04T00:00:00Z","note":"Ana called","user_id":5,
      "refund_line_items":[{"id":1,"line_item_id":9007199254740997,"quantity":1,"subtotal":"52.50","total_tax":"4.00",
        "subtotal_set":{"shop_money":{"amount":"52.50","currency_code":"USD"},"presentment_money":{"amount":"7875","currency_code":"JPY"}},
        "line_item":{"id":9007199254740997,"properties":[{"name":"Engraving","value":"Para Ana"}]}}],
      "transactions":[{"amount":"8475","currency":"JPY","receipt":{"payer_email":"ana@example.com"}}],
      "order_adjustments":[{"id":3,"kind":"shipping_refund","reason":"Ana's complaint","amount":"-5.00","amount_set":{"shop_money":{"amount":"-5.00","currency_code":"USD"}}}]}`;
    expect(parseRefund(scrubWebhookBody(refund), "USD")).toEqual(parseRefund(refund, "USD"));
    expect(scrubWebhookBody(refund).toLowerCase()).not.toMatch(/ana|engraving|payer/);

    const customer = `{"id":9007199254740995,"email":"ana@example.com","first_name":"Ana","last_name":"García","phone":"+34600111222","tags":"vip",
      "state":"enabled","note":"x","addresses":[{"address1":"Calle Mayor 12"}],"default_address":{"city":"Madrid"},"created_at":"2026-01-01T00:00:00Z"}`;
    expect(scrubWebhookBody(customer)).toBe(`{"id":9007199254740995,"created_at":"2026-01-01T00:00:00Z"}`);
    expect(parseCustomer(scrubWebhookBody(customer))).toMatchObject({
      id: "9007199254740995",
      email: null,
      firstName: null,
      phone: null,
      tags: [],
    });

    const redact = `{"shop_id":954889,"shop_domain":"shop.myshopify.com","customer":{"id":9007199254740995,"email":"ana@example.com","phone":"555"},"orders_to_redact":[9007199254740993]}`;
    expect(parseCustomersRedact(scrubWebhookBody(redact))).toEqual({ ...parseCustomersRedact(redact), email: null, phone: null });
    const request = `{"shop_id":954889,"shop_domain":"shop.myshopify.com","orders_requested":[9007199254740993],"customer":{"id":7,"email":"a@b.co","phone":"1"},"data_request":{"id":9999}}`;
    expect(parseCustomersDataRequest(scrubWebhookBody(request))).toEqual({ ...parseCustomersDataRequest(request), email: null });
    const shopRedact = `{"shop_id":954889,"shop_domain":"shop.myshopify.com"}`;
    expect(parseShopRedact(scrubWebhookBody(shopRedact))).toEqual(parseShopRedact(shopRedact));
    const uninstalled = `{"id":9007199254740999,"name":"Ana García Ceramics","email":"ana@example.com","shop_owner":"Ana García","phone":"555",
      "address1":"Calle Mayor 12","domain":"ana.example","myshopify_domain":"shop.myshopify.com","currency":"USD"}`;
    expect(scrubWebhookBody(uninstalled)).toBe(`{"id":9007199254740999,"myshopify_domain":"shop.myshopify.com","currency":"USD"}`);
    expect(parseAppUninstalled(scrubWebhookBody(uninstalled))).toEqual(parseAppUninstalled(uninstalled));
    const scopes = `{"id":1,"previous":["read_orders"],"current":["read_orders","read_customers"],"updated_at":"2026-01-01T00:00:00Z"}`;
    expect(parseAppScopesUpdate(scrubWebhookBody(scopes))).toEqual(parseAppScopesUpdate(scopes));
    const shopUpdate = shopUpdateBody({
      shop: "shop.myshopify.com",
      shopNum: 1,
      data: { name: "Ana García Ceramics", currencyCode: "MXN", email: "ana@example.com", ianaTimezone: "America/Mexico_City" },
      updatedAt: "2026-11-20T10:00:00-06:00",
    });
    // The shop's name may be its owner's: dropped like app/uninstalled's; the stored name then stays.
    expect(parseShopUpdate(scrubWebhookBody(shopUpdate))).toEqual({ ...parseShopUpdate(shopUpdate), name: null });
    expect(scrubWebhookBody(shopUpdate)).not.toMatch(/Ana|example\.com/);
  });
  it("keeps every returns/* body parseable as its topic, without notes", () => {
    for (const topic of RETURN_TOPICS) {
      const scrubbed = scrubWebhookBody(RETURN_SAMPLES[topic]);
      const facts = parseReturn(RETURN_SAMPLES[topic], topic);
      expect(parseReturn(scrubbed, topic), topic).toEqual({
        ...facts,
        lineItems: facts.lineItems.map((l) => ({ ...l, customerNote: null, returnReasonNote: null })),
        declineNote: null,
      });
      expect(scrubbed.toLowerCase(), topic).not.toMatch(/grinding|phone|window/);
    }
    expect(parseReturn(scrubWebhookBody(RETURN_SAMPLES["returns/request"])).name).toBe("#1001-R1");
    expect(scrubWebhookBody(RETURN_SAMPLES["returns/update"])).toContain('"delta":2');
  });
  it("drops what it does not know, and anything unreadable", () => {
    expect(
      scrubWebhookBody(
        `{"id":1,"brand_new_field":{"email":"a@b.co"},"customer":"a@b.co","line_items":[{"id":2,"price":{"email":"x"}}, "a@b.co"]}`,
      ),
    ).toBe(`{"id":1,"line_items":[{"id":2},null]}`);
    expect(scrubWebhookBody("not json")).toBe("{}");
    expect(scrubWebhookBody(`["a@b.co"]`)).toBe("{}");
    expect(scrubWebhookBody(`{"__proto__":{"email":"a@b.co"},"constructor":"a@b.co","id":1}`)).toBe(`{"id":1}`);
    expect(scrubWebhookBody(`{"line_items":[{"title":"K\\u0000\\ud800"}]}`)).toBe(`{"line_items":[{"title":"K\uFFFD\uFFFD"}]}`);
  });
  it("every body of a simulated store week parses the same after scrubbing, less personal data", () => {
    const week = generateStoreWeek({ shop: "week.myshopify.com", seed: 3, orders: 60, customers: 20 });
    for (const e of week.events) {
      const scrubbed = scrubWebhookBody(e.rawBody);
      if (e.topic === "refunds/create") expect(parseRefund(scrubbed, "USD")).toEqual(parseRefund(e.rawBody, "USD"));
      else if (e.topic.startsWith("customers/")) expect(parseCustomer(scrubbed).id).toBe(parseCustomer(e.rawBody).id);
      else expect(parseOrder(scrubbed)).toEqual(orderFactsWithoutPersonalData(parseOrder(e.rawBody)));
      for (const c of week.customers) expect(scrubbed).not.toContain(c.email);
    }
  });
});
