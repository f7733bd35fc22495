// Points expiry after the inactivity the merchant sets. Pure. Dates are UTC days (YYYY-MM-DD).
//
// The inactivity period starts at the customer's last earning or redeeming activity (an order's
// points, a redemption, points claimed from guest orders; birthday and anniversary gifts are not
// the shopper's doing and start nothing). Points expire `months` later, the whole balance at once,
// through one `expire` ledger entry keyed by the period's start: the same period never expires
// twice, and new activity starts a new period. A warning date comes 30 days before.
import { dayOf } from "./care";
import { addMonths } from "./warranty";

export const EXPIRY_WARNING_DAYS = 30;
export const ACTIVITY_KINDS = ["earn", "redeem", "claim_in"] as const;

export interface ExpiryDates {
  since: string; // the period's start: the last activity's day
  expiresOn: string;
  warnOn: string;
}

/** When the balance expires; null when points never expire here or there is nothing to expire. */
export function pointsExpiry(lastActivityAt: Date | string | null, balance: number, months: number): ExpiryDates | null {
  if (!lastActivityAt || months <= 0 || balance <= 0) return null;
  const since = dayOf(lastActivityAt);
  const expiresOn = dayOf(addMonths(`${since}T00:00:00.000Z`, months));
  const warnOn = dayOf(new Date(new Date(`${expiresOn}T00:00:00.000Z`).getTime() - EXPIRY_WARNING_DAYS * 86_400_000));
  return { since, expiresOn, warnOn };
}

export interface ExpiryStep {
  expire: { key: string; points: number; since: string } | null; // the ledger entry due today
  warn: { key: string; expiresOn: string; points: number } | null; // the warning (a HubSpot note) due today
}

/** What is due as of `asOf`: the expiry once its day has come, the warning from its day until then. */
export function expiryDue(dates: ExpiryDates | null, balance: number, asOf: Date): ExpiryStep {
  const today = dayOf(asOf);
  if (!dates || balance <= 0) return { expire: null, warn: null };
  if (today >= dates.expiresOn) return { expire: { key: `expire:${dates.since}`, points: -balance, since: dates.since }, warn: null };
  if (today >= dates.warnOn)
    return { expire: null, warn: { key: `points_expiry_warning:${dates.since}`, expiresOn: dates.expiresOn, points: balance } };
  return { expire: null, warn: null };
}
