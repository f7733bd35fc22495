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
