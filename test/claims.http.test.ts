// Warranty claims over HTTP with tokens as Shopify signs them: a shopper claims only their own
// active units, once per unit at a time; the merchant's workflow is shown back in their language.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startStack, type Stack } from "./stack.ts";
import { deliver, paidOrder } from "./hubspot-helpers.ts";
import { shopperCall, shopperToken } from "./shopper-helpers.ts";

const SHOP = "claims-test.myshopify.com";
const ANA = 9007199254760001n;
const BEA = 9007199254760002n;
let stack: Stack;
let actOnClaim: typeof import("../app/warranty/claims.server.ts").actOnClaim;

function fulfilledOrder(id: bigint, customer: bigint, email: string) {
  const order = paidOrder(id, { id: customer, email }, "300.00");
  const at = new Date(Date.now() - 5 * 86_400_000).toISOString();
  return {
    ...order,
    fulfillment_status: "fulfilled",
    fulfillments: [
      { id: id * 7n, status: "success", created_at: at, line_items: order.line_items.map((l) => ({ id: l.id, quantity: l.quantity })) },
    ],
  };
}

beforeAll(async () => {
  stack = await startStack({ database: "claims_http" });
  await stack.installShop(SHOP);
  await deliver(stack.url, SHOP, "orders/paid", paidOrder(9101n, { id: ANA, email: "ana@example.com" }, "300.00"));
  await deliver(stack.url, SHOP, "orders/fulfilled", fulfilledOrder(9101n, ANA, "ana@example.com"));
  await deliver(stack.url, SHOP, "orders/paid", paidOrder(9102n, { id: ANA, email: "ana@example.com" }, "80.00")); // not shipped yet
  await deliver(stack.url, SHOP, "orders/paid", paidOrder(9103n, { id: BEA, email: "bea@example.com" }, "50.00"));
  await stack.waitForDrain();
  ({ actOnClaim } = await import("../app/warranty/claims.server.ts"));
});

afterAll(async () => {
  await stack?.stop();
});

const ana = () => shopperToken(SHOP, ANA);
const account = async (token: string, locale = "en") => (await shopperCall(stack.url, "/api/account", token, { locale })).body;
const claim = (token: string, body: unknown, locale = "en") => shopperCall(stack.url, "/api/claims", token, { body, locale });

describe("a shopper claims a unit", () => {
  let active: { id: string };
  let pending: { id: string };

  beforeAll(async () => {
    const view = await account(ana());
    active = view.warranties.find((w: { orderName: string }) => w.orderName === "#9101");
    pending = view.warranties.find((w: { orderName: string }) => w.orderName === "#9102");
    expect(active).toMatchObject({ status: "active", canClaim: true, claimUnavailableText: null, openClaimId: null });
    expect(pending).toMatchObject({
      status: "pending_fulfillment",
      canClaim: false,
      claimUnavailableText: "You can claim it once it ships",
    });
  });

  it("opens one claim per click, and says why a second claim on the unit waits", async () => {
    const requestId = crypto.randomUUID();
    const body = { warrantyId: active.id, requestId, description: "The grinder stopped turning after two weeks." };
    const first = await claim(ana(), body, "es");
    expect(first.status).toBe(201);
    expect(first.headers.get("access-control-allow-origin")).toBe("*");
    expect(first.body).toMatchObject({
      requestId,
      warrantyId: active.id,
      orderName: "#9101",
      status: "submitted",
      statusText: "Enviada: la tienda la revisará pronto",
      description: "The grinder stopped turning after two weeks.",
      canReopen: false,
    });
    expect(first.body.events.map((e: { text: string }) => e.text)).toEqual(["Enviaste la reclamación"]);
    const again = await claim(ana(), body, "es");
    expect(again.status).toBe(200);
    expect(again.body.id).toBe(first.body.id);
    const second = await claim(ana(), { ...body, requestId: crypto.randomUUID() });
    expect(second.status).toBe(409);
    expect(second.body).toEqual({ code: "not_claimable", error: "There is already an open claim for this unit." });
    expect((await account(ana())).warranties.find((w: { id: string }) => w.id === active.id)).toMatchObject({
      canClaim: false,
      openClaimId: first.body.id,
    });
  });

  it("refuses a unit that is not covered yet, someone else's unit, and a description it cannot act on", async () => {
    const notYet = await claim(ana(), {
      warrantyId: pending.id,
      requestId: crypto.randomUUID(),
      description: "It arrived with a cracked lid.",
    });
    expect(notYet.status).toBe(409);
    expect(notYet.body.error).toBe("You can claim it once it ships.");
    const stranger = await claim(shopperToken(SHOP, BEA), {
      warrantyId: active.id,
      requestId: crypto.randomUUID(),
      description: "Trying to claim someone else's grinder.",
    });
    expect(stranger.status).toBe(404);
    expect(JSON.stringify(stranger.body)).not.toMatch(/grinder stopped/i);
    const short = await claim(ana(), { warrantyId: active.id, requestId: crypto.randomUUID(), description: "bad" }, "es");
    expect(short.status).toBe(400);
    expect(short.body).toEqual({ code: "description_too_short", error: "Cuéntanos qué le pasa con al menos 10 caracteres." });
    const { rows } = await stack.pool.query(`SELECT count(*)::int AS n FROM "WarrantyClaim" WHERE shop = $1`, [SHOP]);
    expect(rows[0].n).toBe(1);
  });

  it("shows the merchant's workflow in the shopper's language, and lets them reopen once", async () => {
    const [mine] = (await account(ana())).claims;
    await actOnClaim(SHOP, mine.id, { type: "review" }, "merchant");
    await actOnClaim(SHOP, mine.id, { type: "approve", resolution: "repair" }, "merchant");
    await actOnClaim(SHOP, mine.id, { type: "resolve" }, "merchant");
    // The merchant's HubSpot follows the claim: one ticket, closed once resolved.
    const ticket = await stack.pool.query(`SELECT kind, stage, params->>'status' AS status FROM "HubSpotTicket" WHERE key = $1`, [
      `claim:${mine.id}`,
    ]);
    expect(ticket.rows).toEqual([{ kind: "warranty_claim", stage: "closed", status: "resolved" }]);
    const es = (await account(ana(), "es")).claims[0];
    expect(es).toMatchObject({ status: "resolved", statusText: "Resuelta: reparamos tu producto", canReopen: true });
    expect(es.events.map((e: { text: string }) => e.text)).toEqual([
      "Enviaste la reclamación",
      "La tienda empezó a revisarla",
      "La tienda la aprobó: reparamos tu producto",
      "La tienda la dio por resuelta",
    ]);
    const stranger = await shopperCall(stack.url, `/api/claims/${mine.id}/reopen`, shopperToken(SHOP, BEA), { method: "POST" });
    expect(stranger.status).toBe(404);
    const reopened = await shopperCall(stack.url, `/api/claims/${mine.id}/reopen`, ana(), { method: "POST" });
    expect(reopened.status).toBe(200);
    expect(reopened.body).toMatchObject({ status: "in_review", canReopen: false });
    // The same reopen again (its answer was lost): the same claim, nothing reopened twice.
    const repeat = await shopperCall(stack.url, `/api/claims/${mine.id}/reopen`, ana(), { method: "POST" });
    expect(repeat.status).toBe(200);
    expect(repeat.body.events).toHaveLength(reopened.body.events.length);
    await actOnClaim(
      SHOP,
      mine.id,
      { type: "reject", reason: "The motor shows water damage, which the warranty does not cover." },
      "merchant",
    );
    const twice = await shopperCall(stack.url, `/api/claims/${mine.id}/reopen`, ana(), { method: "POST", locale: "es" });
    expect(twice.status).toBe(409);
    expect(twice.body.error).toBe("Esta reclamación ya se reabrió una vez.");
    expect((await account(ana())).claims[0].statusText).toBe(
      "Not accepted: The motor shows water damage, which the warranty does not cover.",
    );
    await expect(actOnClaim(SHOP, mine.id, { type: "resolve" }, "merchant")).rejects.toThrow("not_allowed");
  });

  it("keeps each claim's events append-only", async () => {
    await expect(stack.pool.query(`UPDATE "WarrantyClaimEvent" SET actor = 'merchant'`)).rejects.toThrow(/append-only/);
  });
});
