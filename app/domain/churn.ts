// Churn risk: how likely a customer is to drift away, from signs the program already holds, with
// the reason in words. Pure.
//
// Signs and their weight (the merchant's ChurnRules set the thresholds):
// - overdue: days since the last paid order against the customer's own rhythm, the median gap
//   between their orders (at least MIN_GAP_DAYS; a one-order customer has no rhythm, so
//   `oneOrderGapDays` stands in). From `overdueRatio` times that gap: 1; from `longOverdueRatio`: 2.
// - an open warranty claim or return: 1 (a case in progress is a moment of friction).
// - a detractor answer (0–6) in their latest NPS survey: 2.
// - `unusedPointsMin` points or more left unspent: 1.
// Score ≥ highScore is high, ≥ mediumScore medium, otherwise low. No orders: no recency sign.
import type { ChurnRules } from "./lifecycle-rules";
import type { TextLocale } from "./shopper-text";

export const MIN_GAP_DAYS = 14; // two orders on one day are not a rhythm
const DAY_MS = 86_400_000;

import type { NpsCategory } from "./feedback";
export type { NpsCategory };
export type ChurnLevel = "low" | "medium" | "high";

export interface ChurnInput {
  orderDates: Array<Date | string>; // paid, not cancelled
  openClaims: number;
  openReturns: number;
  npsCategory: NpsCategory | null; // the latest answer's; null: never answered
  balance: number;
}

export type ChurnSign =
  | { kind: "overdue"; weight: number; daysSince: number; usualGapDays: number }
  | { kind: "open_cases"; weight: number; claims: number; returns: number }
  | { kind: "detractor"; weight: number }
  | { kind: "unused_points"; weight: number; points: number };

export interface ChurnRisk {
  level: ChurnLevel;
  score: number;
  signs: ChurnSign[]; // heaviest first
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

export function churnRisk(input: ChurnInput, rules: ChurnRules, asOf: Date): ChurnRisk {
  const signs: ChurnSign[] = [];
  const times = input.orderDates.map((d) => new Date(d).getTime()).sort((a, b) => a - b);
  if (times.length) {
    const gaps = times.slice(1).map((t, i) => (t - times[i]) / DAY_MS);
    const usualGapDays = Math.round(gaps.length ? Math.max(MIN_GAP_DAYS, median(gaps)) : rules.oneOrderGapDays);
    const daysSince = Math.max(0, Math.floor((asOf.getTime() - times[times.length - 1]) / DAY_MS));
    const ratio = daysSince / usualGapDays;
    if (ratio >= rules.overdueRatio)
      signs.push({ kind: "overdue", weight: ratio >= rules.longOverdueRatio ? 2 : 1, daysSince, usualGapDays });
  }
  if (input.npsCategory === "detractor") signs.push({ kind: "detractor", weight: 2 });
  if (input.openClaims + input.openReturns > 0)
    signs.push({ kind: "open_cases", weight: 1, claims: input.openClaims, returns: input.openReturns });
  if (input.balance >= rules.unusedPointsMin) signs.push({ kind: "unused_points", weight: 1, points: input.balance });
  signs.sort((a, b) => b.weight - a.weight);
  const score = signs.reduce((s, x) => s + x.weight, 0);
  const level: ChurnLevel = score >= rules.highScore ? "high" : score >= rules.mediumScore ? "medium" : "low";
  return { level, score, signs };
}

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

// In weeks under 90 days, months from there: the reason is a contact property, and a count of days
// would change it (and send the contact to HubSpot again) every day.
function span(days: number, es: boolean): string {
  if (days < 90) {
    const w = Math.max(1, Math.round(days / 7));
    return es ? plural(w, "semana", "semanas") : plural(w, "week", "weeks");
  }
  const m = Math.round(days / 30.44);
  return es ? plural(m, "mes", "meses") : plural(m, "month", "months");
}

function signText(s: ChurnSign, locale: TextLocale): string {
  const es = locale === "es";
  switch (s.kind) {
    case "overdue":
      return es
        ? `${span(s.daysSince, es)} sin comprar (suele hacerlo cada ${span(s.usualGapDays, es)})`
        : `no order for ${span(s.daysSince, es)} (usually every ${span(s.usualGapDays, es)})`;
    case "detractor":
      return es ? "fue detractor en su última encuesta NPS" : "a detractor in their latest NPS survey";
    case "open_cases": {
      const parts = [
        s.claims
          ? es
            ? plural(s.claims, "reclamación de garantía abierta", "reclamaciones de garantía abiertas")
            : plural(s.claims, "open warranty claim", "open warranty claims")
          : "",
        s.returns
          ? es
            ? plural(s.returns, "devolución abierta", "devoluciones abiertas")
            : plural(s.returns, "open return", "open returns")
          : "",
      ].filter(Boolean);
      return parts.join(es ? " y " : " and ");
    }
    case "unused_points":
      return es ? `${plural(s.points, "punto", "puntos")} sin usar` : `${plural(s.points, "point", "points")} left unused`;
  }
}

/** The reason in words: "No order for 200 days (usually every 60 days); 1 open return". */
export function churnReasonText(risk: ChurnRisk, locale: TextLocale): string {
  if (!risk.signs.length) return locale === "es" ? "Sin señales de riesgo" : "No signs of risk";
  const text = risk.signs.map((s) => signText(s, locale)).join("; ");
  return text.charAt(0).toUpperCase() + text.slice(1);
}
