// Warranty claims: which unit may be claimed, and how a claim moves from submission to resolution.
// Pure: the shopper's page, the merchant's queue and the server ask the same functions.
//
//   submitted ──review──▶ in_review ──approve(resolution)──▶ approved ──resolve──▶ resolved
//       │                     │
//       └──approve/reject─────┴──reject(reason)──▶ rejected
//   resolved / rejected ──reopen (once)──▶ in_review
export const CLAIM_STATUSES = ["submitted", "in_review", "approved", "rejected", "resolved"] as const;
export const CLAIM_RESOLUTIONS = ["repair", "replacement", "refund", "store_credit"] as const;
export type ClaimStatus = (typeof CLAIM_STATUSES)[number];
export type ClaimResolution = (typeof CLAIM_RESOLUTIONS)[number];
export type ClaimActor = "shopper" | "merchant" | "system";
export const MAX_CLAIM_DESCRIPTION = 2000;
export const MIN_CLAIM_DESCRIPTION = 10;

export type ClaimAction =
  | { type: "review" }
  | { type: "approve"; resolution: ClaimResolution }
  | { type: "reject"; reason: string }
  | { type: "resolve" }
  | { type: "reopen" };

export interface ClaimState {
  status: ClaimStatus;
  reopenCount: number;
}

export type TransitionResult =
  | { ok: true; status: ClaimStatus; reopenCount: number }
  | { ok: false; error: "not_allowed" | "reopened_already" | "reason_required" | "unknown_resolution" };

export function transition(claim: ClaimState, action: ClaimAction): TransitionResult {
  const { status, reopenCount } = claim;
  switch (action.type) {
    case "review":
      return status === "submitted" ? { ok: true, status: "in_review", reopenCount } : { ok: false, error: "not_allowed" };
    case "approve":
      if (!CLAIM_RESOLUTIONS.includes(action.resolution)) return { ok: false, error: "unknown_resolution" };
      return status === "submitted" || status === "in_review"
        ? { ok: true, status: "approved", reopenCount }
        : { ok: false, error: "not_allowed" };
    case "reject":
      if (!action.reason.trim()) return { ok: false, error: "reason_required" };
      return status === "submitted" || status === "in_review"
        ? { ok: true, status: "rejected", reopenCount }
        : { ok: false, error: "not_allowed" };
    case "resolve":
      return status === "approved" ? { ok: true, status: "resolved", reopenCount } : { ok: false, error: "not_allowed" };
    case "reopen":
      if (status !== "resolved" && status !== "rejected") return { ok: false, error: "not_allowed" };
      return reopenCount >= 1 ? { ok: false, error: "reopened_already" } : { ok: true, status: "in_review", reopenCount: reopenCount + 1 };
  }
}

/** Open claims: what the contact's "open warranty claims" counts and what blocks a second claim on a unit. */
export const OPEN_CLAIM_STATUSES: readonly ClaimStatus[] = ["submitted", "in_review", "approved"];

export type Claimability = { ok: true } | { ok: false; reason: "not_started" | "expired" | "voided" | "open_claim" };

export function claimable(unit: { status: string; coverageEnd: Date | null }, openClaimOnUnit: boolean, now: Date): Claimability {
  if (unit.status === "voided") return { ok: false, reason: "voided" };
  if (unit.status === "pending_fulfillment" || !unit.coverageEnd) return { ok: false, reason: "not_started" };
  if (unit.status === "expired" || unit.coverageEnd <= now) return { ok: false, reason: "expired" };
  if (openClaimOnUnit) return { ok: false, reason: "open_claim" };
  return { ok: true };
}

export type ClaimInput =
  { ok: true; description: string } | { ok: false; error: "description_missing" | "description_too_short" | "description_too_long" };

export function parseClaimDescription(value: unknown): ClaimInput {
  if (typeof value !== "string") return { ok: false, error: "description_missing" };
  const description = value.replace(/\r\n/g, "\n").trim();
  if (description.length < MIN_CLAIM_DESCRIPTION) return { ok: false, error: "description_too_short" };
  if (description.length > MAX_CLAIM_DESCRIPTION) return { ok: false, error: "description_too_long" };
  return { ok: true, description };
}

/** Measures for the dashboard, from a claim's events (oldest first). */
export function claimMeasures(events: ReadonlyArray<{ type: string; actor: ClaimActor; at: Date }>): {
  firstResponseMs: number | null;
  resolutionMs: number | null;
  firstContactResolution: boolean | null;
} {
  const submitted = events.find((e) => e.type === "submitted");
  if (!submitted) return { firstResponseMs: null, resolutionMs: null, firstContactResolution: null };
  const firstResponse = events.find((e) => e.actor === "merchant" && e.at >= submitted.at);
  const resolved = [...events].reverse().find((e) => e.type === "resolved" || e.type === "rejected");
  const reopened = events.some((e) => e.type === "reopened");
  return {
    firstResponseMs: firstResponse ? firstResponse.at.getTime() - submitted.at.getTime() : null,
    resolutionMs: resolved ? resolved.at.getTime() - submitted.at.getTime() : null,
    firstContactResolution: resolved ? !reopened : null,
  };
}
