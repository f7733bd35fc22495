// What the Shopify admin's iframe receives: the embedded page with the frame-ancestors policy
// Shopify requires, from the built server (`npm start`) and from `shopify app dev`'s command
// (shopify.web.toml: the same server with Vite serving the app from source).
import { spawn, type ChildProcess } from "node:child_process";
import { createServer } from "node:net";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { sessionToken, stringifyShopifyJson, webhookHeaders } from "./sandboxes/shopify/signing.ts";
import { DEV_SECRET, startStack, type Stack } from "./stack.ts";

const ROOT = path.resolve(import.meta.dirname, "..");
const SHOP = "document-test.myshopify.com";
const BROWSER = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36";
let stack: Stack;

beforeAll(async () => {
  stack = await startStack({ database: "postventa_test_document", build: false, worker: false });
  await stack.installShop(SHOP);
});
afterAll(async () => stack?.stop());

// The admin's first request for an embedded page: shop, host and a session token in the query.
function embeddedLoad(base: string, shop = SHOP) {
  const idToken = sessionToken({ apiKey: process.env.SHOPIFY_API_KEY!, secret: process.env.SHOPIFY_API_SECRET!, shop, sub: "42" });
  const q = new URLSearchParams({ embedded: "1", shop, host: Buffer.from(`${shop}/admin`).toString("base64url"), id_token: idToken });
  return fetch(`${base}/app?${q}`, { headers: { "User-Agent": BROWSER } });
}

function expectFramedOnlyByTheAdmin(res: Response, shop = SHOP) {
  const csp = res.headers.get("content-security-policy") ?? "";
  expect(csp).toMatch(/^frame-ancestors /);
  const ancestors = csp
    .replace(/^frame-ancestors /, "")
    .replace(/;$/, "")
    .split(/\s+/);
  expect(ancestors).toContain(`https://${shop}`);
  expect(ancestors).toContain("https://admin.shopify.com");
  expect(ancestors).not.toContain("*");
}

describe("the built server (npm start)", () => {
  it("sends /app with Content-Security-Policy frame-ancestors naming only the shop's admin", async () => {
    const res = await embeddedLoad(stack.url);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^text\/html/);
    expectFramedOnlyByTheAdmin(res);
  });

  it("names the requesting shop, not another", async () => {
    const other = "document-other.myshopify.com";
    await stack.installShop(other);
    const res = await embeddedLoad(stack.url, other);
    expectFramedOnlyByTheAdmin(res, other);
    expect(res.headers.get("content-security-policy")).not.toContain(SHOP);
  });
});

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, "127.0.0.1", () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

describe("/auth/login (where the library sends a request it cannot tie to a shop)", () => {
  const login = (query: string, init: RequestInit = {}) =>
    fetch(`${stack.url}/auth/login${query}`, { redirect: "manual", ...init, headers: { "User-Agent": BROWSER, ...init.headers } });

  it("shows the shop-domain form in the merchant's language, and says what is wrong with a domain", async () => {
    const page = await login("", { headers: { "Accept-Language": "es-ES,es;q=0.9" } });
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain("Iniciar sesión en Postventa");
    expect(html).toContain("Dominio de la tienda");
    // The data request a bounce makes: JSON, never the 500 the library's splat route answered.
    const data = await login("?_data=routes%2Fauth.login&locale=en");
    expect(data.status).toBe(200);
    expect(await data.json()).toMatchObject({ error: null });
    const invalid = await login("?locale=en", { method: "POST", body: new URLSearchParams({ shop: "not a shop!" }) });
    expect(invalid.status).toBe(400);
    expect(await invalid.text()).toContain("That is not a Shopify shop&#x27;s domain");
    const missing = await login("?_data=routes%2Fauth.login&locale=es", { method: "POST", body: new URLSearchParams({ shop: "" }) });
    expect(missing.status).toBe(400);
    expect((await missing.json()).error).toBe("Escribe el dominio de tu tienda para iniciar sesión.");
  });

  it("sends a valid shop on to the app in its Shopify admin", async () => {
    const res = await login(`?shop=${SHOP}`);
    expect([302, 303]).toContain(res.status);
    // With the embedded auth strategy, the library sends the merchant to install the app in their admin.
    expect(res.headers.get("location")).toBe(
      `https://admin.shopify.com/store/document-test/oauth/install?client_id=${process.env.SHOPIFY_API_KEY}`,
    );
  });
});

describe("shopify app dev (shopify.web.toml's command)", () => {
  let child: ChildProcess | undefined;
  afterAll(() => {
    child?.kill("SIGKILL");
  });

  it("starts the server with Vite, serving /app with the policy and taking webhooks", async () => {
    const toml = readFileSync(path.join(ROOT, "shopify.web.toml"), "utf8");
    const dev = /^dev\s*=\s*"([^"]+)"/m.exec(toml)![1].split(" ");
    expect(dev[0]).toBe("node");
    const port = await freePort();
    child = spawn(path.join(ROOT, "node_modules/.bin/node"), dev.slice(1), {
      cwd: ROOT,
      // What the CLI passes: the port to listen on and the tunnel's URL.
      env: {
        ...process.env,
        DATABASE_URL: stack.databaseUrl,
        PORT: String(port),
        SHOPIFY_APP_URL: "http://localhost",
        RUN_WORKER: "false",
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout!.on("data", (d) => (output += d));
    child.stderr!.on("data", (d) => (output += d));
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`dev server did not start:\n${output}`)), 60_000);
      child!.stdout!.on("data", () => {
        if (/listening on/.test(output)) {
          clearTimeout(timer);
          resolve();
        }
      });
      child!.on("exit", (code) => reject(new Error(`dev server exited ${code}:\n${output}`)));
    });
    const base = `http://127.0.0.1:${port}`;
    const page = await embeddedLoad(base);
    expect(page.status, output).toBe(200);
    expectFramedOnlyByTheAdmin(page);
    expect(await page.text()).toContain("virtual:remix/inject-hmr-runtime"); // served from source

    const body = stringifyShopifyJson({ id: 1, email: "x@example.com" });
    const hook = await fetch(`${base}/webhooks`, {
      method: "POST",
      body,
      headers: webhookHeaders({ secret: DEV_SECRET, topic: "customers/create", shop: SHOP, rawBody: body }),
    });
    expect(hook.status).toBe(200);
  }, 120_000);
});
