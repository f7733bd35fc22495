// Photos on a warranty claim, kept in Postgres (docs/decisions/0017-claim-photos.md): the shopper
// adds up to three to their own open claim, reads them back through short-lived signed links, and
// the merchant reads them on the claim's admin page. The limits are app/domain/claim-photos.ts.
import { createHmac, timingSafeEqual } from "node:crypto";
import { pool, transaction } from "../db.server";
import { checkClaimPhoto, type PhotoRefusal } from "../domain/claim-photos";
import type { ClaimStatus } from "../domain/claims";
import { config } from "../config.server";
import { permanentKey } from "../secrets.server";
import { holdShopForProcessing, isRedacted } from "../privacy/tombstone.server";
import { ClaimInputError, readClaim, type ClaimRow } from "./claims.server";

/** A photo refused for what it is (size, kind, count) or for the claim it was sent to. */
export class PhotoInputError extends Error {
  constructor(readonly error: PhotoRefusal) {
    super(error);
  }
}

/**
 * Adds a photo to the shopper's own claim, and answers the claim with it. The same `clientId` again
 * adds nothing (created: false), even once the claim holds three. Someone else's claim, or a claim of a
 * redacted shopper, is "not found".
 */
export async function addClaimPhoto(
  shop: string,
  shopifyCustomerId: string,
  claimId: string,
  clientId: string,
  bytes: Buffer,
): Promise<{ claim: ClaimRow; created: boolean }> {
  return transaction(async (tx) => {
    // The lock order of app/db.server.ts: the shop, the person, then the claim.
    await holdShopForProcessing(tx, shop);
    const [owner] = await tx.rows<{ customerId: string }>`
      SELECT c.id AS "customerId" FROM "WarrantyClaim" k JOIN "Customer" c ON c.id = k."customerId"
      WHERE k.id = ${claimId} AND k.shop = ${shop} AND c."shopifyCustomerId" = ${shopifyCustomerId} AND c."redactedAt" IS NULL
      FOR UPDATE OF c`;
    if (!owner || (await isRedacted(tx, shop, { customerId: shopifyCustomerId }))) throw new ClaimInputError({ code: "not_found" });
    const [claim] = await tx.rows<{ status: ClaimStatus }>`SELECT status FROM "WarrantyClaim" WHERE id = ${claimId} FOR UPDATE`;
    const [again] = await tx.rows<{ id: string }>`
      SELECT id FROM "WarrantyClaimPhoto" WHERE "claimId" = ${claimId} AND "clientId" = ${clientId}`;
    if (again) return { claim: await readClaim(tx, claimId), created: false };
    const [{ count }] = await tx.rows<{
      count: number;
    }>`SELECT count(*)::int AS count FROM "WarrantyClaimPhoto" WHERE "claimId" = ${claimId}`;
    const check = checkClaimPhoto(bytes, { status: claim.status, photos: count });
    if (!check.ok) throw new PhotoInputError(check.error);
    await tx.run`
      INSERT INTO "WarrantyClaimPhoto" (id, "claimId", "clientId", "contentType", "byteSize", bytes)
      VALUES (gen_random_uuid()::text, ${claimId}, ${clientId}, ${check.type}, ${bytes.length}, ${bytes})`;
    return { claim: await readClaim(tx, claimId), created: true };
  });
}

export interface ClaimPhotoFile {
  contentType: string;
  bytes: Buffer;
}

/** A photo of one of the shop's claims, for the merchant; null when the shop has no such photo. */
export async function merchantClaimPhoto(shop: string, claimId: string, photoId: string): Promise<ClaimPhotoFile | null> {
  const { rows } = await pool.query<ClaimPhotoFile>(
    `SELECT p."contentType", p.bytes FROM "WarrantyClaimPhoto" p JOIN "WarrantyClaim" k ON k.id = p."claimId"
     WHERE p.id = $1 AND p."claimId" = $2 AND k.shop = $3`,
    [photoId, claimId, shop],
  );
  return rows[0] ?? null;
}

// The shopper's photos are shown by the customer account's own <img>, which sends no session
// token: each link carries an HMAC of what it opens and until when, and lives for 15 minutes
// (every read of the shopper's claims makes new ones).
const LINK_LIFETIME_S = 15 * 60;
const signature = (shop: string, claimId: string, photoId: string, expires: number) =>
  createHmac("sha256", permanentKey("claim-photo-links")).update(`${shop}\n${claimId}\n${photoId}\n${expires}`).digest("base64url");

/** An absolute link to one photo of a shopper's claim, valid for LINK_LIFETIME_S. */
export function shopperPhotoUrl(shop: string, claimId: string, photoId: string, now = Date.now()): string {
  const expires = Math.floor(now / 1000) + LINK_LIFETIME_S;
  const query = new URLSearchParams({ shop, expires: String(expires), signature: signature(shop, claimId, photoId, expires) });
  const base = config().SHOPIFY_APP_URL.replace(/\/+$/, "");
  return `${base}/api/claims/${claimId}/photos/${photoId}?${query}`;
}

/** The photo a signed link opens; null when the link is forged or expired, or the photo is gone (redacted). */
export async function shopperClaimPhoto(claimId: string, photoId: string, search: URLSearchParams): Promise<ClaimPhotoFile | null> {
  const shop = search.get("shop") ?? "";
  const expires = Number(search.get("expires"));
  const given = Buffer.from(search.get("signature") ?? "", "base64url");
  const expected = Buffer.from(signature(shop, claimId, photoId, expires), "base64url");
  if (!Number.isSafeInteger(expires) || expires * 1000 < Date.now()) return null;
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
  const { rows } = await pool.query<ClaimPhotoFile>(
    `SELECT p."contentType", p.bytes FROM "WarrantyClaimPhoto" p JOIN "WarrantyClaim" k ON k.id = p."claimId"
     JOIN "Customer" c ON c.id = k."customerId"
     WHERE p.id = $1 AND p."claimId" = $2 AND k.shop = $3 AND c."redactedAt" IS NULL`,
    [photoId, claimId, shop],
  );
  return rows[0] ?? null;
}

/**
 * A photo as an HTTP answer: only the kind its bytes were checked to be, never sniffed into
 * anything else (nosniff), never cached, never able to run anything (a sandboxed CSP).
 */
export function photoResponse(photo: ClaimPhotoFile, extraHeaders: Record<string, string> = {}): Response {
  return new Response(new Uint8Array(photo.bytes), {
    headers: {
      "Content-Type": photo.contentType,
      "Content-Length": String(photo.bytes.length),
      "Cache-Control": "no-store",
      "X-Content-Type-Options": "nosniff",
      "Content-Security-Policy": "default-src 'none'; sandbox",
      "Content-Disposition": "inline",
      "Cross-Origin-Resource-Policy": "same-origin",
      ...extraHeaders,
    },
  });
}
