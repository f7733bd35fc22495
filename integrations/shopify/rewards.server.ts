// Reward grants in the merchant's Shopify: a single-use code for one customer (amount off,
// percentage off or free shipping) or store credit. Every call tells the caller what it knows for sure:
// - issued: Shopify created it (and said so);
// - refused: Shopify said no (userErrors, a scope the shop did not grant, a request it could not
//   run): nothing was created;
// - uncertain: no answer (timeout, 5xx, network): it may have been created, or may still be.
// A request is aborted at its timeout so nothing of ours is still on the wire afterwards; Shopify
// may still be running it, which is why an uncertain code is looked up (findRewardCode) and an
// uncertain credit settled (settleStoreCredit) rather than sent again blindly.
// Scopes: write_discounts (codes, and the lookup through the read scope it implies),
// write_store_credit_account_transactions (credit) and read_store_credit_accounts (settlement).
// Why it is built this way: docs/decisions/0011-reward-grants.md.
import type { AdminGraphql } from "./admin.server";
import { refusedBy, send, type Sent, type UserError } from "./admin-send.server";

export type RewardGrant =
  | {
      kind: "amount_off";
      code: string;
      title: string;
      customerGid: string;
      amount: string;
      currency: string;
      minimumSubtotal: string | null;
      endsAt: string;
    }
  | {
      kind: "percentage_off";
      code: string;
      title: string;
      customerGid: string;
      percentage: number; // Shopify's fraction: 0.1 for 10 % off
      minimumSubtotal: string | null;
      endsAt: string;
    }
  | { kind: "free_shipping"; code: string; title: string; customerGid: string; minimumSubtotal: string | null; endsAt: string }
  | { kind: "store_credit"; customerGid: string; amount: string; currency: string; expiresAt: string | null; idempotencyKey: string };

export type GrantOutcome =
  | { issued: { discountId: string | null; transactionId: string | null } }
  | { refused: string } // Shopify said no (userErrors, access denied): nothing was created; the message in Shopify's words
  | { uncertain: string }; // timeout, 5xx, network: the request may have landed (or may still land)

export const REWARD_CODE_BASIC_CREATE = /* GraphQL */ `
  mutation RewardCodeBasicCreate($basicCodeDiscount: DiscountCodeBasicInput!) {
    discountCodeBasicCreate(basicCodeDiscount: $basicCodeDiscount) {
      codeDiscountNode {
        id
      }
      userErrors {
        field
        message
        code
      }
    }
  }
`;

export const REWARD_CODE_FREE_SHIPPING_CREATE = /* GraphQL */ `
  mutation RewardCodeFreeShippingCreate($freeShippingCodeDiscount: DiscountCodeFreeShippingInput!) {
    discountCodeFreeShippingCreate(freeShippingCodeDiscount: $freeShippingCodeDiscount) {
      codeDiscountNode {
        id
      }
      userErrors {
        field
        message
        code
      }
    }
  }
`;

// Only the transaction id: reading the account would also need read_store_credit_accounts.
export const REWARD_STORE_CREDIT = /* GraphQL */ `
  mutation RewardStoreCredit($id: ID!, $creditInput: StoreCreditAccountCreditInput!) {
    storeCreditAccountCredit(id: $id, creditInput: $creditInput) {
      storeCreditAccountTransaction {
        id
      }
      userErrors {
        field
        message
        code
      }
    }
  }
`;

// Shopify reads a code case-insensitively, straight from the shop (not a search index).
export const REWARD_CODE_LOOKUP = /* GraphQL */ `
  query RewardCodeLookup($code: String!) {
    codeDiscountNodeByCode(code: $code) {
      id
      codeDiscount {
        ... on DiscountCodeBasic {
          status
          asyncUsageCount
        }
        ... on DiscountCodeFreeShipping {
          status
          asyncUsageCount
        }
        ... on DiscountCodeBxgy {
          status
          asyncUsageCount
        }
        ... on DiscountCodeApp {
          status
          asyncUsageCount
        }
      }
    }
  }
`;

// An amount-off value is in the shop's currency (DiscountAmountInput carries none).
export const REWARD_SHOP_CURRENCY = /* GraphQL */ `
  query RewardShopCurrency {
    shop {
      currencyCode
    }
  }
`;

// The customer's newest credits in one currency, to settle an uncertain store credit.
export const REWARD_STORE_CREDIT_HISTORY = /* GraphQL */ `
  query RewardStoreCreditHistory($customerId: ID!, $currencyQuery: String!, $first: Int!) {
    customer(id: $customerId) {
      storeCreditAccounts(first: 1, query: $currencyQuery) {
        nodes {
          id
          transactions(first: $first, reverse: true, sortKey: CREATED_AT, query: "type:credit") {
            nodes {
              ... on StoreCreditAccountCreditTransaction {
                id
                createdAt
                expiresAt
                amount {
                  amount
                  currencyCode
                }
              }
            }
            pageInfo {
              hasNextPage
            }
          }
        }
      }
    }
  }
`;

export const DEFAULT_REWARD_TIMEOUT_MS = 10_000;
/**
 * How long after an uncertain credit Shopify may still be applying it (assumed: Shopify documents no
 * server-side limit). settleStoreCredit never sends a credit again before this has passed.
 */
export const STORE_CREDIT_LANDING_MS = 5 * 60_000;
/** Without the attempt's time, settlement looks this far back for the credit. */
export const STORE_CREDIT_LOOKBACK_MS = 30 * 86_400_000;
const CLOCK_SKEW_MS = 5 * 60_000;
const HISTORY_PAGE = 100;

export async function grantReward(graphql: AdminGraphql, grant: RewardGrant, opts: { timeoutMs?: number } = {}): Promise<GrantOutcome> {
  const timeoutMs = opts.timeoutMs ?? DEFAULT_REWARD_TIMEOUT_MS;
  if (grant.kind === "store_credit") return credit(graphql, grant, timeoutMs);

  // Started a minute ago, so a server clock a little ahead of Shopify's cannot leave the code
  // "scheduled" when the customer tries it straight away.
  const startsAt = new Date(Date.now() - 60_000).toISOString();
  const common = {
    title: grant.title,
    code: grant.code,
    startsAt,
    endsAt: grant.endsAt,
    context: { customers: { add: [grant.customerGid] } },
    usageLimit: 1,
    appliesOncePerCustomer: true,
    ...(grant.minimumSubtotal !== null
      ? { minimumRequirement: { subtotal: { greaterThanOrEqualToSubtotal: grant.minimumSubtotal } } }
      : {}),
  };

  let sent: Sent<Record<string, { codeDiscountNode: { id: string } | null; userErrors: UserError[] } | null>>;
  if (grant.kind === "amount_off" || grant.kind === "percentage_off") {
    if (grant.kind === "amount_off") {
      const shop = await send<{ shop: { currencyCode: string } }>(graphql, REWARD_SHOP_CURRENCY, {}, timeoutMs);
      if (!("data" in shop)) return shop;
      if (shop.data.shop.currencyCode !== grant.currency)
        return { refused: `An amount-off code is in the shop's currency, ${shop.data.shop.currencyCode}, not ${grant.currency}` };
    }
    // A percentage carries no currency: Shopify takes it as a fraction (0.1 for 10 % off).
    const value =
      grant.kind === "amount_off"
        ? { discountAmount: { amount: grant.amount, appliesOnEachItem: false } }
        : { percentage: grant.percentage };
    sent = await send(
      graphql,
      REWARD_CODE_BASIC_CREATE,
      {
        basicCodeDiscount: {
          ...common,
          customerGets: { value, items: { all: true } },
          // An order discount: it stacks with product discounts and free shipping, not with other order discounts.
          combinesWith: { orderDiscounts: false, productDiscounts: true, shippingDiscounts: true },
        },
      },
      timeoutMs,
    );
  } else {
    sent = await send(
      graphql,
      REWARD_CODE_FREE_SHIPPING_CREATE,
      {
        freeShippingCodeDiscount: {
          ...common,
          destination: { all: true },
          // Shopify refuses a shipping discount that combines with shipping discounts.
          combinesWith: { orderDiscounts: true, productDiscounts: true, shippingDiscounts: false },
        },
      },
      timeoutMs,
    );
  }
  if (!("data" in sent)) return sent;
  const payload = Object.values(sent.data)[0];
  if (payload?.userErrors.length) return refusedBy(payload.userErrors);
  if (!payload?.codeDiscountNode) return { uncertain: "Shopify answered without the discount or a reason" };
  return { issued: { discountId: payload.codeDiscountNode.id, transactionId: null } };
}

async function credit(
  graphql: AdminGraphql,
  grant: Extract<RewardGrant, { kind: "store_credit" }>,
  timeoutMs: number,
): Promise<GrantOutcome> {
  const creditInput = {
    creditAmount: { amount: grant.amount, currencyCode: grant.currency },
    ...(grant.expiresAt !== null ? { expiresAt: grant.expiresAt } : {}),
  };
  const sent = await send<{
    storeCreditAccountCredit: { storeCreditAccountTransaction: { id: string } | null; userErrors: UserError[] } | null;
  }>(graphql, REWARD_STORE_CREDIT, { id: grant.customerGid, creditInput }, timeoutMs);
  if (!("data" in sent)) return sent;
  const payload = sent.data.storeCreditAccountCredit;
  if (payload?.userErrors.length) return refusedBy(payload.userErrors);
  if (!payload?.storeCreditAccountTransaction) return { uncertain: "Shopify answered without the transaction or a reason" };
  return { issued: { discountId: null, transactionId: payload.storeCreditAccountTransaction.id } };
}

/** Shopify could not be asked (no answer, throttled, or refused the lookup). */
export class RewardLookupFailed extends Error {}

/**
 * Strongly consistent lookup of a code created earlier (after an uncertain answer): null when Shopify
 * holds no such code. Throws RewardLookupFailed when Shopify could not say, AdminUnauthorized on 401.
 */
export async function findRewardCode(
  graphql: AdminGraphql,
  code: string,
  opts: { timeoutMs?: number } = {},
): Promise<{ discountId: string; status: string; usageCount: number } | null> {
  const sent = await send<{
    codeDiscountNodeByCode: { id: string; codeDiscount: { status?: string; asyncUsageCount?: number } } | null;
  }>(graphql, REWARD_CODE_LOOKUP, { code }, opts.timeoutMs ?? DEFAULT_REWARD_TIMEOUT_MS);
  if (!("data" in sent)) throw new RewardLookupFailed("refused" in sent ? sent.refused : sent.uncertain);
  const node = sent.data.codeDiscountNodeByCode;
  if (!node) return null;
  return { discountId: node.id, status: node.codeDiscount.status ?? "UNKNOWN", usageCount: node.codeDiscount.asyncUsageCount ?? 0 };
}

type CreditTransaction = { id?: string; createdAt?: string; expiresAt?: string | null; amount?: { amount: string; currencyCode: string } };

/**
 * Settles a store credit whose grant was uncertain, so that it is credited exactly once.
 *
 * Shopify offers no replay for storeCreditAccountCredit: its 2026-07 description documents no
 * idempotency, and the schema's @idempotent directive works only on mutations that do, so a second
 * send could credit twice. Instead the customer's credits in that currency are read back (the
 * account's transactions, newest first): a credit of the same amount and expiry made when the
 * uncertain attempt could have landed means it did (issued, with that transaction). None means it
 * did not, and only then is the credit sent, once, and its outcome returned (which may be uncertain
 * again: settle again later). `attemptedAt` (when the uncertain attempt was sent) narrows the window
 * to that attempt, and is what tells another identical credit to the same customer apart; without it
 * the last STORE_CREDIT_LOOKBACK_MS count. A credit is never sent again until STORE_CREDIT_LANDING_MS
 * after the attempt (the caller's duty when it gives no attemptedAt). When the history is longer than
 * what is read and the window reaches past it, the answer stays uncertain.
 */
export async function settleStoreCredit(
  graphql: AdminGraphql,
  grant: Extract<RewardGrant, { kind: "store_credit" }>,
  opts: { timeoutMs?: number; attemptedAt?: string | Date } = {},
): Promise<GrantOutcome> {
  const timeoutMs = opts.timeoutMs ?? DEFAULT_REWARD_TIMEOUT_MS;
  const attempted = opts.attemptedAt === undefined ? null : new Date(opts.attemptedAt).getTime();
  const from = attempted !== null ? attempted - CLOCK_SKEW_MS : Date.now() - STORE_CREDIT_LOOKBACK_MS;
  const until = attempted !== null ? attempted + STORE_CREDIT_LANDING_MS + CLOCK_SKEW_MS : Infinity;

  const read = await send<{
    customer: {
      storeCreditAccounts: {
        nodes: Array<{ id: string; transactions: { nodes: CreditTransaction[]; pageInfo: { hasNextPage: boolean } } }>;
      };
    } | null;
  }>(
    graphql,
    REWARD_STORE_CREDIT_HISTORY,
    { customerId: grant.customerGid, currencyQuery: `currency_code:${grant.currency}`, first: HISTORY_PAGE },
    timeoutMs,
  );
  if (!("data" in read))
    return { uncertain: `The customer's store credit could not be read: ${"refused" in read ? read.refused : read.uncertain}` };

  const account = read.data.customer?.storeCreditAccounts.nodes[0];
  const credits = account?.transactions.nodes.filter((t): t is Required<CreditTransaction> => !!t.id && !!t.createdAt && !!t.amount) ?? [];
  const landed = credits.find((t) => {
    const at = Date.parse(t.createdAt);
    return at >= from && at <= until && sameAmount(t.amount.amount, grant.amount) && sameInstant(t.expiresAt, grant.expiresAt);
  });
  if (landed) return { issued: { discountId: null, transactionId: landed.id } };

  const oldestRead = credits.length ? Date.parse(credits[credits.length - 1]!.createdAt) : Infinity;
  if (account?.transactions.pageInfo.hasNextPage && oldestRead > from)
    return { uncertain: "The customer has more store credits than were read back; settle it with attemptedAt" };
  if (attempted !== null && Date.now() < attempted + STORE_CREDIT_LANDING_MS)
    return { uncertain: "Not found yet, and Shopify may still be applying the credit: settle it later" };
  return credit(graphql, grant, timeoutMs);
}

function sameAmount(a: string, b: string): boolean {
  const norm = (s: string) => {
    const [int, frac = ""] = s.trim().replace(/^\+/, "").split(".");
    return `${BigInt(int!)}.${frac.replace(/0+$/, "")}`;
  };
  try {
    return norm(a) === norm(b);
  } catch {
    return false;
  }
}

function sameInstant(a: string | null, b: string | null): boolean {
  if (a === null || b === null) return a === b;
  return Date.parse(a) === Date.parse(b);
}
