// The merchant's Returns queue and a return's page, over HTTP against the real built server: returns
// requested as shoppers request them (orders delivered as signed webhooks, then POST /api/returns
// with Shopify-signed customer tokens) and held by the Admin sandbox, which validates every document
// against the 2026-07 schema and sends its signed returns/* webhooks back; the admin read and driven
// with session tokens as App Bridge sends them; HubSpot's tickets in the HubSpot sandbox.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEV_SECRET, startStack, type Stack } from "./stack.ts";
import { deliver, waitForHubSpot, hubspotHoldings } from "./hubspot-helpers.ts";
import { BROWSER_UA } from "./shopper-helpers.ts";
import { eventTexts, returnsKit, type ReturnsKit } from "./returns-helpers.ts";
import { sessionToken } from "./sandboxes/shopify/signing.ts";
import { startHubSpotSandbox, type HubSpotSandbox } from "./sandboxes/hubspot/server.ts";
import { tuneHubSpotSync } from "../app/hubspot/tuning.server.ts";

// Each Shopify call is aborted after this (a merchant's action is another submission's to finish
// for three times as long).
const TIMEOUT_MS = 1500;
process.env.SHOPIFY_RETURN_TIMEOUT_MS = String(TIMEOUT_MS);
process.env.SHOPIFY_RETURN_LANDING_MS = "2500";

const SHOP = "admin-returns.myshopify.com";
const OTHER = "admin-returns-other.myshopify.com";
const EMPTY = "admin-returns-empty.myshopify.com";
const ANA = 9007199254810001n;
const BEA = 9007199254810002n;
const CARLA = 9007199254810003n;
const GRINDER = "9007199254770101";
const ANA_NAME = { first: "Ana", last: "García" };
const BEA_NAME = { first: "Beatriz", last: "López" };
const BEA_EMAIL = `c${BEA}@example.com`;
const ANA_EMAIL = `c${ANA}@example.com`;

let stack: Stack;
let hubspot: HubSpotSandbox;
let portalId: number;
let kit: ReturnsKit;
let otherKit: ReturnsKit;

type Made = { id: string; name: string; orderId: string; orderName: string };
let defective: Made; // Ana's two grinders, store credit, a note: waits for the merchant
let other: Made; // Bea's scale, "other reason", a refund: waits for the merchant
let auto: Made; // Ana's coffee maker, changed her mind: approved at once by the shop's rules
let foreign: Made; // another shop's

// A shopper's return of one line of a new order, as the extension requests it.
async function shopperReturn(
  k: ReturnsKit,
  customer: bigint,
  name: { first: string; last: string },
  line: { title: string; qty: number; reason: string },
  extra: { note?: string; outcome?: "refund" | "store_credit" } = {},
): Promise<Made> {
  const o = await k.order(customer, [{ title: line.title, qty: line.qty, product: GRINDER }], { name });
  const res = await k.requestReturn(customer, {
    orderId: o.id,
    lines: [{ lineItemId: o.lines[0], quantity: line.qty, reason: line.reason }],
    ...extra,
  });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return { id: res.body.id, name: res.body.name, orderId: o.id, orderName: o.name };
}

beforeAll(async () => {
  hubspot = await startHubSpotSandbox({ rollingLimit: 190 });
  process.env.HUBSPOT_BASE_URL = hubspot.url;
  tuneHubSpotSync({ coalesceMs: 300, requestTimeoutMs: 1500, landingGraceMs: 500 });
  stack = await startStack({ database: "postventa_test_admin_returns" });
  for (const shop of [SHOP, OTHER, EMPTY]) {
    await stack.installShop(shop);
    stack.admin.setProducts(shop, [
      { id: GRINDER, title: "Molinillo Baratza", productType: "Grinder", vendor: "Baratza", tags: [], variants: [] },
    ]);
  }
  stack.admin.sendWebhooksTo(`${stack.url}/webhooks`, DEV_SECRET);
  const portal = hubspot.createPortal({ rollingLimit: 190 });
  portalId = portal.portalId;
  const { connectPrivateApp } = await import("../app/hubspot/connection.server.ts");
  await connectPrivateApp(SHOP, portal.privateAppToken, 190);
  kit = returnsKit(stack, SHOP, 9007199254820000n);
  otherKit = returnsKit(stack, OTHER, 9007199254830000n);

  defective = await shopperReturn(
    kit,
    ANA,
    ANA_NAME,
    { title: "Molinillo Baratza", qty: 2, reason: "defective" },
    { note: "Hace un ruido metálico al moler.", outcome: "store_credit" },
  );
  other = await shopperReturn(kit, BEA, BEA_NAME, { title: "Báscula Acaia", qty: 1, reason: "other" });
  auto = await shopperReturn(kit, ANA, ANA_NAME, { title: "Cafetera Moka", qty: 1, reason: "unwanted" });
  foreign = await shopperReturn(
    otherKit,
    CARLA,
    { first: "Carla", last: "Ruiz" },
    { title: "Tostador Ajeno", qty: 1, reason: "defective" },
  );
  await stack.waitForDrain();
});

afterAll(async () => {
  stack?.admin.sendWebhooksTo(null);
  await stack?.stop();
  await hubspot?.close();
  delete process.env.SHOPIFY_RETURN_TIMEOUT_MS;
  delete process.env.SHOPIFY_RETURN_LANDING_MS;
});

const bearer = (shop = SHOP) => ({
  "User-Agent": BROWSER_UA,
  Authorization: `Bearer ${sessionToken({ apiKey: process.env.SHOPIFY_API_KEY!, secret: process.env.SHOPIFY_API_SECRET!, shop, sub: "42" })}`,
});
const QUEUE = "_data=routes%2Fapp.returns";
const DETAIL = "_data=routes%2Fapp.returns_.%24returnId";
const queue = async (query = "", shop = SHOP) => {
  const res = await fetch(`${stack.url}/app/returns?${QUEUE}${query}`, { headers: bearer(shop) });
  expect(res.status).toBe(200);
  return res.json();
};
const act = async (fields: Record<string, string | string[]>, query = "", shop = SHOP) => {
  const body = new URLSearchParams();
  for (const [k, v] of Object.entries(fields)) for (const one of [v].flat()) body.append(k, one);
  const res = await fetch(`${stack.url}/app/returns?${QUEUE}${query}`, { method: "POST", headers: bearer(shop), body });
  return { status: res.status, body: await res.json() };
};
// The admin's first request for an embedded page: shop, host and a session token in the query.
const embeddedLoad = async (path: string, query: Record<string, string> = {}, shop = SHOP, status = 200) => {
  const q = new URLSearchParams({
    embedded: "1",
    shop,
    host: Buffer.from(`${shop}/admin`).toString("base64url"),
    id_token: bearer(shop).Authorization.slice(7),
    ...query,
  });
  const res = await fetch(`${stack.url}${path}?${q}`, { headers: { "User-Agent": BROWSER_UA } });
  const full = await res.text();
  expect(res.status, full.slice(0, 500)).toBe(status);
  // The markup only: the scripts carry the loader data (all the page's strings) for hydration.
  return full.replace(/<script[\s\S]*?<\/script>/g, "");
};
const row = async (id: string) =>
  (await stack.pool.query(`SELECT status, "declineReason", "declineNote", "merchantAction" FROM "ReturnRequest" WHERE id = $1`, [id]))
    .rows[0];
const events = async (id: string) =>
  (await stack.pool.query(`SELECT kind, actor, params FROM "ReturnEvent" WHERE "returnId" = $1 ORDER BY at, id`, [id])).rows;
const inShopify = (shop: string, orderId: string) => stack.admin.returnsOf(shop, orderId)[0]!;
// Occurrences of a button's label as the whole text of an element.
const buttonCount = (html: string, label: string) => html.split(`>${label}</span>`).length - 1;
const approveCalls = (shopifyReturnGid: string) =>
  stack.admin.requests.filter(
    (r) =>
      r.query.includes("returnApproveRequest(") &&
      (r.variables as { input?: { id?: string } } | null)?.input?.id === shopifyReturnGid &&
      // A throttled request ran nothing (the client waits and sends it again).
      !JSON.stringify(r.errors ?? []).includes("THROTTLED"),
  ).length;
const gidOf = async (m: Made) => `gid://shopify/Return/${await kit.shopifyIdOf(m.id)}`;
const mine = async (k: ReturnsKit, customer: bigint, id: string, locale = "es") =>
  (await k.myReturns(customer, locale)).find((r: { id: string }) => r.id === id);

describe("the queue's data (loader JSON)", () => {
  it("lists this shop's returns that need the merchant, newest first, with the count behind every tab", async () => {
    const data = await queue();
    expect(data.locale).toBe("es");
    expect(data.queue).toMatchObject({
      filter: "requested",
      reason: null,
      page: 1,
      pageSize: 50,
      hasNext: false,
    });
    expect(data.queue.counts).toEqual({ requested: 2, open: 1, declined: 0, closed: 0, canceled: 0, all: 3 });
    expect(data.queue.rows.map((r: { id: string }) => r.id)).toEqual([other.id, defective.id]);
    expect(data.queue.rows[1]).toEqual({
      id: defective.id,
      reference: `${defective.orderName}-R1`,
      orderName: defective.orderName,
      customerName: "Ana García",
      customerEmail: ANA_EMAIL,
      customerRedacted: false,
      hasCustomer: true,
      units: 2,
      reasons: ["defective"],
      outcome: "store_credit",
      storeCreditBonusPercent: 10,
      status: "requested",
      origin: "shopper",
      requestedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
    });
    expect(data.queue.rows[0]).toMatchObject({ customerName: "Beatriz López", units: 1, reasons: ["other"], outcome: "refund" });
    expect(JSON.stringify(data)).not.toMatch(/Tostador|Carla/);
    expect(data.strings["returns.title"]).toBe("Devoluciones");
  });

  it("filters by status and by reason, the counts following the reason", async () => {
    expect((await queue("&status=open")).queue.rows.map((r: { id: string }) => r.id)).toEqual([auto.id]);
    const unwanted = (await queue("&status=all&reason=unwanted")).queue;
    expect(unwanted.rows.map((r: { id: string }) => r.id)).toEqual([auto.id]);
    expect(unwanted.counts).toEqual({ requested: 0, open: 1, declined: 0, closed: 0, canceled: 0, all: 1 });
    expect((await queue("&status=requested&reason=defective")).queue.rows.map((r: { id: string }) => r.id)).toEqual([defective.id]);
    // Not a tab or a reason: the defaults.
    const odd = (await queue("&status=everything&reason=%27%3B%20DROP")).queue;
    expect(odd).toMatchObject({ filter: "requested", reason: null });
    expect((await queue("", OTHER)).queue.rows.map((r: { id: string }) => r.id)).toEqual([foreign.id]);
  });

  it("shows each return with the store-credit bonus offered when it was asked for, whatever the rules say now", async () => {
    await stack.pool.query(`UPDATE "Shop" SET "returnRules" = '{"storeCreditBonusPercent": 25}' WHERE domain = $1`, [SHOP]);
    try {
      const data = await queue("&status=all");
      expect(data.queue.rows.find((r: { id: string }) => r.id === defective.id).storeCreditBonusPercent).toBe(10);
      const res = await fetch(`${stack.url}/app/returns/${defective.id}?${DETAIL}`, { headers: bearer() });
      expect((await res.json()).ret.storeCreditBonusPercent).toBe(10);
      // A return made in Shopify's admin offered nothing: it reads today's rules.
      await stack.pool.query(`UPDATE "ReturnRequest" SET "storeCreditBonusPercent" = NULL WHERE id = $1`, [defective.id]);
      expect((await queue("&status=all")).queue.rows.find((r: { id: string }) => r.id === defective.id).storeCreditBonusPercent).toBe(25);
    } finally {
      await stack.pool.query(`UPDATE "Shop" SET "returnRules" = NULL WHERE domain = $1`, [SHOP]);
      await stack.pool.query(`UPDATE "ReturnRequest" SET "storeCreditBonusPercent" = 10 WHERE id = $1`, [defective.id]);
    }
  });
});

describe("the embedded pages", () => {
  it("renders the queue in Spanish by default: tabs with counts, the reason filter, the table and each return's actions", async () => {
    const html = await embeddedLoad("/app/returns");
    expect(html).toContain("Devoluciones");
    for (const tab of ["Por revisar", "Abiertas", "Rechazadas", "Cerradas", "Canceladas", "Todas"]) expect(html).toContain(tab);
    for (const heading of ["Devolución", "Pedido", "Cliente", "Unidades", "Motivo", "Prefiere", "Estado", "Solicitada"])
      expect(html).toContain(heading);
    for (const text of [
      `${defective.orderName}-R1`,
      defective.orderName,
      "Ana García",
      ANA_EMAIL,
      "Beatriz López",
      "Llegó dañado o defectuoso",
      "Otro motivo",
      "Saldo en la tienda (+10 %)",
      "Reembolso",
      "Todos los motivos",
    ])
      expect(html).toContain(text);
    expect(html).not.toContain("Tostador");
    expect(buttonCount(html, "Aprobar")).toBe(2);
    expect(buttonCount(html, "Rechazar…")).toBe(2);
    expect(html).toContain(">Solicitada<"); // status badge
    // Each row opens its return, with the tab to come back to and nothing of the admin's first load (its id_token).
    expect(html).toContain(`href="/app/returns/${defective.id}?locale=es&amp;from=status%3Drequested%26page%3D1"`);
    expect(html).not.toMatch(/href="[^"]*id_token/);
    expect(html).toMatch(/<ui-nav-menu[\s\S]*href="\/app\/returns"[^>]*>Devoluciones</);
  });

  it("renders it in English with locale=en", async () => {
    const html = await embeddedLoad("/app/returns", { locale: "en" });
    for (const text of ["Returns", "Needs action", "Prefers", "Store credit (+10%)", "Damaged or defective", "Refund", "Beatriz López"])
      expect(html).toContain(text);
    expect(buttonCount(html, "Approve")).toBe(2);
    expect(buttonCount(html, "Decline…")).toBe(2);
    expect(html).not.toContain("Por revisar");
  });

  it("says where returns come from when the shop has none", async () => {
    const html = await embeddedLoad("/app/returns", {}, EMPTY);
    expect(html).toContain("Aún no hay devoluciones");
    expect(html).not.toContain("Unidades");
  });

  it("shows a return's page: its items, the shopper's note and preference, and the timeline", async () => {
    const res = await fetch(`${stack.url}/app/returns/${defective.id}?${DETAIL}`, { headers: bearer() });
    expect(res.status).toBe(200);
    const { ret } = await res.json();
    expect(ret).toMatchObject({
      id: defective.id,
      reference: `${defective.orderName}-R1`,
      status: "requested",
      origin: "shopper",
      orderName: defective.orderName,
      outcome: "store_credit",
      note: "Hace un ruido metálico al moler.",
      customer: { name: "Ana García", email: ANA_EMAIL, redacted: false, exists: true },
      lines: [{ product: "Molinillo Baratza", quantity: 2, reason: "defective" }],
      storeCreditBonusPercent: 10,
    });
    expect(ret.events.map((e: { actor: string; kind: string }) => `${e.actor}:${e.kind}`)).toEqual([
      "shopper:submitted",
      "system:requested",
    ]);

    const html = await embeddedLoad(`/app/returns/${defective.id}`, { from: "status=all&reason=defective&page=2&id_token=x" });
    expect(html).toContain(`Devolución ${defective.orderName}-R1`);
    expect(html).toContain("2 × Molinillo Baratza");
    expect(html).toContain("Motivo: Llegó dañado o defectuoso");
    expect(html).toContain("Hace un ruido metálico al moler.");
    expect(html).toContain("Prefiere: Saldo en la tienda (+10 %)");
    expect(html).toMatch(/Cliente<\/span> · <time dateTime="[^"]+">\d{1,2} [a-z]{3} \d{4} \d\d:\d\d<\/time> — Pidió la devolución/);
    expect(html).toMatch(/Postventa<\/span> · <time[^>]*>[^<]+<\/time> — Shopify la registró/);
    expect(buttonCount(html, "Aprobar")).toBe(1);
    expect(html).toContain('href="/app/returns?locale=es&amp;status=all&amp;reason=defective&amp;page=2"'); // back to the queue

    const en = await embeddedLoad(`/app/returns/${other.id}`, { locale: "en" });
    expect(en).toContain("The customer added no note.");
    expect(en).toContain("Prefers: Refund");
    expect(en).toMatch(/Customer<\/span> · <time[^>]*>[A-Z][a-z]{2} \d{1,2}, \d{4} [^<]+<\/time> — Asked for the return/);
  });
});

describe("the merchant's actions (POST, as the page's fetcher sends them)", () => {
  it("approves a return in Shopify, then here, once; the shopper and HubSpot follow", async () => {
    expect(await act({ intent: "approve", returnId: defective.id })).toEqual({
      status: 200,
      body: { ok: true, message: "Devolución aprobada. Shopify avisa al cliente." },
    });
    expect(inShopify(SHOP, defective.orderId)).toMatchObject({ status: "OPEN", notifyCustomer: true });
    expect(await row(defective.id)).toMatchObject({ status: "open", merchantAction: "approve" });
    // Shopify's returns/approve webhook for it adds nothing.
    await stack.waitForDrain();
    expect(await events(defective.id)).toEqual([
      { kind: "submitted", actor: "shopper", params: {} },
      { kind: "requested", actor: "system", params: {} },
      { kind: "approved", actor: "merchant", params: {} },
    ]);
    const view = await mine(kit, ANA, defective.id);
    expect(view).toMatchObject({ status: "open", statusText: "Aprobada: envía los artículos a la tienda" });
    expect(eventTexts(view).at(-1)).toBe("La tienda la aprobó");
    const ticket = await stack.pool.query(`SELECT stage FROM "HubSpotTicket" WHERE key = $1`, [`return:${defective.id}`]);
    expect(ticket.rows).toEqual([{ stage: "waiting_on_contact" }]);
    const html = await embeddedLoad(`/app/returns/${defective.id}`);
    expect(html).toMatch(/Tienda<\/span> · <time[^>]*>[^<]+<\/time> — La aprobó/);
    expect(buttonCount(html, "Aprobar")).toBe(0);

    // Sent again (a second click after the first answered): 409 with a sentence, nothing sent.
    expect(await act({ intent: "approve", returnId: defective.id })).toEqual({
      status: 409,
      body: {
        ok: false,
        error: "No se puede aprobar: esta devolución está aprobada y abierta. Solo se aprueba una devolución solicitada.",
      },
    });
    expect((await act({ intent: "decline", returnId: defective.id, declineReason: "FINAL_SALE" }, "&locale=en")).body.error).toBe(
      "This return cannot be declined: it is approved and open. Only a requested return can be declined.",
    );
    expect(approveCalls(await gidOf(defective))).toBe(1);
  });

  it("refuses malformed input with 400 and a sentence, changing nothing", async () => {
    const before = await row(other.id);
    const cases: Array<[Record<string, string | string[]>, string, string]> = [
      [
        { intent: "decline", returnId: other.id, declineReason: "OTHER" },
        "",
        "Con «Otro motivo», escribe una nota para el cliente: es lo único que leerá sobre el rechazo.",
      ],
      [
        { intent: "decline", returnId: other.id, declineReason: "OTHER", note: "x".repeat(501) },
        "",
        "La nota puede tener como mucho 500 caracteres y tiene 501.",
      ],
      [
        { intent: "decline", returnId: other.id, declineReason: "TOO_LATE", note: "n" },
        "&locale=en",
        "Choose why it is declined: return period ended, final sale or other reason.",
      ],
      [
        { intent: "decline", returnId: [other.id, defective.id], declineReason: "FINAL_SALE" },
        "",
        "Solo se aprueban varias devoluciones a la vez; se rechazan de una en una.",
      ],
      [{ intent: "approve", returnId: "not-a-return" }, "", "«not-a-return» no es un identificador de devolución válido."],
      [{ intent: "approve" }, "&locale=en", "Which return? The returnId field is missing."],
      [{ intent: "refund", returnId: other.id }, "", "Acción desconocida: «refund». Usa approve o decline."],
    ];
    for (const [fields, query, error] of cases) expect(await act(fields, query)).toEqual({ status: 400, body: { ok: false, error } });
    expect(await row(other.id)).toEqual(before);
    expect(inShopify(SHOP, other.orderId)).toMatchObject({ status: "REQUESTED", decline: null });
  });

  it("declines a return with Shopify's reason and a note the shopper reads; the HubSpot ticket closes", async () => {
    await waitForHubSpot(stack.pool, SHOP);
    const key = `return:${other.id}`;
    expect(
      hubspotHoldings(hubspot, portalId)
        .ticketsByKey.get(key)!
        .map((t) => t.properties.hs_pipeline_stage),
    ).toEqual(["1"]);

    const note = "La báscula tiene un golpe que no es de fábrica.";
    expect(await act({ intent: "decline", returnId: other.id, declineReason: "OTHER", note })).toEqual({
      status: 200,
      body: { ok: true, message: "Devolución rechazada. El cliente verá la nota en su cuenta." },
    });
    expect(inShopify(SHOP, other.orderId)).toMatchObject({ status: "DECLINED", decline: { reason: "OTHER", note }, notifyCustomer: true });
    expect(await row(other.id)).toMatchObject({ status: "declined", declineReason: "OTHER", declineNote: note });
    await stack.waitForDrain();
    expect((await events(other.id)).filter((e) => e.kind === "declined")).toEqual([
      { kind: "declined", actor: "merchant", params: { reason: "OTHER" } },
    ]);
    const view = await mine(kit, BEA, other.id);
    expect(view).toMatchObject({ status: "declined", statusText: `Rechazada: ${note}` });
    expect(eventTexts(view).at(-1)).toBe("La tienda la rechazó");

    await waitForHubSpot(stack.pool, SHOP);
    const [ticket] = hubspotHoldings(hubspot, portalId).ticketsByKey.get(key)!;
    expect(ticket.properties.hs_pipeline_stage).toBe("4");
    expect(hubspotHoldings(hubspot, portalId).ticketContacts.get(ticket.id)).toEqual([
      hubspotHoldings(hubspot, portalId).contactsByEmail.get(BEA_EMAIL)![0].id,
    ]);

    const html = await embeddedLoad(`/app/returns/${other.id}`);
    expect(html).toContain("Motivo del rechazo: Otro motivo");
    expect(html).toContain(`Nota al cliente: ${note}`);
    expect(html).toMatch(/Tienda<\/span> · <time[^>]*>[^<]+<\/time> — La rechazó: Otro motivo/);
    const declinedTab = (await queue("&status=declined")).queue;
    expect(declinedTab.rows.map((r: { id: string }) => r.id)).toEqual([other.id]);
  });

  it("answers 404 for another shop's return, and for its page", async () => {
    expect(await act({ intent: "approve", returnId: foreign.id })).toEqual({
      status: 404,
      body: { ok: false, error: "Esta tienda no tiene esa devolución." },
    });
    expect((await act({ intent: "approve", returnId: crypto.randomUUID() }, "&locale=en")).body.error).toBe(
      "This shop has no such return.",
    );
    expect(inShopify(OTHER, foreign.orderId).status).toBe("REQUESTED");
    expect((await row(foreign.id)).status).toBe("requested");
    const page = await fetch(`${stack.url}/app/returns/${foreign.id}?${DETAIL}`, { headers: bearer() });
    expect(page.status).toBe(404);
    expect(JSON.stringify(await page.json())).not.toContain("Tostador");
    const html = await embeddedLoad(`/app/returns/${foreign.id}`, {}, SHOP, 404);
    expect(html).toContain("Esta tienda no tiene esa devolución.");
    expect(html).not.toContain("Tostador");
    // Its own shop sees and approves it.
    expect((await act({ intent: "approve", returnId: foreign.id }, "", OTHER)).status).toBe(200);
    expect(inShopify(OTHER, foreign.orderId).status).toBe("OPEN");
  });

  it("bulk-approves the selected returns; those the merchant already handled in Shopify's admin show as Shopify has them", async () => {
    const made: Made[] = [];
    for (const title of ["Molinillo A", "Molinillo B", "Molinillo C", "Molinillo D"])
      made.push(await shopperReturn(kit, ANA, ANA_NAME, { title, qty: 1, reason: "defective" }));
    const [first, approvedThere, declinedThere, last] = made as [Made, Made, Made, Made];
    await stack.waitForDrain();
    // In Shopify's admin, while its webhooks are still on their way (none reaches the app yet).
    stack.admin.sendWebhooksTo(null);
    await stack.admin.merchant.approveReturn(SHOP, await gidOf(approvedThere));
    await stack.admin.merchant.declineReturn(SHOP, await gidOf(declinedThere), { reason: "FINAL_SALE", note: "Es de venta final." });
    stack.admin.sendWebhooksTo(`${stack.url}/webhooks`, DEV_SECRET);
    expect((await row(approvedThere.id)).status).toBe("requested");

    stack.admin.throttle(SHOP, { available: 2000 }); // what this checks is each outcome, not Shopify's rate limit
    const res = await act({ intent: "approve", returnId: [...made.map((m) => m.id), auto.id] });
    expect(res.status).toBe(200);
    expect(res.body.ok).toBe(true);
    expect(res.body.message).toBe("2 devoluciones aprobadas. Shopify avisa a cada cliente.");
    expect(res.body.warning).toContain("1 de las seleccionadas no se han cambiado: solo se aprueba o rechaza una devolución solicitada.");
    expect(res.body.warning).toContain("1 ya estaban aprobadas o rechazadas en el admin de Shopify; la lista muestra ahora su estado.");
    expect(res.body.warning).toMatch(
      /Shopify no ha aceptado 1: «Return is not approvable[^»]*»\. La lista muestra ahora su estado en Shopify\./,
    );

    expect(made.map((m) => inShopify(SHOP, m.orderId).status)).toEqual(["OPEN", "OPEN", "DECLINED", "OPEN"]);
    // The queue shows the truth at once: read back from Shopify, not waiting for its webhooks.
    expect(await row(first.id)).toMatchObject({ status: "open", merchantAction: "approve" });
    expect(await row(approvedThere.id)).toMatchObject({ status: "open", merchantAction: null });
    expect(await row(declinedThere.id)).toMatchObject({
      status: "declined",
      declineReason: "FINAL_SALE",
      declineNote: "Es de venta final.",
      merchantAction: null,
    });
    expect((await row(last.id)).status).toBe("open");
    await stack.waitForDrain();
    for (const m of [first, last])
      expect((await events(m.id)).filter((e) => e.kind === "approved")).toEqual([{ kind: "approved", actor: "merchant", params: {} }]);
    expect(approveCalls(await gidOf(declinedThere))).toBe(1);

    // Shopify's late webhooks for the merchant's moves in its admin: recorded as theirs.
    const gids = [await gidOf(approvedThere), await gidOf(declinedThere)];
    await kit.redeliver(
      stack.admin
        .webhooksOf(SHOP)
        .filter((w) => ["returns/approve", "returns/decline"].includes(w.topic) && gids.some((g) => w.body.includes(`"${g}"`))),
    );
    await stack.waitForDrain();
    expect((await events(approvedThere.id)).at(-1)).toEqual({ kind: "approved", actor: "shopify", params: {} });
    expect((await events(declinedThere.id)).at(-1)).toEqual({ kind: "declined", actor: "shopify", params: { reason: "FINAL_SALE" } });
    expect((await mine(kit, ANA, declinedThere.id)).statusText).toBe("Rechazada: Es de venta final.");
  });

  it("on no answer from Shopify says it was sent, applies nothing, and follows Shopify's webhook when it comes", async () => {
    const made = await shopperReturn(kit, ANA, ANA_NAME, { title: "Molinillo E", qty: 1, reason: "defective" });
    await stack.waitForDrain();
    const gid = await gidOf(made);
    stack.admin.sendWebhooksTo(null);
    stack.admin.faultReturns(SHOP, { mode: "drop", calls: 1 }); // Shopify approves it, the answer is lost
    expect(await act({ intent: "approve", returnId: made.id })).toEqual({
      status: 202,
      body: { ok: true, warning: "Enviado a Shopify; aparecerá aquí cuando Shopify lo confirme." },
    });
    stack.admin.sendWebhooksTo(`${stack.url}/webhooks`, DEV_SECRET);
    expect(inShopify(SHOP, made.orderId).status).toBe("OPEN");
    expect(await row(made.id)).toMatchObject({ status: "requested", merchantAction: "approve" });
    expect((await events(made.id)).map((e) => e.kind)).toEqual(["submitted", "requested"]);
    // Meanwhile the merchant clicks again: it is on its way, not sent twice.
    expect(await act({ intent: "approve", returnId: made.id }, "&locale=en")).toEqual({
      status: 409,
      body: { ok: false, error: "This return is already being sent to Shopify. Wait a few seconds and refresh the page." },
    });
    expect(approveCalls(gid)).toBe(1);

    await kit.redeliver(stack.admin.webhooksOf(SHOP).filter((w) => w.topic === "returns/approve" && w.body.includes(`"${gid}"`)));
    await stack.waitForDrain();
    expect((await row(made.id)).status).toBe("open");
    expect((await events(made.id)).at(-1)).toEqual({ kind: "approved", actor: "merchant", params: {} });
    expect(eventTexts(await mine(kit, ANA, made.id)).at(-1)).toBe("La tienda la aprobó");
  });

  it("sends a double submit to Shopify once", async () => {
    const made = await shopperReturn(kit, ANA, ANA_NAME, { title: "Molinillo F", qty: 1, reason: "defective" });
    await stack.waitForDrain();
    const answers = await Promise.all([act({ intent: "approve", returnId: made.id }), act({ intent: "approve", returnId: made.id })]);
    expect(answers.map((a) => a.status).sort()).toEqual([200, 409]);
    expect(approveCalls(await gidOf(made))).toBe(1);
    await stack.waitForDrain();
    expect((await events(made.id)).filter((e) => e.kind === "approved")).toEqual([{ kind: "approved", actor: "merchant", params: {} }]);
    expect(inShopify(SHOP, made.orderId).status).toBe("OPEN");
  });

  it("lists a return the merchant made in Shopify's admin, with no preference of the shopper's, and acts on it", async () => {
    const o = await kit.order(BEA, [{ title: "Molinillo G", qty: 1, product: GRINDER }], { name: BEA_NAME });
    const { return: made } = await stack.admin.merchant.requestReturn(SHOP, {
      orderId: o.id,
      lines: [{ fulfillmentLineItemId: o.fli, quantity: 1, returnReason: "WRONG_ITEM" }],
    });
    await stack.waitForDrain();
    const [first] = (await queue("&locale=en")).queue.rows;
    expect(first).toMatchObject({
      reference: made!.name,
      origin: "shopify",
      outcome: null,
      reasons: ["wrong_item"],
      customerName: "Beatriz López",
    });
    const html = await embeddedLoad("/app/returns", { locale: "en" });
    expect(html).toContain("Not stated");
    expect(html).toContain("Received the wrong item");
    expect((await act({ intent: "decline", returnId: first.id, declineReason: "RETURN_PERIOD_ENDED" })).status).toBe(200);
    expect(stack.admin.returnsOf(SHOP, o.id)[0]).toMatchObject({
      status: "DECLINED",
      decline: { reason: "RETURN_PERIOD_ENDED", note: null },
    });
    const page = await embeddedLoad(`/app/returns/${first.id}`, { locale: "en" });
    expect(page).toMatch(/Shopify<\/span> · <time[^>]*>[^<]+<\/time> — Created in Shopify/);
    expect(page).toMatch(/Store<\/span> · <time[^>]*>[^<]+<\/time> — Declined it: Return period ended/);
  });

  it("keeps a forgotten customer's returns workable without their name, email or words", async () => {
    await deliver(stack.url, SHOP, "customers/redact", {
      shop_id: 1,
      shop_domain: SHOP,
      customer: { id: ANA, email: ANA_EMAIL, phone: null },
      orders_to_redact: [BigInt(defective.orderId)],
    });
    await stack.waitForDrain();
    const found = (await queue("&status=all")).queue.rows.find((r: { id: string }) => r.id === defective.id);
    expect(found).toMatchObject({ customerName: null, customerEmail: null, customerRedacted: true, units: 2, status: "open" });
    const html = await embeddedLoad("/app/returns", { status: "all" });
    expect(html).toContain("Cliente borrado (RGPD)");
    expect(html).not.toMatch(/Ana García|c9007199254810001@/);
    const page = await embeddedLoad(`/app/returns/${defective.id}`);
    expect(page).toContain("El cliente no añadió ninguna nota.");
    expect(page).not.toContain("Hace un ruido metálico al moler.");
  });

  it("counts every tab after the actions", async () => {
    const data = await queue("&status=all&locale=en");
    expect(data.queue.counts).toEqual({ requested: 0, open: 7, declined: 3, closed: 0, canceled: 0, all: 10 });
    expect((await queue()).queue.rows).toEqual([]);
    const html = await embeddedLoad("/app/returns", { locale: "en" });
    expect(html).toContain("No returns in “Needs action”.");
  });
});
