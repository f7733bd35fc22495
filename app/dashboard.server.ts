import { pool } from "./db.server";
import { csatPercent, netPromoterScore, tallyThemes, themesOf } from "./domain/feedback";
import {
  claimRates,
  rate,
  summarizeClaims,
  topReasons,
  type ClaimSummary,
  type ClaimTiming,
  type ProductClaims,
} from "./domain/after-sales-measures";
import {
  dashboardMetrics,
  parseRange,
  pointValueMinor,
  type Baseline,
  type DashboardMetrics,
  type DateRange,
  type DayCounters,
  type MonthCounters,
  type RangeInput,
  type RangeResult,
  type SurveyScores,
} from "./domain/dashboard";
import { dayIn } from "./domain/shop-days";
import { defaultRewards, type Reward } from "./domain/rewards";

// The dashboard reads only the aggregates the database keeps as rows change (decision 0019; the
// triggers and dashboard_rebuild are in prisma/migrations/0017_dashboard): the range's day rows, one
// sum over the days before it (the running totals start there: a shop has at most a few thousand
// days), the months around it, the range's return reasons and the shop's catalog. One statement.
const DAY_COLUMNS = [
  "orders",
  "revenueMinor",
  "unitsOrdered",
  "customerOrders",
  "customerRevenueMinor",
  "newCustomers",
  "repeatCustomers",
  "pointsEarned",
  "pointsRedeemed",
  "pointsReversed",
  "pointsExpired",
  "pointsNet",
  "returns",
  "unitsReturned",
  "claimsOpened",
  "claimsClosed",
  "claimsResolved",
  "claimsResolvedFirstContact",
  "claimResolutionSeconds",
] as const satisfies ReadonlyArray<Exclude<keyof DayCounters, "day">>;

export const DASHBOARD_SQL = `
  SELECT
    (SELECT COALESCE(json_agg(json_build_object('day', d.day::text, ${DAY_COLUMNS.map((c) => `'${c}', d."${c}"`).join(", ")})), '[]'::json)
     FROM "DashboardDay" d WHERE d.shop = $1 AND d.day BETWEEN $2::date AND $3::date) AS days,
    (SELECT json_build_object('newCustomers', COALESCE(sum(b."newCustomers"), 0), 'repeatCustomers', COALESCE(sum(b."repeatCustomers"), 0),
                              'customerRevenueMinor', COALESCE(sum(b."customerRevenueMinor"), 0), 'pointsNet', COALESCE(sum(b."pointsNet"), 0))
     FROM "DashboardDay" b WHERE b.shop = $1 AND b.day < $2::date) AS baseline,
    (SELECT COALESCE(json_agg(json_build_object('month', m.month::text, 'activeCustomers', m."activeCustomers", 'retainedCustomers', m."retainedCustomers")), '[]'::json)
     FROM "DashboardMonth" m WHERE m.shop = $1 AND m.month BETWEEN (date_trunc('month', $2::date) - interval '1 month')::date AND $3::date) AS months,
    (SELECT COALESCE(json_agg(r), '[]'::json) FROM (
       SELECT x.reason, sum(x.units) AS units FROM "DashboardReturnReasonDay" x
       WHERE x.shop = $1 AND x.day BETWEEN $2::date AND $3::date GROUP BY x.reason HAVING sum(x.units) > 0) r) AS reasons,
    (SELECT json_build_object('currency', s.currency, 'rewards', s.rewards) FROM "Shop" s WHERE s.domain = $1) AS shop`;

export type Dashboard = DashboardMetrics & { currency: string };

/**
 * The dashboard for the range the merchant asked for, in the shop's days: "the last 30 days" end on
 * the shop's today, and every day is the shop's (its time zone; UTC until Shopify has told us).
 */
export async function shopDashboard(
  shop: string,
  input: RangeInput,
  now = new Date(),
): Promise<{ ok: true; preset: number | null; data: Dashboard } | Extract<RangeResult, { ok: false }>> {
  const {
    rows: [row],
  } = await pool.query<{ zone: string | null }>(`SELECT "ianaTimezone" AS zone FROM "Shop" WHERE domain = $1`, [shop]);
  const zone = row?.zone ?? null;
  const parsed = parseRange(input, dayIn(now, zone));
  if (!parsed.ok) return parsed;
  return { ok: true, preset: parsed.preset, data: await dashboard(shop, parsed.range, zone) };
}

/** The shop's metrics for a range of the shop's days, each with its series. */
export async function dashboard(shop: string, range: DateRange, zone: string | null): Promise<Dashboard> {
  const [
    {
      rows: [row],
    },
    surveys,
  ] = await Promise.all([
    pool.query<{
      days: DayCounters[];
      baseline: Baseline;
      months: MonthCounters[];
      reasons: Array<{ reason: string; units: number }>;
      shop: { currency: string; rewards: Reward[] | null } | null;
    }>(DASHBOARD_SQL, [shop, range.from, range.to]),
    surveyScores(shop, range, zone),
  ]);
  const currency = row.shop?.currency ?? "USD";
  return {
    ...dashboardMetrics({
      range,
      days: row.days,
      baseline: row.baseline,
      months: row.months,
      reasons: row.reasons,
      pointValueMinor: pointValueMinor(row.shop?.rewards ?? defaultRewards(currency)),
      surveys,
    }),
    currency,
  };
}

// NPS and CSAT of the answers given in the range (their definitions: app/domain/feedback.ts). Null
// for a shop that has never had an answer: the page then says surveys are not running yet. Survey
// answers are few next to orders, and indexed by (shop, kind, answeredAt): read as they are, between
// the instants the shop's first day starts and the day after its last starts (shop_day_start).
export async function surveyScores(shop: string, range: DateRange, zone: string | null): Promise<SurveyScores | null> {
  const {
    rows: [r],
  } = await pool.query<{ any: boolean; nps: number[]; csat: number[]; themes: string[]; reasons: string[] }>(
    `SELECT EXISTS (SELECT 1 FROM "SurveyAnswer" WHERE shop = $1) AS any,
            COALESCE(array_agg(score) FILTER (WHERE kind = 'nps'), '{}') AS nps,
            COALESCE(array_agg(score) FILTER (WHERE kind = 'csat'), '{}') AS csat,
            COALESCE((SELECT array_agg(t) FROM "SurveyAnswer" a, unnest(a.themes) t
                      WHERE a.shop = $1 AND a."answeredAt" >= shop_day_start($2::date, $4) AND a."answeredAt" < shop_day_start($3::date + 1, $4)), '{}') AS themes,
            COALESCE((SELECT array_agg(l.reason) FROM "ReturnRequest" r JOIN "ReturnRequestLine" l ON l."returnId" = r.id
                      WHERE r.shop = $1 AND r."createdAt" >= shop_day_start($2::date, $4) AND r."createdAt" < shop_day_start($3::date + 1, $4)
                        AND r.status NOT IN ('failed', 'canceled')), '{}') AS reasons
       FROM "SurveyAnswer"
      WHERE shop = $1 AND kind IN ('nps', 'csat') AND "answeredAt" >= shop_day_start($2::date, $4) AND "answeredAt" < shop_day_start($3::date + 1, $4)`,
    [shop, range.from, range.to, zone ?? "UTC"],
  );
  if (!r.any) return null;
  const csat = csatPercent(r.csat);
  // Comments were themed when answered (and emptied with their themes on redaction); reasons now.
  const themes = tallyThemes([...r.themes, ...r.reasons.flatMap((reason) => themesOf(reason.replace(/_/g, " ")).map((t) => t.theme))]);
  return { nps: netPromoterScore(r.nps), csat: csat === null ? null : csat / 100, answers: r.nps.length + r.csat.length, themes };
}

/** The shop's aggregates recounted from its rows in its current time zone (after the zone changed). */
export async function rebuildDashboard(shop: string): Promise<void> {
  await pool.query(`SELECT dashboard_rebuild($1)`, [shop]);
}

/** shop/redact: the shop's aggregate rows, once its data is gone. */
export async function forgetDashboard(shop: string): Promise<void> {
  await pool.query(`SELECT dashboard_forget($1)`, [shop]);
}

export interface AfterSalesMeasures {
  from: string; // ISO, inclusive
  to: string; // ISO, exclusive
  claims: ClaimSummary;
  claimRates: ReturnType<typeof claimRates>;
  returns: { requests: number; units: number; unitsOrdered: number; rate: number | null; topReasons: ReturnType<typeof topReasons> };
}

// One statement: the period's claims (their timings), every product's units and claims, the
// period's ordered units and returned units by reason. What each figure means: app/domain/after-sales-measures.ts.
const MEASURES_SQL = `
  SELECT
    (SELECT COALESCE(json_agg(json_build_object(
        'firstResponseMs', EXTRACT(EPOCH FROM k."firstResponseAt" - k."submittedAt") * 1000,
        'resolutionMs', CASE WHEN k.status IN ('resolved', 'rejected') THEN EXTRACT(EPOCH FROM k."closedAt" - k."submittedAt") * 1000 END,
        'status', k.status, 'reopenCount', k."reopenCount")), '[]'::json)
     FROM "WarrantyClaim" k WHERE k.shop = $1 AND k."submittedAt" >= $2 AND k."submittedAt" < $3) AS claims,
    (SELECT COALESCE(json_agg(p), '[]'::json) FROM (
       SELECT max(w.title) AS product, sum(w.quantity)::int AS units,
              sum((SELECT count(*) FROM "WarrantyClaim" k WHERE k."warrantyId" = w.id))::int AS claims
       FROM "WarrantyRegistration" w WHERE w.shop = $1 AND w.status <> 'voided'
       GROUP BY COALESCE(w."productId", w.title)) p) AS products,
    (SELECT COALESCE(sum((l->>'quantity')::int), 0)::int
     FROM "Order" o CROSS JOIN LATERAL jsonb_array_elements(o.facts->'lineItems') l
     WHERE o.shop = $1 AND o."cancelledAt" IS NULL AND NOT COALESCE((l->>'giftCard')::boolean, false)
       AND (o.facts->>'createdAt')::timestamptz >= $2 AND (o.facts->>'createdAt')::timestamptz < $3) AS "unitsOrdered",
    (SELECT count(*)::int FROM "ReturnRequest" r
     WHERE r.shop = $1 AND r."createdAt" >= $2 AND r."createdAt" < $3 AND r.status NOT IN ('failed', 'canceled', 'declined')) AS "returnRequests",
    (SELECT COALESCE(json_agg(x), '[]'::json) FROM (
       SELECT l.reason, sum(l.quantity)::int AS units
       FROM "ReturnRequest" r JOIN "ReturnRequestLine" l ON l."returnId" = r.id
       WHERE r.shop = $1 AND r."createdAt" >= $2 AND r."createdAt" < $3 AND r.status NOT IN ('failed', 'canceled', 'declined')
       GROUP BY l.reason) x) AS reasons`;

/** The shop's after-sales measures for claims submitted and returns asked for in [from, to). */
export async function afterSalesMeasures(shop: string, period: { from: Date; to: Date }): Promise<AfterSalesMeasures> {
  const {
    rows: [m],
  } = await pool.query<{
    claims: ClaimTiming[];
    products: ProductClaims[];
    unitsOrdered: number;
    returnRequests: number;
    reasons: Array<{ reason: string; units: number }>;
  }>(MEASURES_SQL, [shop, period.from, period.to]);
  const units = m.reasons.reduce((sum, r) => sum + r.units, 0);
  return {
    from: period.from.toISOString(),
    to: period.to.toISOString(),
    claims: summarizeClaims(m.claims),
    claimRates: claimRates(m.products),
    returns: {
      requests: m.returnRequests,
      units,
      unitsOrdered: m.unitsOrdered,
      rate: rate(units, m.unitsOrdered),
      topReasons: topReasons(m.reasons),
    },
  };
}
