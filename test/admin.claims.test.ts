// The merchant's Claims queue and a claim's page, over HTTP against the real built server: claims
// made as shoppers make them (orders delivered as signed webhooks, then POST /api/claims with
// Shopify-signed customer tokens), the admin read and driven with session tokens as App Bridge
// sends them, and the embedded page as the admin's iframe first loads it.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startStack, type Stack } from "./stack.ts";
import { deliver } from "./hubspot-helpers.ts";
import { BROWSER_UA, shopperCall, shopperToken } from "./shopper-helpers.ts";
import { claimAll, shippedOrder } from "./claims-helpers.ts";
import { sessionToken } from "./sandboxes/shopify/signing.ts";

const SHOP = "admin-claims.myshopify.com";
const OTHER = "admin-claims-other.myshopify.com";
const EMPTY = "admin-claims-empty.myshopify.com";
const ANA = 9007199254770001n;
const BEA = 9007199254770002n;
const CARLA = 9007199254770003n;
let stack: Stack;
let claimsQueue: typeof import("../app/warranty/claims-queue.server.ts").claimsQueue;

let claims: Record<string, string>;
let otherClaim: string;

beforeAll(async () => {
  stack = await startStack({ database: "postventa_test_admin_claims" });
  for (const shop of [SHOP, OTHER, EMPTY]) await stack.installShop(shop);
  await shippedOrder(stack, SHOP, 9201n, { id: ANA, email: "ana@example.com", firstName: "Ana", lastName: "García" }, [
    "Molinillo Encore",
    "Cafetera Moka",
    "Hervidor Fellow",
  ]);
  await shippedOrder(stack, SHOP, 9202n, { id: BEA, email: "bea@example.com", firstName: "Beatriz", lastName: "López" }, ["Báscula Acaia"]);
  await shippedOrder(stack, OTHER, 9301n, { id: CARLA, email: "carla@example.com", firstName: "Carla", lastName: "Ruiz" }, [
    "Tostador Ajeno",
  ]);
  await stack.waitForDrain();
  claims = {
    ...(await claimAll(stack, SHOP, ANA, {
      "Molinillo Encore": "El molinillo dejó de girar a las dos semanas.",
      "Cafetera Moka": "La junta de la cafetera pierde agua.",
      "Hervidor Fellow": "El hervidor no enciende.",
    })),
    ...(await claimAll(stack, SHOP, BEA, { "Báscula Acaia": "La báscula marca mal el peso." })),
  };
  otherClaim = (await claimAll(stack, OTHER, CARLA, { "Tostador Ajeno": "El tostador de otra tienda se quemó." }))["Tostador Ajeno"];
  ({ claimsQueue } = await import("../app/warranty/claims-queue.server.ts"));
});
afterAll(async () => stack?.stop());

const bearer = (shop = SHOP) => ({
  "User-Agent": BROWSER_UA,
  Authorization: `Bearer ${sessionToken({ apiKey: process.env.SHOPIFY_API_KEY!, secret: process.env.SHOPIFY_API_SECRET!, shop, sub: "42" })}`,
});
const QUEUE = "_data=routes%2Fapp.claims";
const DETAIL = "_data=routes%2Fapp.claims_.%24claimId";
const queue = async (query = "", shop = SHOP) => {
  const res = await fetch(`${stack.url}/app/claims?${QUEUE}${query}`, { headers: bearer(shop) });
  expect(res.status).toBe(200);
  return res.json();
};
const act = async (fields: Record<string, string | string[]>, query = "", shop = SHOP) => {
  const body = new URLSearchParams();
  for (const [k, v] of Object.entries(fields)) for (const one of [v].flat()) body.append(k, one);
  const res = await fetch(`${stack.url}/app/claims?${QUEUE}${query}`, { method: "POST", headers: bearer(shop), body });
  return { status: res.status, body: await res.json() };
};
// The admin's first request for an embedded page: shop, host and a session token in the query.
const embeddedLoad = async (path: string, query: Record<string, string> = {}, shop = SHOP) => {
  const q = new URLSearchParams({
    embedded: "1",
    shop,
    host: Buffer.from(`${shop}/admin`).toString("base64url"),
    id_token: bearer(shop).Authorization.slice(7),
    ...query,
  });
  const res = await fetch(`${stack.url}${path}?${q}`, { headers: { "User-Agent": BROWSER_UA } });
  const full = await res.text();
  expect(res.status, full.slice(0, 500)).toBe(200);
  // The markup only: the scripts carry the loader data (all the page's strings) for hydration.
  return full.replace(/<script[\s\S]*?<\/script>/g, "");
};
const claimRow = async (id: string) =>
  (
    await stack.pool.query(
      `SELECT status, resolution, "rejectionReason", "firstResponseAt", "closedAt", "updatedAt" FROM "WarrantyClaim" WHERE id = $1`,
      [id],
    )
  ).rows[0];
const events = async (id: string) =>
  (await stack.pool.query(`SELECT type, actor, params FROM "WarrantyClaimEvent" WHERE "claimId" = $1 ORDER BY id`, [id])).rows;
// Occurrences of a button's label as the whole text of an element.
const buttonCount = (html: string, label: string) => html.split(`>${label}</span>`).length - 1;

describe("the queue's data (loader JSON)", () => {
  it("lists only this shop's claims, newest first, with the count behind every tab", async () => {
    const data = await queue();
    expect(data.locale).toBe("es");
    expect(data.queue.filter).toBe("open");
    expect(data.queue.counts).toEqual({ open: 4, submitted: 4, in_review: 0, approved: 0, rejected: 0, resolved: 0, all: 4 });
    expect(data.queue.rows.map((r: { id: string }) => r.id)).toEqual([
      claims["Báscula Acaia"],
      claims["Hervidor Fellow"],
      claims["Cafetera Moka"],
      claims["Molinillo Encore"],
    ]);
    expect(data.queue.rows[3]).toEqual({
      id: claims["Molinillo Encore"],
      submittedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
      customerName: "Ana García",
      customerEmail: "ana@example.com",
      customerRedacted: false,
      product: "Molinillo Encore",
      orderName: "#9201",
      status: "submitted",
      resolution: null,
      reopenCount: 0,
      daysOpen: 0,
      firstResponseMs: null,
    });
    expect(Math.abs(Date.parse(data.queue.rows[3].submittedAt) - Date.now())).toBeLessThan(10 * 60_000);
    expect(JSON.stringify(data)).not.toMatch(/Tostador|Carla|carla@/);
    expect(data.queue).toMatchObject({ page: 1, pageSize: 50, hasNext: false });
    expect(data.strings["claims.title"]).toBe("Reclamaciones de garantía");

    const other = await queue("", OTHER);
    expect(other.queue.counts.all).toBe(1);
    expect(other.queue.rows.map((r: { id: string }) => r.id)).toEqual([otherClaim]);
    expect((await queue("&status=resolved")).queue.rows).toEqual([]);
  });

  it("pages by pageSize and tells whether there is a next page", async () => {
    const first = await claimsQueue(SHOP, { status: "all", page: 1, pageSize: 3 });
    const second = await claimsQueue(SHOP, { status: "all", page: 2, pageSize: 3 });
    expect(first.rows).toHaveLength(3);
    expect(first.hasNext).toBe(true);
    expect(second.rows.map((r) => r.id)).toEqual([claims["Molinillo Encore"]]);
    expect(second.hasNext).toBe(false);
  });
});

describe("the embedded page", () => {
  it("renders the queue in Spanish by default: tabs with counts, the table and each claim's actions", async () => {
    const html = await embeddedLoad("/app/claims");
    expect(html).toContain("Reclamaciones de garantía");
    for (const tab of ["Abiertas", "Enviadas", "En revisión", "Aprobadas", "Rechazadas", "Resueltas", "Todas"]) expect(html).toContain(tab);
    for (const heading of ["Cliente", "Producto", "Pedido", "Días abierta"]) expect(html).toContain(heading);
    for (const text of [
      "Ana García",
      "ana@example.com",
      "Beatriz López",
      "Molinillo Encore",
      "Cafetera Moka",
      "Báscula Acaia",
      "#9201",
      "#9202",
    ])
      expect(html).toContain(text);
    expect(html).not.toContain("Tostador");
    // Four submitted claims: each offers Start review, Approve and Reject; none offers Mark resolved.
    expect(buttonCount(html, "Empezar revisión")).toBe(4);
    expect(buttonCount(html, "Aprobar…")).toBe(4);
    expect(buttonCount(html, "Rechazar…")).toBe(4);
    expect(buttonCount(html, "Marcar como resuelta")).toBe(0);
    // Each row opens its claim, with the tab to come back to and nothing of the admin's first load (its id_token).
    expect(html).toContain(`href="/app/claims/${claims["Cafetera Moka"]}?locale=es&amp;from=status%3Dopen%26page%3D1"`);
    expect(html).not.toMatch(/href="[^"]*id_token/);
    expect(html).toContain(">Enviada<"); // status badge
    expect(html).toMatch(/<ui-nav-menu[\s\S]*href="\/app\/claims"[^>]*>Reclamaciones</);
  });

  it("renders it in English with locale=en", async () => {
    const html = await embeddedLoad("/app/claims", { locale: "en" });
    expect(html).toContain("Warranty claims");
    for (const text of ["Open", "In review", "Days open", "Customer", "Beatriz López", "Hervidor Fellow"]) expect(html).toContain(text);
    expect(buttonCount(html, "Start review")).toBe(4);
    expect(buttonCount(html, "Approve…")).toBe(4);
    expect(buttonCount(html, "Reject…")).toBe(4);
    expect(html).not.toContain("Reclamaciones de garantía");
  });

  it("says where claims come from when the shop has none", async () => {
    const html = await embeddedLoad("/app/claims", {}, EMPTY);
    expect(html).toContain("Aún no hay reclamaciones de garantía");
    expect(html).toContain("desde su cuenta de cliente en la tienda");
    expect(html).not.toContain("Días abierta");
  });
});

describe("the merchant's actions (POST, as the page's fetcher sends them)", () => {
  it("review → approve(repair) → resolve moves the claim and writes its events", async () => {
    const id = claims["Molinillo Encore"];
    expect(await act({ intent: "review", claimId: id })).toEqual({
      status: 200,
      body: { ok: true, message: "La reclamación está en revisión." },
    });
    expect((await claimRow(id)).status).toBe("in_review");
    expect(await act({ intent: "approve", claimId: id, resolution: "repair" })).toEqual({
      status: 200,
      body: { ok: true, message: "Reclamación aprobada: reparación." },
    });
    expect(await act({ intent: "resolve", claimId: id }, "&locale=en")).toEqual({
      status: 200,
      body: { ok: true, message: "Claim marked resolved." },
    });
    const row = await claimRow(id);
    expect(row).toMatchObject({ status: "resolved", resolution: "repair", rejectionReason: null });
    expect(row.firstResponseAt).not.toBeNull();
    expect(row.closedAt).not.toBeNull();
    expect(await events(id)).toEqual([
      { type: "submitted", actor: "shopper", params: {} },
      { type: "review_started", actor: "merchant", params: {} },
      { type: "approved", actor: "merchant", params: { resolution: "repair" } },
      { type: "resolved", actor: "merchant", params: {} },
    ]);
    // The shopper sees it in their language.
    const mine = (await shopperCall(stack.url, "/api/claims", shopperToken(SHOP, ANA), { locale: "es" })).body.claims;
    expect(mine.find((c: { id: string }) => c.id === id).statusText).toBe("Resuelta: reparamos tu producto");
  });

  it("shows the claim's page: the shopper's words, the unit, the customer, the timeline and the times", async () => {
    const id = claims["Molinillo Encore"];
    const res = await fetch(`${stack.url}/app/claims/${id}?${DETAIL}`, { headers: bearer() });
    expect(res.status).toBe(200);
    const { claim } = await res.json();
    expect(claim).toMatchObject({
      id,
      status: "resolved",
      resolution: "repair",
      description: "El molinillo dejó de girar a las dos semanas.",
      unit: { product: "Molinillo Encore", orderName: "#9201", status: "active", quantity: 1 },
      customer: { name: "Ana García", email: "ana@example.com", redacted: false },
    });
    expect(claim.events.map((e: { type: string; actor: string }) => `${e.actor}:${e.type}`)).toEqual([
      "shopper:submitted",
      "merchant:review_started",
      "merchant:approved",
      "merchant:resolved",
    ]);
    expect(claim.measures.firstResponseMs).toBeGreaterThanOrEqual(0);
    expect(claim.measures.resolutionMs).toBeGreaterThanOrEqual(claim.measures.firstResponseMs);
    expect(claim.measures.firstContactResolution).toBe(true);

    const html = await embeddedLoad(`/app/claims/${id}`);
    expect(html).toContain("Reclamación: Molinillo Encore");
    expect(html).toContain("El molinillo dejó de girar a las dos semanas.");
    expect(html).toContain("Pedido #9201");
    expect(html).toMatch(/Cliente<\/span> · <time dateTime="[^"]+">\d{1,2} [a-z]{3} \d{4} \d\d:\d\d<\/time> — Envió la reclamación/);
    expect(html).toMatch(/Tienda<\/span> · <time[^>]*>[^<]+<\/time> — Empezó a revisarla/);
    expect(html).toMatch(/Tienda<\/span> · <time[^>]*>[^<]+<\/time> — La aprobó: reparación/);
    expect(html).toMatch(/Tienda<\/span> · <time[^>]*>[^<]+<\/time> — La marcó como resuelta/);
    expect(html).toContain("Primera respuesta de la tienda");
    expect(html).toContain("El cliente puede reabrirla una vez desde su cuenta.");
    for (const label of ["Empezar revisión", "Aprobar…", "Rechazar…", "Marcar como resuelta"]) expect(buttonCount(html, label)).toBe(0);

    expect(html).toContain('href="/app/claims?locale=es&amp;status=open&amp;page=1"'); // back to the queue

    const en = await embeddedLoad(`/app/claims/${claims["Cafetera Moka"]}`, { locale: "en", from: "status=in_review&page=2&id_token=x" });
    expect(en).toContain('href="/app/claims?locale=en&amp;status=in_review&amp;page=2"');
    expect(en).toMatch(/Customer<\/span> · <time[^>]*>[A-Z][a-z]{2} \d{1,2}, \d{4} [^<]+<\/time> — Sent the claim/);
    expect(buttonCount(en, "Start review")).toBe(1);
    expect(buttonCount(en, "Approve…")).toBe(1);
    expect(buttonCount(en, "Mark resolved")).toBe(0);
  });

  it("answers a transition the workflow refuses with 400 and a sentence, and changes nothing", async () => {
    const id = claims["Cafetera Moka"];
    const before = await claimRow(id);
    expect(await act({ intent: "resolve", claimId: id })).toEqual({
      status: 400,
      body: {
        ok: false,
        error: "No se puede marcar como resuelta: esta reclamación está enviada, sin revisar. Primero hay que aprobarla.",
      },
    });
    expect(await act({ intent: "resolve", claimId: id }, "&locale=en")).toEqual({
      status: 400,
      body: {
        ok: false,
        error: "This claim cannot be marked resolved: it is submitted and not yet reviewed. It has to be approved first.",
      },
    });
    const resolved = claims["Molinillo Encore"];
    expect(await act({ intent: "approve", claimId: resolved, resolution: "refund" })).toEqual({
      status: 400,
      body: { ok: false, error: expect.stringMatching(/^No se puede aprobar: esta reclamación está resuelta\./) },
    });
    expect(await claimRow(id)).toEqual(before);
    expect(await events(id)).toHaveLength(1);
    expect((await claimRow(resolved)).resolution).toBe("repair");
    expect(await events(resolved)).toHaveLength(4);
  });

  it("answers 404 for another shop's claim, and for its page", async () => {
    const before = await claimRow(otherClaim);
    expect(await act({ intent: "review", claimId: otherClaim })).toEqual({
      status: 404,
      body: { ok: false, error: "Esta tienda no tiene esa reclamación." },
    });
    expect((await act({ intent: "review", claimId: crypto.randomUUID() }, "&locale=en")).body.error).toBe("This shop has no such claim.");
    expect(await claimRow(otherClaim)).toEqual(before);
    const page = await fetch(`${stack.url}/app/claims/${otherClaim}?${DETAIL}`, { headers: bearer() });
    expect(page.status).toBe(404);
    expect(JSON.stringify(await page.json())).not.toContain("Tostador");
    const document = await fetch(
      `${stack.url}/app/claims/${otherClaim}?${new URLSearchParams({ embedded: "1", shop: SHOP, host: Buffer.from(`${SHOP}/admin`).toString("base64url"), id_token: bearer().Authorization.slice(7) })}`,
      { headers: { "User-Agent": BROWSER_UA } },
    );
    expect(document.status).toBe(404);
    const html = (await document.text()).replace(/<script[\s\S]*?<\/script>/g, "");
    expect(html).toContain("Esta tienda no tiene esa reclamación.");
    expect(html).not.toContain("Tostador");
    // Its own shop sees and acts on it.
    expect((await act({ intent: "review", claimId: otherClaim }, "", OTHER)).status).toBe(200);
  });

  it("refuses a rejection without a reason (or too long a one) with 400, then rejects with one the shopper reads", async () => {
    const id = claims["Cafetera Moka"];
    expect(await act({ intent: "reject", claimId: id })).toEqual({
      status: 400,
      body: { ok: false, error: "Escribe el motivo del rechazo: el cliente lo verá en su cuenta." },
    });
    expect((await act({ intent: "reject", claimId: id, reason: "   \n " }, "&locale=en")).body.error).toBe(
      "Write why the claim is rejected: the customer will see it in their account.",
    );
    const long = await act({ intent: "reject", claimId: id, reason: "x".repeat(501) });
    expect(long).toEqual({ status: 400, body: { ok: false, error: "El motivo puede tener como mucho 500 caracteres y tiene 501." } });
    expect((await claimRow(id)).status).toBe("submitted");

    const reason = "La junta es una pieza de desgaste que la garantía no cubre.";
    expect((await act({ intent: "reject", claimId: id, reason })).status).toBe(200);
    expect(await claimRow(id)).toMatchObject({ status: "rejected", rejectionReason: reason });
    const mine = (await shopperCall(stack.url, "/api/claims", shopperToken(SHOP, ANA), { locale: "es" })).body.claims;
    expect(mine.find((c: { id: string }) => c.id === id).statusText).toBe(`Rechazada: ${reason}`);
    const html = await embeddedLoad(`/app/claims/${id}`);
    expect(html).toContain(`La rechazó: «${reason}»`);
  });

  it("refuses malformed input with 400 and a sentence", async () => {
    const id = claims["Hervidor Fellow"];
    expect(await act({ intent: "review", claimId: "not-a-claim" })).toEqual({
      status: 400,
      body: { ok: false, error: "«not-a-claim» no es un identificador de reclamación válido." },
    });
    expect(await act({ intent: "approve", claimId: id, resolution: "gift" }, "&locale=en")).toEqual({
      status: 400,
      body: { ok: false, error: "Choose how it is resolved: repair, replacement, refund or store credit." },
    });
    expect((await act({ intent: "approve", claimId: id })).status).toBe(400);
    expect((await act({ intent: "explode", claimId: id })).body.error).toBe(
      "Acción desconocida: «explode». Usa review, approve, reject o resolve.",
    );
    expect((await act({ intent: "review" })).status).toBe(400);
    expect((await act({ intent: "resolve", claimId: [id, claims["Báscula Acaia"]] })).body.error).toBe(
      "Esta acción se aplica a una sola reclamación cada vez.",
    );
    expect((await claimRow(id)).status).toBe("submitted");
  });

  it("starts the review of the selected submitted claims at once, saying which were left alone", async () => {
    const selected = [claims["Hervidor Fellow"], claims["Báscula Acaia"], claims["Molinillo Encore"]];
    expect(await act({ intent: "review", claimId: selected })).toEqual({
      status: 200,
      body: {
        ok: true,
        message: "2 reclamaciones están en revisión.",
        warning: "1 de las seleccionadas no se han cambiado: solo se puede empezar a revisar una reclamación enviada.",
      },
    });
    expect((await claimRow(claims["Hervidor Fellow"])).status).toBe("in_review");
    expect((await claimRow(claims["Báscula Acaia"])).status).toBe("in_review");
    expect((await claimRow(claims["Molinillo Encore"])).status).toBe("resolved");
    // None left to review: 400, nothing changed.
    expect((await act({ intent: "review", claimId: selected })).status).toBe(400);
  });

  it("counts every tab after the actions, and filters by them", async () => {
    const data = await queue("&status=in_review&locale=en");
    expect(data.queue.counts).toEqual({ open: 2, submitted: 0, in_review: 2, approved: 0, rejected: 1, resolved: 1, all: 4 });
    expect(data.queue.rows.map((r: { id: string }) => r.id)).toEqual([claims["Báscula Acaia"], claims["Hervidor Fellow"]]);
    expect(data.queue.rows[0].firstResponseMs).toBeGreaterThanOrEqual(0);
    expect((await queue("&status=resolved")).queue.rows.map((r: { id: string }) => r.id)).toEqual([claims["Molinillo Encore"]]);
    expect((await queue()).queue.rows).toHaveLength(2); // Open

    const html = await embeddedLoad("/app/claims", { status: "in_review", locale: "en" });
    expect(buttonCount(html, "Start review")).toBe(0);
    expect(buttonCount(html, "Approve…")).toBe(2);
    expect(buttonCount(html, "Reject…")).toBe(2);
  });

  it("keeps a forgotten customer's claims workable without their name, email or words", async () => {
    await deliver(stack.url, SHOP, "customers/redact", {
      shop_id: 1,
      shop_domain: SHOP,
      customer: { id: BEA, email: "bea@example.com", phone: null },
      orders_to_redact: [9202n],
    });
    await stack.waitForDrain();
    const id = claims["Báscula Acaia"];
    const row = (await queue("&status=all")).queue.rows.find((r: { id: string }) => r.id === id);
    expect(row).toMatchObject({
      customerName: null,
      customerEmail: null,
      customerRedacted: true,
      product: "Báscula Acaia",
      status: "in_review",
    });
    const html = await embeddedLoad("/app/claims", { status: "all" });
    expect(html).toContain("Cliente borrado (RGPD)");
    expect(html).not.toMatch(/Beatriz|bea@example/);
    const page = await embeddedLoad(`/app/claims/${id}`);
    expect(page).toContain("El cliente pidió borrar sus datos: su descripción ya no se guarda.");
    expect(page).not.toContain("La báscula marca mal el peso.");
    expect((await act({ intent: "approve", claimId: id, resolution: "store_credit" })).body).toEqual({
      ok: true,
      message: "Reclamación aprobada: saldo en la tienda.",
    });
  });
});
