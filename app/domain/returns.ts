// Return eligibility and the merchant's return rules. Pure: the shopper's order page asks which
// units may go back (and why not), the server asks again before calling Shopify, and the settings
// page will validate the rules with the same types. Also: how our reasons map to Shopify's, and
// which of two observations of a return's status is the newer one (webhooks arrive in any order).
import type { OrderFacts } from "./facts";

export type ReturnOutcome = "refund" | "store_credit";
export const RETURN_OUTCOMES: readonly ReturnOutcome[] = ["refund", "store_credit"];

export interface ReturnRules {
  windowDays: number; // how long after the window starts a unit may be returned
  windowFrom: "delivery" | "fulfillment"; // delivery falls back to fulfilment where no carrier reports it
  finalSaleTags: string[]; // product tags that make a unit final sale (compared case-insensitively)
  finalSaleProductTypes: string[];
  reasons: string[]; // the return reason handles offered to shoppers, in order
  // Requests (always within the window: eligibility says so) approved at once unless a line gives
  // one of these reasons; null: the merchant approves each request.
  autoApprove: { exceptReasons: string[] } | null;
  storeCreditBonusPercent: number; // extra credit for choosing store credit over a refund
}

export const RETURN_REASONS = [
  "size_too_small",
  "size_too_large",
  "unwanted",
  "not_as_described",
  "wrong_item",
  "defective",
  "other",
] as const;

export const DEFAULT_RETURN_RULES: ReturnRules = {
  windowDays: 30,
  windowFrom: "delivery",
  finalSaleTags: ["final-sale"],
  finalSaleProductTypes: [],
  reasons: [...RETURN_REASONS],
  // A defective unit is a warranty matter the merchant looks at; everything else in the window goes.
  autoApprove: { exceptReasons: ["defective", "other"] },
  storeCreditBonusPercent: 10,
};

export interface ReturnableUnit {
  lineItemId: string;
  quantity: number; // bought
  fulfilledQuantity?: number; // shipped so far (absent: all of them once fulfilledAt is set)
  returnedQuantity: number; // already in a return that is requested, open or closed (or being requested)
  fulfilledAt: Date | null;
  deliveredAt: Date | null;
  productTags: string[];
  productType: string | null;
}

export type UnitEligibility =
  | { eligible: true; quantity: number; deadline: Date }
  | { eligible: false; reason: "not_fulfilled" | "window_passed" | "final_sale" | "already_returned"; deadline: Date | null };

const DAY_MS = 86_400_000;

export function returnDeadline(unit: Pick<ReturnableUnit, "fulfilledAt" | "deliveredAt">, rules: ReturnRules): Date | null {
  const start = rules.windowFrom === "delivery" ? (unit.deliveredAt ?? unit.fulfilledAt) : unit.fulfilledAt;
  return start ? new Date(start.getTime() + rules.windowDays * DAY_MS) : null;
}

export function unitEligibility(unit: ReturnableUnit, rules: ReturnRules, now: Date): UnitEligibility {
  const deadline = returnDeadline(unit, rules);
  const tags = new Set(unit.productTags.map((t) => t.toLowerCase()));
  if (
    rules.finalSaleTags.some((t) => tags.has(t.toLowerCase())) ||
    rules.finalSaleProductTypes.some((t) => t.toLowerCase() === unit.productType?.toLowerCase())
  )
    return { eligible: false, reason: "final_sale", deadline };
  if (!deadline) return { eligible: false, reason: "not_fulfilled", deadline: null };
  const shipped = Math.min(unit.quantity, unit.fulfilledQuantity ?? unit.quantity);
  const left = shipped - unit.returnedQuantity;
  // Nothing shipped is left to return: the rest waits for its shipment, or went back already.
  if (left <= 0) return { eligible: false, reason: shipped < unit.quantity ? "not_fulfilled" : "already_returned", deadline };
  if (now > deadline) return { eligible: false, reason: "window_passed", deadline };
  return { eligible: true, quantity: left, deadline };
}

export interface ReturnLineRequest {
  lineItemId: string;
  quantity: number;
  reason: string;
}

export type UnitRefusal = Extract<UnitEligibility, { eligible: false }>["reason"];
// What is wrong with a request, as a code the shopper reads as a sentence in their language:
// the request's own mistakes, or the unit's eligibility (`deadline` for window_passed).
export type ReturnCheckError = "no_lines" | "duplicate_line" | "unknown_line" | "quantity" | "reason" | UnitRefusal;
export type ReturnCheck =
  | { ok: true; autoApprove: boolean }
  | { ok: false; lineItemId: string | null; error: ReturnCheckError; max?: number; deadline?: Date | null };

/** Guards a shopper's request against the units' eligibility, and says whether the rules approve it at once. */
export function checkReturnRequest(lines: ReturnLineRequest[], units: Map<string, UnitEligibility>, rules: ReturnRules): ReturnCheck {
  if (!lines.length) return { ok: false, lineItemId: null, error: "no_lines" };
  const seen = new Set<string>();
  for (const line of lines) {
    if (seen.has(line.lineItemId)) return { ok: false, lineItemId: line.lineItemId, error: "duplicate_line" };
    seen.add(line.lineItemId);
    const unit = units.get(line.lineItemId);
    if (!unit) return { ok: false, lineItemId: line.lineItemId, error: "unknown_line" };
    if (!unit.eligible) return { ok: false, lineItemId: line.lineItemId, error: unit.reason, deadline: unit.deadline };
    if (!Number.isInteger(line.quantity) || line.quantity < 1 || line.quantity > unit.quantity)
      return { ok: false, lineItemId: line.lineItemId, error: "quantity", max: unit.quantity };
    if (!rules.reasons.includes(line.reason)) return { ok: false, lineItemId: line.lineItemId, error: "reason" };
  }
  const auto = rules.autoApprove;
  const autoApprove = !!auto && lines.every((l) => !auto.exceptReasons.includes(l.reason));
  return { ok: true, autoApprove };
}

/** Store credit offered instead of a refund of `refundMinor`: the bonus rounds down to a minor unit. */
export function storeCreditFor(refundMinor: number, rules: ReturnRules): number {
  return refundMinor + Math.floor((refundMinor * Math.max(0, rules.storeCreditBonusPercent)) / 100);
}

/** The shop's rules as stored (Shop.returnRules), over the defaults: a rule the settings page has not written yet keeps its default. */
export function returnRulesOf(stored: Partial<ReturnRules> | null | undefined): ReturnRules {
  return { ...DEFAULT_RETURN_RULES, ...(stored ?? {}) };
}

/**
 * The order's units as the rules see them, per line item: bought, shipped (the latest fulfilment
 * that shipped any of the line starts its window), delivered (when every such fulfilment has a
 * carrier's "delivered", `delivered` by fulfilment id: the latest of them; otherwise the rules
 * fall back to fulfilment), the product's tags and type, and what our returns already hold
 * (`returned`, by line item id).
 */
export function orderReturnUnits(
  order: Pick<OrderFacts, "lineItems" | "fulfillments">,
  products: Map<string, { tags: string[]; productType: string | null }>,
  returned: Map<string, number>,
  delivered: Map<string, Date> = new Map(),
): ReturnableUnit[] {
  return order.lineItems
    .filter((l) => !l.giftCard)
    .map((l) => {
      let fulfilledQuantity = 0;
      let fulfilledAt: Date | null = null;
      let deliveredAt: Date | null = null;
      let undelivered = false;
      for (const f of order.fulfillments)
        for (const fl of f.lineItems)
          if (fl.lineItemId === l.id) {
            fulfilledQuantity += fl.quantity;
            const at = new Date(f.createdAt);
            if (!fulfilledAt || at > fulfilledAt) fulfilledAt = at;
            const arrived = delivered.get(f.id);
            if (!arrived) undelivered = true;
            else if (!deliveredAt || arrived > deliveredAt) deliveredAt = arrived;
          }
      const product = l.productId ? products.get(l.productId) : undefined;
      return {
        lineItemId: l.id,
        quantity: l.quantity,
        fulfilledQuantity,
        returnedQuantity: returned.get(l.id) ?? 0,
        fulfilledAt,
        deliveredAt: undelivered ? null : deliveredAt,
        productTags: product?.tags ?? [],
        productType: product?.productType ?? null,
      };
    });
}

// Shopify's reasons are its library's return reason definitions, named in English only; ours are
// the handles the rules offer, each mapped to the definition the request carries. Shopify's
// webhooks report a reason as the legacy ReturnReason enum, which for these definitions is our
// handle in upper case (SIZE_TOO_SMALL, UNWANTED, …).
const SHOPIFY_REASON_HANDLES: Record<string, string> = {
  size_too_small: "too-small",
  size_too_large: "too-big",
  unwanted: "changed-my-mind",
  not_as_described: "item-not-as-described",
  wrong_item: "received-the-wrong-item",
  defective: "damaged-or-defective",
  other: "other-reason",
  style: "style",
  color: "color",
};
const FROM_SHOPIFY_HANDLE = Object.fromEntries(Object.entries(SHOPIFY_REASON_HANDLES).map(([ours, theirs]) => [theirs, ours]));

/** The definition handle of Shopify's library a reason of ours is requested with (a handle of Shopify's own passes through). */
export function shopifyReasonHandle(reason: string): string {
  return SHOPIFY_REASON_HANDLES[reason] ?? reason;
}

/** Our reason for what Shopify reports: a definition's handle where it gives one, else the legacy enum. */
export function reasonFromShopify(r: { handle?: string | null; legacy?: string | null }): string {
  if (r.handle) return FROM_SHOPIFY_HANDLE[r.handle] ?? r.handle;
  const legacy = r.legacy?.toLowerCase();
  if (!legacy || legacy === "unknown") return "other";
  return legacy;
}

// A return's status as we keep it: Shopify's, plus our own `requesting` (not answered yet) and
// `failed` (Shopify refused; nothing exists there).
export type ReturnStatus = "requesting" | "failed" | "requested" | "open" | "declined" | "canceled" | "closed";

/** A status and Shopify's time for it (null: seen in an answer of Shopify's that carries no time). */
export interface ReturnState {
  status: ReturnStatus;
  at: Date | null;
}

// Shopify's return moves REQUESTED → OPEN or DECLINED (or CANCELED), OPEN → CLOSED or CANCELED, and
// CLOSED → OPEN again (reopen). So: nothing comes after DECLINED or CANCELED; REQUESTED comes before
// everything else; OPEN and CLOSED alternate, and only time tells which is newer.
const TIER: Record<ReturnStatus, number> = { requesting: 0, failed: 0, requested: 1, open: 2, closed: 2, declined: 3, canceled: 3 };
const TIE: Record<ReturnStatus, number> = { requesting: 0, failed: 1, requested: 0, open: 0, closed: 1, declined: 0, canceled: 1 };

/**
 * Orders two observations of one return: later in Shopify's state machine first, then (OPEN and
 * CLOSED alternate) Shopify's time — unknown counts as earliest — then, at the same instant, CLOSED
 * after OPEN. A total order, so keeping the greatest observation seen gives the same state whatever
 * order, and however many times, the observations arrive.
 */
export function compareReturnStates(a: ReturnState, b: ReturnState): number {
  const t = (s: ReturnState) => s.at?.getTime() ?? -Infinity;
  return TIER[a.status] - TIER[b.status] || Math.sign(t(a) - t(b)) || TIE[a.status] - TIE[b.status];
}

/** Whether `seen` replaces `current` (a newer status, or the same status at a later known time). */
export function isNewerReturnState(seen: ReturnState, current: ReturnState): boolean {
  return compareReturnStates(seen, current) > 0;
}
