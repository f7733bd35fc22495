/**
 * Local stand-in for App Bridge (https://cdn.shopify.com/shopifycloud/app-bridge.js), served to a
 * Playwright browser context through request routing: the machines have no network, and App Bridge
 * is what makes an embedded page work after its first load.
 *
 * What it reproduces of the real script, as Shopify documents it (App Home: Config, ID Token,
 * Resource Fetching, Toast, Loading APIs):
 * - the `shopify` global, defined before the page's own scripts run on (the script tag that
 *   `@shopify/shopify-app-remix`'s AppProvider renders, `data-api-key`);
 * - `shopify.config`: `apiKey` from the tag (or `<meta name="shopify-api-key">`), `shop`, `host` and
 *   `locale` from the admin's first-load query (the admin puts them in the iframe's URL), kept for
 *   the document's life although the app's own navigations drop them from the URL;
 * - `shopify.idToken()`: a fresh session token for each call, signed in the test's process exactly
 *   as Shopify signs them (HS256 with the app's secret, `dest` the shop, `aud` the client id, a
 *   one-minute life: ./signing.ts) — the page never holds the secret;
 * - the fetch interceptor: every `fetch` to the app's own origin carries `Authorization: Bearer
 *   <fresh token>` and the admin's locale in `Accept-Language` (unless the caller set them), and is
 *   sent once more with a new token when the answer carries `X-Shopify-Retry-Invalid-Session-Request:
 *   1` (what `@shopify/shopify-app-remix` answers a stale token). Requests elsewhere go untouched.
 *   Remix's loaders and fetchers go through `fetch`, so every merchant action is authenticated as in
 *   the admin;
 * - `shopify.toast.show/hide` and `shopify.loading()`: no admin to draw them, so they are recorded
 *   for the test to read (`AppBridge.toasts`, `AppBridge.loading`);
 * - `<ui-nav-menu>`, `<ui-title-bar>`, `<ui-save-bar>`, `<ui-modal>`: the real ones are drawn by the
 *   admin outside the iframe, so inside it they show nothing; here they show nothing and do nothing
 *   (a modal's `show()`/`hide()` are no-ops: a test cannot see a `<ui-modal>`'s content).
 * What it leaves out: the admin around the iframe (navigation chrome, the title bar, drawing modals
 * and toasts), the redirect of a page opened outside the admin to admin.shopify.com, `shopify:admin/`
 * Direct API fetches, resource pickers, `shopify.user()`, `shopify.environment` beyond `embedded`,
 * the `disabledFeatures` and `appOrigins` meta tags (the app sets none: only the app's own origin is
 * authenticated), and the `shopify:navigate` events the admin's navigation menu sends.
 */
import type { BrowserContext } from "playwright-core";
import { sessionToken } from "./signing.ts";

export const APP_BRIDGE_URL = "https://cdn.shopify.com/shopifycloud/app-bridge.js";

export interface AppBridgeOptions {
  apiKey: string;
  secret: string;
  shop: string;
  /** The staff member's user id (the token's `sub`). Default "42". */
  userId?: string;
}

export interface AppBridge {
  /** Every `shopify.toast.show(message, options)` of the pages in this context, in order. */
  toasts: { message: string; options?: Record<string, unknown> }[];
  /** The last `shopify.loading(on)` state. */
  loading: boolean;
  /** How many session tokens the pages asked for (one per authenticated fetch, plus idToken() calls). */
  tokensIssued: number;
  /** A session token as the admin gives this context's pages (also for the iframe's first URL). */
  idToken(): string;
}

// The page's side: plain JavaScript, sent as the script's body. It reaches the test's process only
// through the bindings installAppBridge exposes (__appBridgeIdToken, __appBridgeRecord).
const SCRIPT = String.raw`(() => {
  if (window.shopify) return;
  const tag = document.currentScript;
  const first = new URLSearchParams(location.search);
  const meta = document.querySelector('meta[name="shopify-api-key"]');
  const config = Object.freeze({
    apiKey: (tag && tag.dataset.apiKey) || (meta && meta.content) || "",
    shop: first.get("shop") || "",
    host: first.get("host") || "",
    locale: first.get("locale") || navigator.language,
    disabledFeatures: [], // the app disables none
  });
  const idToken = () => window.__appBridgeIdToken();
  let toastId = 0;
  window.shopify = {
    config,
    idToken,
    environment: { embedded: true, mobile: false, pos: false },
    toast: {
      show(message, options) {
        window.__appBridgeRecord({ kind: "toast", message: String(message), options: options || undefined });
        return "toast-" + ++toastId;
      },
      hide() {},
    },
    loading(on) {
      window.__appBridgeRecord({ kind: "loading", on: on !== false });
    },
  };

  const pageFetch = window.fetch.bind(window);
  const send = async (request) => {
    const headers = new Headers(request.headers);
    if (!headers.has("Authorization")) headers.set("Authorization", "Bearer " + (await idToken()));
    if (!headers.has("Accept-Language")) headers.set("Accept-Language", config.locale);
    return pageFetch(new Request(request, { headers }));
  };
  window.fetch = async (input, init) => {
    const request = new Request(input, init);
    if (new URL(request.url).origin !== location.origin) return pageFetch(request);
    const again = request.clone();
    const response = await send(request);
    return response.headers.get("X-Shopify-Retry-Invalid-Session-Request") === "1" ? send(again) : response;
  };

  // Drawn by the admin, outside the iframe: inside it they show nothing. An empty shadow root hides
  // their children without touching the element's attributes (React hydrates them).
  for (const name of ["ui-nav-menu", "ui-title-bar", "ui-save-bar", "ui-modal"]) {
    if (customElements.get(name)) continue;
    customElements.define(
      name,
      class extends HTMLElement {
        constructor() {
          super();
          this.attachShadow({ mode: "open" });
        }
        show() {}
        hide() {}
        toggle() {}
      },
    );
  }
})();
`;

/**
 * Serves the stand-in for App Bridge's URL in this browser context and exposes its token signer and
 * recorder to the pages. Call before the first page of the context opens.
 */
export async function installAppBridge(context: BrowserContext, opts: AppBridgeOptions): Promise<AppBridge> {
  const bridge: AppBridge = {
    toasts: [],
    loading: false,
    tokensIssued: 0,
    idToken: () => sessionToken({ apiKey: opts.apiKey, secret: opts.secret, shop: opts.shop, sub: opts.userId ?? "42" }),
  };
  await context.exposeBinding("__appBridgeIdToken", () => {
    bridge.tokensIssued++;
    return bridge.idToken();
  });
  await context.exposeBinding(
    "__appBridgeRecord",
    (_source, event: { kind: string; message?: string; options?: Record<string, unknown>; on?: boolean }) => {
      if (event.kind === "toast")
        bridge.toasts.push({ message: event.message ?? "", ...(event.options ? { options: event.options } : {}) });
      if (event.kind === "loading") bridge.loading = event.on ?? false;
    },
  );
  await context.route(APP_BRIDGE_URL, (route) =>
    route.fulfill({ status: 200, contentType: "text/javascript; charset=utf-8", headers: { "Cache-Control": "no-store" }, body: SCRIPT }),
  );
  return bridge;
}
