// The merchant's settings, one section at a time: each section's form fields (as the Settings page
// shows them) and the parse that turns them back into the rules processing reads (EarnRule,
// ReturnRules, Reward[], WarrantyPolicy), or into field errors. Pure: the page and the server use
// the same functions, so the server refuses exactly what the page would.
import type { FeedbackRules } from "./feedback";
import type { CareRule, ChurnRules, LifecycleRules } from "./lifecycle-rules";
import type { EarnRule } from "./loyalty";
import { fromMinor, minorUnitExponent, MoneyError, toMinor } from "./money";
import { RETURN_REASONS, type ReturnRules } from "./returns";
import type { Reward, RewardKind } from "./rewards";
import { MAX_POINTS_BALANCE } from "./loyalty";
import { TIER_BASES, TIER_PERIODS, tierAllows, type Tier, type TierProgram } from "./tiers";
import type { WarrantyPolicy } from "./warranty";

export type SettingsSection = "loyalty" | "tiers" | "rewards" | "warranty" | "returns" | AfterSaleSection;
// After the sale (issue 13's rules): `calendar` (birthday and anniversary points, points expiry),
// `care` (care guides) and `churn` share Shop.lifecycleRules; `surveys` is Shop.feedbackRules.
export type AfterSaleSection = "calendar" | "care" | "churn" | "surveys";
export const AFTER_SALE_SECTIONS: readonly AfterSaleSection[] = ["calendar", "care", "churn", "surveys"];
export const SETTINGS_SECTIONS: readonly SettingsSection[] = ["loyalty", "tiers", "rewards", "warranty", "returns", ...AFTER_SALE_SECTIONS];

/** What is wrong with a field; the page says it as `settings.error.<code>` in the merchant's language. */
export type FieldErrorCode =
  | "required"
  | "number"
  | "integer"
  | "range"
  | "decimals"
  | "choice"
  | "tooLong"
  | "tooMany"
  | "duplicate"
  | "noReasons"
  | "exceptNotOffered"
  | "noTiers"
  | "firstTierZero"
  | "ascending"
  | "tierInUse"
  | "rewardInUse"
  | "productId"
  | "careEmpty";
export interface FieldError {
  code: FieldErrorCode;
  vars?: Record<string, string | number>;
}
/** Field errors by field name (the form's own names, e.g. `windowDays`, `reward.2.cost`). */
export type FieldErrors = Record<string, FieldError>;
export type Parsed<T> = { ok: true; value: T } | { ok: false; errors: FieldErrors };

/** A form's values as the page holds them: text for inputs, lists for checkbox groups. */
export type SettingsFields = Record<string, string | string[]>;
/** FormData, or anything that reads like it. */
export interface FormLike {
  get(name: string): unknown;
  getAll(name: string): unknown[];
}

// Bounds that keep every rule meaningful and every stored number an int4 processing can add up.
export const LIMITS = {
  pointsPerUnit: { min: 0.01, max: 1000, decimals: 2 },
  windowDays: { min: 1, max: 365 },
  bonusPercent: { min: 0, max: 100 },
  listItems: 50,
  textLength: 100,
  rewards: 20,
  rewardCost: { min: 1, max: 1_000_000 },
  validDays: { min: 1, max: 3650 },
  amountMajor: 1_000_000,
  percentOff: { min: 1, max: 100 },
  warrantyMonths: { min: 0, max: 120 },
  overrides: 50,
  tiers: 10,
  tierName: 40,
  tierPoints: { min: 1, max: MAX_POINTS_BALANCE },
  tierOrders: { min: 1, max: 100_000 },
  earnMultiplier: { min: 1, max: 10, decimals: 2 },
} as const;

export const ROUNDINGS: readonly EarnRule["rounding"][] = ["floor", "round", "ceil"];
export const EARN_ON: readonly EarnRule["earnOn"][] = ["paid", "fulfilled"];
export const WINDOW_FROM: readonly ReturnRules["windowFrom"][] = ["delivery", "fulfillment"];
export const REWARD_KINDS: readonly RewardKind[] = ["amount_off", "percentage_off", "free_shipping", "store_credit"];
export const WARRANTY_STARTS: readonly WarrantyPolicy["startsAt"][] = ["fulfillment", "delivery", "purchase"];
export const OVERRIDE_MATCHES: readonly WarrantyPolicy["overrides"][number]["match"][] = ["tag", "productType", "vendor"];
const EARN_FLAGS = ["earnOnDiscountedPrice", "includeShipping", "includeTaxes", "includeGiftCards"] as const;

// ---- reading fields ----------------------------------------------------------------------------

export class Reader {
  readonly errors: FieldErrors = {};
  constructor(private readonly form: FormLike) {}
  text(name: string): string {
    const v = this.form.get(name);
    return typeof v === "string" ? v.trim() : "";
  }
  list(name: string): string[] {
    return this.form.getAll(name).filter((v): v is string => typeof v === "string");
  }
  fail(name: string, code: FieldErrorCode, vars?: FieldError["vars"]): null {
    this.errors[name] ??= { code, vars };
    return null;
  }
  choice<T extends string>(name: string, options: readonly T[]): T | null {
    const v = this.text(name);
    return options.includes(v as T) ? (v as T) : this.fail(name, "choice");
  }
  flag(name: string): boolean | null {
    const v = this.text(name);
    return v === "true" ? true : v === "false" ? false : this.fail(name, "choice");
  }
  integer(name: string, { min, max }: { min: number; max: number }): number | null {
    const v = this.text(name);
    if (v === "") return this.fail(name, "required");
    if (!/^-?\d+$/.test(v)) return this.fail(name, /^-?\d*[.,]\d+$/.test(v) ? "integer" : "number");
    const n = Number(v);
    return n < min || n > max ? this.fail(name, "range", { min, max }) : n;
  }
  /** A decimal as people type it (a comma or a point before the decimals). */
  decimal(name: string, { min, max, decimals }: { min: number; max: number; decimals: number }): number | null {
    const v = this.text(name).replace(",", ".");
    if (v === "") return this.fail(name, "required");
    if (!/^\d+(\.\d+)?$/.test(v)) return this.fail(name, "number");
    if ((v.split(".")[1] ?? "").length > decimals) return this.fail(name, "decimals", { decimals });
    const n = Number(v);
    return n < min || n > max ? this.fail(name, "range", { min, max }) : n;
  }
  /** An amount in the shop's currency, in minor units; empty is null when `optional`. */
  money(name: string, currency: string, optional: boolean): number | null | undefined {
    const v = this.text(name).replace(",", ".");
    if (v === "") return optional ? null : this.fail(name, "required");
    const decimals = minorUnitExponent(currency);
    if (!/^\d+(\.\d+)?$/.test(v)) return this.fail(name, "number");
    if ((v.split(".")[1] ?? "").length > decimals) return this.fail(name, "decimals", { decimals });
    if (Number(v) <= 0 || Number(v) > LIMITS.amountMajor)
      return this.fail(name, "range", { min: fromMinor(1, currency), max: LIMITS.amountMajor });
    try {
      return toMinor(v, currency);
    } catch (e) {
      if (e instanceof MoneyError) return this.fail(name, "number");
      throw e;
    }
  }
  /** A comma-separated list (tags, product types): trimmed, no empties, no duplicates ignoring case. */
  names(name: string): string[] | null {
    const items = this.text(name)
      .split(",")
      .map((s) => s.trim())
      .filter(Boolean);
    const long = items.find((s) => s.length > LIMITS.textLength);
    if (long) return this.fail(name, "tooLong", { max: LIMITS.textLength, value: long.slice(0, 30) });
    if (items.length > LIMITS.listItems) return this.fail(name, "tooMany", { max: LIMITS.listItems });
    const seen = new Set<string>();
    return items.filter((s) => !seen.has(s.toLowerCase()) && !!seen.add(s.toLowerCase()));
  }
  done<T>(value: () => T): Parsed<T> {
    return Object.keys(this.errors).length ? { ok: false, errors: this.errors } : { ok: true, value: value() };
  }
}

/** The page's values as a FormLike (the page checks a section with the same parse before sending it). */
export function fieldsForm(fields: SettingsFields): FormLike {
  return {
    get: (name) => {
      const v = fields[name];
      return Array.isArray(v) ? v[0] : v;
    },
    getAll: (name) => {
      const v = fields[name];
      return v === undefined ? [] : Array.isArray(v) ? v : [v];
    },
  };
}

// ---- loyalty: the earn rule --------------------------------------------------------------------

export function earnRuleFields(rule: EarnRule): SettingsFields {
  return {
    pointsPerUnit: String(rule.pointsPerUnit),
    rounding: rule.rounding,
    earnOn: rule.earnOn,
    ...Object.fromEntries(EARN_FLAGS.map((f) => [f, String(rule[f])])),
  };
}

export function parseEarnRule(form: FormLike): Parsed<EarnRule> {
  const r = new Reader(form);
  const pointsPerUnit = r.decimal("pointsPerUnit", LIMITS.pointsPerUnit);
  const rounding = r.choice("rounding", ROUNDINGS);
  const earnOn = r.choice("earnOn", EARN_ON);
  const flags = Object.fromEntries(EARN_FLAGS.map((f) => [f, r.flag(f)])) as Record<(typeof EARN_FLAGS)[number], boolean>;
  return r.done(() => ({ pointsPerUnit: pointsPerUnit!, rounding: rounding!, earnOn: earnOn!, ...flags }));
}

// ---- returns -----------------------------------------------------------------------------------

export function returnRulesFields(rules: ReturnRules): SettingsFields {
  return {
    windowDays: String(rules.windowDays),
    windowFrom: rules.windowFrom,
    finalSaleTags: rules.finalSaleTags.join(", "),
    finalSaleProductTypes: rules.finalSaleProductTypes.join(", "),
    reasons: RETURN_REASONS.filter((r) => rules.reasons.includes(r)),
    autoApprove: String(!!rules.autoApprove),
    autoApproveExcept: RETURN_REASONS.filter((r) => rules.autoApprove?.exceptReasons.includes(r)),
    storeCreditBonusPercent: String(rules.storeCreditBonusPercent),
  };
}

export function parseReturnRules(form: FormLike): Parsed<ReturnRules> {
  const r = new Reader(form);
  const windowDays = r.integer("windowDays", LIMITS.windowDays);
  const windowFrom = r.choice("windowFrom", WINDOW_FROM);
  const finalSaleTags = r.names("finalSaleTags");
  const finalSaleProductTypes = r.names("finalSaleProductTypes");
  const reasonList = (name: string) => {
    const picked = r.list(name);
    if (picked.some((p) => !(RETURN_REASONS as readonly string[]).includes(p))) return r.fail(name, "choice");
    return RETURN_REASONS.filter((reason) => picked.includes(reason)); // the shopper sees them in this order
  };
  const reasons = reasonList("reasons");
  if (reasons && !reasons.length) r.fail("reasons", "noReasons");
  const autoApprove = r.flag("autoApprove");
  const except = reasonList("autoApproveExcept");
  if (autoApprove && except && reasons && except.some((e) => !reasons.includes(e))) r.fail("autoApproveExcept", "exceptNotOffered");
  const storeCreditBonusPercent = r.integer("storeCreditBonusPercent", LIMITS.bonusPercent);
  return r.done(() => ({
    windowDays: windowDays!,
    windowFrom: windowFrom!,
    finalSaleTags: finalSaleTags!,
    finalSaleProductTypes: finalSaleProductTypes!,
    reasons: reasons!,
    autoApprove: autoApprove ? { exceptReasons: except! } : null,
    storeCreditBonusPercent: storeCreditBonusPercent!,
  }));
}

// ---- the rewards catalog -----------------------------------------------------------------------
// Rows are `reward.<i>.<field>`, i from 0 to `rewardCount` - 1. A row keeps its id (redemptions
// name the reward they spent points on); a new row (no id) gets one from its kind.

export function rewardsFields(rewards: Reward[], currency: string): SettingsFields {
  const fields: SettingsFields = { rewardCount: String(rewards.length) };
  rewards.forEach((w, i) => {
    fields[`reward.${i}.id`] = w.id;
    fields[`reward.${i}.kind`] = w.kind;
    fields[`reward.${i}.cost`] = String(w.cost);
    fields[`reward.${i}.value`] =
      w.kind === "percentage_off" ? String(w.percent ?? "") : w.valueMinor === null ? "" : fromMinor(w.valueMinor, currency);
    fields[`reward.${i}.minimumOrder`] = w.minimumOrderMinor === null ? "" : fromMinor(w.minimumOrderMinor, currency);
    fields[`reward.${i}.validDays`] = String(w.validDays);
    fields[`reward.${i}.tiers`] = w.tiers ?? [];
  });
  return fields;
}

const REWARD_ID = /^[a-z0-9][a-z0-9-]{0,39}$/;

/** `program`: the tiers a reward may be limited to; a tier's welcome reward may not be removed. */
export function parseRewards(form: FormLike, currency: string, program: TierProgram): Parsed<Reward[]> {
  const r = new Reader(form);
  const count = r.integer("rewardCount", { min: 0, max: LIMITS.rewards });
  if (count === null) {
    // Only a page that is not ours sends a bad count: say it on the catalog as a whole.
    const e = r.errors.rewardCount;
    return { ok: false, errors: { rewardCount: e.code === "range" ? { code: "tooMany", vars: { max: LIMITS.rewards } } : e } };
  }
  const rows: Array<Reward | null> = [];
  const ids = new Set<string>();
  for (let i = 0; i < count; i++) {
    const f = (name: string) => `reward.${i}.${name}`;
    const given = r.text(f("id"));
    if (given && !REWARD_ID.test(given)) r.fail(f("id"), "choice");
    if (given && ids.has(given)) r.fail(f("id"), "duplicate");
    if (given) ids.add(given);
    const kind = r.choice(f("kind"), REWARD_KINDS);
    const cost = r.integer(f("cost"), LIMITS.rewardCost);
    // Free shipping has no amount; percentage off takes its value as a whole percent; the others
    // must say how much, in the shop's currency.
    const percent = kind === "percentage_off" ? r.integer(f("value"), LIMITS.percentOff) : undefined;
    const valueMinor =
      kind === "free_shipping" || kind === "percentage_off" ? null : kind ? r.money(f("value"), currency, false) : undefined;
    const minimumOrderMinor = r.money(f("minimumOrder"), currency, true);
    const validDays = r.integer(f("validDays"), LIMITS.validDays);
    const tiers = r.list(f("tiers"));
    if (tiers.some((t) => !program.tiers.some((x) => x.id === t))) r.fail(f("tiers"), "choice");
    rows.push(
      kind && cost !== null && valueMinor !== undefined && percent !== null && minimumOrderMinor !== undefined && validDays !== null
        ? {
            id: given,
            kind,
            cost,
            valueMinor,
            ...(percent !== undefined ? { percent } : {}),
            minimumOrderMinor,
            validDays,
            tiers: tiers.length ? program.tiers.filter((t) => tiers.includes(t.id)).map((t) => t.id) : null,
          }
        : null,
    );
  }
  // A tier's welcome reward stays in the catalog until the tier stops giving it.
  const welcome = program.tiers.find((t) => t.welcomeRewardId && !ids.has(t.welcomeRewardId));
  if (welcome) r.fail("rewardCount", "rewardInUse", { tier: welcome.name });
  return r.done(() =>
    rows.map((w) => {
      if (w!.id) return w!;
      let n = 1;
      while (ids.has(`${w!.kind.replace("_", "-")}-${n}`)) n++;
      const id = `${w!.kind.replace("_", "-")}-${n}`;
      ids.add(id);
      return { ...w!, id };
    }),
  );
}

// ---- warranty policy ---------------------------------------------------------------------------
// Overrides are `override.<i>.<field>`, i from 0 to `overrideCount` - 1.

export function warrantyPolicyFields(policy: WarrantyPolicy): SettingsFields {
  const fields: SettingsFields = {
    defaultMonths: String(policy.defaultMonths),
    startsAt: policy.startsAt,
    overrideCount: String(policy.overrides.length),
  };
  policy.overrides.forEach((o, i) => {
    fields[`override.${i}.match`] = o.match;
    fields[`override.${i}.value`] = o.value;
    fields[`override.${i}.months`] = String(o.months);
  });
  return fields;
}

export function parseWarrantyPolicy(form: FormLike): Parsed<WarrantyPolicy> {
  const r = new Reader(form);
  const defaultMonths = r.integer("defaultMonths", LIMITS.warrantyMonths);
  const startsAt = r.choice("startsAt", WARRANTY_STARTS);
  const count = r.integer("overrideCount", { min: 0, max: LIMITS.overrides });
  if (count === null) {
    const e = r.errors.overrideCount;
    return { ok: false, errors: { overrideCount: e.code === "range" ? { code: "tooMany", vars: { max: LIMITS.overrides } } : e } };
  }
  const overrides: WarrantyPolicy["overrides"] = [];
  const seen = new Set<string>();
  for (let i = 0; i < count; i++) {
    const f = (name: string) => `override.${i}.${name}`;
    const match = r.choice(f("match"), OVERRIDE_MATCHES);
    const value = r.text(f("value"));
    if (!value) r.fail(f("value"), "required");
    else if (value.length > LIMITS.textLength) r.fail(f("value"), "tooLong", { max: LIMITS.textLength, value: value.slice(0, 30) });
    // Two overrides for the same tag would leave the months to whichever comes first: say so.
    else if (match && seen.has(`${match}:${value.toLowerCase()}`)) r.fail(f("value"), "duplicate");
    if (match) seen.add(`${match}:${value.toLowerCase()}`);
    const months = r.integer(f("months"), LIMITS.warrantyMonths);
    if (match && value && months !== null) overrides.push({ match, value, months });
  }
  return r.done(() => ({ defaultMonths: defaultMonths!, startsAt: startsAt!, overrides }));
}

// ---- tiers -------------------------------------------------------------------------------------
// Rows are `tier.<i>.<field>`, i from 0 to `tierCount` - 1, in ascending thresholds. Row 0 is the
// tier everyone starts in (threshold 0). A threshold is points, an amount in the shop's currency or
// a number of orders, as `basis` says; the same rows keep their meaning when the basis changes only
// if the merchant changes the thresholds too, so the page shows the basis's unit beside each one.

export function tierProgramFields(program: TierProgram, currency: string): SettingsFields {
  const fields: SettingsFields = { basis: program.basis, period: program.period, tierCount: String(program.tiers.length) };
  program.tiers.forEach((t, i) => {
    fields[`tier.${i}.id`] = t.id;
    fields[`tier.${i}.name`] = t.name;
    fields[`tier.${i}.threshold`] = program.basis === "spend" && t.threshold > 0 ? fromMinor(t.threshold, currency) : String(t.threshold);
    fields[`tier.${i}.multiplier`] = String(t.earnMultiplier);
    fields[`tier.${i}.welcomeReward`] = t.welcomeRewardId ?? "";
  });
  return fields;
}

const TIER_ID = /^[a-z0-9][a-z0-9-]{0,39}$/;
const slug = (name: string) =>
  name
    .normalize("NFD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 30) || "tier";

/** `catalog`: the rewards a tier may give on reaching it; a tier a reward is limited to may not be removed. */
export function parseTierProgram(form: FormLike, currency: string, catalog: readonly Reward[]): Parsed<TierProgram> {
  const r = new Reader(form);
  const basis = r.choice("basis", TIER_BASES);
  const period = r.choice("period", TIER_PERIODS);
  const count = r.integer("tierCount", { min: 1, max: LIMITS.tiers });
  if (count === null) {
    const e = r.errors.tierCount;
    const tooMany = e.code === "range" && Number(r.text("tierCount")) > LIMITS.tiers;
    return { ok: false, errors: { tierCount: tooMany ? { code: "tooMany", vars: { max: LIMITS.tiers } } : { code: "noTiers" } } };
  }
  const rows: Array<Omit<Tier, "id"> & { id: string }> = [];
  const ids = new Set<string>();
  const names = new Set<string>();
  let previous: number | null = null;
  for (let i = 0; i < count; i++) {
    const f = (name: string) => `tier.${i}.${name}`;
    const given = r.text(f("id"));
    if (given && (!TIER_ID.test(given) || ids.has(given))) r.fail(f("name"), given && ids.has(given) ? "duplicate" : "choice");
    if (given) ids.add(given);
    const name = r.text(f("name"));
    if (!name) r.fail(f("name"), "required");
    else if (name.length > LIMITS.tierName) r.fail(f("name"), "tooLong", { max: LIMITS.tierName, value: name.slice(0, 30) });
    else if (names.has(name.toLowerCase())) r.fail(f("name"), "duplicate");
    names.add(name.toLowerCase());
    let threshold: number | null | undefined;
    if (i === 0) {
      // Everyone is in a tier: the first starts at nothing (an empty field says the same).
      const v = r.text(f("threshold"));
      threshold = v === "" || /^0+([.,]0+)?$/.test(v) ? 0 : r.fail(f("threshold"), "firstTierZero");
    } else if (basis === "spend") threshold = r.money(f("threshold"), currency, false);
    else if (basis) threshold = r.integer(f("threshold"), basis === "points" ? LIMITS.tierPoints : LIMITS.tierOrders);
    if (typeof threshold === "number" && previous !== null && threshold <= previous) threshold = r.fail(f("threshold"), "ascending");
    if (typeof threshold === "number") previous = threshold;
    const multiplier = r.decimal(f("multiplier"), LIMITS.earnMultiplier);
    const welcome = r.text(f("welcomeReward"));
    if (welcome && !catalog.some((w) => w.id === welcome)) r.fail(f("welcomeReward"), "choice");
    if (name && typeof threshold === "number" && multiplier !== null)
      rows.push({ id: given, name, threshold, earnMultiplier: multiplier, welcomeRewardId: welcome || null });
  }
  // A reward limited to a tier keeps it: the merchant changes the reward first.
  const limited = catalog.find((w) => w.tiers?.some((t) => !rows.some((row) => tierAllows([t], { id: row.id || "", name: row.name }))));
  if (limited && Object.keys(r.errors).length === 0) r.fail("tierCount", "tierInUse", { reward: limited.id });
  return r.done(() => ({
    basis: basis!,
    period: period!,
    tiers: rows.map((row) => {
      if (row.id) return row;
      let id = slug(row.name);
      for (let n = 2; ids.has(id); n++) id = `${slug(row.name)}-${n}`;
      ids.add(id);
      return { ...row, id };
    }),
  }));
}

// ---- stored rules ------------------------------------------------------------------------------

/**
 * Rules stored as JSON, read through their section's parse (the same one the page's save uses),
 * over the defaults: a field missing or invalid keeps its default; if the rest still does not hold
 * together (a cross-field rule), the section's defaults apply whole rather than half of it.
 */
export function storedRules<T>(
  stored: unknown,
  defaults: T,
  fieldsOf: (rules: T) => SettingsFields,
  parse: (form: FormLike) => Parsed<T>,
): T {
  if (!stored || typeof stored !== "object" || Array.isArray(stored)) return defaults;
  const fallback = fieldsOf(defaults);
  let fields: SettingsFields;
  try {
    fields = fieldsOf({ ...defaults, ...(stored as Partial<T>) });
  } catch {
    return defaults; // a shape fieldsOf cannot even read (a list where an object belongs)
  }
  const first = parse(fieldsForm(fields));
  if (first.ok) return first.value;
  const second = parse(fieldsForm({ ...fields, ...Object.fromEntries(Object.keys(first.errors).map((k) => [k, fallback[k] ?? ""])) }));
  return second.ok ? second.value : defaults;
}

// Stored JSON may hold anything: a number or a flag as the page would type it, anything else as "".
const asField = (v: unknown) => (typeof v === "number" || typeof v === "boolean" ? String(v) : typeof v === "string" ? v : "");

// ---- points calendar: birthday and anniversary points, points expiry ----------------------------

export const AFTER_SALE_LIMITS = {
  points: { min: 0, max: 1_000_000 },
  months: { min: 0, max: 120 },
  careRules: 100,
  guideLength: 2000,
  gapDays: { min: 1, max: 3650 },
  ratio: { min: 1, max: 100, decimals: 2 },
  unusedPoints: { min: 1, max: 1_000_000 },
  score: { min: 1, max: 10 },
} as const;

export type PointsCalendar = Pick<LifecycleRules, "birthdayPoints" | "anniversaryPoints" | "pointsExpiryMonths">;

export function pointsCalendarFields(rules: PointsCalendar): SettingsFields {
  return {
    birthdayPoints: asField(rules.birthdayPoints),
    anniversaryPoints: asField(rules.anniversaryPoints),
    pointsExpiryMonths: asField(rules.pointsExpiryMonths),
  };
}

export function parsePointsCalendar(form: FormLike): Parsed<PointsCalendar> {
  const r = new Reader(form);
  const birthdayPoints = r.integer("birthdayPoints", AFTER_SALE_LIMITS.points);
  const anniversaryPoints = r.integer("anniversaryPoints", AFTER_SALE_LIMITS.points);
  const pointsExpiryMonths = r.integer("pointsExpiryMonths", AFTER_SALE_LIMITS.months);
  return r.done(() => ({
    birthdayPoints: birthdayPoints!,
    anniversaryPoints: anniversaryPoints!,
    pointsExpiryMonths: pointsExpiryMonths!,
  }));
}

// ---- care guides -------------------------------------------------------------------------------
// Rows are `care.<i>.<field>`, i from 0 to `careCount` - 1.

export const CARE_MATCHES: readonly CareRule["match"][] = ["product", "tag", "productType"];

export function careRulesFields(rules: { care: CareRule[] }): SettingsFields {
  const care: unknown[] = Array.isArray(rules.care) ? rules.care : [];
  const fields: SettingsFields = { careCount: String(care.length) };
  care.forEach((c, i) => {
    const rule = (c && typeof c === "object" ? c : {}) as Record<string, unknown>;
    for (const name of ["match", "value", "guide", "firstAfterMonths", "everyMonths"]) fields[`care.${i}.${name}`] = asField(rule[name]);
  });
  return fields;
}

export function parseCareRules(form: FormLike): Parsed<{ care: CareRule[] }> {
  const r = new Reader(form);
  const count = r.integer("careCount", { min: 0, max: AFTER_SALE_LIMITS.careRules });
  if (count === null) {
    const e = r.errors.careCount;
    return { ok: false, errors: { careCount: e.code === "range" ? { code: "tooMany", vars: { max: AFTER_SALE_LIMITS.careRules } } : e } };
  }
  const care: CareRule[] = [];
  const seen = new Set<string>();
  for (let i = 0; i < count; i++) {
    const f = (name: string) => `care.${i}.${name}`;
    const match = r.choice(f("match"), CARE_MATCHES);
    const value = r.text(f("value"));
    if (!value) r.fail(f("value"), "required");
    else if (value.length > LIMITS.textLength) r.fail(f("value"), "tooLong", { max: LIMITS.textLength, value: value.slice(0, 30) });
    else if (match === "product" && !/^\d+$/.test(value)) r.fail(f("value"), "productId");
    // The first of two guides for one product would always win: say so rather than keep a dead one.
    else if (match && seen.has(`${match}:${value.toLowerCase()}`)) r.fail(f("value"), "duplicate");
    if (match) seen.add(`${match}:${value.toLowerCase()}`);
    const guide = r.text(f("guide"));
    if (guide.length > AFTER_SALE_LIMITS.guideLength)
      r.fail(f("guide"), "tooLong", { max: AFTER_SALE_LIMITS.guideLength, value: guide.slice(0, 30) });
    const firstAfterMonths = r.integer(f("firstAfterMonths"), AFTER_SALE_LIMITS.months);
    const everyMonths = r.integer(f("everyMonths"), AFTER_SALE_LIMITS.months);
    if (!guide && firstAfterMonths === 0) r.fail(f("guide"), "careEmpty");
    if (match && value && firstAfterMonths !== null && everyMonths !== null)
      care.push({ match, value, guide, firstAfterMonths, everyMonths });
  }
  return r.done(() => ({ care }));
}

// ---- churn thresholds --------------------------------------------------------------------------

export function churnRulesFields(rules: { churn: ChurnRules }): SettingsFields {
  const c = (rules.churn && typeof rules.churn === "object" ? rules.churn : {}) as Record<string, unknown>;
  return Object.fromEntries(
    ["oneOrderGapDays", "overdueRatio", "longOverdueRatio", "unusedPointsMin", "mediumScore", "highScore"].map((n) => [n, asField(c[n])]),
  );
}

export function parseChurnRules(form: FormLike): Parsed<{ churn: ChurnRules }> {
  const r = new Reader(form);
  const L = AFTER_SALE_LIMITS;
  const oneOrderGapDays = r.integer("oneOrderGapDays", L.gapDays);
  const overdueRatio = r.decimal("overdueRatio", L.ratio);
  // "Long overdue" must not come before "overdue", nor a high risk below a medium one.
  const longOverdueRatio = r.decimal("longOverdueRatio", { ...L.ratio, min: overdueRatio ?? L.ratio.min });
  const unusedPointsMin = r.integer("unusedPointsMin", L.unusedPoints);
  const mediumScore = r.integer("mediumScore", L.score);
  const highScore = r.integer("highScore", { ...L.score, min: mediumScore ?? L.score.min });
  return r.done(() => ({
    churn: {
      oneOrderGapDays: oneOrderGapDays!,
      overdueRatio: overdueRatio!,
      longOverdueRatio: longOverdueRatio!,
      unusedPointsMin: unusedPointsMin!,
      mediumScore: mediumScore!,
      highScore: highScore!,
    },
  }));
}

// ---- surveys (Shop.feedbackRules) --------------------------------------------------------------

const SURVEY_DAYS = {
  npsAfterDeliveryDays: { min: 0, max: 90 },
  npsAfterFulfillmentDays: { min: 0, max: 120 },
  npsQuietDays: { min: 0, max: 730 },
  openDays: { min: 1, max: 365 },
  reviewInviteEveryDays: { min: 0, max: 3650 },
} as const;

export function surveyRulesFields(rules: FeedbackRules): SettingsFields {
  return {
    ...Object.fromEntries(Object.keys(SURVEY_DAYS).map((n) => [n, asField(rules[n as keyof typeof SURVEY_DAYS])])),
    csat: asField(rules.csat),
  };
}

export function parseSurveyRules(form: FormLike): Parsed<FeedbackRules> {
  const r = new Reader(form);
  const days = Object.fromEntries(Object.entries(SURVEY_DAYS).map(([n, range]) => [n, r.integer(n, range)])) as Record<
    keyof typeof SURVEY_DAYS,
    number
  >;
  const csat = r.flag("csat");
  return r.done(() => ({ ...days, csat: csat! }));
}
