// One Admin GraphQL document sent the way every write of the app sends it, with what the caller
// can know afterwards: data, refused (Shopify said no and ran nothing) or uncertain (no answer: it
// may have run). Shared by rewards.server.ts and returns.server.ts (decision 0011).
import { GraphqlQueryError, HttpResponseError, HttpThrottlingError } from "@shopify/shopify-api";
import { AdminUnauthorized, throttledWaitMs, type AdminGraphql } from "./admin.server";

const THROTTLE_TRIES = 4;

export type Sent<T> = { data: T } | { refused: string } | { uncertain: string };

/** One document, with the timeout, throttle retries and failure sorting every call here shares. */
export async function send<T>(
  graphql: AdminGraphql,
  document: string,
  variables: Record<string, unknown>,
  timeoutMs: number,
): Promise<Sent<T>> {
  for (let attempt = 1; ; attempt++) {
    try {
      const res = await graphql(document, { variables, signal: AbortSignal.timeout(timeoutMs) });
      const body = (await res.json()) as { data: T };
      return { data: body.data };
    } catch (error) {
      // A THROTTLED answer (or a 429) ran nothing: waiting and sending again is safe.
      const wait = throttledWaitMs(error) ?? (error instanceof HttpThrottlingError ? (error.response.retryAfter ?? 1) * 1000 : null);
      if (wait !== null) {
        if (attempt >= THROTTLE_TRIES) return { uncertain: "Shopify kept throttling the request" };
        await new Promise((r) => setTimeout(r, wait));
        continue;
      }
      return sortFailure(error);
    }
  }
}

export function sortFailure(error: unknown): { refused: string } | { uncertain: string } {
  // The library's client throws HttpResponseError; the one authenticate.admin gives throws a Response.
  const status = error instanceof HttpResponseError ? error.response.code : error instanceof Response ? error.status : null;
  if (status === 401) throw new AdminUnauthorized(error instanceof Error ? error.message : "401 Unauthorized");
  if (status !== null) {
    // 5xx: Shopify may have done it. Any other status (402 frozen shop, 403, 404 uninstalled, 423):
    // the request was turned away before it ran.
    const message = error instanceof Error ? error.message : `Shopify answered ${status}`;
    return status >= 500 ? { uncertain: message } : { refused: message };
  }
  if (error instanceof GraphqlQueryError) {
    const errors = ((error.body as { errors?: { graphQLErrors?: GraphqlError[] } } | undefined)?.errors?.graphQLErrors ??
      []) as GraphqlError[];
    const denied = errors.find((e) => e.extensions?.code === "ACCESS_DENIED");
    if (denied) return { refused: denied.message };
    // Errors without a path are the request's (parse, validation, variables): nothing ran.
    if (errors.length && errors.every((e) => !e.path)) return { refused: errors.map((e) => e.message).join("; ") };
    return { uncertain: errors.map((e) => e.message).join("; ") || error.message };
  }
  // No answer: our timeout fired, the connection broke, or DNS failed.
  return { uncertain: error instanceof Error ? error.message : String(error) };
}

export type GraphqlError = { message: string; path?: unknown[]; extensions?: { code?: string } };
export type UserError = { field: string[] | null; message: string; code: string | null };

export function refusedBy(userErrors: UserError[]): { refused: string } {
  return { refused: userErrors.map((e) => e.message).join("; ") };
}
