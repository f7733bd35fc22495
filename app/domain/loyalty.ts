// Loyalty points: how many an order earns and how refunds and cancellations take them back.
// Pure: the same facts always plan the same ledger, whatever order they arrived in.
import type { OrderFacts, RefundFacts } from "./facts";
import { minorUnitExponent } from "./money";
import type { RewardKind } from "./rewards";

// Ledger points, balances and lifetime totals are Postgres int4 (max 2,147,483,647). A huge order
// (10,000,000 units at $1,000) would overflow it and fail its job on every retry, so no entry,
// balance or lifetime total goes beyond this ceiling; whatever is asked beyond it is not granted.
export const MAX_POINTS_BALANCE = 2_000_000_000;

export interface EarnRule {
  pointsPerUnit: number; // points per 1 major unit of shop currency
  rounding: "floor" | "round" | "ceil";
  earnOnDiscountedPrice: boolean;
  includeShipping: boolean;
  includeTaxes: boolean;
  includeGiftCards: boolean;
  earnOn: "paid" | "fulfilled";
}

export const DEFAULT_EARN_RULE: EarnRule = {
  pointsPerUnit: 1,
  rounding: "floor",
  earnOnDiscountedPrice: true,
  includeShipping: false,
  includeTaxes: false,
  includeGiftCards: false,
  earnOn: "paid",
};

// Taken when points are earned; reversals use it, never the rule in force later.
export interface EarnSnapshot {
  rule: EarnRule;
  currency: string;
  eligibleMinor: number;
  points: number;
  multiplier?: number; // the customer's tier multiplier then (absent: 1, snapshots from before tiers had one)
}

// What a ledger entry is about, beside its kind: read by the shopper's page and HubSpot notes,
// which write the sentence in their reader's language. Nothing personal.
export interface LedgerParams {
  orderName?: string;
  // percent: percentage off only; minimumOrderMinor: when the reward had one (entries before it was kept have none).
  reward?: { id: string; kind: RewardKind; valueMinor: number | null; percent?: number; minimumOrderMinor?: number; currency: string };
  years?: number; // anniversary: years since the first purchase
  since?: string; // expire: the inactivity period's start (YYYY-MM-DD)
  multiplier?: number; // earn: the tier multiplier applied, when not 1
}

export type LedgerKind =
  | "earn"
  | "refund_reversal"
  | "cancel_reversal"
  | "claim_in"
  | "claim_out"
  | "redeem"
  | "redeem_release"
  | "birthday" // gifts of the daily job (app/domain/celebrations.ts)
  | "anniversary"
  | "expire"; // the balance after the merchant's inactivity period (app/domain/points-expiry.ts)

// Spending points (and getting them back when Shopify refused the reward), or their expiry, leaves
// a tier alone: lifetime points count what was earned, net of refunds.
export const NOT_TOWARD_LIFETIME: readonly string[] = ["redeem", "redeem_release", "expire"];
export const countsTowardLifetime = (kind: string) => !NOT_TOWARD_LIFETIME.includes(kind);

export interface PlannedEntry {
  key: string;
  kind: "earn" | "refund_reversal" | "cancel_reversal";
  points: number;
  refundId?: string;
  params: LedgerParams;
}

export function eligibleAmount(order: OrderFacts, rule: EarnRule): number {
  return refundCoverage([], order, rule).total;
}

const earnsOn = (line: OrderFacts["lineItems"][number], rule: EarnRule) => !line.giftCard || rule.includeGiftCards;
const lineEligible = (line: OrderFacts["lineItems"][number], rule: EarnRule) =>
  Math.max(0, line.unitPriceMinor * line.quantity - (rule.earnOnDiscountedPrice ? line.discountMinor : 0));

// How much of the order's eligible amount (`total`) the refunds cover, measured so that refunding
// everything covers all of it exactly, whatever the rule. A refund line's subtotal is part of the
// line's discounted price and its tax leaves out the tax on shipping, so summed as they are they
// never reach what an undiscounted or tax-inclusive rule earned on. Instead: a line by the share
// of its discounted price refunded, applied to what the line earned on; shipping by the amount
// refunded; taxes by the lines' refunded tax until every line and the shipping are refunded in
// full (then all of it).
export function refundCoverage(refunds: RefundFacts[], order: OrderFacts, rule: EarnRule): { covered: number; total: number } {
  const refunded = new Map<string, { qty: number; subtotal: number }>();
  let refundedShipping = 0;
  let refundedTax = 0;
  const eligibleLines = new Set(order.lineItems.filter((l) => earnsOn(l, rule)).map((l) => l.id));
  for (const refund of refunds) {
    refundedShipping += Math.max(0, refund.shippingMinor);
    for (const line of refund.lineItems) {
      if (!eligibleLines.has(line.lineItemId)) continue;
      const r = refunded.get(line.lineItemId) ?? { qty: 0, subtotal: 0 };
      refunded.set(line.lineItemId, { qty: r.qty + Math.max(0, line.quantity), subtotal: r.subtotal + Math.max(0, line.subtotalMinor) });
      refundedTax += Math.max(0, line.taxMinor);
    }
  }
  let total = 0;
  let covered = 0;
  let allLines = true;
  for (const line of order.lineItems) {
    if (!earnsOn(line, rule)) continue;
    const amount = lineEligible(line, rule);
    const r = refunded.get(line.id) ?? { qty: 0, subtotal: 0 };
    const paid = line.unitPriceMinor * line.quantity - line.discountMinor;
    // By amount (a unit may be refunded for part of its price); by units only for a line that cost nothing.
    const done = paid > 0 ? r.subtotal >= paid : r.qty >= line.quantity;
    const share = done ? 1 : paid > 0 ? r.subtotal / paid : r.qty / line.quantity;
    total += amount;
    covered += done ? amount : Math.floor(amount * share);
    allLines &&= done;
  }
  const shipping = Math.max(0, order.shippingMinor);
  if (rule.includeShipping) {
    total += shipping;
    covered += Math.min(refundedShipping, shipping);
  }
  if (rule.includeTaxes && !order.taxesIncluded) {
    const tax = Math.max(0, order.taxMinor);
    total += tax;
    covered += allLines && refundedShipping >= shipping ? tax : Math.min(refundedTax, tax);
  }
  return { covered, total };
}

// Between 0 and MAX_POINTS_BALANCE, whatever the amount and rule (a nonsensical rate earns 0). A
// tier's multiplier scales the exact amount before the rule rounds it.
export function pointsFor(amountMinor: number, currency: string, rule: EarnRule, multiplier = 1): number {
  const scale = 10 ** minorUnitExponent(currency);
  const exact = (amountMinor * rule.pointsPerUnit * multiplier) / scale;
  const points = rule.rounding === "ceil" ? Math.ceil(exact) : rule.rounding === "round" ? Math.round(exact) : Math.floor(exact);
  return Number.isNaN(points) || points <= 0 ? 0 : Math.min(points, MAX_POINTS_BALANCE);
}

export function planOrderLedger(input: {
  order: OrderFacts | null;
  paid: boolean;
  fulfilled: boolean;
  cancelled: boolean;
  refunds: RefundFacts[];
  rule: EarnRule;
  multiplier?: number; // the customer's tier multiplier, applied when the points are first earned
  snapshot: EarnSnapshot | null;
  existing: ReadonlyArray<{ key: string; points: number }>;
}): { snapshot: EarnSnapshot | null; append: PlannedEntry[] } {
  const { order } = input;
  if (!order) return { snapshot: input.snapshot, append: [] };
  const have = new Map(input.existing.map((e) => [e.key, e.points]));
  const append: PlannedEntry[] = [];
  const earnKey = `order:${order.id}:earn`;
  let snapshot = input.snapshot;
  const earnDue = input.rule.earnOn === "fulfilled" ? input.fulfilled : input.paid;

  if (!have.has(earnKey)) {
    if (!earnDue && !snapshot) return { snapshot, append }; // nothing earned yet: nothing to reverse
    if (!snapshot) {
      const eligibleMinor = eligibleAmount(order, input.rule);
      const multiplier = input.multiplier ?? 1;
      snapshot = {
        rule: input.rule,
        currency: order.currency,
        eligibleMinor,
        points: pointsFor(eligibleMinor, order.currency, input.rule, multiplier),
        ...(multiplier !== 1 ? { multiplier } : {}),
      };
    }
    const multiplied = snapshot.multiplier && snapshot.multiplier !== 1 ? { multiplier: snapshot.multiplier } : {};
    append.push({
      key: earnKey,
      kind: "earn",
      points: clampPoints(Math.max(0, snapshot.points)),
      params: { orderName: order.name, ...multiplied },
    });
  }
  // A snapshot or entry from before the ceiling is read within it too.
  const earned = clampPoints(Math.max(0, have.get(earnKey) ?? snapshot!.points));
  let remaining = Math.max(0, earned + sumReversals(input.existing, earnKey));
  // A refund takes back the points due for the refunds up to it (in refund order) less those due
  // before it: never more than was earned, and everything once the refunds cover the whole order.
  const rule = snapshot!.rule;
  const due = (refunds: RefundFacts[]) => {
    const { covered, total } = refundCoverage(refunds, order, rule);
    return total > 0 ? Math.floor(earned * (covered / total)) : 0;
  };
  let dueBefore = 0;
  let lastNew: PlannedEntry | null = null;
  const refunds = [...input.refunds].sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id));
  for (const [i, refund] of refunds.entries()) {
    const key = `refund:${refund.id}:reversal`;
    const dueNow = due(refunds.slice(0, i + 1));
    if (!have.has(key)) {
      const take = Math.min(remaining, Math.max(0, dueNow - dueBefore));
      remaining -= take;
      lastNew = { key, kind: "refund_reversal", points: -take, refundId: refund.id, params: { orderName: order.name } };
      append.push(lastNew);
    }
    dueBefore = dueNow;
  }
  // Refunds planned in another arrival order may have rounded down more: once the known refunds
  // cover the whole order, the refund that completed them takes back what is left.
  const whole = refundCoverage(refunds, order, rule);
  if (lastNew && whole.total > 0 && whole.covered >= whole.total && remaining > 0) {
    lastNew.points -= remaining;
    remaining = 0;
  }
  const cancelKey = `order:${order.id}:cancel`;
  if (input.cancelled && !have.has(cancelKey)) {
    append.push({ key: cancelKey, kind: "cancel_reversal", points: -remaining, params: { orderName: order.name } });
  }
  return { snapshot, append };
}

function sumReversals(existing: ReadonlyArray<{ key: string; points: number }>, earnKey: string) {
  // Existing entries passed in are this order's; everything but the earn is a reversal.
  return existing.filter((e) => e.key !== earnKey && e.points < 0).reduce((s, e) => s + e.points, 0);
}

// Any number as an entry's points: an integer within ±MAX_POINTS_BALANCE (NaN is 0).
export function clampPoints(points: number): number {
  if (Number.isNaN(points)) return 0;
  return Math.max(-MAX_POINTS_BALANCE, Math.min(MAX_POINTS_BALANCE, Math.trunc(points))) + 0;
}

// What an entry may move given the balance: a credit only up to the ceiling; a reversal only down
// to zero (points already spent stay spent).
export function clampToBalance(points: number, balance: number): number {
  const p = clampPoints(points);
  const b = clampPoints(balance);
  return (p >= 0 ? Math.min(p, Math.max(0, MAX_POINTS_BALANCE - b)) : -Math.min(-p, Math.max(0, b))) + 0;
}

// Kept for callers of the old name: reversals were always clamped; credits now are too.
export const clampReversal = clampToBalance;

// Lifetime points (tiers) after an entry: net of reversals, within 0..MAX_POINTS_BALANCE.
export function addLifetime(lifetime: number, points: number): number {
  return Math.max(0, Math.min(MAX_POINTS_BALANCE, clampPoints(lifetime) + clampPoints(points)));
}
