// A shopper's return request: units of one of their orders go back, Shopify holds the return, the
// shop's rules (or the merchant) approve or decline it. Made in three steps, like a redemption
// (decisions 0012 and 0013):
//   reserve — under the customer's row lock, the domain's rules (app/domain/returns.ts) guard the
//     request against the order as we hold it; a `requesting` row, its lines, the `submitted` event
//     and the return_settle job are written in one transaction;
//   send — outside any transaction: Shopify's returnable units map each line to its fulfillment line
//     items and its reason definitions give the ids; that mapping and the attempt time are stored,
//     then returnRequest goes out with the row's requestRef in each line's note, and approveReturn
//     follows when the rules approve the request at once;
//   settle — Shopify's answer is recorded: requested or open (with Shopify's id and name), or failed
//     (Shopify refused; nothing exists there). No answer leaves the row `requesting`; the job reads
//     the order's returns back by the reference (settleReturnRequest) and sends again only once
//     Shopify can no longer be creating the first one. A return is never requested twice.
// Shopify's returns/* webhooks (webhooks.server.ts) move the same rows, whichever side acted; both
// paths keep the greatest status observed (isNewerReturnState) and record each change once (events
// are unique per key).
import { randomBytes } from "node:crypto";
import { pool, transaction, type Tx } from "../db.server";
import {
  checkReturnRequest,
  isNewerReturnState,
  orderReturnUnits,
  returnRulesOf,
  shopifyReasonHandle,
  unitEligibility,
  type ReturnableUnit,
  type ReturnRules,
  type ReturnState,
  type ReturnStatus,
  type UnitEligibility,
  type UnitRefusal,
} from "../domain/returns";
import type { OrderFacts } from "../domain/facts";
import { holdShopForProcessing, isRedacted } from "../privacy/tombstone.server";
import { recordTicket } from "../hubspot/outbox.server";
import type { TicketStage } from "../domain/tickets";
import { withOfflineAdmin } from "../shopify.server";
import {
  approveReturn,
  customerNoteMax,
  requestReturn,
  returnableUnits,
  returnReasons,
  settleReturnRequest,
  ReturnsLookupFailed,
  type ReturnOutcome as ShopifyAnswer,
  type ReturnRequest as ShopifyReturnRequest,
} from "../../integrations/shopify/returns.server";
import type { AdminGraphql } from "../../integrations/shopify/admin.server";
import { config } from "../config.server";
import { log } from "../log.server";

// Each Shopify call is aborted at the timeout; the settle job first runs three timeouts after the
// reservation (past the lookups and the request), and a request without an answer is sent again
// only `landingMs` after it was attempted.
export const returnTiming = () => {
  const c = config();
  return { timeoutMs: c.SHOPIFY_RETURN_TIMEOUT_MS, landingMs: c.SHOPIFY_RETURN_LANDING_MS, settleAfterMs: 3 * c.SHOPIFY_RETURN_TIMEOUT_MS };
};

// Our reference for a request in Shopify: "PV-" and 10 hex digits, unique per shop. Fixed length, so
// the room left for the shopper's note is fixed too.
const newRequestRef = () => `PV-${randomBytes(5).toString("hex").toUpperCase()}`;
/** The longest note a shopper may add: Shopify's 300 characters, less the reference's marker. */
export const RETURN_NOTE_MAX = customerNoteMax("PV-0000000000");

const numeric = (gid: string) => gid.slice(gid.lastIndexOf("/") + 1);

export interface ReturnRow {
  id: string;
  shop: string;
  customerId: string | null;
  shopifyOrderId: string;
  requestId: string;
  requestRef: string | null;
  shopifyReturnId: string | null;
  name: string | null;
  status: ReturnStatus;
  statusAt: Date | null;
  origin: "shopper" | "shopify";
  outcome: string | null;
  note: string | null;
  declineReason: string | null;
  declineNote: string | null;
  autoApprove: boolean;
  autoApproved: boolean;
  attemptedAt: Date | null;
  merchantAction: "approve" | "decline" | null;
  merchantActionAt: Date | null;
}

export type ReturnRefusal =
  | { code: "not_found" }
  | { code: "bad_request"; error: "no_lines" | "duplicate_line" | "unknown_line" | "quantity" | "reason" | "note_too_long"; max?: number }
  | { code: "not_returnable"; reason: UnitRefusal; deadline: Date | null };

/** What the shopper asked cannot be done; `refusal` says why, for a sentence in their language. */
export class ReturnInputError extends Error {
  constructor(readonly refusal: ReturnRefusal) {
    super("error" in refusal ? refusal.error : "reason" in refusal ? refusal.reason : refusal.code);
  }
}

// --- shared by the request, its settlement and the webhooks ---------------------------------------

/** The return's customer row, then the return, locked (db.server.ts, lock order). */
export async function lockReturn(tx: Tx, returnId: string): Promise<ReturnRow | null> {
  const [owner] = await tx.rows<{ customerId: string | null }>`SELECT "customerId" FROM "ReturnRequest" WHERE id = ${returnId}`;
  if (!owner) return null;
  if (owner.customerId) await tx.run`SELECT 1 FROM "Customer" WHERE id = ${owner.customerId} FOR UPDATE`;
  const [row] = await tx.rows<ReturnRow>`SELECT * FROM "ReturnRequest" WHERE id = ${returnId} FOR UPDATE`;
  return row ?? null;
}

/**
 * Records what happened, once per key: the same change reported again (our call's answer and
 * Shopify's webhook, or a webhook delivered twice) adds nothing. `at`: Shopify's time, when known.
 */
export async function addReturnEvent(
  tx: Tx,
  returnId: string,
  e: {
    key: string;
    kind: string;
    actor: "shopper" | "merchant" | "system" | "shopify";
    params?: Record<string, unknown>;
    at?: Date | null;
  },
): Promise<boolean> {
  const added = await tx.rows`
    INSERT INTO "ReturnEvent" ("returnId", key, kind, actor, params, at)
    VALUES (${returnId}, ${e.key}, ${e.kind}, ${e.actor}, ${JSON.stringify(e.params ?? {})}::jsonb, COALESCE(${e.at ?? null}::timestamptz AT TIME ZONE 'UTC', now()))
    ON CONFLICT ("returnId", key) DO NOTHING RETURNING id`;
  return added.length > 0;
}

/**
 * Moves the row to `seen` if it is newer than what the row holds (app/domain/returns.ts: a late or
 * repeated observation never moves a return back). True when the status itself changed.
 */
export async function applyReturnState(tx: Tx, row: ReturnRow, seen: ReturnState): Promise<boolean> {
  if (!isNewerReturnState(seen, { status: row.status, at: row.statusAt })) return false;
  await tx.run`
    UPDATE "ReturnRequest" SET status = ${seen.status}, "statusAt" = ${seen.at}::timestamptz AT TIME ZONE 'UTC', "updatedAt" = now()
    WHERE id = ${row.id}`;
  const changed = seen.status !== row.status;
  row.status = seen.status;
  row.statusAt = seen.at;
  return changed;
}

/** Whether the return's customer was erased by customers/redact (their words are then not kept). */
export async function customerRedacted(tx: Tx, customerId: string | null): Promise<boolean> {
  if (!customerId) return false;
  const [c] = await tx.rows<{ redacted: boolean }>`SELECT "redactedAt" IS NOT NULL AS redacted FROM "Customer" WHERE id = ${customerId}`;
  return c?.redacted ?? false;
}

/** How the merchant and HubSpot name a return: Shopify's name ("#1001-R1"), or ours until Shopify gave one. */
export const returnReference = (ret: { id: string; name: string | null }) => ret.name ?? `R-${ret.id.slice(0, 8).toUpperCase()}`;

// Where the merchant's HubSpot stands on a return: one that waits for the merchant (requested, not
// approved by the shop's rules) opens a ticket; an approved one waits for the item to come back;
// declined, canceled and closed ones are closed. Every return counts on the contact's "returns
// count" (decision 0014); one being sent or refused by Shopify is not a return yet.
const TICKET_STAGE: Partial<Record<ReturnStatus, TicketStage>> = {
  requested: "new",
  open: "waiting_on_contact",
  declined: "closed",
  canceled: "closed",
  closed: "closed",
};

/**
 * A return was created or its status changed: its HubSpot ticket (and the contact's returns count)
 * follows, in the same transaction.
 */
export async function returnChanged(
  tx: Tx,
  shop: string,
  customerId: string | null,
  ret: { id: string; status: ReturnStatus; shopifyOrderId: string; name: string | null },
): Promise<void> {
  const stage = TICKET_STAGE[ret.status];
  if (!customerId || !stage) return;
  const [r] = await tx.rows<{
    redacted: boolean;
    orderName: string | null;
    lineItems: Array<{ id: string; title: string }> | null;
    note: string | null;
    outcome: "refund" | "store_credit" | null;
    declineReason: string | null;
    autoApprove: boolean;
    origin: string;
    lines: Array<{ lineItemId: string; quantity: number; reason: string | null }>;
  }>`
    SELECT c."redactedAt" IS NOT NULL AS redacted, o.name AS "orderName", o.facts->'lineItems' AS "lineItems",
           r.note, r.outcome, r."declineReason", r."autoApprove", r.origin,
           COALESCE((SELECT json_agg(json_build_object('lineItemId', l."lineItemId", 'quantity', l.quantity, 'reason', l.reason) ORDER BY l.id)
                     FROM "ReturnRequestLine" l WHERE l."returnId" = r.id), '[]') AS lines
    FROM "ReturnRequest" r JOIN "Customer" c ON c.id = ${customerId}
    LEFT JOIN "Order" o ON o.shop = r.shop AND o."shopifyOrderId" = r."shopifyOrderId"
    WHERE r.id = ${ret.id}`;
  // A customer erased by customers/redact has nothing more sent about them.
  if (!r || r.redacted) return;
  const titles = new Map((r.lineItems ?? []).map((l) => [l.id, l.title]));
  const items = r.lines
    .filter((l) => l.quantity > 0)
    .map((l) => ({ title: titles.get(l.lineItemId) || `Line ${l.lineItemId}`, quantity: l.quantity, reason: l.reason }));
  if (!items.length) return; // every line removed in Shopify: nothing left to tell
  await recordTicket(tx, shop, customerId, {
    key: `return:${ret.id}`,
    kind: "return",
    stage,
    // Only a return that waits for the merchant gets a ticket; the others count on the contact.
    openTicket: ret.status === "requested" && !(r.origin === "shopper" && r.autoApprove),
    params: {
      reference: returnReference(ret),
      orderName: r.orderName ?? `#${ret.shopifyOrderId}`,
      items,
      note: r.note,
      preferredOutcome: r.outcome,
      status: ret.status as "requested" | "open" | "declined" | "canceled" | "closed",
      declineReason: r.declineReason,
    },
  });
}

/**
 * Who approved or declined a return, for its event: an approval the shop's rules asked for is the
 * system's; a move the merchant sent from the admin's Returns queue is the merchant's (whichever of
 * our answer and Shopify's webhook records it first); any other, the merchant's in Shopify.
 */
export const decidedBy = (
  row: Pick<ReturnRow, "origin" | "autoApprove" | "merchantAction">,
  move: "approve" | "decline",
): "system" | "merchant" | "shopify" => {
  if (row.merchantAction === move) return "merchant";
  return move === "approve" && row.origin === "shopper" && row.autoApprove ? "system" : "shopify";
};

// --- the shopper's order, as the rules see it -----------------------------------------------------

export interface OrderForReturns {
  name: string;
  facts: OrderFacts;
  rules: Partial<ReturnRules> | null;
  products: Array<{ id: string; tags: string[]; productType: string | null }>;
  returned: Array<{ lineItemId: string; quantity: number }>;
  deliveries: Array<{ fulfillmentId: string; deliveredAt: string }>; // carriers' "delivered" (fulfillment_events/create)
}

// One of the shopper's orders (their own, or a guest's they claimed by signing up), with its
// products' tags and types and the units our returns hold: requesting (on its way to Shopify),
// requested, open or closed (returned). Declined, canceled and failed ones free their units.
// $1 shop, $2 order id, $3 the shopper's Shopify customer id.
export const ORDER_FOR_RETURNS_SQL = `
  SELECT o.name, o.facts, s."returnRules" AS rules,
    COALESCE((SELECT json_agg(json_build_object('id', p."shopifyProductId", 'tags', p.tags, 'productType', p."productType")) FROM "Product" p
              WHERE p.shop = o.shop AND p."shopifyProductId" IN (SELECT li->>'productId' FROM jsonb_array_elements(o.facts->'lineItems') li)), '[]') AS products,
    COALESCE((SELECT json_agg(json_build_object('lineItemId', l."lineItemId", 'quantity', l.quantity)) FROM "ReturnRequestLine" l
              JOIN "ReturnRequest" r ON r.id = l."returnId"
              WHERE r.shop = o.shop AND r."shopifyOrderId" = o."shopifyOrderId" AND r.status IN ('requesting', 'requested', 'open', 'closed')), '[]') AS returned,
    COALESCE((SELECT json_agg(json_build_object('fulfillmentId', d."fulfillmentId", 'deliveredAt', d."deliveredAt")) FROM "FulfillmentDelivery" d
              WHERE d.shop = o.shop AND d."shopifyOrderId" = o."shopifyOrderId"), '[]') AS deliveries
  FROM "Order" o
  JOIN "Customer" c ON c.id = o."customerId"
  LEFT JOIN "Customer" claimer ON claimer.id = c."claimedById"
  LEFT JOIN "Shop" s ON s.domain = o.shop
  WHERE o.shop = $1 AND o."shopifyOrderId" = $2 AND o.facts IS NOT NULL AND c."redactedAt" IS NULL
    AND (c."shopifyCustomerId" = $3 OR claimer."shopifyCustomerId" = $3)`;

/** Each unit of the order and whether (and until when) it may go back now, by line item id. */
export function orderEligibility(
  order: OrderForReturns,
  rules: ReturnRules,
  now: Date,
): { units: ReturnableUnit[]; eligibility: Map<string, UnitEligibility> } {
  const returned = new Map<string, number>();
  for (const r of order.returned) returned.set(r.lineItemId, (returned.get(r.lineItemId) ?? 0) + r.quantity);
  const delivered = new Map(order.deliveries.map((d) => [d.fulfillmentId, new Date(d.deliveredAt)]));
  const units = orderReturnUnits(order.facts, new Map(order.products.map((p) => [p.id, p])), returned, delivered);
  return { units, eligibility: new Map(units.map((u) => [u.lineItemId, unitEligibility(u, rules, now)])) };
}

// --- reserve ---------------------------------------------------------------------------------------

export interface ReturnRequestInput {
  orderId: string;
  requestId: string;
  lines: Array<{ lineItemId: string; quantity: number; reason: string }>;
  note: string | null;
  outcome: "refund" | "store_credit";
}

/**
 * A shopper's request to return units of one of their orders. The same requestId again answers the
 * return it made, and sends nothing. Throws ReturnInputError when the rules refuse it.
 */
export async function submitReturn(
  shop: string,
  shopifyCustomerId: string,
  input: ReturnRequestInput,
): Promise<{ returnId: string; created: boolean }> {
  const note = input.note?.trim() || null;
  const reserved = await transaction(async (tx) => {
    await holdShopForProcessing(tx, shop);
    const [customer] = await tx.rows<{ id: string }>`
      SELECT id FROM "Customer" WHERE shop = ${shop} AND "shopifyCustomerId" = ${shopifyCustomerId} AND "redactedAt" IS NULL FOR UPDATE`;
    if (!customer || (await isRedacted(tx, shop, { customerId: shopifyCustomerId }))) throw new ReturnInputError({ code: "not_found" });
    const [existing] = await tx.rows<{ id: string }>`
      SELECT id FROM "ReturnRequest" WHERE shop = ${shop} AND "customerId" = ${customer.id} AND "requestId" = ${input.requestId}`;
    if (existing) return { id: existing.id, fresh: false };
    if (note && note.length > RETURN_NOTE_MAX)
      throw new ReturnInputError({ code: "bad_request", error: "note_too_long", max: RETURN_NOTE_MAX });
    // Someone else's order is "not found", never "not yours".
    const [order] = await tx.query<OrderForReturns>(ORDER_FOR_RETURNS_SQL, [shop, input.orderId, shopifyCustomerId]);
    if (!order) throw new ReturnInputError({ code: "not_found" });
    const rules = returnRulesOf(order.rules);
    const check = checkReturnRequest(input.lines, orderEligibility(order, rules, new Date()).eligibility, rules);
    if (!check.ok) {
      if (check.error === "no_lines" || check.error === "duplicate_line" || check.error === "unknown_line" || check.error === "reason")
        throw new ReturnInputError({ code: "bad_request", error: check.error });
      if (check.error === "quantity") throw new ReturnInputError({ code: "bad_request", error: "quantity", max: check.max });
      throw new ReturnInputError({ code: "not_returnable", reason: check.error, deadline: check.deadline ?? null });
    }
    const [row] = await tx.rows<{ id: string }>`
      INSERT INTO "ReturnRequest" (id, shop, "customerId", "shopifyOrderId", "requestId", "requestRef", status, origin, outcome,
                                   "storeCreditBonusPercent", note, "autoApprove", "updatedAt")
      VALUES (gen_random_uuid()::text, ${shop}, ${customer.id}, ${input.orderId}, ${input.requestId}, ${newRequestRef()}, 'requesting', 'shopper',
              ${input.outcome}, ${rules.storeCreditBonusPercent}, ${note}, ${check.autoApprove}, now())
      RETURNING id`;
    await tx.run`
      INSERT INTO "ReturnRequestLine" ("returnId", "lineItemId", quantity, reason)
      SELECT ${row.id}, l.line, l.quantity, l.reason
      FROM unnest(${input.lines.map((l) => l.lineItemId)}::text[], ${input.lines.map((l) => l.quantity)}::int[], ${input.lines.map((l) => l.reason)}::text[])
        AS l(line, quantity, reason)`;
    await addReturnEvent(tx, row.id, { key: "submitted", kind: "submitted", actor: "shopper" });
    await tx.run`
      SELECT graphile_worker.add_job('return_settle', json_build_object('shop', ${shop}::text, 'returnId', ${row.id}::text),
        run_at => now() + ${`${returnTiming().settleAfterMs} milliseconds`}::interval, job_key => 'return_settle:' || ${row.id}::text,
        max_attempts => 25)`;
    await returnChanged(tx, shop, customer.id, { id: row.id, status: "requesting", shopifyOrderId: input.orderId, name: null });
    return { id: row.id, fresh: true };
  });
  if (reserved.fresh) await advance(shop, reserved.id);
  return { returnId: reserved.id, created: reserved.fresh };
}

// --- send and settle -------------------------------------------------------------------------------

interface LineToSend {
  lineItemId: string;
  fulfillmentLineItemId: string | null;
  reasonDefinitionId: string | null;
  quantity: number;
  reason: string;
}
type SendingRow = ReturnRow & { lines: LineToSend[] };

async function loadForSending(returnId: string): Promise<SendingRow | null> {
  const { rows } = await pool.query<SendingRow>(
    `SELECT r.*, COALESCE((SELECT json_agg(json_build_object('lineItemId', l."lineItemId", 'fulfillmentLineItemId', l."fulfillmentLineItemId",
              'reasonDefinitionId', l."reasonDefinitionId", 'quantity', l.quantity, 'reason', l.reason) ORDER BY l.id)
            FROM "ReturnRequestLine" l WHERE l."returnId" = r.id), '[]') AS lines
     FROM "ReturnRequest" r WHERE r.id = $1`,
    [returnId],
  );
  return rows[0] ?? null;
}

/**
 * Takes a shopper's request as far as Shopify's answers allow: sends it (or settles an earlier
 * attempt), records the answer, approves it when the rules say so. "later": something is still
 * uncertain, and the return_settle job must try again.
 */
async function advance(shop: string, returnId: string, opts: { lastAttempt?: boolean } = {}): Promise<"done" | "later"> {
  let row = await loadForSending(returnId);
  if (!row) return "done";
  if (row.status === "requesting") {
    let answer = await send(shop, row);
    if ("notSent" in answer) {
      log.warn("return request not sent: Shopify could not be asked", { shop, returnId, error: answer.notSent });
      if (!opts.lastAttempt) return "later";
      answer = { refused: `Shopify could not be asked: ${answer.notSent}` };
    }
    if ("uncertain" in answer) log.warn("return request uncertain; settled later", { shop, returnId, error: answer.uncertain });
    else await settleRequest(shop, returnId, answer);
    // Shopify's returns/request webhook may have told us meanwhile what the answer did not.
    row = await loadForSending(returnId);
    if (!row || row.status === "requesting") return "later";
  }
  if (row.status !== "requested" || !row.autoApprove || row.autoApproved || !row.shopifyReturnId) return "done";
  const approved = await approve(shop, row.shopifyReturnId);
  if ("uncertain" in approved) {
    log.warn("return approval uncertain; tried again later", { shop, returnId, error: approved.uncertain });
    return "later";
  }
  if ("refused" in approved) {
    // The merchant got there first (declined or canceled it): their webhook tells us what happened.
    log.info("return approval refused by Shopify", { shop, returnId, reason: approved.refused });
    return "done";
  }
  await settleApproval(shop, returnId);
  return "done";
}

type SendAnswer = ShopifyAnswer | { notSent: string };

// Outside any transaction. A request never attempted is prepared (Shopify's units and reasons),
// its mapping and attempt time stored, then sent; one attempted before is settled by its reference.
async function send(shop: string, row: SendingRow): Promise<SendAnswer> {
  const { timeoutMs, landingMs } = returnTiming();
  const orderGid = `gid://shopify/Order/${row.shopifyOrderId}`;
  let attempted = row.attemptedAt !== null;
  try {
    const answer = await withOfflineAdmin(shop, async (graphql): Promise<SendAnswer> => {
      if (row.attemptedAt) {
        const settled = await settleReturnRequest(graphql, shopifyRequest(row, orderGid, row.lines), {
          attemptedAt: row.attemptedAt,
          timeoutMs,
          landingMs,
        });
        // Past the landing window an absent return is requested again, inside settleReturnRequest:
        // an unanswered second attempt starts the window again.
        if ("uncertain" in settled && Date.now() >= row.attemptedAt.getTime() + landingMs) await markAttempted(shop, row);
        return settled;
      }
      const prepared = await prepare(graphql, row, orderGid, timeoutMs);
      if ("refused" in prepared) return prepared;
      // Only one sender: another one (the job, while this request was slow) that attempted it first wins.
      if (!(await markAttempted(shop, row, prepared.lines))) return { uncertain: "another attempt is under way" };
      attempted = true;
      return requestReturn(graphql, shopifyRequest(row, orderGid, prepared.lines), { timeoutMs });
    });
    // No token Shopify accepts: nothing was sent now, but an earlier attempt may have landed.
    if ("noAdmin" in answer)
      return attempted ? { uncertain: `no Shopify access (${answer.noAdmin})` } : { refused: `no Shopify access (${answer.noAdmin})` };
    return answer;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    if (error instanceof ReturnsLookupFailed && !attempted) return { notSent: message };
    return { uncertain: message };
  }
}

function shopifyRequest(row: SendingRow, orderGid: string, lines: LineToSend[]): ShopifyReturnRequest {
  return {
    orderGid,
    requestRef: row.requestRef!,
    lines: lines.map((l) => ({
      fulfillmentLineItemId: l.fulfillmentLineItemId!,
      quantity: l.quantity,
      returnReasonDefinitionId: l.reasonDefinitionId!,
      customerNote: row.note,
    })),
  };
}

// Each of our lines on the fulfillment line items Shopify says can go back (a line shipped in two
// parcels spans two), with the definition of its reason. More units than Shopify counts go on the
// last one: Shopify's own refusal then says what is wrong, in its words.
async function prepare(
  graphql: AdminGraphql,
  row: SendingRow,
  orderGid: string,
  timeoutMs: number,
): Promise<{ lines: LineToSend[] } | { refused: string }> {
  const units = await returnableUnits(graphql, orderGid, { timeoutMs });
  const definitions = await reasonDefinitions(graphql, [...new Set(row.lines.map((l) => shopifyReasonHandle(l.reason)))], timeoutMs);
  const lines: LineToSend[] = [];
  for (const line of row.lines) {
    const definition = definitions.get(shopifyReasonHandle(line.reason));
    if (!definition) return { refused: `Shopify offers no return reason "${shopifyReasonHandle(line.reason)}"` };
    const shipped = units.filter((u) => u.lineItemId === line.lineItemId);
    if (!shipped.length) return { refused: `Shopify has no returnable unit of line item ${line.lineItemId}` };
    let left = line.quantity;
    for (const [i, unit] of shipped.entries()) {
      const take = i === shipped.length - 1 ? left : Math.min(left, unit.quantity);
      if (take > 0)
        lines.push({ ...line, fulfillmentLineItemId: unit.fulfillmentLineItemId, reasonDefinitionId: definition, quantity: take });
      left -= take;
      if (!left) break;
    }
  }
  return { lines };
}

// Shopify's reason library is one for every shop, and a definition's id never changes: ids are kept
// for the process (a day at most), so a request usually costs one read of Shopify's, not two.
const definitionIds = new Map<string, { id: string; until: number }>();
async function reasonDefinitions(graphql: AdminGraphql, handles: string[], timeoutMs: number): Promise<Map<string, string>> {
  const now = Date.now();
  const missing = handles.filter((h) => (definitionIds.get(h)?.until ?? 0) <= now);
  if (missing.length)
    for (const r of await returnReasons(graphql, { handles: missing, timeoutMs }))
      definitionIds.set(r.handle, { id: r.id, until: now + 86_400_000 });
  return new Map(handles.flatMap((h) => (definitionIds.has(h) ? [[h, definitionIds.get(h)!.id] as const] : [])));
}

// Before the request goes out: its lines as Shopify will hold them (when given) and the attempt
// time, which settling an unanswered request counts from. Compare-and-set: false when the row is no
// longer `requesting`, or was attempted by someone else since `seen` was read.
async function markAttempted(shop: string, seen: Pick<ReturnRow, "id" | "attemptedAt">, lines?: LineToSend[]): Promise<boolean> {
  const returnId = seen.id;
  return transaction(async (tx) => {
    await holdShopForProcessing(tx, shop);
    const row = await lockReturn(tx, returnId);
    if (row?.status !== "requesting" || row.attemptedAt?.getTime() !== seen.attemptedAt?.getTime()) return false;
    await tx.run`UPDATE "ReturnRequest" SET "attemptedAt" = now(), "updatedAt" = now() WHERE id = ${returnId}`;
    if (!lines) return true;
    await tx.run`DELETE FROM "ReturnRequestLine" WHERE "returnId" = ${returnId}`;
    await tx.run`
      INSERT INTO "ReturnRequestLine" ("returnId", "lineItemId", "fulfillmentLineItemId", "reasonDefinitionId", quantity, reason)
      SELECT ${returnId}, l.line, l.fli, l.definition, l.quantity, l.reason
      FROM unnest(${lines.map((l) => l.lineItemId)}::text[], ${lines.map((l) => l.fulfillmentLineItemId)}::text[],
                  ${lines.map((l) => l.reasonDefinitionId)}::text[], ${lines.map((l) => l.quantity)}::int[], ${lines.map((l) => l.reason)}::text[])
        AS l(line, fli, definition, quantity, reason)`;
    return true;
  });
}

/** Records Shopify's answer to the request: the return it holds (issued), or failed (refused). */
async function settleRequest(shop: string, returnId: string, answer: Exclude<ShopifyAnswer, { uncertain: string }>): Promise<void> {
  await transaction(async (tx) => {
    await holdShopForProcessing(tx, shop);
    const row = await lockReturn(tx, returnId);
    if (!row) return;
    if ("refused" in answer) {
      if (row.status !== "requesting") return; // a webhook showed Shopify holds it after all
      log.warn("return request refused by Shopify", { shop, returnId, reason: answer.refused });
      await tx.run`
        UPDATE "ReturnRequest" SET status = 'failed', failure = ${answer.refused.slice(0, 1000)}, "settledAt" = now(), "updatedAt" = now()
        WHERE id = ${returnId}`;
      await addReturnEvent(tx, returnId, { key: "failed", kind: "failed", actor: "shopify" });
      await returnChanged(tx, shop, row.customerId, { ...row, status: "failed" });
      return;
    }
    const issued = answer.issued;
    await tx.run`
      UPDATE "ReturnRequest" SET "shopifyReturnId" = COALESCE("shopifyReturnId", ${numeric(issued.returnId)}), name = COALESCE(name, ${issued.name}),
        "settledAt" = COALESCE("settledAt", now()), "updatedAt" = now()
      WHERE id = ${returnId}`;
    const status = issued.status.toLowerCase() as ReturnStatus;
    const changed = await applyReturnState(tx, row, { status, at: null });
    await addReturnEvent(tx, returnId, { key: "requested", kind: "requested", actor: "system" });
    if (status === "open") await addReturnEvent(tx, returnId, { key: "approved", kind: "approved", actor: decidedBy(row, "approve") });
    if (changed) await returnChanged(tx, shop, row.customerId, row);
  });
}

/** Records that this app approved the request in Shopify (the shop's rules said so). */
async function settleApproval(shop: string, returnId: string): Promise<void> {
  await transaction(async (tx) => {
    await holdShopForProcessing(tx, shop);
    const row = await lockReturn(tx, returnId);
    if (!row) return;
    await tx.run`UPDATE "ReturnRequest" SET "autoApproved" = true, "updatedAt" = now() WHERE id = ${returnId}`;
    const changed = await applyReturnState(tx, row, { status: "open", at: null });
    await addReturnEvent(tx, returnId, { key: "approved", kind: "approved", actor: "system" });
    if (changed) await returnChanged(tx, shop, row.customerId, row);
  });
}

async function approve(shop: string, shopifyReturnId: string): Promise<ShopifyAnswer> {
  try {
    const answer = await withOfflineAdmin(shop, (graphql) =>
      approveReturn(graphql, `gid://shopify/Return/${shopifyReturnId}`, { notifyCustomer: true, timeoutMs: returnTiming().timeoutMs }),
    );
    return "noAdmin" in answer ? { uncertain: `no Shopify access (${answer.noAdmin})` } : answer;
  } catch (error) {
    return { uncertain: error instanceof Error ? error.message : String(error) };
  }
}

/**
 * The return_settle job, scheduled with each request: a request whose answer was lost (or whose
 * process died), or whose approval is still owed. Throws while Shopify's answer is uncertain, so the
 * queue tries again with backoff; on its last attempt, a request that could never be sent fails.
 */
export async function settleReturnJob(shop: string, returnId: string, opts: { lastAttempt: boolean }): Promise<void> {
  if ((await advance(shop, returnId, opts)) === "later")
    throw new Error(`return ${returnId}: Shopify's answer is still uncertain; the queue tries again`);
}
