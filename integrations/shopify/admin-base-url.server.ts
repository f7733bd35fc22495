// Shopify's library builds its Admin URLs itself — `https://{shop}/admin/oauth/access_token` for
// token exchange and refresh, `https://{shop}/admin/api/{version}/graphql.json` for queries — and
// sends them through the fetch its runtime adapter installed. In dev and tests,
// SHOPIFY_ADMIN_BASE_URL names a local Admin sandbox: this is the one place those URLs are
// re-pointed to `{base}/shops/{shop}/admin/...`. Unset (production), nothing changes.
import "@shopify/shopify-app-remix/adapters/node";
import { setAbstractFetchFunc } from "@shopify/shopify-api/runtime";

export function sandboxAdminUrl(base: string, url: string): string {
  const u = new URL(url);
  if (u.protocol !== "https:" || !u.pathname.startsWith("/admin/")) return url;
  return `${base.replace(/\/$/, "")}/shops/${u.host}${u.pathname}${u.search}`;
}

export function routeAdminCallsToSandbox(base: string | undefined): void {
  if (!base) return;
  const fetchShopify = globalThis.fetch;
  setAbstractFetchFunc((input, init) =>
    fetchShopify(sandboxAdminUrl(base, typeof input === "string" ? input : input instanceof URL ? input.href : input.url), init),
  );
}
