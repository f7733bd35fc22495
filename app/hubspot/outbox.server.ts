// The HubSpot outbox, written inside the transaction of the domain change that caused it, so a
// change and its HubSpot copy can never disagree about whether it happened. The sync job
// (sync.server.ts) drains it. Written whether or not the shop is connected yet: connecting later
// backfills from it.
import type { Tx } from "../db.server";
import type { Interaction } from "../domain/interactions";
import { ticketProblem, type TicketCase } from "../domain/tickets";

// What HubSpot shows about this customer changed: the next sync writes their current values once,
// however many changes happened since the last one.
export async function markContactChanged(tx: Tx, shop: string, customerId: string): Promise<void> {
  await markContactsChanged(tx, shop, [customerId]);
}

// The same for many customers in one statement (an owner notice reaches every owner of a product);
// rows are touched in id order, so two such calls never wait on each other in a circle.
export async function markContactsChanged(tx: Tx, shop: string, customerIds: string[]): Promise<void> {
  if (!customerIds.length) return;
  await tx.run`
    INSERT INTO "HubSpotContactSync" ("customerId", shop) SELECT id, ${shop} FROM unnest(${[...customerIds].sort()}::text[]) AS id ORDER BY id
    ON CONFLICT ("customerId") DO UPDATE SET version = "HubSpotContactSync".version + 1, "updatedAt" = now(),
      state = CASE WHEN "HubSpotContactSync".state = 'merged' THEN 'merged' ELSE 'pending' END`;
}

// Once per key: the same event recorded again (a redelivered webhook) adds nothing.
export async function recordInteraction(tx: Tx, shop: string, customerId: string, i: Interaction): Promise<void> {
  await tx.run`
    INSERT INTO "HubSpotInteraction" (shop, "customerId", key, kind, "occurredAt", title, body)
    VALUES (${shop}, ${customerId}, ${i.key}, ${i.kind}, ${new Date(i.occurredAt)}, ${i.title}, ${i.body})
    ON CONFLICT (shop, key) DO NOTHING`;
}

// An after-sales case's HubSpot ticket, by its stable key (e.g. "claim:<uuid>", "return:<uuid>"):
// recorded the first time, and its wanted stage and parameters replaced on every later call (the
// version moves only when they changed, so a repeated call adds nothing). The sync creates the
// ticket once, on the customer's contact, then moves it with each change; subject and description
// are rendered from kind + params when sent (app/domain/tickets.ts).
// `openTicket: false` records the case for the contact's counts only (a return that does not need
// the merchant): no ticket until a later call opens it; once opened a ticket is never withdrawn.
// Every call marks the contact changed: its "open warranty claims" and "returns count" are counted
// from these rows when the contact is written (decision 0014). Lock order: the contact's outbox row,
// then the ticket's, both last in the caller's transaction.
export type TicketRecord = TicketCase & { key: string; openTicket?: boolean };

export async function recordTicket(tx: Tx, shop: string, customerId: string, t: TicketRecord): Promise<void> {
  const problem = (t.key ? null : "a ticket needs a key") ?? ticketProblem(t);
  if (problem) throw new Error(`recordTicket ${t.key}: ${problem}`);
  const open = t.openTicket ?? true;
  const params = JSON.stringify(t.params);
  await markContactChanged(tx, shop, customerId);
  const inserted = await tx.run`
    INSERT INTO "HubSpotTicket" (shop, "customerId", key, kind, stage, params, state)
    VALUES (${shop}, ${customerId}, ${t.key}, ${t.kind}, ${t.stage}, ${params}::jsonb, ${open ? "pending" : "local"})
    ON CONFLICT (shop, key) DO NOTHING`;
  if (inserted) return;
  const [row] = await tx.rows<{ kind: string; changed: boolean }>`
    SELECT kind, (stage IS DISTINCT FROM ${t.stage} OR params <> ${params}::jsonb) AS changed
      FROM "HubSpotTicket" WHERE shop = ${shop} AND key = ${t.key} FOR UPDATE`;
  if (row.kind !== t.kind) throw new Error(`recordTicket ${t.key}: already recorded as a ${row.kind}, not a ${t.kind}`);
  // A create in flight stays `sending` (its answer decides; a newer version follows as an update);
  // a ticket refused alone is tried again, alone, once what it says has changed.
  await tx.run`
    UPDATE "HubSpotTicket" SET stage = ${t.stage}, params = ${params}::jsonb,
      version = version + CASE WHEN ${row.changed} THEN 1 ELSE 0 END,
      "updatedAt" = CASE WHEN ${row.changed} THEN now() ELSE "updatedAt" END,
      state = CASE
        WHEN state = 'sending' THEN state
        WHEN state = 'local' THEN CASE WHEN ${open} THEN 'pending' ELSE 'local' END
        WHEN ${row.changed} THEN 'pending'
        ELSE state END
    WHERE shop = ${shop} AND key = ${t.key}`;
}

// A guest's unsent history follows their points to the account that claimed them; both are one
// HubSpot contact (same email), and the guest row is no longer written on its own.
export async function moveToClaimer(tx: Tx, guestId: string, customerId: string): Promise<void> {
  await tx.run`UPDATE "HubSpotInteraction" SET "customerId" = ${customerId} WHERE "customerId" = ${guestId} AND state <> 'synced'`;
  // Tickets follow whatever their state: they keep moving, and they count on the claimer's contact.
  await tx.run`UPDATE "HubSpotTicket" SET "customerId" = ${customerId} WHERE "customerId" = ${guestId}`;
  await tx.run`UPDATE "HubSpotContactSync" SET state = 'merged', reason = 'Merged into the customer account with the same email.', "syncedVersion" = version WHERE "customerId" = ${guestId}`;
}
