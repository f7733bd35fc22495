// Care and maintenance of a registered unit: which care rule applies and when its next maintenance
// is due. Pure. Dates are UTC days (YYYY-MM-DD).
import type { CareRule } from "./lifecycle-rules";
import { addMonths } from "./warranty";

export interface CareProduct {
  productId: string | null;
  productType: string | null;
  tags: string[];
}

const same = (a: string | null | undefined, b: string) => (a ?? "").trim().toLowerCase() === b.trim().toLowerCase();
export const dayOf = (d: Date | string) => new Date(d).toISOString().slice(0, 10);

// Most specific wins: the product itself, then a tag, then the product type; among equals, the first.
export function careRuleFor(rules: CareRule[], product: CareProduct): CareRule | null {
  const hits: Record<CareRule["match"], (r: CareRule) => boolean> = {
    product: (r) => product.productId !== null && r.value === product.productId,
    tag: (r) => product.tags.some((t) => same(t, r.value)),
    productType: (r) => same(product.productType, r.value),
  };
  for (const match of ["product", "tag", "productType"] as const) {
    const hit = rules.find((r) => r.match === match && hits[match](r));
    if (hit) return hit;
  }
  return null;
}

/**
 * The first maintenance day on or after `asOf`: `firstAfterMonths` after the unit's start (its
 * coverage start: purchase, fulfilment or delivery, as the warranty policy says), then every `everyMonths`.
 * Each date is counted from the start, so month-end clamping never drifts (31 Jan + 1 = 28 Feb,
 * + 2 = 31 Mar). Null: no start yet (not shipped), no interval, or a one-off already past.
 */
export function nextMaintenance(rule: CareRule, start: Date | string | null, asOf: Date): string | null {
  if (!start || rule.firstAfterMonths <= 0) return null;
  const from = new Date(start).toISOString();
  const today = dayOf(asOf);
  const first = dayOf(addMonths(from, rule.firstAfterMonths));
  if (first >= today) return first;
  if (rule.everyMonths <= 0) return null;
  // Jump close to today, then step: at most a couple of steps whatever the unit's age.
  const elapsed = (asOf.getTime() - new Date(first).getTime()) / (30.44 * 86_400_000);
  let k = Math.max(1, Math.floor(elapsed / rule.everyMonths) - 1);
  for (;;) {
    const d = dayOf(addMonths(from, rule.firstAfterMonths + k * rule.everyMonths));
    if (d >= today) return d;
    k++;
  }
}

export interface OwnedUnit extends CareProduct {
  title: string;
  start: Date | string | null;
}

/** The soonest maintenance across a customer's units, and the unit's product: what HubSpot holds. */
export function soonestMaintenance(units: OwnedUnit[], rules: CareRule[], asOf: Date): { date: string; product: string } | null {
  let best: { date: string; product: string } | null = null;
  for (const u of units) {
    const rule = careRuleFor(rules, u);
    const date = rule ? nextMaintenance(rule, u.start, asOf) : null;
    if (date && (!best || date < best.date)) best = { date, product: u.title };
  }
  return best;
}
