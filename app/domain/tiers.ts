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
