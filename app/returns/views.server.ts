// What a shopper reads about returns, in their language: an order's return options (which units
// may go back and why not, the reasons and outcomes offered, the order's returns) and their returns
// with each one's status and timeline. Sentences are written here from kinds and parameters
// (app/domain/shopper-text.ts), never stored.
import { pool } from "../db.server";
import { RETURN_OUTCOMES, returnRulesOf, type ReturnRules, type ReturnStatus } from "../domain/returns";
import {
  returnEventText,
  returnOutcomeText,
  returnReasonText,
  returnStatusText,
  returnUnitText,
  type TextLocale,
} from "../domain/shopper-text";
import type { ReturnOptionsView, ReturnView } from "../shopper/views";
import { ORDER_FOR_RETURNS_SQL, orderEligibility, RETURN_NOTE_MAX, type OrderForReturns } from "./returns.server";

export interface ReturnViewRow {
  id: string;
  requestId: string;
  origin: "shopper" | "shopify";
  shopifyOrderId: string;
  orderName: string | null;
  name: string | null;
  status: ReturnStatus;
  declineReason: string | null;
  declineNote: string | null;
  outcome: "refund" | "store_credit" | null;
  note: string | null;
  createdAt: Date;
  updatedAt: Date;
  rules: Partial<ReturnRules> | null;
  bonus: number | null;
  titles: Record<string, string> | null;
  lines: Array<{ lineItemId: string; quantity: number; reason: string }>;
  events: Array<{ kind: string; actor: string; at: string }>;
}

const RETURN_SELECT = `
  SELECT r.id, r."requestId", r.origin, r."shopifyOrderId", o.name AS "orderName", r.name, r.status, r."declineReason", r."declineNote",
         r.outcome, r.note, r."createdAt", r."updatedAt", s."returnRules" AS rules, r."storeCreditBonusPercent" AS bonus,
         (SELECT jsonb_object_agg(li->>'id', li->>'title') FROM jsonb_array_elements(o.facts->'lineItems') li) AS titles,
         COALESCE((SELECT json_agg(json_build_object('lineItemId', l."lineItemId", 'quantity', l.quantity, 'reason', l.reason) ORDER BY l.id)
                   FROM "ReturnRequestLine" l WHERE l."returnId" = r.id), '[]') AS lines,
         COALESCE((SELECT json_agg(json_build_object('kind', e.kind, 'actor', e.actor, 'at', e.at) ORDER BY e.at, e.id)
                   FROM "ReturnEvent" e WHERE e."returnId" = r.id), '[]') AS events
  FROM "ReturnRequest" r
  LEFT JOIN "Order" o ON o.shop = r.shop AND o."shopifyOrderId" = r."shopifyOrderId"
  LEFT JOIN "Shop" s ON s.domain = r.shop`;

export function returnView(r: ReturnViewRow, locale: TextLocale): ReturnView {
  // A line Shopify holds as two (shipped in two parcels) is one line to the shopper.
  const lines = new Map<string, ReturnView["lines"][number]>();
  for (const l of r.lines) {
    const key = `${l.lineItemId}:${l.reason}`;
    const line = lines.get(key);
    if (line) line.quantity += l.quantity;
    else
      lines.set(key, {
        lineItemId: l.lineItemId,
        product: r.titles?.[l.lineItemId] ?? "",
        quantity: l.quantity,
        reason: l.reason,
        reasonText: returnReasonText(l.reason, locale),
      });
  }
  // The bonus offered when the shopper asked, not today's (a return made in Shopify: today's).
  const bonus = r.bonus ?? returnRulesOf(r.rules).storeCreditBonusPercent;
  return {
    id: r.id,
    requestId: r.origin === "shopper" ? r.requestId : null,
    orderId: r.shopifyOrderId,
    orderName: r.orderName ?? "",
    name: r.name,
    status: r.status,
    statusText: returnStatusText(r, locale),
    outcome: r.outcome,
    outcomeText: r.outcome ? returnOutcomeText(r.outcome, bonus, locale).label : null,
    note: r.note,
    lines: [...lines.values()],
    requestedAt: new Date(r.createdAt).toISOString(),
    updatedAt: new Date(r.updatedAt).toISOString(),
    events: r.events.map((e) => ({ at: new Date(e.at).toISOString(), text: returnEventText(e, locale) })),
  };
}

/** One return, as its shopper reads it. */
export async function returnViewOf(returnId: string, locale: TextLocale): Promise<ReturnView | null> {
  const { rows } = await pool.query<ReturnViewRow>(`${RETURN_SELECT} WHERE r.id = $1`, [returnId]);
  return rows[0] ? returnView(rows[0], locale) : null;
}

/**
 * The shopper's returns, newest first: those they asked for, and those the store made in Shopify on
 * their orders (or on a guest's orders they claimed). `$1` is the shop, `$2` the Shopify customer
 * id: the rewards page reads it inside its own statement.
 */
export const SHOPPER_RETURNS_SQL = `
  WITH me AS (
    SELECT c.id FROM "Customer" c WHERE c.shop = $1 AND c."shopifyCustomerId" = $2 AND c."redactedAt" IS NULL
    UNION SELECT g.id FROM "Customer" g JOIN "Customer" c ON c.id = g."claimedById"
    WHERE c.shop = $1 AND c."shopifyCustomerId" = $2 AND c."redactedAt" IS NULL)
  ${RETURN_SELECT}
  WHERE r.shop = $1 AND (r."customerId" IN (SELECT id FROM me) OR (r."customerId" IS NULL AND o."customerId" IN (SELECT id FROM me)))
  ORDER BY r."createdAt" DESC, r.id LIMIT 100`;

export async function returnsOf(shop: string, shopifyCustomerId: string, locale: TextLocale): Promise<ReturnView[]> {
  const { rows } = await pool.query<ReturnViewRow>({
    name: "shopper-returns",
    text: SHOPPER_RETURNS_SQL,
    values: [shop, shopifyCustomerId],
  });
  return rows.map((r) => returnView(r, locale));
}

/**
 * What one of the shopper's orders offers to return, or null for an order that is not theirs or not
 * known to us yet (both answer the same).
 */
export async function returnOptions(
  shop: string,
  shopifyCustomerId: string,
  orderId: string,
  locale: TextLocale,
): Promise<ReturnOptionsView | null> {
  const [order, returns] = await Promise.all([
    pool.query<OrderForReturns>(ORDER_FOR_RETURNS_SQL, [shop, orderId, shopifyCustomerId]),
    pool.query<ReturnViewRow>(`${RETURN_SELECT} WHERE r.shop = $1 AND r."shopifyOrderId" = $2 ORDER BY r."createdAt" DESC, r.id`, [
      shop,
      orderId,
    ]),
  ]);
  const o = order.rows[0];
  if (!o) return null;
  const rules = returnRulesOf(o.rules);
  const { units, eligibility } = orderEligibility(o, rules, new Date());
  const titles = new Map(o.facts.lineItems.map((l) => [l.id, l.title]));
  const lines = units.map((u) => {
    const e = eligibility.get(u.lineItemId)!;
    return {
      lineItemId: u.lineItemId,
      product: titles.get(u.lineItemId) ?? "",
      quantity: u.quantity,
      returnableQuantity: e.eligible ? e.quantity : 0,
      deadline: e.deadline ? e.deadline.toISOString().slice(0, 10) : null,
      canReturn: e.eligible,
      text: returnUnitText(e, locale),
    };
  });
  return {
    locale,
    orderId,
    orderName: o.name,
    lines,
    canRequest: lines.some((l) => l.canReturn),
    reasons: rules.reasons.map((handle) => ({ handle, label: returnReasonText(handle, locale) })),
    outcomes: RETURN_OUTCOMES.map((kind) => ({ kind, ...returnOutcomeText(kind, rules.storeCreditBonusPercent, locale) })),
    noteMaxLength: RETURN_NOTE_MAX,
    returns: returns.rows.map((r) => returnView(r, locale)),
  };
}
