// The Admin sandbox's returns: orders seeded by the test, returnable fulfillments, return reason
// definitions, the return state machine with Shopify's userErrors, draft orders, faults, and the
// sandbox acting as the merchant and as Shopify's returns/* webhooks.
import { createServer, type Server } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { adminGraphql, startAdminSandbox, type AdminSandbox, type SandboxOrder } from "./admin-graphql.ts";
import { webhookHmac } from "./signing.ts";
import { parseReturn, type ReturnTopic } from "../../../integrations/shopify/payloads.ts";

const SHOP = "returns-sandbox.myshopify.com";
const TOKEN = "shpat_returns_sandbox";
const SCOPES = "read_orders,read_products,write_returns,write_draft_orders";
const ORDER = "9007199254740993";
const LINE_A = "9007199254741001"; // 2 units, both fulfilled
const LINE_B = "9007199254741003"; // 3 units, 2 fulfilled
const CUSTOMER = "9007199254741111";
const VARIANT = "9007199254742001";

let sb: AdminSandbox;
let order: SandboxOrder;
let fliA: string;
let fliB: string;
const q = (query: string, variables?: Record<string, unknown>, shop = SHOP, token = TOKEN) =>
  adminGraphql(sb, shop, token, query, variables);

const RETURNABLE = `query($orderId: ID!) { returnableFulfillments(orderId: $orderId, first: 10) { nodes { id fulfillment { id }
  returnableFulfillmentLineItems(first: 10) { nodes { quantity fulfillmentLineItem { id quantity lineItem { id title } } } } } } }`;
const REQUEST = `mutation($input: ReturnRequestInput!) { returnRequest(input: $input) { return { id name status totalQuantity
  returnLineItems(first: 5) { nodes { ... on ReturnLineItem { quantity customerNote returnReasonDefinition { handle } fulfillmentLineItem { id } } } } }
  userErrors { field message code } } }`;
const APPROVE = `mutation($input: ReturnApproveRequestInput!) { returnApproveRequest(input: $input) { return { id status } userErrors { field message code } } }`;
const DECLINE = `mutation($input: ReturnDeclineRequestInput!) { returnDeclineRequest(input: $input) { return { id status decline { reason note } } userErrors { field message code } } }`;
const MOVE = (m: "returnCancel" | "returnClose" | "returnReopen") =>
  `mutation($id: ID!) { ${m}(id: $id) { return { id status closedAt } userErrors { field message code } } }`;
const DRAFT = `mutation($input: DraftOrderInput!) { draftOrderCreate(input: $input) { draftOrder { id name status tags note2 totalPriceSet { shopMoney { amount currencyCode } }
  lineItems(first: 5) { nodes { quantity appliedDiscount { valueType value } } } } userErrors { field message } } }`;

const returnable = async () => {
  const { body } = await q(RETURNABLE, { orderId: `gid://shopify/Order/${ORDER}` });
  return Object.fromEntries(
    body.data.returnableFulfillments.nodes.flatMap((f: any) =>
      f.returnableFulfillmentLineItems.nodes.map((n: any) => [n.fulfillmentLineItem.id.split("/").pop(), n.quantity]),
    ),
  ) as Record<string, number>;
};
const line = (fli: string, quantity: number, extra: Record<string, unknown> = {}) => ({
  fulfillmentLineItemId: `gid://shopify/FulfillmentLineItem/${fli}`,
  quantity,
  returnReasonDefinitionId: "gid://shopify/ReturnReasonDefinition/6",
  ...extra,
});
const request = async (...lines: Array<Record<string, unknown>>) =>
  (await q(REQUEST, { input: { orderId: `gid://shopify/Order/${ORDER}`, returnLineItems: lines } })).body.data.returnRequest;

beforeAll(async () => {
  sb = await startAdminSandbox({ scopes: SCOPES, restoreRate: 100_000 }); // throttling is rewards' and the module tests' business
  sb.addShop(SHOP, TOKEN);
  sb.setProducts(SHOP, [
    {
      id: "9007199254743001",
      title: "Grinder",
      productType: "Grinder",
      vendor: "Baratza",
      tags: [],
      variants: [{ id: VARIANT, title: "Black", sku: "GR-1", price: "149.50" }],
    },
  ]);
  order = sb.addOrder(SHOP, {
    id: ORDER,
    name: "#1001",
    customerId: CUSTOMER,
    lineItems: [
      { id: LINE_A, variantId: VARIANT, productId: "9007199254743001", quantity: 2, title: "Grinder" },
      { id: LINE_B, quantity: 3, title: "Filters" },
    ],
    fulfillments: [
      {
        id: "9007199254744001",
        lineItems: [
          { lineItemId: LINE_A, quantity: 2 },
          { lineItemId: LINE_B, quantity: 2 },
        ],
      },
    ],
  });
  [fliA, fliB] = order.fulfillments[0]!.lineItems.map((l) => l.id) as [string, string];
});
afterAll(async () => sb?.close());

describe("admin sandbox: returnable fulfillments and reasons", () => {
  it("lists the order's fulfilled units as returnable, with fulfillment line item ids beyond 2^53", async () => {
    expect(BigInt(fliA)).toBeGreaterThan(2n ** 53n);
    const { body } = await q(RETURNABLE, { orderId: `gid://shopify/Order/${ORDER}` });
    expect(body.data.returnableFulfillments.nodes).toEqual([
      {
        id: "gid://shopify/ReturnableFulfillment/9007199254744001",
        fulfillment: { id: "gid://shopify/Fulfillment/9007199254744001" },
        returnableFulfillmentLineItems: {
          nodes: [
            {
              quantity: 2,
              fulfillmentLineItem: {
                id: `gid://shopify/FulfillmentLineItem/${fliA}`,
                quantity: 2,
                lineItem: { id: `gid://shopify/LineItem/${LINE_A}`, title: "Grinder" },
              },
            },
            {
              quantity: 2,
              fulfillmentLineItem: {
                id: `gid://shopify/FulfillmentLineItem/${fliB}`,
                quantity: 2,
                lineItem: { id: `gid://shopify/LineItem/${LINE_B}`, title: "Filters" },
              },
            },
          ],
        },
      },
    ]);
    // An unknown order has none.
    expect((await q(RETURNABLE, { orderId: "gid://shopify/Order/1" })).body.data.returnableFulfillments.nodes).toEqual([]);
  });

  it("lists return reason definitions (handles, deleted ones filterable), and the line's suggested ones", async () => {
    const { body } = await q(`{ returnReasonDefinitions(first: 50, query: "deleted:false") { nodes { id handle name deleted } } }`);
    const handles = body.data.returnReasonDefinitions.nodes.map((d: any) => d.handle);
    expect(handles.slice(0, 6)).toEqual([
      "unknown",
      "changed-my-mind",
      "item-not-as-described",
      "received-the-wrong-item",
      "other-reason",
      "damaged-or-defective",
    ]);
    expect(handles).not.toContain("arrived-late");
    expect(body.data.returnReasonDefinitions.nodes[5]).toEqual({
      id: "gid://shopify/ReturnReasonDefinition/6",
      handle: "damaged-or-defective",
      name: "Damaged or defective",
      deleted: false,
    });
    const one = await q(`{ returnReasonDefinitions(first: 5, handles: ["too-big"]) { nodes { id } } }`);
    expect(one.body.data.returnReasonDefinitions.nodes).toEqual([{ id: "gid://shopify/ReturnReasonDefinition/8" }]);
    const suggested = await q(
      `query($id: ID!) { order(id: $id) { lineItems(first: 5) { nodes { suggestedReturnReasonDefinitions(first: 10) { nodes { handle } } } } } }`,
      {
        id: `gid://shopify/Order/${ORDER}`,
      },
    );
    expect(suggested.body.data.order.lineItems.nodes[0].suggestedReturnReasonDefinitions.nodes.map((d: any) => d.handle)).toContain(
      "damaged-or-defective",
    );
  });

  it("answers ACCESS_DENIED without read_returns / write_returns", async () => {
    const shop = "returns-no-scope.myshopify.com";
    sb.addShop(shop, "shpat_noscope", { scopes: "read_orders" });
    const read = await q(RETURNABLE, { orderId: `gid://shopify/Order/${ORDER}` }, shop, "shpat_noscope");
    expect(read.body.errors[0]).toMatchObject({
      message: "Access denied for returnableFulfillments field. Required access: `read_returns` access scope.",
      extensions: { code: "ACCESS_DENIED" },
    });
    const write = await q(
      REQUEST,
      { input: { orderId: `gid://shopify/Order/${ORDER}`, returnLineItems: [line(fliA, 1)] } },
      shop,
      "shpat_noscope",
    );
    expect(write.body.errors[0].message).toBe("Access denied for returnRequest field. Required access: `write_returns` access scope.");
  });
});

describe("admin sandbox: the return state machine", () => {
  it("returnRequest refuses what Shopify refuses, and creates nothing", async () => {
    const before = sb.returnsOf(SHOP).length;
    expect((await request(line(fliA, 3))).userErrors).toEqual([
      { field: ["input", "returnLineItems", "0", "quantity"], message: "Return line item has an invalid quantity.", code: "INVALID" },
    ]);
    expect((await request(line(fliA, 0))).userErrors[0].message).toBe("Return line item has an invalid quantity.");
    // Two lines asking for the same units count together.
    expect((await request(line(fliA, 1), line(fliA, 2))).userErrors).toEqual([
      { field: ["input", "returnLineItems", "1", "quantity"], message: "Return line item has an invalid quantity.", code: "INVALID" },
    ]);
    expect((await request(line(fliA, 1), line("123", 1))).userErrors).toEqual([
      {
        field: ["input", "returnLineItems", "1", "fulfillmentLineItemId"],
        message: "Fulfillment Line Item was not found.",
        code: "NOT_FOUND",
      },
    ]);
    expect((await request({ fulfillmentLineItemId: `gid://shopify/FulfillmentLineItem/${fliA}`, quantity: 1 })).userErrors).toEqual([
      { field: ["input", "returnLineItems", "0", "returnReason"], message: "Return reason can't be blank", code: "BLANK" },
    ]);
    expect((await request(line(fliA, 1, { customerNote: "x".repeat(301) }))).userErrors[0]).toMatchObject({
      field: ["input", "returnLineItems", "0", "customerNote"],
      code: "TOO_LONG",
    });
    expect(
      (await request(line(fliA, 1, { returnReasonDefinitionId: "gid://shopify/ReturnReasonDefinition/999" }))).userErrors[0].code,
    ).toBe("NOT_FOUND");
    const otherOrder = (await q(REQUEST, { input: { orderId: "gid://shopify/Order/1", returnLineItems: [line(fliA, 1)] } })).body.data
      .returnRequest;
    expect(otherOrder.userErrors[0].message).toBe("Fulfillment Line Item was not found.");
    expect(sb.returnsOf(SHOP)).toHaveLength(before);
  });

  it("returnRequest → REQUESTED, named after the order, holding its units; approve → OPEN; approve again is refused", async () => {
    const requested = await request(line(fliA, 1, { customerNote: "Stopped grinding [PV-1]" }));
    expect(requested.userErrors).toEqual([]);
    expect(requested.return).toMatchObject({
      name: "#1001-R1",
      status: "REQUESTED",
      totalQuantity: 1,
      returnLineItems: {
        nodes: [
          {
            quantity: 1,
            customerNote: "Stopped grinding [PV-1]",
            returnReasonDefinition: { handle: "damaged-or-defective" },
            fulfillmentLineItem: { id: `gid://shopify/FulfillmentLineItem/${fliA}` },
          },
        ],
      },
    });
    expect(await returnable()).toEqual({ [fliA]: 1, [fliB]: 2 });
    const id = requested.return.id;
    expect((await q(APPROVE, { input: { id, notifyCustomer: false } })).body.data.returnApproveRequest).toEqual({
      return: { id, status: "OPEN" },
      userErrors: [],
    });
    expect((await q(APPROVE, { input: { id } })).body.data.returnApproveRequest).toEqual({
      return: null,
      userErrors: [
        {
          field: ["input", "id"],
          message: "Return is not approvable. Only returns with status REQUESTED can be approved.",
          code: "INVALID_STATE",
        },
      ],
    });
    expect((await q(DECLINE, { input: { id, declineReason: "OTHER" } })).body.data.returnDeclineRequest.userErrors).toEqual([
      {
        field: ["input", "id"],
        message: "Return is not declinable. Only non-refunded returns with status REQUESTED can be declined.",
        code: "INVALID_STATE",
      },
    ]);
    expect((await q(APPROVE, { input: { id: "gid://shopify/Return/42" } })).body.data.returnApproveRequest.userErrors).toEqual([
      { field: ["input", "id"], message: "Return not found.", code: "NOT_FOUND" },
    ]);
    expect(sb.returnsOf(SHOP, ORDER).find((r) => r.id === id)).toMatchObject({
      status: "OPEN",
      notifyCustomer: false,
      requestApprovedAt: expect.any(String),
    });
  });

  it("decline → DECLINED with its reason and note, frees the units; declining again says so; a note over 500 is refused", async () => {
    const { return: ret } = await request(line(fliB, 2));
    expect(await returnable()).toEqual({ [fliA]: 1 });
    expect(
      (await q(DECLINE, { input: { id: ret.id, declineReason: "FINAL_SALE", declineNote: "x".repeat(501) } })).body.data
        .returnDeclineRequest.userErrors[0],
    ).toMatchObject({
      field: ["input", "declineNote"],
      code: "TOO_LONG",
    });
    const declined = (
      await q(DECLINE, { input: { id: ret.id, declineReason: "FINAL_SALE", declineNote: "Filters are final sale.", notifyCustomer: true } })
    ).body.data.returnDeclineRequest;
    expect(declined).toEqual({
      return: { id: ret.id, status: "DECLINED", decline: { reason: "FINAL_SALE", note: "Filters are final sale." } },
      userErrors: [],
    });
    expect((await q(DECLINE, { input: { id: ret.id, declineReason: "OTHER" } })).body.data.returnDeclineRequest.userErrors).toEqual([
      { field: ["input", "id"], message: "The return is already declined.", code: "INVALID_STATE" },
    ]);
    expect((await q(APPROVE, { input: { id: ret.id } })).body.data.returnApproveRequest.userErrors[0].code).toBe("INVALID_STATE");
    // An unknown decline reason is refused by the schema before anything runs.
    expect((await q(DECLINE, { input: { id: ret.id, declineReason: "BANANAS" } })).body.errors[0].extensions.code).toBe("INVALID_VARIABLE");
    expect(await returnable()).toEqual({ [fliA]: 1, [fliB]: 2 });
  });

  it("close, reopen and cancel: allowed moves, idempotent repeats and Shopify's refusals", async () => {
    const [open] = sb.returnsOf(SHOP, ORDER).filter((r) => r.status === "OPEN");
    const move = async (m: "returnCancel" | "returnClose" | "returnReopen", id: string) => (await q(MOVE(m), { id })).body.data[m];
    const { return: requested } = await request(line(fliB, 1));
    expect(await move("returnClose", requested.id)).toEqual({
      return: null,
      userErrors: [{ field: ["id"], message: "Return status is invalid.", code: "INVALID_STATE" }],
    });
    expect(await move("returnReopen", requested.id)).toMatchObject({ userErrors: [{ message: "Return status is invalid." }] });
    expect(await move("returnClose", open!.id)).toMatchObject({
      return: { status: "CLOSED", closedAt: expect.any(String) },
      userErrors: [],
    });
    expect(await move("returnClose", open!.id)).toMatchObject({ return: { status: "CLOSED" }, userErrors: [] });
    expect(await move("returnCancel", open!.id)).toMatchObject({
      userErrors: [{ field: ["id"], message: "Return is not cancelable.", code: "INVALID_STATE" }],
    });
    expect(await move("returnReopen", open!.id)).toMatchObject({ return: { status: "OPEN", closedAt: null }, userErrors: [] });
    expect(await move("returnCancel", requested.id)).toMatchObject({ return: { status: "CANCELED" }, userErrors: [] });
    expect(await move("returnCancel", requested.id)).toMatchObject({ return: { status: "CANCELED" }, userErrors: [] });
    expect(await move("returnCancel", "gid://shopify/Return/42")).toEqual({
      return: null,
      userErrors: [{ field: ["id"], message: "Return not found.", code: "NOT_FOUND" }],
    });
    // Processed units cannot be canceled.
    expect((await sb.merchant.processReturn(SHOP, open!.id)).userErrors).toEqual([]);
    expect(await move("returnCancel", open!.id)).toMatchObject({ userErrors: [{ message: "Return is not cancelable." }] });
  });

  it("the order reads its returns back (status, lines, decline) and its aggregated return status", async () => {
    const { body } = await q(
      `query($id: ID!) { order(id: $id) { name returnStatus returns(first: 10) { nodes { id name status decline { reason } returnLineItems(first: 5) { nodes { quantity } } } } } }`,
      { id: `gid://shopify/Order/${ORDER}` },
    );
    expect(body.data.order.name).toBe("#1001");
    expect(body.data.order.returns.nodes.map((r: any) => [r.name, r.status])).toEqual([
      ["#1001-R1", "OPEN"],
      ["#1001-R2", "DECLINED"],
      ["#1001-R3", "CANCELED"],
    ]);
    expect(body.data.order.returnStatus).toBe("IN_PROGRESS");
    const one = await q(`query($id: ID!) { return(id: $id) { name order { id } } }`, { id: body.data.order.returns.nodes[1].id });
    expect(one.body.data.return).toEqual({ name: "#1001-R2", order: { id: `gid://shopify/Order/${ORDER}` } });
    expect((await q(`{ order(id: "gid://shopify/Order/5") { id } }`)).body.data.order).toBeNull();
  });
});

describe("admin sandbox: draft orders", () => {
  it("draftOrderCreate stores a replacement at no charge (a 100% line discount), found by id at once", async () => {
    const { body } = await q(DRAFT, {
      input: {
        purchasingEntity: { customerId: `gid://shopify/Customer/${CUSTOMER}` },
        lineItems: [
          {
            variantId: `gid://shopify/ProductVariant/${VARIANT}`,
            quantity: 1,
            appliedDiscount: { valueType: "PERCENTAGE", value: 100, title: "Warranty replacement" },
          },
        ],
        note: "Warranty claim W-1",
        tags: ["pv-claim-w1"],
      },
    });
    expect(body.data.draftOrderCreate).toEqual({
      draftOrder: {
        id: expect.stringMatching(/^gid:\/\/shopify\/DraftOrder\/\d+$/),
        name: "#D1",
        status: "OPEN",
        tags: ["pv-claim-w1"],
        note2: "Warranty claim W-1",
        totalPriceSet: { shopMoney: { amount: "0.0", currencyCode: "USD" } },
        lineItems: { nodes: [{ quantity: 1, appliedDiscount: { valueType: "PERCENTAGE", value: 100 } }] },
      },
      userErrors: [],
    });
    expect(sb.draftOrdersOf(SHOP)[0]).toMatchObject({
      customerId: `gid://shopify/Customer/${CUSTOMER}`,
      lineItems: [{ variantId: `gid://shopify/ProductVariant/${VARIANT}`, originalUnitPrice: "149.5", discountedTotal: "0.0" }],
      totalPrice: "0.0",
    });
    const byId = await q(`query($id: ID!) { draftOrder(id: $id) { name } }`, { id: body.data.draftOrderCreate.draftOrder.id });
    expect(byId.body.data.draftOrder).toEqual({ name: "#D1" });
  });

  it("refuses what Shopify refuses, with its messages", async () => {
    const create = async (input: Record<string, unknown>) => (await q(DRAFT, { input })).body.data.draftOrderCreate.userErrors;
    const item = { variantId: `gid://shopify/ProductVariant/${VARIANT}`, quantity: 1 };
    expect(await create({ lineItems: [] })).toEqual([{ field: null, message: "Add at least 1 product" }]);
    expect(await create({ lineItems: [{ ...item, quantity: 0 }] })).toEqual([
      { field: ["lineItems", "0", "quantity"], message: "Quantity must be greater than or equal to 1" },
    ]);
    expect(await create({ lineItems: [{ ...item, appliedDiscount: { valueType: "PERCENTAGE", value: 101 } }] })).toEqual([
      { field: ["lineItems", "0", "appliedDiscount", "value"], message: "Applied discount value must be less than or equal to 100%" },
    ]);
    expect(await create({ lineItems: [{ ...item, variantId: "gid://shopify/ProductVariant/77" }] })).toEqual([
      { field: null, message: "Product with ID 77 is no longer available." },
    ]);
    expect(await create({ lineItems: [item], tags: ["x".repeat(41)] })).toEqual([
      { field: ["tags", "0"], message: "Title Tag exceeds the maximum length of 40 characters" },
    ]);
    expect(sb.draftOrdersOf(SHOP)).toHaveLength(1);
  });

  it("draftOrders(query: tag:) is a search: a new draft is found only once the shop's search lag has passed", async () => {
    const search = async (tag: string) =>
      (await q(`query($q: String!) { draftOrders(first: 5, query: $q) { nodes { name } } }`, { q: `tag:${tag}` })).body.data.draftOrders
        .nodes;
    expect(await search("pv-claim-w1")).toEqual([{ name: "#D1" }]);
    sb.setSearchLag(SHOP, 60_000);
    await q(DRAFT, {
      input: { lineItems: [{ variantId: `gid://shopify/ProductVariant/${VARIANT}`, quantity: 1 }], tags: ["pv-claim-w2"] },
    });
    expect(await search("pv-claim-w2")).toEqual([]);
    sb.advanceClock(61_000);
    expect(await search("PV-CLAIM-W2")).toEqual([{ name: "#D2" }]);
    sb.resetClock();
    sb.setSearchLag(SHOP, 0);
  });
});

describe("admin sandbox: acting as the merchant and as Shopify's webhooks", () => {
  let receiver: Server;
  const received: Array<{ topic: string; shop: string; hmac: string; eventId: string; body: string }> = [];
  const SECRET = "returns-webhook-secret";
  beforeAll(async () => {
    receiver = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        received.push({
          topic: String(req.headers["x-shopify-topic"]),
          shop: String(req.headers["x-shopify-shop-domain"]),
          hmac: String(req.headers["x-shopify-hmac-sha256"]),
          eventId: String(req.headers["x-shopify-event-id"]),
          body: Buffer.concat(chunks).toString("utf8"),
        });
        res.end("ok");
      });
    });
    await new Promise<void>((r) => receiver.listen(0, "127.0.0.1", () => r()));
    const port = (receiver.address() as { port: number }).port;
    sb.sendWebhooksTo(`http://127.0.0.1:${port}/webhooks`, SECRET);
  });
  afterAll(async () => {
    sb.sendWebhooksTo(null);
    await new Promise((r) => receiver.close(r));
  });

  it("each change, by the app or the merchant, is delivered once as its signed returns/* webhook in Shopify's shape", async () => {
    received.length = 0;
    const { return: ret } = await request(line(fliB, 1)); // the app asks
    await sb.webhooksSettled();
    expect(await sb.merchant.approveReturn(SHOP, ret.id)).toMatchObject({ return: { status: "OPEN" }, userErrors: [] });
    expect(await sb.merchant.closeReturn(SHOP, ret.id)).toMatchObject({ return: { status: "CLOSED" } });
    expect(await sb.merchant.reopenReturn(SHOP, ret.id)).toMatchObject({ return: { status: "OPEN" } });
    expect(await sb.merchant.processReturn(SHOP, ret.id)).toMatchObject({ return: { status: "OPEN" } });
    // A refused action changes nothing and announces nothing.
    expect(await sb.merchant.approveReturn(SHOP, ret.id)).toMatchObject({ return: null, userErrors: [{ code: "INVALID_STATE" }] });
    const { return: second } = await sb.merchant.requestReturn(SHOP, {
      orderId: ORDER,
      lines: [{ fulfillmentLineItemId: fliA, quantity: 1, returnReason: "UNWANTED" }],
    });
    await sb.merchant.declineReturn(SHOP, second!.id, { reason: "RETURN_PERIOD_ENDED", note: "Past 30 days." });
    const { return: third } = await sb.merchant.requestReturn(SHOP, {
      orderId: ORDER,
      lines: [{ fulfillmentLineItemId: fliA, quantity: 1, returnReasonDefinitionId: "gid://shopify/ReturnReasonDefinition/2" }],
    });
    await sb.merchant.cancelReturn(SHOP, third!.id);

    expect(received.map((r) => r.topic)).toEqual([
      "returns/request",
      "returns/approve",
      "returns/close",
      "returns/reopen",
      "returns/process",
      "returns/request",
      "returns/decline",
      "returns/request",
      "returns/cancel",
    ]);
    for (const r of received) {
      expect(r.shop).toBe(SHOP);
      expect(r.hmac).toBe(webhookHmac(SECRET, r.body));
      const facts = parseReturn(r.body, r.topic as ReturnTopic); // in its topic's shape and state
      expect(facts.gid).toBe([ret.id, second!.id, third!.id].find((id) => id === facts.gid));
    }
    expect(new Set(received.map((r) => r.eventId)).size).toBe(received.length);
    const approve = parseReturn(received[1]!.body, "returns/approve");
    expect(approve).toMatchObject({
      orderId: ORDER,
      status: "OPEN",
      name: ret.name,
      lineItems: [{ fulfillmentLineItemId: fliB, lineItemId: LINE_B, quantity: 1, returnReason: "DEFECTIVE" }],
    });
    expect(received[1]!.body).toContain(`"line_item":{"id":${LINE_B},`); // bare JSON numbers, every digit kept
    expect(parseReturn(received[6]!.body, "returns/decline")).toMatchObject({
      orderId: null,
      declineReason: "RETURN_PERIOD_ENDED",
      declineNote: "Past 30 days.",
    });
    expect(parseReturn(received[8]!.body, "returns/cancel")).toMatchObject({ orderId: ORDER, status: "CANCELED" });
    expect(parseReturn(received[5]!.body, "returns/request").lineItems[0]!.returnReason).toBe("UNWANTED");
    expect(parseReturn(received[7]!.body, "returns/request").lineItems[0]!.returnReason).toBe("UNWANTED"); // changed-my-mind, in the legacy enum
    expect(
      sb
        .webhooksOf(SHOP)
        .slice(-9)
        .map((w) => w.status),
    ).toEqual(Array(9).fill(200));
  });

  it("without a target the webhooks are still recorded, for the test to deliver as it likes", async () => {
    sb.sendWebhooksTo(null);
    const count = received.length;
    const { return: ret } = await sb.merchant.requestReturn(SHOP, {
      orderId: ORDER,
      lines: [{ fulfillmentLineItemId: fliA, quantity: 1, returnReason: "COLOR" }],
    });
    const last = sb.webhooksOf(SHOP).at(-1)!;
    expect(last).toMatchObject({ topic: "returns/request", shop: SHOP, status: null });
    expect(parseReturn(last.body, "returns/request").gid).toBe(ret!.id);
    expect(received).toHaveLength(count);
    expect(() => sb.sendWebhooksTo("http://127.0.0.1:1/")).toThrow(/secret/);
    await sb.merchant.cancelReturn(SHOP, ret!.id);
  });
});

describe("admin sandbox: returns faults", () => {
  const shop = "returns-faults.myshopify.com";
  const token = "shpat_faults";
  let fli: string;
  beforeAll(() => {
    sb.addShop(shop, token);
    const o = sb.addOrder(shop, {
      id: "9007199254745001",
      lineItems: [{ id: "9007199254745003", quantity: 5, title: "Mug" }],
      fulfillments: [{ id: "9007199254745005", lineItems: [{ lineItemId: "9007199254745003", quantity: 5 }] }],
    });
    fli = o.fulfillments[0]!.lineItems[0]!.id;
  });
  const ask = (signal?: AbortSignal) =>
    fetch(sb.graphqlUrl(shop), {
      method: "POST",
      headers: { "Content-Type": "application/json", "X-Shopify-Access-Token": token },
      body: JSON.stringify({
        query: REQUEST,
        variables: { input: { orderId: "gid://shopify/Order/9007199254745001", returnLineItems: [line(fli, 1)] } },
      }),
      signal,
    });

  it("error: 5xx and nothing requested; other documents and later calls answer as usual", async () => {
    sb.faultReturns(shop, { mode: "error", status: 502, calls: 1 });
    expect((await ask()).status).toBe(502);
    expect(sb.returnsOf(shop)).toEqual([]);
    expect((await q(RETURNABLE, { orderId: "gid://shopify/Order/9007199254745001" }, shop, token)).status).toBe(200);
    expect((await ask()).status).toBe(200);
    expect(sb.returnsOf(shop)).toHaveLength(1);
  });

  it("slow: requested at once, answered late; drop: requested, connection closed", async () => {
    sb.faultReturns(shop, { mode: "slow", delayMs: 800, calls: 1 });
    await expect(ask(AbortSignal.timeout(200))).rejects.toThrow();
    expect(sb.returnsOf(shop)).toHaveLength(2);
    sb.faultReturns(shop, { mode: "drop", calls: 1 });
    await expect(ask()).rejects.toThrow();
    expect(sb.returnsOf(shop)).toHaveLength(3);
    expect(sb.webhooksOf(shop).map((w) => w.topic)).toEqual(["returns/request", "returns/request", "returns/request"]);
  });
});
