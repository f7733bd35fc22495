// The merchant's side of returns, shared by the Returns pages (browser) and their action (server):
// the queue's tabs and reason filter, which actions a return offers, reading the action's form, and
// the sentences its answer carries. No server imports: the pages' bundle includes this module.
import { RETURN_REASONS, type ReturnStatus } from "../domain/returns";
import { t, type Locale, type MessageKey } from "../i18n";
import { DECLINE_NOTE_MAX, DECLINE_REASONS, type DeclineReason } from "../../integrations/shopify/return-decline";

export { DECLINE_NOTE_MAX, DECLINE_REASONS, type DeclineReason };
export type ReturnQueueFilter = "requested" | "open" | "declined" | "closed" | "canceled" | "all";
/** The queue's tabs, in order; "requested" (waiting for the merchant) is the default. */
export const RETURN_QUEUE_FILTERS: readonly ReturnQueueFilter[] = ["requested", "open", "declined", "closed", "canceled", "all"];
export const RETURN_STATUSES: readonly ReturnStatus[] = ["requesting", "failed", "requested", "open", "declined", "canceled", "closed"];
/** The reasons the filter offers: the ones shoppers choose from (a return made in Shopify may carry another). */
export const FILTER_REASONS: readonly string[] = RETURN_REASONS;
export const RETURNS_PAGE_SIZE = 50;

export const returnQueueFilter = (value: string | null): ReturnQueueFilter =>
  RETURN_QUEUE_FILTERS.includes(value as ReturnQueueFilter) ? (value as ReturnQueueFilter) : "requested";
/** A reason handle to filter by, or null (all reasons) for anything that does not look like one. */
export const returnQueueReason = (value: string | null): string | null => (value && /^[a-z0-9_-]{1,60}$/.test(value) ? value : null);

export type ReturnIntent = "approve" | "decline";
const INTENTS: readonly ReturnIntent[] = ["approve", "decline"];

/** What the merchant can do with a return now: approve or decline it while Shopify holds it as requested. */
export const merchantReturnActions = (status: ReturnStatus): ReturnIntent[] => (status === "requested" ? ["approve", "decline"] : []);

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

type Text = { key: MessageKey; vars?: Record<string, string | number> };
export type MerchantReturnAction = { type: "approve" } | { type: "decline"; reason: DeclineReason; note: string | null };
export type ReturnForm = { ok: true; intent: ReturnIntent; returnIds: string[]; action: MerchantReturnAction } | ({ ok: false } & Text);

/**
 * The action's form: `intent`, one `returnId` (several for a bulk approve, at most a page's worth);
 * for decline, `declineReason` (one of Shopify's three) and `note` (the customer reads it: ≤ 500
 * characters, required with OTHER, whose reason alone tells the customer nothing).
 */
export function parseReturnForm(form: { get(name: string): unknown; getAll(name: string): unknown[] }): ReturnForm {
  const intent = String(form.get("intent") ?? "");
  if (!INTENTS.includes(intent as ReturnIntent))
    return { ok: false, key: "returns.error.unknownIntent", vars: { intent: intent.slice(0, 40) } };
  const returnIds = [...new Set(form.getAll("returnId").map(String))];
  if (returnIds.length === 0) return { ok: false, key: "returns.error.noReturn" };
  if (returnIds.length > 1 && intent !== "approve") return { ok: false, key: "returns.error.oneReturn" };
  if (returnIds.length > RETURNS_PAGE_SIZE) return { ok: false, key: "returns.error.tooMany", vars: { max: RETURNS_PAGE_SIZE } };
  const bad = returnIds.find((id) => !UUID.test(id));
  if (bad !== undefined) return { ok: false, key: "returns.error.badId", vars: { id: bad.slice(0, 60) } };
  if (intent === "approve") return { ok: true, intent, returnIds, action: { type: "approve" } };
  const reason = String(form.get("declineReason") ?? "");
  if (!DECLINE_REASONS.includes(reason as DeclineReason)) return { ok: false, key: "returns.error.declineReason" };
  const note =
    String(form.get("note") ?? "")
      .replace(/\r\n/g, "\n")
      .trim() || null;
  if (note && note.length > DECLINE_NOTE_MAX)
    return { ok: false, key: "returns.error.noteTooLong", vars: { max: DECLINE_NOTE_MAX, length: note.length } };
  if (!note && reason === "OTHER") return { ok: false, key: "returns.error.noteRequired" };
  return { ok: true, intent: "decline", returnIds, action: { type: "decline", reason: reason as DeclineReason, note } };
}

/** Why one return was not moved by the merchant's action. */
export type ReturnRefusal =
  | { code: "not_found" }
  | { code: "not_requested"; status: ReturnStatus }
  | { code: "in_flight" } // another submission is sending it to Shopify now
  | { code: "already" } // Shopify had it in that state already (the merchant did it in Shopify's admin)
  | { code: "refused"; message: string } // Shopify said no; the record was read again from Shopify
  | { code: "no_access" } // no token Shopify accepts: nothing was sent
  | { code: "uncertain" }; // sent, no answer: Shopify's webhook will say

export interface MerchantReturnOutcome {
  done: string[];
  refused: Array<{ id: string; refusal: ReturnRefusal }>;
}

/** What the action answers; `error` is a sentence in the merchant's language. */
export type ReturnActionResult = { ok: true; message?: string; warning?: string } | { ok: false; error: string };

const COUNTED: Record<Exclude<ReturnRefusal["code"], "not_found">, MessageKey> = {
  not_requested: "returns.warn.notRequested",
  in_flight: "returns.warn.inFlight",
  already: "returns.warn.already",
  refused: "returns.warn.refused",
  no_access: "returns.warn.noAccess",
  uncertain: "returns.warn.uncertain",
};

/**
 * The answer to the merchant's action, as HTTP status and body: 200 when something was done (what
 * was not, as one warning per kind); else 202 when Shopify has it without an answer yet, or the
 * first refusal as a sentence (404 for a return this shop does not have, 409 for one that is not
 * waiting for the merchant or that Shopify would not move, 503 when Shopify refused our access).
 */
export function returnActionAnswer(
  locale: Locale,
  intent: ReturnIntent,
  outcome: MerchantReturnOutcome,
): { status: 200 | 202 | 404 | 409 | 503; body: ReturnActionResult } {
  const { done, refused } = outcome;
  // Shopify's own words, quoted inside our sentence (which has its own full stop).
  const quoted = (message: string) => message.replace(/[.\s]+$/, "");
  const warnings = () => {
    const counts = new Map<keyof typeof COUNTED, number>();
    for (const { refusal } of refused) {
      const code = refusal.code === "not_found" ? "not_requested" : refusal.code;
      counts.set(code, (counts.get(code) ?? 0) + 1);
    }
    const first = refused.map((r) => r.refusal).find((r) => r.code === "refused");
    const message = first ? quoted(first.message) : "";
    return [...counts].map(([code, count]) => t(locale, COUNTED[code], { count, message })).join(" ");
  };
  if (done.length > 0) {
    const message =
      intent === "decline"
        ? t(locale, "returns.done.decline")
        : done.length === 1
          ? t(locale, "returns.done.approve")
          : t(locale, "returns.done.approveMany", { count: done.length });
    return { status: 200, body: { ok: true, message, ...(refused.length ? { warning: warnings() } : {}) } };
  }
  if (refused.some((r) => r.refusal.code === "uncertain"))
    return {
      status: 202,
      body: { ok: true, warning: refused.length === 1 ? t(locale, "returns.uncertain") : warnings() },
    };
  const first = refused[0]!.refusal;
  switch (first.code) {
    case "not_found":
      return { status: 404, body: { ok: false, error: t(locale, "returns.error.notFound") } };
    case "not_requested":
      return {
        status: 409,
        body: { ok: false, error: t(locale, `returns.refused.${intent}`, { status: t(locale, `returns.state.${first.status}`) }) },
      };
    case "in_flight":
      return { status: 409, body: { ok: false, error: t(locale, "returns.refused.inFlight") } };
    case "already":
      return {
        status: 409,
        body: { ok: false, error: t(locale, intent === "approve" ? "returns.refused.alreadyApprove" : "returns.refused.alreadyDecline") },
      };
    case "refused":
      return { status: 409, body: { ok: false, error: t(locale, "returns.refused.shopify", { message: quoted(first.message) }) } };
    default:
      return { status: 503, body: { ok: false, error: t(locale, "returns.refused.noAccess") } };
  }
}
