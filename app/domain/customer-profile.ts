// What a marketer sees about a shopper in HubSpot: the Postventa contact properties, computed from
// the program's own records. Pure; the values are strings as HubSpot stores them, dates as
// YYYY-MM-DD (HubSpot date properties hold midnight UTC).
import type { OrderFacts, RefundFacts } from "./facts";
import { fromMinor } from "./money";
import { feedbackProperties, type FeedbackProfile } from "./feedback";

export interface ProfileInput {
  email: string;
  firstName: string | null;
  lastName: string | null;
  balance: number;
  lifetimeEarned: number;
  orders: Array<{ facts: OrderFacts; paid: boolean; cancelled: boolean; refunds: RefundFacts[] }>;
  activeWarranties: number;
  openWarrantyClaims: number;
  returnsCount: number;
  tier: string; // the tier's name, as the tier check last placed them (app/loyalty/tiers.server.ts)
  // The daily job's dated facts (lifecycle.ts) and the owner notices (owner-notices.ts), as computed.
  lifecycle?: Record<string, string>;
  ownerNotice?: Record<string, string>;
  feedback?: FeedbackProfile; // only for customers who were ever surveyed
}

export function orderTotalMinor(o: OrderFacts): number {
  const lines = o.lineItems.reduce((sum, l) => sum + l.unitPriceMinor * l.quantity - l.discountMinor, 0);
  return lines + o.shippingMinor + (o.taxesIncluded ? 0 : o.taxMinor);
}

export function refundTotalMinor(r: RefundFacts): number {
  return r.lineItems.reduce((sum, l) => sum + l.subtotalMinor + l.taxMinor, 0) + r.shippingMinor;
}

const day = (iso: string) => new Date(iso).toISOString().slice(0, 10);

export function contactProperties(p: ProfileInput): Record<string, string> {
  const counted = p.orders.filter((o) => o.paid && !o.cancelled);
  const dates = counted.map((o) => o.facts.processedAt ?? o.facts.createdAt).sort();
  // Total spent is in the shop currency: every order of a shop shares it.
  const currency = counted[0]?.facts.currency ?? "USD";
  const spentMinor = counted.reduce((sum, o) => sum + orderTotalMinor(o.facts) - o.refunds.reduce((s, r) => s + refundTotalMinor(r), 0), 0);
  const props: Record<string, string> = {
    email: p.email,
    postventa_points_balance: String(p.balance),
    postventa_lifetime_points: String(p.lifetimeEarned),
    postventa_tier: p.tier,
    postventa_orders_count: String(counted.length),
    postventa_total_spent: fromMinor(Math.max(0, spentMinor), currency),
    postventa_active_warranties: String(p.activeWarranties),
    postventa_open_warranty_claims: String(p.openWarrantyClaims),
    postventa_returns_count: String(p.returnsCount),
    ...(p.feedback ? feedbackProperties(p.feedback) : {}),
  };
  Object.assign(props, p.lifecycle, p.ownerNotice);
  if (p.firstName) props.firstname = p.firstName;
  if (p.lastName) props.lastname = p.lastName;
  if (dates.length) {
    props.postventa_first_order_date = day(dates[0]);
    props.postventa_last_order_date = day(dates[dates.length - 1]);
  }
  return props;
}
