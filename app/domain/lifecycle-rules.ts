// The merchant's after-the-sale rules: care guides and maintenance intervals per product, birthday
// and anniversary points, points expiry and the churn thresholds. Stored as JSON on
// Shop.lifecycleRules until the settings page (issue 14) edits them through parseLifecycleRules.
// Pure.

export type CareMatch = "product" | "tag" | "productType";

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

// Limits that keep a date computation finite and meaningful.
const MAX_MONTHS = 120;
const MAX_POINTS = 1_000_000;
const MAX_GUIDE = 2000;

export type RulesInput = { ok: true; rules: LifecycleRules } | { ok: false; error: string };

const isObject = (v: unknown): v is Record<string, unknown> => !!v && typeof v === "object" && !Array.isArray(v);
const wholeIn = (v: unknown, min: number, max: number) => Number.isInteger(v) && (v as number) >= min && (v as number) <= max;
const numberIn = (v: unknown, min: number, max: number) => typeof v === "number" && Number.isFinite(v) && v >= min && v <= max;

/** Validates rules as the settings page will send them; every error names the field and what it takes. */
export function parseLifecycleRules(input: unknown): RulesInput {
  if (!isObject(input)) return { ok: false, error: "send the rules as an object" };
  const { care, birthdayPoints, anniversaryPoints, pointsExpiryMonths, churn } = input;
  if (!Array.isArray(care)) return { ok: false, error: "care must be a list of care rules" };
  const rules: CareRule[] = [];
  for (const [i, r] of care.entries()) {
    const at = `care[${i}]`;
    if (!isObject(r)) return { ok: false, error: `${at} must be an object` };
    if (r.match !== "product" && r.match !== "tag" && r.match !== "productType")
      return { ok: false, error: `${at}.match must be "product", "tag" or "productType"` };
    if (typeof r.value !== "string" || !r.value.trim()) return { ok: false, error: `${at}.value must name the product, tag or type` };
    if (r.match === "product" && !/^\d+$/.test(r.value.trim())) return { ok: false, error: `${at}.value must be a numeric product id` };
    if (typeof r.guide !== "string" || r.guide.length > MAX_GUIDE)
      return { ok: false, error: `${at}.guide must be text of at most ${MAX_GUIDE} characters` };
    if (!wholeIn(r.firstAfterMonths, 0, MAX_MONTHS))
      return { ok: false, error: `${at}.firstAfterMonths must be a whole number from 0 to ${MAX_MONTHS}` };
    if (!wholeIn(r.everyMonths, 0, MAX_MONTHS))
      return { ok: false, error: `${at}.everyMonths must be a whole number from 0 to ${MAX_MONTHS}` };
    if (!r.guide.trim() && r.firstAfterMonths === 0) return { ok: false, error: `${at} needs a guide or a maintenance interval` };
    rules.push({
      match: r.match,
      value: r.value.trim(),
      guide: r.guide.trim(),
      firstAfterMonths: r.firstAfterMonths as number,
      everyMonths: r.everyMonths as number,
    });
  }
  for (const [name, v] of Object.entries({ birthdayPoints, anniversaryPoints }))
    if (!wholeIn(v, 0, MAX_POINTS)) return { ok: false, error: `${name} must be a whole number of points from 0 to ${MAX_POINTS}` };
  if (!wholeIn(pointsExpiryMonths, 0, MAX_MONTHS))
    return { ok: false, error: `pointsExpiryMonths must be a whole number from 0 (never) to ${MAX_MONTHS}` };
  if (!isObject(churn)) return { ok: false, error: "churn must be an object of thresholds" };
  const c = churn;
  if (!wholeIn(c.oneOrderGapDays, 1, 3650))
    return { ok: false, error: "churn.oneOrderGapDays must be a whole number of days from 1 to 3650" };
  if (!numberIn(c.overdueRatio, 1, 100)) return { ok: false, error: "churn.overdueRatio must be a number from 1 to 100" };
  if (!numberIn(c.longOverdueRatio, c.overdueRatio as number, 100))
    return { ok: false, error: "churn.longOverdueRatio must be a number from overdueRatio to 100" };
  if (!wholeIn(c.unusedPointsMin, 1, MAX_POINTS))
    return { ok: false, error: `churn.unusedPointsMin must be a whole number from 1 to ${MAX_POINTS}` };
  if (!wholeIn(c.mediumScore, 1, 10) || !wholeIn(c.highScore, c.mediumScore as number, 10))
    return { ok: false, error: "churn.mediumScore and churn.highScore must be whole numbers, 1 ≤ mediumScore ≤ highScore ≤ 10" };
  return {
    ok: true,
    rules: {
      care: rules,
      birthdayPoints: birthdayPoints as number,
      anniversaryPoints: anniversaryPoints as number,
      pointsExpiryMonths: pointsExpiryMonths as number,
      churn: {
        oneOrderGapDays: c.oneOrderGapDays as number,
        overdueRatio: c.overdueRatio as number,
        longOverdueRatio: c.longOverdueRatio as number,
        unusedPointsMin: c.unusedPointsMin as number,
        mediumScore: c.mediumScore as number,
        highScore: c.highScore as number,
      },
    },
  };
}

/**
 * The shop's rules as stored (Shop.lifecycleRules), over the defaults: a field the settings page
 * has not written keeps its default. Stored rules that do not validate fall back to the defaults
 * whole, rather than half-applying.
 */
export function lifecycleRulesOf(stored: unknown): LifecycleRules {
  if (stored == null) return DEFAULT_LIFECYCLE_RULES;
  const s = isObject(stored) ? stored : {};
  const parsed = parseLifecycleRules({
    ...DEFAULT_LIFECYCLE_RULES,
    ...s,
    churn: { ...DEFAULT_LIFECYCLE_RULES.churn, ...(isObject(s.churn) ? s.churn : {}) },
  });
  return parsed.ok ? parsed.rules : DEFAULT_LIFECYCLE_RULES;
}
