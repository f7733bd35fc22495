// The merchant's after-the-sale rules: care guides and maintenance intervals per product, birthday
// and anniversary points, points expiry and the churn thresholds. Stored as JSON on
// Shop.lifecycleRules; the Settings page edits them in three sections, each validated by its parse
// in ./settings. Pure.

export type CareMatch = "product" | "tag" | "productType";

import {
  careRulesFields,
  churnRulesFields,
  parseCareRules,
  parseChurnRules,
  parsePointsCalendar,
  pointsCalendarFields,
  storedRules,
} from "./settings";

export interface CareRule {
  match: CareMatch;
  value: string; // a product id (numeric), a tag or a product type
  guide: string; // the merchant's care text, shown on the unit
  firstAfterMonths: number; // the first maintenance this long after the unit's coverage start; 0 = none, guide only
  everyMonths: number; // then repeating; 0 = only the first
}

export interface ChurnRules {
  oneOrderGapDays: number; // a one-order customer's expected rhythm (they have no gap of their own)
  overdueRatio: number; // days since the last order / usual gap at which they count as overdue
  longOverdueRatio: number; // … and as long overdue (weighs double)
  unusedPointsMin: number; // a balance this large left unspent is a sign
  mediumScore: number;
  highScore: number;
}

export interface LifecycleRules {
  care: CareRule[];
  birthdayPoints: number; // 0 = no birthday points
  anniversaryPoints: number; // first-purchase anniversary; 0 = none
  pointsExpiryMonths: number; // months without earning or redeeming; 0 = points never expire
  churn: ChurnRules;
}

export const DEFAULT_LIFECYCLE_RULES: LifecycleRules = {
  care: [],
  // The profile block promises shoppers a birthday reward; anniversaries and expiry are the merchant's choice.
  birthdayPoints: 100,
  anniversaryPoints: 0,
  pointsExpiryMonths: 0,
  churn: { oneOrderGapDays: 90, overdueRatio: 1.5, longOverdueRatio: 3, unusedPointsMin: 500, mediumScore: 2, highScore: 3 },
};

/**
 * The shop's rules as stored (Shop.lifecycleRules), over the defaults. Each of the Settings page's
 * sections (points calendar, care guides, churn) is read through its own parse, the one the page's
 * save uses: a field missing or invalid keeps its default, a section that still does not hold
 * together keeps its defaults whole.
 */
export function lifecycleRulesOf(stored: unknown): LifecycleRules {
  if (stored == null) return DEFAULT_LIFECYCLE_RULES;
  const d = DEFAULT_LIFECYCLE_RULES;
  const s = stored && typeof stored === "object" && !Array.isArray(stored) ? (stored as Record<string, unknown>) : {};
  const churn = s.churn && typeof s.churn === "object" && !Array.isArray(s.churn) ? s.churn : {};
  return {
    ...storedRules(
      s,
      { birthdayPoints: d.birthdayPoints, anniversaryPoints: d.anniversaryPoints, pointsExpiryMonths: d.pointsExpiryMonths },
      pointsCalendarFields,
      parsePointsCalendar,
    ),
    ...storedRules({ care: s.care }, { care: d.care }, careRulesFields, parseCareRules),
    churn: storedRules(
      churn,
      d.churn,
      (c) => churnRulesFields({ churn: c }),
      (form) => {
        const parsed = parseChurnRules(form);
        return parsed.ok ? { ok: true, value: parsed.value.churn } : parsed;
      },
    ),
  };
}
