// What the dashboard says about after-sales service, defined once. Pure: the server gathers the
// counts and durations (one SQL statement), these functions say what they mean.
//
// - Time to first response: from a claim's submission to the merchant's first action on it.
// - Time to resolution: from submission to the claim being closed (resolved or rejected); the
//   median here, where the dashboard (app/domain/dashboard.ts) keeps a mean in its aggregates.
// - First-contact resolution: of the claims resolved, the share never reopened.
// - Claim rate per product: claims per registered warranty unit of that product, all time (claims
//   come months after the sale, so a window of recent sales would understate it).
// - Return rate: units in returns asked for in the period (not failed, canceled or declined) per
//   unit ordered in the period.
// - Top reasons: return reasons by units, most first.

/** n / d, or null when there is nothing to divide by (shown as "—", never as 0%). */
export function rate(n: number, d: number): number | null {
  return d > 0 ? n / d : null;
}

/** The middle value (the mean of the two middle ones for an even count); null for none. */
export function median(values: readonly number[]): number | null {
  if (!values.length) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export interface ClaimTiming {
  firstResponseMs: number | null; // null: no response yet
  resolutionMs: number | null; // null: still open
  status: string;
  reopenCount: number;
}

export interface ClaimSummary {
  claims: number;
  medianFirstResponseMs: number | null;
  medianResolutionMs: number | null;
  resolved: number;
  firstContactResolutionRate: number | null;
}

export function summarizeClaims(claims: readonly ClaimTiming[]): ClaimSummary {
  const resolved = claims.filter((c) => c.status === "resolved");
  return {
    claims: claims.length,
    medianFirstResponseMs: median(claims.flatMap((c) => (c.firstResponseMs === null ? [] : [c.firstResponseMs]))),
    medianResolutionMs: median(claims.flatMap((c) => (c.resolutionMs === null ? [] : [c.resolutionMs]))),
    resolved: resolved.length,
    firstContactResolutionRate: rate(resolved.filter((c) => c.reopenCount === 0).length, resolved.length),
  };
}

export interface ProductClaims {
  product: string;
  units: number;
  claims: number;
}

/**
 * Products by claim rate, highest first (ties: more claims first, then by name). Products with
 * fewer than `minUnits` registered units are left out: one claim on one unit is not a signal.
 */
export function claimRates(rows: readonly ProductClaims[], opts: { minUnits?: number; limit?: number } = {}) {
  const { minUnits = 1, limit = 10 } = opts;
  return rows
    .filter((r) => r.units >= minUnits && r.claims > 0)
    .map((r) => ({ ...r, rate: r.claims / r.units }))
    .sort((a, b) => b.rate - a.rate || b.claims - a.claims || a.product.localeCompare(b.product))
    .slice(0, limit);
}

/** Reasons by units, most first (ties by name), with each one's share of all returned units. */
export function topReasons(rows: ReadonlyArray<{ reason: string; units: number }>, limit = 5) {
  const total = rows.reduce((sum, r) => sum + r.units, 0);
  return rows
    .filter((r) => r.units > 0)
    .map((r) => ({ reason: r.reason, units: r.units, share: r.units / total }))
    .sort((a, b) => b.units - a.units || a.reason.localeCompare(b.reason))
    .slice(0, limit);
}
