// The rewards catalog and what a shopper may redeem. Pure: the shopper's page asks it what to offer,
// and the server asks it again, under the account's lock, before any point is spent.
import { minorUnitExponent } from "./money";
import { tierAllows, type Tier } from "./tiers";

export type RewardKind = "amount_off" | "percentage_off" | "free_shipping" | "store_credit";

export interface Reward {
  id: string;
  kind: RewardKind;
  cost: number; // points
  valueMinor: number | null; // amount off or credited, in the shop's currency; null for free shipping and percentage off
  // Percentage off only: a whole percent, 1–100. Absent on the other kinds, so catalogs stored
  // before it existed read as they were.
  percent?: number;
  minimumOrderMinor: number | null;
  validDays: number; // a code expires this many days after it is issued (store credit never expires: rewardExpiry)
  tiers: string[] | null; // only these tiers (by id) may redeem it; null = everyone
}

// The catalog until the merchant saves one (Settings): what most loyalty programs start with at 1 point per currency
// unit — about 1% back, more for larger redemptions, and free shipping as a cheap first reward.
export function defaultRewards(currency: string): Reward[] {
  const major = 10 ** minorUnitExponent(currency);
  return [
    { id: "free-shipping", kind: "free_shipping", cost: 300, valueMinor: null, minimumOrderMinor: null, validDays: 90, tiers: null },
    { id: "amount-5", kind: "amount_off", cost: 500, valueMinor: 5 * major, minimumOrderMinor: null, validDays: 90, tiers: null },
    { id: "amount-15", kind: "amount_off", cost: 1200, valueMinor: 15 * major, minimumOrderMinor: 50 * major, validDays: 90, tiers: null },
    {
      id: "store-credit-10",
      kind: "store_credit",
      cost: 1000,
      valueMinor: 10 * major,
      minimumOrderMinor: null,
      validDays: 365,
      tiers: null,
    },
  ];
}

// Store credit is granted only where the merchant gave the app its scope (and Shopify spends it
// only with new customer accounts, which the customer-account extensions need anyway).
export const STORE_CREDIT_SCOPE = "write_store_credit_account_transactions";
export const DISCOUNT_SCOPE = "write_discounts";

export function offeredRewards(catalog: Reward[], scopes: readonly string[]): Reward[] {
  const has = new Set(scopes);
  return catalog.filter((r) => has.has(r.kind === "store_credit" ? STORE_CREDIT_SCOPE : DISCOUNT_SCOPE) && wellFormed(r));
}

// A percentage off without a whole percent from 1 to 100 (a catalog the settings page did not
// write) would make a code worth nothing or more than the order: it is never offered.
function wellFormed(r: Reward): boolean {
  return r.kind !== "percentage_off" || (Number.isInteger(r.percent) && r.percent! >= 1 && r.percent! <= 100);
}

export type Redeemability = { ok: true } | { ok: false; reason: "not_enough_points"; missing: number } | { ok: false; reason: "tier" };

export function canRedeem(reward: Reward, account: { balance: number; tier: Pick<Tier, "id" | "name"> }): Redeemability {
  if (!tierAllows(reward.tiers, account.tier)) return { ok: false, reason: "tier" };
  if (account.balance < reward.cost) return { ok: false, reason: "not_enough_points", missing: reward.cost - account.balance };
  return { ok: true };
}

// Codes a shopper types: no 0/O or 1/I/L. 10 random characters from 31 is ~50 bits, so a guessed
// code is never someone else's (and each code is restricted to its customer anyway).
const CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ";

export function rewardCode(randomBytes: Uint8Array): string {
  if (randomBytes.length < 10) throw new Error("rewardCode needs 10 random bytes");
  let s = "";
  for (let i = 0; i < 10; i++) s += CODE_ALPHABET[randomBytes[i] % CODE_ALPHABET.length];
  return `PV-${s.slice(0, 5)}-${s.slice(5)}`;
}

export function rewardExpiry(reward: Reward, issuedAt: Date): Date | null {
  if (reward.kind === "store_credit") return null;
  return new Date(issuedAt.getTime() + reward.validDays * 86_400_000);
}

export type IssuedStatus = "pending" | "unused" | "used" | "expired" | "failed";

export function issuedStatus(r: { state: string; usedOrderName: string | null; expiresAt: Date | null }, now: Date): IssuedStatus {
  if (r.state === "released") return "failed";
  if (r.state === "reserved") return "pending";
  if (r.usedOrderName) return "used";
  if (r.expiresAt && r.expiresAt <= now) return "expired";
  return "unused";
}
