// `npm run demo`: a realistic store's week, delivered as signed webhooks to the real app, then the
// shop connects to HubSpot (the local sandbox) and the backfill writes everyone's story there.
// `npm run demo -- --keep` leaves the server running afterwards.
import { eventIdOf } from "../integrations/hubspot/client.server.ts";
import { generateStoreWeek, deliverAll } from "../test/sandboxes/shopify/store-week.ts";
import { startHubSpotSandbox } from "../test/sandboxes/hubspot/server.ts";
import { hubspotHoldings, waitForHubSpot } from "../test/hubspot-helpers.ts";
import { DEV_SECRET, startStack } from "../test/stack.ts";
import { BROWSER_UA, shopperCall, shopperToken } from "../test/shopper-helpers.ts";
import type { AccountView, ClaimView, RedeemAnswer, ReturnOptionsView, ReturnView } from "../app/shopper/views.ts";
import type { OrderFacts } from "../app/domain/facts.ts";
import { returnReasonText } from "../app/domain/shopper-text.ts";

const keep = process.argv.includes("--keep");
const shop = "cafe-demo.myshopify.com";
const start = new Date(Date.now() - 7 * 86400_000).toISOString();

console.log("Starting embedded Postgres, migrations, app server, queue worker, and the Shopify Admin and HubSpot sandboxes…");
const hubspot = await startHubSpotSandbox({ rollingLimit: 190 });
process.env.HUBSPOT_BASE_URL = hubspot.url;
const stack = await startStack({ database: "postventa_demo", port: keep ? 3000 : 0 });
await stack.installShop(shop);
const week = generateStoreWeek({ shop, seed: 7, start });
stack.admin.setProducts(shop, week.products);

// The same week delivered to a twin shop exactly once each, in true order: the reference the
// shuffled, duplicated delivery above must converge to.
const twin = "cafe-demo-in-order.myshopify.com";
await stack.installShop(twin);
stack.admin.setProducts(twin, week.products);

const t0 = Date.now();
// A week compressed into seconds: each delivery is stamped as sent now, as Shopify would stamp it.
const deliveries = week.deliveries.map((d) => ({ ...d, triggeredAt: new Date().toISOString() }));
const result = await deliverAll(`${stack.url}/webhooks`, deliveries, { secret: DEV_SECRET, shop, concurrency: 8 });
const acked = Date.now() - t0;
await stack.waitForDrain();
const drained = Date.now() - t0;

const now = () => new Date().toISOString();
await deliverAll(
  `${stack.url}/webhooks`,
  week.events.map((e, i) => ({ ...e, triggeredAt: now(), webhookId: `in-order-${i}`, duplicate: false, outOfOrder: false })),
  { secret: DEV_SECRET, shop: twin, concurrency: 1 },
);
await stack.waitForDrain();

const q = async <T = Record<string, unknown>>(sql: string, params: unknown[] = []) => (await stack.pool.query(sql, params)).rows as T[];
const sample = await q(
  `
  SELECT COALESCE(c."firstName" || ' ' || c."lastName", c.email) AS who, c."shopifyCustomerId" IS NULL AS guest,
         COALESCE(a.balance, 0) AS points, COALESCE(a."lifetimeEarned", 0) AS lifetime,
         (SELECT count(*) FROM "WarrantyRegistration" w WHERE w."customerId" = c.id AND w.status = 'active')::int AS warranties,
         (SELECT count(*) FROM "Order" o WHERE o."customerId" = c.id)::int AS orders
  FROM "Customer" c LEFT JOIN "PointsAccount" a ON a."customerId" = c.id
  WHERE c.shop = $1 AND c."claimedById" IS NULL ORDER BY a.balance DESC NULLS LAST, who LIMIT 8`,
  [shop],
);
const [totals] = await q(
  `
  SELECT (SELECT count(*) FROM "Customer" WHERE shop = $1 AND "claimedById" IS NULL)::int AS customers,
         (SELECT count(*) FROM "Customer" WHERE shop = $1 AND "shopifyCustomerId" IS NULL AND "claimedById" IS NULL)::int AS guests,
         (SELECT count(*) FROM "Order" WHERE shop = $1 AND facts IS NOT NULL)::int AS orders,
         (SELECT COALESCE(sum(points) FILTER (WHERE kind = 'earn'), 0) FROM "PointsLedgerEntry" WHERE shop = $1)::int AS earned,
         (SELECT COALESCE(-sum(points) FILTER (WHERE kind LIKE '%reversal'), 0) FROM "PointsLedgerEntry" WHERE shop = $1)::int AS reversed,
         (SELECT COALESCE(sum(balance), 0) FROM "PointsAccount" WHERE shop = $1)::int AS outstanding,
         (SELECT count(*) FROM "WarrantyRegistration" WHERE shop = $1)::int AS units,
         (SELECT count(*) FROM "WarrantyRegistration" WHERE shop = $1 AND status = 'active')::int AS active,
         (SELECT count(*) FROM "WarrantyRegistration" WHERE shop = $1 AND status = 'pending_fulfillment')::int AS pending,
         (SELECT count(*) FROM "WarrantyRegistration" WHERE shop = $1 AND status = 'voided')::int AS voided,
         (SELECT count(*) FROM "WebhookDelivery" WHERE shop = $1)::int AS stored,
         (SELECT count(*) FROM "WebhookDelivery" WHERE shop = $1 AND state = 'failed')::int AS failed`,
  [shop],
);

const balances = async (s: string) =>
  Object.fromEntries(
    (
      await q<{ k: string; b: number }>(
        `SELECT COALESCE(c."shopifyCustomerId", c.email) AS k, COALESCE(a.balance, 0) AS b FROM "Customer" c
   LEFT JOIN "PointsAccount" a ON a."customerId" = c.id WHERE c.shop = $1 AND c."claimedById" IS NULL`,
        [s],
      )
    ).map((r) => [r.k, r.b]),
  );
const [shuffled, inOrder] = [await balances(shop), await balances(twin)];
const differing = Object.keys({ ...shuffled, ...inOrder }).filter((k) => shuffled[k] !== inOrder[k]);

const pad = (s: unknown, n: number) => String(s).padEnd(n);
console.log(`\nPostventa demo — ${shop}, one week from ${start.slice(0, 10)}\n`);
console.log(
  `Deliveries: ${week.deliveries.length} sent (${week.stats.duplicates} duplicates, ${week.stats.outOfOrder} out of order); ` +
    `${result.ok} answered 2xx, ${result.failed.length} refused; ${totals.stored} distinct events stored, ${totals.failed} failed.`,
);
console.log(`Acknowledged in ${acked} ms; queue drained after ${drained} ms.\n`);
console.log(`${pad("Customer", 28)}${pad("guest", 7)}${pad("points", 8)}${pad("lifetime", 10)}${pad("orders", 8)}active warranties`);
for (const r of sample)
  console.log(
    `${pad(r.who, 28)}${pad(r.guest ? "yes" : "", 7)}${pad(r.points, 8)}${pad(r.lifetime, 10)}${pad(r.orders, 8)}${r.warranties}`,
  );
console.log(
  `\nTotals: ${totals.customers} customers (${totals.guests} guests), ${totals.orders} orders; points earned ${totals.earned}, ` +
    `reversed ${totals.reversed}, outstanding ${totals.outstanding}.`,
);
console.log(
  `Warranty registrations: ${totals.units} units — ${totals.active} active, ${totals.pending} awaiting fulfilment, ${totals.voided} voided by refund or cancellation.`,
);
console.log(
  `Week as generated: ${week.stats.orders} orders (${week.stats.guestOrders} guest), ${week.stats.refunds} refunds, ${week.stats.cancellations} cancellations.`,
);

console.log(
  differing.length === 0
    ? `Converged: every balance equals the one from delivering each event once, in true order (${Object.keys(inOrder).length} customers compared).`
    : `NOT converged: ${differing.length} customer balances differ from in-order delivery: ${differing.slice(0, 5).join(", ")}`,
);

// ------------------------------------------------------------------------------------------------
// HubSpot: the merchant connects (a private app token on a Professional portal: 190 requests / 10 s)
// and watches the backfill, as the HubSpot page shows it.
// ------------------------------------------------------------------------------------------------
const { connectPrivateApp } = await import("../app/hubspot/connection.server.ts");
const { hubspotStatus } = await import("../app/hubspot/status.server.ts");
const portal = hubspot.createPortal({ rollingLimit: 190 });
console.log(`\nHubSpot: connecting ${shop} to portal ${portal.portalId} (local sandbox)…`);
const h0 = Date.now();
await connectPrivateApp(shop, portal.privateAppToken, 190);
let status = await hubspotStatus(shop);
for (let last = ""; status.backfill.running || status.backlog.contacts + status.backlog.notes > 0; status = await hubspotStatus(shop)) {
  if (Date.now() - h0 > 180_000 || status.connection?.state !== "active") break;
  const line = `  backfill ${status.backfill.done}/${status.backfill.total} (${Math.round((100 * status.backfill.done) / Math.max(1, status.backfill.total))}%)`;
  if (line !== last) console.log((last = line));
  await new Promise((r) => setTimeout(r, 500));
}
const hubspotMs = Date.now() - h0;
const held = hubspotHoldings(hubspot, portal.portalId);
const interactions = await q<{ key: string; title: string; email: string; state: string }>(
  `SELECT i.key, i.title, lower(c.email) AS email, i.state FROM "HubSpotInteraction" i JOIN "Customer" c ON c.id = i."customerId" WHERE i.shop = $1 ORDER BY i."occurredAt", i.id`,
  [shop],
);
const contactIdByEmail = new Map([...held.contactsByEmail].map(([e, cs]) => [e, cs[0].id]));
const noteIdByEvent = new Map(held.state.notes.map((n) => [eventIdOf(n.properties.hs_note_body), n.id]));
const misplaced = interactions.filter((i) => held.noteContact.get(noteIdByEvent.get(i.key) ?? "") !== contactIdByEmail.get(i.email));
const duplicatedNotes = [...held.notesByEvent.values()].filter((n) => n > 1).length;
const duplicatedContacts = [...held.contactsByEmail.values()].filter((c) => c.length > 1).length;
const people = await q<{ email: string; balance: number; tier: string }>(
  `SELECT lower(c.email) AS email, COALESCE(a.balance, 0) AS balance FROM "Customer" c LEFT JOIN "PointsAccount" a ON a."customerId" = c.id
    WHERE c.shop = $1 AND c."claimedById" IS NULL AND c.email IS NOT NULL`,
  [shop],
);
const wrongPoints = people.filter((p) => held.contactsByEmail.get(p.email)?.[0].properties.postventa_points_balance !== String(p.balance));

console.log(
  `HubSpot now holds ${held.state.contacts.length} contacts and ${held.state.notes.length} notes (backfill took ${hubspotMs} ms, ${status.connection?.state}).`,
);
for (const p of people.sort((a, b) => b.balance - a.balance).slice(0, 3)) {
  const c = held.contactsByEmail.get(p.email)![0].properties;
  console.log(
    `  ${pad(p.email, 34)} points ${pad(c.postventa_points_balance, 6)} tier ${pad(c.postventa_tier, 7)} orders ${pad(c.postventa_orders_count, 3)} spent ${pad(c.postventa_total_spent, 9)} warranties ${c.postventa_active_warranties}`,
  );
  for (const i of interactions.filter((x) => x.email === p.email).slice(0, 4)) console.log(`      · ${i.title}`);
}
const hubspotOk =
  misplaced.length === 0 &&
  duplicatedNotes === 0 &&
  duplicatedContacts === 0 &&
  wrongPoints.length === 0 &&
  status.connection?.state === "active";
console.log(
  hubspotOk
    ? `Every one of ${interactions.length} interactions is a note on the right contact; ${people.length} contacts carry the app's points balance; no duplicates.`
    : `HubSpot NOT consistent: ${misplaced.length} interactions missing or on the wrong contact, ${duplicatedNotes} duplicated notes, ${duplicatedContacts} duplicated contacts, ${wrongPoints.length} wrong balances.`,
);
console.log(`Requests to HubSpot: ${hubspot.stats().requests} (${hubspot.stats().http429} answered 429).`);

// What two shoppers see on their account's rewards page (the customer-account extension renders
// exactly this answer), one in Spanish; then one of them redeems a reward.
const shoppers = await q<{ id: string; email: string }>(
  `SELECT c."shopifyCustomerId" AS id, c.email FROM "Customer" c JOIN "PointsAccount" a ON a."customerId" = c.id
    WHERE c.shop = $1 AND c."shopifyCustomerId" IS NOT NULL AND c."redactedAt" IS NULL ORDER BY a.balance DESC, c.id LIMIT 2`,
  [shop],
);
const page = async (customer: string, locale: string) =>
  (await shopperCall(stack.url, "/api/account", shopperToken(shop, customer), { locale })).body as AccountView;
function printPage(v: AccountView, email: string) {
  const es = v.locale === "es";
  console.log(`\n  ${email} — ${es ? "página de recompensas" : "rewards page"} (${v.locale})`);
  console.log(`    ${es ? "Puntos" : "Points"}: ${v.points.balance} · ${es ? "Nivel" : "Tier"}: ${v.tier.name} — ${v.tier.text}`);
  for (const h of v.history.slice(0, 3))
    console.log(`    ${h.at.slice(0, 10)}  ${String(h.points > 0 ? `+${h.points}` : h.points).padStart(6)}  ${h.text}`);
  for (const r of v.rewards)
    console.log(
      `    [${r.canRedeem ? (es ? "Canjear" : "Redeem") : "  —  "}] ${pad(r.title, 44)} ${r.cost} pts${r.unavailableText ? ` · ${r.unavailableText}` : ""}`,
    );
  for (const w of v.warranties.slice(0, 3)) console.log(`    ${es ? "Garantía" : "Warranty"}: ${w.product} (${w.orderName}) — ${w.text}`);
  for (const c of v.issued.slice(0, 3)) console.log(`    ${es ? "Código" : "Code"} ${c.code ?? "—"}: ${c.title} — ${c.statusText}`);
}
console.log(`\nShoppers: what the customer-account extension shows, from GET /api/account`);
const [first, second] = shoppers;
printPage(await page(first.id, "es"), first.email);
if (second) printPage(await page(second.id, "en"), second.email);
const offer = (await page(first.id, "es")).rewards.find((r) => r.canRedeem && r.kind === "amount_off");
let redeemOk = !!offer;
if (offer) {
  const answer = await shopperCall(stack.url, "/api/redeem", shopperToken(shop, first.id), {
    body: { rewardId: offer.id, redemptionId: crypto.randomUUID() },
    locale: "es",
  });
  const { issued, balance } = answer.body as RedeemAnswer;
  const held = stack.admin.discountsOf(shop).find((d) => d.code === issued.code);
  console.log(
    `\n  ${first.email} canjea «${offer.title}» (${offer.cost} puntos): HTTP ${answer.status}, código ${issued.code}, nuevo saldo ${balance}.`,
  );
  console.log(
    held
      ? `  Shopify (Admin sandbox) now holds discount ${held.code}: ${held.type}, ${held.amount} off, usage limit ${held.usageLimit}, once per customer ${held.appliesOncePerCustomer}, for ${JSON.stringify(held.customers)}, ends ${held.endsAt?.slice(0, 10)}.`
      : `  Shopify holds NO discount with code ${issued.code}.`,
  );
  printPage(await page(first.id, "es"), first.email);
  await waitForHubSpot(stack.pool, shop);
  const contact = hubspotHoldings(hubspot, portal.portalId).contactsByEmail.get(first.email)?.[0];
  const note = hubspotHoldings(hubspot, portal.portalId).state.notes.find((n) =>
    n.properties.hs_note_body?.includes(`Redeemed ${offer.cost} points`),
  );
  console.log(
    `  HubSpot: ${first.email}'s points balance is now ${contact?.properties.postventa_points_balance}; note: ${note ? `“Redeemed ${offer.cost} points”` : "none"}.`,
  );
  redeemOk =
    contact?.properties.postventa_points_balance === String(balance) &&
    !!note &&
    answer.status === 200 &&
    !!held &&
    balance === (await page(first.id, "es")).points.balance;
}

// The merchant's tiers: a ladder by orders with multipliers and welcome rewards.
const { demoTiers } = await import("./demo-tiers.ts");
const tiersOk = await demoTiers({ stack, hubspot, portalId: portal.portalId, shop });

// A warranty claim from submission to resolution: the shopper sends it from their rewards page, the
// merchant works it in the Claims queue (here through the same server function the queue's buttons
// call), and HubSpot's ticket follows each step.
const { actOnClaim } = await import("../app/warranty/claims.server.ts");
const { claimsQueue, claimDetail } = await import("../app/warranty/claims-queue.server.ts");
let claimOk = false;
const claimant = second ?? first;
const unit = (await page(claimant.id, "en")).warranties.find((w) => w.canClaim);
if (unit) {
  console.log(`\nA warranty claim: ${claimant.email} claims “${unit.product}” (${unit.orderName}) from the rewards page`);
  const sent = await shopperCall(stack.url, "/api/claims", shopperToken(shop, claimant.id), {
    body: {
      warrantyId: unit.id,
      requestId: crypto.randomUUID(),
      description: "The steam wand stopped heating after three weeks of daily use.",
    },
    locale: "en",
  });
  const claim = sent.body as ClaimView;
  console.log(`  POST /api/claims: HTTP ${sent.status}, ${claim.statusText}`);
  // A photo of the unit, as the form sends it after the claim: the image's bytes (a JPEG's first bytes here).
  const jpeg = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(2044)]);
  const photoRes = await fetch(`${stack.url}/api/claims/${claim.id}/photos?clientId=${crypto.randomUUID()}&locale=en`, {
    method: "POST",
    headers: { "User-Agent": BROWSER_UA, Authorization: `Bearer ${shopperToken(shop, claimant.id)}`, "Content-Type": "image/jpeg" },
    body: jpeg,
  });
  const withPhoto = (await photoRes.json()) as ClaimView;
  const photoDetail = await claimDetail(shop, claim.id);
  console.log(
    `  POST /api/claims/…/photos (JPEG, ${jpeg.length} bytes): HTTP ${photoRes.status}; the shopper's claim shows ${withPhoto.photos?.length ?? 0} photo, the merchant's claim page ${photoDetail?.photos.length ?? 0}`,
  );
  const queued = (await claimsQueue(shop, { status: "open", page: 1, pageSize: 50 })).rows.find((r) => r.id === claim.id);
  console.log(
    `  The merchant's Claims queue (open): ${queued?.customerName ?? "—"} · ${queued?.product} · ${queued?.orderName} · ${queued?.status}`,
  );
  await actOnClaim(shop, claim.id, { type: "review" }, "merchant");
  await actOnClaim(shop, claim.id, { type: "approve", resolution: "replacement" }, "merchant");
  await stack.waitForDrain(); // the claim_replacement job asks Shopify for the draft order
  const { replacementOf } = await import("../app/warranty/replacement.server.ts");
  const replacement = await replacementOf(shop, claim.id);
  const draft = stack.admin.draftOrdersOf(shop).find((d) => d.tags.includes(replacement?.tag ?? ""));
  console.log(
    `  Approved as a replacement: Shopify draft order ${draft?.name ?? "—"} for ${draft?.lineItems.map((l) => `${l.quantity} × ${l.title}`).join(", ")}, total ${Number(draft?.totalPrice).toFixed(2)} (${replacement?.status})`,
  );
  await waitForHubSpot(stack.pool, shop);
  const ticketWhile = hubspotHoldings(hubspot, portal.portalId).state.tickets.find((t) =>
    t.properties.content?.includes(`claim:${claim.id}`),
  );
  console.log(`  HubSpot ticket while approved: “${ticketWhile?.properties.subject}”, stage ${ticketWhile?.properties.hs_pipeline_stage}`);
  await actOnClaim(shop, claim.id, { type: "resolve" }, "merchant");
  await waitForHubSpot(stack.pool, shop);
  const ticket = hubspotHoldings(hubspot, portal.portalId).state.tickets.find((t) => t.properties.content?.includes(`claim:${claim.id}`));
  const shopperSees = (await page(claimant.id, "es")).claims.find((c) => c.id === claim.id)!;
  console.log(`  The shopper now reads (es): ${shopperSees.statusText}`);
  for (const e of shopperSees.events) console.log(`    ${e.at.slice(0, 16).replace("T", " ")}  ${e.text}`);
  console.log(`  HubSpot ticket: “${ticket?.properties.subject}”, stage ${ticket?.properties.hs_pipeline_stage} (closed)`);
  claimOk =
    sent.status === 201 &&
    photoRes.status === 201 &&
    photoDetail?.photos.length === 1 &&
    shopperSees.status === "resolved" &&
    !!queued &&
    ticket?.properties.hs_pipeline_stage === "4" &&
    replacement?.status === "created" &&
    Number(draft?.totalPrice) === 0;
}

// Two returns from a shopper's order page: one the shop's rules approve at once, one ("defective")
// left for the merchant, who declines it in Shopify's admin; Shopify's returns/* webhooks bring that
// back. The Admin sandbox holds the order as Shopify would (its fulfillment line items).
let returnsOk = false;
const [returnable] = await q<{ customer: string; email: string; orderId: string; facts: OrderFacts }>(
  `SELECT c."shopifyCustomerId" AS customer, c.email, o."shopifyOrderId" AS "orderId", o.facts FROM "Order" o
     JOIN "Customer" c ON c.id = o."customerId"
    WHERE o.shop = $1 AND c."shopifyCustomerId" IS NOT NULL AND o."cancelledAt" IS NULL AND jsonb_array_length(o.facts->'fulfillments') > 0
      AND (SELECT sum((l->>'quantity')::int) FROM jsonb_array_elements(o.facts->'lineItems') l) >= 2
      AND NOT EXISTS (SELECT 1 FROM "OrderRefund" r WHERE r.shop = o.shop AND r."shopifyOrderId" = o."shopifyOrderId")
    ORDER BY o."shopifyOrderId" LIMIT 1`,
  [shop],
);
if (returnable) {
  const f = returnable.facts;
  stack.admin.addOrder(shop, {
    id: returnable.orderId,
    name: f.name,
    customerId: returnable.customer,
    lineItems: f.lineItems.map((l) => ({
      id: l.id,
      variantId: l.variantId ?? undefined,
      productId: l.productId ?? undefined,
      quantity: l.quantity,
      title: l.title,
    })),
    fulfillments: f.fulfillments.map((x) => ({
      id: x.id,
      lineItems: x.lineItems.map((l) => ({ lineItemId: l.lineItemId, quantity: l.quantity })),
    })),
  });
  stack.admin.sendWebhooksTo(`${stack.url}/webhooks`, DEV_SECRET);
  const token = shopperToken(shop, returnable.customer);
  const opts = (await shopperCall(stack.url, `/api/orders/${returnable.orderId}/returns`, token, { locale: "en" }))
    .body as ReturnOptionsView;
  console.log(`\nReturns: ${returnable.email}'s order ${opts.orderName}, as the order's return form shows it`);
  for (const l of opts.lines) console.log(`  ${pad(l.product, 34)} ×${l.quantity}  ${l.text}`);
  // Two units: of two lines, or two of one line.
  const units = opts.lines.filter((l) => l.canReturn).flatMap((l) => Array.from({ length: Math.min(2, l.returnableQuantity) }, () => l));
  const [a, b] = units;
  if (a && b) {
    const ask = (lineItemId: string, reason: string, outcome: string) =>
      shopperCall(stack.url, "/api/returns", token, {
        body: { orderId: returnable.orderId, requestId: crypto.randomUUID(), lines: [{ lineItemId, quantity: 1, reason }], outcome },
        locale: "en",
      });
    const approved = (await ask(a.lineItemId, "unwanted", "store_credit")).body as ReturnView;
    console.log(`  Return ${approved.name} (${a.product}, changed my mind, store credit): ${approved.statusText}`);
    const waiting = (await ask(b.lineItemId, "defective", "refund")).body as ReturnView;
    console.log(`  Return ${waiting.name} (${b.product}, defective, refund): ${waiting.statusText}`);
    const held = stack.admin.returnsOf(shop, returnable.orderId);
    console.log(`  Shopify holds: ${held.map((r) => `${r.name} ${r.status}`).join(", ")}`);
    const declined = held.find((r) => r.status === "REQUESTED");
    if (declined)
      await stack.admin.merchant.declineReturn(shop, declined.id, {
        reason: "OTHER",
        note: "Please send it for a warranty repair instead.",
      });
    await stack.admin.webhooksSettled();
    await stack.waitForDrain();
    const mine = (await shopperCall(stack.url, "/api/returns", token, { locale: "es" })).body.returns as ReturnView[];
    console.log(`  The merchant declined ${waiting.name} in Shopify's admin; the shopper now reads (es):`);
    for (const r of mine.filter((x) => x.orderId === returnable.orderId)) console.log(`    ${r.name}: ${r.statusText}`);
    const { returnsQueue } = await import("../app/returns/returns-queue.server.ts");
    const queue = await returnsQueue(shop, { status: "all", page: 1, pageSize: 50 });
    console.log(
      `  The merchant's Returns queue (all ${queue.counts.all}; needs action ${queue.counts.requested}, open ${queue.counts.open}, declined ${queue.counts.declined}):`,
    );
    for (const r of queue.rows)
      console.log(
        `    ${pad(r.reference, 10)} ${pad(r.customerName ?? "—", 16)} ${r.units} unit${r.units === 1 ? "" : "s"} · ${r.reasons.map((x) => returnReasonText(x, "en")).join(", ")} · wants ${r.outcome === "store_credit" ? "store credit" : (r.outcome ?? "—")} · ${r.status}`,
      );
    await waitForHubSpot(stack.pool, shop);
    const ticket = hubspotHoldings(hubspot, portal.portalId).state.tickets.find((t) =>
      t.properties.content?.includes(`return:${waiting.id}`),
    );
    console.log(`  HubSpot ticket for ${waiting.name}: “${ticket?.properties.subject}”, stage ${ticket?.properties.hs_pipeline_stage}`);
    returnsOk =
      approved.status === "open" &&
      mine.some((r) => r.id === waiting.id && r.status === "declined") &&
      held.length === 2 &&
      queue.counts.all === 2 &&
      ticket?.properties.hs_pipeline_stage === "4";
  }
  stack.admin.sendWebhooksTo(null);
}

// Surveys: NPS after delivery, CSAT after the resolved claim, answered in the API and on the public page.
const { demoFeedback } = await import("./demo-feedback.ts");
const feedbackOk = await demoFeedback({ stack, hubspot, portalId: portal.portalId, shop });

// The merchant's dashboard (the app's home page) over the week, read from its aggregates as the page
// reads them; then what the claims' own rows say per product and about first responses.
const { afterSalesMeasures, shopDashboard } = await import("../app/dashboard.server.ts");
const read = await shopDashboard(shop, { preset: "30", from: null, to: null });
if (!read.ok) throw new Error(`dashboard: ${read.error}`);
const d = read.data;
const m = await afterSalesMeasures(shop, { from: new Date(start), to: new Date(Date.now() + 60_000) });
const pct = (r: number | null) => (r === null ? "—" : `${(r * 100).toFixed(1)}%`);
const money = (minor: number | null) => (minor === null ? "—" : `${(minor / 100).toFixed(2)} ${d.currency}`);
const mins = (ms: number | null) => (ms === null ? "—" : ms < 60_000 ? "under a minute" : `${Math.round(ms / 60_000)} min`);
console.log(`\nThe merchant's dashboard, ${d.range.from} to ${d.range.to} (${d.orders} orders)`);
console.log(
  `  Repurchase rate ${pct(d.repurchaseRate.value)} · lifetime value ${money(d.lifetimeValueMinor.value)} · points outstanding ${d.pointsOutstanding.value} (liability ${money(d.pointsLiabilityMinor.value)}) · redemption rate ${pct(d.redemptionRate.value)}`,
);
console.log(
  `  Return rate ${pct(d.returnRate.value)} · top reasons: ${d.topReasons.map((r) => `${returnReasonText(r.reason, "en")} ${pct(r.share)}`).join(", ") || "—"}`,
);
console.log(
  `  Claim rate ${pct(d.claimRate.value)} · first-contact resolution ${pct(d.firstContactResolution.value)} · first response ${mins(m.claims.medianFirstResponseMs)} (median) · claims per product: ${m.claimRates.map((r) => `${r.product} ${r.claims}/${r.units} units`).join(", ") || "—"}`,
);

// After the sale, on time: the merchant's care rules, birthday and anniversary points and a
// 12-month points expiry; the daily job (graphile cron, app/lifecycle/daily.server.ts) run as of
// today, then day by day through the coming year, as its cron would; an owner notice (a recall).
const { runLifecycleDay } = await import("../app/lifecycle/daily.server.ts");
const { publishOwnerNotice } = await import("../app/lifecycle/notices.server.ts");
await q(`UPDATE "Shop" SET "lifecycleRules" = $2 WHERE domain = $1`, [
  shop,
  JSON.stringify({
    care: [
      {
        match: "productType",
        value: "Espresso Machine",
        guide: "Descale with the maker's descaler; backflush weekly.",
        firstAfterMonths: 1,
        everyMonths: 3,
      },
      {
        match: "tag",
        value: "grinder",
        guide: "Brush the burrs monthly; deep-clean them twice a year.",
        firstAfterMonths: 6,
        everyMonths: 6,
      },
    ],
    birthdayPoints: 100,
    anniversaryPoints: 250,
    pointsExpiryMonths: 12,
  }),
]);
const owners = await q<{ id: string; email: string; customerId: string }>(
  `SELECT DISTINCT ON (c.id) c."shopifyCustomerId" AS id, lower(c.email) AS email, c.id AS "customerId" FROM "Customer" c
     JOIN "WarrantyRegistration" w ON w."customerId" = c.id AND w.status = 'active'
    WHERE c.shop = $1 AND c."shopifyCustomerId" IS NOT NULL AND c.email IS NOT NULL AND c."redactedAt" IS NULL ORDER BY c.id LIMIT 3`,
  [shop],
);
const dayOf = (d: Date) => d.toISOString().slice(0, 10);
for (const [i, o] of owners.entries()) {
  const b = new Date(Date.now() + (3 + 40 * i) * 86400_000);
  await shopperCall(stack.url, "/api/birthday", shopperToken(shop, o.id), {
    body: { birthday: { month: b.getUTCMonth() + 1, day: b.getUTCDate() } },
  });
}
const facts = async () =>
  q<{ email: string; balance: number; properties: Record<string, string> }>(
    `SELECT lower(c.email) AS email, COALESCE(a.balance, 0) AS balance, l.properties FROM "Customer" c
       LEFT JOIN "PointsAccount" a ON a."customerId" = c.id JOIN "CustomerLifecycle" l ON l."customerId" = c.id WHERE c.id = ANY($1) ORDER BY c.id`,
    [owners.map((o) => o.customerId)],
  );
const printFacts = (rows: Awaited<ReturnType<typeof facts>>) => {
  for (const r of rows) {
    const p = r.properties;
    console.log(`  ${r.email} — ${r.balance} points`);
    console.log(
      `    next maintenance ${p.postventa_next_maintenance_date || "—"}${p.postventa_next_maintenance_product ? ` (${p.postventa_next_maintenance_product})` : ""} · birthday ${p.postventa_next_birthday || "—"} · first-purchase anniversary ${p.postventa_next_anniversary || "—"}`,
    );
    console.log(
      `    points expire ${p.postventa_points_expiry_date || "—"} (warning ${p.postventa_points_expiry_warning_date || "—"}) · churn risk ${p.postventa_churn_risk}: ${p.postventa_churn_reason}`,
    );
  }
};
const today = new Date(`${dayOf(new Date())}T05:00:00.000Z`);
await runLifecycleDay(today);
console.log(`
After the sale, on time — as of ${dayOf(today)} (the daily job's dated facts, for three owners)`);
printFacts(await facts());
const recall = await publishOwnerNotice(shop, {
  productId: week.products.find((p) => p.title === "Gaggia Classic Pro")?.id ?? week.products[0].id,
  kind: "recall",
  title: "Steam wand gasket recall",
  body: "Stop using the steam wand; we will send you a new gasket free of charge.",
});
console.log(
  `  Owner notice published (recall, ${recall.owners} owners of the product): it shows on their units and sets “Owner notice” on their contacts.`,
);
let gifts = 0;
for (let d = 1; d <= 372; d++) {
  const run = await runLifecycleDay(new Date(today.getTime() + d * 86400_000));
  gifts += run.applied;
}
const [effects] = await q<{ birthday: number; anniversary: number; expire: number; warnings: number; keys: number; entries: number }>(
  `SELECT count(*) FILTER (WHERE kind = 'birthday')::int AS birthday, count(*) FILTER (WHERE kind = 'anniversary')::int AS anniversary,
          count(*) FILTER (WHERE kind = 'expire')::int AS expire, count(DISTINCT "idempotencyKey")::int AS keys, count(*)::int AS entries,
          (SELECT count(*) FROM "HubSpotInteraction" WHERE shop = $1 AND kind = 'points_expiry_warning')::int AS warnings
     FROM "PointsLedgerEntry" WHERE shop = $1 AND "idempotencyKey" LIKE 'lifecycle:%'`,
  [shop],
);
const yearOn = dayOf(new Date(today.getTime() + 372 * 86400_000));
console.log(`
  The clock moved day by day to ${yearOn}: ${effects.birthday} birthday and ${effects.anniversary} anniversary gifts, ${effects.warnings} expiry warnings, ${effects.expire} expiries across the shop (${gifts} customer-days changed something).`);
printFacts(await facts());
await waitForHubSpot(stack.pool, shop);
const heldNow = hubspotHoldings(hubspot, portal.portalId);
console.log(`  HubSpot holds (contact properties):`);
let lifecycleOk = effects.keys === effects.entries && effects.birthday > 0 && effects.anniversary > 0;
for (const r of await facts()) {
  const c = heldNow.contactsByEmail.get(r.email)?.[0].properties ?? {};
  const pick = Object.keys(r.properties).map((k) => `${k.replace("postventa_", "")}=${c[k] ?? ""}`);
  console.log(
    `    ${r.email}: ${pick.join(" · ")}${c.postventa_owner_notice ? ` · owner_notice=${c.postventa_owner_notice} (${c.postventa_owner_notice_title})` : ""}`,
  );
  lifecycleOk &&= Object.entries(r.properties).every(([k, v]) => (c[k] ?? "") === v);
}
const story = await page(owners[0].id, "es");
console.log(`  ${owners[0].email}, rewards page (es):`);
for (const h of story.history.filter((x) => x.kind === "gift" || x.kind === "expired").slice(0, 4))
  console.log(`    ${h.at.slice(0, 10)}  ${String(h.points > 0 ? `+${h.points}` : h.points).padStart(6)}  ${h.text}`);
for (const w of story.warranties.filter((x) => x.care || x.notices?.length).slice(0, 2))
  console.log(
    `    ${w.product}: ${w.care?.guide ?? ""} ${w.care?.maintenanceText ?? ""}${w.notices?.length ? ` · Aviso: ${w.notices[0].title}` : ""}`,
  );
if (story.pointsExpiry) console.log(`    ${story.pointsExpiry.text}`);
console.log(
  lifecycleOk
    ? "  Each gift and expiry once; HubSpot holds what the job computed."
    : "  Lifecycle NOT consistent (duplicated entries, no gifts, or HubSpot differs).",
);

const ok =
  result.failed.length === 0 &&
  totals.failed === 0 &&
  differing.length === 0 &&
  hubspotOk &&
  redeemOk &&
  tiersOk &&
  claimOk &&
  returnsOk &&
  lifecycleOk &&
  feedbackOk;
if (keep) {
  console.log(`\nServer left running at ${stack.url} (Ctrl-C to stop).`);
  process.on("SIGINT", async () => {
    await stack.stop();
    process.exit(0);
  });
} else {
  await stack.stop();
  await hubspot.close();
  process.exit(ok ? 0 : 1);
}
