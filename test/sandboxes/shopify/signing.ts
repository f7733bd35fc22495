/**
 * Shopify-shaped signing helpers for local tests: webhook HMAC headers, App Bridge /
 * customer-account / checkout session tokens (HS256 JWT), and a JSON writer that keeps
 * 64-bit ids exact (Shopify's numeric ids exceed 2^53 and are sent as bare JSON numbers).
 */
import { createHmac, randomBytes, randomUUID } from "node:crypto";
import { ADMIN_API_VERSION } from "../../../integrations/shopify/api-version.ts";

export const DEFAULT_WEBHOOK_API_VERSION: string = ADMIN_API_VERSION;

/**
 * JSON.stringify, except that `bigint` values are written as bare JSON numbers, so
 * `{ id: 9007199254740993n }` becomes `{"id":9007199254740993}` exactly as Shopify sends it.
 * Follows JSON.stringify's rules otherwise (toJSON, undefined/functions dropped in objects,
 * null in arrays, non-finite numbers -> null).
 */
export function stringifyShopifyJson(value: unknown): string {
  const out = write(value, false);
  if (out === undefined) throw new TypeError("stringifyShopifyJson: value is not serialisable");
  return out;
}

function write(value: unknown, inArray: boolean): string | undefined {
  if (value !== null && typeof value === "object" && typeof (value as { toJSON?: unknown }).toJSON === "function") {
    value = (value as { toJSON: () => unknown }).toJSON();
  }
  switch (typeof value) {
    case "bigint":
      return value.toString(10);
    case "string":
      return JSON.stringify(value);
    case "number":
      return Number.isFinite(value) ? JSON.stringify(value) : "null";
    case "boolean":
      return value ? "true" : "false";
    case "undefined":
    case "function":
    case "symbol":
      return inArray ? "null" : undefined;
  }
  if (value === null) return "null";
  if (Array.isArray(value)) {
    return "[" + value.map((v) => write(v, true) ?? "null").join(",") + "]";
  }
  const parts: string[] = [];
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    const s = write(v, false);
    if (s !== undefined) parts.push(JSON.stringify(k) + ":" + s);
  }
  return "{" + parts.join(",") + "}";
}

export interface WebhookHeaderOptions {
  secret: string;
  topic: string;
  shop: string;
  rawBody: string;
  /** Default ADMIN_API_VERSION. */
  apiVersion?: string;
  webhookId?: string;
  eventId?: string;
  /** ISO timestamp; default now. */
  triggeredAt?: string;
}

/** base64 HMAC-SHA256 of the raw body's UTF-8 bytes, keyed with the app's client secret. */
export function webhookHmac(secret: string, rawBody: string | Uint8Array): string {
  return createHmac("sha256", secret)
    .update(typeof rawBody === "string" ? Buffer.from(rawBody, "utf8") : rawBody)
    .digest("base64");
}

/** Exactly the headers Shopify sends with an HTTPS webhook delivery. */
export function webhookHeaders(opts: WebhookHeaderOptions): Record<string, string> {
  return {
    "Content-Type": "application/json",
    "X-Shopify-Hmac-Sha256": webhookHmac(opts.secret, opts.rawBody),
    "X-Shopify-Topic": opts.topic,
    "X-Shopify-Shop-Domain": opts.shop,
    "X-Shopify-API-Version": opts.apiVersion ?? DEFAULT_WEBHOOK_API_VERSION,
    "X-Shopify-Webhook-Id": opts.webhookId ?? randomUUID(),
    "X-Shopify-Event-Id": opts.eventId ?? randomUUID(),
    "X-Shopify-Triggered-At": opts.triggeredAt ?? new Date().toISOString(),
  };
}

export interface PostWebhookOptions extends Omit<WebhookHeaderOptions, "rawBody"> {
  /** A string is sent byte for byte; anything else goes through stringifyShopifyJson. */
  body: unknown;
  /** Extra/override headers (e.g. to tamper with the HMAC in a test). */
  headers?: Record<string, string>;
  signal?: AbortSignal;
}

/** POSTs a signed webhook the way Shopify does. */
export async function postWebhook(url: string, opts: PostWebhookOptions): Promise<Response> {
  const rawBody = typeof opts.body === "string" ? opts.body : stringifyShopifyJson(opts.body);
  const { body: _body, headers: extra, signal, ...rest } = opts;
  const headers = { ...webhookHeaders({ ...rest, rawBody }), ...(extra ?? {}) };
  return fetch(url, { method: "POST", headers, body: rawBody, signal });
}

export interface SessionTokenOptions {
  apiKey: string;
  secret: string;
  shop: string;
  /** Staff user id (App Bridge, e.g. "42"), or customer gid for customer-account/checkout tokens. Omitted if undefined. */
  sub?: string;
  /** Default `https://<shop>`. */
  dest?: string;
  /** Default 60 (Shopify's session tokens live one minute). May be negative to mint an expired token. */
  expiresInSec?: number;
  /** Issue time; epoch milliseconds (values < 1e12 are taken as seconds). Default Date.now(). */
  now?: number;
  /** Override/add claims (e.g. { iss: ... } to forge a wrong issuer). */
  claims?: Record<string, unknown>;
}

export interface SessionTokenClaims {
  iss: string;
  dest: string;
  aud: string;
  sub?: string;
  exp: number;
  nbf: number;
  iat: number;
  jti: string;
  sid: string;
  [k: string]: unknown;
}

function b64url(buf: Buffer | string): string {
  return Buffer.from(buf).toString("base64url");
}

/** Claims of a session token as Shopify issues it (exported for tests that want to inspect them). */
export function sessionTokenClaims(opts: SessionTokenOptions): SessionTokenClaims {
  const nowMs = opts.now === undefined ? Date.now() : opts.now < 1e12 ? opts.now * 1000 : opts.now;
  const iat = Math.floor(nowMs / 1000);
  const claims: SessionTokenClaims = {
    iss: `https://${opts.shop}/admin`,
    dest: opts.dest ?? `https://${opts.shop}`,
    aud: opts.apiKey,
    ...(opts.sub !== undefined ? { sub: opts.sub } : {}),
    exp: iat + (opts.expiresInSec ?? 60),
    nbf: iat,
    iat,
    jti: randomUUID(),
    sid: randomBytes(16).toString("hex"),
  };
  return { ...claims, ...(opts.claims ?? {}) } as SessionTokenClaims;
}

/** HS256 JWT signed with the app's client secret, like App Bridge's `idToken()`. */
export function sessionToken(opts: SessionTokenOptions): string {
  const header = b64url(JSON.stringify({ alg: "HS256", typ: "JWT" }));
  const payload = b64url(JSON.stringify(sessionTokenClaims(opts)));
  const sig = createHmac("sha256", opts.secret).update(`${header}.${payload}`).digest("base64url");
  return `${header}.${payload}.${sig}`;
}
