// The one way every extension calls the app's shopper API (app/routes/api.*; the shapes are in
// app/shopper/views.ts): absolute URL on the app's origin, a fresh session token per request, the
// shopper's locale as `?locale=es|en`. Nothing here reads the `shopify` global, whose type differs
// per target: callers pass what it gives them.
import type { ShopperError, ShopperLocale } from "../../app/shopper/views.ts";

// The Shopify CLI bundles extensions with esbuild and defines `process.env.<NAME>` for the
// variables of its environment and the app's `.env`, plus `APP_URL` = the tunnel during
// `shopify app dev`. Extensions run in a web worker where `process` does not exist: when the
// variable was not defined at build time the expression throws, and the URL stays relative.
// (Module-scoped so it does not clash with Node's global type in tests.)
declare const process: { env: Record<string, string | undefined> };

/** The app's origin without a trailing slash, as baked in at build time (see extensions/README.md). */
export function appUrl(): string {
  try {
    return (process.env.APP_URL ?? "").replace(/\/+$/, "");
  } catch {
    return "";
  }
}

/** The shopper's language → the API's locale: Spanish of any region is "es", anything else "en". */
export function apiLocale(isoCode: string | null | undefined): ShopperLocale {
  return /^es(?:[-_]|$)/i.test(isoCode ?? "") ? "es" : "en";
}

export interface ApiContext {
  /** A session token that has not expired (`shopify.sessionToken.get`). */
  token: () => Promise<string>;
  locale: ShopperLocale;
}

/**
 * Why a call failed. `network`: no answer (offline, timeout, CORS); `server`: a 5xx or an answer
 * that is not JSON; `refused`: a 4xx, whose sentence (already in the shopper's locale) is
 * `serverText` when the API sent one.
 */
export class ApiError extends Error {
  constructor(
    readonly kind: "network" | "server" | "refused",
    readonly status: number,
    readonly serverText: string | null = null,
    readonly code: string | null = null,
  ) {
    super(serverText ?? `${kind} ${status}`);
    this.name = "ApiError";
  }

  /** Whether sending the same request again may succeed. */
  get retryable(): boolean {
    return this.kind !== "refused";
  }
}

export const REQUEST_TIMEOUT_MS = 15_000;

/** `body` is sent as JSON; `file` (a photo the shopper picked) as its own bytes. */
export async function callApi<T>(
  ctx: ApiContext,
  path: string,
  init: { method?: "GET" | "POST"; body?: unknown; file?: Blob } = {},
): Promise<T> {
  const url = `${appUrl()}${path}${path.includes("?") ? "&" : "?"}locale=${ctx.locale}`;
  const headers: Record<string, string> = {};
  let response: Response;
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), REQUEST_TIMEOUT_MS);
  try {
    headers.Authorization = "Bearer " + (await ctx.token());
    if (init.body !== undefined) headers["Content-Type"] = "application/json";
    if (init.file) headers["Content-Type"] = init.file.type || "application/octet-stream";
    response = await fetch(url, {
      method: init.method ?? "GET",
      headers,
      body: init.file ?? (init.body === undefined ? undefined : JSON.stringify(init.body)),
      signal: abort.signal,
    });
  } catch {
    throw new ApiError("network", 0);
  } finally {
    clearTimeout(timer);
  }
  if (response.ok) {
    try {
      return (await response.json()) as T;
    } catch {
      throw new ApiError("server", response.status);
    }
  }
  if (response.status >= 400 && response.status < 500) {
    const answer = (await response.json().catch(() => null)) as Partial<ShopperError> | null;
    throw new ApiError(
      "refused",
      response.status,
      typeof answer?.error === "string" && answer.error ? answer.error : null,
      typeof answer?.code === "string" ? answer.code : null,
    );
  }
  throw new ApiError("server", response.status);
}
