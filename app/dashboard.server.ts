import prisma, { pool } from "./db.server";
import {
  claimRates,
  rate,
  summarizeClaims,
  topReasons,
  type ClaimSummary,
  type ClaimTiming,
  type ProductClaims,
} from "./domain/after-sales-measures";

export async function programSummary(shop: string) {
  const [customers, points, activeWarranties, pendingDeliveries, failedDeliveries] = await Promise.all([
    prisma.customer.count({ where: { shop, claimedById: null } }),
    prisma.pointsAccount.aggregate({ where: { shop }, _sum: { balance: true } }),
    prisma.warrantyRegistration.count({ where: { shop, status: "active", coverageEnd: { gt: new Date() } } }),
    prisma.webhookDelivery.count({ where: { shop, state: "received" } }),
    prisma.webhookDelivery.count({ where: { shop, state: "failed" } }),
  ]);
  return { customers, pointsOutstanding: points._sum.balance ?? 0, activeWarranties, pendingDeliveries, failedDeliveries };
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
