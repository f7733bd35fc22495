// Parsing what extensions send. Pure; errors say what to fix.
import type { ClaimRequest, RedeemRequest, ThankYouRequest } from "./views";

type Parsed<T> = { ok: true; value: T } | { ok: false; error: string };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function parseRedeemRequest(body: unknown): Parsed<RedeemRequest> {
  const b = (body ?? {}) as Partial<Record<keyof RedeemRequest, unknown>>;
  if (typeof b.rewardId !== "string" || !/^[a-z0-9-]{1,64}$/.test(b.rewardId))
    return { ok: false, error: "rewardId must be a reward's id" };
  if (typeof b.redemptionId !== "string" || !UUID.test(b.redemptionId))
    return { ok: false, error: "redemptionId must be a UUID made once per click" };
  return { ok: true, value: { rewardId: b.rewardId, redemptionId: b.redemptionId.toLowerCase() } };
}

export function parseThankYouRequest(body: unknown): Parsed<ThankYouRequest> {
  const b = (body ?? {}) as { orderId?: unknown; subtotal?: { amount?: unknown; currency?: unknown } };
  const orderId =
    b.orderId === null || b.orderId === undefined
      ? null
      : /^(?:gid:\/\/shopify\/(?:Order|OrderIdentity)\/)?([1-9][0-9]{0,19})$/.exec(String(b.orderId))?.[1];
  if (orderId === undefined) return { ok: false, error: "orderId must be an Order gid or null" };
  const amount = b.subtotal?.amount;
  const currency = b.subtotal?.currency;
  if ((typeof amount !== "string" && typeof amount !== "number") || typeof currency !== "string" || !/^[A-Z]{3}$/.test(currency))
    return { ok: false, error: "subtotal must be { amount, currency } with a 3-letter currency code" };
  return { ok: true, value: { orderId, subtotal: { amount: String(amount), currency } } };
}

export function parseClaimRequest(body: unknown): Parsed<ClaimRequest> {
  const b = (body ?? {}) as Partial<Record<keyof ClaimRequest, unknown>>;
  if (typeof b.warrantyId !== "string" || !UUID.test(b.warrantyId))
    return { ok: false, error: "warrantyId must be one of your warranties' ids" };
  if (typeof b.requestId !== "string" || !UUID.test(b.requestId))
    return { ok: false, error: "requestId must be a UUID made once per submission" };
  if (typeof b.description !== "string") return { ok: false, error: "description must say what is wrong" };
  return { ok: true, value: { warrantyId: b.warrantyId, requestId: b.requestId.toLowerCase(), description: b.description } };
}
