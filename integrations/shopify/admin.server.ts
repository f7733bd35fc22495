// Shopify Admin GraphQL for background jobs, with the shop's offline token. Plain graphql-request
// client; the base URL is Shopify's unless SHOPIFY_ADMIN_BASE_URL points at a local sandbox.
import { GraphQLClient, ClientError } from "graphql-request";
import type { ProductFacts } from "../../app/domain/warranty";
import { ADMIN_API_VERSION } from "./api-version";

// Every Admin document the app sends is exported from here and validated against the schema of
// ADMIN_API_VERSION (test/contracts) by admin-documents.test.ts and by the Admin sandbox.
export const PRODUCT_FACTS_QUERY = /* GraphQL */ `
  query ProductFacts($ids: [ID!]!) {
    nodes(ids: $ids) {
      ... on Product { id legacyResourceId title productType vendor tags }
    }
  }
`;

export function adminEndpoint(shop: string): string {
  const base = process.env.SHOPIFY_ADMIN_BASE_URL;
  return base ? `${base.replace(/\/$/, "")}/shops/${shop}/admin/api/${ADMIN_API_VERSION}/graphql.json` : `https://${shop}/admin/api/${ADMIN_API_VERSION}/graphql.json`;
}

export class AdminApiError extends Error {}

export async function fetchProductFacts(shop: string, accessToken: string, productIds: string[]): Promise<Array<ProductFacts & { title: string }>> {
  if (!productIds.length) return [];
  const client = new GraphQLClient(adminEndpoint(shop), { headers: { "X-Shopify-Access-Token": accessToken } });
  type Node = { id: string; legacyResourceId: string; title: string; productType: string; vendor: string; tags: string[] } | null;
  try {
    const data = await client.request<{ nodes: Node[] }>(PRODUCT_FACTS_QUERY, { ids: productIds.map((id) => `gid://shopify/Product/${id}`) });
    return data.nodes.filter((n): n is NonNullable<Node> => !!n && !!n.legacyResourceId).map((n) => ({
      productId: n.legacyResourceId,
      title: n.title,
      productType: n.productType || null,
      vendor: n.vendor || null,
      tags: n.tags,
    }));
  } catch (error) {
    // THROTTLED and other errors: let the queue retry later with backoff.
    if (error instanceof ClientError) throw new AdminApiError(`Admin API: ${error.response.errors?.map((e) => e.message).join("; ") ?? error.response.status}`);
    throw error;
  }
}
