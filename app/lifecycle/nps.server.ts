// The latest NPS category of each customer, for the churn risk: what their newest NPS answer
// (app/feedback/surveys.server.ts records them, categorised by app/domain/feedback.ts) said.
import type { Tx } from "../db.server";
import type { NpsCategory } from "../domain/feedback";

export async function latestNpsCategories(q: Pick<Tx, "query">, shop: string, customerIds: string[]): Promise<Map<string, NpsCategory>> {
  if (!customerIds.length) return new Map();
  const rows = await q.query<{ customerId: string; category: NpsCategory }>(
    `SELECT DISTINCT ON ("customerId") "customerId", category FROM "SurveyAnswer"
      WHERE shop = $1 AND "customerId" = ANY($2) AND kind = 'nps' AND category IS NOT NULL
      ORDER BY "customerId", "answeredAt" DESC, id DESC`,
    [shop, customerIds],
  );
  return new Map(rows.map((r) => [r.customerId, r.category]));
}
