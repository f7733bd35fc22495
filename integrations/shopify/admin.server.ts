// Shopify Admin GraphQL for background jobs, through the library's client (the same calls, headers
// and URLs as any request the library makes; app/shopify.server.ts gives it a shop's offline token).
import type { AdminApiContext } from "@shopify/shopify-app-remix/server";
import { GraphqlQueryError, HttpResponseError } from "@shopify/shopify-api";
import type { ProductFacts } from "../../app/domain/warranty";
import type { ShopProfile } from "../../app/domain/facts";

export type AdminGraphql = AdminApiContext["graphql"];

// Every Admin document the app sends is exported from here and validated against the schema of
// ADMIN_API_VERSION (test/contracts) by admin-documents.test.ts and by the Admin sandbox.
export const PRODUCT_FACTS_QUERY = /* GraphQL */ `
  query ProductFacts($ids: [ID!]!) {
    nodes(ids: $ids) {
      ... on Product {
        id
        legacyResourceId
        title
        productType
        vendor
        tags
      }
    }
  }
`;

// The shop's name, currency and time zone (the dashboard's days: decision 0024). Read at install
// and by the shop_profile job; shop/update keeps them current after that.
export const SHOP_PROFILE_QUERY = /* GraphQL */ `
  query ShopProfile {
    shop {
      name
      currencyCode
      ianaTimezone
      updatedAt
    }
  }
`;

export async function fetchShopProfile(graphql: AdminGraphql): Promise<ShopProfile> {
  try {
    const res = await graphql(SHOP_PROFILE_QUERY);
    const { data } = (await res.json()) as {
      data: { shop: { name: string; currencyCode: string; ianaTimezone: string; updatedAt: string } };
    };
    const { name, currencyCode, ianaTimezone, updatedAt } = data.shop;
    return { name, currency: currencyCode, ianaTimezone, updatedAt };
  } catch (error) {
    if (error instanceof HttpResponseError && error.response.code === 401) throw new AdminUnauthorized(error.message);
    throw error;
  }
}

/** Shopify refused the token (expired, rotated by another process, or revoked). */
export class AdminUnauthorized extends Error {}

export type ProductFactsAnswer = { products: Array<ProductFacts & { title: string }> } | { unavailable: "throttled" };

// A throttled query waits for the bucket to refill what it costs (Shopify's answer says how much
// and how fast), a few times; past that the caller decides what to do without the facts.
const THROTTLE_TRIES = 4;
const MAX_THROTTLE_WAIT_MS = 2_000;

export async function fetchProductFacts(graphql: AdminGraphql, productIds: string[]): Promise<ProductFactsAnswer> {
  type Node = { id: string; legacyResourceId: string; title: string; productType: string; vendor: string; tags: string[] } | null;
  for (let attempt = 1; ; attempt++) {
    try {
      const res = await graphql(PRODUCT_FACTS_QUERY, { variables: { ids: productIds.map((id) => `gid://shopify/Product/${id}`) } });
      const { data } = (await res.json()) as { data: { nodes: Node[] } };
      const products = data.nodes
        .filter((n): n is NonNullable<Node> => !!n && !!n.legacyResourceId)
        .map((n) => ({
          productId: n.legacyResourceId,
          title: n.title,
          productType: n.productType || null,
          vendor: n.vendor || null,
          tags: n.tags,
        }));
      return { products };
    } catch (error) {
      if (error instanceof HttpResponseError && error.response.code === 401) throw new AdminUnauthorized(error.message);
      const wait = throttledWaitMs(error);
      if (wait === null) throw error; // anything else (5xx, network): the queue retries with backoff
      if (attempt >= THROTTLE_TRIES) return { unavailable: "throttled" };
      await new Promise((r) => setTimeout(r, wait));
    }
  }
}

/** How long to wait before retrying a THROTTLED answer, or null when the error is something else. */
export function throttledWaitMs(error: unknown): number | null {
  if (!(error instanceof GraphqlQueryError)) return null;
  const body = error.body as
    | {
        errors?: { graphQLErrors?: Array<{ extensions?: { code?: string } }> };
        extensions?: { cost?: { requestedQueryCost: number; throttleStatus: { currentlyAvailable: number; restoreRate: number } } };
      }
    | undefined;
  if (!body?.errors?.graphQLErrors?.some((e) => e.extensions?.code === "THROTTLED")) return null;
  const cost = body.extensions?.cost;
  const perSecond = cost?.throttleStatus.restoreRate ?? 0;
  const missing = cost ? cost.requestedQueryCost - cost.throttleStatus.currentlyAvailable : Infinity;
  return Math.min(MAX_THROTTLE_WAIT_MS, perSecond > 0 ? Math.max(50, (missing / perSecond) * 1000) : MAX_THROTTLE_WAIT_MS);
}
