// Birthdays and first-purchase anniversaries: when each falls, and which points are due on a day.
// Pure. Dates are UTC days (YYYY-MM-DD).
import type { Birthday } from "./birthday";
import type { LifecycleRules } from "./lifecycle-rules";
import { dayOf } from "./care";

const isLeap = (y: number) => (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
const pad = (n: number) => String(n).padStart(2, "0");

// 29 February is celebrated on the 28th in other years.
export function occurrenceIn(year: number, month: number, day: number): string {
  const d = month === 2 && day === 29 && !isLeap(year) ? 28 : day;
  return `${year}-${pad(month)}-${pad(d)}`;
}

/** The birthday's next occurrence on or after `asOf`. */
export function nextBirthday(b: Birthday, asOf: Date): string {
  const today = dayOf(asOf);
  const year = asOf.getUTCFullYear();
  const thisYear = occurrenceIn(year, b.month, b.day);
  return thisYear >= today ? thisYear : occurrenceIn(year + 1, b.month, b.day);
}

/** The next first-purchase anniversary on or after `asOf` (never the purchase day itself). */
export function nextAnniversary(firstPurchase: Date | string, asOf: Date): string {
  const first = new Date(firstPurchase);
  const [m, d] = [first.getUTCMonth() + 1, first.getUTCDate()];
  const today = dayOf(asOf);
  let year = Math.max(first.getUTCFullYear() + 1, asOf.getUTCFullYear());
  while (occurrenceIn(year, m, d) < today) year++;
  return occurrenceIn(year, m, d);
}

// How late a missed day's points may still be granted. The daily job catches up day by day after
// downtime; this also covers a birthday entered on the profile a few days after it passed.
export const CELEBRATION_GRACE_DAYS = 7;

export interface Celebrant {
  joinedAt: Date | string; // when the customer first reached the shop (their record's creation)
  birthday: Birthday | null;
  firstPurchaseAt: Date | string | null; // the first paid order
}

export interface CelebrationGrant {
  key: string; // birthday:<year> | anniversary:<year>: once per customer and year
  kind: "birthday" | "anniversary";
  on: string; // the day it celebrates
  points: number;
  years?: number; // anniversaries: years since the first purchase
}

/**
 * The points due as of `asOf`: a birthday or anniversary that fell within the last
 * CELEBRATION_GRACE_DAYS days (today included), not before the customer joined. Keyed per year,
 * so granting the result twice, or on each of several days, grants once.
 */
export function celebrationsDue(
  c: Celebrant,
  rules: Pick<LifecycleRules, "birthdayPoints" | "anniversaryPoints">,
  asOf: Date,
): CelebrationGrant[] {
  const today = dayOf(asOf);
  const earliest = dayOf(new Date(asOf.getTime() - (CELEBRATION_GRACE_DAYS - 1) * 86_400_000));
  const joined = dayOf(c.joinedAt);
  const inWindow = (on: string) => on >= earliest && on <= today && on >= joined;
  const years = [asOf.getUTCFullYear() - 1, asOf.getUTCFullYear()];
  const out: CelebrationGrant[] = [];
  if (c.birthday && rules.birthdayPoints > 0)
    for (const y of years) {
      const on = occurrenceIn(y, c.birthday.month, c.birthday.day);
      if (inWindow(on)) out.push({ key: `birthday:${y}`, kind: "birthday", on, points: rules.birthdayPoints });
    }
  if (c.firstPurchaseAt && rules.anniversaryPoints > 0) {
    const first = new Date(c.firstPurchaseAt);
    for (const y of years) {
      const n = y - first.getUTCFullYear();
      const on = occurrenceIn(y, first.getUTCMonth() + 1, first.getUTCDate());
      if (n >= 1 && inWindow(on)) out.push({ key: `anniversary:${y}`, kind: "anniversary", on, points: rules.anniversaryPoints, years: n });
    }
  }
  return out;
}
