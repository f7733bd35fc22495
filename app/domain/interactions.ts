// The entries a marketer reads on a contact's timeline, one per thing that happened. Pure: the
// same event always gives the same key and text, so a retry can find what it already wrote.
import type { OrderFacts } from "./facts";
import { orderTotalMinor } from "./customer-profile";
import { fromMinor } from "./money";
import { escapeHtml } from "./html";
import type { LedgerParams } from "./loyalty";
import { historyText } from "./shopper-text";

export interface Interaction {
  key: string; // stable: the id HubSpot's copy carries
  kind:
    | "order_paid"
    | "points_earned"
    | "points_reversed"
    | "points_claimed"
    | "points_redeemed"
    | "points_restored"
    | "warranty_registered"
    | "points_gifted"
    | "points_expired"
    | "points_expiry_warning"
    | "survey_answered"
    | "tier_changed";
  occurredAt: string;
  title: string;
  body: string;
}

const money = (minor: number, currency: string) => `${fromMinor(minor, currency)} ${currency}`;

export function orderPaid(order: OrderFacts): Interaction {
  const items = order.lineItems.map((l) => `${l.quantity} × ${escapeHtml(l.title)}`).join(", ");
  return {
    key: `order:${order.id}:paid`,
    kind: "order_paid",
    occurredAt: order.processedAt ?? order.createdAt,
    title: `Order ${order.name} paid (${money(orderTotalMinor(order), order.currency)})`,
    body: `<p><strong>Order ${escapeHtml(order.name)} paid</strong>: ${money(orderTotalMinor(order), order.currency)}.</p><p>${items}</p>`,
  };
}

const LEDGER_KINDS: Record<string, { kind: Interaction["kind"]; verb: string } | undefined> = {
  earn: { kind: "points_earned", verb: "Earned" },
  refund_reversal: { kind: "points_reversed", verb: "Reversed" },
  cancel_reversal: { kind: "points_reversed", verb: "Reversed" },
  claim_in: { kind: "points_claimed", verb: "Claimed" },
  redeem: { kind: "points_redeemed", verb: "Redeemed" },
  redeem_release: { kind: "points_restored", verb: "Returned" },
  birthday: { kind: "points_gifted", verb: "Gifted" },
  anniversary: { kind: "points_gifted", verb: "Gifted" },
  expire: { kind: "points_expired", verb: "Expired" },
};

// claim_out is the guest side of a claim: the guest and the account are one contact in HubSpot.
// The marketer reads the shopper's sentence, in English.
export function ledgerEntry(e: {
  key: string;
  kind: string;
  points: number;
  balanceAfter: number;
  params: LedgerParams;
  currency: string;
  at: string;
}): Interaction | null {
  const known = LEDGER_KINDS[e.kind];
  if (!known || e.points === 0) return null;
  const what = historyText(e.kind, e.params, e.currency, "en");
  return {
    key: `ledger:${e.key}`,
    kind: known.kind,
    occurredAt: e.at,
    title: `${known.verb} ${Math.abs(e.points)} points`,
    body: `<p><strong>${known.verb} ${Math.abs(e.points)} points</strong>: ${escapeHtml(what)}.</p><p>Balance: ${e.balanceAfter} points.</p>`,
  };
}

// Units of a line with the same coverage are one list item ("3 × Grinder"), so a large order stays readable.
export function warrantyRegistered(
  order: OrderFacts,
  units: Array<{ title: string; months: number; coverageEnd: string | null; quantity: number }>,
): Interaction {
  const groups = new Map<string, { title: string; months: number; until: string | null; count: number }>();
  for (const u of units) {
    const until = u.coverageEnd?.slice(0, 10) ?? null;
    const key = `${u.title}\n${u.months}\n${until}`;
    const group = groups.get(key) ?? { title: u.title, months: u.months, until, count: 0 };
    group.count += u.quantity;
    groups.set(key, group);
  }
  const total = units.reduce((n, u) => n + u.quantity, 0);
  const lines = [...groups.values()]
    .map(
      (g) =>
        `<li>${g.count > 1 ? `${g.count} × ` : ""}${escapeHtml(g.title)}: ${g.months} months${g.until ? `, until ${g.until}` : ", from delivery"}</li>`,
    )
    .join("");
  return {
    key: `order:${order.id}:warranty_registered`,
    kind: "warranty_registered",
    occurredAt: order.processedAt ?? order.createdAt,
    title: `Warranty registered for ${total} unit${total === 1 ? "" : "s"} (order ${order.name})`,
    body: `<p><strong>Warranty registered</strong> for order ${escapeHtml(order.name)}:</p><ul>${lines}</ul>`,
  };
}

// The warning before points expire, once per inactivity period: a marketer's workflow can also send
// on the contact's "points expiry warning date"; the note tells whoever opens the contact.
export function pointsExpiryWarning(w: { key: string; expiresOn: string; points: number; at: string }): Interaction {
  return {
    key: w.key,
    kind: "points_expiry_warning",
    occurredAt: w.at,
    title: `${w.points} points expire on ${w.expiresOn}`,
    body: `<p><strong>${w.points} points expire on ${w.expiresOn}</strong> unless the shopper buys or redeems before then.</p>`,
  };
}

// A move between tiers (app/loyalty/tiers.server.ts), with the welcome rewards it gave. Keyed by
// the move's instant: each move is recorded in the transaction that places the customer.
export function tierChanged(t: {
  customerId: string;
  from: string | null;
  to: string;
  up: boolean;
  welcomeRewards: string[];
  at: string;
}): Interaction {
  const title = t.up ? `Reached the ${t.to} tier` : `Moved down to the ${t.to} tier`;
  const gifts = t.welcomeRewards.length ? `<p>Welcome rewards: ${t.welcomeRewards.map(escapeHtml).join(", ")}.</p>` : "";
  return {
    key: `tier:${t.customerId}:${t.at}`,
    kind: "tier_changed",
    occurredAt: t.at,
    title,
    body: `<p><strong>${escapeHtml(title)}</strong>${t.from ? ` (from ${escapeHtml(t.from)})` : ""}.</p>${gifts}`,
  };
}
