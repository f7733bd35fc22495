// What stays of a customer erased by customers/redact: their Shopify id and a keyed hash of their
// email (HMAC with a key derived for this purpose from the original encryption key, which a key
// rotation leaves unchanged: the email is gone, so a tombstone can never be hashed again), so later
// events about them are recognised without anything readable being kept.
import { createHmac, createSecretKey, type KeyObject } from "node:crypto";
import type { Prisma } from "@prisma/client";
import type { Tx } from "../db.server";
import { permanentKey } from "../secrets.server";

// A KeyObject: HMAC with a raw Buffer key re-imports the key on every call (~6× slower).
let hashKey: { raw: Buffer; key: KeyObject } | undefined;

export function emailHash(shop: string, email: string): string {
  const raw = permanentKey("redaction-tombstone/v1");
  if (!hashKey?.raw.equals(raw)) hashKey = { raw, key: createSecretKey(raw) };
  return createHmac("sha256", hashKey.key).update(`${shop}\n${email.trim().toLowerCase()}`).digest("base64url");
}

// Processing of a shop's events and a redaction in that shop exclude each other: every processing
// transaction holds this lock shared, a redaction holds it exclusively. So a redaction never
// interleaves with an event about the same customer, and an event processed after it sees its
// tombstone.
const REDACTION_LOCK = 7414;

export async function holdShopForProcessing(tx: Tx, shop: string) {
  await tx.run`SELECT pg_advisory_xact_lock_shared(${REDACTION_LOCK}::int, hashtext(${shop}))`;
}

// A redaction works through Prisma (a rare path, many tables).
export async function holdShopForRedaction(tx: Prisma.TransactionClient, shop: string) {
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(${REDACTION_LOCK}::int, hashtext(${shop}))`;
}

export async function isRedacted(tx: Tx, shop: string, who: { customerId?: string | null; email?: string | null }): Promise<boolean> {
  const hash = who.email ? emailHash(shop, who.email) : null;
  if (!who.customerId && !hash) return false;
  const [row] = await tx.rows<{ hit: boolean }>`
    SELECT EXISTS (SELECT 1 FROM "RedactedCustomer" WHERE shop = ${shop}
      AND ("shopifyCustomerId" = ${who.customerId ?? null} OR "emailHash" = ${hash})) AS hit`;
  return row.hit;
}
