// Returns over HTTP with tokens as Shopify signs them, through the real stack and the Admin sandbox
// (which validates every document against the 2026-07 schema, models the return state machine and
// sends its returns/* webhooks, signed, to the app): a shopper sees what an order can return and
// why not, requests a return that Shopify holds exactly once, and our record follows Shopify's
// whichever side acted and in whatever order its webhooks arrive.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEV_SECRET, startStack, type Stack } from "./stack.ts";
import { deliver } from "./hubspot-helpers.ts";
import { shopperCall, shopperToken, until } from "./shopper-helpers.ts";
import { eventTexts, returnsKit, type ReturnsKit } from "./returns-helpers.ts";

// Each Shopify call is aborted after this; the settle job runs 3× as long after the request, and an
// unanswered request may be sent again this long after it was attempted.
const TIMEOUT_MS = 1500;
const LANDING_MS = 2500;
process.env.SHOPIFY_RETURN_TIMEOUT_MS = String(TIMEOUT_MS);
process.env.SHOPIFY_RETURN_LANDING_MS = String(LANDING_MS);

const SHOP = "returns-flow.myshopify.com";
const ANA = 9007199254780001n;
const BEA = 9007199254780002n;
const DANI = 9007199254780003n;
const GRINDER = "9007199254770001";
const BEANS = "9007199254770002"; // final sale
const DAY = 86_400_000;
let stack: Stack;

const longDate = (d: Date, locale: "es" | "en") =>
  new Intl.DateTimeFormat(locale === "es" ? "es-ES" : "en-US", { dateStyle: "long", timeZone: "UTC" }).format(d);

// The returns tests' shared calls (test/returns-helpers.ts), on this file's shop.
let kit: ReturnsKit;
const order: ReturnsKit["order"] = (...a) => kit.order(...a);
const options: ReturnsKit["options"] = (...a) => kit.options(...a);
const requestReturn: ReturnsKit["requestReturn"] = (...a) => kit.requestReturn(...a);
const myReturns: ReturnsKit["myReturns"] = (...a) => kit.myReturns(...a);
const shopifyIdOf: ReturnsKit["shopifyIdOf"] = (...a) => kit.shopifyIdOf(...a);
const redeliver: ReturnsKit["redeliver"] = (...a) => kit.redeliver(...a);
const texts = eventTexts;

beforeAll(async () => {
  stack = await startStack({ database: "returns_http" });
  kit = returnsKit(stack, SHOP, 9007199254790000n);
  await stack.installShop(SHOP);
  stack.admin.setProducts(SHOP, [
    { id: GRINDER, title: "Molinillo Baratza", productType: "Grinder", vendor: "Baratza", tags: [], variants: [] },
    { id: BEANS, title: "Café de temporada", productType: "Coffee", vendor: "Baratza", tags: ["Final-Sale"], variants: [] },
  ]);
  stack.admin.sendWebhooksTo(`${stack.url}/webhooks`, DEV_SECRET);
});

afterAll(async () => {
  stack?.admin.sendWebhooksTo(null);
  await stack?.stop();
  delete process.env.SHOPIFY_RETURN_TIMEOUT_MS;
  delete process.env.SHOPIFY_RETURN_LANDING_MS;
});

describe("a shopper returns units of their order", () => {
  let o1: Awaited<ReturnType<typeof order>>;
  let autoApproved: { id: string; requestId: string; name: string };
  let defective: { id: string; name: string };

  beforeAll(async () => {
    // Two grinders and a bag of final-sale beans shipped five days ago; the filters not yet.
    o1 = await order(
      ANA,
      [
        { title: "Molinillo Baratza", qty: 2, product: GRINDER },
        { title: "Café de temporada", qty: 1, product: BEANS },
        { title: "Filtros", qty: 1 },
      ],
      {
        shipped: [
          [0, 2],
          [1, 1],
        ],
      },
    );
  });

  it("sees what the order can return and why not, in their language", async () => {
    const deadline = new Date(o1.shippedAt.getTime() + 30 * DAY);
    const es = await options(ANA, o1.id, "es");
    expect(es.status).toBe(200);
    expect(es.headers.get("access-control-allow-origin")).toBe("*");
    expect(es.body).toMatchObject({ locale: "es", orderId: o1.id, orderName: o1.name, canRequest: true, returns: [] });
    expect(es.body.lines).toEqual([
      {
        lineItemId: o1.lines[0],
        product: "Molinillo Baratza",
        quantity: 2,
        returnableQuantity: 2,
        deadline: deadline.toISOString().slice(0, 10),
        canReturn: true,
        text: `Puedes devolverlo hasta el ${longDate(deadline, "es")}`,
      },
      expect.objectContaining({
        lineItemId: o1.lines[1],
        returnableQuantity: 0,
        canReturn: false,
        text: "Venta final: no admite devolución",
      }),
      expect.objectContaining({
        lineItemId: o1.lines[2],
        returnableQuantity: 0,
        deadline: null,
        canReturn: false,
        text: "Podrás devolverlo cuando se envíe",
      }),
    ]);
    expect(es.body.reasons.find((r: { handle: string }) => r.handle === "defective")).toEqual({
      handle: "defective",
      label: "Llegó dañado o defectuoso",
    });
    expect(es.body.outcomes).toEqual([
      { kind: "refund", label: "Reembolso", text: "Al método de pago original" },
      { kind: "store_credit", label: "Saldo en la tienda", text: "Recibe un 10 % más si eliges saldo en la tienda" },
    ]);
    expect(es.body.noteMaxLength).toBe(270);
    const en = await options(ANA, o1.id);
    expect(en.body.lines.map((l: { text: string }) => l.text)).toEqual([
      `Returnable until ${longDate(deadline, "en")}`,
      "Final sale: it cannot be returned",
      "You can return it once it ships",
    ]);
    expect(en.body.reasons.map((r: { label: string }) => r.label)).toEqual([
      "Too small",
      "Too large",
      "Changed my mind",
      "Not as described",
      "Received the wrong item",
      "Damaged or defective",
      "Other reason",
    ]);
  });

  it("answers someone else's order exactly like an unknown one", async () => {
    const stranger = await options(BEA, o1.id);
    const unknown = await options(BEA, "9007199254799999");
    expect(stranger.status).toBe(404);
    expect(stranger.body).toEqual(unknown.body);
    expect(stranger.body).toEqual({ code: "not_found", error: "We could not find that order in your account." });
    const post = await requestReturn(BEA, { orderId: o1.id, lines: [{ lineItemId: o1.lines[0], quantity: 1, reason: "unwanted" }] });
    expect(post.status).toBe(404);
    expect(stack.admin.returnsOf(SHOP, o1.id)).toHaveLength(0);
  });

  it("requests a return the rules approve at once: Shopify holds it open, once, and so do we", async () => {
    const requestId = crypto.randomUUID();
    const body = {
      orderId: `gid://shopify/Order/${o1.id}`,
      requestId,
      lines: [{ lineItemId: o1.lines[0], quantity: 1, reason: "unwanted" }],
      note: "La caja está sin abrir.",
      outcome: "store_credit",
    };
    const res = await requestReturn(ANA, body);
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      requestId,
      orderId: o1.id,
      orderName: o1.name,
      name: `${o1.name}-R1`,
      status: "open",
      statusText: "Approved: send the items back to the store",
      outcome: "store_credit",
      outcomeText: "Store credit",
      note: "La caja está sin abrir.",
      lines: [{ lineItemId: o1.lines[0], product: "Molinillo Baratza", quantity: 1, reason: "unwanted", reasonText: "Changed my mind" }],
    });
    expect(texts(res.body)).toEqual(["You asked for the return", "The store received the request", "Approved automatically"]);
    autoApproved = res.body;

    const [held] = stack.admin.returnsOf(SHOP, o1.id);
    expect(stack.admin.returnsOf(SHOP, o1.id)).toHaveLength(1);
    expect(held).toMatchObject({ status: "OPEN", name: `${o1.name}-R1`, notifyCustomer: true });
    expect(held!.lines).toEqual([
      expect.objectContaining({
        lineItemId: o1.lines[0],
        quantity: 1,
        returnReasonDefinitionId: "gid://shopify/ReturnReasonDefinition/2", // changed-my-mind
        customerNote: expect.stringMatching(/^La caja está sin abrir\. \(Postventa ref PV-[0-9A-F]{10}\)$/),
      }),
    ]);

    // Shopify's returns/request and returns/approve webhooks said what the answers said: nothing twice.
    await stack.waitForDrain();
    const [mine] = await myReturns(ANA, "es");
    expect(mine).toMatchObject({ id: res.body.id, status: "open", statusText: "Aprobada: envía los artículos a la tienda" });
    expect(texts(mine)).toEqual(["Solicitaste la devolución", "La tienda recibió la solicitud", "Aprobada automáticamente"]);
    const { rows } = await stack.pool.query(
      `SELECT status, "autoApprove", "autoApproved", "shopifyReturnId" FROM "ReturnRequest" WHERE id = $1`,
      [res.body.id],
    );
    expect(rows).toEqual([{ status: "open", autoApprove: true, autoApproved: true, shopifyReturnId: held!.id.split("/").pop() }]);

    // The same submission again (a retry, a double click): the same return, nothing sent again.
    const again = await requestReturn(ANA, body);
    expect(again.status).toBe(200);
    expect(again.body.id).toBe(res.body.id);
    expect(stack.admin.returnsOf(SHOP, o1.id)).toHaveLength(1);
  });

  it("leaves a return for a defective unit for the merchant: requested", async () => {
    const res = await requestReturn(ANA, { orderId: o1.id, lines: [{ lineItemId: o1.lines[0], quantity: 1, reason: "defective" }] }, "es");
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      status: "requested",
      statusText: "Solicitada: la tienda la revisará pronto",
      outcomeText: "Reembolso",
      note: null,
    });
    expect(texts(res.body)).toEqual(["Solicitaste la devolución", "La tienda recibió la solicitud"]);
    expect(stack.admin.returnsOf(SHOP, o1.id).map((r) => r.status)).toEqual(["OPEN", "REQUESTED"]);
    defective = res.body;
    // HubSpot: this one waits for the merchant, so it opens a ticket; the approved one only counts.
    const tickets = await stack.pool.query(
      `SELECT key, stage, state <> 'local' AS "hasTicket" FROM "HubSpotTicket" WHERE key IN ($1, $2) ORDER BY key = $1 DESC`,
      [`return:${res.body.id}`, `return:${autoApproved.id}`],
    );
    expect(tickets.rows).toEqual([
      { key: `return:${res.body.id}`, stage: "new", hasTicket: true },
      { key: `return:${autoApproved.id}`, stage: "waiting_on_contact", hasTicket: false },
    ]);
  });

  it("refuses units already in a return, final sale, not shipped, and out of the window, saying why", async () => {
    const again = await requestReturn(ANA, { orderId: o1.id, lines: [{ lineItemId: o1.lines[0], quantity: 1, reason: "unwanted" }] });
    expect(again.status).toBe(409);
    expect(again.body).toEqual({ code: "not_returnable", error: "Already in a return." });
    const final = await requestReturn(ANA, { orderId: o1.id, lines: [{ lineItemId: o1.lines[1], quantity: 1, reason: "unwanted" }] }, "es");
    expect(final.body).toEqual({ code: "not_returnable", error: "Venta final: no admite devolución." });
    const notShipped = await requestReturn(ANA, { orderId: o1.id, lines: [{ lineItemId: o1.lines[2], quantity: 1, reason: "unwanted" }] });
    expect(notShipped.body.error).toBe("You can return it once it ships.");
    const old = await order(ANA, [{ title: "Molinillo Baratza", qty: 1, product: GRINDER }], { shippedDaysAgo: 40 });
    const late = await requestReturn(ANA, { orderId: old.id, lines: [{ lineItemId: old.lines[0], quantity: 1, reason: "unwanted" }] });
    expect(late.status).toBe(409);
    expect(late.body.error).toBe(`The return window ended on ${longDate(new Date(old.shippedAt.getTime() + 30 * DAY), "en")}.`);
    expect((await options(ANA, o1.id)).body.lines[0]).toMatchObject({
      returnableQuantity: 0,
      canReturn: false,
      text: "Already in a return",
    });
    expect(stack.admin.returnsOf(SHOP, o1.id)).toHaveLength(2);
    expect(stack.admin.returnsOf(SHOP, old.id)).toHaveLength(0);
  });

  it("says what is wrong with a request it cannot read", async () => {
    const o = await order(ANA, [{ title: "Molinillo Baratza", qty: 1, product: GRINDER }]);
    const line = (over: Record<string, unknown>) => ({ lineItemId: o.lines[0], quantity: 1, reason: "unwanted", ...over });
    const tooMany = await requestReturn(ANA, { orderId: o.id, lines: [line({ quantity: 2 })] });
    expect(tooMany.status).toBe(400);
    expect(tooMany.body).toEqual({ code: "quantity", error: "You can return 1 to 1 of this item." });
    const reason = await requestReturn(ANA, { orderId: o.id, lines: [line({ reason: "bored" })] }, "es");
    expect(reason.body).toEqual({ code: "reason", error: "Elige uno de los motivos que te ofrecemos." });
    const note = await requestReturn(ANA, { orderId: o.id, lines: [line({})], note: "x".repeat(271) });
    expect(note.body).toEqual({ code: "note_too_long", error: "The note can be at most 270 characters." });
    const none = await requestReturn(ANA, { orderId: o.id, lines: [] });
    expect(none.body.code).toBe("no_lines");
    const bad = await requestReturn(ANA, { orderId: o.id, lines: [line({})], requestId: "42" });
    expect(bad.status).toBe(400);
    expect(bad.body.error).toMatch(/requestId must be a UUID/);
    expect(stack.admin.returnsOf(SHOP, o.id)).toHaveLength(0);
  });

  it("follows the merchant approving, closing and reopening in Shopify's admin", async () => {
    const gid = `gid://shopify/Return/${await shopifyIdOf(defective.id)}`;
    await stack.admin.merchant.approveReturn(SHOP, gid);
    await stack.waitForDrain();
    let mine = (await myReturns(ANA)).find((r: { id: string }) => r.id === defective.id);
    expect(mine).toMatchObject({ status: "open", statusText: "Approved: send the items back to the store" });
    expect(texts(mine)).toEqual(["You asked for the return", "The store received the request", "The store approved it"]);
    await stack.admin.merchant.closeReturn(SHOP, gid);
    await stack.admin.merchant.reopenReturn(SHOP, gid);
    await stack.waitForDrain();
    mine = (await myReturns(ANA)).find((r: { id: string }) => r.id === defective.id);
    expect(mine.status).toBe("open");
    expect(texts(mine).slice(3)).toEqual(["The return was completed", "The store reopened it"]);
    await stack.admin.merchant.closeReturn(SHOP, gid);
    await stack.waitForDrain();
    mine = (await myReturns(ANA, "es")).find((r: { id: string }) => r.id === defective.id);
    expect(mine).toMatchObject({ status: "closed", statusText: "Completada" });
    // The account page lists the shopper's returns too, newest first.
    const account = (await shopperCall(stack.url, "/api/account", shopperToken(SHOP, ANA))).body;
    expect(account.returns.map((r: { id: string }) => r.id).slice(-2)).toEqual([defective.id, autoApproved.id]);
  });

  it("follows the merchant declining in Shopify's admin, with their note to the shopper", async () => {
    const o = await order(ANA, [{ title: "Molinillo Baratza", qty: 1, product: GRINDER }]);
    const res = await requestReturn(ANA, { orderId: o.id, lines: [{ lineItemId: o.lines[0], quantity: 1, reason: "defective" }] });
    expect(res.body.status).toBe("requested");
    await stack.admin.merchant.declineReturn(SHOP, `gid://shopify/Return/${await shopifyIdOf(res.body.id)}`, {
      reason: "OTHER",
      note: "Las fotos muestran un golpe, no un defecto.",
      notifyCustomer: true,
    });
    await stack.waitForDrain();
    const mine = (await myReturns(ANA, "es")).find((r: { id: string }) => r.id === res.body.id);
    expect(mine).toMatchObject({ status: "declined", statusText: "Rechazada: Las fotos muestran un golpe, no un defecto." });
    expect(texts(mine).at(-1)).toBe("La tienda la rechazó");
    // A declined return frees its units: the shopper may ask again.
    expect((await options(ANA, o.id)).body.lines[0]).toMatchObject({ canReturn: true, returnableQuantity: 1 });
  });

  it("makes one return from concurrent submissions: the same one asked many times, or different ones for the last unit", async () => {
    const o = await order(ANA, [{ title: "Molinillo Baratza", qty: 1, product: GRINDER }]);
    const body = { orderId: o.id, lines: [{ lineItemId: o.lines[0], quantity: 1, reason: "unwanted" }] };
    const requestId = crypto.randomUUID();
    const same = await Promise.all(Array.from({ length: 4 }, () => requestReturn(ANA, { ...body, requestId })));
    expect(new Set(same.map((r) => r.body.id)).size).toBe(1);
    expect(same.filter((r) => r.status === 201)).toHaveLength(1);
    expect(same.every((r) => [200, 201, 202].includes(r.status))).toBe(true);
    const o2 = await order(ANA, [{ title: "Molinillo Baratza", qty: 1, product: GRINDER }]);
    const different = await Promise.all(
      Array.from({ length: 5 }, () =>
        requestReturn(ANA, { ...body, orderId: o2.id, lines: [{ ...body.lines[0], lineItemId: o2.lines[0] }] }),
      ),
    );
    expect(different.map((r) => r.status).sort()).toEqual([201, 409, 409, 409, 409]);
    expect(different.filter((r) => r.status === 409).map((r) => r.body.code)).toEqual(Array(4).fill("not_returnable"));
    await stack.waitForDrain();
    expect(stack.admin.returnsOf(SHOP, o.id)).toHaveLength(1);
    expect(stack.admin.returnsOf(SHOP, o2.id)).toHaveLength(1);
  });

  it("keeps each return's events append-only", async () => {
    await expect(stack.pool.query(`UPDATE "ReturnEvent" SET actor = 'merchant'`)).rejects.toThrow(/append-only/);
  });
});

describe("when Shopify refuses or does not answer", () => {
  it("marks the return failed and answers 409 when Shopify turns the request away", async () => {
    const o = await order(ANA, [{ title: "Molinillo Baratza", qty: 1, product: GRINDER }]);
    stack.admin.faultReturns(SHOP, { mode: "error", status: 403, calls: 1 });
    const requestId = crypto.randomUUID();
    const body = { orderId: o.id, requestId, lines: [{ lineItemId: o.lines[0], quantity: 1, reason: "unwanted" }] };
    const res = await requestReturn(ANA, body, "es");
    expect(res.status).toBe(409);
    expect(res.body).toEqual({
      code: "return_refused",
      error: "La tienda no pudo registrar esta devolución. Inténtalo de nuevo o contacta con la tienda.",
    });
    expect(stack.admin.returnsOf(SHOP, o.id)).toHaveLength(0);
    const mine = (await myReturns(ANA)).find((r: { requestId: string }) => r.requestId === requestId);
    expect(mine).toMatchObject({ status: "failed", statusText: "The store could not register it" });
    expect(texts(mine)).toEqual(["You asked for the return", "The store could not register it"]);
    // Asked again, the same answer; and the units are free for a new request.
    expect((await requestReturn(ANA, body)).status).toBe(409);
    expect((await options(ANA, o.id)).body.lines[0].canReturn).toBe(true);
    const retry = await requestReturn(ANA, { orderId: o.id, lines: [{ lineItemId: o.lines[0], quantity: 1, reason: "unwanted" }] });
    expect(retry.status).toBe(201);
    expect(stack.admin.returnsOf(SHOP, o.id)).toHaveLength(1);
  });

  it("keeps Shopify's own refusal when Shopify knows fewer shipped units than we do", async () => {
    // Our facts say both shipped; Shopify holds only one as fulfilled.
    const o = await order(ANA, [{ title: "Molinillo Baratza", qty: 2, product: GRINDER }], { sandboxShipped: [[0, 1]] });
    const res = await requestReturn(ANA, { orderId: o.id, lines: [{ lineItemId: o.lines[0], quantity: 2, reason: "unwanted" }] });
    expect(res.status).toBe(409);
    expect(res.body.code).toBe("return_refused");
    const { rows } = await stack.pool.query(`SELECT status, failure FROM "ReturnRequest" WHERE "shopifyOrderId" = $1`, [o.id]);
    expect(rows).toEqual([{ status: "failed", failure: "Return line item has an invalid quantity." }]);
    expect(stack.admin.returnsOf(SHOP, o.id)).toHaveLength(0);
  });

  it("on a 5xx answers 202, then the job requests it once Shopify cannot be creating it any more", async () => {
    const o = await order(ANA, [{ title: "Molinillo Baratza", qty: 1, product: GRINDER }]);
    stack.admin.faultReturns(SHOP, { mode: "error", status: 503, calls: 1 });
    const res = await requestReturn(ANA, { orderId: o.id, lines: [{ lineItemId: o.lines[0], quantity: 1, reason: "unwanted" }] });
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({ status: "requesting", statusText: "Being sent to the store…", name: null });
    expect(stack.admin.returnsOf(SHOP, o.id)).toHaveLength(0);
    const settled = await until(
      "the settle job",
      async () => (await myReturns(ANA)).find((r: { id: string }) => r.id === res.body.id),
      (r) => r.status !== "requesting" && r.status !== "requested",
    );
    expect(settled).toMatchObject({ status: "open", name: `${o.name}-R1` });
    expect(texts(settled)).toEqual(["You asked for the return", "The store received the request", "Approved automatically"]);
    expect(stack.admin.returnsOf(SHOP, o.id).map((r) => r.status)).toEqual(["OPEN"]);
  });

  it("on a timeout answers 202, and the job finds the return that landed without requesting a second", async () => {
    const o = await order(ANA, [{ title: "Molinillo Baratza", qty: 2, product: GRINDER }]);
    // No webhook tells us meanwhile: only the job's read of the order's returns can.
    stack.admin.sendWebhooksTo(null);
    try {
      stack.admin.throttle(SHOP, { available: 2000 }); // what this test times is the abort, not Shopify's rate limit
      stack.admin.faultReturns(SHOP, { mode: "slow", delayMs: TIMEOUT_MS * 2, calls: 1 });
      const t0 = Date.now();
      const res = await requestReturn(ANA, { orderId: o.id, lines: [{ lineItemId: o.lines[0], quantity: 1, reason: "wrong_item" }] });
      expect(Date.now() - t0).toBeLessThan(TIMEOUT_MS * 2 + 1000);
      expect(res.status).toBe(202);
      expect(stack.admin.returnsOf(SHOP, o.id)).toHaveLength(1); // it landed after all
      const settled = await until(
        "the settle job",
        async () => (await myReturns(ANA)).find((r: { id: string }) => r.id === res.body.id),
        (r) => r.status !== "requesting" && r.status !== "requested",
      );
      expect(settled).toMatchObject({ status: "open", name: `${o.name}-R1` });
      // Past the landing window too: still the one return.
      await new Promise((r) => setTimeout(r, LANDING_MS));
      expect(stack.admin.returnsOf(SHOP, o.id).map((r) => r.status)).toEqual(["OPEN"]);
    } finally {
      stack.admin.sendWebhooksTo(`${stack.url}/webhooks`, DEV_SECRET);
    }
  });
});

describe("returns made in Shopify, and Shopify's webhooks in any order", () => {
  it("shows a return the merchant created in Shopify's admin in the shopper's list", async () => {
    const o = await order(BEA, [{ title: "Molinillo Baratza", qty: 2, product: GRINDER }]);
    const { return: made } = await stack.admin.merchant.requestReturn(SHOP, {
      orderId: o.id,
      lines: [{ fulfillmentLineItemId: o.fli, quantity: 1, returnReason: "SIZE_TOO_LARGE", customerNote: "Pedido por teléfono" }],
    });
    await stack.waitForDrain();
    const [mine] = await myReturns(BEA);
    expect(mine).toMatchObject({
      requestId: null,
      orderId: o.id,
      name: made!.name,
      status: "requested",
      outcome: null,
      note: "Pedido por teléfono",
      lines: [{ lineItemId: o.lines[0], product: "Molinillo Baratza", quantity: 1, reason: "size_too_large", reasonText: "Too large" }],
    });
    expect(texts(mine)).toEqual(["The store opened a return"]);
    // Its units count as in a return.
    expect((await options(BEA, o.id)).body.lines[0]).toMatchObject({ returnableQuantity: 1 });
  });

  it("converges to the same state and events from Shopify's webhooks duplicated and shuffled", async () => {
    const o = await order(BEA, [{ title: "Molinillo Baratza", qty: 3, product: GRINDER }]);
    const m = stack.admin.merchant;
    const fli = o.fli;
    const kept = (
      await m.requestReturn(SHOP, { orderId: o.id, lines: [{ fulfillmentLineItemId: fli, quantity: 1, returnReason: "DEFECTIVE" }] })
    ).return!;
    await m.approveReturn(SHOP, kept.id);
    await m.closeReturn(SHOP, kept.id);
    await m.reopenReturn(SHOP, kept.id);
    await m.processReturn(SHOP, kept.id);
    await m.closeReturn(SHOP, kept.id);
    const declined = (
      await m.requestReturn(SHOP, { orderId: o.id, lines: [{ fulfillmentLineItemId: fli, quantity: 2, returnReason: "UNWANTED" }] })
    ).return!;
    await m.declineReturn(SHOP, declined.id, { reason: "RETURN_PERIOD_ENDED", note: "Fuera de plazo, Bea." });
    await stack.waitForDrain();

    const story = async () => {
      const { rows } = await stack.pool.query(
        `SELECT r."shopifyReturnId", r.name, r.status, r.note, r."declineReason", r."declineNote", r."customerId" IS NOT NULL AS "hasCustomer",
           (SELECT json_agg(json_build_object('line', l."lineItemId", 'quantity', l.quantity, 'reason', l.reason) ORDER BY l."lineItemId", l.quantity)
              FROM "ReturnRequestLine" l WHERE l."returnId" = r.id) AS lines,
           (SELECT json_agg(json_build_object('key', e.key, 'actor', e.actor, 'at', e.at, 'params', e.params) ORDER BY e.at, e.key)
              FROM "ReturnEvent" e WHERE e."returnId" = r.id) AS events
         FROM "ReturnRequest" r WHERE r.shop = $1 AND r."shopifyOrderId" = $2 ORDER BY r."shopifyReturnId"`,
        [SHOP, o.id],
      );
      return rows;
    };
    const inOrder = await story();
    expect(inOrder.map((r) => [r.name, r.status, r.declineNote])).toEqual([
      [kept.name, "closed", null],
      [declined.name, "declined", "Fuera de plazo, Bea."],
    ]);
    expect(inOrder[0].events.map((e: { key: string }) => e.key.split(":")[0])).toEqual([
      "requested",
      "approved",
      "closed",
      "reopened",
      "processed",
      "closed",
    ]);
    expect(inOrder[1].events.map((e: { key: string; params: unknown }) => [e.key, e.params])).toEqual([
      ["requested", {}],
      ["declined", { reason: "RETURN_PERIOD_ENDED" }],
    ]);

    const hooks = stack.admin.webhooksOf(SHOP).filter((w) => [kept.id, declined.id].some((id) => w.body.includes(`"${id}"`)));
    expect(hooks).toHaveLength(8);
    for (const seed of [1, 2, 3]) {
      await stack.pool.query(`DELETE FROM "ReturnRequest" WHERE shop = $1 AND "shopifyOrderId" = $2`, [SHOP, o.id]);
      // Every body again, some twice, in a shuffled order: as Shopify's retries and a slow queue deliver them.
      await redeliver(shuffle([...hooks, ...hooks.filter((_, i) => (i + seed) % 2 === 0)], seed));
      await stack.waitForDrain();
      expect(await story()).toEqual(inOrder);
    }
  });
});

function shuffle<T>(xs: T[], seed: number): T[] {
  const out = [...xs];
  let s = seed * 9301 + 49297;
  for (let i = out.length - 1; i > 0; i--) {
    s = (s * 9301 + 49297) % 233280;
    const j = Math.floor((s / 233280) * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

describe("privacy", () => {
  it("customers/redact empties the shopper's note and the merchant's decline note; the return stays", async () => {
    const o = await order(DANI, [{ title: "Molinillo Baratza", qty: 1, product: GRINDER }]);
    const res = await requestReturn(DANI, {
      orderId: o.id,
      lines: [{ lineItemId: o.lines[0], quantity: 1, reason: "defective" }],
      note: "Llamadme al 600 111 222, soy Daniela Ruiz",
    });
    await stack.admin.merchant.declineReturn(SHOP, `gid://shopify/Return/${await shopifyIdOf(res.body.id)}`, {
      reason: "OTHER",
      note: "Daniela, no vemos el defecto.",
    });
    await stack.waitForDrain();
    await deliver(stack.url, SHOP, "customers/redact", {
      shop_id: 1,
      shop_domain: SHOP,
      customer: { id: DANI, email: `c${DANI}@example.com` },
      orders_to_redact: [BigInt(o.id)],
    });
    await stack.waitForDrain();
    const { rows } = await stack.pool.query(
      `SELECT status, note, "declineNote", (SELECT count(*)::int FROM "ReturnRequestLine" l WHERE l."returnId" = r.id) AS lines FROM "ReturnRequest" r WHERE id = $1`,
      [res.body.id],
    );
    expect(rows).toEqual([{ status: "declined", note: null, declineNote: null, lines: 1 }]);
    const dump = (
      await stack.pool.query(
        `SELECT string_agg(t, ' ') AS all FROM (SELECT row_to_json(r)::text AS t FROM "ReturnRequest" r UNION ALL SELECT row_to_json(e)::text FROM "ReturnEvent" e
           UNION ALL SELECT payload FROM "WebhookDelivery" WHERE shop = '${SHOP}') s`,
      )
    ).rows[0].all as string;
    expect(dump).not.toMatch(/Daniela|600 111 222/);
  });
});
