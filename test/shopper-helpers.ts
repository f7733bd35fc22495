// Dev/test only: calling the shopper API as the extensions do — a session token signed as Shopify
// signs them (HS256 with the app's secret, `dest` the bare shop domain, `sub` the customer's gid).
import { sessionToken, type SessionTokenOptions } from "./sandboxes/shopify/signing.ts";
import { DEV_API_KEY, DEV_SECRET } from "./dev-env.ts";

// Shopify's library answers bots 410; extensions run in the shopper's browser.
export const BROWSER_UA = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36";

export function shopperToken(shop: string, customerId: string | bigint | null, opts: Partial<SessionTokenOptions> = {}): string {
  return sessionToken({
    apiKey: DEV_API_KEY,
    secret: DEV_SECRET,
    shop,
    dest: shop,
    ...(customerId === null ? {} : { sub: `gid://shopify/Customer/${customerId}` }),
    expiresInSec: 300,
    ...opts,
  });
}

export async function shopperCall(
  baseUrl: string,
  path: string,
  token: string | null,
  init: { method?: string; body?: unknown; locale?: string } = {},
): Promise<{ status: number; headers: Headers; body: any }> {
  const url = new URL(path, baseUrl);
  if (init.locale) url.searchParams.set("locale", init.locale);
  const res = await fetch(url, {
    method: init.method ?? (init.body === undefined ? "GET" : "POST"),
    headers: {
      "User-Agent": BROWSER_UA,
      Origin: "null", // a web worker's origin
      ...(token ? { Authorization: `Bearer ${token}` } : {}),
      ...(init.body === undefined ? {} : { "Content-Type": "application/json" }),
    },
    body: init.body === undefined ? undefined : typeof init.body === "string" ? init.body : JSON.stringify(init.body),
  });
  const text = await res.text();
  let body: unknown = text;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    // not JSON: the test sees the text
  }
  return { status: res.status, headers: res.headers, body };
}

/** Reads until `ok` holds (a job settling something in the background), or throws saying what it last saw. */
export async function until<T>(what: string, read: () => Promise<T>, ok: (v: T) => boolean, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await read();
    if (ok(v)) return v;
    if (Date.now() > deadline) throw new Error(`${what}: still ${JSON.stringify(v)} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
