// Expiring offline tokens, over HTTP through the real stack: the Admin sandbox issues tokens that
// expire after an hour and rotate on refresh, as Shopify does, and its clock can be moved.
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startStack, type Stack } from "./stack.ts";
import { deliver, paidOrder } from "./hubspot-helpers.ts";

const HOUR = 3600_000;
const TAGGED = "9007199254990001"; // tagged warranty-24m: 24 months, if its facts can be had
const UNCOVERED = "9007199254990002"; // tagged no-warranty: none
const POLICY = {
  defaultMonths: 12,
  startsAt: "purchase",
  overrides: [
    { match: "tag", value: "warranty-24m", months: 24 },
    { match: "tag", value: "no-warranty", months: 0 },
  ],
};
let stack: Stack;

async function install(shop: string) {
  await stack.installShop(shop);
  stack.admin.setProducts(shop, [
    { id: TAGGED, title: "Espresso Machine Pro", productType: "Espresso Machine", vendor: "Lucca", tags: ["warranty-24m"], variants: [] },
    { id: UNCOVERED, title: "Descaler", productType: "Care", vendor: "Lucca", tags: ["no-warranty"], variants: [] },
  ]);
  await stack.pool.query(`UPDATE "Shop" SET "warrantyPolicy" = $1 WHERE domain = $2`, [JSON.stringify(POLICY), shop]);
}

async function orderPaid(shop: string, id: bigint, products = [TAGGED]) {
  await deliver(stack.url, shop, "orders/paid", paidOrder(id, { id: 9007199254990100n, email: "ana@example.com" }, "100.00", products));
  await stack.waitForDrain();
}

const points = async (shop: string) =>
  Number((await stack.pool.query(`SELECT COALESCE(sum(points), 0) AS n FROM "PointsLedgerEntry" WHERE shop = $1`, [shop])).rows[0].n);
const warranties = async (shop: string) =>
  (
    await stack.pool.query(
      `SELECT "productId", months, status, "voidReason", "policyCheckPending" FROM "WarrantyRegistration" WHERE shop = $1 ORDER BY "productId"`,
      [shop],
    )
  ).rows;
const storedSession = async (shop: string) =>
  (await stack.pool.query(`SELECT "accessToken", "refreshToken", expires FROM "Session" WHERE id = $1`, [`offline_${shop}`])).rows[0];
// The Admin calls of the processing under test (the install's read of the shop's profile aside).
const statuses = (shop: string) =>
  stack.admin.requests.filter((r) => r.shop === shop && !r.query.includes("query ShopProfile")).map((r) => r.status);
const policyChecks = async (shop: string) =>
  (
    await stack.pool.query(
      `SELECT id, run_at > now() + interval '10 minutes' AS later, attempts, last_error FROM graphile_worker.jobs WHERE key LIKE 'warranty_policy_check:' || $1 || ':%'`,
      [shop],
    )
  ).rows;
async function runPolicyChecksNow(shop: string) {
  await stack.pool.query(
    `SELECT graphile_worker.reschedule_jobs(ARRAY(SELECT id FROM graphile_worker.jobs WHERE key LIKE 'warranty_policy_check:' || $1 || ':%'), run_at => now())`,
    [shop],
  );
  await stack.waitForDrain();
}

beforeAll(async () => {
  stack = await startStack({ database: "postventa_test_offline_tokens", build: false });
});
afterAll(async () => stack?.stop());
// A session token minted now would be from the past for a Shopify two hours ahead.
afterEach(() => stack.admin.resetClock());

describe("expiring offline tokens", () => {
  it("installing stores an expiring offline token with its refresh token, as Shopify issued them", async () => {
    const shop = "install.myshopify.com";
    await install(shop);
    const issued = stack.admin.tokensOf(shop);
    expect(issued.refreshToken).toBeTruthy();
    expect(await storedSession(shop)).toMatchObject({
      accessToken: issued.accessToken,
      refreshToken: issued.refreshToken,
      expires: expect.any(Date),
    });
  });

  it("an order processed two hours after install earns points and registers warranties, with the token refreshed and stored", async () => {
    const shop = "two-hours.myshopify.com";
    await install(shop);
    const installed = stack.admin.tokensOf(shop);
    // Two hours pass, for Shopify and for the session stored at install.
    stack.admin.advanceClock(2 * HOUR);
    await stack.pool.query(`UPDATE "Session" SET expires = expires - interval '2 hours' WHERE id = $1`, [`offline_${shop}`]);

    await orderPaid(shop, 9007199254991001n);
    expect(await points(shop)).toBe(100);
    expect(await warranties(shop)).toEqual([
      { productId: TAGGED, months: 24, status: "active", voidReason: null, policyCheckPending: false },
    ]);
    const now = stack.admin.tokensOf(shop);
    expect(now.accessToken).not.toBe(installed.accessToken);
    expect(now.refreshToken).not.toBe(installed.refreshToken);
    expect(await storedSession(shop)).toMatchObject({ accessToken: now.accessToken, refreshToken: now.refreshToken });
    expect(statuses(shop)).toEqual([200]); // refreshed before the call, never refused
  });

  it("a token Shopify refuses before our clock says it expired is refreshed and the call made again", async () => {
    const shop = "early.myshopify.com";
    await install(shop);
    stack.admin.advanceClock(2 * HOUR); // Shopify's clock only: ours still thinks the token fresh
    await orderPaid(shop, 9007199254992001n);
    expect(statuses(shop)).toEqual([401, 200]);
    expect(await points(shop)).toBe(100);
    expect(await warranties(shop)).toEqual([
      { productId: TAGGED, months: 24, status: "active", voidReason: null, policyCheckPending: false },
    ]);
    expect((await storedSession(shop)).accessToken).toBe(stack.admin.tokensOf(shop).accessToken);
  });
});

describe("when product facts cannot be had", () => {
  it("throttled past retries: points still earned, default coverage marked, corrected by the later policy check", async () => {
    const shop = "throttled.myshopify.com";
    await install(shop);
    stack.admin.throttle(shop, { available: 0, restoreRate: 0 });
    await orderPaid(shop, 9007199254993001n, [TAGGED, UNCOVERED]);
    expect(statuses(shop).every((s) => s === 200)).toBe(true);
    expect(await points(shop)).toBe(200);
    expect(await warranties(shop)).toEqual([
      { productId: TAGGED, months: 12, status: "active", voidReason: null, policyCheckPending: true },
      { productId: UNCOVERED, months: 12, status: "active", voidReason: null, policyCheckPending: true },
    ]);
    expect(await policyChecks(shop)).toEqual([expect.objectContaining({ later: true, attempts: 0 })]);

    stack.admin.throttle(shop, { available: 2000, restoreRate: 100 });
    await runPolicyChecksNow(shop);
    expect(await warranties(shop)).toEqual([
      { productId: TAGGED, months: 24, status: "active", voidReason: null, policyCheckPending: false },
      { productId: UNCOVERED, months: 12, status: "voided", voidReason: "not_covered", policyCheckPending: false },
    ]);
    expect(await policyChecks(shop)).toEqual([]);
    expect(await points(shop)).toBe(200);
  });

  it("no token Shopify accepts, even after a refresh: points still earned, default coverage marked, checked again later", async () => {
    const shop = "revoked.myshopify.com";
    await install(shop);
    stack.admin.revokeTokens(shop);
    await orderPaid(shop, 9007199254994001n);
    expect(await points(shop)).toBe(100);
    expect(await warranties(shop)).toEqual([
      { productId: TAGGED, months: 12, status: "active", voidReason: null, policyCheckPending: true },
    ]);
    await runPolicyChecksNow(shop);
    // Still no token: the check failed and waits for the queue's next try; coverage unchanged.
    expect(await policyChecks(shop)).toEqual([
      expect.objectContaining({ attempts: 1, last_error: expect.stringMatching(/still unavailable/) }),
    ]);
    expect(await warranties(shop)).toEqual([
      { productId: TAGGED, months: 12, status: "active", voidReason: null, policyCheckPending: true },
    ]);
  });
});
