// grantReward / findRewardCode / settleStoreCredit through Shopify's own library client (the one
// withOfflineAdmin hands out), against the Admin sandbox.
import "@shopify/shopify-app-remix/adapters/node";
import { AppDistribution, Session, shopifyApp } from "@shopify/shopify-app-remix/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startAdminSandbox, type AdminSandbox } from "../../test/sandboxes/shopify/admin-graphql";
import { routeAdminCallsToSandbox } from "./admin-base-url.server";
import { AdminUnauthorized, type AdminGraphql } from "./admin.server";
import { ADMIN_API_VERSION } from "./api-version";
import { findRewardCode, grantReward, settleStoreCredit, STORE_CREDIT_LANDING_MS, type RewardGrant } from "./rewards.server";

const SCOPES =
  "read_orders,read_customers,read_products,write_discounts,write_store_credit_account_transactions,read_store_credit_accounts";
const CUSTOMER = "gid://shopify/Customer/9007199254740993";
const inAMonth = new Date(Date.now() + 30 * 86_400_000).toISOString();

let sb: AdminSandbox;
const sessions = new Map<string, Session>();
const shopify = shopifyApp({
  apiKey: "rewards-test-key",
  apiSecretKey: "rewards-test-secret",
  apiVersion: ADMIN_API_VERSION,
  scopes: SCOPES.split(","),
  appUrl: "https://postventa.example.com",
  distribution: AppDistribution.AppStore,
  sessionStorage: {
    storeSession: async (s: Session) => !!sessions.set(s.id, s),
    loadSession: async (id: string) => sessions.get(id),
    deleteSession: async (id: string) => sessions.delete(id),
    deleteSessions: async (ids: string[]) => ids.every((id) => sessions.delete(id)),
    findSessionsByShop: async (shop: string) => [...sessions.values()].filter((s) => s.shop === shop),
  },
  logger: { level: 0 },
});

/** A shop installed with a token, and the library's Admin GraphQL for it. */
async function shopWith(shop: string, data: { scopes?: string; currencyCode?: string } = {}): Promise<AdminGraphql> {
  const token = `shpat_${shop.split(".")[0]}`;
  sb.addShop(shop, token, data);
  await shopify.sessionStorage.storeSession(
    new Session({ id: `offline_${shop}`, shop, state: "", isOnline: false, accessToken: token, scope: data.scopes ?? SCOPES }),
  );
  const { admin } = await shopify.unauthenticated.admin(shop);
  return admin.graphql;
}

function amountOff(code: string, extra: Partial<Extract<RewardGrant, { kind: "amount_off" }>> = {}): RewardGrant {
  return {
    kind: "amount_off",
    code,
    title: `Reward ${code}`,
    customerGid: CUSTOMER,
    amount: "10.00",
    currency: "USD",
    minimumSubtotal: "50.00",
    endsAt: inAMonth,
    ...extra,
  };
}
function storeCredit(idempotencyKey: string, amount = "5.00"): Extract<RewardGrant, { kind: "store_credit" }> {
  return { kind: "store_credit", customerGid: CUSTOMER, amount, currency: "USD", expiresAt: inAMonth, idempotencyKey };
}

beforeAll(async () => {
  sb = await startAdminSandbox({ scopes: SCOPES });
  routeAdminCallsToSandbox(sb.url);
});
afterAll(async () => sb?.close());

describe("grantReward: codes", () => {
  let graphql: AdminGraphql;
  const SHOP = "rewards-codes.myshopify.com";
  beforeAll(async () => {
    graphql = await shopWith(SHOP);
  });

  it("issues an amount-off code for one customer, single use, with the minimum subtotal and end date", async () => {
    const outcome = await grantReward(graphql, amountOff("THANKS-10A"));
    const [created] = sb.discountsOf(SHOP);
    expect(outcome).toEqual({ issued: { discountId: created!.id, transactionId: null } });
    expect(created).toMatchObject({
      type: "DiscountCodeBasic",
      code: "THANKS-10A",
      title: "Reward THANKS-10A",
      customers: [CUSTOMER],
      amount: "10.0",
      minimumSubtotal: "50.0",
      usageLimit: 1,
      appliesOncePerCustomer: true,
      endsAt: inAMonth,
      combinesWith: { orderDiscounts: false, productDiscounts: true, shippingDiscounts: true },
    });
    expect(Date.parse(created!.startsAt)).toBeLessThanOrEqual(Date.now());
    // context, never the deprecated customerSelection.
    const sent = sb.requests.filter((r) => r.query.includes("discountCodeBasicCreate")).at(-1)!;
    expect(JSON.stringify(sent.variables)).toContain('"context":{"customers":{"add":');
    expect(JSON.stringify(sent.variables)).not.toContain("customerSelection");
  });

  it("issues a percentage-off code as Shopify holds one: a fraction, for one customer, single use, with the minimum and end date", async () => {
    const before = sb.requests.length;
    const outcome = await grantReward(graphql, {
      kind: "percentage_off",
      code: "PCT-15-A",
      title: "Reward PCT-15-A",
      customerGid: CUSTOMER,
      percentage: 0.15,
      minimumSubtotal: "40.00",
      endsAt: inAMonth,
    });
    const created = sb.discountsOf(SHOP).find((d) => d.code === "PCT-15-A");
    expect(outcome).toEqual({ issued: { discountId: created!.id, transactionId: null } });
    expect(created).toMatchObject({
      type: "DiscountCodeBasic",
      amount: null,
      percentage: 0.15,
      customers: [CUSTOMER],
      minimumSubtotal: "40.0",
      usageLimit: 1,
      appliesOncePerCustomer: true,
      endsAt: inAMonth,
      combinesWith: { orderDiscounts: false, productDiscounts: true, shippingDiscounts: true },
    });
    // One call: a percentage has no currency to check against the shop's.
    expect(sb.requests.slice(before).map((r) => r.query.includes("discountCodeBasicCreate"))).toEqual([true]);
  });

  it("a percentage Shopify refuses (above 1) comes back as refused in its words, and nothing is created", async () => {
    const before = sb.discountsOf(SHOP).length;
    const outcome = await grantReward(graphql, {
      kind: "percentage_off",
      code: "PCT-150",
      title: "Reward PCT-150",
      customerGid: CUSTOMER,
      percentage: 1.5,
      minimumSubtotal: null,
      endsAt: inAMonth,
    });
    expect(outcome).toEqual({ refused: "Value must be between 0.0 and 1.0" });
    expect(sb.discountsOf(SHOP)).toHaveLength(before);
  });

  it("issues a free-shipping code for all countries, without a minimum when none is given", async () => {
    const outcome = await grantReward(graphql, {
      kind: "free_shipping",
      code: "SHIP-FREE-1",
      title: "Free shipping",
      customerGid: CUSTOMER,
      minimumSubtotal: null,
      endsAt: inAMonth,
    });
    expect(outcome).toEqual({ issued: { discountId: expect.stringMatching(/^gid:\/\/shopify\/DiscountCodeNode\//), transactionId: null } });
    expect(sb.discountsOf(SHOP).find((d) => d.code === "SHIP-FREE-1")).toMatchObject({
      type: "DiscountCodeFreeShipping",
      destination: "all",
      minimumSubtotal: null,
      customers: [CUSTOMER],
      usageLimit: 1,
      combinesWith: { shippingDiscounts: false },
    });
  });

  it("a code already taken (in any case) is refused in Shopify's words, and nothing is created", async () => {
    const before = sb.discountsOf(SHOP).length;
    expect(await grantReward(graphql, amountOff("thanks-10a"))).toEqual({ refused: "Code must be unique. Please try a different code." });
    expect(sb.discountsOf(SHOP)).toHaveLength(before);
  });

  it("an amount in another currency than the shop's is refused before anything is sent", async () => {
    const before = sb.discountsOf(SHOP).length;
    const outcome = await grantReward(graphql, amountOff("EUR-1", { currency: "EUR" }));
    expect(outcome).toEqual({ refused: expect.stringContaining("shop's currency, USD") });
    expect(sb.discountsOf(SHOP)).toHaveLength(before);
  });

  it("5xx: uncertain, and findRewardCode then finds no such code", async () => {
    sb.faultRewards(SHOP, { mode: "error", status: 503, calls: 1 });
    expect(await grantReward(graphql, amountOff("FIVE-OH-3"))).toEqual({ uncertain: expect.any(String) });
    expect(await findRewardCode(graphql, "FIVE-OH-3")).toBeNull();
    // The next call goes through.
    expect(await grantReward(graphql, amountOff("FIVE-OH-3"))).toMatchObject({ issued: {} });
  });

  it("an answer slower than the timeout: uncertain, yet the code exists and findRewardCode finds it (any case)", async () => {
    sb.faultRewards(SHOP, { mode: "slow", delayMs: 1_500, calls: 1 });
    const started = Date.now();
    expect(await grantReward(graphql, amountOff("SLOW-10"), { timeoutMs: 300 })).toEqual({ uncertain: expect.any(String) });
    expect(Date.now() - started).toBeLessThan(1_400); // aborted at the timeout, not at the answer
    const found = await findRewardCode(graphql, "slow-10");
    expect(found).toEqual({ discountId: sb.discountsOf(SHOP).find((d) => d.code === "SLOW-10")!.id, status: "ACTIVE", usageCount: 0 });
    sb.useDiscountCode(SHOP, "SLOW-10");
    expect((await findRewardCode(graphql, "SLOW-10"))!.usageCount).toBe(1);
  });

  it("a dropped connection: uncertain, and the code is found", async () => {
    sb.faultRewards(SHOP, { mode: "drop", calls: 1 });
    expect(await grantReward(graphql, amountOff("DROP-10"))).toEqual({ uncertain: expect.any(String) });
    expect(await findRewardCode(graphql, "DROP-10")).toMatchObject({ status: "ACTIVE" });
  });

  it("throttled: waits for the bucket and then issues", async () => {
    sb.throttle(SHOP, { available: 0, restoreRate: 100 });
    expect(await grantReward(graphql, amountOff("THROTTLED-1"))).toMatchObject({ issued: {} });
  });

  it("Shopify's userErrors for bad input come back as refused", async () => {
    const past = new Date(Date.now() - 86_400_000).toISOString();
    expect(await grantReward(graphql, amountOff("PAST-1", { endsAt: past }))).toEqual({ refused: "Ends at needs to be after starts_at" });
  });

  it("a shop that did not grant write_discounts: refused with Shopify's access-denied message", async () => {
    const denied = await shopWith("rewards-no-scope.myshopify.com", { scopes: "read_orders,read_customers,read_products" });
    expect(await grantReward(denied, amountOff("NOPE-1"))).toEqual({
      refused: "Access denied for discountCodeBasicCreate field. Required access: `write_discounts` access scope.",
    });
    expect(await grantReward(denied, storeCredit("nope-credit"))).toEqual({
      refused: "Access denied for storeCreditAccountCredit field. Required access: `write_store_credit_account_transactions` access scope.",
    });
    expect(sb.discountsOf("rewards-no-scope.myshopify.com")).toEqual([]);
  });

  it("a token Shopify refuses (401) throws AdminUnauthorized, so withOfflineAdmin refreshes", async () => {
    const revoked = await shopWith("rewards-revoked.myshopify.com");
    sb.revokeTokens("rewards-revoked.myshopify.com");
    await expect(grantReward(revoked, amountOff("REVOKED-1"))).rejects.toBeInstanceOf(AdminUnauthorized);
    await expect(findRewardCode(revoked, "REVOKED-1")).rejects.toBeInstanceOf(AdminUnauthorized);
  });
});

describe("grantReward and settleStoreCredit: store credit", () => {
  let graphql: AdminGraphql;
  const SHOP = "rewards-credit.myshopify.com";
  const balance = () => sb.storeCreditOf(SHOP, CUSTOMER).find((a) => a.currency === "USD")?.balance ?? "0.0";
  const credits = () => sb.storeCreditOf(SHOP, CUSTOMER).find((a) => a.currency === "USD")?.transactions.length ?? 0;
  beforeAll(async () => {
    graphql = await shopWith(SHOP);
  });

  it("issues a credit with its transaction", async () => {
    const outcome = await grantReward(graphql, storeCredit("r-1"));
    const [account] = sb.storeCreditOf(SHOP, CUSTOMER);
    expect(outcome).toEqual({ issued: { discountId: null, transactionId: account!.transactions[0]!.id } });
    expect(account).toMatchObject({ currency: "USD", balance: "5.0", transactions: [{ amount: "5.0", expiresAt: inAMonth }] });
  });

  it("Shopify's refusal comes back in its words, and nothing is credited", async () => {
    const outcome = await grantReward(graphql, { ...storeCredit("r-bad"), expiresAt: new Date(Date.now() - 1000).toISOString() });
    expect(outcome).toEqual({ refused: "The expiry date must be in the future" });
    expect(balance()).toBe("5.0");
  });

  it("settling a credit that was issued finds it: the same transaction, never a second credit", async () => {
    const issued = await grantReward(graphql, storeCredit("r-2", "2.50"));
    const settled = await settleStoreCredit(graphql, storeCredit("r-2", "2.50"));
    expect(settled).toEqual(issued);
    expect(balance()).toBe("7.5");
  });

  it("slower than the timeout: uncertain; settling finds the credit that landed and credits nothing more", async () => {
    sb.faultRewards(SHOP, { mode: "slow", delayMs: 1_000, calls: 1 });
    expect(await grantReward(graphql, storeCredit("r-3", "3.00"), { timeoutMs: 200 })).toEqual({ uncertain: expect.any(String) });
    const count = credits();
    expect(balance()).toBe("10.5");
    const settled = await settleStoreCredit(graphql, storeCredit("r-3", "3.00"), { attemptedAt: new Date(Date.now() - 1_000) });
    const account = sb.storeCreditOf(SHOP, CUSTOMER)[0]!;
    expect(settled).toEqual({ issued: { discountId: null, transactionId: account.transactions.at(-1)!.id } });
    expect(credits()).toBe(count);
    expect(balance()).toBe("10.5");
  });

  it("5xx: uncertain; settling finds nothing landed, credits once, and a second settle credits nothing more", async () => {
    sb.faultRewards(SHOP, { mode: "error", status: 500, calls: 1 });
    const grant = storeCredit("r-4", "4.00");
    expect(await grantReward(graphql, grant)).toEqual({ uncertain: expect.any(String) });
    expect(balance()).toBe("10.5");
    const settled = await settleStoreCredit(graphql, grant);
    expect(settled).toMatchObject({ issued: { transactionId: expect.any(String) } });
    expect(balance()).toBe("14.5");
    expect(await settleStoreCredit(graphql, grant)).toEqual(settled);
    expect(balance()).toBe("14.5");
  });

  it("does not send again while Shopify may still be applying the first attempt", async () => {
    sb.faultRewards(SHOP, { mode: "error", calls: 1 });
    const grant = storeCredit("r-5", "6.00");
    expect(await grantReward(graphql, grant)).toEqual({ uncertain: expect.any(String) });
    expect(await settleStoreCredit(graphql, grant, { attemptedAt: new Date() })).toEqual({ uncertain: expect.stringContaining("later") });
    expect(balance()).toBe("14.5");
    // Once the landing time has passed, nothing landed: it is credited once.
    const attemptedAt = new Date(Date.now() - STORE_CREDIT_LANDING_MS - 1_000);
    expect(await settleStoreCredit(graphql, grant, { attemptedAt })).toMatchObject({ issued: {} });
    expect(balance()).toBe("20.5");
  });

  it("with attemptedAt, an identical credit made at another time is not taken for this one", async () => {
    // r-2's 2.50 (minutes ago) is not an attempt made two hours ago.
    const attemptedAt = new Date(Date.now() - 2 * 3_600_000);
    expect(await settleStoreCredit(graphql, storeCredit("r-6", "2.50"), { attemptedAt })).toMatchObject({ issued: {} });
    expect(balance()).toBe("23.0");
  });

  it("store credit twice with the same idempotency key: Shopify has no idempotent replay for it, so each grant credits", async () => {
    // The key is the caller's; only settleStoreCredit keeps a retry from crediting twice.
    const before = credits();
    await grantReward(graphql, storeCredit("same-key", "1.00"));
    await grantReward(graphql, storeCredit("same-key", "1.00"));
    expect(credits()).toBe(before + 2);
    expect(sb.requests.filter((r) => r.query.includes("@idempotent"))).toEqual([]);
  });

  it("a shop that did not grant read_store_credit_accounts cannot settle: uncertain, and nothing is sent", async () => {
    const shop = "rewards-no-read.myshopify.com";
    const g = await shopWith(shop, { scopes: "write_store_credit_account_transactions" });
    expect(await settleStoreCredit(g, storeCredit("r-7"))).toEqual({
      uncertain: expect.stringContaining("Access denied for storeCreditAccounts field"),
    });
    expect(sb.storeCreditOf(shop, CUSTOMER)).toEqual([]);
  });
});
