// The latest NPS category of each customer, for the churn risk. Survey answers are recorded by the
// feedback half of issue 13; until its table exists in this database, no customer has answered
// and NPS is simply not a factor. Assumed shape (the one thing to adjust at merge):
// "SurveyResponse"(shop, "customerId", kind = 'nps', score 0–10, "answeredAt").
import type { Tx } from "../db.server";
import type { NpsCategory } from "../domain/churn";

export const npsCategoryOf = (score: number): NpsCategory => (score >= 9 ? "promoter" : score >= 7 ? "passive" : "detractor");

export async function latestNpsCategories(q: Pick<Tx, "query">, shop: string, customerIds: string[]): Promise<Map<string, NpsCategory>> {
  const [{ exists }] = await q.query<{ exists: boolean }>(`SELECT to_regclass('"SurveyResponse"') IS NOT NULL AS exists`, []);
  if (!exists || !customerIds.length) return new Map();
  const rows = await q.query<{ customerId: string; score: number }>(
    `SELECT DISTINCT ON ("customerId") "customerId", score FROM "SurveyResponse"
      WHERE shop = $1 AND "customerId" = ANY($2) AND kind = 'nps' AND score IS NOT NULL
      ORDER BY "customerId", "answeredAt" DESC`,
    [shop, customerIds],
  );
  return new Map(rows.map((r) => [r.customerId, npsCategoryOf(Number(r.score))]));
}
