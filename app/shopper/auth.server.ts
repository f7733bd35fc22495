// Who is asking, for every shopper API call. Shopify's library verifies the session token's
// signature and expiry and answers CORS preflights; it does not check `aud`, does not require
// `sub`, and its 401 has no CORS headers (the extension's browser would report a CORS error, not
// the 401). So the app checks the rest itself, and every answer — errors included — carries CORS.
import { authenticate, clientId } from "../shopify.server";
import { pool } from "../db.server";
import { errorText, pickLocale, type ShopperErrorCode, type TextLocale } from "../domain/shopper-text";
import type { ShopperError } from "./views";
import { parseOrderId } from "./requests";

export interface Shopper {
  shop: string;
  shopifyCustomerId: string | null; // from the token's `sub`; null only where a guest is allowed
  locale: TextLocale;
}

const CORS = {
  "Access-Control-Allow-Origin": "*",
  "Access-Control-Allow-Headers": "Authorization, Content-Type",
  "Access-Control-Allow-Methods": "GET, POST, OPTIONS",
  "Access-Control-Max-Age": "7200",
  Vary: "Accept-Language",
};

export function shopperJson(body: unknown, status = 200, headers: Record<string, string> = {}): Response {
  // With its length up front, Node sends headers and body in one write, with no chunked framing
  // and no second write for the terminating chunk.
  const bytes = status === 204 ? null : Buffer.from(JSON.stringify(body), "utf8");
  return new Response(bytes, {
    status,
    headers: {
      "Content-Type": "application/json; charset=utf-8",
      ...(bytes ? { "Content-Length": String(bytes.length) } : {}),
      "Cache-Control": "no-store",
      ...CORS,
      ...headers,
    },
  });
}

export function shopperError(status: number, code: ShopperErrorCode, locale: TextLocale, detail?: string): Response {
  const body: ShopperError = { error: errorText(code, locale, detail), code };
  return shopperJson(body, status);
}

export function requestLocale(request: Request): TextLocale {
  return pickLocale(new URL(request.url).searchParams.get("locale"), request.headers.get("Accept-Language"));
}

const CUSTOMER_GID = /^gid:\/\/shopify\/Customer\/([1-9][0-9]{0,19})$/;

/**
 * Authenticates a shopper API request or throws the Response to answer (401, the preflight's 204,
 * a bot's 410), always with CORS headers. `guest: "allowed"` (the thank-you page) accepts a token
 * without `sub`; the caller then reads nothing about any customer.
 *
 * `installed: "checked by the view"` leaves only the last check — that `dest` is a shop with the app
 * installed — to the caller's own query, which must test `installedSql` and answer
 * `shopperError(401, "not_installed", …)` when it is false: one round trip to Postgres instead of
 * two, with no cache (the rewards page: docs/decisions/0015-shopper-api-speed.md). Every other
 * check (signature, exp, aud, dest's form, sub) is made here either way, in the same order, and a
 * token refused for its `sub` is refused with the same code as without the option.
 */
/** A shopper route's :orderId (numeric or an Order gid), or a 400 in the shopper's language to throw. */
export function orderIdParam(shopper: Pick<Shopper, "locale">, raw: string | undefined): string {
  let id: string | null = null;
  try {
    id = parseOrderId(decodeURIComponent(raw ?? ""));
  } catch {
    // a malformed %-escape: not an order id either
  }
  if (!id)
    throw shopperError(
      400,
      "bad_request",
      shopper.locale,
      shopper.locale === "es" ? "el id del pedido no es válido" : "the order id is not valid",
    );
  return id;
}

export async function authenticateShopper(
  request: Request,
  surface: "customerAccount" | "checkout",
  opts: { guest?: "allowed"; installed?: "checked by the view" } = {},
): Promise<Shopper> {
  const locale = requestLocale(request);
  if (request.method === "OPTIONS") throw otherMethod(request, "GET, POST");
  let token: { dest: string; aud: string | string[]; sub?: string };
  try {
    const auth = surface === "checkout" ? authenticate.public.checkout : authenticate.public.customerAccount;
    ({ sessionToken: token } = (await auth(request)) as unknown as { sessionToken: typeof token });
  } catch (error) {
    if (!(error instanceof Response)) throw error;
    if (error.status === 401) throw shopperError(401, "unauthenticated", locale);
    throw new Response(error.body, { status: error.status, headers: { ...Object.fromEntries(error.headers), ...CORS } });
  }
  const audiences = Array.isArray(token.aud) ? token.aud : [token.aud];
  if (!audiences.includes(clientId)) throw shopperError(401, "unauthenticated", locale);
  const shop = shopOf(token.dest);
  if (!shop) throw shopperError(401, "not_installed", locale);
  const match = typeof token.sub === "string" ? CUSTOMER_GID.exec(token.sub) : null;
  const refusedSub = !match && opts.guest !== "allowed";
  if ((opts.installed !== "checked by the view" || refusedSub) && !(await installed(shop)))
    throw shopperError(401, "not_installed", locale);
  if (refusedSub) throw shopperError(401, "unauthenticated", locale);
  return { shop, shopifyCustomerId: match ? match[1] : null, locale };
}

// `dest` is the bare myshopify domain for customer accounts; accept a URL form as well.
function shopOf(dest: unknown): string | null {
  if (typeof dest !== "string") return null;
  const host = dest
    .replace(/^https:\/\//, "")
    .replace(/\/$/, "")
    .toLowerCase();
  return /^[a-z0-9][a-z0-9-]*\.myshopify\.com$/.test(host) ? host : null;
}

/**
 * What "the app is installed" means for the shopper API, as a boolean SQL expression on the shop
 * domain `param` (e.g. "$1"): the Shop row is not marked uninstalled and its offline session is
 * stored (shop/redact and app/uninstalled remove it).
 */
export const installedSql = (param: string) =>
  `EXISTS (SELECT 1 FROM "Shop" s WHERE s.domain = ${param} AND s."uninstalledAt" IS NULL
     AND EXISTS (SELECT 1 FROM "Session" WHERE id = 'offline_' || s.domain))`;

async function installed(shop: string): Promise<boolean> {
  const { rows } = await pool.query<{ installed: boolean }>({
    name: "shopper-installed", // parsed and planned once per connection
    text: `SELECT ${installedSql("$1")} AS installed`,
    values: [shop],
  });
  return rows[0].installed;
}

/** Reads a JSON body, or throws a 400 that says what is wrong. */
export async function shopperBody(request: Request, locale: TextLocale): Promise<unknown> {
  const text = await request.text();
  if (text.length > 10_000)
    throw shopperError(413, "bad_request", locale, locale === "es" ? "el cuerpo es demasiado grande" : "the body is too large");
  try {
    return JSON.parse(text);
  } catch {
    throw shopperError(400, "bad_request", locale, locale === "es" ? "el cuerpo no es JSON" : "the body is not JSON");
  }
}

/**
 * Reads a binary body of at most `limit` bytes, or throws `tooLarge` (a 413) as soon as the declared
 * length or the stream passes it — never holding more than `limit`. The rest of a body too large
 * is read and thrown away (up to DISCARD_BYTES, for DISCARD_MS) before the answer, which otherwise
 * could be lost as the connection closes under the sender's writes; past that the connection is cut.
 */
export async function shopperBytes(request: Request, limit: number, tooLarge: () => Response): Promise<Buffer> {
  const declared = Number(request.headers.get("Content-Length") ?? NaN);
  const reader = request.body?.getReader();
  if (!reader) return Buffer.alloc(0);
  const chunks: Uint8Array[] = [];
  let size = 0;
  if (!(declared > limit))
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return Buffer.concat(chunks, size);
      size += value.byteLength;
      if (size > limit) break;
      chunks.push(value);
    }
  chunks.length = 0;
  let discarded = 0;
  const cut = setTimeout(() => void reader.cancel(), DISCARD_MS);
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      discarded += value.byteLength;
      if (discarded > DISCARD_BYTES) {
        void reader.cancel();
        break;
      }
    }
  } catch {
    // cut: the connection goes with it
  } finally {
    clearTimeout(cut);
  }
  const answer = tooLarge();
  answer.headers.set("Connection", "close");
  throw answer;
}
const DISCARD_BYTES = 16 * 1024 * 1024;
const DISCARD_MS = 5_000;

/**
 * Any method a route does not serve. Remix hands OPTIONS to the loader and other methods to the
 * action: the CORS preflight (which carries no token) gets its 204, anything else a 405.
 */
export function otherMethod(request: Request, allow: string): Response {
  if (request.method === "OPTIONS") return shopperJson(null, 204);
  return shopperJson({ error: `Use ${allow}.`, code: "method_not_allowed" }, 405, { Allow: `${allow}, OPTIONS` });
}
