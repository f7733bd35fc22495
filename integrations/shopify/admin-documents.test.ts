// Every Admin GraphQL document the app sends validates against Shopify's schema of the app's one
// API version, and that version is the one the webhook subscriptions ask for.
import { readFileSync, readdirSync } from "node:fs";
import path from "node:path";
import { createRequire } from "node:module";
import { describe, expect, it } from "vitest";
import { loadAdminSchema } from "../../test/sandboxes/shopify/admin-graphql";
import { ADMIN_API_VERSION } from "./api-version";
import * as admin from "./admin.server";
import * as rewards from "./rewards.server";
import * as returns from "./returns.server";

const graphql = createRequire(import.meta.url)("graphql") as typeof import("graphql");
const ROOT = path.resolve(import.meta.dirname, "../..");
const DOCUMENTS: Record<string, string> = {
  PRODUCT_FACTS_QUERY: admin.PRODUCT_FACTS_QUERY,
  SHOP_PROFILE_QUERY: admin.SHOP_PROFILE_QUERY,
  REWARD_CODE_BASIC_CREATE: rewards.REWARD_CODE_BASIC_CREATE,
  REWARD_CODE_FREE_SHIPPING_CREATE: rewards.REWARD_CODE_FREE_SHIPPING_CREATE,
  REWARD_STORE_CREDIT: rewards.REWARD_STORE_CREDIT,
  REWARD_CODE_LOOKUP: rewards.REWARD_CODE_LOOKUP,
  REWARD_SHOP_CURRENCY: rewards.REWARD_SHOP_CURRENCY,
  REWARD_STORE_CREDIT_HISTORY: rewards.REWARD_STORE_CREDIT_HISTORY,
  RETURNABLE_UNITS_QUERY: returns.RETURNABLE_UNITS_QUERY,
  RETURNABLE_FULFILLMENT_LINES_QUERY: returns.RETURNABLE_FULFILLMENT_LINES_QUERY,
  RETURN_REASONS_QUERY: returns.RETURN_REASONS_QUERY,
  SUGGESTED_RETURN_REASONS_QUERY: returns.SUGGESTED_RETURN_REASONS_QUERY,
  RETURN_REQUEST: returns.RETURN_REQUEST,
  RETURN_APPROVE: returns.RETURN_APPROVE,
  RETURN_DECLINE: returns.RETURN_DECLINE,
  RETURN_CANCEL: returns.RETURN_CANCEL,
  RETURN_CLOSE: returns.RETURN_CLOSE,
  RETURN_REOPEN: returns.RETURN_REOPEN,
  ORDER_RETURNS_QUERY: returns.ORDER_RETURNS_QUERY,
  RETURN_QUERY: returns.RETURN_QUERY,
  REPLACEMENT_DRAFT_ORDER_CREATE: returns.REPLACEMENT_DRAFT_ORDER_CREATE,
  DRAFT_ORDERS_BY_TAG_QUERY: returns.DRAFT_ORDERS_BY_TAG_QUERY,
};

function sources(dir: string): string[] {
  return readdirSync(path.join(ROOT, dir), { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && /\.tsx?$/.test(e.name) && !e.name.includes(".test."))
    .map((e) => path.join(e.parentPath, e.name));
}

describe("Admin GraphQL documents", () => {
  it(`validate against Shopify's ${ADMIN_API_VERSION} Admin schema`, () => {
    const schema = loadAdminSchema();
    for (const [name, doc] of Object.entries(DOCUMENTS))
      expect({ name, errors: graphql.validate(schema, graphql.parse(doc)).map((e) => e.message) }).toEqual({ name, errors: [] });
    // None of them selects a deprecated field.
    for (const [name, doc] of Object.entries(DOCUMENTS))
      expect({
        name,
        deprecated: graphql.validate(schema, graphql.parse(doc), [graphql.NoDeprecatedCustomRule]).map((e) => e.message),
      }).toEqual({
        name,
        deprecated: [],
      });
    // The check can fail: a field that does not exist is refused.
    expect(graphql.validate(schema, graphql.parse(admin.PRODUCT_FACTS_QUERY.replace("productType", "productKind"))).length).toBeGreaterThan(
      0,
    );
  });

  it("are all listed here: no other app source holds a GraphQL document", () => {
    const tagged = [...sources("app"), ...sources("integrations"), ...sources("server")].flatMap((file) =>
      [...readFileSync(file, "utf8").matchAll(/\/\* GraphQL \*\/ `([^`]*)`/g)].map((m) => m[1]!.trim()),
    );
    expect(tagged.sort()).toEqual(
      Object.values(DOCUMENTS)
        .map((d) => d.trim())
        .sort(),
    );
    const untagged = [...sources("app"), ...sources("integrations"), ...sources("server")].filter((file) =>
      /`\s*(query|mutation)\s+\w+\s*[({]/.test(readFileSync(file, "utf8").replace(/\/\* GraphQL \*\/ `/g, "")),
    );
    expect(untagged).toEqual([]);
  });

  it("the schema in test/contracts is the API version's", () => {
    expect(readdirSync(path.join(ROOT, "test/contracts")).filter((f) => f.endsWith(".json.gz"))).toEqual([
      `shopify-admin-${ADMIN_API_VERSION}.json.gz`,
    ]);
  });
});

describe("API version", () => {
  it("shopify.app.toml subscribes to webhooks with the app's API version", () => {
    const toml = readFileSync(path.join(ROOT, "shopify.app.toml"), "utf8");
    const webhooks = /^\[webhooks\]\s*$([\s\S]*?)(?=^\[[^[])/m.exec(toml)?.[1] ?? "";
    expect(/^\s*api_version\s*=\s*"([^"]+)"/m.exec(webhooks)?.[1]).toBe(ADMIN_API_VERSION);
  });
});
