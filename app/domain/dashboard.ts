// The dashboard's metrics, defined once. Pure: the server reads per-day counters kept by the
// database (decision 0019) and these functions say what they mean, for a range and per bucket.
// Days are the shop's calendar days (its time zone: app/domain/shop-days.ts); a range is inclusive of both ends.
//
// - Retention rate: of the customers who ordered in a calendar month, the share who also ordered in
//   the month after — for the months that start in the range (each month's figure is its own).
// - Repurchase rate: customers with two or more orders ÷ customers with one or more, counting
//   every order up to the end of the range (or bucket).
// - Customer lifetime value: revenue from customers' orders ÷ customers, up to the same day.
// - Points liability: points outstanding at the end of the day × the best value a point buys in the
//   rewards catalog (amount off or store credit; free shipping has no fixed value).
// - Redemption rate: points redeemed ÷ points earned net of refund and cancel reversals, in the range.
// - Return rate: units in returns asked for ÷ units ordered, in the range; top reasons by units.
// - Claim rate: warranty claims submitted ÷ units ordered, in the range (claims trail sales, so a
//   short range of a growing shop reads low).
// - Time to resolution: mean time from submission to closing (resolved or rejected), of the claims
//   closed in the range. First-contact resolution: of the claims resolved in the range, the share
//   never reopened.
// - NPS and CSAT: from survey answers once they exist; until then, no figure (an empty state).
// Counted orders are paid and not cancelled; revenue is their lines after discounts (no gift cards)
// plus shipping, less refunds, in the shop's currency.
import { rate, topReasons } from "./after-sales-measures";
import type { Reward } from "./rewards";

const DAY_MS = 86_400_000;

export interface DayCounters {
  day: string; // YYYY-MM-DD
  orders: number;
  revenueMinor: number;
  unitsOrdered: number;
  customerOrders: number;
  customerRevenueMinor: number;
  newCustomers: number;
  repeatCustomers: number;
  pointsEarned: number;
  pointsRedeemed: number;
  pointsReversed: number;
  pointsExpired: number;
  pointsNet: number;
  returns: number;
  unitsReturned: number;
  claimsOpened: number;
  claimsClosed: number;
  claimsResolved: number;
  claimsResolvedFirstContact: number;
  claimResolutionSeconds: number;
}

/** Running totals from before the range: what the cumulative metrics start from. */
export interface Baseline {
  newCustomers: number;
  repeatCustomers: number;
  customerRevenueMinor: number;
  pointsNet: number;
}

export interface MonthCounters {
  month: string; // YYYY-MM-01
  activeCustomers: number;
  retainedCustomers: number;
}

export interface SurveyScores {
  nps: number | null; // -100…100
  csat: number | null; // 0…1, share of satisfied answers
  answers: number;
  // What the range's survey comments and return reasons are about, most first (app/domain/feedback.ts themesOf).
  themes: Array<{ theme: string; count: number }>;
}

export type Granularity = "day" | "week" | "month";

export interface DateRange {
  from: string; // YYYY-MM-DD, inclusive
  to: string; // YYYY-MM-DD, inclusive
}

export const RANGE_PRESETS = [30, 90, 365] as const;
export const DEFAULT_PRESET = 90;
// Ten years of days is still a few thousand rows: the limit keeps a typo from asking for more.
export const MAX_RANGE_DAYS = 3660;

export type RangeInput = { preset: string | null; from: string | null; to: string | null };
export type RangeResult =
  | { ok: true; range: DateRange; preset: number | null }
  | { ok: false; error: "bad_preset" | "bad_date" | "from_after_to" | "too_long"; value?: string };

const isoDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const dayMs = (day: string) => Date.parse(`${day}T00:00:00Z`);

function validDay(s: string | null): s is string {
  if (!s || !/^\d{4}-\d{2}-\d{2}$/.test(s)) return false;
  const ms = dayMs(s);
  return Number.isFinite(ms) && isoDay(ms) === s; // 2026-02-30 is refused, not rolled over
}

/**
 * The range the merchant asked for: `?range=30|90|365` (the last N days up to today), or
 * `?from=YYYY-MM-DD&to=YYYY-MM-DD`; nothing asks for the default, the last 90 days.
 */
export function parseRange(input: RangeInput, today: string): RangeResult {
  if (input.from !== null || input.to !== null) {
    for (const v of [input.from, input.to]) if (!validDay(v)) return { ok: false, error: "bad_date", value: v ?? "" };
    const [from, to] = [input.from!, input.to!];
    if (from > to) return { ok: false, error: "from_after_to" };
    if (daysIn({ from, to }) > MAX_RANGE_DAYS) return { ok: false, error: "too_long" };
    return { ok: true, range: { from, to }, preset: null };
  }
  const preset = input.preset === null || input.preset === "" ? DEFAULT_PRESET : Number(input.preset);
  if (!(RANGE_PRESETS as readonly number[]).includes(preset)) return { ok: false, error: "bad_preset", value: input.preset ?? "" };
  return { ok: true, range: { from: isoDay(dayMs(today) - (preset - 1) * DAY_MS), to: today }, preset };
}

export const daysIn = (r: DateRange) => Math.round((dayMs(r.to) - dayMs(r.from)) / DAY_MS) + 1;

/** Days up to two months, weeks up to about seven months, months beyond: 9–62 points a chart. */
export function granularity(r: DateRange): Granularity {
  const n = daysIn(r);
  return n <= 62 ? "day" : n <= 210 ? "week" : "month";
}

/** The first day of the bucket a day falls in (weeks start on Monday, ISO 8601). */
export function bucketOf(day: string, g: Granularity): string {
  if (g === "day") return day;
  if (g === "month") return `${day.slice(0, 7)}-01`;
  const ms = dayMs(day);
  const weekday = (new Date(ms).getUTCDay() + 6) % 7; // Monday 0
  return isoDay(ms - weekday * DAY_MS);
}

/** The buckets the range's days fall in, in order (the first may start before the range). */
export function buckets(r: DateRange, g: Granularity): string[] {
  const out: string[] = [];
  for (let ms = dayMs(r.from); ms <= dayMs(r.to); ms += DAY_MS) {
    const b = bucketOf(isoDay(ms), g);
    if (out[out.length - 1] !== b) out.push(b);
  }
  return out;
}

/** What a point is worth in minor units: the best value per point among rewards with a fixed value. */
export function pointValueMinor(catalog: readonly Reward[]): number | null {
  const values = catalog
    .filter((r) => (r.kind === "amount_off" || r.kind === "store_credit") && r.valueMinor !== null && r.cost > 0)
    .map((r) => r.valueMinor! / r.cost);
  return values.length ? Math.max(...values) : null;
}

export interface Point {
  bucket: string; // its first day
  value: number | null; // null: nothing to divide by in this bucket
}

export interface Metric {
  value: number | null;
  series: Point[];
}

export interface DashboardMetrics {
  range: DateRange;
  granularity: Granularity;
  orders: number;
  retentionRate: Metric; // series by month, whatever the range
  repurchaseRate: Metric;
  lifetimeValueMinor: Metric;
  pointsOutstanding: Metric;
  pointsLiabilityMinor: Metric; // null when no reward has a fixed value
  redemptionRate: Metric;
  returnRate: Metric;
  topReasons: ReturnType<typeof topReasons>;
  claimRate: Metric;
  resolutionHours: Metric;
  firstContactResolution: Metric;
  surveys: SurveyScores | null;
}

type Sums = Omit<DayCounters, "day">;
const ZERO: Sums = {
  orders: 0,
  revenueMinor: 0,
  unitsOrdered: 0,
  customerOrders: 0,
  customerRevenueMinor: 0,
  newCustomers: 0,
  repeatCustomers: 0,
  pointsEarned: 0,
  pointsRedeemed: 0,
  pointsReversed: 0,
  pointsExpired: 0,
  pointsNet: 0,
  returns: 0,
  unitsReturned: 0,
  claimsOpened: 0,
  claimsClosed: 0,
  claimsResolved: 0,
  claimsResolvedFirstContact: 0,
  claimResolutionSeconds: 0,
};

function add(a: Sums, b: Sums): Sums {
  const out = { ...a };
  for (const k of Object.keys(ZERO) as Array<keyof Sums>) out[k] += b[k];
  return out;
}

// Each metric twice over the same sums: over a bucket's days (its chart point) and over the range.
const flow = {
  redemptionRate: (s: Sums) => rate(s.pointsRedeemed, s.pointsEarned - s.pointsReversed),
  returnRate: (s: Sums) => rate(s.unitsReturned, s.unitsOrdered),
  claimRate: (s: Sums) => rate(s.claimsOpened, s.unitsOrdered),
  resolutionHours: (s: Sums) => rate(s.claimResolutionSeconds / 3600, s.claimsClosed),
  firstContactResolution: (s: Sums) => rate(s.claimsResolvedFirstContact, s.claimsResolved),
};
// Running totals at the end of a day (the baseline plus every day up to it).
const stock = {
  repurchaseRate: (t: Baseline) => rate(t.repeatCustomers, t.newCustomers),
  lifetimeValueMinor: (t: Baseline) => rate(t.customerRevenueMinor, t.newCustomers),
  pointsOutstanding: (t: Baseline) => t.pointsNet,
};

export function dashboardMetrics(input: {
  range: DateRange;
  days: readonly DayCounters[]; // the range's days that have counters, any order
  baseline: Baseline;
  months: readonly MonthCounters[];
  reasons: ReadonlyArray<{ reason: string; units: number }>;
  pointValueMinor: number | null;
  surveys: SurveyScores | null;
}): DashboardMetrics {
  const { range } = input;
  const g = granularity(range);
  const names = buckets(range, g);
  const perBucket = new Map<string, Sums>(names.map((b) => [b, ZERO]));
  const inRange = input.days.filter((d) => d.day >= range.from && d.day <= range.to);
  for (const d of inRange) {
    const key = bucketOf(d.day, g);
    perBucket.set(key, add(perBucket.get(key)!, d));
  }
  const total = inRange.reduce<Sums>((s, d) => add(s, d), ZERO);

  // Cumulative stock at each bucket's end.
  let running: Baseline = { ...input.baseline };
  const stockSeries = names.map((bucket) => {
    const s = perBucket.get(bucket)!;
    running = {
      newCustomers: running.newCustomers + s.newCustomers,
      repeatCustomers: running.repeatCustomers + s.repeatCustomers,
      customerRevenueMinor: running.customerRevenueMinor + s.customerRevenueMinor,
      pointsNet: running.pointsNet + s.pointsNet,
    };
    return { bucket, totals: running };
  });
  const stockMetric = (f: (t: Baseline) => number | null): Metric => ({
    value: f(running),
    series: stockSeries.map((p) => ({ bucket: p.bucket, value: f(p.totals) })),
  });
  const flowMetric = (f: (s: Sums) => number | null): Metric => ({
    value: f(total),
    series: names.map((bucket) => ({ bucket, value: f(perBucket.get(bucket)!) })),
  });

  // Retention: months starting in the range, each against the month before it.
  const byMonth = new Map(input.months.map((m) => [m.month, m]));
  const months = input.months.filter((m) => m.month >= range.from && m.month <= range.to).map((m) => m.month);
  const retention = (month: string) => {
    const prev = byMonth.get(previousMonth(month));
    return { retained: byMonth.get(month)?.retainedCustomers ?? 0, base: prev?.activeCustomers ?? 0 };
  };
  const retentionSums = months.map(retention).reduce((a, b) => ({ retained: a.retained + b.retained, base: a.base + b.base }), {
    retained: 0,
    base: 0,
  });

  const pointsOutstanding = stockMetric(stock.pointsOutstanding);
  const value = input.pointValueMinor;
  return {
    range,
    granularity: g,
    orders: total.orders,
    retentionRate: {
      value: rate(retentionSums.retained, retentionSums.base),
      series: months.map((month) => {
        const r = retention(month);
        return { bucket: month, value: rate(r.retained, r.base) };
      }),
    },
    repurchaseRate: stockMetric(stock.repurchaseRate),
    lifetimeValueMinor: stockMetric(stock.lifetimeValueMinor),
    pointsOutstanding,
    pointsLiabilityMinor:
      value === null
        ? { value: null, series: [] }
        : {
            value: pointsOutstanding.value! * value,
            series: pointsOutstanding.series.map((p) => ({ bucket: p.bucket, value: p.value! * value })),
          },
    redemptionRate: flowMetric(flow.redemptionRate),
    returnRate: flowMetric(flow.returnRate),
    topReasons: topReasons(input.reasons),
    claimRate: flowMetric(flow.claimRate),
    resolutionHours: flowMetric(flow.resolutionHours),
    firstContactResolution: flowMetric(flow.firstContactResolution),
    surveys: input.surveys,
  };
}

export function previousMonth(month: string): string {
  const [y, m] = month.split("-").map(Number) as [number, number];
  return m === 1 ? `${y - 1}-12-01` : `${y}-${String(m - 1).padStart(2, "0")}-01`;
}
