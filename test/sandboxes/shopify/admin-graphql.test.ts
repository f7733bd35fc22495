import { request as httpRequest } from "node:http";
import { ADMIN_API_VERSION } from "../../../integrations/shopify/api-version.ts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { adminGraphql, INVALID_TOKEN_BODY, startAdminSandbox, type AdminSandbox, type SandboxProduct } from "./admin-graphql.ts";

const SHOP = "coffee-corner.myshopify.com";
const TOKEN = "shpat_sandbox_token";

function product(k: number, extra: Partial<SandboxProduct> = {}): SandboxProduct {
  const id = (9007199254740993n + BigInt(k)).toString();
  return {
    id,
    title: `Product ${k}`,
    productType: k % 2 ? "Espresso Machine" : "Filters",
    vendor: k % 3 ? "Breville" : "Baratza",
    tags: k % 2 ? ["warranty-24m"] : ["no-warranty"],
    variants: [{ id: (9007199254800000n + BigInt(k)).toString(), title: "Default Title", sku: `SKU-${k}`, price: "19.99" }],
    ...extra,
  };
}

let sb: AdminSandbox;
const q = (query: string, variables?: Record<string, unknown>, token = TOKEN) => adminGraphql(sb, SHOP, token, query, variables);

beforeAll(async () => {
  sb = await startAdminSandbox();
  sb.addShop(SHOP, TOKEN, {
    name: "Coffee Corner",
    currencyCode: "USD",
    email: "owner@coffee-corner.test",
    ianaTimezone: "America/New_York",
  });
  sb.setProducts(
    SHOP,
    Array.from({ length: 23 }, (_, i) => product(i + 1)),
  );
});
afterAll(async () => {
  await sb?.close();
});

describe("admin sandbox: answers", () => {
  it("answers a valid query with data and Shopify's cost extension", async () => {
    const { status, body } = await q(`{ shop { name currencyCode email ianaTimezone myshopifyDomain id } }`);
    expect(status).toBe(200);
    expect(body.errors).toBeUndefined();
    expect(body.data.shop).toEqual({
      name: "Coffee Corner",
      currencyCode: "USD",
      email: "owner@coffee-corner.test",
      ianaTimezone: "America/New_York",
      myshopifyDomain: SHOP,
      id: expect.stringMatching(/^gid:\/\/shopify\/Shop\/\d+$/),
    });
    expect(body.extensions.cost).toMatchObject({
      requestedQueryCost: expect.any(Number),
      actualQueryCost: expect.any(Number),
      throttleStatus: { maximumAvailable: 2000, currentlyAvailable: expect.any(Number), restoreRate: 100 },
    });
    expect(sb.requests.at(-1)).toMatchObject({ shop: SHOP, status: 200 });
  });

  it("routes by Host header as well as by /shops/<shop> prefix", async () => {
    // fetch() may not set Host, so speak plain node:http as a custom-domain client would.
    const port = Number(new URL(sb.url).port);
    const payload = JSON.stringify({ query: "{ shop { name } }" });
    const res = await new Promise<{ status: number; json: () => Promise<any> }>((resolve, reject) => {
      const req = httpRequest(
        {
          host: "127.0.0.1",
          port,
          method: "POST",
          path: `/admin/api/${ADMIN_API_VERSION}/graphql.json`,
          headers: { Host: SHOP, "Content-Type": "application/json", "X-Shopify-Access-Token": TOKEN },
        },
        (r) => {
          const chunks: Buffer[] = [];
          r.on("data", (c: Buffer) => chunks.push(c));
          r.on("end", () => resolve({ status: r.statusCode ?? 0, json: async () => JSON.parse(Buffer.concat(chunks).toString()) }));
        },
      );
      req.on("error", reject);
      req.end(payload);
    });
    expect(res.status).toBe(200);
    expect((await res.json()).data.shop.name).toBe("Coffee Corner");
  });

  it("404s an unknown API version and an unknown shop", async () => {
    const res = await fetch(sb.graphqlUrl(SHOP, "2019-13"), {
      method: "POST",
      headers: { "Content-Type": "application/json", "X-Shopify-Access-Token": TOKEN },
      body: JSON.stringify({ query: "{ shop { name } }" }),
    });
    expect(res.status).toBe(404);
    // It holds one schema: a call made with any other (stale) version fails here, not in a store.
    expect((await adminGraphql(sb, SHOP, TOKEN, "{ shop { name } }", undefined, "2024-10")).status).toBe(404);
    expect((await adminGraphql(sb, "nope.myshopify.com", TOKEN, "{ shop { name } }")).status).toBe(404);
  });

  it("401s a wrong access token with Shopify's body", async () => {
    const { status, body } = await q(`{ shop { name } }`, undefined, "shpat_wrong");
    expect(status).toBe(401);
    expect(body).toEqual(INVALID_TOKEN_BODY);
    expect(body.errors).toBe("[API] Invalid API key or access token (unrecognized login or wrong password)");
  });

  it("mocks fields it does not model, with schema-true values", async () => {
    const { body } = await q(
      `{ orders(first: 2) { edges { node { id createdAt totalPriceSet { shopMoney { amount currencyCode } } } } pageInfo { hasNextPage } } }`,
    );
    expect(body.errors).toBeUndefined();
    const node = body.data.orders.edges[0].node;
    expect(node.id).toMatch(/^gid:\/\/shopify\/Order\/\d+$/);
    expect(Number.isNaN(Date.parse(node.createdAt))).toBe(false);
    expect(node.totalPriceSet.shopMoney.amount).toMatch(/^\d+\.\d+$/);
    expect(body.data.orders.pageInfo.hasNextPage).toBe(false);
  });
});

describe("admin sandbox: rejects what Shopify rejects", () => {
  it("rejects a misspelled field with errors and no data", async () => {
    const { status, body } = await q(`{ product(id: "gid://shopify/Product/9007199254740994") { id titel } }`);
    expect(status).toBe(200);
    expect(body.data).toBeUndefined();
    expect(body.errors[0]).toMatchObject({
      message: "Field 'titel' doesn't exist on type 'Product'",
      locations: [{ line: 1, column: expect.any(Number) }],
      extensions: { code: "undefinedField", typeName: "Product", fieldName: "titel" },
    });
  });

  it("rejects a missing required argument", async () => {
    const { body } = await q(`{ product { id } }`);
    expect(body.data).toBeUndefined();
    expect(body.errors[0]).toMatchObject({
      message: "Field 'product' is missing required arguments: id",
      extensions: { code: "missingRequiredArguments" },
    });
  });

  it("rejects a missing required input field in a mutation", async () => {
    const { body } = await q(
      `mutation { metafieldsSet(metafields: [{ ownerId: "gid://shopify/Product/9007199254740994", key: "k" }]) { userErrors { message } } }`,
    );
    expect(body.data).toBeUndefined();
    expect(body.errors[0].extensions.code).toBe("argumentLiteralsIncompatible");
  });

  it("rejects a variable of the wrong type", async () => {
    const { body } = await q(`query($first: Int!) { products(first: $first) { nodes { id } } }`, { first: "ten" });
    expect(body.data).toBeUndefined();
    expect(body.errors[0]).toMatchObject({
      message: expect.stringContaining("Variable $first of type Int! was provided invalid value"),
      extensions: { code: "INVALID_VARIABLE", value: "ten", problems: [{ path: [], explanation: expect.any(String) }] },
    });
  });

  it("rejects a missing non-null variable and a bad nested input field", async () => {
    const missing = await q(`query($id: ID!) { product(id: $id) { id } }`, {});
    expect(missing.body.errors[0].extensions).toMatchObject({
      code: "INVALID_VARIABLE",
      problems: [{ path: [], explanation: "Expected value to not be null" }],
    });
    const nested = await q(`mutation($m: [MetafieldsSetInput!]!) { metafieldsSet(metafields: $m) { userErrors { message } } }`, {
      m: [{ ownerId: "gid://shopify/Product/9007199254740994", key: "warranty", value: "24", typ: "number_integer" }],
    });
    expect(nested.body.data).toBeUndefined();
    expect(nested.body.errors[0].extensions.code).toBe("INVALID_VARIABLE");
    expect(nested.body.errors[0].extensions.problems[0].path).toEqual([0, "typ"]);
  });

  it("rejects a variable type that does not fit the argument", async () => {
    const { body } = await q(`query($id: String!) { product(id: $id) { id } }`, { id: "x" });
    expect(body.data).toBeUndefined();
    expect(body.errors[0].extensions.code).toBe("variableMismatch");
  });

  it("rejects custom scalars that are not well formed, and unused variables", async () => {
    const doc = `mutation($url: URL!) { webhookSubscriptionCreate(topic: ORDERS_PAID, webhookSubscription: { callbackUrl: $url, format: JSON }) { webhookSubscription { id } userErrors { field message } } }`;
    const bad = await q(doc, { url: "not a url" });
    expect(bad.body.data).toBeUndefined();
    expect(bad.body.errors[0].extensions.code).toBe("INVALID_VARIABLE");
    const good = await q(doc, { url: "https://postventa.example.com/webhooks" });
    expect(good.body.data.webhookSubscriptionCreate.userErrors).toEqual([]);
    const literal = await q(`{ product(id: "gid://shopify/Product/9007199254740994") { metafield(key: 5) { value } } }`);
    expect(literal.body.errors[0].extensions.code).toBe("argumentLiteralsIncompatible");
    const unused = await q(`query($since: DateTime) { shop { name } }`, { since: "2026-11-02T09:00:00Z" });
    expect(unused.body.errors[0].extensions.code).toBe("variableNotUsed");
  });

  it("answers a parse error in Shopify's shape", async () => {
    const { status, body } = await q(`{ shop { name }`);
    expect(status).toBe(200);
    expect(body.data).toBeUndefined();
    expect(body.errors[0].message).toMatch(/^Parse error on /);
    expect(body.errors[0].locations[0]).toMatchObject({ line: 1 });
  });

  it("requires first or last on connections", async () => {
    const { body } = await q(`{ products { nodes { id } } }`);
    expect(body.errors[0].message).toBe("you must provide one of first or last");
  });
});

describe("admin sandbox: seeded store", () => {
  it("nodes(ids:) returns the seeded products/variants and null for unknown ids", async () => {
    const { body } = await q(
      `query($ids: [ID!]!) { nodes(ids: $ids) { __typename id ... on Product { title legacyResourceId productType vendor tags variants(first: 5) { nodes { id sku price } } } ... on ProductVariant { sku } } }`,
      { ids: ["gid://shopify/Product/9007199254740994", "gid://shopify/Product/1", "gid://shopify/ProductVariant/9007199254800001"] },
    );
    expect(body.errors).toBeUndefined();
    const [p, missing, v] = body.data.nodes;
    expect(p).toEqual({
      __typename: "Product",
      id: "gid://shopify/Product/9007199254740994",
      title: "Product 1",
      legacyResourceId: "9007199254740994",
      productType: "Espresso Machine",
      vendor: "Breville",
      tags: ["warranty-24m"],
      variants: { nodes: [{ id: "gid://shopify/ProductVariant/9007199254800001", sku: "SKU-1", price: "19.99" }] },
    });
    expect(missing).toBeNull();
    expect(v).toEqual({ __typename: "ProductVariant", id: "gid://shopify/ProductVariant/9007199254800001", sku: "SKU-1" });
  });

  it("product(id:) finds a product and answers null for an unknown one", async () => {
    const { body } = await q(
      `{ a: product(id: "gid://shopify/Product/9007199254740995") { title } b: product(id: "gid://shopify/Product/42") { title } }`,
    );
    expect(body.data).toEqual({ a: { title: "Product 2" }, b: null });
  });

  it("products pagination walks every page exactly once", async () => {
    const seen: string[] = [];
    let after: string | null = null;
    let pages = 0;
    for (;;) {
      const { body } = await q(
        `query($after: String) { products(first: 5, after: $after) { edges { cursor node { id } } pageInfo { hasNextPage endCursor } } }`,
        { after },
      );
      expect(body.errors).toBeUndefined();
      pages++;
      const conn = body.data.products;
      seen.push(...conn.edges.map((e: { node: { id: string } }) => e.node.id));
      if (!conn.pageInfo.hasNextPage) break;
      after = conn.pageInfo.endCursor;
      expect(pages).toBeLessThan(10);
    }
    expect(pages).toBe(5);
    expect(seen).toHaveLength(23);
    expect(new Set(seen).size).toBe(23);
  });

  it("products(query:) filters by tag", async () => {
    const { body } = await q(`{ products(first: 50, query: "tag:warranty-24m") { nodes { tags } } }`);
    expect(body.data.products.nodes).toHaveLength(12);
    expect(body.data.products.nodes.every((n: { tags: string[] }) => n.tags.includes("warranty-24m"))).toBe(true);
  });

  it("tagsAdd adds tags to a product, and answers userErrors for an unknown id", async () => {
    const ok = await q(
      `mutation($id: ID!, $tags: [String!]!) { tagsAdd(id: $id, tags: $tags) { node { id ... on Product { tags } } userErrors { field message } } }`,
      { id: "gid://shopify/Product/9007199254740996", tags: ["postventa-registered"] },
    );
    expect(ok.body.data.tagsAdd.userErrors).toEqual([]);
    expect(ok.body.data.tagsAdd.node.tags).toEqual(["postventa-registered", "warranty-24m"]);
    expect(sb.tagsOf(SHOP, "gid://shopify/Product/9007199254740996")).toContain("postventa-registered");
    const bad = await q(`mutation { tagsAdd(id: "gid://shopify/Product/1", tags: ["x"]) { node { id } userErrors { field message } } }`);
    expect(bad.body.data.tagsAdd).toEqual({ node: null, userErrors: [{ field: ["id"], message: "Resource not found" }] });
  });

  it("metafieldsSet stores valid metafields and rejects bad values", async () => {
    const set = await q(
      `mutation($m: [MetafieldsSetInput!]!) { metafieldsSet(metafields: $m) { metafields { key namespace value type } userErrors { field message code } } }`,
      {
        m: [
          {
            ownerId: "gid://shopify/Product/9007199254740994",
            namespace: "postventa",
            key: "warranty_months",
            type: "number_integer",
            value: "24",
          },
        ],
      },
    );
    expect(set.body.data.metafieldsSet).toEqual({
      metafields: [{ key: "warranty_months", namespace: "postventa", value: "24", type: "number_integer" }],
      userErrors: [],
    });
    const read = await q(
      `{ product(id: "gid://shopify/Product/9007199254740994") { metafield(namespace: "postventa", key: "warranty_months") { value } } }`,
    );
    expect(read.body.data.product.metafield).toEqual({ value: "24" });
    const bad = await q(
      `mutation { metafieldsSet(metafields: [{ ownerId: "gid://shopify/Product/9007199254740994", namespace: "postventa", key: "x1", type: "number_integer", value: "two" }]) { metafields { id } userErrors { field code } } }`,
    );
    expect(bad.body.data.metafieldsSet.userErrors[0]).toEqual({ field: ["metafields", "0", "value"], code: "INVALID_VALUE" });
  });

  it("other mutations answer a mocked payload with userErrors: []", async () => {
    const { body } = await q(
      `mutation { customerUpdate(input: { id: "gid://shopify/Customer/9007199254740993", tags: ["vip"] }) { customer { id } userErrors { field message } } }`,
    );
    expect(body.errors).toBeUndefined();
    expect(body.data.customerUpdate.userErrors).toEqual([]);
    expect(body.data.customerUpdate.customer.id).toMatch(/^gid:\/\/shopify\/Customer\/\d+$/);
    expect(body.extensions.cost.requestedQueryCost).toBeGreaterThanOrEqual(10);
  });
});

describe("admin sandbox: throttling", () => {
  it("answers THROTTLED when the bucket cannot pay for the query, then recovers", async () => {
    sb.throttle(SHOP, { available: 0, restoreRate: 0 });
    const { status, body } = await q(`{ products(first: 50) { nodes { id title } } }`);
    expect(status).toBe(200);
    expect(body.data).toBeUndefined();
    expect(body.errors).toEqual([
      { message: "Throttled", extensions: { code: "THROTTLED", documentation: "https://shopify.dev/api/usage/rate-limits" } },
    ]);
    expect(body.extensions.cost).toMatchObject({
      requestedQueryCost: 52,
      actualQueryCost: null,
      throttleStatus: { maximumAvailable: 2000, currentlyAvailable: 0, restoreRate: 0 },
    });
    expect(sb.requests.at(-1)?.errors).toBeDefined();
    sb.throttle(SHOP, { available: 2000, restoreRate: 100 });
    const again = await q(`{ products(first: 50) { nodes { id title } } }`);
    expect(again.body.data.products.nodes).toHaveLength(23);
    expect(again.body.extensions.cost.throttleStatus.currentlyAvailable).toBeLessThanOrEqual(2000 - 52 + 1);
  });

  it("rejects a single query above the max cost", async () => {
    const { body } = await q(`{ products(first: 250) { nodes { variants(first: 250) { nodes { id } } } } }`);
    expect(body.errors[0].extensions.code).toBe("MAX_COST_EXCEEDED");
  });
});

// ---------------------------------------------------------------------------------------------
// Reward grants: code discounts, store credit, scopes and faults
// ---------------------------------------------------------------------------------------------

const BASIC_CREATE = `mutation($input: DiscountCodeBasicInput!) { discountCodeBasicCreate(basicCodeDiscount: $input) { codeDiscountNode { id codeDiscount { __typename ... on DiscountCodeBasic { title status asyncUsageCount usageLimit appliesOncePerCustomer context { __typename ... on DiscountCustomers { customers { id } } } customerGets { value { ... on DiscountAmount { amount { amount currencyCode } } } items { ... on AllDiscountItems { allItems } } } minimumRequirement { ... on DiscountMinimumSubtotal { greaterThanOrEqualToSubtotal { amount } } } codes(first: 1) { nodes { code } } } } } userErrors { field message code extraInfo } } }`;
const FREE_SHIPPING_CREATE = `mutation($input: DiscountCodeFreeShippingInput!) { discountCodeFreeShippingCreate(freeShippingCodeDiscount: $input) { codeDiscountNode { id codeDiscount { __typename ... on DiscountCodeFreeShipping { status destinationSelection { __typename ... on DiscountCountryAll { allCountries } } } } } userErrors { field message code extraInfo } } }`;
const BY_CODE = `query($code: String!) { codeDiscountNodeByCode(code: $code) { id codeDiscount { ... on DiscountCodeBasic { status asyncUsageCount codes(first: 1) { nodes { code } } } ... on DiscountCodeFreeShipping { status } } } }`;
const CREDIT = `mutation($id: ID!, $input: StoreCreditAccountCreditInput!) { storeCreditAccountCredit(id: $id, creditInput: $input) { storeCreditAccountTransaction { id amount { amount currencyCode } balanceAfterTransaction { amount currencyCode } event expiresAt account { id balance { amount currencyCode } } } userErrors { field message code } } }`;
const CUSTOMER = "gid://shopify/Customer/7001";
const inAYear = new Date(Date.now() + 365 * 86_400_000).toISOString();

function basicInput(code: string, extra: Record<string, unknown> = {}) {
  return {
    title: `Reward ${code}`,
    code,
    startsAt: new Date(Date.now() - 60_000).toISOString(),
    endsAt: inAYear,
    context: { customers: { add: [CUSTOMER] } },
    customerGets: { value: { discountAmount: { amount: "10.00", appliesOnEachItem: false } }, items: { all: true } },
    minimumRequirement: { subtotal: { greaterThanOrEqualToSubtotal: "50.00" } },
    usageLimit: 1,
    appliesOncePerCustomer: true,
    combinesWith: { orderDiscounts: false, productDiscounts: true, shippingDiscounts: true },
    ...extra,
  };
}

function freeShippingInput(code: string, extra: Record<string, unknown> = {}) {
  return {
    title: `Free shipping ${code}`,
    code,
    startsAt: new Date(Date.now() - 60_000).toISOString(),
    endsAt: inAYear,
    context: { customers: { add: [CUSTOMER] } },
    destination: { all: true },
    usageLimit: 1,
    appliesOncePerCustomer: true,
    combinesWith: { orderDiscounts: true, productDiscounts: true, shippingDiscounts: false },
    ...extra,
  };
}

describe("admin sandbox: code discounts", () => {
  it("discountCodeBasicCreate creates a single-use code for one customer, in the shop's currency", async () => {
    const { body } = await q(BASIC_CREATE, { input: basicInput("THANKS-A1") });
    expect(body.errors).toBeUndefined();
    const { codeDiscountNode, userErrors } = body.data.discountCodeBasicCreate;
    expect(userErrors).toEqual([]);
    expect(codeDiscountNode.id).toMatch(/^gid:\/\/shopify\/DiscountCodeNode\/\d+$/);
    expect(codeDiscountNode.codeDiscount).toEqual({
      __typename: "DiscountCodeBasic",
      title: "Reward THANKS-A1",
      status: "ACTIVE",
      asyncUsageCount: 0,
      usageLimit: 1,
      appliesOncePerCustomer: true,
      context: { __typename: "DiscountCustomers", customers: [{ id: CUSTOMER }] },
      customerGets: { value: { amount: { amount: "10.0", currencyCode: "USD" } }, items: { allItems: true } },
      minimumRequirement: { greaterThanOrEqualToSubtotal: { amount: "50.0" } },
      codes: { nodes: [{ code: "THANKS-A1" }] },
    });
    expect(sb.discountsOf(SHOP).find((d) => d.code === "THANKS-A1")).toMatchObject({
      id: codeDiscountNode.id,
      type: "DiscountCodeBasic",
      customers: [CUSTOMER],
      amount: "10.0",
      minimumSubtotal: "50.0",
      usageLimit: 1,
      appliesOncePerCustomer: true,
      combinesWith: { orderDiscounts: false, productDiscounts: true, shippingDiscounts: true },
      usageCount: 0,
    });
  });

  it("refuses a code already taken, whatever its case, with Shopify's TAKEN userError", async () => {
    const before = sb.discountsOf(SHOP).length;
    const { body } = await q(BASIC_CREATE, { input: basicInput("thanks-a1") });
    expect(body.data.discountCodeBasicCreate).toEqual({
      codeDiscountNode: null,
      userErrors: [
        {
          field: ["basicCodeDiscount", "code"],
          message: "Code must be unique. Please try a different code.",
          code: "TAKEN",
          extraInfo: null,
        },
      ],
    });
    // Taken across discount types too.
    const free = await q(FREE_SHIPPING_CREATE, { input: freeShippingInput("Thanks-A1") });
    expect(free.body.data.discountCodeFreeShippingCreate.userErrors[0]).toMatchObject({
      field: ["freeShippingCodeDiscount", "code"],
      code: "TAKEN",
    });
    expect(sb.discountsOf(SHOP)).toHaveLength(before);
  });

  it("codeDiscountNodeByCode finds a code case-insensitively, with its usage; null for an unknown code", async () => {
    const found = await q(BY_CODE, { code: "thanks-A1" });
    expect(found.body.data.codeDiscountNodeByCode).toMatchObject({
      id: sb.discountsOf(SHOP).find((d) => d.code === "THANKS-A1")!.id,
      codeDiscount: { status: "ACTIVE", asyncUsageCount: 0, codes: { nodes: [{ code: "THANKS-A1" }] } },
    });
    sb.useDiscountCode(SHOP, "thanks-a1");
    expect((await q(BY_CODE, { code: "THANKS-A1" })).body.data.codeDiscountNodeByCode.codeDiscount.asyncUsageCount).toBe(1);
    expect((await q(BY_CODE, { code: "NO-SUCH-CODE" })).body.data.codeDiscountNodeByCode).toBeNull();
  });

  it("derives the status from the dates: scheduled before startsAt, expired after endsAt", async () => {
    const soon = new Date(Date.now() + 3_600_000).toISOString();
    await q(BASIC_CREATE, { input: basicInput("LATER-1", { startsAt: soon, endsAt: new Date(Date.now() + 7_200_000).toISOString() }) });
    expect((await q(BY_CODE, { code: "LATER-1" })).body.data.codeDiscountNodeByCode.codeDiscount.status).toBe("SCHEDULED");
    sb.advanceClock(3 * 3_600_000);
    try {
      expect((await q(BY_CODE, { code: "LATER-1" })).body.data.codeDiscountNodeByCode.codeDiscount.status).toBe("EXPIRED");
    } finally {
      sb.resetClock();
    }
  });

  it("answers Shopify's userErrors for invalid input and creates nothing", async () => {
    const before = sb.discountsOf(SHOP).length;
    const errorsOf = async (input: Record<string, unknown>) => (await q(BASIC_CREATE, { input })).body.data.discountCodeBasicCreate;
    expect(await errorsOf(basicInput("DATES-1", { endsAt: new Date(Date.now() - 86_400_000).toISOString() }))).toEqual({
      codeDiscountNode: null,
      userErrors: [
        { field: ["basicCodeDiscount", "endsAt"], message: "Ends at needs to be after starts_at", code: "INVALID", extraInfo: null },
      ],
    });
    // Shopify stores the amount negated, hence its wording.
    expect(
      (await errorsOf(basicInput("NEG-1", { customerGets: { value: { discountAmount: { amount: "-5" } }, items: { all: true } } })))
        .userErrors,
    ).toEqual([
      {
        field: ["basicCodeDiscount", "customerGets", "value", "discountAmount", "amount"],
        message: "Value must be less than or equal to 0",
        code: "LESS_THAN_OR_EQUAL_TO",
        extraInfo: null,
      },
    ]);
    expect((await errorsOf(basicInput("LIMIT-1", { usageLimit: 0 }))).userErrors).toEqual([
      { field: ["basicCodeDiscount", "usageLimit"], message: "Usage limit must be greater than 0", code: "GREATER_THAN", extraInfo: null },
    ]);
    expect((await errorsOf(basicInput("", { title: " " }))).userErrors).toEqual([
      { field: ["basicCodeDiscount", "title"], message: "Title can't be blank", code: "BLANK", extraInfo: null },
      { field: ["basicCodeDiscount", "code"], message: "Code is too short (minimum is 1 character)", code: "TOO_SHORT", extraInfo: null },
    ]);
    expect((await errorsOf(basicInput("BOTH-1", { customerSelection: { all: true } }))).userErrors).toEqual([
      {
        field: ["basicCodeDiscount", "context"],
        message: "Only one of context or customerSelection can be provided.",
        code: "INVALID",
        extraInfo: null,
      },
    ]);
    expect(sb.discountsOf(SHOP)).toHaveLength(before);
    // Shopify accepts a zero amount.
    expect(
      (await errorsOf(basicInput("ZERO-1", { customerGets: { value: { discountAmount: { amount: "0" } }, items: { all: true } } })))
        .userErrors,
    ).toEqual([]);
  });

  it("a percentage off is a fraction from 0 to 1, read back as DiscountPercentage; out of range, both values or none are refused", async () => {
    const VALUE = `mutation($input: DiscountCodeBasicInput!) { discountCodeBasicCreate(basicCodeDiscount: $input) { codeDiscountNode { codeDiscount { ... on DiscountCodeBasic { customerGets { value { __typename ... on DiscountPercentage { percentage } ... on DiscountAmount { amount { amount } } } } } } } userErrors { field message code } } }`;
    const create = async (code: string, value: Record<string, unknown>) =>
      (await q(VALUE, { input: basicInput(code, { customerGets: { value, items: { all: true } } }) })).body.data.discountCodeBasicCreate;
    const ok = await create("PCT-10", { percentage: 0.1 });
    expect(ok).toEqual({
      codeDiscountNode: { codeDiscount: { customerGets: { value: { __typename: "DiscountPercentage", percentage: 0.1 } } } },
      userErrors: [],
    });
    expect(sb.discountsOf(SHOP).find((d) => d.code === "PCT-10")).toMatchObject({ amount: null, percentage: 0.1, minimumSubtotal: "50.0" });
    expect((await create("PCT-100", { percentage: 1 })).userErrors).toEqual([]);

    const before = sb.discountsOf(SHOP).length;
    const outside = [
      {
        field: ["basicCodeDiscount", "customerGets", "value", "percentage"],
        message: "Value must be between 0.0 and 1.0",
        code: "VALUE_OUTSIDE_RANGE",
      },
    ];
    expect(await create("PCT-150", { percentage: 1.5 })).toEqual({ codeDiscountNode: null, userErrors: outside });
    expect((await create("PCT-NEG", { percentage: -0.1 })).userErrors).toEqual(outside);
    expect((await create("PCT-BOTH", { percentage: 0.1, discountAmount: { amount: "5.00" } })).userErrors).toEqual([
      {
        field: ["basicCodeDiscount", "customerGets", "value"],
        message: "Only one of discountAmount or percentage can be provided.",
        code: "TOO_MANY_ARGUMENTS",
      },
    ]);
    expect((await create("PCT-NONE", {})).userErrors).toEqual([
      { field: ["basicCodeDiscount", "customerGets", "value"], message: "Value can't be blank", code: "BLANK" },
    ]);
    expect(sb.discountsOf(SHOP)).toHaveLength(before);
  });

  it("discountCodeFreeShippingCreate creates a code for all countries, and refuses one that combines with shipping discounts", async () => {
    const ok = await q(FREE_SHIPPING_CREATE, { input: freeShippingInput("SHIPFREE-1") });
    expect(ok.body.data.discountCodeFreeShippingCreate).toMatchObject({
      codeDiscountNode: {
        codeDiscount: {
          __typename: "DiscountCodeFreeShipping",
          status: "ACTIVE",
          destinationSelection: { __typename: "DiscountCountryAll", allCountries: true },
        },
      },
      userErrors: [],
    });
    expect(sb.discountsOf(SHOP).find((d) => d.code === "SHIPFREE-1")).toMatchObject({
      type: "DiscountCodeFreeShipping",
      destination: "all",
      customers: [CUSTOMER],
    });
    const bad = await q(FREE_SHIPPING_CREATE, { input: freeShippingInput("SHIPFREE-2", { combinesWith: { shippingDiscounts: true } }) });
    expect(bad.body.data.discountCodeFreeShippingCreate.userErrors).toEqual([
      {
        field: ["freeShippingCodeDiscount", "combinesWith"],
        message: "The combinesWith settings are not valid for the discount class.",
        code: "INVALID_COMBINES_WITH_FOR_DISCOUNT_CLASS",
        extraInfo: null,
      },
    ]);
  });

  it("refuses a customer it does not know, once it knows the shop's customers", async () => {
    const shop = "known-customers.myshopify.com";
    sb.addShop(shop, "shpat_known");
    sb.addResource(shop, CUSTOMER);
    const create = (input: Record<string, unknown>) => adminGraphql(sb, shop, "shpat_known", BASIC_CREATE, { input });
    expect((await create(basicInput("KNOWN-1"))).body.data.discountCodeBasicCreate.userErrors).toEqual([]);
    const unknown = await create(basicInput("KNOWN-2", { context: { customers: { add: ["gid://shopify/Customer/404"] } } }));
    expect(unknown.body.data.discountCodeBasicCreate.userErrors).toEqual([
      {
        field: ["basicCodeDiscount", "context", "customers", "add"],
        message: "Customer with id: 404 is invalid",
        code: "INVALID",
        extraInfo: null,
      },
    ]);
  });
});

describe("admin sandbox: store credit", () => {
  const account = (shop = SHOP, customer = CUSTOMER) => sb.storeCreditOf(shop, customer);

  it("storeCreditAccountCredit opens the customer's account in that currency and adds to its balance", async () => {
    const first = await q(CREDIT, { id: CUSTOMER, input: { creditAmount: { amount: "7.23", currencyCode: "USD" } } });
    expect(first.body.errors).toBeUndefined();
    const tx = first.body.data.storeCreditAccountCredit.storeCreditAccountTransaction;
    expect(first.body.data.storeCreditAccountCredit.userErrors).toEqual([]);
    expect(tx).toMatchObject({
      id: expect.stringMatching(/^gid:\/\/shopify\/StoreCreditAccountCreditTransaction\/\d+$/),
      amount: { amount: "7.23", currencyCode: "USD" },
      balanceAfterTransaction: { amount: "7.23", currencyCode: "USD" },
      event: "ADJUSTMENT",
      expiresAt: null,
      account: {
        id: expect.stringMatching(/^gid:\/\/shopify\/StoreCreditAccount\/\d+$/),
        balance: { amount: "7.23", currencyCode: "USD" },
      },
    });
    // By account id as well as by customer id.
    const second = await q(CREDIT, {
      id: tx.account.id,
      input: { creditAmount: { amount: "1.11", currencyCode: "USD" }, expiresAt: inAYear },
    });
    expect(second.body.data.storeCreditAccountCredit.storeCreditAccountTransaction.balanceAfterTransaction.amount).toBe("8.34");
    // Another currency is another account.
    await q(CREDIT, { id: CUSTOMER, input: { creditAmount: { amount: "5", currencyCode: "EUR" } } });
    expect(account().map((a) => [a.currency, a.balance, a.transactions.length])).toEqual([
      ["USD", "8.34", 2],
      ["EUR", "5.0", 1],
    ]);
  });

  it("answers Shopify's userErrors, first problem only, and credits nothing", async () => {
    const usd = account().find((a) => a.currency === "USD")!;
    const credit = async (id: string, input: Record<string, unknown>) =>
      (await q(CREDIT, { id, input })).body.data.storeCreditAccountCredit;
    const past = new Date(Date.now() - 86_400_000).toISOString();
    expect(await credit(CUSTOMER, { creditAmount: { amount: "-1", currencyCode: "USD" }, expiresAt: past })).toEqual({
      storeCreditAccountTransaction: null,
      userErrors: [{ field: ["creditInput", "expiresAt"], message: "The expiry date must be in the future", code: "EXPIRES_AT_IN_PAST" }],
    });
    expect((await credit(CUSTOMER, { creditAmount: { amount: "0", currencyCode: "USD" } })).userErrors).toEqual([
      {
        field: ["creditInput", "creditAmount", "amount"],
        message: "A positive amount must be used to credit a store credit account",
        code: "NEGATIVE_OR_ZERO_AMOUNT",
      },
    ]);
    expect((await credit(usd.id, { creditAmount: { amount: "1", currencyCode: "CAD" } })).userErrors).toEqual([
      {
        field: ["creditInput", "creditAmount", "currencyCode"],
        message: "The currency provided does not match the currency of the store credit account",
        code: "MISMATCHING_CURRENCY",
      },
    ]);
    expect((await credit("gid://shopify/StoreCreditAccount/1", { creditAmount: { amount: "1", currencyCode: "USD" } })).userErrors).toEqual(
      [{ field: ["id"], message: "Store credit account does not exist", code: "ACCOUNT_NOT_FOUND" }],
    );
    expect((await credit("gid://shopify/Product/1", { creditAmount: { amount: "1", currencyCode: "USD" } })).userErrors).toEqual([
      { field: ["id"], message: "Owner does not exist", code: "OWNER_NOT_FOUND" },
    ]);
    expect(account().find((a) => a.currency === "USD")!.balance).toBe(usd.balance);
  });

  it("refuses an owner it does not know, once it knows the shop's customers", async () => {
    const r = await adminGraphql(sb, "known-customers.myshopify.com", "shpat_known", CREDIT, {
      id: "gid://shopify/Customer/404",
      input: { creditAmount: { amount: "1", currencyCode: "USD" } },
    });
    expect(r.body.data.storeCreditAccountCredit.userErrors).toEqual([
      { field: ["id"], message: "Owner does not exist", code: "OWNER_NOT_FOUND" },
    ]);
  });

  it("reads the customer's accounts by currency and their credits, newest first", async () => {
    const { body } = await q(
      `query($id: ID!) { customer(id: $id) { storeCreditAccounts(first: 5, query: "currency_code:USD") { nodes { currency: balance { currencyCode } balance { amount } transactions(first: 5, reverse: true, query: "type:credit") { nodes { ... on StoreCreditAccountCreditTransaction { amount { amount } expiresAt } } pageInfo { hasNextPage } } } } } }`,
      { id: CUSTOMER },
    );
    expect(body.errors).toBeUndefined();
    expect(body.data.customer.storeCreditAccounts.nodes).toEqual([
      {
        currency: { currencyCode: "USD" },
        balance: { amount: "8.34" },
        transactions: {
          nodes: [
            { amount: { amount: "1.11" }, expiresAt: inAYear },
            { amount: { amount: "7.23" }, expiresAt: null },
          ],
          pageInfo: { hasNextPage: false },
        },
      },
    ]);
  });

  it("credits again when the same @idempotent key is sent twice: Shopify documents no idempotency for this mutation", async () => {
    const doc = CREDIT.replace("creditInput: $input)", 'creditInput: $input) @idempotent(key: "redemption-42")');
    const customer = "gid://shopify/Customer/7002";
    await q(doc, { id: customer, input: { creditAmount: { amount: "3", currencyCode: "USD" } } });
    const again = await q(doc, { id: customer, input: { creditAmount: { amount: "3", currencyCode: "USD" } } });
    expect(again.body.errors).toBeUndefined();
    expect(sb.storeCreditOf(SHOP, customer)[0]!.balance).toBe("6.0");
  });
});

describe("admin sandbox: scopes the shop granted", () => {
  const shop = "no-discounts.myshopify.com";
  beforeAll(() => sb.addShop(shop, "shpat_scoped", { scopes: "read_orders,read_customers,read_products" }));

  it("answers Shopify's ACCESS_DENIED for a reward mutation without its write scope, and creates nothing", async () => {
    const { status, body } = await adminGraphql(sb, shop, "shpat_scoped", BASIC_CREATE, { input: basicInput("DENIED-1") });
    expect(status).toBe(200);
    expect(body.data).toEqual({ discountCodeBasicCreate: null });
    expect(body.errors).toEqual([
      {
        message: "Access denied for discountCodeBasicCreate field. Required access: `write_discounts` access scope.",
        locations: [{ line: 1, column: expect.any(Number) }],
        path: ["discountCodeBasicCreate"],
        extensions: {
          code: "ACCESS_DENIED",
          documentation: "https://shopify.dev/api/usage/access-scopes",
          requiredAccess: "`write_discounts` access scope.",
        },
      },
    ]);
    const credit = await adminGraphql(sb, shop, "shpat_scoped", CREDIT, {
      id: CUSTOMER,
      input: { creditAmount: { amount: "1", currencyCode: "USD" } },
    });
    expect(credit.body.errors[0].message).toBe(
      "Access denied for storeCreditAccountCredit field. Required access: `write_store_credit_account_transactions` access scope.",
    );
    expect((await adminGraphql(sb, shop, "shpat_scoped", BY_CODE, { code: "X" })).body.errors[0].extensions.code).toBe("ACCESS_DENIED");
    expect(sb.discountsOf(shop)).toEqual([]);
    expect(sb.storeCreditOf(shop, CUSTOMER)).toEqual([]);
  });

  it("a write scope grants its read scope", async () => {
    const granted = "granted.myshopify.com";
    sb.addShop(granted, "shpat_granted", { scopes: "write_discounts,write_store_credit_account_transactions" });
    expect(
      (await adminGraphql(sb, granted, "shpat_granted", BASIC_CREATE, { input: basicInput("OK-1") })).body.data.discountCodeBasicCreate
        .userErrors,
    ).toEqual([]);
    expect((await adminGraphql(sb, granted, "shpat_granted", BY_CODE, { code: "ok-1" })).body.data.codeDiscountNodeByCode).not.toBeNull();
    // Reading accounts needs read_store_credit_accounts, which this shop did not grant.
    const read = await adminGraphql(
      sb,
      granted,
      "shpat_granted",
      `query($id: ID!) { customer(id: $id) { storeCreditAccounts(first: 1) { nodes { id } } } }`,
      {
        id: CUSTOMER,
      },
    );
    expect(read.body.errors[0]).toMatchObject({ path: ["customer", "storeCreditAccounts"], extensions: { code: "ACCESS_DENIED" } });
  });
});

describe("admin sandbox: reward faults", () => {
  const shop = "faulty.myshopify.com";
  const token = "shpat_faulty";
  beforeAll(() => sb.addShop(shop, token));
  const create = (code: string, init: { signal?: AbortSignal } = {}) =>
    fetch(sb.graphqlUrl(shop), {
      method: "POST",
      headers: { "Content-Type": "application/json", "X-Shopify-Access-Token": token },
      body: JSON.stringify({ query: BASIC_CREATE, variables: { input: basicInput(code) } }),
      ...init,
    });

  it("error: answers 5xx without creating, for the next N reward calls only; other documents answer as usual", async () => {
    sb.faultRewards(shop, { mode: "error", status: 502, calls: 2 });
    expect((await create("FAULT-1")).status).toBe(502);
    expect((await adminGraphql(sb, shop, token, "{ shop { name } }")).status).toBe(200);
    expect((await create("FAULT-1")).status).toBe(502);
    expect(sb.discountsOf(shop)).toEqual([]);
    expect((await create("FAULT-1")).status).toBe(200);
    expect(sb.discountsOf(shop).map((d) => d.code)).toEqual(["FAULT-1"]);
  });

  it("slow: creates at once but answers late, so a client that gives up at its timeout sees nothing", async () => {
    sb.faultRewards(shop, { mode: "slow", delayMs: 400 });
    await expect(create("SLOW-1", { signal: AbortSignal.timeout(100) })).rejects.toThrow();
    expect(sb.discountsOf(shop).map((d) => d.code)).toContain("SLOW-1");
    const late = await create("SLOW-2");
    expect(late.status).toBe(200);
    sb.faultRewards(shop, null);
  });

  it("drop: creates, then closes the connection without an answer", async () => {
    sb.faultRewards(shop, { mode: "drop", calls: 1 });
    await expect(create("DROP-1")).rejects.toThrow();
    expect(sb.discountsOf(shop).map((d) => d.code)).toContain("DROP-1");
    expect((await create("DROP-2")).status).toBe(200);
  });
});
