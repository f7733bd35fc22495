// A shopper's birthday as month and day (no year: nothing more is needed for a birthday reward).
// Pure: the profile block and the server validate with the same rules.
export interface Birthday {
  month: number;
  day: number;
}

// 29 February is a birthday like any other (celebrated on the 28th in other years).
const DAYS_IN_MONTH = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

export type BirthdayInput = { ok: true; birthday: Birthday | null } | { ok: false; error: string };

/** `{ birthday: { month, day } }` or `{ birthday: null }` (clears it). */
export function parseBirthday(body: unknown): BirthdayInput {
  if (!body || typeof body !== "object" || !("birthday" in body))
    return { ok: false, error: "send { birthday: { month, day } }, or { birthday: null } to clear it" };
  const b = (body as { birthday: unknown }).birthday;
  if (b === null) return { ok: true, birthday: null };
  if (!b || typeof b !== "object") return { ok: false, error: "birthday must be { month, day } or null" };
  const { month, day } = b as { month?: unknown; day?: unknown };
  if (!Number.isInteger(month) || (month as number) < 1 || (month as number) > 12)
    return { ok: false, error: "birthday.month must be a whole number from 1 to 12" };
  const max = DAYS_IN_MONTH[(month as number) - 1];
  if (!Number.isInteger(day) || (day as number) < 1 || (day as number) > max)
    return { ok: false, error: `birthday.day must be a whole number from 1 to ${max} for month ${month}` };
  return { ok: true, birthday: { month: month as number, day: day as number } };
}
