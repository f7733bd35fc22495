// The App Bridge stand-in held to what Shopify documents of the real one, in chromium against a tiny
// page server: the `shopify` global and its config, tokens Shopify's own library accepts, the fetch
// interceptor (own origin only, Accept-Language, one retry on a stale token), toasts recorded, and the
// admin-drawn elements invisible.
import "@shopify/shopify-api/adapters/web-api";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, expect, it } from "vitest";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { shopifyApi } from "@shopify/shopify-api";
import { ADMIN_API_VERSION } from "../../../integrations/shopify/api-version.ts";
import { APP_BRIDGE_URL, installAppBridge, type AppBridge } from "./app-bridge.ts";
import { describeBrowser, launchChromium } from "../../browser.ts";

const SECRET = "shpss_test_secret_0123456789";
const API_KEY = "postventa-api-key";
const SHOP = "bridge-shop.myshopify.com";
const shopify = shopifyApi({
  apiKey: API_KEY,
  apiSecretKey: SECRET,
  hostName: "postventa.example.com",
  apiVersion: ADMIN_API_VERSION,
  isEmbeddedApp: true,
  logger: { level: 0 as never },
});

// The app's page as the admin first loads it, and endpoints that echo what reached them.
const PAGE = `<!doctype html><html><head><meta charset="utf-8"></head><body>
<script src="${APP_BRIDGE_URL}" data-api-key="${API_KEY}"></script>
<ui-nav-menu><a href="/app" rel="home">Inicio</a><a href="/app/claims">Reclamaciones</a></ui-nav-menu>
<p id="visible">Contenido</p></body></html>`;
let server: Server;
let base: string;
let staleAnswered = 0;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let bridge: AppBridge;

describeBrowser("the App Bridge stand-in", () => {
  beforeAll(async () => {
    server = createServer((req, res) => {
      const headers = { "Content-Type": "application/json", "Access-Control-Allow-Origin": "*" };
      if (req.url?.startsWith("/app")) return res.writeHead(200, { "Content-Type": "text/html" }).end(PAGE);
      // Stale once: the answer @shopify/shopify-app-remix gives a token it cannot use.
      if (req.url === "/stale" && staleAnswered++ === 0)
        return res.writeHead(401, { ...headers, "X-Shopify-Retry-Invalid-Session-Request": "1" }).end("{}");
      res
        .writeHead(200, headers)
        .end(JSON.stringify({ authorization: req.headers.authorization ?? null, language: req.headers["accept-language"] }));
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    browser = await launchChromium();
    context = await browser.newContext({ locale: "en-US" });
    bridge = await installAppBridge(context, { apiKey: API_KEY, secret: SECRET, shop: SHOP });
    page = await context.newPage();
    const host = Buffer.from(`${SHOP}/admin`).toString("base64url");
    await page.goto(`${base}/app?embedded=1&shop=${SHOP}&host=${host}&locale=es`);
  });
  afterAll(async () => {
    await browser?.close();
    await new Promise((r) => server?.close(r));
  });

  const fetchJson = (url: string) =>
    page.evaluate(async (u) => {
      const res = await fetch(u);
      return { status: res.status, body: await res.json() };
    }, url);

  it("defines shopify.config from the script tag and the admin's first-load query", async () => {
    const config = await page.evaluate(() => (window as unknown as { shopify: { config: unknown } }).shopify.config);
    expect(config).toEqual({
      apiKey: API_KEY,
      shop: SHOP,
      host: Buffer.from(`${SHOP}/admin`).toString("base64url"),
      locale: "es",
      disabledFeatures: [],
    });
  });

  it("gives fresh session tokens that Shopify's library accepts for this shop and app", async () => {
    const [a, b] = await page.evaluate(async () => {
      const s = (window as unknown as { shopify: { idToken(): Promise<string> } }).shopify;
      return [await s.idToken(), await s.idToken()];
    });
    expect(a).not.toBe(b);
    const payload = await shopify.session.decodeSessionToken(a);
    expect(payload).toMatchObject({ dest: `https://${SHOP}`, aud: API_KEY, sub: "42" });
    expect(payload.exp - payload.iat).toBe(60);
  });

  it("adds the token and the admin's locale to requests to the app's origin, and only there", async () => {
    const own = await fetchJson(`${base}/echo`);
    expect(own.status).toBe(200);
    expect(own.body.language).toBe("es");
    const token = String(own.body.authorization).replace(/^Bearer /, "");
    expect((await shopify.session.decodeSessionToken(token)).dest).toBe(`https://${SHOP}`);
    // Another origin (same server, other host name) gets nothing of the admin's.
    const other = await fetchJson(`${base.replace("127.0.0.1", "localhost")}/echo`);
    expect(other.body.authorization).toBeNull();
    expect(other.body.language).not.toBe("es");
  });

  it("sends a request once more with a new token when the app says the token was stale", async () => {
    const before = bridge.tokensIssued;
    const res = await fetchJson(`${base}/stale`);
    expect(res.status).toBe(200);
    expect(staleAnswered).toBe(2);
    expect(bridge.tokensIssued - before).toBe(2);
  });

  it("records toasts and the loading state; the admin's own elements show nothing", async () => {
    await page.evaluate(() => {
      const s = (window as unknown as { shopify: { toast: { show(m: string, o?: object): string }; loading(on: boolean): void } }).shopify;
      s.toast.show("Guardado");
      s.toast.show("No se pudo guardar", { isError: true });
      s.loading(true);
    });
    // The page's calls reach the test's process as messages: wait for them.
    await expect
      .poll(() => bridge.toasts)
      .toEqual([{ message: "Guardado" }, { message: "No se pudo guardar", options: { isError: true } }]);
    await expect.poll(() => bridge.loading).toBe(true);
    expect(await page.locator("body").innerText()).toBe("Contenido");
  });
});
