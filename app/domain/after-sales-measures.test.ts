import { describe, expect, it } from "vitest";
import { claimRates, median, rate, summarizeClaims, topReasons } from "./after-sales-measures";

const HOUR = 3_600_000;

describe("rate and median", () => {
  it("has no rate without a denominator, and the middle of odd and even counts", () => {
    expect(rate(3, 0)).toBeNull();
    expect(rate(0, 4)).toBe(0);
    expect(rate(1, 4)).toBe(0.25);
    expect(median([])).toBeNull();
    expect(median([5, 1, 3])).toBe(3);
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });
});

describe("summarizeClaims", () => {
  it("takes medians over the claims that have each time, and first-contact resolution over the resolved", () => {
    const summary = summarizeClaims([
      { firstResponseMs: 1 * HOUR, resolutionMs: 48 * HOUR, status: "resolved", reopenCount: 0 },
      { firstResponseMs: 3 * HOUR, resolutionMs: 96 * HOUR, status: "resolved", reopenCount: 1 },
      { firstResponseMs: 2 * HOUR, resolutionMs: 24 * HOUR, status: "rejected", reopenCount: 0 },
      { firstResponseMs: null, resolutionMs: null, status: "submitted", reopenCount: 0 },
    ]);
    expect(summary).toEqual({
      claims: 4,
      medianFirstResponseMs: 2 * HOUR,
      medianResolutionMs: 48 * HOUR,
      resolved: 2,
      // A rejection is closed, not resolved: it counts in time to resolution, not in FCR.
      firstContactResolutionRate: 0.5,
    });
  });

  it("says nothing rather than 0% when no claim is resolved", () => {
    expect(summarizeClaims([{ firstResponseMs: null, resolutionMs: null, status: "submitted", reopenCount: 0 }])).toMatchObject({
      medianFirstResponseMs: null,
      firstContactResolutionRate: null,
    });
  });
});

describe("claimRates", () => {
  it("ranks products by claims per unit, leaving out those without claims or with too few units", () => {
    const rows = [
      { product: "Molinillo", units: 40, claims: 2 },
      { product: "Cafetera", units: 10, claims: 2 },
      { product: "Báscula", units: 10, claims: 2 },
      { product: "Hervidor", units: 30, claims: 0 },
      { product: "Tostador", units: 1, claims: 1 },
    ];
    expect(claimRates(rows, { minUnits: 5 })).toEqual([
      { product: "Báscula", units: 10, claims: 2, rate: 0.2 },
      { product: "Cafetera", units: 10, claims: 2, rate: 0.2 },
      { product: "Molinillo", units: 40, claims: 2, rate: 0.05 },
    ]);
    expect(claimRates(rows, { limit: 1 })).toEqual([{ product: "Tostador", units: 1, claims: 1, rate: 1 }]);
  });
});

describe("topReasons", () => {
  it("orders reasons by units with their share of all returned units", () => {
    expect(
      topReasons(
        [
          { reason: "unwanted", units: 1 },
          { reason: "size_too_small", units: 3 },
          { reason: "defective", units: 3 },
          { reason: "wrong_item", units: 1 },
        ],
        3,
      ),
    ).toEqual([
      { reason: "defective", units: 3, share: 0.375 },
      { reason: "size_too_small", units: 3, share: 0.375 },
      { reason: "unwanted", units: 1, share: 0.125 },
    ]);
    expect(topReasons([])).toEqual([]);
  });
});
