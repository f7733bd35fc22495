// The return form's own checks, before anything is sent: the same limits the server applies
// (app/shopper/requests.ts, app/returns/returns.server.ts), so a shopper hears about a slip at once
// instead of as a refusal. The server still decides; its refusal is shown as it words it.
import type { ReturnOptionsView, ReturnOutcome, ReturnRequest } from "../../../app/shopper/views.ts";

/** What the shopper entered for one line: the quantity as typed, and a reason handle ("" = none). */
export interface LinePick {
  quantity: string;
  reason: string;
}

export interface ReturnForm {
  picks: Record<string, LinePick>; // by lineItemId
  note: string;
  outcome: ReturnOutcome | null;
}

export type LineProblem = { quantity: "not_a_quantity"; max: number } | { reason: "missing" };

export interface FormProblems {
  lines: Record<string, LineProblem>;
  nothingPicked: boolean;
  noteTooLong: boolean;
  outcome: boolean;
}

/** The note as the server stores it: trimmed, and counted in the same units (UTF-16) as its limit. */
export const noteLength = (note: string) => note.trim().length;

/** The quantity typed for a line: a whole number, or null when it is not one ("" counts as 0). */
export function quantityOf(typed: string): number | null {
  const text = typed.trim();
  if (text === "") return 0;
  return /^\d{1,6}$/.test(text) ? Number(text) : null;
}

/**
 * The request the form stands for, or what is wrong with it. Only lines the API says can go back are
 * read (a quantity typed for another line cannot reach the server), each up to its returnable units.
 */
export function checkReturnForm(
  options: ReturnOptionsView,
  form: ReturnForm,
): { ok: true; request: Omit<ReturnRequest, "requestId"> } | { ok: false; problems: FormProblems } {
  const problems: FormProblems = { lines: {}, nothingPicked: false, noteTooLong: false, outcome: false };
  const lines: ReturnRequest["lines"] = [];
  const reasons = new Set(options.reasons.map((r) => r.handle));
  for (const line of options.lines) {
    if (!line.canReturn) continue;
    const pick = form.picks[line.lineItemId];
    if (!pick) continue;
    const quantity = quantityOf(pick.quantity);
    if (quantity === null || quantity > line.returnableQuantity) {
      problems.lines[line.lineItemId] = { quantity: "not_a_quantity", max: line.returnableQuantity };
      continue;
    }
    if (quantity === 0) continue;
    if (!reasons.has(pick.reason)) {
      problems.lines[line.lineItemId] = { reason: "missing" };
      continue;
    }
    lines.push({ lineItemId: line.lineItemId, quantity, reason: pick.reason });
  }
  problems.nothingPicked = lines.length === 0 && Object.keys(problems.lines).length === 0;
  problems.noteTooLong = noteLength(form.note) > options.noteMaxLength;
  problems.outcome = !options.outcomes.some((o) => o.kind === form.outcome);
  if (Object.keys(problems.lines).length || problems.nothingPicked || problems.noteTooLong || problems.outcome)
    return { ok: false, problems };
  const note = form.note.trim();
  return { ok: true, request: { orderId: options.orderId, lines, note: note || null, outcome: form.outcome! } };
}
