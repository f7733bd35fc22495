// Warranty claims: a shopper claims one of their registered units; the merchant reviews, approves
// (with a resolution) or rejects; the shopper may reopen once. Every change is a row in the claim's
// append-only event log, written in the same transaction as the claim. The rules are
// app/domain/claims.ts; this module only reads, locks and writes.
import { pool, transaction, type Tx } from "../db.server";
import { takesPhotos } from "../domain/claim-photos";
import {
  claimable,
  parseClaimDescription,
  transition,
  type ClaimAction,
  type ClaimActor,
  type ClaimResolution,
  type ClaimStatus,
} from "../domain/claims";
import { claimEventText, claimStatusText, type TextLocale } from "../domain/shopper-text";
import { holdShopForProcessing, isRedacted } from "../privacy/tombstone.server";
import { recordTicket } from "../hubspot/outbox.server";
import { requestSync } from "../hubspot/connection.server";
import type { TicketStage } from "../domain/tickets";
import type { ClaimView } from "../shopper/views";
import { orderReplacement } from "./replacement.server";
import { shopperPhotoUrl } from "./claim-photos.server";

export type ClaimRefusal =
  | { code: "description"; error: "description_missing" | "description_too_short" | "description_too_long" }
  | { code: "not_found" }
  | { code: "not_claimable"; reason: "not_started" | "expired" | "voided" | "open_claim"; coverageEnd: Date | null }
  | { code: "not_allowed"; error: string };

/** What the shopper or merchant asked cannot be done; `refusal` says why, for a sentence in their language. */
export class ClaimInputError extends Error {
  constructor(readonly refusal: ClaimRefusal) {
    super("error" in refusal ? refusal.error : "reason" in refusal ? refusal.reason : refusal.code);
  }
}

export interface ClaimRow {
  id: string;
  shop: string;
  requestId: string;
  warrantyId: string;
  customerId: string;
  status: ClaimStatus;
  description: string | null;
  resolution: string | null;
  rejectionReason: string | null;
  reopenCount: number;
  submittedAt: Date;
  product: string;
  orderName: string | null;
  events: Array<{ type: string; actor: string; params: { resolution?: string; draftOrderName?: string }; at: string }>;
  photoIds: string[]; // oldest first
}

export const CLAIM_SELECT = `
  SELECT k.id, k.shop, k."requestId", k."warrantyId", k."customerId", k.status, k.description, k.resolution, k."rejectionReason", k."reopenCount",
         k."submittedAt", w.title AS product, o.name AS "orderName",
         COALESCE((SELECT json_agg(json_build_object('type', e.type, 'actor', e.actor, 'params', e.params, 'at', e.at) ORDER BY e.id)
                   FROM "WarrantyClaimEvent" e WHERE e."claimId" = k.id), '[]') AS events,
         COALESCE((SELECT json_agg(p.id ORDER BY p."createdAt", p.id) FROM "WarrantyClaimPhoto" p WHERE p."claimId" = k.id), '[]') AS "photoIds"
  FROM "WarrantyClaim" k
  JOIN "WarrantyRegistration" w ON w.id = k."warrantyId"
  LEFT JOIN "Order" o ON o.shop = w.shop AND o."shopifyOrderId" = w."shopifyOrderId"`;

export function claimView(c: ClaimRow, locale: TextLocale): ClaimView {
  return {
    id: c.id,
    requestId: c.requestId,
    warrantyId: c.warrantyId,
    product: c.product,
    orderName: c.orderName ?? "",
    status: c.status,
    statusText: claimStatusText(c, locale),
    description: c.description,
    submittedAt: new Date(c.submittedAt).toISOString(),
    // A failed replacement is the merchant's to fix: the shopper is told when one is prepared.
    events: c.events
      .filter((e) => e.type !== "replacement_failed")
      .map((e) => ({ at: new Date(e.at).toISOString(), text: claimEventText(e, locale) })),
    canReopen: transition(c, { type: "reopen" }).ok,
    photos: c.photoIds.map((id) => ({ id, url: shopperPhotoUrl(c.shop, c.id, id) })),
    canAddPhotos: takesPhotos({ status: c.status, photos: c.photoIds.length }),
  };
}

async function customerOf(tx: Tx, shop: string, shopifyCustomerId: string): Promise<string | null> {
  const [c] = await tx.rows<{ id: string }>`
    SELECT id FROM "Customer" WHERE shop = ${shop} AND "shopifyCustomerId" = ${shopifyCustomerId} AND "redactedAt" IS NULL FOR UPDATE`;
  return c?.id ?? null;
}

export async function readClaim(tx: Tx, claimId: string): Promise<ClaimRow> {
  const [row] = await tx.query<ClaimRow>(`${CLAIM_SELECT} WHERE k.id = $1`, [claimId]);
  return row;
}

async function addEvent(tx: Tx, claimId: string, type: string, actor: ClaimActor, params: Record<string, unknown> = {}) {
  await tx.run`INSERT INTO "WarrantyClaimEvent" ("claimId", type, actor, params) VALUES (${claimId}, ${type}, ${actor}, ${JSON.stringify(params)}::jsonb)`;
}

/** A shopper's claim on one of their units. The same requestId again answers the claim it made. */
export async function submitClaim(
  shop: string,
  shopifyCustomerId: string,
  input: { warrantyId: string; requestId: string; description: unknown },
): Promise<{ claim: ClaimRow; created: boolean }> {
  const description = parseClaimDescription(input.description);
  if (!description.ok) throw new ClaimInputError({ code: "description", error: description.error });
  return transaction(async (tx) => {
    await holdShopForProcessing(tx, shop);
    const customerId = await customerOf(tx, shop, shopifyCustomerId);
    if (!customerId || (await isRedacted(tx, shop, { customerId: shopifyCustomerId }))) throw new ClaimInputError({ code: "not_found" });
    const [existing] = await tx.rows<{ id: string }>`
      SELECT id FROM "WarrantyClaim" WHERE shop = ${shop} AND "customerId" = ${customerId} AND "requestId" = ${input.requestId}`;
    if (existing) return { claim: await readClaim(tx, existing.id), created: false };
    // The unit must be this shopper's: someone else's unit is "not found", never "not yours".
    const [unit] = await tx.rows<{ status: string; coverageEnd: Date | null }>`
      SELECT w.status, w."coverageEnd" FROM "WarrantyRegistration" w
      JOIN "Customer" c ON c.id = w."customerId"
      WHERE w.id = ${input.warrantyId} AND w.shop = ${shop} AND (c.id = ${customerId} OR c."claimedById" = ${customerId})
      FOR SHARE OF w`;
    if (!unit) throw new ClaimInputError({ code: "not_found" });
    const [open] = await tx.rows<{ id: string }>`
      SELECT id FROM "WarrantyClaim" WHERE "warrantyId" = ${input.warrantyId} AND status IN ('submitted', 'in_review', 'approved')`;
    const can = claimable({ status: unit.status, coverageEnd: unit.coverageEnd && new Date(unit.coverageEnd) }, !!open, new Date());
    if (!can.ok)
      throw new ClaimInputError({ code: "not_claimable", reason: can.reason, coverageEnd: unit.coverageEnd && new Date(unit.coverageEnd) });
    const [row] = await tx.rows<{ id: string }>`
      INSERT INTO "WarrantyClaim" (id, shop, "customerId", "warrantyId", "requestId", status, description, "updatedAt")
      VALUES (gen_random_uuid()::text, ${shop}, ${customerId}, ${input.warrantyId}, ${input.requestId}, 'submitted', ${description.description}, now())
      RETURNING id`;
    await addEvent(tx, row.id, "submitted", "shopper");
    const claim = await readClaim(tx, row.id);
    await claimChanged(tx, shop, claim);
    return { claim, created: true };
  }).then(async (result) => {
    if (result.created) await requestSync(shop);
    return result;
  });
}

// Where the merchant's HubSpot stands on the claim: a ticket in the stage the claim is in, closed
// once it is resolved or rejected (app/hubspot/outbox.server.ts); the contact's open-claims count
// follows from it.
const TICKET_STAGE: Record<ClaimStatus, TicketStage> = {
  submitted: "new",
  in_review: "waiting_on_us",
  approved: "waiting_on_us",
  rejected: "closed",
  resolved: "closed",
};

export const claimReference = (claimId: string) => `C-${claimId.slice(0, 8).toUpperCase()}`;

async function claimChanged(tx: Tx, shop: string, claim: ClaimRow): Promise<void> {
  // A customer erased by customers/redact has nothing more sent about them (their tickets went too).
  const [owner] = await tx.rows<{
    redacted: boolean;
  }>`SELECT "redactedAt" IS NOT NULL AS redacted FROM "Customer" WHERE id = ${claim.customerId}`;
  if (owner?.redacted) return;
  await recordTicket(tx, shop, claim.customerId, {
    key: `claim:${claim.id}`,
    kind: "warranty_claim",
    stage: TICKET_STAGE[claim.status],
    params: {
      reference: claimReference(claim.id),
      productTitle: claim.product || "(untitled product)",
      orderName: claim.orderName,
      description: claim.description ?? "",
      status: claim.status,
      resolution: (claim.resolution as ClaimResolution | null) ?? null,
      rejectionReason: claim.rejectionReason,
      reopened: claim.reopenCount > 0,
    },
  });
}

const EVENT_OF: Record<ClaimAction["type"], string> = {
  review: "review_started",
  approve: "approved",
  reject: "rejected",
  resolve: "resolved",
  reopen: "reopened",
};

/**
 * Moves a claim through its workflow. `customerId` (a shopper acting) limits it to their own
 * claims; a merchant acts on any claim of their shop.
 */
export async function actOnClaim(
  shop: string,
  claimId: string,
  action: ClaimAction,
  actor: ClaimActor,
  opts: { shopifyCustomerId?: string } = {},
): Promise<ClaimRow> {
  return transaction(async (tx) => {
    await holdShopForProcessing(tx, shop);
    const [owner] = await tx.rows<{ customerId: string; shopifyCustomerId: string | null }>`
      SELECT k."customerId", c."shopifyCustomerId" FROM "WarrantyClaim" k JOIN "Customer" c ON c.id = k."customerId"
      WHERE k.id = ${claimId} AND k.shop = ${shop}`;
    if (!owner || (opts.shopifyCustomerId !== undefined && owner.shopifyCustomerId !== opts.shopifyCustomerId))
      throw new ClaimInputError({ code: "not_found" });
    await tx.run`SELECT 1 FROM "Customer" WHERE id = ${owner.customerId} FOR UPDATE`;
    const [claim] = await tx.rows<{ status: ClaimStatus; reopenCount: number; warrantyId: string }>`
      SELECT status, "reopenCount", "warrantyId" FROM "WarrantyClaim" WHERE id = ${claimId} FOR UPDATE`;
    // The shopper's reopen asked again (its answer was lost): the claim as that reopen left it.
    if (action.type === "reopen" && actor === "shopper" && claim.status === "in_review") {
      const [last] = await tx.rows<{ type: string; actor: string }>`
        SELECT type, actor FROM "WarrantyClaimEvent" WHERE "claimId" = ${claimId} ORDER BY id DESC LIMIT 1`;
      if (last?.type === "reopened" && last.actor === "shopper") return readClaim(tx, claimId);
    }
    const next = transition(claim, action);
    if (!next.ok) throw new ClaimInputError({ code: "not_allowed", error: next.error });
    // Reopening needs the unit free of another open claim (the partial unique index says so too).
    if (action.type === "reopen") {
      const [other] = await tx.rows`
        SELECT 1 FROM "WarrantyClaim" WHERE "warrantyId" = ${claim.warrantyId} AND id <> ${claimId} AND status IN ('submitted', 'in_review', 'approved')`;
      if (other) throw new ClaimInputError({ code: "not_allowed", error: "open_claim" });
    }
    // A replacement is ordered with the approval (or the approval refused when it cannot be).
    if (action.type === "approve" && action.resolution === "replacement") await orderReplacement(tx, shop, claimId, next.reopenCount);
    const closing = next.status === "resolved" || next.status === "rejected";
    await tx.run`
      UPDATE "WarrantyClaim" SET status = ${next.status}, "reopenCount" = ${next.reopenCount},
        resolution = CASE WHEN ${action.type} = 'approve' THEN ${action.type === "approve" ? action.resolution : null}
                          WHEN ${action.type} IN ('reject', 'reopen') THEN NULL ELSE resolution END,
        "rejectionReason" = CASE WHEN ${action.type} = 'reject' THEN ${action.type === "reject" ? action.reason.trim().slice(0, 500) : null}
                                 WHEN ${action.type} = 'reopen' THEN NULL ELSE "rejectionReason" END,
        "firstResponseAt" = CASE WHEN ${actor} = 'merchant' THEN COALESCE("firstResponseAt", now()) ELSE "firstResponseAt" END,
        "closedAt" = CASE WHEN ${closing} THEN now() ELSE NULL END,
        "updatedAt" = now()
      WHERE id = ${claimId}`;
    await addEvent(tx, claimId, EVENT_OF[action.type], actor, action.type === "approve" ? { resolution: action.resolution } : {});
    const changed = await readClaim(tx, claimId);
    await claimChanged(tx, shop, changed);
    return changed;
  }).then(async (claim) => {
    await requestSync(shop);
    return claim;
  });
}

export async function claimsOf(shop: string, shopifyCustomerId: string, locale: TextLocale): Promise<ClaimView[]> {
  const { rows } = await pool.query<ClaimRow>(
    `${CLAIM_SELECT}
     JOIN "Customer" c ON c.id = k."customerId"
     WHERE k.shop = $1 AND c."shopifyCustomerId" = $2 AND c."redactedAt" IS NULL
     ORDER BY k."submittedAt" DESC LIMIT 100`,
    [shop, shopifyCustomerId],
  );
  return rows.map((r) => claimView(r, locale));
}
