// The merchant's Returns queue and one return's page: what the admin shows, read in one SQL round
// trip each, and the merchant's approve and decline. Only the shop's own returns: another shop's
// return id reads and acts exactly like an id that does not exist.
//
// Shopify holds the return, so an action is Shopify's first: the return is marked as being sent by
// the merchant (compare-and-set: one submission sends, a double click does not send twice), the
// call goes out outside any transaction, and only Shopify's yes is applied here, in one
// transaction with its event and the HubSpot ticket. Shopify's returns/* webhook for the same
// change adds nothing (events are unique per key, states only move forward) and, reading the mark,
// names the merchant too. A no is read back from Shopify (fetchReturn) so the queue shows the
// truth; no answer applies nothing: the webhook will bring whatever Shopify did.
import { pool, transaction, type Tx } from "../db.server";
import { returnRulesOf, type ReturnRules, type ReturnStatus } from "../domain/returns";
import { holdShopForProcessing } from "../privacy/tombstone.server";
import { withOfflineAdmin } from "../shopify.server";
import { approveReturn, declineReturn, fetchReturn, type ShopifyReturn } from "../../integrations/shopify/returns.server";
import { log } from "../log.server";
import {
  addReturnEvent,
  applyReturnState,
  customerRedacted,
  lockReturn,
  returnChanged,
  returnReference,
  returnTiming,
  type ReturnRow,
} from "./returns.server";
import {
  RETURN_STATUSES,
  type MerchantReturnAction,
  type MerchantReturnOutcome,
  type ReturnQueueFilter,
  type ReturnRefusal,
} from "./merchant-returns";

export interface ReturnQueueRow {
  id: string;
  reference: string; // Shopify's name ("#1001-R1"), or ours until Shopify gave one
  orderName: string | null;
  customerName: string | null; // null once the customer is redacted (or never had a name)
  customerEmail: string | null;
  customerRedacted: boolean;
  hasCustomer: boolean;
  units: number;
  reasons: string[]; // our reason handles, one per distinct reason of its lines
  outcome: "refund" | "store_credit" | null; // the shopper's preference; null for a return made in Shopify
  storeCreditBonusPercent: number; // offered when the shopper asked (a return made in Shopify: today's rules)
  status: ReturnStatus;
  origin: "shopper" | "shopify";
  requestedAt: string; // ISO, UTC
}

export interface ReturnsQueue {
  filter: ReturnQueueFilter;
  reason: string | null;
  rows: ReturnQueueRow[];
  counts: Record<ReturnQueueFilter, number>;
  page: number;
  pageSize: number;
  hasNext: boolean;
}

// Timestamps are stored as UTC without a zone (Prisma's convention): written out with their "Z".
const iso = (column: string) => `to_char(${column}, 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
// A return made in Shopify on a guest's order has no customer of its own: the order's is shown.
const CUSTOMER_JOIN = `
  LEFT JOIN "Order" o ON o.shop = r.shop AND o."shopifyOrderId" = r."shopifyOrderId"
  LEFT JOIN "Customer" c ON c.id = COALESCE(r."customerId", o."customerId")`;
const CUSTOMER_NAME = `CASE WHEN c."redactedAt" IS NULL THEN NULLIF(trim(concat_ws(' ', c."firstName", c."lastName")), '') END`;
const CUSTOMER_EMAIL = `CASE WHEN c."redactedAt" IS NULL THEN c.email END`;

// $1 shop, $2 statuses (null: all), $3 reason (null: all), $4 limit, $5 offset.
const QUEUE_SQL = `
  WITH filtered AS (
    SELECT r.* FROM "ReturnRequest" r
    WHERE r.shop = $1 AND ($3::text IS NULL OR EXISTS (SELECT 1 FROM "ReturnRequestLine" l WHERE l."returnId" = r.id AND l.reason = $3))
  ), page AS (
    SELECT r.id, r.name, o.name AS "orderName", r.status, r.origin, r.outcome, r."storeCreditBonusPercent" AS bonus, ${iso('r."createdAt"')} AS "requestedAt",
           ${CUSTOMER_NAME} AS "customerName", ${CUSTOMER_EMAIL} AS "customerEmail", c."redactedAt" IS NOT NULL AS "customerRedacted",
           c.id IS NOT NULL AS "hasCustomer",
           (SELECT COALESCE(sum(l.quantity), 0)::int FROM "ReturnRequestLine" l WHERE l."returnId" = r.id) AS units,
           (SELECT COALESCE(json_agg(DISTINCT l.reason), '[]'::json) FROM "ReturnRequestLine" l WHERE l."returnId" = r.id) AS reasons
    FROM filtered r ${CUSTOMER_JOIN}
    WHERE $2::text[] IS NULL OR r.status = ANY($2::text[])
    ORDER BY r."createdAt" DESC, r.id DESC
    LIMIT $4 OFFSET $5
  )
  SELECT (SELECT COALESCE(json_agg(p ORDER BY p."requestedAt" DESC, p.id DESC), '[]'::json) FROM page p) AS rows,
         (SELECT COALESCE(json_object_agg(s.status, s.n), '{}'::json) FROM (SELECT status, count(*)::int AS n FROM filtered GROUP BY status) s) AS counts,
         (SELECT "returnRules" FROM "Shop" WHERE domain = $1) AS rules`;

/** One page of the shop's returns, newest first, with the count behind every tab (under the reason filter). */
export async function returnsQueue(
  shop: string,
  opts: { status?: ReturnQueueFilter; reason?: string | null; page: number; pageSize: number },
): Promise<ReturnsQueue> {
  const filter = opts.status ?? "all";
  const reason = opts.reason ?? null;
  const page = Math.max(1, Math.trunc(opts.page));
  const pageSize = Math.min(Math.max(1, Math.trunc(opts.pageSize)), 250);
  // One row more than the page says whether there is a next page without counting again.
  const { rows } = await pool.query<{
    rows: Array<Omit<ReturnQueueRow, "reference" | "storeCreditBonusPercent"> & { name: string | null; bonus: number | null }>;
    counts: Partial<Record<ReturnStatus, number>>;
    rules: Partial<ReturnRules> | null;
  }>(QUEUE_SQL, [shop, filter === "all" ? null : [filter], reason, pageSize + 1, (page - 1) * pageSize]);
  const byStatus = rows[0].counts;
  const counts = {
    requested: byStatus.requested ?? 0,
    open: byStatus.open ?? 0,
    declined: byStatus.declined ?? 0,
    closed: byStatus.closed ?? 0,
    canceled: byStatus.canceled ?? 0,
    all: RETURN_STATUSES.reduce((sum, s) => sum + (byStatus[s] ?? 0), 0),
  };
  const todays = returnRulesOf(rows[0].rules).storeCreditBonusPercent;
  const found = rows[0].rows.map(({ name, bonus, ...r }) => ({
    ...r,
    storeCreditBonusPercent: bonus ?? todays,
    reference: returnReference({ id: r.id, name }),
    reasons: [...r.reasons].sort(),
  }));
  return {
    filter,
    reason,
    rows: found.slice(0, pageSize),
    counts,
    page,
    pageSize,
    hasNext: found.length > pageSize,
  };
}

export interface ReturnEventView {
  kind: string; // submitted | requested | approved | declined | canceled | closed | reopened | processed | failed
  actor: "shopper" | "merchant" | "system" | "shopify";
  at: string; // ISO, UTC
  params: { reason?: string };
}

export interface ReturnDetail {
  id: string;
  reference: string;
  status: ReturnStatus;
  origin: "shopper" | "shopify";
  orderName: string | null;
  outcome: "refund" | "store_credit" | null;
  /** The shopper's own words; null when they wrote none, or once the customer is redacted. */
  note: string | null;
  declineReason: string | null;
  declineNote: string | null;
  requestedAt: string;
  customer: { name: string | null; email: string | null; redacted: boolean; exists: boolean };
  lines: Array<{ lineItemId: string; product: string | null; quantity: number; reason: string }>;
  events: ReturnEventView[];
  storeCreditBonusPercent: number;
}

const DETAIL_SQL = `
  SELECT r.id, r.name, r.status, r.origin, o.name AS "orderName", r.outcome, r."storeCreditBonusPercent" AS bonus, r.note, r."declineReason", r."declineNote",
         ${iso('r."createdAt"')} AS "requestedAt",
         json_build_object('name', ${CUSTOMER_NAME}, 'email', ${CUSTOMER_EMAIL}, 'redacted', c."redactedAt" IS NOT NULL, 'exists', c.id IS NOT NULL) AS customer,
         COALESCE((SELECT json_agg(json_build_object('lineItemId', l."lineItemId", 'quantity', l.quantity, 'reason', l.reason,
                          'product', (SELECT li->>'title' FROM jsonb_array_elements(o.facts->'lineItems') li WHERE li->>'id' = l."lineItemId" LIMIT 1))
                          ORDER BY l.id)
                   FROM "ReturnRequestLine" l WHERE l."returnId" = r.id), '[]'::json) AS lines,
         COALESCE((SELECT json_agg(json_build_object('kind', e.kind, 'actor', e.actor, 'at', ${iso("e.at")}, 'params', e.params) ORDER BY e.at, e.id)
                   FROM "ReturnEvent" e WHERE e."returnId" = r.id), '[]'::json) AS events,
         (SELECT "returnRules" FROM "Shop" WHERE domain = r.shop) AS rules
  FROM "ReturnRequest" r ${CUSTOMER_JOIN}
  WHERE r.id = $1 AND r.shop = $2`;

/** One of the shop's returns with its lines, note, outcome and timeline; null if the shop has no such return. */
export async function returnDetail(shop: string, returnId: string): Promise<ReturnDetail | null> {
  const { rows } = await pool.query<
    Omit<ReturnDetail, "storeCreditBonusPercent" | "reference"> & {
      name: string | null;
      rules: Partial<ReturnRules> | null;
      bonus: number | null;
    }
  >(DETAIL_SQL, [returnId, shop]);
  if (!rows[0]) return null;
  const { rules, name, bonus, ...ret } = rows[0];
  return {
    ...ret,
    reference: returnReference({ id: ret.id, name }),
    storeCreditBonusPercent: bonus ?? returnRulesOf(rules).storeCreditBonusPercent,
  };
}

/**
 * The merchant approves or declines returns of their shop in Shopify, one by one (a return refused
 * leaves the others done). A refusal says why: see ReturnRefusal.
 */
export async function actOnReturns(
  shop: string,
  returnIds: readonly string[],
  action: MerchantReturnAction,
): Promise<MerchantReturnOutcome> {
  const outcome: MerchantReturnOutcome = { done: [], refused: [] };
  for (const id of returnIds) {
    const refusal = await actOnReturn(shop, id, action);
    if (refusal) outcome.refused.push({ id, refusal });
    else outcome.done.push(id);
  }
  return outcome;
}

async function actOnReturn(shop: string, returnId: string, action: MerchantReturnAction): Promise<ReturnRefusal | null> {
  const { timeoutMs } = returnTiming();
  // Ours to send: requested, in Shopify, and not being sent by another submission (one whose
  // answer never came is given up on after the calls' time has surely passed).
  const { rows: marked } = await pool.query<{ shopifyReturnId: string }>(
    `UPDATE "ReturnRequest" SET "merchantAction" = $3, "merchantActionAt" = now(), "updatedAt" = now()
     WHERE id = $1 AND shop = $2 AND status = 'requested' AND "shopifyReturnId" IS NOT NULL
       AND ("merchantActionAt" IS NULL OR "merchantActionAt" < now() - make_interval(secs => $4))
     RETURNING "shopifyReturnId"`,
    [returnId, shop, action.type, (3 * timeoutMs) / 1000],
  );
  if (!marked[0]) return whyNot(shop, returnId);
  const gid = `gid://shopify/Return/${marked[0].shopifyReturnId}`;

  let answer;
  try {
    answer = await withOfflineAdmin(shop, (graphql) =>
      action.type === "approve"
        ? approveReturn(graphql, gid, { notifyCustomer: true, timeoutMs })
        : declineReturn(graphql, gid, { declineReason: action.reason, note: action.note, notifyCustomer: true }, { timeoutMs }),
    );
  } catch (error) {
    answer = { uncertain: error instanceof Error ? error.message : String(error) };
  }
  if ("noAdmin" in answer) {
    await unmark(shop, returnId, null);
    return { code: "no_access" };
  }
  if ("uncertain" in answer) {
    log.warn("merchant's return action uncertain; Shopify's webhook will tell", {
      shop,
      returnId,
      action: action.type,
      error: answer.uncertain,
    });
    return { code: "uncertain" };
  }
  if ("issued" in answer && !answer.issued.already) {
    await applyMerchantAction(shop, returnId, action, answer.issued.status.toLowerCase() as ReturnStatus);
    return null;
  }
  // Shopify would not move it (or had it there already, by the merchant's hand in its admin): what
  // Shopify holds now is what the queue shows.
  if ("refused" in answer) log.info("merchant's return action refused by Shopify", { shop, returnId, reason: answer.refused });
  await unmark(shop, returnId, answer.read ?? (await readBack(shop, gid)));
  return "refused" in answer ? { code: "refused", message: answer.refused } : { code: "already" };
}

async function whyNot(shop: string, returnId: string): Promise<ReturnRefusal> {
  const { rows } = await pool.query<{ status: ReturnStatus; inFlight: boolean }>(
    `SELECT status, status = 'requested' AND "shopifyReturnId" IS NOT NULL AS "inFlight" FROM "ReturnRequest" WHERE id = $1 AND shop = $2`,
    [returnId, shop],
  );
  if (!rows[0]) return { code: "not_found" };
  return rows[0].inFlight ? { code: "in_flight" } : { code: "not_requested", status: rows[0].status };
}

// Shopify's yes, applied with its event (the merchant's) and the HubSpot ticket, once: the webhook
// may have applied it first.
async function applyMerchantAction(shop: string, returnId: string, action: MerchantReturnAction, status: ReturnStatus): Promise<void> {
  await transaction(async (tx) => {
    await holdShopForProcessing(tx, shop);
    const row = await lockReturn(tx, returnId);
    if (!row) return;
    if (action.type === "decline") await recordDecline(tx, row, { reason: action.reason, note: action.note });
    const changed = await applyReturnState(tx, row, { status, at: null });
    const kind = action.type === "approve" ? "approved" : "declined";
    await addReturnEvent(tx, returnId, {
      key: kind,
      kind,
      actor: "merchant",
      params: action.type === "decline" ? { reason: action.reason } : {},
    });
    if (changed) await returnChanged(tx, shop, row.customerId, row);
  });
}

// The first decline's reason and note stand (Shopify keeps them); a redacted customer's note is not kept.
async function recordDecline(tx: Tx, row: ReturnRow, decline: { reason: string; note: string | null }): Promise<void> {
  const note = (await customerRedacted(tx, row.customerId)) ? null : decline.note;
  await tx.run`
    UPDATE "ReturnRequest" SET "declineReason" = COALESCE("declineReason", ${decline.reason}),
      "declineNote" = CASE WHEN "declineReason" IS NULL THEN ${note} ELSE "declineNote" END, "updatedAt" = now()
    WHERE id = ${row.id}`;
}

// The return as Shopify holds it now; null when it cannot be read (the queue then shows what it
// showed, until Shopify's webhook arrives).
async function readBack(shop: string, gid: string): Promise<ShopifyReturn | null> {
  try {
    const read = await withOfflineAdmin(shop, (graphql) => fetchReturn(graphql, gid, { timeoutMs: returnTiming().timeoutMs }));
    return read && !("noAdmin" in read) ? read : null;
  } catch (error) {
    log.warn("could not read a return back from Shopify", { shop, gid, error: error instanceof Error ? error.message : String(error) });
    return null;
  }
}

/**
 * The merchant's action did not happen here: the mark goes (a later webhook is someone else's
 * doing), and what Shopify holds now, if read, is applied. No event: each change is recorded by its
 * own webhook, at Shopify's time.
 */
async function unmark(shop: string, returnId: string, now: ShopifyReturn | null): Promise<void> {
  await transaction(async (tx) => {
    await holdShopForProcessing(tx, shop);
    const row = await lockReturn(tx, returnId);
    if (!row) return;
    await tx.run`UPDATE "ReturnRequest" SET "merchantAction" = NULL, "merchantActionAt" = NULL, "updatedAt" = now() WHERE id = ${returnId}`;
    row.merchantAction = null;
    if (!now) return;
    if (now.decline) await recordDecline(tx, row, { reason: now.decline.reason, note: now.decline.note });
    const status = now.status.toLowerCase() as ReturnStatus;
    // Shopify's own time where the read gives one; a status change outranks any time anyway.
    const at = status === "open" ? now.requestApprovedAt : status === "closed" ? now.closedAt : null;
    if (await applyReturnState(tx, row, { status, at: at ? new Date(at) : null })) await returnChanged(tx, shop, row.customerId, row);
  });
}
