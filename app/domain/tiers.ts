// Loyalty tiers by lifetime points (earned net of refunds, never lowered by spending).
export interface Tier {
  name: string;
  minLifetimePoints: number;
}

export const DEFAULT_TIERS: Tier[] = [
  { name: "Bronze", minLifetimePoints: 0 },
  { name: "Silver", minLifetimePoints: 1000 },
  { name: "Gold", minLifetimePoints: 5000 },
];

export function tierFor(lifetimePoints: number, tiers: Tier[] = DEFAULT_TIERS): string {
  let current = tiers[0]?.name ?? "";
  for (const t of [...tiers].sort((a, b) => a.minLifetimePoints - b.minLifetimePoints))
    if (lifetimePoints >= t.minLifetimePoints) current = t.name;
  return current;
}

export interface TierStanding {
  name: string;
  next: { name: string; pointsNeeded: number } | null;
  progress: number; // 0..1 from this tier's threshold to the next one's
}

export function tierStanding(lifetimePoints: number, tiers: Tier[] = DEFAULT_TIERS): TierStanding {
  const sorted = [...tiers].sort((a, b) => a.minLifetimePoints - b.minLifetimePoints);
  const points = Math.max(0, lifetimePoints);
  let i = 0;
  for (let j = 0; j < sorted.length; j++) if (points >= sorted[j].minLifetimePoints) i = j;
  const current = sorted[i];
  const next = sorted[i + 1];
  if (!next) return { name: current?.name ?? "", next: null, progress: 1 };
  const span = next.minLifetimePoints - current.minLifetimePoints;
  return {
    name: current.name,
    next: { name: next.name, pointsNeeded: next.minLifetimePoints - points },
    progress: span > 0 ? Math.min(1, (points - current.minLifetimePoints) / span) : 1,
  };
}
