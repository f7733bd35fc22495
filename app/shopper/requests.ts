// Parsing what extensions send. Pure; errors say what to fix.
import type { ClaimRequest, RedeemRequest, ReturnRequest, ThankYouRequest } from "./views";

type Parsed<T> = { ok: true; value: T } | { ok: false; error: string };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const isUuid = (value: unknown): value is string => typeof value === "string" && UUID.test(value);

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

const ORDER_ID = /^(?:gid:\/\/shopify\/Order\/)?([1-9][0-9]{0,19})$/;
const LINE_ITEM_ID = /^(?:gid:\/\/shopify\/LineItem\/)?([1-9][0-9]{0,19})$/;
const MAX_RETURN_LINES = 100;

/** An order id as the extensions send it (numeric, or the Order gid) → the numeric id, or null. */
export function parseOrderId(value: unknown): string | null {
  return typeof value === "string" || typeof value === "number" ? (ORDER_ID.exec(String(value))?.[1] ?? null) : null;
}

export function parseReturnRequest(body: unknown): Parsed<ReturnRequest> {
  const b = (body ?? {}) as Partial<Record<keyof ReturnRequest, unknown>>;
  const orderId = parseOrderId(b.orderId);
  if (!orderId) return { ok: false, error: "orderId must be an order's id" };
  if (typeof b.requestId !== "string" || !UUID.test(b.requestId))
    return { ok: false, error: "requestId must be a UUID made once per submission" };
  if (!Array.isArray(b.lines) || b.lines.length > MAX_RETURN_LINES)
    return { ok: false, error: `lines must be a list of at most ${MAX_RETURN_LINES} items` };
  const lines: ReturnRequest["lines"] = [];
  for (const [i, raw] of b.lines.entries()) {
    const l = (raw ?? {}) as { lineItemId?: unknown; quantity?: unknown; reason?: unknown };
    const lineItemId =
      typeof l.lineItemId === "string" || typeof l.lineItemId === "number" ? LINE_ITEM_ID.exec(String(l.lineItemId))?.[1] : null;
    if (!lineItemId) return { ok: false, error: `lines[${i}].lineItemId must be one of the order's line items` };
    if (typeof l.quantity !== "number" || !Number.isSafeInteger(l.quantity))
      return { ok: false, error: `lines[${i}].quantity must be a whole number` };
    if (typeof l.reason !== "string" || !/^[a-z0-9_-]{1,64}$/.test(l.reason))
      return { ok: false, error: `lines[${i}].reason must be one of the reasons offered` };
    lines.push({ lineItemId, quantity: l.quantity, reason: l.reason });
  }
  if (b.note !== undefined && b.note !== null && typeof b.note !== "string") return { ok: false, error: "note must be text" };
  if (b.outcome !== "refund" && b.outcome !== "store_credit") return { ok: false, error: "outcome must be refund or store_credit" };
  return {
    ok: true,
    value: {
      orderId,
      requestId: b.requestId.toLowerCase(),
      lines,
      note: (b.note as string | null | undefined) ?? null,
      outcome: b.outcome,
    },
  };
}
