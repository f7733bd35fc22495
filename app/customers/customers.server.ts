// The customer record the program keys on: Shopify customer id, or — for a guest checkout — the
// email, so a later sign-up with that email claims the guest's points and warranties.
import { transaction, type Tx } from "../db.server";
import type { OrderFacts } from "../domain/facts";
import type { CustomerFacts } from "../../integrations/shopify/payloads";
import { appendLedger } from "../loyalty/ledger.server";
import { markContactChanged, moveToClaimer } from "../hubspot/outbox.server";
import { holdShopForProcessing, isRedacted } from "../privacy/tombstone.server";

async function upsertShopifyCustomer(
  tx: Tx,
  shop: string,
  c: { id: string; email: string | null; firstName: string | null; lastName: string | null },
  overwrite: boolean,
): Promise<string> {
  const [row] = await tx.rows<{ id: string }>`
    INSERT INTO "Customer" (id, shop, "shopifyCustomerId", email, "firstName", "lastName", "updatedAt")
    VALUES (gen_random_uuid()::text, ${shop}, ${c.id}, ${c.email}, ${c.firstName}, ${c.lastName}, now())
    ON CONFLICT (shop, "shopifyCustomerId") DO UPDATE SET
      email = CASE WHEN ${overwrite} THEN EXCLUDED.email ELSE COALESCE("Customer".email, EXCLUDED.email) END,
      "firstName" = CASE WHEN ${overwrite} THEN EXCLUDED."firstName" ELSE COALESCE("Customer"."firstName", EXCLUDED."firstName") END,
      "lastName" = CASE WHEN ${overwrite} THEN EXCLUDED."lastName" ELSE COALESCE("Customer"."lastName", EXCLUDED."lastName") END,
      "updatedAt" = now()
    RETURNING id`;
  return row.id;
}

// A guest order and a sign-up with the same email must not interleave, or the order could create
// a fresh guest right after the claim released the old one. Held until the transaction ends.
async function lockEmail(tx: Tx, shop: string, email: string) {
  await tx.run`SELECT pg_advisory_xact_lock(hashtext(${shop + "|" + email}))`;
}

// Who earns an order's points: its customer; else a known customer with the order's email; else a guest.
export async function resolveOrderCustomer(tx: Tx, shop: string, order: OrderFacts): Promise<string | null> {
  if (order.customer) return upsertShopifyCustomer(tx, shop, { ...order.customer, email: order.customer.email ?? order.email }, false);
  if (!order.email) return null;
  await lockEmail(tx, shop, order.email);
  const [known] = await tx.rows<{ id: string }>`
    SELECT id FROM "Customer" WHERE shop = ${shop} AND email = ${order.email} AND "shopifyCustomerId" IS NOT NULL LIMIT 1`;
  if (known) return known.id;
  const [guest] = await tx.rows<{ id: string }>`
    INSERT INTO "Customer" (id, shop, "guestEmail", email, "updatedAt") VALUES (gen_random_uuid()::text, ${shop}, ${order.email}, ${order.email}, now())
    ON CONFLICT (shop, "guestEmail") DO UPDATE SET "updatedAt" = now() RETURNING id`;
  return guest.id;
}

export async function recordCustomer(shop: string, received: CustomerFacts): Promise<void> {
  await transaction(async (tx) => {
    await holdShopForProcessing(tx, shop);
    const facts = (await isRedacted(tx, shop, { customerId: received.id, email: received.email }))
      ? { ...received, email: null, firstName: null, lastName: null, phone: null, tags: [], marketingConsent: null }
      : received;
    const customerId = await upsertShopifyCustomer(tx, shop, facts, true);
    await tx.run`UPDATE "Customer" SET phone = ${facts.phone}, state = ${facts.state}, tags = ${facts.tags}::text[],
      "marketingConsent" = ${facts.marketingConsent}, "updatedAt" = now() WHERE id = ${customerId}`;
    if (facts.email) await claimGuest(tx, shop, facts.email, customerId);
    await markContactChanged(tx, shop, customerId);
  });
}

// Moves a guest's points (as two ledger entries) and its orders and warranties to the customer.
async function claimGuest(tx: Tx, shop: string, email: string, customerId: string) {
  await lockEmail(tx, shop, email);
  const [guest] = await tx.rows<{ id: string }>`SELECT id FROM "Customer" WHERE shop = ${shop} AND "guestEmail" = ${email}`;
  if (!guest || guest.id === customerId) return;
  // In the lock order (db.server.ts): the guest's orders, then both points accounts, then outbox
  // rows, so a refund of a guest order or of the customer's own order never waits on us in a circle.
  await tx.run`SELECT 1 FROM "Order" WHERE shop = ${shop} AND "customerId" = ${guest.id} ORDER BY "shopifyOrderId" FOR UPDATE`;
  await tx.run`INSERT INTO "PointsAccount" ("customerId", shop, "updatedAt") VALUES (${guest.id}, ${shop}, now()), (${customerId}, ${shop}, now()) ON CONFLICT DO NOTHING`;
  const accounts = await tx.rows<{ customerId: string; balance: number }>`
    SELECT "customerId", balance FROM "PointsAccount" WHERE "customerId" IN (${guest.id}, ${customerId}) ORDER BY "customerId" FOR UPDATE`;
  const points = accounts.find((a) => a.customerId === guest.id)?.balance ?? 0;
  await appendLedger(tx, shop, guest.id, [{ key: `claim:${guest.id}:${customerId}:out`, kind: "claim_out", points: -points, params: {} }]);
  await appendLedger(tx, shop, customerId, [{ key: `claim:${guest.id}:${customerId}:in`, kind: "claim_in", points, params: {} }]);
  await tx.run`UPDATE "Order" SET "customerId" = ${customerId}, "updatedAt" = now() WHERE shop = ${shop} AND "customerId" = ${guest.id}`;
  await tx.run`UPDATE "WarrantyRegistration" SET "customerId" = ${customerId}, "updatedAt" = now() WHERE shop = ${shop} AND "customerId" = ${guest.id}`;
  await moveToClaimer(tx, guest.id, customerId);
  // The guest key is released so this email now resolves to the customer.
  await tx.run`UPDATE "Customer" SET "guestEmail" = NULL, "claimedById" = ${customerId}, "updatedAt" = now() WHERE id = ${guest.id}`;
}
