// The merchant's Claims queue and one claim's page: what the admin shows, read in one SQL round trip
// each, and the merchant's actions on one claim or many. The workflow's rules are
// app/domain/claims.ts; the writes are actOnClaim's (claims.server.ts). Only the shop's own claims:
// another shop's claim id reads and acts exactly like an id that does not exist.
import { pool } from "../db.server";
import { claimMeasures, type ClaimAction, type ClaimActor, type ClaimResolution, type ClaimStatus } from "../domain/claims";
import { actOnClaim, ClaimInputError } from "./claims.server";
import type { ReplacementView } from "./replacement.server";
import { CLAIM_STATUSES, OPEN_STATUSES as OPEN, type QueueFilter } from "./merchant-claims";

export interface QueueRow {
  id: string;
  submittedAt: string; // ISO, UTC
  customerName: string | null; // null once the customer is redacted (or never had a name)
  customerEmail: string | null;
  customerRedacted: boolean;
  product: string;
  orderName: string | null;
  status: ClaimStatus;
  resolution: ClaimResolution | null;
  reopenCount: number;
  /** Whole days from submission to now, or to its closing for a resolved or rejected claim. */
  daysOpen: number;
  /** From submission to the merchant's first action; null while they have not acted. */
  firstResponseMs: number | null;
}

export interface ClaimsQueue {
  filter: QueueFilter;
  rows: QueueRow[];
  counts: Record<QueueFilter, number>;
  page: number;
  pageSize: number;
  hasNext: boolean;
}

// Timestamps are stored as UTC without a zone (Prisma's convention): written out with their "Z".
const iso = (column: string) => `to_char(${column}, 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
const CUSTOMER_NAME = `CASE WHEN c."redactedAt" IS NULL THEN NULLIF(trim(concat_ws(' ', c."firstName", c."lastName")), '') END`;
const CUSTOMER_EMAIL = `CASE WHEN c."redactedAt" IS NULL THEN c.email END`;

const QUEUE_SQL = `
  WITH page AS (
    SELECT k.id, k.status, k.resolution, k."reopenCount", ${iso('k."submittedAt"')} AS "submittedAt",
           ${CUSTOMER_NAME} AS "customerName", ${CUSTOMER_EMAIL} AS "customerEmail", c."redactedAt" IS NOT NULL AS "customerRedacted",
           w.title AS product, o.name AS "orderName",
           floor(extract(epoch FROM (COALESCE(k."closedAt", now() AT TIME ZONE 'UTC') - k."submittedAt")) / 86400)::int AS "daysOpen",
           round(extract(epoch FROM (k."firstResponseAt" - k."submittedAt")) * 1000)::bigint AS "firstResponseMs"
    FROM "WarrantyClaim" k
    JOIN "WarrantyRegistration" w ON w.id = k."warrantyId"
    JOIN "Customer" c ON c.id = k."customerId"
    LEFT JOIN "Order" o ON o.shop = w.shop AND o."shopifyOrderId" = w."shopifyOrderId"
    WHERE k.shop = $1 AND ($2::text[] IS NULL OR k.status = ANY($2::text[]))
    ORDER BY k."submittedAt" DESC, k.id DESC
    LIMIT $3 OFFSET $4
  )
  SELECT (SELECT COALESCE(json_agg(p ORDER BY p."submittedAt" DESC, p.id DESC), '[]'::json) FROM page p) AS rows,
         (SELECT COALESCE(json_object_agg(s.status, s.n), '{}'::json)
            FROM (SELECT status, count(*)::int AS n FROM "WarrantyClaim" WHERE shop = $1 GROUP BY status) s) AS counts`;

/** One page of the shop's claims, newest first, with the count behind every tab. */
export async function claimsQueue(shop: string, opts: { status?: QueueFilter; page: number; pageSize: number }): Promise<ClaimsQueue> {
  const filter = opts.status ?? "all";
  const statuses = filter === "all" ? null : filter === "open" ? OPEN : [filter];
  const page = Math.max(1, Math.trunc(opts.page));
  const pageSize = Math.min(Math.max(1, Math.trunc(opts.pageSize)), 250);
  // One row more than the page says whether there is a next page without counting again.
  const { rows } = await pool.query<{ rows: QueueRow[]; counts: Partial<Record<ClaimStatus, number>> }>(QUEUE_SQL, [
    shop,
    statuses,
    pageSize + 1,
    (page - 1) * pageSize,
  ]);
  const byStatus = rows[0].counts;
  const count = (s: ClaimStatus) => byStatus[s] ?? 0;
  const counts = Object.fromEntries(CLAIM_STATUSES.map((s) => [s, count(s)])) as Record<QueueFilter, number>;
  counts.open = OPEN.reduce((sum, s) => sum + count(s), 0);
  counts.all = CLAIM_STATUSES.reduce((sum, s) => sum + count(s), 0);
  const found = rows[0].rows.map((r) => ({ ...r, firstResponseMs: r.firstResponseMs === null ? null : Number(r.firstResponseMs) }));
  return { filter, rows: found.slice(0, pageSize), counts, page, pageSize, hasNext: found.length > pageSize };
}

export interface ClaimEvent {
  type: string; // submitted | review_started | approved | rejected | resolved | reopened | replacement_created | replacement_failed
  actor: ClaimActor;
  at: string; // ISO, UTC
  params: { resolution?: ClaimResolution; draftOrderName?: string };
}

export interface ClaimDetail {
  id: string;
  status: ClaimStatus;
  resolution: ClaimResolution | null;
  rejectionReason: string | null;
  reopenCount: number;
  /** The shopper's own words; null once the customer is redacted. */
  description: string | null;
  submittedAt: string;
  closedAt: string | null;
  unit: {
    warrantyId: string;
    product: string;
    orderName: string | null;
    quantity: number;
    status: string; // pending_fulfillment | active | voided | expired
    coverageStart: string | null;
    coverageEnd: string | null;
    awaitingDelivery: boolean; // covered from shipping until the carrier reports delivery
  };
  customer: { name: string | null; email: string | null; redacted: boolean };
  events: ClaimEvent[];
  photos: Array<{ id: string; contentType: string; byteSize: number }>; // oldest first
  measures: { firstResponseMs: number | null; resolutionMs: number | null; firstContactResolution: boolean | null };
  /** The draft order of the latest approval as a replacement (app/warranty/replacement.server.ts). */
  replacement: ReplacementView | null;
}

const DETAIL_SQL = `
  SELECT k.id, k.status, k.resolution, k."rejectionReason", k."reopenCount", k.description,
         ${iso('k."submittedAt"')} AS "submittedAt", ${iso('k."closedAt"')} AS "closedAt",
         json_build_object('warrantyId', w.id, 'product', w.title, 'orderName', o.name, 'quantity', w.quantity, 'status', w.status,
                           'coverageStart', ${iso('w."coverageStart"')}, 'coverageEnd', ${iso('w."coverageEnd"')},
                           'awaitingDelivery', w."awaitingDelivery") AS unit,
         json_build_object('name', ${CUSTOMER_NAME}, 'email', ${CUSTOMER_EMAIL}, 'redacted', c."redactedAt" IS NOT NULL) AS customer,
         COALESCE((SELECT json_agg(json_build_object('type', e.type, 'actor', e.actor, 'at', ${iso("e.at")}, 'params', e.params) ORDER BY e.id)
                   FROM "WarrantyClaimEvent" e WHERE e."claimId" = k.id), '[]'::json) AS events,
         (SELECT json_build_object('status', r.status, 'draftOrderId', r."draftOrderId", 'draftOrderName', r."draftOrderName",
                                   'failure', r.failure, 'tag', r.tag)
          FROM "ClaimReplacement" r WHERE r."claimId" = k.id ORDER BY r.round DESC LIMIT 1) AS replacement,
         COALESCE((SELECT json_agg(json_build_object('id', p.id, 'contentType', p."contentType", 'byteSize', p."byteSize") ORDER BY p."createdAt", p.id)
                   FROM "WarrantyClaimPhoto" p WHERE p."claimId" = k.id), '[]'::json) AS photos
  FROM "WarrantyClaim" k
  JOIN "WarrantyRegistration" w ON w.id = k."warrantyId"
  JOIN "Customer" c ON c.id = k."customerId"
  LEFT JOIN "Order" o ON o.shop = w.shop AND o."shopifyOrderId" = w."shopifyOrderId"
  WHERE k.id = $1 AND k.shop = $2`;

/** One of the shop's claims with its unit, customer and timeline; null if the shop has no such claim. */
export async function claimDetail(shop: string, claimId: string): Promise<ClaimDetail | null> {
  const { rows } = await pool.query<Omit<ClaimDetail, "measures">>(DETAIL_SQL, [claimId, shop]);
  const claim = rows[0];
  if (!claim) return null;
  const measures = claimMeasures(claim.events.map((e) => ({ type: e.type, actor: e.actor, at: new Date(e.at) })));
  return { ...claim, measures };
}

export type MerchantRefusal =
  | { code: "not_found" }
  | { code: "not_allowed"; status: ClaimStatus | null }
  | { code: "reopened_already" | "reason_required" | "unknown_resolution" | "open_claim" | "no_variant" };

export interface MerchantOutcome {
  done: string[];
  refused: Array<{ id: string; refusal: MerchantRefusal }>;
}

/**
 * The merchant acts on claims of their shop, one by one (each its own transaction: a claim refused
 * leaves the others done). A refusal says why, with the claim's status now for "not allowed".
 */
export async function actAsMerchant(shop: string, claimIds: readonly string[], action: ClaimAction): Promise<MerchantOutcome> {
  const outcome: MerchantOutcome = { done: [], refused: [] };
  for (const id of claimIds) {
    try {
      await actOnClaim(shop, id, action, "merchant");
      outcome.done.push(id);
    } catch (error) {
      if (!(error instanceof ClaimInputError)) throw error;
      outcome.refused.push({ id, refusal: await refusalOf(shop, id, error) });
    }
  }
  return outcome;
}

async function refusalOf(shop: string, claimId: string, error: ClaimInputError): Promise<MerchantRefusal> {
  if (error.refusal.code === "not_found") return { code: "not_found" };
  switch (error.message) {
    case "reopened_already":
    case "reason_required":
    case "unknown_resolution":
    case "open_claim":
    case "no_variant":
      return { code: error.message };
    default: {
      const { rows } = await pool.query<{ status: ClaimStatus }>(`SELECT status FROM "WarrantyClaim" WHERE id = $1 AND shop = $2`, [
        claimId,
        shop,
      ]);
      return { code: "not_allowed", status: rows[0]?.status ?? null };
    }
  }
}
