// The app's single Shopify instance (as in Shopify's Remix template).
import "@shopify/shopify-app-remix/adapters/node";
import { AppDistribution, shopifyApp } from "@shopify/shopify-app-remix/server";
import { PrismaSessionStorage } from "@shopify/shopify-app-session-storage-prisma";
import prisma from "./db.server";
import { config } from "./config.server";
import { markInstalled, queueShopProfile, refreshShopProfile } from "./shops.server";
import { log } from "./log.server";
import { ADMIN_API_VERSION } from "../integrations/shopify/api-version";
import { routeAdminCallsToSandbox } from "../integrations/shopify/admin-base-url.server";
import { withOfflineAdmin as withOfflineAdminOf } from "../integrations/shopify/offline-admin.server";
import type { AdminGraphql } from "../integrations/shopify/admin.server";

const settings = config();
routeAdminCallsToSandbox(settings.SHOPIFY_ADMIN_BASE_URL);

const shopify = shopifyApp({
  apiKey: settings.SHOPIFY_API_KEY,
  apiSecretKey: settings.SHOPIFY_API_SECRET,
  apiVersion: ADMIN_API_VERSION,
  scopes: settings.SCOPES.split(","),
  appUrl: settings.SHOPIFY_APP_URL,
  authPathPrefix: "/auth",
  sessionStorage: new PrismaSessionStorage(prisma),
  distribution: AppDistribution.AppStore,
  future: { unstable_newEmbeddedAuthStrategy: true, expiringOfflineAccessTokens: true },
  hooks: {
    afterAuth: async ({ session, admin }) => {
      await markInstalled(session.shop);
      // The shop's name, currency and time zone (the dashboard's days). The page load must not fail
      // for them: if Shopify cannot answer now, the shop_profile job asks again with retries.
      await refreshShopProfile(session.shop, admin.graphql).catch(async (error: unknown) => {
        log.warn("shop profile not read at install; queued", { shop: session.shop, error: String(error) });
        await queueShopProfile(session.shop);
      });
    },
  },
  logger: { level: settings.SHOPIFY_LOG_LEVEL === "debug" ? 3 : 1 },
  ...(settings.SHOP_CUSTOM_DOMAIN ? { customShopDomains: [settings.SHOP_CUSTOM_DOMAIN] } : {}),
});

export default shopify;
/** The client id this instance was built with: the `aud` its session tokens must name. */
export const clientId = settings.SHOPIFY_API_KEY;
export const addDocumentResponseHeaders = shopify.addDocumentResponseHeaders;
export const authenticate = shopify.authenticate;
export const unauthenticated = shopify.unauthenticated;
export const login = shopify.login;
export const registerWebhooks = shopify.registerWebhooks;
export const sessionStorage = shopify.sessionStorage;

/** Admin GraphQL for a background job, with the shop's offline token kept fresh (see the module). */
export const withOfflineAdmin = <T>(shop: string, call: (graphql: AdminGraphql) => Promise<T>) => withOfflineAdminOf(shopify, shop, call);
