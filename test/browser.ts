// Browser tests of the embedded admin: Debian's chromium driven by playwright-core against the real
// built server (test/stack.ts), each page opened as Shopify's admin first loads its iframe and then
// served by the App Bridge stand-in (test/sandboxes/shopify/app-bridge.ts). Nothing leaves the
// machine: any request to another origin is answered 404 here and listed. Why chromium from apt and
// what happens without it: docs/decisions/0018-browser-tests.md. How to write one: DEVELOPERS.md.
import { existsSync, mkdirSync } from "node:fs";
import path from "node:path";
import { afterAll, afterEach, beforeAll, beforeEach, describe, type TestContext } from "vitest";
import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";
import { installAppBridge, type AppBridge } from "./sandboxes/shopify/app-bridge.ts";
import { BROWSER_UA } from "./shopper-helpers.ts";
import type { Stack } from "./stack.ts";

export const CHROMIUM = process.env.POSTVENTA_CHROMIUM ?? "/usr/bin/chromium";
export const SCREENSHOTS = path.resolve(import.meta.dirname, "../test-artifacts/screenshots");
// The flags that work on these machines (root, no display, no GPU, no network).
const FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"];

const hasChromium = existsSync(CHROMIUM);
// .ci/run installs chromium and sets this: there a missing browser fails instead of skipping.
const required = process.env.POSTVENTA_BROWSER_TESTS === "required";

/** Debian's chromium with the flags that work here; the caller closes it. */
export const launchChromium = (): Promise<Browser> => chromium.launch({ executablePath: CHROMIUM, args: FLAGS });

/**
 * `describe` for browser tests: skipped, loudly, when chromium is missing (a fresh clone's `npm
 * test` still passes); an error instead when POSTVENTA_BROWSER_TESTS=required (CI).
 */
export function describeBrowser(name: string, body: () => void) {
  if (hasChromium || required) return describe(name, body);
  console.warn(
    `\n*** BROWSER TESTS SKIPPED (${name}): no chromium at ${CHROMIUM}. ` +
      `Install it with \`apt-get install -y --no-install-recommends chromium\` (as root), or point POSTVENTA_CHROMIUM at one. ***\n`,
  );
  return describe.skip(name, body);
}

export interface AdminOptions {
  shop: string;
  /** The admin's language (its `locale` in the iframe's first URL, and App Bridge's Accept-Language). Default "es". */
  locale?: "es" | "en";
  /** Console errors or failed requests a test expects (e.g. the 400 of an invalid form), by text. */
  allow?: RegExp[];
}

export interface AdminBrowser {
  /** This test's page (a fresh browser context per test: no state carried between tests). */
  readonly page: Page;
  /** What the page asked of App Bridge (toasts, loading, tokens). */
  readonly bridge: AppBridge;
  /** Requests to other origins, answered 404 without leaving the machine. */
  readonly outside: string[];
  /** Opens an admin path as Shopify's admin first loads the app's iframe: embedded=1, shop, host, locale, id_token. */
  openAdmin(pathname: string, query?: Record<string, string>): Promise<Page>;
  /** Saves a PNG of the whole page to test-artifacts/screenshots/<test file>--<name>.png and returns its path. */
  screenshot(name: string): Promise<string>;
  /** Lets this test's expected console errors or failed requests through (by text). */
  allow(pattern: RegExp): void;
}

const slug = (s: string) =>
  s
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-|-$/g, "")
    .slice(0, 80);

/**
 * One chromium for the calling test file (launched before its tests, always closed after them), a
 * fresh context and page for each test with the shop's admin session, a screenshot at the end of
 * every test (named after it), and the test failed if the page logged an error, threw, or a request
 * failed — unless `allow`ed. `stack` is read when a test starts (the file's beforeAll sets it).
 */
export function adminBrowser(stack: () => Stack, opts: AdminOptions): AdminBrowser {
  let browser: Browser | undefined;
  let context: BrowserContext | undefined;
  let current: { page: Page; bridge: AppBridge; outside: string[]; problems: string[]; allowed: RegExp[]; file: string } | undefined;
  const need = () => {
    if (!current) throw new Error("adminBrowser: used outside a test");
    return current;
  };

  beforeAll(async () => {
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
  });

  beforeEach(async (ctx: TestContext) => {
    const appOrigin = new URL(stack().url).origin;
    const locale = opts.locale ?? "es";
    // A desktop admin's width; a browser User-Agent (the Shopify library answers bots, HeadlessChrome included, 410).
    context = await browser!.newContext({
      viewport: { width: 1280, height: 900 },
      userAgent: BROWSER_UA,
      locale: locale === "es" ? "es-ES" : "en-US",
    });
    const outside: string[] = [];
    // Registered first so that App Bridge's own route (registered after, so tried first) wins for its URL.
    await context.route(
      (url) => url.origin !== appOrigin,
      (route) => {
        outside.push(route.request().url());
        return route.fulfill({ status: 404, body: "" });
      },
    );
    const bridge = await installAppBridge(context, {
      apiKey: process.env.SHOPIFY_API_KEY!,
      secret: process.env.SHOPIFY_API_SECRET!,
      shop: opts.shop,
    });
    const page = await context.newPage();
    const problems: string[] = [];
    const isOutside = (url: string) => url !== "" && !url.startsWith(appOrigin);
    page.on("console", (m) => {
      // The 404s given to other origins (a CDN image) are the machine's, not the page's.
      if (m.type() === "error" && !isOutside(m.location().url)) problems.push(`console error: ${m.text()} (${m.location().url})`);
    });
    page.on("pageerror", (e) => problems.push(`uncaught in the page: ${e.stack ?? e.message}`));
    page.on("requestfailed", (r) => {
      if (!isOutside(r.url())) problems.push(`request failed: ${r.method()} ${r.url()} ${r.failure()?.errorText ?? ""}`);
    });
    page.on("response", (r) => {
      if (r.status() >= 400 && !isOutside(r.url())) problems.push(`HTTP ${r.status()}: ${r.request().method()} ${r.url()}`);
    });
    // Screenshots are named after the test file too: two files may name a test alike.
    const file = path.basename(ctx.task.file.filepath).replace(/(\.browser)?\.test\.ts$/, "");
    current = { page, bridge, outside, problems, allowed: [...(opts.allow ?? [])], file };
  });

  afterEach(async (ctx: TestContext) => {
    const run = current;
    current = undefined;
    if (!run) return;
    try {
      await shoot(run, ctx.task.name);
    } finally {
      await context?.close();
      context = undefined;
    }
    const unexpected = run.problems.filter((p) => !run.allowed.some((a) => a.test(p)));
    if (unexpected.length) throw new Error(`The page reported problems:\n- ${unexpected.join("\n- ")}`);
  });

  async function shoot({ page, file: testFile }: { page: Page; file: string }, name: string): Promise<string> {
    mkdirSync(SCREENSHOTS, { recursive: true });
    const file = path.join(SCREENSHOTS, `${slug(testFile)}--${slug(name)}.png`);
    await page.screenshot({ path: file, fullPage: true, animations: "disabled" });
    return file;
  }

  return {
    get page() {
      return need().page;
    },
    get bridge() {
      return need().bridge;
    },
    get outside() {
      return need().outside;
    },
    async openAdmin(pathname, query = {}) {
      const { page, bridge } = need();
      const shop = opts.shop;
      const q = new URLSearchParams({
        embedded: "1",
        shop,
        host: Buffer.from(`${shop}/admin`).toString("base64url"),
        locale: opts.locale ?? "es",
        id_token: bridge.idToken(),
        ...query,
      });
      const res = await page.goto(`${stack().url}${pathname}?${q}`);
      if (!res || res.status() !== 200) throw new Error(`openAdmin ${pathname}: ${res?.status()} ${(await res?.text())?.slice(0, 300)}`);
      // Hydrated: Polaris's AppProvider sets this property when it mounts in the browser (never on the server).
      await page.waitForFunction(() => document.documentElement.style.getPropertyValue("--pc-app-provider-scrollbar-width") !== "");
      return page;
    },
    screenshot: (name) => shoot(need(), name),
    allow(pattern) {
      need().allowed.push(pattern);
    },
  };
}
