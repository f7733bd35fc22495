import { describe, expect, it } from "vitest";
import {
  bucketOf,
  buckets,
  dashboardMetrics,
  granularity,
  parseRange,
  pointValueMinor,
  previousMonth,
  type DayCounters,
} from "./dashboard";
import { defaultRewards, type Reward } from "./rewards";

const day = (d: string, counters: Partial<DayCounters>): DayCounters => ({
  day: d,
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
  ...counters,
});
const NONE = { newCustomers: 0, repeatCustomers: 0, customerRevenueMinor: 0, pointsNet: 0 };

describe("parseRange", () => {
  const today = "2026-11-23";
  const none = { preset: null, from: null, to: null };
  it("defaults to the last 90 days, today included", () => {
    expect(parseRange(none, today)).toEqual({ ok: true, preset: 90, range: { from: "2026-08-26", to: today } });
  });
  it("takes the presets 30, 90 and 365 and refuses others", () => {
    expect(parseRange({ ...none, preset: "30" }, today)).toMatchObject({ ok: true, range: { from: "2026-10-25", to: today } });
    expect(parseRange({ ...none, preset: "365" }, today)).toMatchObject({ ok: true, range: { from: "2025-11-24" } });
    expect(parseRange({ ...none, preset: "7" }, today)).toEqual({ ok: false, error: "bad_preset", value: "7" });
    expect(parseRange({ ...none, preset: "30abc" }, today)).toMatchObject({ ok: false, error: "bad_preset" });
  });
  it("takes custom dates and refuses impossible, missing, reversed or endless ones", () => {
    expect(parseRange({ preset: null, from: "2026-01-01", to: "2026-01-31" }, today)).toEqual({
      ok: true,
      preset: null,
      range: { from: "2026-01-01", to: "2026-01-31" },
    });
    expect(parseRange({ preset: null, from: "2026-02-30", to: "2026-03-01" }, today)).toEqual({
      ok: false,
      error: "bad_date",
      value: "2026-02-30",
    });
    expect(parseRange({ preset: null, from: "2026-02-01", to: null }, today)).toEqual({ ok: false, error: "bad_date", value: "" });
    expect(parseRange({ preset: null, from: "1/2/2026", to: "2026-03-01" }, today)).toMatchObject({ ok: false, error: "bad_date" });
    expect(parseRange({ preset: null, from: "2026-03-02", to: "2026-03-01" }, today)).toEqual({ ok: false, error: "from_after_to" });
    expect(parseRange({ preset: null, from: "2000-01-01", to: "2026-03-01" }, today)).toEqual({ ok: false, error: "too_long" });
  });
});

describe("buckets", () => {
  it("are days up to two months, weeks up to seven, months beyond", () => {
    expect(granularity({ from: "2026-10-01", to: "2026-11-30" })).toBe("day");
    expect(granularity({ from: "2026-08-26", to: "2026-11-23" })).toBe("week");
    expect(granularity({ from: "2025-11-24", to: "2026-11-23" })).toBe("month");
  });
  it("start weeks on Monday and months on the 1st", () => {
    expect(bucketOf("2026-11-23", "week")).toBe("2026-11-23"); // a Monday
    expect(bucketOf("2026-11-22", "week")).toBe("2026-11-16"); // a Sunday
    expect(bucketOf("2026-11-22", "month")).toBe("2026-11-01");
    expect(buckets({ from: "2026-11-20", to: "2026-11-24" }, "week")).toEqual(["2026-11-16", "2026-11-23"]);
    expect(buckets({ from: "2025-11-24", to: "2026-11-23" }, "month")).toHaveLength(13);
    expect(previousMonth("2026-01-01")).toBe("2025-12-01");
  });
});

describe("pointValueMinor", () => {
  it("is the best value per point among rewards with a fixed value", () => {
    expect(pointValueMinor(defaultRewards("USD"))).toBeCloseTo(1500 / 1200); // amount-15 beats 500/500 and 1000/1000
    const shipping: Reward = { ...defaultRewards("USD")[0]! };
    expect(pointValueMinor([shipping])).toBeNull();
  });
});

describe("dashboardMetrics", () => {
  const range = { from: "2026-11-01", to: "2026-11-10" };
  const base = { range, baseline: NONE, months: [], reasons: [], pointValueMinor: 2, surveys: null };

  it("divides the range's sums for flows, and says null rather than 0% where nothing was there to divide", () => {
    const m = dashboardMetrics({
      ...base,
      days: [
        day("2026-11-02", { orders: 2, unitsOrdered: 8, unitsReturned: 2, pointsEarned: 300, pointsRedeemed: 100, claimsOpened: 1 }),
        day("2026-11-05", { orders: 1, unitsOrdered: 2, pointsReversed: 100, claimsClosed: 2, claimResolutionSeconds: 2 * 36 * 3600 }),
        day("2026-11-06", { claimsResolved: 2, claimsResolvedFirstContact: 1 }),
        day("2026-10-31", { orders: 99, unitsOrdered: 99 }), // outside the range: ignored
      ],
    });
    expect(m.granularity).toBe("day");
    expect(m.orders).toBe(3);
    expect(m.returnRate.value).toBeCloseTo(2 / 10);
    expect(m.claimRate.value).toBeCloseTo(1 / 10);
    expect(m.redemptionRate.value).toBeCloseTo(100 / 200);
    expect(m.resolutionHours.value).toBeCloseTo(36);
    expect(m.firstContactResolution.value).toBeCloseTo(0.5);
    expect(m.returnRate.series).toHaveLength(10);
    expect(m.returnRate.series[1]).toEqual({ bucket: "2026-11-02", value: 0.25 });
    expect(m.returnRate.series[0]).toEqual({ bucket: "2026-11-01", value: null });
    expect(m.surveys).toBeNull();
  });

  it("carries running totals from before the range for repurchase, lifetime value and points liability", () => {
    const m = dashboardMetrics({
      ...base,
      baseline: { newCustomers: 10, repeatCustomers: 2, customerRevenueMinor: 100_000, pointsNet: 5000 },
      days: [day("2026-11-03", { newCustomers: 10, repeatCustomers: 4, customerRevenueMinor: 60_000, pointsNet: -1000 })],
    });
    expect(m.repurchaseRate.series[0]!.value).toBeCloseTo(2 / 10); // Nov 1: the baseline alone
    expect(m.repurchaseRate.value).toBeCloseTo(6 / 20);
    expect(m.lifetimeValueMinor.value).toBe(8000);
    expect(m.pointsOutstanding.value).toBe(4000);
    expect(m.pointsLiabilityMinor.value).toBe(8000);
    expect(m.pointsLiabilityMinor.series.at(-1)).toEqual({ bucket: "2026-11-10", value: 8000 });
  });

  it("has no liability in money when no reward has a fixed value", () => {
    expect(dashboardMetrics({ ...base, pointValueMinor: null, days: [] }).pointsLiabilityMinor).toEqual({ value: null, series: [] });
  });

  it("measures retention by month: the months starting in the range, each against the one before", () => {
    const m = dashboardMetrics({
      ...base,
      range: { from: "2026-09-15", to: "2026-11-20" },
      days: [],
      months: [
        { month: "2026-08-01", activeCustomers: 10, retainedCustomers: 0 },
        { month: "2026-09-01", activeCustomers: 8, retainedCustomers: 4 }, // starts before the range
        { month: "2026-10-01", activeCustomers: 6, retainedCustomers: 2 },
        { month: "2026-11-01", activeCustomers: 3, retainedCustomers: 3 },
      ],
    });
    expect(m.retentionRate.series).toEqual([
      { bucket: "2026-10-01", value: 2 / 8 },
      { bucket: "2026-11-01", value: 3 / 6 },
    ]);
    expect(m.retentionRate.value).toBeCloseTo(5 / 14);
  });

  it("groups days into the buckets of a long range", () => {
    const m = dashboardMetrics({
      ...base,
      range: { from: "2025-11-24", to: "2026-11-23" },
      days: [
        day("2026-03-02", { orders: 1, unitsOrdered: 4, unitsReturned: 1 }),
        day("2026-03-30", { orders: 1, unitsOrdered: 4, unitsReturned: 3 }),
      ],
    });
    expect(m.granularity).toBe("month");
    expect(m.returnRate.series.find((p) => p.bucket === "2026-03-01")).toEqual({ bucket: "2026-03-01", value: 0.5 });
    expect(m.returnRate.series[0]).toEqual({ bucket: "2025-11-01", value: null });
  });

  it("ranks return reasons by units", () => {
    const m = dashboardMetrics({
      ...base,
      days: [],
      reasons: [
        { reason: "size", units: 1 },
        { reason: "defective", units: 3 },
      ],
    });
    expect(m.topReasons.map((r) => r.reason)).toEqual(["defective", "size"]);
  });
});
