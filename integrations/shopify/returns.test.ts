// returns.server.ts through Shopify's own library client (the one withOfflineAdmin hands out),
// against the Admin sandbox's returns model.
import "@shopify/shopify-app-remix/adapters/node";
import { AppDistribution, Session, shopifyApp } from "@shopify/shopify-app-remix/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startAdminSandbox, type AdminSandbox, type SandboxOrder } from "../../test/sandboxes/shopify/admin-graphql";
import { routeAdminCallsToSandbox } from "./admin-base-url.server";
import { AdminUnauthorized, type AdminGraphql } from "./admin.server";
import { ADMIN_API_VERSION } from "./api-version";
import {
  approveReturn,
  cancelReturn,
  closeReturn,
  createReplacementDraftOrder,
  customerNoteMax,
  declineReturn,
  DRAFT_ORDER_SETTLE_MS,
  fetchReturn,
  findDraftOrderByTag,
  findRequestedReturn,
  orderReturns,
  reopenReturn,
  RETURN_LANDING_MS,
  requestRefOf,
  requestReturn,
  returnableUnits,
  returnReasons,
  ReturnsLookupFailed,
  settleReplacementDraftOrder,
  settleReturnRequest,
  suggestedReturnReasons,
  type ReplacementDraftOrder,
  type ReturnRequest,
} from "./returns.server";
import { parseReturn } from "./payloads";

const SCOPES = "read_orders,read_customers,read_products,read_returns,write_returns,write_draft_orders";
const CUSTOMER = "9007199254741111";
const VARIANT = "9007199254742001";
const DAMAGED = "gid://shopify/ReturnReasonDefinition/6";

let sb: AdminSandbox;
const sessions = new Map<string, Session>();
const shopify = shopifyApp({
  apiKey: "returns-test-key",
  apiSecretKey: "returns-test-secret",
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

async function shopWith(shop: string, scopes = SCOPES): Promise<AdminGraphql> {
  const token = `shpat_${shop.split(".")[0]}`;
  sb.addShop(shop, token, { scopes });
  sb.setProducts(shop, [
    {
      id: "9007199254743001",
      title: "Grinder",
      productType: "Grinder",
      vendor: "Baratza",
      tags: [],
      variants: [{ id: VARIANT, title: "Black", sku: "GR-1", price: "149.50" }],
    },
  ]);
  await shopify.sessionStorage.storeSession(
    new Session({ id: `offline_${shop}`, shop, state: "", isOnline: false, accessToken: token, scope: scopes }),
  );
  const { admin } = await shopify.unauthenticated.admin(shop);
  return admin.graphql;
}

/** An order with two fulfilled lines: A (2 units), B (3 units). */
function seedOrder(shop: string, id: string, extraLines = 0): SandboxOrder {
  const a = (BigInt(id) + 1n).toString();
  const b = (BigInt(id) + 2n).toString();
  const extra = Array.from({ length: extraLines }, (_, i) => (BigInt(id) + 100n + BigInt(i)).toString());
  return sb.addOrder(shop, {
    id,
    customerId: CUSTOMER,
    lineItems: [
      { id: a, variantId: VARIANT, productId: "9007199254743001", quantity: 2, title: "Grinder" },
      { id: b, quantity: 3, title: "Filters" },
      ...extra.map((x) => ({ id: x, quantity: 1, title: `Part ${x}` })),
    ],
    fulfillments: [
      {
        id: (BigInt(id) + 50n).toString(),
        lineItems: [{ lineItemId: a, quantity: 2 }, { lineItemId: b, quantity: 3 }, ...extra.map((x) => ({ lineItemId: x, quantity: 1 }))],
      },
    ],
  });
}
const fli = (o: SandboxOrder, i: number) => `gid://shopify/FulfillmentLineItem/${o.fulfillments[0]!.lineItems[i]!.id}`;
const orderGid = (o: SandboxOrder) => `gid://shopify/Order/${o.id}`;

beforeAll(async () => {
  sb = await startAdminSandbox({ scopes: SCOPES });
  routeAdminCallsToSandbox(sb.url);
});
afterAll(async () => sb?.close());

describe("returnableUnits and reasons", () => {
  let graphql: AdminGraphql;
  const SHOP = "returns-units.myshopify.com";
  beforeAll(async () => {
    graphql = await shopWith(SHOP);
  });

  it("lists the order's returnable units with numeric line item ids beyond 2^53, less what returns hold", async () => {
    const order = seedOrder(SHOP, "9007199254750001");
    expect(await returnableUnits(graphql, orderGid(order))).toEqual([
      { fulfillmentLineItemId: fli(order, 0), lineItemId: "9007199254750002", quantity: 2 },
      { fulfillmentLineItemId: fli(order, 1), lineItemId: "9007199254750003", quantity: 3 },
    ]);
    expect(
      await requestReturn(graphql, {
        orderGid: orderGid(order),
        lines: [{ fulfillmentLineItemId: fli(order, 1), quantity: 3, returnReasonDefinitionId: DAMAGED }],
      }),
    ).toMatchObject({
      issued: { status: "REQUESTED" },
    });
    expect(await returnableUnits(graphql, orderGid(order))).toEqual([
      { fulfillmentLineItemId: fli(order, 0), lineItemId: "9007199254750002", quantity: 2 },
    ]);
  });

  it("pages through a fulfillment with more lines than one page", async () => {
    const order = seedOrder(SHOP, "9007199254760001", 120);
    const units = await returnableUnits(graphql, orderGid(order));
    expect(units).toHaveLength(122);
    expect(new Set(units.map((u) => u.fulfillmentLineItemId)).size).toBe(122);
    expect(units.at(-1)!.lineItemId).toBe((9007199254760001n + 100n + 119n).toString());
  });

  it("returnReasons: the library without deleted reasons; narrowed by handle; suggested per line", async () => {
    const reasons = await returnReasons(graphql);
    expect(reasons).toContainEqual({ id: DAMAGED, handle: "damaged-or-defective", name: "Damaged or defective" });
    expect(reasons.map((r) => r.handle)).not.toContain("arrived-late");
    expect(await returnReasons(graphql, { handles: ["too-small", "too-big"] })).toEqual([
      { id: "gid://shopify/ReturnReasonDefinition/7", handle: "too-small", name: "Too small" },
      { id: "gid://shopify/ReturnReasonDefinition/8", handle: "too-big", name: "Too big" },
    ]);
    const order = seedOrder(SHOP, "9007199254770001");
    const suggested = await suggestedReturnReasons(graphql, orderGid(order));
    expect(Object.keys(suggested)).toEqual(["9007199254770002", "9007199254770003"]);
    expect(suggested["9007199254770002"]!.map((r) => r.handle)).toContain("damaged-or-defective");
  });

  it("a lookup Shopify cannot answer throws ReturnsLookupFailed; a revoked token AdminUnauthorized", async () => {
    const denied = await shopWith("returns-no-read.myshopify.com", "read_orders");
    await expect(returnableUnits(denied, "gid://shopify/Order/1")).rejects.toThrow(ReturnsLookupFailed);
    await expect(returnableUnits(denied, "gid://shopify/Order/1")).rejects.toThrow(/read_returns/);
    await expect(orderReturns(graphql, "gid://shopify/Order/404")).rejects.toThrow(/no order/);
    const revoked = await shopWith("returns-revoked.myshopify.com");
    sb.revokeTokens("returns-revoked.myshopify.com");
    await expect(returnableUnits(revoked, "gid://shopify/Order/1")).rejects.toBeInstanceOf(AdminUnauthorized);
    await expect(approveReturn(revoked, "gid://shopify/Return/1")).rejects.toBeInstanceOf(AdminUnauthorized);
  });
});

describe("requestReturn, approve, decline, cancel, close, reopen", () => {
  let graphql: AdminGraphql;
  const SHOP = "returns-flow.myshopify.com";
  let order: SandboxOrder;
  beforeAll(async () => {
    graphql = await shopWith(SHOP);
    order = seedOrder(SHOP, "9007199254780001");
  });

  it("issues a REQUESTED return whose notes carry the request reference, and reads it back", async () => {
    const request: ReturnRequest = {
      orderGid: orderGid(order),
      lines: [
        { fulfillmentLineItemId: fli(order, 0), quantity: 1, returnReasonDefinitionId: DAMAGED, customerNote: "It stopped grinding." },
      ],
      requestRef: "RQ-0001",
    };
    const outcome = await requestReturn(graphql, request);
    const [stored] = sb.returnsOf(SHOP, order.id);
    expect(outcome).toEqual({ issued: { returnId: stored!.id, status: "REQUESTED", name: "#1001-R1" } });
    expect(stored!.lines[0]).toMatchObject({
      quantity: 1,
      customerNote: "It stopped grinding. (Postventa ref RQ-0001)",
      returnReasonDefinitionId: DAMAGED,
    });
    expect(requestRefOf(stored!.lines[0]!.customerNote)).toBe("RQ-0001");
    const [read] = await orderReturns(graphql, orderGid(order));
    expect(read).toMatchObject({
      returnId: stored!.id,
      orderGid: orderGid(order),
      status: "REQUESTED",
      requestRef: "RQ-0001",
      decline: null,
      lines: [
        {
          fulfillmentLineItemId: fli(order, 0),
          lineItemId: "9007199254780002",
          quantity: 1,
          reason: { id: DAMAGED, handle: "damaged-or-defective" },
        },
      ],
    });
    expect(findRequestedReturn([read!], request)).toEqual(read);
    expect(await fetchReturn(graphql, stored!.id)).toEqual(read);
    expect(await fetchReturn(graphql, "gid://shopify/Return/1")).toBeNull();
  });

  it("refused in Shopify's words: more units than returnable, an unknown line; nothing created", async () => {
    const before = sb.returnsOf(SHOP).length;
    expect(
      await requestReturn(graphql, {
        orderGid: orderGid(order),
        lines: [{ fulfillmentLineItemId: fli(order, 0), quantity: 2, returnReasonDefinitionId: DAMAGED }],
      }),
    ).toEqual({
      refused: "Return line item has an invalid quantity.",
    });
    expect(
      await requestReturn(graphql, {
        orderGid: orderGid(order),
        lines: [{ fulfillmentLineItemId: "123", quantity: 1, returnReasonDefinitionId: DAMAGED }],
      }),
    ).toEqual({
      refused: "Fulfillment Line Item was not found.",
    });
    expect(sb.returnsOf(SHOP)).toHaveLength(before);
  });

  it("refused before sending: no lines, a bad quantity, a note too long for Shopify with the reference", async () => {
    const count = sb.requests.length;
    const lines = [{ fulfillmentLineItemId: fli(order, 1), quantity: 1, returnReasonDefinitionId: DAMAGED }];
    expect(await requestReturn(graphql, { orderGid: orderGid(order), lines: [] })).toEqual({
      refused: expect.stringContaining("at least one line"),
    });
    expect(await requestReturn(graphql, { orderGid: orderGid(order), lines: [{ ...lines[0]!, quantity: 1.5 }] })).toEqual({
      refused: expect.stringContaining("whole number"),
    });
    expect(customerNoteMax("RQ-0002")).toBe(300 - "(Postventa ref RQ-0002)".length - 1);
    expect(
      await requestReturn(graphql, {
        orderGid: orderGid(order),
        requestRef: "RQ-0002",
        lines: [{ ...lines[0]!, customerNote: "x".repeat(customerNoteMax("RQ-0002") + 1) }],
      }),
    ).toEqual({
      refused: expect.stringContaining("at most 276 characters"),
    });
    expect(await requestReturn(graphql, { orderGid: orderGid(order), requestRef: "no spaces!", lines })).toEqual({
      refused: expect.stringContaining("reference"),
    });
    expect(sb.requests.length).toBe(count);
  });

  it("approve: REQUESTED → OPEN; again: issued `already` (Shopify refused it as not approvable, the return is OPEN)", async () => {
    const [ret] = sb.returnsOf(SHOP, order.id);
    expect(await approveReturn(graphql, ret!.id, { notifyCustomer: false })).toEqual({
      issued: { returnId: ret!.id, status: "OPEN", name: "#1001-R1" },
    });
    expect(sb.returnsOf(SHOP, order.id)[0]).toMatchObject({ status: "OPEN", notifyCustomer: false });
    expect(await approveReturn(graphql, ret!.id)).toEqual({
      issued: { returnId: ret!.id, status: "OPEN", name: "#1001-R1", already: true },
      read: expect.objectContaining({ returnId: ret!.id, status: "OPEN" }),
    });
    // Declining an OPEN return is an invalid transition, refused in Shopify's words, with the return as Shopify holds it.
    expect(await declineReturn(graphql, ret!.id, { declineReason: "OTHER", note: null, notifyCustomer: false })).toEqual({
      refused: "Return is not declinable. Only non-refunded returns with status REQUESTED can be declined.",
      read: expect.objectContaining({ returnId: ret!.id, status: "OPEN", decline: null }),
    });
    expect(await approveReturn(graphql, "gid://shopify/Return/42")).toEqual({ refused: "Return not found." });
  });

  it("decline: REQUESTED → DECLINED with reason and note; approving it then is refused; a note over 500 is refused here", async () => {
    const outcome = await requestReturn(graphql, {
      orderGid: orderGid(order),
      lines: [{ fulfillmentLineItemId: fli(order, 1), quantity: 2, returnReasonDefinitionId: DAMAGED }],
    });
    const id = "issued" in outcome ? outcome.issued.returnId : "";
    expect(await declineReturn(graphql, id, { declineReason: "FINAL_SALE", note: "x".repeat(501), notifyCustomer: true })).toEqual({
      refused: "A decline note can be at most 500 characters",
    });
    expect(
      await declineReturn(graphql, id, { declineReason: "FINAL_SALE", note: "Filters are final sale.", notifyCustomer: true }),
    ).toEqual({
      issued: { returnId: id, status: "DECLINED", name: "#1001-R2" },
    });
    expect(sb.returnsOf(SHOP, order.id)[1]).toMatchObject({
      status: "DECLINED",
      decline: { reason: "FINAL_SALE", note: "Filters are final sale." },
      notifyCustomer: true,
    });
    expect(await declineReturn(graphql, id, { declineReason: "OTHER", note: null, notifyCustomer: false })).toMatchObject({
      issued: { status: "DECLINED", already: true },
    });
    expect(await approveReturn(graphql, id)).toEqual({
      refused: "Return is not approvable. Only returns with status REQUESTED can be approved.",
      read: expect.objectContaining({ status: "DECLINED", decline: { reason: "FINAL_SALE", note: "Filters are final sale." } }),
    });
  });

  it("close, reopen, cancel: Shopify's moves and refusals", async () => {
    const [open] = sb.returnsOf(SHOP, order.id);
    expect(await closeReturn(graphql, open!.id)).toMatchObject({ issued: { status: "CLOSED" } });
    expect(await cancelReturn(graphql, open!.id)).toEqual({ refused: "Return is not cancelable." });
    expect(await reopenReturn(graphql, open!.id)).toMatchObject({ issued: { status: "OPEN" } });
    expect(await cancelReturn(graphql, open!.id)).toMatchObject({ issued: { status: "CANCELED" } });
    const declined = sb.returnsOf(SHOP, order.id)[1]!;
    expect(await closeReturn(graphql, declined.id)).toEqual({ refused: "Return status is invalid." });
  });
});

describe("uncertain return requests, settled by reading the order's returns", () => {
  let graphql: AdminGraphql;
  const SHOP = "returns-uncertain.myshopify.com";
  let order: SandboxOrder;
  beforeAll(async () => {
    graphql = await shopWith(SHOP);
    order = seedOrder(SHOP, "9007199254790001");
  });
  const req = (ref: string, i = 1, quantity = 1): ReturnRequest => ({
    orderGid: orderGid(order),
    requestRef: ref,
    lines: [{ fulfillmentLineItemId: fli(order, i), quantity, returnReasonDefinitionId: DAMAGED, customerNote: "Broken" }],
  });

  it("5xx: uncertain, nothing made; settling after the landing time requests it once", async () => {
    sb.faultReturns(SHOP, { mode: "error", status: 503, calls: 1 });
    expect(await requestReturn(graphql, req("RQ-5XX"))).toEqual({ uncertain: expect.any(String) });
    expect(sb.returnsOf(SHOP)).toEqual([]);
    // Too early to know: nothing is sent.
    expect(await settleReturnRequest(graphql, req("RQ-5XX"), { attemptedAt: new Date() })).toEqual({
      uncertain: expect.stringContaining("later"),
    });
    expect(sb.returnsOf(SHOP)).toEqual([]);
    const attemptedAt = new Date(Date.now() - RETURN_LANDING_MS - 1000);
    const settled = await settleReturnRequest(graphql, req("RQ-5XX"), { attemptedAt });
    expect(settled).toMatchObject({ issued: { status: "REQUESTED" } });
    expect(sb.returnsOf(SHOP)).toHaveLength(1);
    // Settling again finds it: never a second return.
    expect(await settleReturnRequest(graphql, req("RQ-5XX"), { attemptedAt })).toEqual(settled);
    expect(sb.returnsOf(SHOP)).toHaveLength(1);
  });

  it("slower than the timeout: uncertain, yet the return exists; orderReturns finds it and settling makes no second one", async () => {
    sb.faultReturns(SHOP, { mode: "slow", delayMs: 1_200, calls: 1 });
    const started = Date.now();
    expect(await requestReturn(graphql, req("RQ-SLOW"), { timeoutMs: 300 })).toEqual({ uncertain: expect.any(String) });
    expect(Date.now() - started).toBeLessThan(1_100); // aborted at the timeout
    const landed = findRequestedReturn(await orderReturns(graphql, orderGid(order)), req("RQ-SLOW"));
    expect(landed).toMatchObject({ requestRef: "RQ-SLOW", status: "REQUESTED" });
    const attemptedAt = new Date(Date.now() - RETURN_LANDING_MS - 1000); // even once the landing time has passed
    expect(await settleReturnRequest(graphql, req("RQ-SLOW"), { attemptedAt })).toEqual({
      issued: { returnId: landed!.returnId, status: "REQUESTED", name: landed!.name },
    });
    expect(sb.returnsOf(SHOP).filter((r) => r.lines[0]!.customerNote?.includes("RQ-SLOW"))).toHaveLength(1);
    // Had it been sent again, Shopify would have refused or made a second return: the units it holds are gone.
    expect(await returnableUnits(graphql, orderGid(order))).toEqual([
      { fulfillmentLineItemId: fli(order, 0), lineItemId: "9007199254790002", quantity: 2 },
      { fulfillmentLineItemId: fli(order, 1), lineItemId: "9007199254790003", quantity: 1 },
    ]);
  });

  it("a dropped connection: uncertain, and the settled status is Shopify's now (approved by the merchant meanwhile)", async () => {
    sb.faultReturns(SHOP, { mode: "drop", calls: 1 });
    expect(await requestReturn(graphql, req("RQ-DROP", 0))).toEqual({ uncertain: expect.any(String) });
    const landed = sb.returnsOf(SHOP).at(-1)!;
    await sb.merchant.approveReturn(SHOP, landed.id);
    expect(await settleReturnRequest(graphql, req("RQ-DROP", 0), { attemptedAt: new Date() })).toEqual({
      issued: { returnId: landed.id, status: "OPEN", name: landed.name },
    });
  });

  it("an uncertain approve converges when sent again", async () => {
    const { issued } = (await requestReturn(graphql, req("RQ-APPR", 0))) as { issued: { returnId: string } };
    sb.faultReturns(SHOP, { mode: "drop", calls: 1 });
    expect(await approveReturn(graphql, issued.returnId)).toEqual({ uncertain: expect.any(String) });
    expect(await approveReturn(graphql, issued.returnId)).toMatchObject({ issued: { status: "OPEN", already: true } });
  });

  it("throttled: waits for the bucket and then issues", async () => {
    sb.throttle(SHOP, { available: 0, restoreRate: 200 });
    expect(await returnableUnits(graphql, orderGid(order))).toHaveLength(1);
  });

  it("the request's returns/request webhook carries the reference, so processing can tie it to the request", async () => {
    const hook = sb.webhooksOf(SHOP).find((w) => w.topic === "returns/request" && w.body.includes("RQ-5XX"))!;
    expect(requestRefOf(parseReturn(hook.body, "returns/request").lineItems[0]!.customerNote)).toBe("RQ-5XX");
  });
});

describe("replacement draft orders", () => {
  let graphql: AdminGraphql;
  const SHOP = "returns-drafts.myshopify.com";
  beforeAll(async () => {
    graphql = await shopWith(SHOP);
  });
  const replacement = (tag: string): ReplacementDraftOrder => ({
    customerGid: `gid://shopify/Customer/${CUSTOMER}`,
    variantGid: `gid://shopify/ProductVariant/${VARIANT}`,
    quantity: 1,
    note: "Warranty claim W-1: the burr carrier cracked.",
    tag,
  });

  it("issues a draft order for the unit at no charge, for the customer, with the note and tag", async () => {
    const outcome = await createReplacementDraftOrder(graphql, replacement("pv-claim-w1"));
    const [draft] = sb.draftOrdersOf(SHOP);
    expect(outcome).toEqual({ issued: { draftOrderId: draft!.id, name: "#D1" } });
    expect(draft).toMatchObject({
      customerId: `gid://shopify/Customer/${CUSTOMER}`,
      note: "Warranty claim W-1: the burr carrier cracked.",
      tags: ["pv-claim-w1"],
      lineItems: [
        {
          variantId: `gid://shopify/ProductVariant/${VARIANT}`,
          quantity: 1,
          originalUnitPrice: "149.5",
          appliedDiscount: { valueType: "PERCENTAGE", value: 100 },
          discountedTotal: "0.0",
        },
      ],
      totalPrice: "0.0",
    });
    // purchasingEntity, never the deprecated customerId.
    const sent = sb.requests.filter((r) => r.query.includes("draftOrderCreate")).at(-1)!;
    expect(JSON.stringify(sent.variables)).toContain('"purchasingEntity":{"customerId":');
    expect(await findDraftOrderByTag(graphql, "pv-claim-w1")).toEqual([
      { draftOrderId: draft!.id, name: "#D1", status: "OPEN", createdAt: expect.any(String), orderGid: null },
    ]);
  });

  it("refused: Shopify's words for an unknown variant; a tag Shopify would refuse, here before sending", async () => {
    expect(await createReplacementDraftOrder(graphql, { ...replacement("pv-x"), variantGid: "gid://shopify/ProductVariant/77" })).toEqual({
      refused: "Product with ID 77 is no longer available.",
    });
    expect(await createReplacementDraftOrder(graphql, replacement("x".repeat(41)))).toEqual({
      refused: expect.stringContaining("1 to 40"),
    });
    expect(sb.draftOrdersOf(SHOP)).toHaveLength(1);
  });

  it("5xx: uncertain, nothing made; settling waits out the search lag, then creates once", async () => {
    sb.faultReturns(SHOP, { mode: "error", calls: 1 });
    expect(await createReplacementDraftOrder(graphql, replacement("pv-claim-w2"))).toEqual({ uncertain: expect.any(String) });
    expect(await settleReplacementDraftOrder(graphql, replacement("pv-claim-w2"), { attemptedAt: new Date() })).toEqual({
      uncertain: expect.stringContaining("later"),
    });
    expect(sb.draftOrdersOf(SHOP)).toHaveLength(1);
    const attemptedAt = new Date(Date.now() - DRAFT_ORDER_SETTLE_MS - 1000);
    const settled = await settleReplacementDraftOrder(graphql, replacement("pv-claim-w2"), { attemptedAt });
    expect(settled).toMatchObject({ issued: { name: "#D2" } });
    expect(await settleReplacementDraftOrder(graphql, replacement("pv-claim-w2"), { attemptedAt })).toEqual(settled);
    expect(sb.draftOrdersOf(SHOP)).toHaveLength(2);
  });

  it("slow, with Shopify's search lagging: not found at first (uncertain, nothing sent), found once the search shows it", async () => {
    sb.setSearchLag(SHOP, 60_000);
    sb.faultReturns(SHOP, { mode: "slow", delayMs: 1_000, calls: 1 });
    const attemptedAt = new Date();
    expect(await createReplacementDraftOrder(graphql, replacement("pv-claim-w3"), { timeoutMs: 300 })).toEqual({
      uncertain: expect.any(String),
    });
    expect(sb.draftOrdersOf(SHOP)).toHaveLength(3); // it was made
    expect(await findDraftOrderByTag(graphql, "pv-claim-w3")).toEqual([]); // but the search does not show it yet
    expect(await settleReplacementDraftOrder(graphql, replacement("pv-claim-w3"), { attemptedAt })).toEqual({
      uncertain: expect.any(String),
    });
    expect(sb.draftOrdersOf(SHOP)).toHaveLength(3);
    sb.advanceClock(61_000);
    expect(await settleReplacementDraftOrder(graphql, replacement("pv-claim-w3"), { attemptedAt })).toEqual({
      issued: { draftOrderId: sb.draftOrdersOf(SHOP)[2]!.id, name: "#D3" },
    });
    expect(sb.draftOrdersOf(SHOP)).toHaveLength(3);
    sb.resetClock();
    sb.setSearchLag(SHOP, 0);
  });

  it("a shop that did not grant write_draft_orders: refused with Shopify's access-denied message", async () => {
    const denied = await shopWith("returns-no-drafts.myshopify.com", "read_orders,write_returns");
    expect(await createReplacementDraftOrder(denied, replacement("pv-claim-w4"))).toEqual({
      refused: "Access denied for draftOrderCreate field. Required access: `write_draft_orders` access scope.",
    });
  });
});
