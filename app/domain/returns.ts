// Return eligibility and the merchant's return rules. Pure: the shopper's order page asks which
// units may go back (and why not), the server asks again before calling Shopify, and the settings
// page will validate the rules with the same types.
export type ReturnOutcome = "refund" | "store_credit";

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
  returnedQuantity: number; // already in a return that is requested, open or closed
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
  const left = unit.quantity - unit.returnedQuantity;
  if (left <= 0) return { eligible: false, reason: "already_returned", deadline };
  if (now > deadline) return { eligible: false, reason: "window_passed", deadline };
  return { eligible: true, quantity: left, deadline };
}

export interface ReturnLineRequest {
  lineItemId: string;
  quantity: number;
  reason: string;
}

export type ReturnCheck = { ok: true; autoApprove: boolean } | { ok: false; lineItemId: string | null; error: string };

/** Guards a shopper's request against the units' eligibility, and says whether the rules approve it at once. */
export function checkReturnRequest(lines: ReturnLineRequest[], units: Map<string, UnitEligibility>, rules: ReturnRules): ReturnCheck {
  if (!lines.length) return { ok: false, lineItemId: null, error: "choose at least one item to return" };
  const seen = new Set<string>();
  for (const line of lines) {
    if (seen.has(line.lineItemId)) return { ok: false, lineItemId: line.lineItemId, error: "an item appears twice" };
    seen.add(line.lineItemId);
    const unit = units.get(line.lineItemId);
    if (!unit) return { ok: false, lineItemId: line.lineItemId, error: "this item is not in the order" };
    if (!unit.eligible) return { ok: false, lineItemId: line.lineItemId, error: unit.reason };
    if (!Number.isInteger(line.quantity) || line.quantity < 1 || line.quantity > unit.quantity)
      return { ok: false, lineItemId: line.lineItemId, error: `quantity must be from 1 to ${unit.quantity}` };
    if (!rules.reasons.includes(line.reason)) return { ok: false, lineItemId: line.lineItemId, error: "choose one of the reasons offered" };
  }
  const auto = rules.autoApprove;
  const autoApprove = !!auto && lines.every((l) => !auto.exceptReasons.includes(l.reason));
  return { ok: true, autoApprove };
}

/** Store credit offered instead of a refund of `refundMinor`: the bonus rounds down to a minor unit. */
export function storeCreditFor(refundMinor: number, rules: ReturnRules): number {
  return refundMinor + Math.floor((refundMinor * Math.max(0, rules.storeCreditBonusPercent)) / 100);
}
