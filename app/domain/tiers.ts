// Loyalty tiers: the merchant's ladder, climbed by points earned, net spend or orders, counted over
// the customer's whole history or the last 12 months. Each tier may multiply the points its members
// earn, unlock rewards only it can redeem (Reward.tiers) and give a welcome reward once, the first
// time a customer reaches it. Pure: the settings page, processing and the shopper's page share it.

export type TierBasis = "points" | "spend" | "orders";
export type TierPeriod = "lifetime" | "rolling12";

export interface Tier {
  id: string; // stable: rewards and welcome gifts name the tier by it, whatever it is renamed to
  name: string; // as shoppers and HubSpot read it
  threshold: number; // points, spend in the shop's minor units, or orders; the first tier's is 0
  earnMultiplier: number; // an order earns the rule's points × this (1 = as the rule says)
  welcomeRewardId: string | null; // a reward of the catalog given free on first reaching the tier
}

export interface TierProgram {
  basis: TierBasis;
  period: TierPeriod;
  tiers: Tier[]; // ascending thresholds, the first at 0: everyone is in a tier
}

export const TIER_BASES: readonly TierBasis[] = ["points", "spend", "orders"];
export const TIER_PERIODS: readonly TierPeriod[] = ["lifetime", "rolling12"];

export const DEFAULT_TIER_PROGRAM: TierProgram = {
  basis: "points",
  period: "lifetime",
  tiers: [
    { id: "bronze", name: "Bronze", threshold: 0, earnMultiplier: 1, welcomeRewardId: null },
    { id: "silver", name: "Silver", threshold: 1000, earnMultiplier: 1, welcomeRewardId: null },
    { id: "gold", name: "Gold", threshold: 5000, earnMultiplier: 1, welcomeRewardId: null },
  ],
};

/** The program as stored on the Shop (written by the settings page's parse); none stored: the default. */
export function tierProgramOf(stored: unknown): TierProgram {
  const p = stored as Partial<TierProgram> | null;
  if (!p || !Array.isArray(p.tiers) || !p.tiers.length) return DEFAULT_TIER_PROGRAM;
  return {
    basis: TIER_BASES.includes(p.basis!) ? p.basis! : "points",
    period: TIER_PERIODS.includes(p.period!) ? p.period! : "lifetime",
    tiers: [...p.tiers].sort((a, b) => a.threshold - b.threshold),
  };
}

/** The position of the tier a measure (points, minor units or orders) reaches. */
export function tierIndex(measure: number, program: TierProgram): number {
  let i = 0;
  for (let j = 0; j < program.tiers.length; j++) if (measure >= program.tiers[j].threshold) i = j;
  return i;
}

/**
 * Where a customer was last placed (`CustomerTier.tierId`): never placed is the first tier; a tier
 * the merchant removed since is -1, below all of them, so every tier above the first is reached.
 */
export function placedIndex(placed: string | null, program: TierProgram): number {
  return placed === null ? 0 : program.tiers.findIndex((t) => t.id === placed);
}

export const tierAt = (measure: number, program: TierProgram): Tier => program.tiers[tierIndex(measure, program)];

export interface TierStanding {
  id: string;
  name: string;
  basis: TierBasis;
  period: TierPeriod;
  earnMultiplier: number;
  next: { name: string; needed: number } | null; // `needed`: in the basis's unit (minor units for spend)
  progress: number; // 0..1 from this tier's threshold to the next one's
}

export function tierStanding(measure: number, program: TierProgram): TierStanding {
  const m = Math.max(0, measure);
  const i = tierIndex(m, program);
  const current = program.tiers[i];
  const next = program.tiers[i + 1];
  const base = { id: current.id, name: current.name, basis: program.basis, period: program.period, earnMultiplier: current.earnMultiplier };
  if (!next) return { ...base, next: null, progress: 1 };
  const span = next.threshold - current.threshold;
  return {
    ...base,
    next: { name: next.name, needed: next.threshold - m },
    progress: span > 0 ? Math.min(1, (m - current.threshold) / span) : 1,
  };
}

/**
 * The tiers a customer reaches for the first time moving from position `from` to `to`: each gives
 * its welcome reward. Moving down (a rolling period) reaches none.
 */
export function tiersReached(from: number, to: number, program: TierProgram): Tier[] {
  return program.tiers.slice(Math.max(0, from) + 1, to + 1);
}

/** Whether a reward limited to `allowed` tiers is open to `tier` (named by id; older catalogs by name). */
export function tierAllows(allowed: readonly string[] | null, tier: Pick<Tier, "id" | "name">): boolean {
  if (!allowed) return true;
  return allowed.some((a) => a === tier.id || a.toLowerCase() === tier.name.toLowerCase());
}

/** The names of the tiers a reward is limited to, as a shopper reads them. */
export function tierNames(allowed: readonly string[], program: TierProgram): string[] {
  return program.tiers.filter((t) => tierAllows(allowed, t)).map((t) => t.name);
}
