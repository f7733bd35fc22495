// Feedback end to end, against the real built server, Postgres and the HubSpot sandbox: orders
// shipped and delivered as signed webhooks, the daily open_surveys task run in this process with
// chosen `_cron.ts` instants (the clock moved across months: daily, twice a day, days skipped,
// two at once), surveys answered with Shopify-signed shopper tokens and through the signed public
// link, and what HubSpot holds afterwards, exactly once.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startHubSpotSandbox, type HubSpotSandbox } from "./sandboxes/hubspot/server.ts";
import { DEV_SECRET, startStack, type Stack } from "./stack.ts";
import { customerUpdate, deliver, hubspotHoldings, paidOrder, waitForHubSpot } from "./hubspot-helpers.ts";
import { BROWSER_UA, shopperCall, shopperToken } from "./shopper-helpers.ts";
import { tuneHubSpotSync } from "../app/hubspot/tuning.server.ts";
import { stringifyShopifyJson, webhookHeaders } from "./sandboxes/shopify/signing.ts";

const CLOCK = "feedback-clock.myshopify.com";
const SHOP = "feedback-api.myshopify.com";
const DAY = 86_400_000;
let stack: Stack;
let sandbox: HubSpotSandbox;
let surveys: typeof import("../app/feedback/surveys.server.ts");
let links: typeof import("../app/feedback/links.server.ts");
let jobs: typeof import("../app/jobs.server.ts");

beforeAll(async () => {
  sandbox = await startHubSpotSandbox({ rollingLimit: 190 });
  process.env.HUBSPOT_BASE_URL = sandbox.url;
  tuneHubSpotSync({ coalesceMs: 200, requestTimeoutMs: 1500, landingGraceMs: 500 });
  stack = await startStack({ database: "postventa_test_feedback" });
  surveys = await import("../app/feedback/surveys.server.ts");
  links = await import("../app/feedback/links.server.ts");
  jobs = await import("../app/jobs.server.ts");
});
afterAll(async () => {
  await stack?.stop();
  await sandbox?.close();
});

let orderSeq = 9007199254990000n;
// A paid order, shipped at `fulfilledAt` (one fulfilment), and delivered at `deliveredAt` when a carrier reports it.
async function shipped(
  shop: string,
  customer: { id: bigint; email: string; firstName: string },
  fulfilledAt: Date,
  deliveredAt?: Date,
): Promise<{ orderId: bigint; fulfillmentId: bigint }> {
  const orderId = (orderSeq += 10n);
  const fulfillmentId = orderId * 3n;
  const order = paidOrder(orderId, customer);
  await deliver(stack.url, shop, "orders/paid", order);
  await deliver(stack.url, shop, "orders/fulfilled", {
    ...order,
    fulfillment_status: "fulfilled",
    fulfillments: [
      {
        id: fulfillmentId,
        status: "success",
        created_at: fulfilledAt.toISOString(),
        line_items: order.line_items.map((l) => ({ id: l.id, quantity: 1 })),
      },
    ],
  });
  if (deliveredAt) {
    // An in-transit event first: only "delivered" counts.
    await deliver(
      stack.url,
      shop,
      "fulfillment_events/create",
      fulfillmentEvent(orderId, fulfillmentId, "in_transit", new Date(deliveredAt.getTime() - DAY)),
    );
    await deliver(stack.url, shop, "fulfillment_events/create", fulfillmentEvent(orderId, fulfillmentId, "delivered", deliveredAt));
  }
  return { orderId, fulfillmentId };
}

let eventSeq = 9007199254995000n;
// As Shopify sends it (REST shape): the carrier's message and the delivery address come along.
function fulfillmentEvent(orderId: bigint, fulfillmentId: bigint, status: string, at: Date) {
  const id = (eventSeq += 1n);
  return {
    id,
    fulfillment_id: fulfillmentId,
    status,
    message: "Left with the neighbour at Calle Alfarería 12",
    happened_at: at.toISOString(),
    city: "Sevilla",
    province: "Sevilla",
    country: "Spain",
    zip: "41010",
    address1: "Calle Alfarería 12",
    latitude: 37.39,
    longitude: -6.0,
    shop_id: 548380009,
    created_at: at.toISOString(),
    updated_at: at.toISOString(),
    estimated_delivery_at: null,
    order_id: orderId,
    admin_graphql_api_id: `gid://shopify/FulfillmentEvent/${id}`,
  };
}

const invitationsOf = async (shop: string) =>
  (
    await stack.pool.query<{ key: string; kind: string; dueAt: Date; expiresAt: Date; email: string }>(
      `SELECT i.key, i.kind, i."dueAt", i."expiresAt", c.email FROM "SurveyInvitation" i JOIN "Customer" c ON c.id = i."customerId"
        WHERE i.shop = $1 ORDER BY i."dueAt", i.key`,
      [shop],
    )
  ).rows;

// The worker runs the task with graphile's cron payload; the clock is moved by choosing `_cron.ts`.
const runAt = (ts: Date) =>
  jobs.taskList.open_surveys!({ _cron: { ts: ts.toISOString(), backfilled: false } }, {} as never) as Promise<void>;
const at6 = (iso: string) => new Date(`${iso}T06:00:00Z`);

describe("the daily task, the clock moved across months", () => {
  const ANA = { id: 9007199254980001n, email: "ana.clock@example.com", firstName: "Ana" };
  const BEA = { id: 9007199254980002n, email: "bea.clock@example.com", firstName: "Bea" };
  let a1: bigint, a2: bigint, a3: bigint, b1: bigint;

  beforeAll(async () => {
    await stack.installShop(CLOCK);
    a1 = (await shipped(CLOCK, ANA, at6("2026-01-01"))).orderId; // no carrier: due fulfilment + 10 = Jan 11
    a2 = (await shipped(CLOCK, ANA, at6("2026-02-01"), at6("2026-02-03"))).orderId; // due Feb 10: quiet (30 days after Jan 11)
    a3 = (await shipped(CLOCK, ANA, at6("2026-04-20"))).orderId; // due Apr 30: 109 days after Jan 11
    b1 = (await shipped(CLOCK, BEA, at6("2026-01-05"), at6("2026-01-08"))).orderId; // delivered: due Jan 15
    await stack.waitForDrain();
  });

  it("keeps the carrier's delivery date, and none of the event's address", async () => {
    const { rows } = await stack.pool.query(
      `SELECT "shopifyOrderId", "deliveredAt" FROM "FulfillmentDelivery" WHERE shop = $1 ORDER BY "deliveredAt"`,
      [CLOCK],
    );
    expect(rows).toEqual([
      { shopifyOrderId: String(b1), deliveredAt: at6("2026-01-08") },
      { shopifyOrderId: String(a2), deliveredAt: at6("2026-02-03") },
    ]);
    const { rows: bodies } = await stack.pool.query(
      `SELECT payload FROM "WebhookDelivery" WHERE shop = $1 AND topic = 'fulfillment_events/create'`,
      [CLOCK],
    );
    expect(bodies).toHaveLength(4);
    for (const b of bodies) expect(b.payload).not.toMatch(/Alfarer|41010|neighbour|37\.39/);
  });

  it("refuses a fulfillment event that does not name its fulfilment and order (400), storing nothing", async () => {
    const { fulfillment_id: _f, ...body } = fulfillmentEvent(a1, a1 * 3n, "delivered", at6("2026-01-03"));
    const rawBody = stringifyShopifyJson(body);
    const res = await fetch(`${stack.url}/webhooks`, {
      method: "POST",
      headers: webhookHeaders({ secret: DEV_SECRET, topic: "fulfillment_events/create", shop: CLOCK, rawBody, eventId: "fe-no-ids" }),
      body: rawBody,
    });
    expect(res.status).toBe(400);
    expect(await res.text()).toMatch(/fulfillment_id is missing/);
    const { rows } = await stack.pool.query(`SELECT count(*)::int AS n FROM "WebhookDelivery" WHERE "eventId" = 'fe-no-ids'`);
    expect(rows[0].n).toBe(0);
  });

  it("opens each survey exactly once: daily runs, a day run twice, days skipped, two runs at once", async () => {
    // Daily through January to March, each Monday twice (a retry of the same instant).
    for (let t = at6("2026-01-01"); t <= at6("2026-03-31"); t = new Date(t.getTime() + DAY)) {
      await runAt(t);
      if (t.getUTCDay() === 1) await runAt(t);
    }
    const expected = [
      { key: `nps:order:${a1}`, kind: "nps", dueAt: at6("2026-01-11"), expiresAt: at6("2026-02-10"), email: ANA.email },
      { key: `nps:order:${b1}`, kind: "nps", dueAt: at6("2026-01-15"), expiresAt: at6("2026-02-14"), email: BEA.email },
    ];
    expect(await invitationsOf(CLOCK)).toEqual(expected);

    // The worker was down from April 1 to May 4: the first run after it opens what fell due
    // meanwhile, with its own due date; a killed worker's retry of that run goes at the same time.
    await Promise.all([runAt(at6("2026-05-05")), runAt(at6("2026-05-05"))]);
    const withA3 = [
      ...expected,
      { key: `nps:order:${a3}`, kind: "nps", dueAt: at6("2026-04-30"), expiresAt: at6("2026-05-30"), email: ANA.email },
    ];
    expect(await invitationsOf(CLOCK)).toEqual(withA3);

    // graphile's backfill of the missed days runs older instants after that newer one; then every
    // few days again to the end of July: nothing new.
    for (let t = at6("2026-01-01"); t <= at6("2026-07-31"); t = new Date(t.getTime() + 3 * DAY)) await runAt(t);
    expect(await invitationsOf(CLOCK)).toEqual(withA3);
  });

  it("does not open a survey whose answering period passed while nobody looked", async () => {
    const CARLA = { id: 9007199254980003n, email: "carla.clock@example.com", firstName: "Carla" };
    const c1 = (await shipped(CLOCK, CARLA, at6("2026-06-01"))).orderId; // due Jun 11, closes Jul 11
    await stack.waitForDrain();
    await runAt(at6("2026-07-20")); // the first run after six weeks down
    expect((await invitationsOf(CLOCK)).some((i) => i.key === `nps:order:${c1}`)).toBe(false);
  });
});

describe("answering", () => {
  const ANA = { id: 9007199254970001n, email: "ana.survey@example.com", firstName: "Ana" };
  const BEA = { id: 9007199254970002n, email: "bea.survey@example.com", firstName: "Bea" };
  const now = () => new Date();
  let portalId: number;
  let anaOrder: bigint;

  beforeAll(async () => {
    await stack.installShop(SHOP, { name: "Lucca Coffee" }); // the store's name as Shopify gives it (Shop.name)
    const portal = sandbox.createPortal({ rollingLimit: 190 });
    portalId = portal.portalId;
    const connection = await import("../app/hubspot/connection.server.ts");
    await connection.connectPrivateApp(SHOP, portal.privateAppToken, 190);
    // Shipped 12 days ago with no carrier (due 2 days ago); Bea's delivered 9 days ago (due 2 days ago).
    anaOrder = (await shipped(SHOP, ANA, new Date(Date.now() - 12 * DAY))).orderId;
    await shipped(SHOP, BEA, new Date(Date.now() - 11 * DAY), new Date(Date.now() - 9 * DAY));
    await stack.waitForDrain();
    await surveys.openDueSurveys(now());
    await waitForHubSpot(stack.pool, SHOP);
  });

  const idOf = async (email: string, kind = "nps") =>
    (
      await stack.pool.query<{ id: string }>(
        `SELECT i.id FROM "SurveyInvitation" i JOIN "Customer" c ON c.id = i."customerId" WHERE c.email = $1 AND i.kind = $2 ORDER BY i."dueAt" DESC LIMIT 1`,
        [email, kind],
      )
    ).rows[0].id;
  const contact = (email: string) => hubspotHoldings(sandbox, portalId).contactsByEmail.get(email)?.[0]?.properties ?? {};

  it("shows the shopper their open survey on /api/surveys, /api/account and the order", async () => {
    const token = shopperToken(SHOP, ANA.id);
    const list = await shopperCall(stack.url, "/api/surveys", token, { locale: "es" });
    expect(list.status).toBe(200);
    expect(list.body.surveys).toHaveLength(1);
    const [s] = list.body.surveys;
    expect(s).toMatchObject({
      kind: "nps",
      about: { type: "order", id: String(anaOrder), name: `#${Number(anaOrder % 100000n)}` },
      scale: { min: 0, max: 10, lowLabel: "Nada probable", highLabel: "Muy probable" },
      commentMax: 1000,
    });
    expect(s.question).toBe(
      `Después de tu pedido #${Number(anaOrder % 100000n)}, ¿qué probabilidad hay de que recomiendes Lucca Coffee a un amigo?`,
    );
    const account = await shopperCall(stack.url, "/api/account", token);
    expect(account.body.surveys.map((x: { id: string }) => x.id)).toEqual([s.id]);
    const order = await shopperCall(stack.url, `/api/orders/${anaOrder}`, token);
    expect(order.body.survey.id).toBe(s.id);
    // Bea sees only her own.
    const bea = await shopperCall(stack.url, "/api/surveys", shopperToken(SHOP, BEA.id));
    expect(bea.body.surveys.map((x: { id: string }) => x.id)).toEqual([await idOf(BEA.email)]);
  });

  it("hands HubSpot the open survey's link and due date", async () => {
    const id = await idOf(BEA.email);
    expect(contact(BEA.email)).toMatchObject({ postventa_survey_link: links.surveyLink(id), postventa_survey_kind: "nps" });
    expect(contact(BEA.email).postventa_survey_due_date).toBe(new Date(Date.now() - 2 * DAY).toISOString().slice(0, 10));
  });

  it("refuses another shopper's survey (404), a bad score or comment (400), changing nothing", async () => {
    const id = await idOf(ANA.email);
    const bea = await shopperCall(stack.url, `/api/surveys/${id}`, shopperToken(SHOP, BEA.id), { body: { score: 10 } });
    expect(bea.status).toBe(404);
    expect(bea.body.code).toBe("survey_not_found");
    const other = await shopperCall(stack.url, `/api/surveys/${id}`, shopperToken("feedback-clock.myshopify.com", ANA.id), {
      body: { score: 10 },
    });
    expect(other.status).toBe(404);
    const token = shopperToken(SHOP, ANA.id);
    const high = await shopperCall(stack.url, `/api/surveys/${id}`, token, { body: { score: 11 }, locale: "es" });
    expect(high).toMatchObject({ status: 400, body: { code: "score", error: "Elige una puntuación de 0 a 10." } });
    const long = await shopperCall(stack.url, `/api/surveys/${id}`, token, { body: { score: 5, comment: "x".repeat(1001) } });
    expect(long).toMatchObject({ status: 400, body: { code: "comment_too_long", error: "The comment can be at most 1000 characters." } });
    const notJson = await shopperCall(stack.url, `/api/surveys/${id}`, token, { body: "{score" });
    expect(notJson.status).toBe(400);
    const badId = await shopperCall(stack.url, `/api/surveys/not-an-id`, token, { body: { score: 5 } });
    expect(badId.status).toBe(404);
    const { rows } = await stack.pool.query(`SELECT count(*)::int AS n FROM "SurveyAnswer" WHERE shop = $1`, [SHOP]);
    expect(rows[0].n).toBe(0);
  });

  it("takes one answer when the same survey is answered twice at once; the other gets 409", async () => {
    const id = await idOf(ANA.email);
    const token = shopperToken(SHOP, ANA.id);
    // HubSpot fails the first note writes: the sync retries, and the note still lands once.
    sandbox.faults.failNext(2, 503, { path: /notes/ });
    const answers = await Promise.all([
      shopperCall(stack.url, `/api/surveys/${id}`, token, { body: { score: 3, comment: "Llegó tarde y la caja venía rota" } }),
      shopperCall(stack.url, `/api/surveys/${id}`, token, { body: { score: 9 }, locale: "es" }),
    ]);
    expect(answers.map((a) => a.status).sort()).toEqual([201, 409]);
    const conflict = answers.find((a) => a.status === 409)!;
    expect(conflict.body.code).toBe("survey_answered");
    const { rows } = await stack.pool.query(
      `SELECT score, category, comment, themes, channel FROM "SurveyAnswer" WHERE "invitationId" = $1`,
      [id],
    );
    expect(rows).toHaveLength(1);
    const again = await shopperCall(stack.url, `/api/surveys/${id}`, token, { body: { score: 7 } });
    expect(again).toMatchObject({ status: 409, body: { code: "survey_answered", error: "You already answered this survey. Thank you!" } });
    expect((await shopperCall(stack.url, "/api/surveys", token)).body.surveys).toEqual([]);
    expect((await shopperCall(stack.url, `/api/orders/${anaOrder}`, token)).body.survey).toBeNull();

    if (rows[0].score === 3) {
      expect(rows[0]).toEqual({
        score: 3,
        category: "detractor",
        comment: "Llegó tarde y la caja venía rota",
        themes: ["delivery", "quality"],
        channel: "account",
      });
    }
    await waitForHubSpot(stack.pool, SHOP);
    const held = hubspotHoldings(sandbox, portalId);
    expect(held.notesByEvent.get(`survey:${id}`)).toBe(1);
    expect(contact(ANA.email)).toMatchObject({
      postventa_last_nps_score: String(rows[0].score),
      postventa_nps_category: rows[0].category,
      postventa_last_nps_date: new Date().toISOString().slice(0, 10),
      postventa_survey_link: "",
    });
    // A detractor opens a follow-up ticket; a promoter is invited to review instead.
    expect(held.ticketsByKey.get(`survey:${id}`)?.length ?? 0).toBe(rows[0].score === 3 ? 1 : 0);
    expect(!!contact(ANA.email).postventa_review_invite_due).toBe(rows[0].score === 9);
    expect(
      await surveys.latestNpsCategory((await stack.pool.query(`SELECT id FROM "Customer" WHERE email = $1`, [ANA.email])).rows[0].id),
    ).toBe(rows[0].category);
  });
});

describe("an account connected before the feedback properties existed", () => {
  const OLD = "feedback-old.myshopify.com";
  const FRAN = { id: 9007199254970006n, email: "fran.old@example.com", firstName: "Fran" };

  it("gets them created on the first contact write that needs them, and the write goes through", async () => {
    await stack.installShop(OLD);
    const portal = sandbox.createPortal({ rollingLimit: 190 });
    const { CONTACT_PROPERTIES } = await import("../integrations/hubspot/properties.ts");
    const all = [...CONTACT_PROPERTIES];
    const added = ["postventa_last_nps_comment", "postventa_last_csat_date", "postventa_review_invite_due", "postventa_survey_link"];
    // Connected with the properties Postventa had before: the new ones are not in the account.
    CONTACT_PROPERTIES.splice(0, all.length, ...all.filter((p) => !added.includes(p.name)));
    try {
      const connection = await import("../app/hubspot/connection.server.ts");
      await connection.connectPrivateApp(OLD, portal.privateAppToken, 190);
    } finally {
      CONTACT_PROPERTIES.splice(0, CONTACT_PROPERTIES.length, ...all);
    }
    await shipped(OLD, FRAN, new Date(Date.now() - 12 * DAY));
    await stack.waitForDrain();
    await waitForHubSpot(stack.pool, OLD);
    await surveys.openDueSurveys(new Date());
    await waitForHubSpot(stack.pool, OLD);
    const { rows } = await stack.pool.query(
      `SELECT s.state FROM "HubSpotContactSync" s JOIN "Customer" c ON c.id = s."customerId" WHERE c.email = $1`,
      [FRAN.email],
    );
    expect(rows).toEqual([{ state: "synced" }]);
    const props = hubspotHoldings(sandbox, portal.portalId).contactsByEmail.get(FRAN.email)![0].properties;
    expect(props.postventa_survey_link).toMatch(/\/survey\/[0-9a-f-]{36}\.[\w-]{32}$/);
  });
});

describe("the public survey page", () => {
  const CARMEN = { id: 9007199254970003n, email: "carmen.link@example.com", firstName: "Carmen" };
  const DIEGO = { id: 9007199254970004n, email: "diego.link@example.com", firstName: "Diego" };
  let carmen: string;
  let diego: string;

  beforeAll(async () => {
    await shipped(SHOP, CARMEN, new Date(Date.now() - 12 * DAY));
    await shipped(SHOP, DIEGO, new Date(Date.now() - 12 * DAY));
    await stack.waitForDrain();
    await surveys.openDueSurveys(new Date());
    const id = async (email: string) =>
      (
        await stack.pool.query(`SELECT i.id FROM "SurveyInvitation" i JOIN "Customer" c ON c.id = i."customerId" WHERE c.email = $1`, [
          email,
        ])
      ).rows[0].id;
    carmen = await id(CARMEN.email);
    diego = await id(DIEGO.email);
  });

  const page = (path: string, init: { form?: Record<string, string>; lang?: string } = {}) =>
    fetch(new URL(path, stack.url), {
      method: init.form ? "POST" : "GET",
      headers: {
        "User-Agent": BROWSER_UA,
        "Accept-Language": init.lang ?? "en-US,en;q=0.8",
        ...(init.form ? { "Content-Type": "application/x-www-form-urlencoded" } : {}),
      },
      body: init.form ? new URLSearchParams(init.form).toString() : undefined,
    }).then(async (r) => ({ status: r.status, headers: r.headers, html: await r.text() }));

  it("asks the question in the shopper's language, with no login, and takes one answer", async () => {
    const url = new URL(links.surveyLink(carmen));
    const es = await page(url.pathname, { lang: "es-ES,es;q=0.9" });
    expect(es.status).toBe(200);
    expect(es.headers.get("content-type")).toMatch(/text\/html/);
    expect(es.headers.get("referrer-policy")).toBe("no-referrer");
    expect(es.html).toContain("¿qué probabilidad hay de que recomiendes Lucca Coffee a un amigo?");
    expect(es.html.match(/name="score" value="\d+"/g)).toHaveLength(11);
    expect(es.html).not.toContain(CARMEN.email);
    const en = await page(`${url.pathname}?locale=en`, { lang: "es" });
    expect(en.html).toContain("how likely are you to recommend Lucca Coffee to a friend?");

    const bad = await page(url.pathname, { form: { score: "12", comment: "" }, lang: "es" });
    expect(bad.status).toBe(400);
    expect(bad.html).toContain("Elige una puntuación de 0 a 10.");
    const ok = await page(url.pathname, { form: { score: "10", comment: "Everything arrived on time, great support" } });
    expect(ok.status).toBe(200);
    expect(ok.html).toContain("Thank you for your answer!");
    const twice = await page(url.pathname, { form: { score: "2", comment: "" } });
    expect(twice.status).toBe(409);
    expect(twice.html).toContain("You already answered this survey.");
    expect((await page(url.pathname)).status).toBe(410);
    const { rows } = await stack.pool.query(`SELECT score, channel, "reviewInvite" FROM "SurveyAnswer" WHERE "invitationId" = $1`, [
      carmen,
    ]);
    expect(rows).toEqual([{ score: 10, channel: "link", reviewInvite: true }]);
  });

  it("says kindly when a link was tampered with, is unknown or has expired", async () => {
    const path = new URL(links.surveyLink(diego)).pathname;
    const tampered = path.slice(0, -1) + (path.endsWith("A") ? "B" : "A");
    const t = await page(tampered, { lang: "es" });
    expect(t.status).toBe(404);
    expect(t.html).toContain("No encontramos esta encuesta.");
    expect((await page(tampered, { form: { score: "10" } })).status).toBe(404);
    // Another invitation's id under Diego's signature: refused before any database read matters.
    const swapped = `/survey/${carmen}.${path.split(".")[1]}`;
    expect((await page(swapped)).status).toBe(404);
    expect((await page("/survey/not-a-token")).status).toBe(404);

    await stack.pool.query(`UPDATE "SurveyInvitation" SET "expiresAt" = now() - interval '1 minute' WHERE id = $1`, [diego]);
    const expired = await page(path);
    expect(expired.status).toBe(410);
    expect(expired.html).toContain("This survey has closed.");
    expect((await page(path, { form: { score: "9" } })).status).toBe(410);
    const { rows } = await stack.pool.query(`SELECT count(*)::int AS n FROM "SurveyAnswer" WHERE "invitationId" = $1`, [diego]);
    expect(rows[0].n).toBe(0);
  });
});

describe("CSAT after a warranty claim is closed", () => {
  const EVA = { id: 9007199254970005n, email: "eva.csat@example.com", firstName: "Eva" };

  it("opens a CSAT survey once the claim is resolved, and a score of 2 opens a follow-up ticket", async () => {
    await shipped(SHOP, EVA, new Date(Date.now() - 3 * DAY));
    await stack.waitForDrain();
    const token = shopperToken(SHOP, EVA.id);
    const account = (await shopperCall(stack.url, "/api/account", token)).body;
    const claim = await shopperCall(stack.url, "/api/claims", token, {
      body: {
        warrantyId: account.warranties[0].id,
        requestId: crypto.randomUUID(),
        description: "The grinder stopped turning after a week.",
      },
    });
    expect(claim.status).toBe(201);
    const { actOnClaim } = await import("../app/warranty/claims.server.ts");
    await surveys.openDueSurveys(new Date());
    expect((await shopperCall(stack.url, "/api/surveys", token)).body.surveys).toEqual([]); // the order's NPS is not due yet; the claim is open
    await actOnClaim(SHOP, claim.body.id, { type: "approve", resolution: "repair" }, "merchant");
    await actOnClaim(SHOP, claim.body.id, { type: "resolve" }, "merchant");
    await surveys.openDueSurveys(new Date());
    await surveys.openDueSurveys(new Date());
    const open = (await shopperCall(stack.url, "/api/surveys", token)).body.surveys;
    expect(open).toHaveLength(1);
    expect(open[0]).toMatchObject({ kind: "csat", about: { type: "claim", id: claim.body.id }, scale: { min: 1, max: 5 } });
    expect(open[0].question).toMatch(/^How satisfied are you with how we handled your warranty claim \(C-[0-9A-F]{8}\)\?$/);
    const zero = await shopperCall(stack.url, `/api/surveys/${open[0].id}`, token, { body: { score: 0 } });
    expect(zero.body.error).toBe("Choose a score from 1 to 5.");
    const answered = await shopperCall(stack.url, `/api/surveys/${open[0].id}`, token, {
      body: { score: 2, comment: "Nobody answered my emails" },
    });
    expect(answered).toMatchObject({ status: 201, body: { kind: "csat", score: 2, category: null } });
    await waitForHubSpot(stack.pool, SHOP);
    const { rows: conn } = await stack.pool.query(`SELECT "portalId" FROM "HubSpotConnection" WHERE shop = $1`, [SHOP]);
    const held = hubspotHoldings(sandbox, Number(conn[0].portalId));
    const [ticket] = held.ticketsByKey.get(`survey:${open[0].id}`) ?? [];
    expect(ticket.properties.subject).toMatch(/^Unhappy customer: CSAT 2\/5 about warranty claim C-/);
    expect(ticket.properties.content).toContain("Nobody answered my emails");
    expect(held.notesByEvent.get(`survey:${open[0].id}`)).toBe(1);
    const props = held.contactsByEmail.get(EVA.email)![0].properties;
    expect(props).toMatchObject({ postventa_last_csat: "2", postventa_last_csat_date: new Date().toISOString().slice(0, 10) });
  });
});

describe("a guest who signs up later", () => {
  it("finds the survey of the order they placed as a guest, answers it, and HubSpot puts it on their contact", async () => {
    const email = "hana.guest@example.com";
    const HANA = 9007199254970008n;
    const orderId = (orderSeq += 10n);
    const order = paidOrder(orderId, { id: null, email });
    await deliver(stack.url, SHOP, "orders/paid", order);
    await deliver(stack.url, SHOP, "orders/fulfilled", {
      ...order,
      fulfillment_status: "fulfilled",
      fulfillments: [
        {
          id: orderId * 3n,
          status: "success",
          created_at: new Date(Date.now() - 12 * DAY).toISOString(),
          line_items: [{ id: order.line_items[0].id, quantity: 1 }],
        },
      ],
    });
    await deliver(stack.url, SHOP, "customers/create", customerUpdate(HANA, email, "Hana", "Sato"));
    await stack.waitForDrain();
    await surveys.openDueSurveys(new Date());
    const token = shopperToken(SHOP, HANA);
    const [survey] = (await shopperCall(stack.url, "/api/surveys", token)).body.surveys;
    expect(survey).toMatchObject({ kind: "nps", about: { type: "order", id: String(orderId) } });
    expect((await shopperCall(stack.url, `/api/orders/${orderId}`, token)).body.survey.id).toBe(survey.id);
    const answered = await shopperCall(stack.url, `/api/surveys/${survey.id}`, token, { body: { score: 8, channel: "order_status" } });
    expect(answered).toMatchObject({ status: 201, body: { category: "passive" } });
    await waitForHubSpot(stack.pool, SHOP);
    const { rows: conn } = await stack.pool.query(`SELECT "portalId" FROM "HubSpotConnection" WHERE shop = $1`, [SHOP]);
    const held = hubspotHoldings(sandbox, Number(conn[0].portalId));
    expect(held.contactsByEmail.get(email)).toHaveLength(1);
    expect(held.contactsByEmail.get(email)![0].properties).toMatchObject({
      postventa_last_nps_score: "8",
      postventa_nps_category: "passive",
    });
    expect(held.noteContact.get(held.state.notes.find((n) => n.properties.hs_note_body?.includes(`survey:${survey.id}`))!.id)).toBe(
      held.contactsByEmail.get(email)![0].id,
    );
  });
});

describe("CSAT after a return is closed", () => {
  const GIL = { id: 9007199254970007n, email: "gil.return@example.com", firstName: "Gil" };

  it("opens once Shopify reports the return closed, about the return by its name", async () => {
    const { orderId } = await shipped(SHOP, GIL, new Date(Date.now() - 4 * DAY));
    stack.admin.addOrder(SHOP, {
      id: String(orderId),
      customerId: String(GIL.id),
      lineItems: [{ id: String(orderId * 10n + 1n), quantity: 1, title: "Molinillo Baratza" }],
      fulfillments: [{ id: String(orderId * 3n), lineItems: [{ lineItemId: String(orderId * 10n + 1n), quantity: 1 }] }],
    });
    stack.admin.sendWebhooksTo(`${stack.url}/webhooks`, DEV_SECRET);
    try {
      await stack.waitForDrain();
      const token = shopperToken(SHOP, GIL.id);
      const asked = await shopperCall(stack.url, "/api/returns", token, {
        body: {
          orderId: String(orderId),
          requestId: crypto.randomUUID(),
          outcome: "refund",
          lines: [{ lineItemId: String(orderId * 10n + 1n), quantity: 1, reason: "unwanted" }],
        },
      });
      expect(asked.status, JSON.stringify(asked.body)).toBe(201);
      await surveys.openDueSurveys(new Date());
      expect((await shopperCall(stack.url, "/api/surveys", token)).body.surveys).toEqual([]); // open, not closed yet
      const [held] = stack.admin.returnsOf(SHOP, String(orderId));
      await stack.admin.merchant.closeReturn(SHOP, held.id);
      await stack.admin.webhooksSettled();
      await stack.waitForDrain();
      await surveys.openDueSurveys(new Date(Date.now() + 60_000));
      await surveys.openDueSurveys(new Date(Date.now() + 60_000));
      const open = (await shopperCall(stack.url, "/api/surveys", token, { locale: "es" })).body.surveys;
      expect(open).toHaveLength(1);
      expect(open[0]).toMatchObject({ kind: "csat", about: { type: "return", id: asked.body.id, name: asked.body.name } });
      expect(open[0].question).toBe(`¿Qué tan satisfecho estás con cómo gestionamos tu devolución ${asked.body.name}?`);
    } finally {
      stack.admin.sendWebhooksTo(null);
    }
  });
});

describe("customers/redact", () => {
  it("empties survey comments; the score stays for the shop's NPS", async () => {
    const CARMEN_ID = 9007199254970003n;
    await deliver(stack.url, SHOP, "customers/redact", {
      shop_id: 1,
      shop_domain: SHOP,
      customer: { id: CARMEN_ID, email: "carmen.link@example.com", phone: null },
      orders_to_redact: [],
    });
    await stack.waitForDrain();
    const { rows } = await stack.pool.query(
      `SELECT a.score, a.comment, a.themes FROM "SurveyAnswer" a JOIN "Customer" c ON c.id = a."customerId" WHERE c."shopifyCustomerId" = $1`,
      [String(CARMEN_ID)],
    );
    expect(rows).toEqual([{ score: 10, comment: null, themes: [] }]);
    // Append-only: nothing else about an answer can change.
    await expect(stack.pool.query(`UPDATE "SurveyAnswer" SET score = 10 WHERE shop = $1`, [SHOP])).rejects.toThrow(/append-only/);
  });
});

describe("the dashboard's NPS and CSAT", () => {
  it("scores the range's answers of the shop as the industry does, and says when a shop has none", async () => {
    const { surveyScores } = await import("../app/dashboard.server.ts");
    const today = new Date().toISOString().slice(0, 10); // UTC days (zone null): this reads the scores, not the calendar
    const { rows } = await stack.pool.query<{ kind: string; score: number; themes: string[] | null }>(
      `SELECT kind, score, themes FROM "SurveyAnswer" WHERE shop = $1`,
      [SHOP],
    );
    // Which of the two racing answers above was taken decides the comments' themes: read them back.
    const themes = [...new Set(rows.flatMap((r) => r.themes ?? []))];
    const nps = rows.filter((r) => r.kind === "nps").map((r) => r.score);
    const csat = rows.filter((r) => r.kind === "csat").map((r) => r.score);
    expect(nps.length).toBeGreaterThan(1); // the answers of the tests above
    const promoters = nps.filter((s) => s >= 9).length;
    const detractors = nps.filter((s) => s <= 6).length;
    expect(await surveyScores(SHOP, { from: today, to: today }, null)).toEqual({
      nps: Math.round(((promoters - detractors) / nps.length) * 100),
      csat: csat.length ? Math.round((csat.filter((s) => s >= 4).length / csat.length) * 100) / 100 : null,
      answers: rows.length,
      themes: expect.arrayContaining(themes.map((theme) => expect.objectContaining({ theme }))),
    });
    // A range without answers: nothing to score, but surveys are running.
    expect(await surveyScores(SHOP, { from: "2020-01-01", to: "2020-01-31" }, null)).toEqual({
      nps: null,
      csat: null,
      answers: 0,
      themes: [],
    });
    // A shop that never had an answer: the dashboard's empty state.
    expect(await surveyScores("feedback-never.myshopify.com", { from: today, to: today }, null)).toBeNull();
  });
});
