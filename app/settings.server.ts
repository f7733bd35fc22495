// The merchant's settings: the shop's rules as the Settings page shows them, and saving one section.
// A save writes the rules in force (the Shop column processing reads) and appends the change to
// ShopRulesChange, in one transaction; an unchanged save writes nothing. Rules are versioned by
// time: processing reads the current column, and what was earned keeps the rule of its day (an
// order's earn snapshot holds the rule it earned under; refunds reverse with it).
import { pool, transaction } from "./db.server";
import { DEFAULT_EARN_RULE, type EarnRule } from "./domain/loyalty";
import { returnRulesOf, type ReturnRules } from "./domain/returns";
import { defaultRewards, type Reward } from "./domain/rewards";
import {
  earnRuleFields,
  parseEarnRule,
  parseTierProgram,
  tierProgramFields,
  parseReturnRules,
  parseRewards,
  parseWarrantyPolicy,
  returnRulesFields,
  rewardsFields,
  warrantyPolicyFields,
  type FieldErrors,
  type FormLike,
  type Parsed,
  type SettingsFields,
  SETTINGS_SECTIONS,
  type SettingsSection,
} from "./domain/settings";
import { DEFAULT_WARRANTY_POLICY, type WarrantyPolicy } from "./domain/warranty";
import { tierProgramOf, type TierProgram } from "./domain/tiers";
import { lifecycleRulesOf } from "./domain/lifecycle-rules";
import { feedbackRulesOf } from "./domain/feedback";
import {
  careRulesFields,
  churnRulesFields,
  parseCareRules,
  parseChurnRules,
  parsePointsCalendar,
  parseSurveyRules,
  pointsCalendarFields,
  surveyRulesFields,
} from "./domain/settings";
import type { SectionChange } from "./settings";

// The Shop column each section is kept in (constants: composed into SQL text).
const COLUMN: Record<SettingsSection, string> = {
  loyalty: `"earnRule"`,
  tiers: `"tierProgram"`,
  rewards: `"rewards"`,
  warranty: `"warrantyPolicy"`,
  returns: `"returnRules"`,
  // These three are parts of one column: a save writes its part over the others as they read.
  calendar: `"lifecycleRules"`,
  care: `"lifecycleRules"`,
  churn: `"lifecycleRules"`,
  surveys: `"feedbackRules"`,
};
const MERGED: ReadonlySet<SettingsSection> = new Set(["calendar", "care", "churn"]);

interface ShopRules {
  currency: string;
  earnRule: Partial<EarnRule> | null;
  tierProgram: TierProgram | null;
  rewards: Reward[] | null;
  warrantyPolicy: Partial<WarrantyPolicy> | null;
  returnRules: Partial<ReturnRules> | null;
  lifecycleRules: unknown;
  feedbackRules: unknown;
}

// What processing applies where a column is empty (or was written before a rule had a field).
function rulesInForce(row: ShopRules) {
  return {
    loyalty: { ...DEFAULT_EARN_RULE, ...row.earnRule },
    tiers: tierProgramOf(row.tierProgram),
    rewards: row.rewards ?? defaultRewards(row.currency),
    warranty: { ...DEFAULT_WARRANTY_POLICY, ...row.warrantyPolicy },
    returns: returnRulesOf(row.returnRules),
    ...afterSaleRules(row),
  };
}

// Each after-sale section is its part of the rules as processing reads them.
function afterSaleRules(row: ShopRules) {
  const { birthdayPoints, anniversaryPoints, pointsExpiryMonths, care, churn } = lifecycleRulesOf(row.lifecycleRules);
  return {
    calendar: { birthdayPoints, anniversaryPoints, pointsExpiryMonths },
    care: { care },
    churn: { churn },
    surveys: feedbackRulesOf(row.feedbackRules),
  };
}

export interface ShopSettings {
  currency: string;
  // What one section's fields choose from in another: the tiers a reward may be limited to, the
  // rewards a tier may give on reaching it (as saved: the page reloads them after each save).
  tiers: Array<{ id: string; name: string }>;
  rewards: Reward[];
  fields: Record<SettingsSection, SettingsFields>;
  changes: Record<SettingsSection, SectionChange | null>;
}

/** The shop's rules as the page's fields (the defaults where none were saved), and each section's last change. */
export async function shopSettings(shop: string): Promise<ShopSettings | null> {
  const { rows } = await pool.query<ShopRules & { changes: Array<{ section: SettingsSection; at: string; by: string | null }> }>(
    `SELECT s.currency, s."earnRule", s."tierProgram", s.rewards, s."warrantyPolicy", s."returnRules", s."lifecycleRules", s."feedbackRules",
            COALESCE((SELECT json_agg(json_build_object('section', c.section, 'at', c."changedAt", 'by', c."changedBy"))
                        FROM (SELECT DISTINCT ON (section) section, "changedAt", "changedBy" FROM "ShopRulesChange"
                               WHERE shop = s.domain ORDER BY section, "changedAt" DESC, id DESC) c), '[]') AS changes
       FROM "Shop" s WHERE s.domain = $1`,
    [shop],
  );
  const row = rows[0];
  if (!row) return null;
  const rules = rulesInForce(row);
  const changes = Object.fromEntries(SETTINGS_SECTIONS.map((section) => [section, null])) as ShopSettings["changes"];
  // json_build_object writes a timestamp without a zone: it is UTC (app/db.server.ts).
  for (const c of row.changes) changes[c.section] = { at: new Date(`${c.at}Z`).toISOString(), by: c.by };
  return {
    currency: row.currency,
    tiers: rules.tiers.tiers.map((t) => ({ id: t.id, name: t.name })),
    rewards: rules.rewards,
    fields: {
      loyalty: earnRuleFields(rules.loyalty),
      tiers: tierProgramFields(rules.tiers, row.currency),
      rewards: rewardsFields(rules.rewards, row.currency),
      warranty: warrantyPolicyFields(rules.warranty),
      returns: returnRulesFields(rules.returns),
      calendar: pointsCalendarFields(rules.calendar),
      care: careRulesFields(rules.care),
      churn: churnRulesFields(rules.churn),
      surveys: surveyRulesFields(rules.surveys),
    },
    changes,
  };
}

// Each section's one parse (app/domain/settings.ts), the same the page and processing use.
// Tiers and rewards name each other: each is checked against the other as in force.
const PARSE: Record<SettingsSection, (form: FormLike, currency: string, inForce: ReturnType<typeof rulesInForce>) => Parsed<unknown>> = {
  loyalty: (form) => parseEarnRule(form),
  tiers: (form, currency, inForce) => parseTierProgram(form, currency, inForce.rewards),
  rewards: (form, currency, inForce) => parseRewards(form, currency, inForce.tiers),
  warranty: (form) => parseWarrantyPolicy(form),
  returns: (form) => parseReturnRules(form),
  calendar: (form) => parsePointsCalendar(form),
  care: (form) => parseCareRules(form),
  churn: (form) => parseChurnRules(form),
  surveys: (form) => parseSurveyRules(form),
};

export type SaveResult = { ok: true; changed: boolean } | { ok: false; errors: FieldErrors } | { ok: false; notFound: true };

/** Parses one section of the page's form and, if valid and different, makes it the rules in force. */
export async function saveSettings(shop: string, section: SettingsSection, form: FormLike, changedBy: string | null): Promise<SaveResult> {
  return transaction(async (tx) => {
    // Locked: two saves of one shop's settings take turns, so each compares with what the other wrote.
    const [row] = await tx.rows<ShopRules>`
      SELECT currency, "earnRule", "tierProgram", rewards, "warrantyPolicy", "returnRules", "lifecycleRules", "feedbackRules" FROM "Shop" WHERE domain = ${shop} FOR UPDATE`;
    if (!row) return { ok: false, notFound: true } as const;
    const inForce = rulesInForce(row);
    const parsed = PARSE[section](form, row.currency, inForce);
    if (!parsed.ok) return { ok: false, errors: parsed.errors } as const;
    const rules = JSON.stringify(parsed.value);
    // Compared as jsonb (key order aside) with the rules in force: saving the defaults shown is no change.
    const [same] = await tx.rows<{ same: boolean }>`SELECT ${rules}::jsonb = ${JSON.stringify(inForce[section])}::jsonb AS same`;
    if (same.same) return { ok: true, changed: false } as const;
    // A merged section keeps the column's other parts as processing reads them (defaults included),
    // so a stored part that did not validate is not left behind under a valid one.
    const value = MERGED.has(section) ? JSON.stringify({ ...lifecycleRulesOf(row.lifecycleRules), ...(parsed.value as object) }) : rules;
    await tx.query(`UPDATE "Shop" SET ${COLUMN[section]} = $2::jsonb, "updatedAt" = now() WHERE domain = $1`, [shop, value]);
    await tx.run`INSERT INTO "ShopRulesChange" (shop, section, rules, "changedBy") VALUES (${shop}, ${section}, ${rules}::jsonb, ${changedBy})`;
    // New thresholds or tiers place customers anew (and welcome those they lift), behind other work.
    if (section === "tiers")
      await tx.run`SELECT graphile_worker.add_job('tiers_review', json_build_object('shop', ${shop}::text), job_key => 'tiers_review:' || ${shop}::text)`;
    return { ok: true, changed: true } as const;
  });
}
