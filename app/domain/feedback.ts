import { escapeHtml } from "./html";
import type { Interaction } from "./interactions";
import { parseSurveyRules, storedRules, surveyRulesFields } from "./settings";

// Feedback: NPS after delivery, CSAT after a claim or a return is closed. Pure: when a survey is
// due, what an answer means (score, category, follow-up, review invite), the measures over many
// answers, and the themes a comment or a return reason falls in. The daily task, the shopper API,
// the public survey page and the settings page (issue 14) all read the same rules from here.

export const SURVEY_KINDS = ["nps", "csat"] as const;
export type SurveyKind = (typeof SURVEY_KINDS)[number];
export type SurveyAbout = "order" | "claim" | "return";
export type NpsCategory = "promoter" | "passive" | "detractor";

export interface FeedbackRules {
  npsAfterDeliveryDays: number; // N: days after a carrier reported the order delivered
  npsAfterFulfillmentDays: number; // M: days after fulfilment when no carrier reports delivery
  npsQuietDays: number; // no second NPS survey for a customer within this many days of the last
  openDays: number; // how long a survey can be answered once due
  csat: boolean; // ask CSAT after a claim or a return is closed
  reviewInviteEveryDays: number; // a promoter is invited to review at most this often
}

export const DEFAULT_FEEDBACK_RULES: FeedbackRules = {
  npsAfterDeliveryDays: 7,
  npsAfterFulfillmentDays: 10,
  npsQuietDays: 90,
  openDays: 30,
  csat: true,
  reviewInviteEveryDays: 365,
};

/** The shop's stored rules (`Shop.feedbackRules`) over the defaults, read through the Settings page's parse: a field missing or out of range keeps its default. */
export function feedbackRulesOf(stored: unknown): FeedbackRules {
  return storedRules(stored, DEFAULT_FEEDBACK_RULES, surveyRulesFields, parseSurveyRules);
}

const DAY_MS = 86_400_000;
const addDays = (d: Date, days: number) => new Date(d.getTime() + days * DAY_MS);

/** When an order's NPS survey is due: N days after delivery, else M days after its last fulfilment; null while unshipped. */
export function npsDueAt(order: { fulfilledAt: Date | null; deliveredAt: Date | null }, rules: FeedbackRules): Date | null {
  if (order.deliveredAt) return addDays(order.deliveredAt, rules.npsAfterDeliveryDays);
  if (order.fulfilledAt) return addDays(order.fulfilledAt, rules.npsAfterFulfillmentDays);
  return null;
}

export type Due = { due: true; dueAt: Date; expiresAt: Date } | { due: false; reason: "not_yet" | "stale" | "quiet" };

/**
 * Whether a survey due at `dueAt` opens as of `asOf`. A survey whose whole answering period passed
 * before anyone looked (history imported, a worker down for longer than that) is not opened late.
 * `npsDueDates`: the due dates of the customer's NPS surveys so far (none for CSAT, which has no
 * quiet period); one within the quiet period of this one, before or after it, keeps it closed.
 * Decided on due dates, never on when the task ran, so running daily, twice a day or after days of
 * downtime opens the same surveys.
 */
export function surveyDue(dueAt: Date, asOf: Date, rules: FeedbackRules, npsDueDates: Date[] = []): Due {
  if (dueAt > asOf) return { due: false, reason: "not_yet" };
  const expiresAt = addDays(dueAt, rules.openDays);
  if (expiresAt <= asOf) return { due: false, reason: "stale" };
  if (npsDueDates.some((d) => Math.abs(dueAt.getTime() - d.getTime()) < rules.npsQuietDays * DAY_MS))
    return { due: false, reason: "quiet" };
  return { due: true, dueAt, expiresAt };
}

export const SCALE: Record<SurveyKind, { min: number; max: number }> = { nps: { min: 0, max: 10 }, csat: { min: 1, max: 5 } };
export const COMMENT_MAX = 1000;

export function npsCategory(score: number): NpsCategory {
  return score >= 9 ? "promoter" : score >= 7 ? "passive" : "detractor";
}

export type AnswerProblem = "score" | "comment_too_long" | "bad_comment";

/** An answer as a shopper sent it: a whole score in the kind's scale, an optional comment (trimmed, empty = none). */
export function parseAnswer(
  kind: SurveyKind,
  input: { score?: unknown; comment?: unknown },
): { ok: true; score: number; comment: string | null } | { ok: false; problem: AnswerProblem } {
  const { min, max } = SCALE[kind];
  const score = typeof input.score === "string" && /^\d{1,2}$/.test(input.score) ? Number(input.score) : input.score;
  if (!Number.isInteger(score) || (score as number) < min || (score as number) > max) return { ok: false, problem: "score" };
  if (input.comment !== undefined && input.comment !== null && typeof input.comment !== "string")
    return { ok: false, problem: "bad_comment" };
  const comment = (input.comment ?? "").trim();
  if (comment.length > COMMENT_MAX) return { ok: false, problem: "comment_too_long" };
  return { ok: true, score: score as number, comment: comment || null };
}

/** A detractor or an unhappy CSAT (≤ 2) is followed up by the merchant: a HubSpot ticket. */
export function needsFollowUp(kind: SurveyKind, score: number): boolean {
  return kind === "nps" ? npsCategory(score) === "detractor" : score <= 2;
}

/** A promoter is invited to review, unless invited within the rules' period. */
export function reviewInviteDue(kind: SurveyKind, score: number, at: Date, lastInviteAt: Date | null, rules: FeedbackRules): boolean {
  if (kind !== "nps" || npsCategory(score) !== "promoter") return false;
  return !lastInviteAt || at.getTime() - lastInviteAt.getTime() >= rules.reviewInviteEveryDays * DAY_MS;
}

/** NPS as the industry computes it: % promoters − % detractors, from −100 to 100 (null without answers). */
export function netPromoterScore(scores: number[]): number | null {
  if (!scores.length) return null;
  const promoters = scores.filter((s) => npsCategory(s) === "promoter").length;
  const detractors = scores.filter((s) => npsCategory(s) === "detractor").length;
  return Math.round(((promoters - detractors) / scores.length) * 100);
}

/** CSAT as the industry computes it: the % of answers that are 4 or 5 (null without answers). */
export function csatPercent(scores: number[]): number | null {
  if (!scores.length) return null;
  return Math.round((scores.filter((s) => s >= 4).length / scores.length) * 100);
}

// ------------------------------------------------------------------------------------------------
// Themes: comments and return reasons grouped for the dashboard. Explainable keyword rules, Spanish
// and English: a text is in a theme when it contains one of the theme's words (accents and case
// ignored; a word ending in * matches any ending: "entreg*" is entrega, entregado, entregaron).
// ------------------------------------------------------------------------------------------------

export const THEMES = ["delivery", "quality", "size", "instructions", "support", "price", "product"] as const;
export type Theme = (typeof THEMES)[number];

export const THEME_WORDS: Record<Theme, string[]> = {
  delivery: [
    "delivery",
    "deliver*",
    "shipping",
    "shipped",
    "ship",
    "arriv*",
    "courier",
    "package",
    "parcel",
    "late",
    "tracking",
    "envio",
    "envi*",
    "entreg*",
    "lleg*",
    "mensajer*",
    "paquete",
    "transportista",
    "retras*",
    "tarde",
    "seguimiento",
  ],
  quality: [
    "quality",
    "broke*",
    "damaged",
    "broken",
    "defect*",
    "faulty",
    "cheap",
    "tore",
    "torn",
    "ripped",
    "flimsy",
    "durable",
    "well made",
    "calidad",
    "roto",
    "dañad*",
    "rota",
    "romp*",
    "defectuos*",
    "defecto",
    "descos*",
    "resistente",
    "endeble",
  ],
  size: [
    "size",
    "sizing",
    "fit",
    "fits",
    "small",
    "large",
    "tight",
    "loose",
    "too big",
    "talla",
    "tallaje",
    "pequen*",
    "grande",
    "ajust*",
    "apret*",
    "holgad*",
    "size_too_small",
    "size_too_large",
  ],
  instructions: [
    "instruction*",
    "manual",
    "assembl*",
    "setup",
    "set up",
    "how to",
    "confusing",
    "instruccion*",
    "montaje",
    "montar",
    "instal*",
    "install*",
    "como se usa",
    "explica*",
  ],
  support: [
    "support",
    "customer service",
    "service",
    "help*",
    "answer*",
    "respon*",
    "reply",
    "staff",
    "agent",
    "atencion",
    "soporte",
    "servicio",
    "ayud*",
    "contest*",
    "trato",
  ],
  price: ["price", "expensive", "value for money", "overpriced", "cost", "costly", "precio", "caro", "cara", "barato", "relacion calidad"],
  product: [
    "not as described",
    "not_as_described",
    "wrong item",
    "wrong_item",
    "colour",
    "color",
    "photo*",
    "picture",
    "no es como",
    "diferente",
    "equivocad*",
    "foto*",
  ],
};

// Lower case, accents gone, punctuation and underscores spaced out, so "¡Llegó tardísimo!" reads
// "llego tardisimo" and a reason handle like "size_too_small" reads "size too small".
function normalize(text: string): string {
  return ` ${text
    .normalize("NFD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, " ")
    .trim()} `;
}

const matchers = Object.fromEntries(
  THEMES.map((theme) => [
    theme,
    THEME_WORDS[theme].map((word) => {
      const stem = normalize(word.replace(/\*$/, "")).trim();
      return { word, test: (text: string) => (word.endsWith("*") ? text.includes(` ${stem}`) : text.includes(` ${stem} `)) };
    }),
  ]),
) as Record<Theme, Array<{ word: string; test: (text: string) => boolean }>>;

/** The themes a text falls in, each with the words that put it there (the explanation). */
export function themesOf(text: string | null | undefined): Array<{ theme: Theme; words: string[] }> {
  if (!text) return [];
  const t = normalize(text);
  return THEMES.map((theme) => ({ theme, words: matchers[theme].filter((m) => m.test(t)).map((m) => m.word) })).filter(
    (x) => x.words.length > 0,
  );
}

/** How many texts fall in each theme (a text can count in several), most frequent first. */
export function themeCounts(texts: Array<string | null | undefined>): Array<{ theme: Theme; count: number }> {
  return tallyThemes(texts.flatMap((text) => themesOf(text).map((t) => t.theme)));
}

/** Themes already found (e.g. stored with each answer), counted, most frequent first. */
export function tallyThemes<T extends string>(themes: readonly T[]): Array<{ theme: T; count: number }> {
  const counts = new Map<T, number>();
  for (const theme of themes) counts.set(theme, (counts.get(theme) ?? 0) + 1);
  return [...counts.entries()]
    .map(([theme, count]) => ({ theme, count }))
    .sort((a, b) => b.count - a.count || a.theme.localeCompare(b.theme));
}

// ------------------------------------------------------------------------------------------------
// What HubSpot holds: the contact properties and the timeline entry of an answer.
// ------------------------------------------------------------------------------------------------

export interface FeedbackProfile {
  lastNps: { score: number; at: Date; comment: string | null } | null;
  lastCsat: { score: number; at: Date } | null;
  reviewInviteAt: Date | null; // the latest answer that earned a review invite
  openSurvey: { kind: SurveyKind; link: string; dueAt: Date } | null; // the newest survey still open
}

const day = (d: Date) => d.toISOString().slice(0, 10);
const COMMENT_PROPERTY_MAX = 1000;

/** The feedback contact properties. "" clears a value HubSpot holds (a survey answered or expired). */
export function feedbackProperties(p: FeedbackProfile): Record<string, string> {
  const props: Record<string, string> = {
    postventa_survey_link: p.openSurvey?.link ?? "",
    postventa_survey_due_date: p.openSurvey ? day(p.openSurvey.dueAt) : "",
    postventa_survey_kind: p.openSurvey?.kind ?? "",
  };
  if (p.lastNps) {
    props.postventa_last_nps_score = String(p.lastNps.score);
    props.postventa_nps_category = npsCategory(p.lastNps.score);
    props.postventa_last_nps_date = day(p.lastNps.at);
    props.postventa_last_nps_comment = (p.lastNps.comment ?? "").slice(0, COMMENT_PROPERTY_MAX);
  }
  if (p.lastCsat) {
    props.postventa_last_csat = String(p.lastCsat.score);
    props.postventa_last_csat_date = day(p.lastCsat.at);
  }
  if (p.reviewInviteAt) props.postventa_review_invite_due = day(p.reviewInviteAt);
  return props;
}

/** An answer on the contact's timeline: one per survey (its key), in English for the marketer. */
export function surveyAnswerInteraction(a: {
  invitationId: string;
  kind: SurveyKind;
  score: number;
  comment: string | null;
  aboutText: string; // "order #1001", "warranty claim C-1A2B", "return #1001-R1"
  at: Date;
}): Interaction {
  const label = a.kind === "nps" ? `NPS ${a.score}/10 (${npsCategory(a.score)})` : `CSAT ${a.score}/5`;
  return {
    key: `survey:${a.invitationId}`,
    kind: "survey_answered",
    occurredAt: a.at.toISOString(),
    title: `${label} about ${a.aboutText}`,
    body:
      `<p><strong>${escapeHtml(label)}</strong> about ${escapeHtml(a.aboutText)}.</p>` +
      (a.comment ? `<p>Comment: ${escapeHtml(a.comment)}</p>` : "<p>No comment.</p>"),
  };
}
