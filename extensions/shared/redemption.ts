// A redemption is identified by a UUID the extension makes once per Redeem click
// (RedeemRequest.redemptionId): the server redeems each id at most once, so the same click's
// request may be sent again after a failure without spending points twice.
import { ApiError } from "./api.ts";

/** A new random (v4) UUID for one Redeem click. */
export function newRedemptionId(): string {
  const c = globalThis.crypto;
  if (typeof c.randomUUID === "function") return c.randomUUID();
  const b = c.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const hex = Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

export const REDEEM_ATTEMPTS = 3;

/**
 * Runs `send` until it answers, at most `attempts` times, waiting `delayMs` × attempt between
 * tries, but only while the failure is one a resend can fix (no answer, or a 5xx): a 4xx is the
 * server's final word. `send` must send the same request each time (same redemption id).
 */
export async function withRetries<T>(send: () => Promise<T>, attempts = REDEEM_ATTEMPTS, delayMs = 400): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await send();
    } catch (error) {
      const retryable = error instanceof ApiError && error.retryable;
      if (!retryable || attempt >= attempts) throw error;
      await new Promise((resolve) => setTimeout(resolve, delayMs * attempt));
    }
  }
}
