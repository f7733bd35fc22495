// The merchant's side of warranty claims, shared by the Claims pages (browser) and their action
// (server): the queue's tabs, which actions a claim offers now, reading the action's form, and the
// sentences its answers carry. No server imports: the pages' bundle includes this module.
import {
  CLAIM_RESOLUTIONS,
  CLAIM_STATUSES,
  OPEN_CLAIM_STATUSES,
  transition,
  type ClaimAction,
  type ClaimResolution,
  type ClaimState,
  type ClaimStatus,
} from "../domain/claims";
import { t, type Locale, type MessageKey } from "../i18n";

export type QueueFilter = ClaimStatus | "open" | "all";
export { CLAIM_STATUSES };
/** The queue's tabs, in order; "open" (submitted, in review or approved) is the default. */
export const QUEUE_FILTERS: readonly QueueFilter[] = ["open", "submitted", "in_review", "approved", "rejected", "resolved", "all"];
export const OPEN_STATUSES = OPEN_CLAIM_STATUSES;
export const QUEUE_PAGE_SIZE = 50;
export const MAX_REJECTION_REASON = 500;

export const queueFilter = (value: string | null): QueueFilter =>
  QUEUE_FILTERS.includes(value as QueueFilter) ? (value as QueueFilter) : "open";
export const queuePage = (value: string | null): number => {
  const n = Number(value);
  return Number.isSafeInteger(n) && n >= 1 ? n : 1;
};

export type MerchantIntent = "review" | "approve" | "reject" | "resolve";
export const MERCHANT_INTENTS: readonly MerchantIntent[] = ["review", "approve", "reject", "resolve"];

/** The merchant's actions `transition` allows on this claim now. */
export function merchantActions(claim: ClaimState): MerchantIntent[] {
  const probe: Record<MerchantIntent, ClaimAction> = {
    review: { type: "review" },
    approve: { type: "approve", resolution: "repair" },
    reject: { type: "reject", reason: "probe" },
    resolve: { type: "resolve" },
  };
  return MERCHANT_INTENTS.filter((intent) => transition(claim, probe[intent]).ok);
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

type Text = { key: MessageKey; vars?: Record<string, string | number> };
export type ClaimForm = { ok: true; intent: MerchantIntent; claimIds: string[]; action: ClaimAction } | ({ ok: false } & Text);

/**
 * The action's form: `intent`, one `claimId` (several for a bulk review, at most a page's worth),
 * `resolution` for approve (one of the domain's), `reason` for reject (required, ≤ 500 characters:
 * the shopper reads it).
 */
export function parseClaimForm(form: { get(name: string): unknown; getAll(name: string): unknown[] }): ClaimForm {
  const intent = String(form.get("intent") ?? "");
  if (!MERCHANT_INTENTS.includes(intent as MerchantIntent))
    return { ok: false, key: "claims.error.unknownIntent", vars: { intent: intent.slice(0, 40) } };
  const claimIds = [...new Set(form.getAll("claimId").map(String))];
  if (claimIds.length === 0) return { ok: false, key: "claims.error.noClaim" };
  if (claimIds.length > 1 && intent !== "review") return { ok: false, key: "claims.error.oneClaim" };
  if (claimIds.length > QUEUE_PAGE_SIZE) return { ok: false, key: "claims.error.tooMany", vars: { max: QUEUE_PAGE_SIZE } };
  const bad = claimIds.find((id) => !UUID.test(id));
  if (bad !== undefined) return { ok: false, key: "claims.error.badId", vars: { id: bad.slice(0, 60) } };
  switch (intent as MerchantIntent) {
    case "review":
      return { ok: true, intent: "review", claimIds, action: { type: "review" } };
    case "resolve":
      return { ok: true, intent: "resolve", claimIds, action: { type: "resolve" } };
    case "approve": {
      const resolution = String(form.get("resolution") ?? "");
      if (!CLAIM_RESOLUTIONS.includes(resolution as ClaimResolution)) return { ok: false, key: "claims.error.resolution" };
      return { ok: true, intent: "approve", claimIds, action: { type: "approve", resolution: resolution as ClaimResolution } };
    }
    case "reject": {
      const reason = String(form.get("reason") ?? "")
        .replace(/\r\n/g, "\n")
        .trim();
      if (!reason) return { ok: false, key: "claims.error.reasonRequired" };
      if (reason.length > MAX_REJECTION_REASON)
        return { ok: false, key: "claims.error.reasonTooLong", vars: { max: MAX_REJECTION_REASON, length: reason.length } };
      return { ok: true, intent: "reject", claimIds, action: { type: "reject", reason } };
    }
  }
}

export const resolutionText = (locale: Locale, resolution: ClaimResolution) => t(locale, `claims.resolution.${resolution}`);

/** Why the workflow refused a merchant's action, as a sentence (the status is the claim's now). */
export function refusalText(
  locale: Locale,
  intent: MerchantIntent,
  refusal: { code: string; status?: ClaimStatus | null },
): { status: 400 | 404; text: string } {
  if (refusal.code === "not_found" || (refusal.code === "not_allowed" && !refusal.status))
    return { status: 404, text: t(locale, "claims.error.notFound") };
  if (refusal.code === "not_allowed")
    return { status: 400, text: t(locale, `claims.refused.${intent}`, { status: t(locale, `claims.state.${refusal.status!}`) }) };
  if (refusal.code === "open_claim") return { status: 400, text: t(locale, "claims.refused.openClaim") };
  if (refusal.code === "no_variant") return { status: 400, text: t(locale, "claims.refused.noVariant") };
  if (refusal.code === "reason_required") return { status: 400, text: t(locale, "claims.error.reasonRequired") };
  if (refusal.code === "unknown_resolution") return { status: 400, text: t(locale, "claims.error.resolution") };
  return { status: 400, text: t(locale, "claims.refused.other") };
}

/** What the action answers; `error` is a sentence in the merchant's language. */
export type ClaimActionResult = { ok: true; message: string; warning?: string } | { ok: false; error: string };

export function doneText(locale: Locale, intent: MerchantIntent, action: ClaimAction, count: number): string {
  if (intent === "review") return count === 1 ? t(locale, "claims.done.review") : t(locale, "claims.done.reviewMany", { count });
  if (intent === "approve" && action.type === "approve")
    return t(locale, "claims.done.approve", { resolution: resolutionText(locale, action.resolution).toLocaleLowerCase(locale) });
  return t(locale, intent === "reject" ? "claims.done.reject" : "claims.done.resolve");
}
