// A shop's Admin API for background jobs, with its offline token as the library keeps it.
// `unauthenticated.admin(shop)` loads the stored session and, when the token is expired (or within
// five minutes of it), refreshes it with the refresh grant and stores the rotated pair — exactly
// what the library does for an admin page load. A token Shopify refuses anyway (another process
// rotated it, our clock is behind, or it was revoked early) is marked expired in storage and
// loaded again, so the library refreshes it; the call is retried once.
import { SessionNotFoundError, type Session } from "@shopify/shopify-app-remix/server";
import { AdminUnauthorized, type AdminGraphql } from "./admin.server";

// What app/shopify.server.ts's instance offers, narrowed to what this needs.
export interface OfflineShopify {
  unauthenticated: { admin(shop: string): Promise<{ session: Session; admin: { graphql: AdminGraphql } }> };
  sessionStorage: { loadSession(id: string): Promise<Session | undefined>; storeSession(session: Session): Promise<boolean> };
}

/** No stored session (never installed, or uninstalled), or no token Shopify accepts. */
export type NoAdmin = { noAdmin: "no_session" | "unauthorized" };

export async function withOfflineAdmin<T>(
  shopify: OfflineShopify,
  shop: string,
  call: (graphql: AdminGraphql) => Promise<T>,
): Promise<T | NoAdmin> {
  const first = await load(shopify, shop);
  if ("noAdmin" in first) return first;
  try {
    return await call(first.admin.graphql);
  } catch (error) {
    if (!(error instanceof AdminUnauthorized)) throw error;
  }
  const again = await refresh(shopify, shop, first.session);
  if ("noAdmin" in again) return again;
  try {
    return await call(again.admin.graphql);
  } catch (error) {
    if (error instanceof AdminUnauthorized) return { noAdmin: "unauthorized" };
    throw error;
  }
}

type Loaded = { session: Session; admin: { graphql: AdminGraphql } } | NoAdmin;

async function load(shopify: OfflineShopify, shop: string): Promise<Loaded> {
  try {
    return await shopify.unauthenticated.admin(shop);
  } catch (error) {
    if (error instanceof SessionNotFoundError) return { noAdmin: "no_session" };
    // The library reports a refresh Shopify refused (and any other failed refresh) as a thrown
    // 500 Response: no usable token.
    if (error instanceof Response) return { noAdmin: "unauthorized" };
    throw error;
  }
}

async function refresh(shopify: OfflineShopify, shop: string, refused: Session): Promise<Loaded> {
  const stored = await shopify.sessionStorage.loadSession(refused.id);
  if (!stored) return { noAdmin: "no_session" };
  // Rotated by another process since we loaded it: its token is the live one.
  if (stored.accessToken !== refused.accessToken) return load(shopify, shop);
  if (!stored.refreshToken) return { noAdmin: "unauthorized" };
  stored.expires = new Date(Date.now() - 1);
  await shopify.sessionStorage.storeSession(stored);
  return load(shopify, shop);
}
