// A customer's life after the sale as of one day: the points due (birthday, anniversary), the
// expiry due, and the dated facts HubSpot holds (next maintenance, next birthday and anniversary,
// points expiry, churn risk). Pure: the daily job computes it as of its scheduled day and applies
// what it says; applying it twice, or for a day already done, changes nothing (every effect is
// keyed per customer and period).
import { celebrationsDue, nextAnniversary, nextBirthday, type CelebrationGrant } from "./celebrations";
import { soonestMaintenance, type OwnedUnit } from "./care";
import { churnReasonText, churnRisk, type NpsCategory } from "./churn";
import type { Birthday } from "./birthday";
import type { LifecycleRules } from "./lifecycle-rules";
import { expiryDue, pointsExpiry, type ExpiryStep } from "./points-expiry";

export interface LifecycleInput {
  joinedAt: Date | string;
  birthday: Birthday | null;
  orderDates: Array<Date | string>; // paid, not cancelled
  units: OwnedUnit[]; // registered units not voided
  balance: number;
  lastActivityAt: Date | string | null; // the last earn, redeem or claim_in entry
  openClaims: number;
  openReturns: number;
  npsCategory: NpsCategory | null;
}

// HubSpot's contact properties this module owns. "" clears a property in HubSpot: a date that no
// longer applies (points spent, nothing to maintain) must not linger for a workflow to fire on.
export const LIFECYCLE_PROPERTY_NAMES = [
  "postventa_next_maintenance_date",
  "postventa_next_maintenance_product",
  "postventa_next_birthday",
  "postventa_next_anniversary",
  "postventa_points_expiry_date",
  "postventa_points_expiry_warning_date",
  "postventa_churn_risk",
  "postventa_churn_reason",
] as const;
export type LifecycleProperties = Record<(typeof LIFECYCLE_PROPERTY_NAMES)[number], string>;

export interface LifecyclePlan {
  expiry: ExpiryStep;
  grants: CelebrationGrant[];
  properties: LifecycleProperties;
}

const earliest = (dates: Array<Date | string>) => (dates.length ? new Date(Math.min(...dates.map((d) => new Date(d).getTime()))) : null);

export function lifecyclePlan(c: LifecycleInput, rules: LifecycleRules, asOf: Date): LifecyclePlan {
  const firstPurchaseAt = earliest(c.orderDates);
  // The expiry is applied before the day's gifts: a gift is never swept away on the day it arrives.
  const expiry = expiryDue(pointsExpiry(c.lastActivityAt, c.balance, rules.pointsExpiryMonths), c.balance, asOf);
  const grants = celebrationsDue({ joinedAt: c.joinedAt, birthday: c.birthday, firstPurchaseAt }, rules, asOf);
  const balance = (expiry.expire ? 0 : c.balance) + grants.reduce((s, g) => s + g.points, 0);
  const dates = pointsExpiry(c.lastActivityAt, balance, rules.pointsExpiryMonths);
  // A period already expired is over: points given since then wait for the next activity.
  const upcoming = dates && !expiry.expire && dates.expiresOn > asOf.toISOString().slice(0, 10) ? dates : null;
  const maintenance = soonestMaintenance(c.units, rules.care, asOf);
  const risk = churnRisk(
    { orderDates: c.orderDates, openClaims: c.openClaims, openReturns: c.openReturns, npsCategory: c.npsCategory, balance },
    rules.churn,
    asOf,
  );
  return {
    expiry,
    grants,
    properties: {
      postventa_next_maintenance_date: maintenance?.date ?? "",
      postventa_next_maintenance_product: maintenance?.product ?? "",
      postventa_next_birthday: c.birthday ? nextBirthday(c.birthday, asOf) : "",
      postventa_next_anniversary: firstPurchaseAt ? nextAnniversary(firstPurchaseAt, asOf) : "",
      postventa_points_expiry_date: upcoming?.expiresOn ?? "",
      postventa_points_expiry_warning_date: upcoming?.warnOn ?? "",
      postventa_churn_risk: risk.level,
      postventa_churn_reason: churnReasonText(risk, "en"),
    },
  };
}
