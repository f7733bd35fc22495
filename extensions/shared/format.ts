// Formatting shared by the extensions. Sentences come from the API already in the shopper's
// locale; these only format numbers and dates around them, with the target's `shopify.i18n`
// (the shopper's locale) passed in.

/** The part of `shopify.i18n` the extensions use (the same on every target). */
export interface I18nLike {
  translate: (key: string, options?: Record<string, string | number>) => string;
  formatNumber: (value: number, options?: Intl.NumberFormatOptions) => string;
  formatCurrency: (value: number, options?: Intl.NumberFormatOptions) => string;
  formatDate: (date: Date, options?: Intl.DateTimeFormatOptions) => string;
}

/** "+120", "-45", "0": points with their sign, digits in the shopper's locale. */
export function signedPoints(i18n: I18nLike, points: number): string {
  if (points > 0) return "+" + i18n.formatNumber(points);
  if (points < 0) return "-" + i18n.formatNumber(-points);
  return i18n.formatNumber(0);
}

/** An ISO date or date-time as a date in the shopper's locale ("3 May 2027"); a date-only value is not shifted by time zone. */
export function formatDay(i18n: I18nLike, iso: string): string {
  const dateOnly = /^\d{4}-\d{2}-\d{2}$/.test(iso);
  const date = new Date(dateOnly ? `${iso}T00:00:00Z` : iso);
  if (Number.isNaN(date.getTime())) return iso;
  return i18n.formatDate(date, dateOnly ? { dateStyle: "medium", timeZone: "UTC" } : { dateStyle: "medium" });
}

/**
 * A checkout amount (a number in the currency's unit) as the API's decimal string in the
 * currency's minor-unit precision: 12.5 USD → "12.50", 1200 JPY → "1200".
 */
export function decimalAmount(amount: number, currency: string): string {
  let digits = 2;
  try {
    digits = new Intl.NumberFormat("en", { style: "currency", currency }).resolvedOptions().maximumFractionDigits ?? 2;
  } catch {
    // An unknown currency code: keep two decimals.
  }
  // Intl rounds the number as written (1.005 → "1.01"), where toFixed rounds its binary value ("1.00").
  return new Intl.NumberFormat("en", { minimumFractionDigits: digits, maximumFractionDigits: digits, useGrouping: false }).format(amount);
}

/** A Money of the API ("12.50", "USD") in the shopper's locale. */
export function formatMoney(i18n: I18nLike, money: { amount: string; currency: string }): string {
  return i18n.formatCurrency(Number(money.amount), { currency: money.currency });
}

/** The numeric id of a Shopify gid ("gid://shopify/Order/123" → "123"); anything else unchanged. */
export function numericId(id: string): string {
  return /\/(\d+)$/.exec(id)?.[1] ?? id;
}
