// The HubSpot outbox, written inside the transaction of the domain change that caused it, so a
// change and its HubSpot copy can never disagree about whether it happened. The sync job
// (sync.server.ts) drains it. Written whether or not the shop is connected yet: connecting later
// backfills from it.
import type { Tx } from "../db.server";
import type { Interaction } from "../domain/interactions";

// What HubSpot shows about this customer changed: the next sync writes their current values once,
// however many changes happened since the last one.
export async function markContactChanged(tx: Tx, shop: string, customerId: string): Promise<void> {
  await tx.run`
    INSERT INTO "HubSpotContactSync" ("customerId", shop) VALUES (${customerId}, ${shop})
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

// A guest's unsent history follows their points to the account that claimed them; both are one
// HubSpot contact (same email), and the guest row is no longer written on its own.
export async function moveToClaimer(tx: Tx, guestId: string, customerId: string): Promise<void> {
  await tx.run`UPDATE "HubSpotInteraction" SET "customerId" = ${customerId} WHERE "customerId" = ${guestId} AND state <> 'synced'`;
  await tx.run`UPDATE "HubSpotContactSync" SET state = 'merged', reason = 'Merged into the customer account with the same email.', "syncedVersion" = version WHERE "customerId" = ${guestId}`;
}
