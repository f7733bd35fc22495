// Shopify's returns/* webhooks keep our record of each return in step with Shopify's, whichever
// side acted: the merchant in Shopify's admin (approve, decline, close, reopen, cancel, process),
// Shopify's own self-serve returns, or this app's calls (their webhooks confirm what the answer
// said, or tell what a lost answer did not).
//
// A return is matched by Shopify's id; one of ours not answered yet, by the request reference its
// lines' notes carry. Decline, update (and cancel, close, reopen) bodies carry no lines, and decline
// and update none of the order: a return unknown to us is read from Shopify (fetchReturn), and one
// the merchant made in Shopify becomes a row of the order's customer.
//
// Deliveries arrive in any order and more than once. The status kept is the greatest observed
// (app/domain/returns.ts, compareReturnStates: later in Shopify's state machine, then Shopify's time —
// the body's updated_at, else X-Shopify-Triggered-At); each change is an event once per key
// (approved, declined, …; a close, reopen or processing keyed by its time), so duplicates and
// reorderings converge to the same state and the same events. Refunds (and the points they
// reverse) stay with refunds/create.
import { transaction, pool, type Tx } from "../db.server";
import { reasonFromShopify, type ReturnStatus } from "../domain/returns";
import type { ReturnFacts } from "../domain/facts";
import { holdShopForProcessing } from "../privacy/tombstone.server";
import { withOfflineAdmin } from "../shopify.server";
import { fetchReturn, requestRefOf, type ShopifyReturn } from "../../integrations/shopify/returns.server";
import type { ReturnTopic } from "../../integrations/shopify/payloads";
import {
  addReturnEvent,
  applyReturnState,
  customerRedacted,
  decidedBy,
  lockReturn,
  returnChanged,
  returnTiming,
  type ReturnRow,
} from "./returns.server";

const numeric = (gid: string) => gid.slice(gid.lastIndexOf("/") + 1);
const NOTE_MAX = 300; // Shopify's limit for a customer note
const MARKER = /\s*\(Postventa ref [A-Za-z0-9-]{4,40}\)$/;

// The event each topic records, keyed so that the same change reported twice is recorded once.
// returns/update changes lines, not the story: no event.
const TOPIC_EVENT: Record<ReturnTopic, ((at: Date) => { key: string; kind: string }) | null> = {
  "returns/request": () => ({ key: "requested", kind: "requested" }),
  "returns/approve": () => ({ key: "approved", kind: "approved" }),
  "returns/decline": () => ({ key: "declined", kind: "declined" }),
  "returns/cancel": () => ({ key: "canceled", kind: "canceled" }),
  "returns/close": (at) => ({ key: `closed:${at.toISOString()}`, kind: "closed" }),
  "returns/reopen": (at) => ({ key: `reopened:${at.toISOString()}`, kind: "reopened" }),
  "returns/process": (at) => ({ key: `processed:${at.toISOString()}`, kind: "processed" }),
  "returns/update": null,
};

/** One returns/* delivery. `deliveredAt`: the delivery's X-Shopify-Triggered-At (else when it was received). */
export async function recordReturnWebhook(
  shop: string,
  topic: ReturnTopic,
  facts: ReturnFacts,
  deliveredAt: Date,
): Promise<{ skipped: string } | void> {
  const at = facts.updatedAt ? new Date(facts.updatedAt) : deliveredAt;
  const seen = facts.status ? (facts.status.toLowerCase() as ReturnStatus) : null;
  let known = await findReturn(shop, facts.id, facts.lineItems.map((l) => requestRefOf(l.customerNote)).find(Boolean) ?? null);
  let fetched: ShopifyReturn | null = null;
  // What the body does not say is read from Shopify: the lines (and order) of a return new to us,
  // and the lines of an updated one (update bodies list removals by delta: reading the lines as
  // they are now converges where applying deltas twice would not).
  if ((!known && (!facts.orderId || !facts.lineItems.length)) || topic === "returns/update") {
    const read = await readReturn(shop, facts.gid);
    if ("skipped" in read) return read;
    fetched = read.ret;
    if (!fetched && !known) return { skipped: `Shopify holds no return ${facts.id}` };
    if (!known && fetched?.requestRef) known = await findReturn(shop, facts.id, fetched.requestRef);
  }
  await transaction(async (tx) => {
    await holdShopForProcessing(tx, shop);
    let row: ReturnRow | null;
    let created = false;
    if (known) row = await lockReturn(tx, known.id);
    else ({ row, created } = await createFromShopify(tx, shop, facts, fetched, at));
    if (!row) return; // deleted meanwhile (the shop's data was erased)

    const redacted = await customerRedacted(tx, row.customerId);
    await tx.run`
      UPDATE "ReturnRequest" SET "shopifyReturnId" = COALESCE("shopifyReturnId", ${facts.id}), name = COALESCE(name, ${facts.name ?? fetched?.name ?? null}),
        "declineReason" = COALESCE("declineReason", ${facts.declineReason}),
        "declineNote" = CASE WHEN "declineReason" IS NULL THEN ${redacted ? null : (facts.declineNote?.slice(0, 500) ?? null)} ELSE "declineNote" END,
        "updatedAt" = now()
      WHERE id = ${row.id}`;
    if (topic === "returns/update" && fetched) await syncLines(tx, row.id, fetched);
    const changed = (seen ? await applyReturnState(tx, row, { status: seen, at }) : false) || created;
    const event = TOPIC_EVENT[topic]?.(at);
    if (event)
      await addReturnEvent(tx, row.id, {
        ...event,
        actor:
          event.kind === "approved" || event.kind === "declined"
            ? decidedBy(row, event.kind === "approved" ? "approve" : "decline")
            : event.kind === "requested" && row.origin === "shopper"
              ? "system"
              : "shopify",
        params: event.kind === "declined" && facts.declineReason ? { reason: facts.declineReason } : {},
        at,
      });
    if (changed) await returnChanged(tx, shop, row.customerId, row);
  });
}

async function findReturn(shop: string, shopifyReturnId: string, requestRef: string | null): Promise<{ id: string } | null> {
  const { rows } = await pool.query<{ id: string }>(
    `SELECT id FROM "ReturnRequest" WHERE shop = $1 AND ("shopifyReturnId" = $2 OR ($3::text IS NOT NULL AND "requestRef" = $3))
     ORDER BY "shopifyReturnId" = $2 DESC NULLS LAST LIMIT 1`,
    [shop, shopifyReturnId, requestRef],
  );
  return rows[0] ?? null;
}

// Outside any transaction. A lookup Shopify could not answer throws: the delivery is retried.
async function readReturn(shop: string, gid: string): Promise<{ ret: ShopifyReturn | null } | { skipped: string }> {
  const answer = await withOfflineAdmin(shop, (graphql) => fetchReturn(graphql, gid, { timeoutMs: returnTiming().timeoutMs }));
  if (answer && "noAdmin" in answer) {
    if (answer.noAdmin === "no_session") return { skipped: `no Shopify session to read return ${numeric(gid)} (the app was uninstalled)` };
    throw new Error(`Shopify accepts no token of ours to read return ${numeric(gid)}; the queue tries again`);
  }
  return { ret: answer };
}

const noteOf = (notes: Array<string | null>) =>
  notes
    .map((n) => n?.replace(MARKER, "").trim())
    .find(Boolean)
    ?.slice(0, NOTE_MAX) ?? null;

interface ShopifyLine {
  lineItemId: string;
  fulfillmentLineItemId: string | null;
  quantity: number;
  reason: string;
  customerNote: string | null;
}

function linesOf(facts: ReturnFacts, fetched: ShopifyReturn | null): ShopifyLine[] {
  if (fetched)
    return fetched.lines.map((l) => ({
      lineItemId: l.lineItemId,
      fulfillmentLineItemId: l.fulfillmentLineItemId,
      quantity: l.quantity,
      reason: reasonFromShopify({ handle: l.reason?.handle }),
      customerNote: l.customerNote,
    }));
  return facts.lineItems
    .filter((l): l is typeof l & { lineItemId: string } => !!l.lineItemId)
    .map((l) => ({
      lineItemId: l.lineItemId,
      fulfillmentLineItemId: l.fulfillmentLineItemId ? `gid://shopify/FulfillmentLineItem/${l.fulfillmentLineItemId}` : null,
      quantity: l.quantity,
      reason: reasonFromShopify({ handle: l.reasonDefinition?.handle, legacy: l.returnReason }),
      customerNote: l.customerNote,
    }));
}

/**
 * A return this app did not request — the merchant made it in Shopify's admin, or the customer in
 * Shopify's own returns page — as a row of the order's customer (none when we hold no customer for
 * the order). Created from the body when it carries the order and lines, else from Shopify's read.
 */
async function createFromShopify(
  tx: Tx,
  shop: string,
  facts: ReturnFacts,
  fetched: ShopifyReturn | null,
  at: Date,
): Promise<{ row: ReturnRow | null; created: boolean }> {
  const orderId = facts.orderId ?? (fetched ? numeric(fetched.orderGid) : null);
  if (!orderId) return { row: null, created: false };
  const [order] = await tx.rows<{ customerId: string | null }>`
    SELECT "customerId" FROM "Order" WHERE shop = ${shop} AND "shopifyOrderId" = ${orderId}`;
  const customerId = order?.customerId ?? null;
  if (customerId) await tx.run`SELECT 1 FROM "Customer" WHERE id = ${customerId} FOR UPDATE`;
  const redacted = await customerRedacted(tx, customerId);
  const lines = linesOf(facts, fetched);
  // What Shopify holds now, read a moment ago (our clock), or what this body says at its time.
  const status = fetched ? (fetched.status.toLowerCase() as ReturnStatus) : ((facts.status?.toLowerCase() as ReturnStatus) ?? "requested");
  const statusAt = fetched ? new Date() : facts.status ? at : null;
  const decline = fetched?.decline ?? null;
  const [inserted] = await tx.rows<{ id: string }>`
    INSERT INTO "ReturnRequest" (id, shop, "customerId", "shopifyOrderId", "requestId", "shopifyReturnId", name, status, "statusAt", origin, note,
                                 "declineReason", "declineNote", "settledAt", "updatedAt")
    VALUES (gen_random_uuid()::text, ${shop}, ${customerId}, ${orderId}, ${`shopify:${facts.id}`}, ${facts.id}, ${facts.name ?? fetched?.name ?? null},
            ${status}, ${statusAt}::timestamptz AT TIME ZONE 'UTC', 'shopify', ${redacted ? null : noteOf(lines.map((l) => l.customerNote))},
            ${decline?.reason ?? null}, ${redacted ? null : (decline?.note?.slice(0, 500) ?? null)}, now(), now())
    ON CONFLICT (shop, "shopifyReturnId") DO NOTHING
    RETURNING id`;
  if (!inserted) {
    // Another delivery about the same return created it a moment ago.
    const [other] = await tx.rows<{ id: string }>`SELECT id FROM "ReturnRequest" WHERE shop = ${shop} AND "shopifyReturnId" = ${facts.id}`;
    return { row: other ? await lockReturn(tx, other.id) : null, created: false };
  }
  const positive = lines.filter((l) => l.quantity > 0);
  await tx.run`
    INSERT INTO "ReturnRequestLine" ("returnId", "lineItemId", "fulfillmentLineItemId", quantity, reason)
    SELECT ${inserted.id}, l.line, l.fli, l.quantity, l.reason
    FROM unnest(${positive.map((l) => l.lineItemId)}::text[], ${positive.map((l) => l.fulfillmentLineItemId)}::text[],
                ${positive.map((l) => l.quantity)}::int[], ${positive.map((l) => l.reason)}::text[]) AS l(line, fli, quantity, reason)`;
  // No events from the read: each change is recorded by its own webhook, at its own time, so the
  // story is the same whichever delivery happened to create the row.
  return { row: await lockReturn(tx, inserted.id), created: true };
}

// The lines as Shopify holds them now (after a returns/update), keeping our reason for a line we knew.
async function syncLines(tx: Tx, returnId: string, fetched: ShopifyReturn): Promise<void> {
  const ours = await tx.rows<{ lineItemId: string; fulfillmentLineItemId: string | null; quantity: number; reason: string }>`
    SELECT "lineItemId", "fulfillmentLineItemId", quantity, reason FROM "ReturnRequestLine" WHERE "returnId" = ${returnId} ORDER BY id`;
  const fli = (id: string | null) => (id ? numeric(id) : null);
  const wanted = fetched.lines
    .filter((l) => l.quantity > 0)
    .map((l) => ({
      lineItemId: l.lineItemId,
      fulfillmentLineItemId: l.fulfillmentLineItemId,
      quantity: l.quantity,
      reason:
        (
          ours.find((o) => fli(o.fulfillmentLineItemId) === fli(l.fulfillmentLineItemId)) ??
          ours.find((o) => !o.fulfillmentLineItemId && o.lineItemId === l.lineItemId)
        )?.reason ?? reasonFromShopify({ handle: l.reason?.handle }),
    }));
  const key = (ls: Array<{ lineItemId: string; fulfillmentLineItemId: string | null; quantity: number }>) =>
    ls
      .map((l) => `${l.lineItemId}:${fli(l.fulfillmentLineItemId)}:${l.quantity}`)
      .sort()
      .join(",");
  if (key(ours) === key(wanted)) return;
  await tx.run`DELETE FROM "ReturnRequestLine" WHERE "returnId" = ${returnId}`;
  await tx.run`
    INSERT INTO "ReturnRequestLine" ("returnId", "lineItemId", "fulfillmentLineItemId", quantity, reason)
    SELECT ${returnId}, l.line, l.fli, l.quantity, l.reason
    FROM unnest(${wanted.map((l) => l.lineItemId)}::text[], ${wanted.map((l) => l.fulfillmentLineItemId)}::text[],
                ${wanted.map((l) => l.quantity)}::int[], ${wanted.map((l) => l.reason)}::text[]) AS l(line, fli, quantity, reason)`;
}
