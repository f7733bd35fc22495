// What a customer's tier is measured by, as one SQL expression (so a view that reads it stays one
// statement), under the program stored on the Shop (`program`: its jsonb; null = the default,
// lifetime points):
// - points: the lifetime counter (earned net of refunds, never lowered by spending or expiry), or
//   the entries counting toward it in the last 12 months;
// - spend: net sales in minor units (lines after discounts + shipping, less refunds; no taxes or
//   gift cards), as the dashboard counts each order (DashboardOrder);
// - orders: the orders counted there (paid, not cancelled).
// Spend and orders include the guest checkouts the customer claimed by signing up (their points
// moved with a claim entry, so the points measures have them already).
import type { Tx } from "../db.server";
import { NOT_TOWARD_LIFETIME } from "../domain/loyalty";
import { tierAt, tierProgramOf, type Tier } from "../domain/tiers";

// Its own aliases (tm_*): the caller's may be any of a, c, d, e.
export function tierMeasureSql(shop: string, customerId: string, program: string): string {
  const basis = `COALESCE(${program}->>'basis', 'points')`;
  const rolling = `COALESCE(${program}->>'period', 'lifetime') = 'rolling12'`;
  const orders = `FROM "DashboardOrder" tm_d WHERE tm_d.shop = ${shop}
      AND tm_d."customerId" IN (SELECT ${customerId} UNION ALL SELECT tm_g.id FROM "Customer" tm_g WHERE tm_g."claimedById" = ${customerId})
      AND (NOT ${rolling} OR tm_d.day > (now() AT TIME ZONE 'UTC' - interval '12 months')::date)`;
  return `CASE
    WHEN ${basis} = 'points' AND NOT ${rolling} THEN
      COALESCE((SELECT tm_a."lifetimeEarned" FROM "PointsAccount" tm_a WHERE tm_a."customerId" = ${customerId}), 0)::float8
    WHEN ${basis} = 'points' THEN GREATEST(0, COALESCE((SELECT sum(tm_e.points) FROM "PointsLedgerEntry" tm_e WHERE tm_e."customerId" = ${customerId}
      AND tm_e.kind NOT IN ('${NOT_TOWARD_LIFETIME.join("', '")}') AND tm_e."createdAt" > now() AT TIME ZONE 'UTC' - interval '12 months'), 0))::float8
    WHEN ${basis} = 'spend' THEN GREATEST(0, COALESCE((SELECT sum(tm_d."revenueMinor") ${orders}), 0))::float8
    ELSE (SELECT count(*) ${orders})::float8
  END`;
}

/** The customer's tier now (their points from this transaction's entries not yet counted by a spend or orders basis). */
export async function currentTier(tx: Tx, shop: string, customerId: string): Promise<Tier> {
  const [row] = await tx.query<{ measure: number; tierProgram: unknown }>(
    `SELECT (${tierMeasureSql("c.shop", "c.id", 's."tierProgram"')}) AS measure, s."tierProgram"
       FROM "Customer" c LEFT JOIN "Shop" s ON s.domain = c.shop WHERE c.id = $1 AND c.shop = $2`,
    [customerId, shop],
  );
  return tierAt(row?.measure ?? 0, tierProgramOf(row?.tierProgram ?? null));
}
