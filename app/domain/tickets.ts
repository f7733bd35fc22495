// An after-sales case as the merchant's support team reads it in HubSpot: a ticket per warranty
// claim and per return that needs the merchant. What is stored is the case's kind, its stage and
// its parameters; the ticket's subject and description are rendered from them when sent, in
// English for now. Pure: the same case always reads the same.
import { CLAIM_RESOLUTIONS, CLAIM_STATUSES } from "./claims";

export const TICKET_KINDS = ["warranty_claim", "return", "survey_followup"] as const;
export type TicketKind = (typeof TICKET_KINDS)[number];

// Where the case stands for the merchant; each maps to a stage of the account's ticket pipeline
// (DEFAULT_TICKET_PIPELINE in integrations/hubspot/properties.ts).
export const TICKET_STAGES = ["new", "waiting_on_contact", "waiting_on_us", "closed"] as const;
export type TicketStage = (typeof TICKET_STAGES)[number];

export interface WarrantyClaimParams {
  reference: string; // what the merchant calls the claim, e.g. "C-1042"
  productTitle: string;
  orderName?: string | null; // "#1001"
  description: string; // the problem, in the shopper's words
  photos?: number; // photos attached to the claim
  status: (typeof CLAIM_STATUSES)[number];
  resolution?: (typeof CLAIM_RESOLUTIONS)[number] | null; // once approved
  rejectionReason?: string | null; // once rejected
  reopened?: boolean;
}

// Shopify's return statuses (REQUESTED, OPEN, DECLINED, CANCELED, CLOSED), lower-cased.
export const RETURN_STATUSES = ["requested", "open", "declined", "canceled", "closed"] as const;
export const RETURN_OUTCOMES = ["refund", "store_credit"] as const;

export interface ReturnParams {
  reference: string; // e.g. Shopify's return name "#1001-R1"
  orderName: string;
  items: Array<{ title: string; quantity: number; reason?: string | null }>;
  note?: string | null; // the shopper's note
  preferredOutcome?: (typeof RETURN_OUTCOMES)[number] | null;
  status: (typeof RETURN_STATUSES)[number];
  declineReason?: string | null; // once declined
}

// A detractor's NPS or an unhappy CSAT (≤ 2): the merchant closes the loop with the shopper.
export interface SurveyFollowUpParams {
  survey: "nps" | "csat";
  score: number;
  about: string; // "order #1001", "warranty claim C-1A2B", "return #1001-R1"
  comment?: string | null; // the shopper's words
}

export type TicketCase =
  | { kind: "warranty_claim"; stage: TicketStage; params: WarrantyClaimParams }
  | { kind: "return"; stage: TicketStage; params: ReturnParams }
  | { kind: "survey_followup"; stage: TicketStage; params: SurveyFollowUpParams };

// What is wrong with a case, or null: recordTicket refuses a case HubSpot could not be told about,
// in the caller's transaction, rather than leaving a ticket that can never be written.
export function ticketProblem(c: { kind: unknown; stage: unknown; params: unknown }): string | null {
  if (!TICKET_KINDS.includes(c.kind as TicketKind)) return `unknown ticket kind ${JSON.stringify(c.kind)}`;
  if (!TICKET_STAGES.includes(c.stage as TicketStage)) return `unknown ticket stage ${JSON.stringify(c.stage)}`;
  const p = c.params as Record<string, unknown> | null;
  if (!p || typeof p !== "object" || Array.isArray(p)) return "params must be an object";
  const text = (name: string, optional = false) =>
    (optional && (p[name] === undefined || p[name] === null)) || (typeof p[name] === "string" && (optional || p[name] !== ""))
      ? null
      : `params.${name} must be ${optional ? "a string or null" : "a non-empty string"}`;
  const oneOf = (name: string, values: readonly string[], optional = false) =>
    (optional && (p[name] === undefined || p[name] === null)) || values.includes(p[name] as string)
      ? null
      : `params.${name} must be one of ${values.join(", ")}`;
  if (c.kind === "warranty_claim") {
    return (
      text("reference") ??
      text("productTitle") ??
      text("orderName", true) ??
      text("description") ??
      oneOf("status", CLAIM_STATUSES) ??
      oneOf("resolution", CLAIM_RESOLUTIONS, true) ??
      text("rejectionReason", true) ??
      (p.photos === undefined || (Number.isInteger(p.photos) && (p.photos as number) >= 0) ? null : "params.photos must be a count") ??
      (p.reopened === undefined || typeof p.reopened === "boolean" ? null : "params.reopened must be a boolean")
    );
  }
  if (c.kind === "survey_followup") {
    const max = p.survey === "nps" ? 10 : 5;
    return (
      oneOf("survey", ["nps", "csat"]) ??
      (Number.isInteger(p.score) && (p.score as number) >= (p.survey === "nps" ? 0 : 1) && (p.score as number) <= max
        ? null
        : `params.score must be a whole number up to ${max}`) ??
      text("about") ??
      text("comment", true)
    );
  }
  const items = p.items;
  const badItem =
    !Array.isArray(items) || items.length === 0
      ? "params.items must list at least one item"
      : items.some(
            (i: { title?: unknown; quantity?: unknown; reason?: unknown }) =>
              !i ||
              typeof i.title !== "string" ||
              !Number.isInteger(i.quantity) ||
              (i.quantity as number) < 1 ||
              (i.reason !== undefined && i.reason !== null && typeof i.reason !== "string"),
          )
        ? "params.items: each needs a title, a quantity of at least 1 and an optional reason"
        : null;
  return (
    text("reference") ??
    text("orderName") ??
    badItem ??
    text("note", true) ??
    oneOf("preferredOutcome", RETURN_OUTCOMES, true) ??
    oneOf("status", RETURN_STATUSES) ??
    text("declineReason", true)
  );
}

// HubSpot shows the subject in lists; the description has room, but a shopper's text is capped so
// one case cannot fill a property (HubSpot stores at most 65,536 characters).
const SUBJECT_MAX = 200;
const TEXT_MAX = 5000;
const clip = (s: string, max: number) => (s.length > max ? `${s.slice(0, max - 1)}…` : s);
const oneLine = (s: string) => s.replace(/\s+/g, " ").trim();

const RESOLUTION: Record<(typeof CLAIM_RESOLUTIONS)[number], string> = {
  repair: "repair",
  replacement: "replacement",
  refund: "refund",
  store_credit: "store credit",
};

function claimStatus(p: WarrantyClaimParams): string {
  switch (p.status) {
    case "submitted":
      return "Submitted, waiting for review.";
    case "in_review":
      return "In review.";
    case "approved":
      return p.resolution ? `Approved: ${RESOLUTION[p.resolution]}.` : "Approved.";
    case "rejected":
      return p.rejectionReason ? `Rejected: ${oneLine(p.rejectionReason)}.` : "Rejected.";
    case "resolved":
      return p.resolution ? `Resolved: ${RESOLUTION[p.resolution]}.` : "Resolved.";
  }
}

// Shopify's decline reasons (ReturnDeclineReason), as the merchant's team reads them.
const DECLINE_REASON: Record<string, string> = {
  RETURN_PERIOD_ENDED: "the return period ended",
  FINAL_SALE: "final sale",
  OTHER: "other reason",
};

function returnStatus(p: ReturnParams): string {
  switch (p.status) {
    case "requested":
      return "Requested, waiting for the merchant.";
    case "open":
      return "Approved, waiting for the items to come back.";
    case "declined":
      return p.declineReason ? `Declined: ${DECLINE_REASON[p.declineReason] ?? oneLine(p.declineReason)}.` : "Declined.";
    case "canceled":
      return "Canceled.";
    case "closed":
      return "Closed.";
  }
}

export function renderTicket(c: Pick<TicketCase, "kind" | "params">): { subject: string; content: string } {
  if (c.kind === "warranty_claim") {
    const p = c.params as WarrantyClaimParams;
    const lines = [
      `Warranty claim ${p.reference} for ${p.productTitle}${p.orderName ? `, order ${p.orderName}` : ""}.`,
      `Status: ${claimStatus(p)}`,
      ...(p.reopened ? ["Reopened by the customer."] : []),
      "",
      "Problem, in the customer's words:",
      clip(p.description.trim(), TEXT_MAX),
      ...(p.photos ? ["", `Photos attached: ${p.photos}.`] : []),
    ];
    return { subject: clip(oneLine(`Warranty claim ${p.reference}: ${p.productTitle}`), SUBJECT_MAX), content: lines.join("\n") };
  }
  if (c.kind === "survey_followup") {
    const p = c.params as SurveyFollowUpParams;
    const score = p.survey === "nps" ? `NPS ${p.score}/10` : `CSAT ${p.score}/5`;
    const lines = [
      `The customer answered ${score} about ${p.about}. Reach out to close the loop.`,
      ...(p.comment?.trim() ? ["", "Comment, in the customer's words:", clip(p.comment.trim(), TEXT_MAX)] : ["", "No comment."]),
    ];
    return { subject: clip(oneLine(`Unhappy customer: ${score} about ${p.about}`), SUBJECT_MAX), content: lines.join("\n") };
  }
  const p = c.params as ReturnParams;
  const lines = [
    `Return ${p.reference} for order ${p.orderName}.`,
    `Status: ${returnStatus(p)}`,
    "",
    "Items:",
    ...p.items.map((i) => `- ${i.quantity} × ${oneLine(i.title)}${i.reason ? ` (reason: ${oneLine(i.reason)})` : ""}`),
    ...(p.preferredOutcome ? ["", `Preferred outcome: ${p.preferredOutcome === "store_credit" ? "store credit" : "refund"}.`] : []),
    ...(p.note?.trim() ? ["", "Customer's note:", clip(p.note.trim(), TEXT_MAX)] : []),
  ];
  return { subject: clip(oneLine(`Return ${p.reference} for order ${p.orderName}`), SUBJECT_MAX), content: lines.join("\n") };
}
