// A warranty claim approved as a replacement: the merchant approves it in the admin, and Shopify
// (the Admin sandbox, every document validated against 2026-07) gets one draft order for the unit at
// no charge — exactly one even when Shopify's answer is lost and its search lags, none when the
// variant is gone, and one after the merchant tries a refused one again.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startStack, type Stack } from "./stack.ts";
import { deliver, paidOrder } from "./hubspot-helpers.ts";
import { BROWSER_UA, shopperCall, shopperToken, until } from "./shopper-helpers.ts";
import { sessionToken } from "./sandboxes/shopify/signing.ts";

const SHOP = "claim-replacement.myshopify.com";
const OTHER = "claim-replacement-other.myshopify.com";
const ANA = 9007199254780001n;
const PRODUCT = "9007199254781000";
const VARIANT = "9007199254781001";
let stack: Stack;

const products = (variants: Array<{ id: string; price: string }>) => [
  {
    id: PRODUCT,
    title: "Cafetera Express",
    productType: "Espresso Machine",
    vendor: "Lucca",
    tags: [],
    variants: variants.map((v) => ({ ...v, title: "Default Title", sku: "EXP-1" })),
  },
];

// A shipped order of `units` lines of the espresso machine (the variant when `withVariant`).
async function shippedOrder(id: bigint, units: number, withVariant = true) {
  const order = paidOrder(id, { id: ANA, email: "ana@example.com" }, "499.00", Array(units).fill(PRODUCT));
  order.line_items.forEach((l) => {
    l.title = "Cafetera Express";
    (l as { variant_id: bigint | null }).variant_id = withVariant ? BigInt(VARIANT) : null;
  });
  await deliver(stack.url, SHOP, "orders/paid", order);
  await deliver(stack.url, SHOP, "orders/fulfilled", {
    ...order,
    fulfillment_status: "fulfilled",
    fulfillments: [
      {
        id: id * 7n,
        status: "success",
        created_at: new Date(Date.now() - 86_400_000).toISOString(),
        line_items: order.line_items.map((l) => ({ id: l.id, quantity: 1 })),
      },
    ],
  });
  await stack.waitForDrain();
  return order;
}

// Claims every unit of the order, as the rewards page does; their ids in line order.
async function claimUnits(orderName: string): Promise<string[]> {
  const token = shopperToken(SHOP, ANA);
  const account = (await shopperCall(stack.url, "/api/account", token)).body;
  const units = account.warranties.filter((w: { orderName: string; canClaim: boolean }) => w.orderName === orderName && w.canClaim);
  const ids: string[] = [];
  for (const unit of units) {
    const res = await shopperCall(stack.url, "/api/claims", token, {
      body: { warrantyId: unit.id, requestId: crypto.randomUUID(), description: "La cafetera no calienta el agua." },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    ids.push(res.body.id);
  }
  return ids;
}

const headers = (shop = SHOP) => ({
  "User-Agent": BROWSER_UA,
  Authorization: `Bearer ${sessionToken({ apiKey: process.env.SHOPIFY_API_KEY!, secret: process.env.SHOPIFY_API_SECRET!, shop, sub: "42" })}`,
});
const post = async (path: string, fields: Record<string, string>, shop = SHOP) => {
  const res = await fetch(`${stack.url}${path}`, { method: "POST", headers: headers(shop), body: new URLSearchParams(fields) });
  return { status: res.status, body: await res.json() };
};
const approve = (claimId: string, resolution = "replacement") =>
  post("/app/claims?_data=routes%2Fapp.claims&locale=en", { intent: "approve", claimId, resolution });
const retry = (claimId: string, shop = SHOP) =>
  post(`/app/claims/${claimId}?_data=routes%2Fapp.claims_.%24claimId&locale=en`, { intent: "retry_replacement" }, shop);
const claimPage = async (claimId: string) => {
  const res = await fetch(`${stack.url}/app/claims/${claimId}?_data=routes%2Fapp.claims_.%24claimId&locale=en`, { headers: headers() });
  expect(res.status).toBe(200);
  return (await res.json()).claim;
};
const replacement = async (claimId: string) =>
  (await stack.pool.query(`SELECT status, "draftOrderName", failure FROM "ClaimReplacement" WHERE "claimId" = $1`, [claimId])).rows;
const settled = (claimId: string) =>
  until(
    "the replacement settled",
    () => replacement(claimId),
    (rows) => rows.length === 1 && rows[0].status !== "creating",
  );
const draftsTagged = (claimId: string) =>
  stack.admin.draftOrdersOf(SHOP).filter((d) => d.tags.includes(`pv-${claimId.replace(/-/g, "")}-0`));

beforeAll(async () => {
  stack = await startStack({ database: "postventa_test_claim_replacement" });
  for (const shop of [SHOP, OTHER]) await stack.installShop(shop);
  stack.admin.setProducts(SHOP, products([{ id: VARIANT, price: "499.00" }]));
});
afterAll(async () => stack?.stop());

describe("approving a claim as a replacement", () => {
  it("creates one draft order for the unit at no charge, shown to the merchant and told to the shopper", async () => {
    const order = await shippedOrder(9401n, 1);
    const [claimId] = await claimUnits(order.name);
    const res = await approve(claimId);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const [row] = await settled(claimId);
    expect(row.status).toBe("created");

    const drafts = draftsTagged(claimId);
    expect(drafts).toHaveLength(1);
    expect(drafts[0]).toMatchObject({
      customerId: `gid://shopify/Customer/${ANA}`,
      lineItems: [{ variantId: `gid://shopify/ProductVariant/${VARIANT}`, quantity: 1, appliedDiscount: { value: 100 } }],
    });
    // Shopify writes decimals its own way ("0.0"): the value is what counts.
    expect(Number(drafts[0].totalPrice)).toBe(0);
    expect(Number(drafts[0].lineItems[0].originalUnitPrice)).toBe(499);
    expect(drafts[0].note).toContain("Cafetera Express");
    expect(row.draftOrderName).toBe(drafts[0].name);

    const page = await claimPage(claimId);
    expect(page.replacement).toMatchObject({ status: "created", draftOrderName: drafts[0].name });
    expect(page.replacement.draftOrderId).toBe(drafts[0].id.split("/").pop());
    expect(page.events.map((e: { type: string }) => e.type)).toEqual(["submitted", "approved", "replacement_created"]);

    const mine = (await shopperCall(stack.url, "/api/claims", shopperToken(SHOP, ANA))).body.claims;
    const view = mine.find((c: { id: string }) => c.id === claimId);
    expect(view.events.map((e: { text: string }) => e.text)).toContain("The store prepared your replacement, at no charge");
  });

  it("creates exactly one when Shopify's answer is lost and its search has not caught up", async () => {
    const order = await shippedOrder(9402n, 1);
    const [claimId] = await claimUnits(order.name);
    stack.admin.setSearchLag(SHOP, 2_000);
    stack.admin.faultReturns(SHOP, { mode: "drop", calls: 1 });
    try {
      expect((await approve(claimId)).status).toBe(200);
      const [row] = await settled(claimId);
      expect(row.status).toBe("created");
    } finally {
      stack.admin.faultReturns(SHOP, null);
      stack.admin.setSearchLag(SHOP, 0);
    }
    const drafts = draftsTagged(claimId);
    expect(drafts).toHaveLength(1);
    expect((await replacement(claimId))[0].draftOrderName).toBe(drafts[0].name);
  }, 90_000);

  it("fails with Shopify's reason when the variant is gone, and creates it when the merchant tries again", async () => {
    const order = await shippedOrder(9403n, 1);
    const [claimId] = await claimUnits(order.name);
    stack.admin.setProducts(SHOP, products([{ id: "9007199254781002", price: "520.00" }]));
    try {
      expect((await approve(claimId)).status).toBe(200);
      const [row] = await settled(claimId);
      expect(row.status).toBe("failed");
      expect(row.failure).toContain(`${VARIANT} is no longer available`);
      expect(draftsTagged(claimId)).toHaveLength(0);
      const page = await claimPage(claimId);
      expect(page.replacement).toMatchObject({ status: "failed" });
      // The shopper is not told of the merchant's failure.
      const mine = (await shopperCall(stack.url, "/api/claims", shopperToken(SHOP, ANA))).body.claims;
      expect(mine.find((c: { id: string }) => c.id === claimId).events).toHaveLength(2);
    } finally {
      stack.admin.setProducts(SHOP, products([{ id: VARIANT, price: "499.00" }]));
    }

    // Another shop cannot retry it; a retry while nothing failed is refused too.
    expect((await retry(claimId, OTHER)).status).toBe(409);
    const again = await retry(claimId);
    expect(again.status, JSON.stringify(again.body)).toBe(200);
    expect((await retry(claimId)).status).toBe(409);
    const [row] = await settled(claimId);
    expect(row.status).toBe("created");
    expect(draftsTagged(claimId)).toHaveLength(1);
  }, 90_000);

  it("refuses a replacement for a unit whose variant is unknown, changing nothing", async () => {
    const order = await shippedOrder(9404n, 1, false);
    const [claimId] = await claimUnits(order.name);
    const res = await approve(claimId);
    expect(res.status).toBe(400);
    expect(res.body.error).toBe(
      "No replacement can be sent: this product's variant no longer exists in the shop. Choose another resolution.",
    );
    expect(await replacement(claimId)).toEqual([]);
    expect((await claimPage(claimId)).status).toBe("submitted");
    // Another resolution goes through.
    expect((await approve(claimId, "repair")).status).toBe(200);
    expect((await claimPage(claimId)).status).toBe("approved");
  });
});
