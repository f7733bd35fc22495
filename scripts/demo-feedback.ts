// The demo's feedback part (`npm run demo`): a few shoppers' earlier orders, shipped two weeks ago
// (one delivered by a carrier), the daily open_surveys task at its scheduled instant, the surveys
// each shopper sees, answered from the rewards page and from the public link a HubSpot email
// carries, and what HubSpot then holds. Returns whether all of it held.
import type pg from "pg";
import type { Stack } from "../test/stack.ts";
import type { HubSpotSandbox } from "../test/sandboxes/hubspot/server.ts";
import { deliver, hubspotHoldings, paidOrder, waitForHubSpot } from "../test/hubspot-helpers.ts";
import { BROWSER_UA, shopperCall, shopperToken } from "../test/shopper-helpers.ts";
import type { SurveyView } from "../app/shopper/views.ts";

const DAY = 86_400_000;

export async function demoFeedback(o: { stack: Stack; hubspot: HubSpotSandbox; portalId: number; shop: string }): Promise<boolean> {
  const { stack, hubspot, portalId, shop } = o;
  const q = async <T extends pg.QueryResultRow>(sql: string, params: unknown[] = []) => (await stack.pool.query<T>(sql, params)).rows;
  const { openDueSurveys } = await import("../app/feedback/surveys.server.ts");
  const { surveyLink } = await import("../app/feedback/links.server.ts");
  const { netPromoterScore, csatPercent, themeCounts } = await import("../app/domain/feedback.ts");

  // Three shoppers with an earlier order: shipped 14 days ago and delivered 9 days ago by a carrier
  // (NPS due 7 days after delivery), shipped 12 days ago with no carrier (due 10 days after
  // fulfilment), shipped 13 days ago and delivered 10 days ago.
  const people = await q<{ id: string; email: string }>(
    `SELECT c."shopifyCustomerId" AS id, c.email FROM "Customer" c JOIN "PointsAccount" a ON a."customerId" = c.id
      WHERE c.shop = $1 AND c."shopifyCustomerId" IS NOT NULL AND c."redactedAt" IS NULL AND c.email IS NOT NULL
      ORDER BY a."lifetimeEarned" DESC, c.id LIMIT 3`,
    [shop],
  );
  const plan = [
    { fulfilled: 14, delivered: 9 },
    { fulfilled: 12, delivered: null },
    { fulfilled: 13, delivered: 10 },
  ];
  let orderId = 8_800_000_000_000_001n;
  for (const [i, p] of people.entries()) {
    const id = (orderId += 10n);
    const order = paidOrder(id, { id: BigInt(p.id), email: p.email });
    const fulfillmentId = id * 3n;
    const shippedAt = new Date(Date.now() - plan[i].fulfilled * DAY).toISOString();
    await deliver(stack.url, shop, "orders/paid", order);
    await deliver(stack.url, shop, "orders/fulfilled", {
      ...order,
      fulfillment_status: "fulfilled",
      fulfillments: [
        { id: fulfillmentId, status: "success", created_at: shippedAt, line_items: [{ id: order.line_items[0].id, quantity: 1 }] },
      ],
    });
    const delivered = plan[i].delivered;
    if (delivered !== null) {
      const at = new Date(Date.now() - delivered * DAY).toISOString();
      await deliver(stack.url, shop, "fulfillment_events/create", {
        id: id + 7n,
        fulfillment_id: fulfillmentId,
        order_id: id,
        status: "delivered",
        happened_at: at,
        created_at: at,
        message: "Delivered",
        admin_graphql_api_id: `gid://shopify/FulfillmentEvent/${id + 7n}`,
      });
    }
  }
  await stack.waitForDrain();

  // The cron's next scheduled instant (06:00 UTC), as the worker will pass it in `_cron.ts`: the
  // claim resolved a moment ago is then due its CSAT survey.
  const cron = new Date(Math.floor((Date.now() - 6 * 3600_000) / DAY) * DAY + 6 * 3600_000 + DAY);
  const opened = await openDueSurveys(cron);
  const again = await openDueSurveys(cron);
  console.log(
    `\nSurveys: the daily open_surveys task as of ${cron.toISOString()} opened ${opened}; run again for the same instant: ${again}`,
  );

  const surveysOf = async (id: string, locale: string) =>
    (await shopperCall(stack.url, "/api/surveys", shopperToken(shop, id), { locale })).body.surveys as SurveyView[];
  const due = new Map<string, SurveyView[]>();
  for (const [i, p] of people.entries()) {
    const locale = i === 0 ? "es" : "en";
    const list = await surveysOf(p.id, locale);
    due.set(p.id, list);
    for (const s of list)
      console.log(`  ${p.email} (${locale}) sees: ${s.question} [${s.scale.min}–${s.scale.max}, until ${s.expiresAt.slice(0, 10)}]`);
  }
  const [promoter, detractor, silent] = people;
  const answers: Array<{ who: string; status: number }> = [];
  // From the rewards page (the customer-account extension posts this).
  const promoterSurvey = due.get(promoter.id)?.find((s) => s.kind === "nps");
  if (promoterSurvey) {
    const r = await shopperCall(stack.url, `/api/surveys/${promoterSurvey.id}`, shopperToken(shop, promoter.id), {
      body: { score: 10, comment: "Llegó rapidísimo y la calidad es excelente" },
      locale: "es",
    });
    answers.push({ who: promoter.email, status: r.status });
    console.log(`  ${promoter.email} answers 10 from the rewards page: HTTP ${r.status} (${r.body.category})`);
    const twice = await shopperCall(stack.url, `/api/surveys/${promoterSurvey.id}`, shopperToken(shop, promoter.id), {
      body: { score: 3 },
      locale: "es",
    });
    console.log(`  …and again: HTTP ${twice.status} «${twice.body.error}»`);
  }
  // From the link in HubSpot's survey email: a public page, no login.
  const detractorSurvey = due.get(detractor.id)?.find((s) => s.kind === "nps");
  if (detractorSurvey) {
    const link = surveyLink(detractorSurvey.id);
    const path = new URL(link).pathname;
    const get = await fetch(new URL(path, stack.url), { headers: { "User-Agent": BROWSER_UA, "Accept-Language": "en" } });
    const question = (await get.text()).match(/<h1>([^<]+)<\/h1>/)?.[1];
    console.log(`  ${detractor.email} opens the link from the HubSpot email (${link}): HTTP ${get.status}, “${question}”`);
    const post = await fetch(new URL(path, stack.url), {
      method: "POST",
      headers: { "User-Agent": BROWSER_UA, "Accept-Language": "en", "Content-Type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ score: "4", comment: "The package arrived late and the box was damaged" }).toString(),
    });
    answers.push({ who: detractor.email, status: post.status });
    console.log(`  …answers 4 with a comment: HTTP ${post.status}, “${(await post.text()).match(/<h1>([^<]+)<\/h1>/)?.[1]}”`);
  }
  // A CSAT survey follows the warranty claim resolved earlier in the demo.
  const csat = await q<{ id: string; customer: string; email: string }>(
    `SELECT i.id, c."shopifyCustomerId" AS customer, c.email FROM "SurveyInvitation" i JOIN "Customer" c ON c.id = i."customerId"
      WHERE i.shop = $1 AND i.kind = 'csat' AND i."answeredAt" IS NULL LIMIT 1`,
    [shop],
  );
  for (const c of csat) {
    const r = await shopperCall(stack.url, `/api/surveys/${c.id}`, shopperToken(shop, c.customer), { body: { score: 5 }, locale: "en" });
    answers.push({ who: c.email, status: r.status });
    console.log(`  ${c.email} rates the handling of their resolved warranty claim 5/5: HTTP ${r.status}`);
  }

  await waitForHubSpot(stack.pool, shop);
  const held = hubspotHoldings(hubspot, portalId);
  console.log(`  What HubSpot holds for them:`);
  const invitations = await q<{ id: string; email: string }>(
    `SELECT i.id, c.email FROM "SurveyInvitation" i JOIN "Customer" c ON c.id = i."customerId" WHERE i.shop = $1`,
    [shop],
  );
  for (const p of [...new Set([...people.map((x) => x.email), ...csat.map((c) => c.email)])]) {
    const c = held.contactsByEmail.get(p.toLowerCase())?.[0]?.properties ?? {};
    const show = (k: string) => (c[k] ? c[k] : "—");
    console.log(
      `    ${p}: NPS ${show("postventa_last_nps_score")} (${show("postventa_nps_category")}, ${show("postventa_last_nps_date")}) “${show("postventa_last_nps_comment")}” · CSAT ${show("postventa_last_csat")} · review invite due ${show("postventa_review_invite_due")} · open survey ${show("postventa_survey_kind")} due ${show("postventa_survey_due_date")} ${show("postventa_survey_link")}`,
    );
    for (const i of invitations.filter((x) => x.email === p)) {
      const t = held.ticketsByKey.get(`survey:${i.id}`)?.[0];
      if (t) console.log(`      follow-up ticket: “${t.properties.subject}”`);
    }
  }
  const scored = await q<{ kind: string; score: number; comment: string | null }>(
    `SELECT kind, score, comment FROM "SurveyAnswer" WHERE shop = $1`,
    [shop],
  );
  const reasons = await q<{ reason: string }>(
    `SELECT l.reason FROM "ReturnRequestLine" l JOIN "ReturnRequest" r ON r.id = l."returnId" WHERE r.shop = $1`,
    [shop],
  );
  const nps = netPromoterScore(scored.filter((s) => s.kind === "nps").map((s) => s.score));
  const csatPct = csatPercent(scored.filter((s) => s.kind === "csat").map((s) => s.score));
  const themes = themeCounts([...scored.map((s) => s.comment), ...reasons.map((r) => r.reason)]);
  console.log(
    `  Shop: NPS ${nps ?? "—"} (${scored.filter((s) => s.kind === "nps").length} answers), CSAT ${csatPct ?? "—"}% · themes in comments and return reasons: ${themes.map((t) => `${t.theme} ${t.count}`).join(", ") || "—"}`,
  );

  const notes = invitations.filter((i) => held.notesByEvent.get(`survey:${i.id}`) === 1).length;
  const silentContact = held.contactsByEmail.get(silent?.email.toLowerCase() ?? "")?.[0]?.properties ?? {};
  const silentSurvey = due.get(silent?.id ?? "")?.[0];
  return (
    opened >= 3 &&
    again === 0 &&
    answers.length >= 3 &&
    answers.every((a) => a.status === 201 || a.status === 200) &&
    notes === scored.length &&
    !!held.contactsByEmail.get(promoter.email.toLowerCase())?.[0]?.properties.postventa_review_invite_due &&
    [...held.ticketsByKey.keys()].some((k) => k.startsWith("survey:")) &&
    !!silentSurvey &&
    silentContact.postventa_survey_link === surveyLink(silentSurvey.id)
  );
}
