// After the sale, on time: the daily lifecycle job moved across 13 months by calling its task with
// chosen `_cron.ts` values (as graphile-worker's cron and its backfill do), against the real stack
// — orders delivered as signed webhooks, the shopper API over HTTP, the HubSpot sync into the
// HubSpot sandbox. Every day runs twice; a week is skipped (the worker down) and caught up. Each
// gift, warning and expiry happens exactly once, and balances agree with the ledger.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startHubSpotSandbox, type HubSpotSandbox } from "./sandboxes/hubspot/server.ts";
import { startStack, type Stack, DEV_HUBSPOT_CLIENT } from "./stack.ts";
import { deliver, hubspotHoldings, paidOrder, waitForHubSpot } from "./hubspot-helpers.ts";
import { shopperCall, shopperToken } from "./shopper-helpers.ts";
import { tuneHubSpotSync } from "../app/hubspot/tuning.server.ts";
import { addMonths } from "../app/domain/warranty.ts";

const SHOP = "lifecycle-clock.myshopify.com";
const ANA = 9007199254790001n;
const BEA = 9007199254790002n;
const MOKA = "9007199254790101"; // a coffee machine: a care rule applies
const MUG = "9007199254790102"; // no care rule
const RULES = {
  care: [{ match: "productType", value: "Coffee machine", guide: "Descale with citric acid.", firstAfterMonths: 1, everyMonths: 3 }],
  birthdayPoints: 100,
  anniversaryPoints: 250,
  pointsExpiryMonths: 6,
};

let stack: Stack;
let sandbox: HubSpotSandbox;
let portalId: number;
let taskList: typeof import("../app/jobs.server.ts").taskList;
let runLifecycleDay: typeof import("../app/lifecycle/daily.server.ts").runLifecycleDay;
let notices: typeof import("../app/lifecycle/notices.server.ts");
let connection: typeof import("../app/hubspot/connection.server.ts");
let db: typeof import("../app/db.server.ts");
let ledger: typeof import("../app/loyalty/ledger.server.ts");

const DAY_MS = 86_400_000;
const addDays = (day: string, n: number) => new Date(Date.parse(`${day}T00:00:00Z`) + n * DAY_MS).toISOString().slice(0, 10);
const plusMonths = (day: string, n: number) => addMonths(`${day}T00:00:00.000Z`, n).slice(0, 10);
const monthDay = (day: string) => ({ month: Number(day.slice(5, 7)), day: Number(day.slice(8, 10)) });
const asOf = (day: string) => `${day}T05:00:00.000Z`;

let T0: string; // the day the orders were placed (today)
let fulfilledAt: string;
const ids: Record<string, string> = {};

beforeAll(async () => {
  sandbox = await startHubSpotSandbox({ rollingLimit: 190 });
  process.env.HUBSPOT_BASE_URL = sandbox.url;
  tuneHubSpotSync({ coalesceMs: 200 });
  sandbox.oauthClient({ ...DEV_HUBSPOT_CLIENT, redirectUri: "http://localhost:3000/hubspot/callback" });
  stack = await startStack({ database: "postventa_test_lifecycle_clock" });
  ({ taskList } = await import("../app/jobs.server.ts"));
  ({ runLifecycleDay } = await import("../app/lifecycle/daily.server.ts"));
  notices = await import("../app/lifecycle/notices.server.ts");
  connection = await import("../app/hubspot/connection.server.ts");
  db = await import("../app/db.server.ts");
  ledger = await import("../app/loyalty/ledger.server.ts");

  await stack.installShop(SHOP);
  const variant = (id: string) => [{ id: `${id}1`, title: "Default Title", sku: id, price: "120.00" }];
  stack.admin.setProducts(SHOP, [
    { id: MOKA, title: "Cafetera Moka", productType: "Coffee machine", vendor: "Bialetti", tags: [], variants: variant(MOKA) },
    { id: MUG, title: "Taza", productType: "Mug", vendor: "Acme", tags: [], variants: variant(MUG) },
  ]);
  await stack.pool.query(`UPDATE "Shop" SET "lifecycleRules" = $2 WHERE domain = $1`, [SHOP, JSON.stringify(RULES)]);
  const portal = sandbox.createPortal({ rollingLimit: 190 });
  portalId = portal.portalId;
  await connection.connectPrivateApp(SHOP, portal.privateAppToken, 190);

  T0 = new Date().toISOString().slice(0, 10);
  fulfilledAt = new Date(Date.now() - 3 * DAY_MS).toISOString();
  const ana = paidOrder(8101n, { id: ANA, email: "ana@example.com", firstName: "Ana" }, "120.00", [MOKA]);
  ana.line_items[0].title = "Cafetera Moka";
  await deliver(stack.url, SHOP, "orders/paid", ana);
  await deliver(stack.url, SHOP, "orders/fulfilled", {
    ...ana,
    fulfillment_status: "fulfilled",
    fulfillments: [{ id: 81017n, status: "success", created_at: fulfilledAt, line_items: [{ id: ana.line_items[0].id, quantity: 1 }] }],
  });
  const bea = paidOrder(8102n, { id: BEA, email: "bea@example.com", firstName: "Beatriz" }, "120.00", [MUG]);
  bea.line_items[0].title = "Taza";
  await deliver(stack.url, SHOP, "orders/paid", bea);
  await stack.waitForDrain();
  // Birthdays from the profile block: Ana's in 40 days, Bea's in 30 (inside the week the worker is down).
  for (const [who, inDays] of [
    [ANA, 40],
    [BEA, 30],
  ] as const) {
    const res = await shopperCall(stack.url, "/api/birthday", shopperToken(SHOP, who), {
      body: { birthday: monthDay(addDays(T0, inDays)) },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
  }
  const { rows } = await stack.pool.query(`SELECT id, email FROM "Customer" WHERE shop = $1`, [SHOP]);
  for (const r of rows) ids[r.email] = r.id;
  await waitForHubSpot(stack.pool, SHOP);
}, 180_000);
afterAll(async () => {
  await stack?.stop();
  await sandbox?.close();
});

const entries = async (email: string) =>
  (
    await stack.pool.query<{ key: string; kind: string; points: number; balanceAfter: number; day: string }>(
      `SELECT "idempotencyKey" AS key, kind, points, "balanceAfter", to_char("createdAt", 'YYYY-MM-DD') AS day
         FROM "PointsLedgerEntry" WHERE "customerId" = $1 ORDER BY id`,
      [ids[email]],
    )
  ).rows;

describe("the daily job across 13 months", () => {
  const SKIPPED = [28, 29, 30, 31, 32, 33]; // the worker is down: no run at all, no backfill
  const BEA_ACTIVITY = 60; // Bea orders again: a new inactivity period

  it("grants, warns and expires exactly once per customer and period, days run twice and a missed week caught up", async () => {
    for (let d = 1; d <= 400; d++) {
      if (SKIPPED.includes(d)) continue;
      const day = addDays(T0, d);
      if (d === BEA_ACTIVITY)
        await db.transaction((tx) =>
          ledger.appendLedger(tx, SHOP, ids["bea@example.com"], [
            { key: "test:bea:second-order", kind: "earn", points: 50, params: { orderName: "#8199" }, at: new Date(asOf(day)) },
          ]),
        );
      // The task as graphile-worker calls it (a backfilled run carries the same payload shape).
      await taskList.lifecycle_daily!({ _cron: { ts: asOf(day), backfilled: false } }, {} as never);
      // The same day again (a retry after a killed worker, or the cron firing twice): nothing new.
      const again = await runLifecycleDay(new Date(asOf(day)), { shops: [SHOP] });
      expect(again.applied, `second run of ${day}`).toBe(0);
    }

    const ana = await entries("ana@example.com");
    const anaExpires = plusMonths(T0, 6);
    const anaId = ids["ana@example.com"];
    expect(ana.map(({ key, kind, points, day }) => ({ key, kind, points, day }))).toEqual([
      { key: "order:8101:earn", kind: "earn", points: 120, day: T0 },
      { key: `lifecycle:${anaId}:birthday:${addDays(T0, 40).slice(0, 4)}`, kind: "birthday", points: 100, day: addDays(T0, 40) },
      { key: `lifecycle:${anaId}:expire:${T0}`, kind: "expire", points: -220, day: anaExpires },
      {
        key: `lifecycle:${anaId}:anniversary:${plusMonths(T0, 12).slice(0, 4)}`,
        kind: "anniversary",
        points: 250,
        day: plusMonths(T0, 12),
      },
    ]);

    const bea = await entries("bea@example.com");
    const beaId = ids["bea@example.com"];
    const beaSince = addDays(T0, BEA_ACTIVITY);
    const beaBirthday2 = addDays(T0, 30).replace(/^\d{4}/, String(Number(addDays(T0, 30).slice(0, 4)) + 1));
    expect(bea.map(({ key, kind, points, day }) => ({ key, kind, points, day }))).toEqual([
      { key: "order:8102:earn", kind: "earn", points: 120, day: T0 },
      // Her birthday fell while the worker was down: granted on the first day back, within the week's grace.
      { key: `lifecycle:${beaId}:birthday:${addDays(T0, 30).slice(0, 4)}`, kind: "birthday", points: 100, day: addDays(T0, 34) },
      { key: "test:bea:second-order", kind: "earn", points: 50, day: beaSince },
      // Her first period never expired: she was active again before it ended.
      { key: `lifecycle:${beaId}:expire:${beaSince}`, kind: "expire", points: -270, day: plusMonths(beaSince, 6) },
      {
        key: `lifecycle:${beaId}:anniversary:${plusMonths(T0, 12).slice(0, 4)}`,
        kind: "anniversary",
        points: 250,
        day: plusMonths(T0, 12),
      },
      { key: `lifecycle:${beaId}:birthday:${beaBirthday2.slice(0, 4)}`, kind: "birthday", points: 100, day: beaBirthday2 },
    ]);

    // Balances agree with the ledger: the account, the last entry's balance and the sum of points.
    const { rows: accounts } = await stack.pool.query(
      `SELECT "customerId", balance, "lifetimeEarned" FROM "PointsAccount" WHERE shop = $1`,
      [SHOP],
    );
    for (const [email, list] of [
      ["ana@example.com", ana],
      ["bea@example.com", bea],
    ] as const) {
      const account = accounts.find((a) => a.customerId === ids[email]);
      const sum = list.reduce((s, e) => s + e.points, 0);
      expect(account.balance, email).toBe(sum);
      expect(list[list.length - 1].balanceAfter, email).toBe(sum);
      // Expiry leaves lifetime points (tiers) alone.
      expect(account.lifetimeEarned, email).toBe(list.filter((e) => e.kind !== "expire").reduce((s, e) => s + e.points, 0));
    }
    expect(ana.reduce((s, e) => s + e.points, 0)).toBe(250);
    expect(bea.reduce((s, e) => s + e.points, 0)).toBe(350);

    // One warning per inactivity period, 30 days before it ended, for the marketer's timeline.
    const { rows: warnings } = await stack.pool.query(
      `SELECT "customerId", key, to_char("occurredAt", 'YYYY-MM-DD') AS day FROM "HubSpotInteraction" WHERE shop = $1 AND kind = 'points_expiry_warning' ORDER BY key`,
      [SHOP],
    );
    expect(warnings.map((w) => ({ key: w.key, day: w.day })).sort((a, b) => a.key.localeCompare(b.key))).toEqual(
      [
        { key: `lifecycle:${anaId}:points_expiry_warning:${T0}`, day: addDays(anaExpires, -30) },
        { key: `lifecycle:${beaId}:points_expiry_warning:${beaSince}`, day: addDays(plusMonths(beaSince, 6), -30) },
      ].sort((a, b) => a.key.localeCompare(b.key)),
    );
  }, 300_000);

  it("HubSpot holds the dated facts as of the last day, and the notes once", async () => {
    const last = addDays(T0, 400);
    await connection.requestSync(SHOP, 0);
    await waitForHubSpot(stack.pool, SHOP);
    const h = hubspotHoldings(sandbox, portalId);
    const ana = h.contactsByEmail.get("ana@example.com")![0].properties;
    const bea = h.contactsByEmail.get("bea@example.com")![0].properties;
    // Maintenance counted from the Moka's fulfilment: one month, then every three.
    const start = fulfilledAt.slice(0, 10);
    let next = plusMonths(start, 1);
    for (let k = 1; next < last; k++) next = plusMonths(start, 1 + 3 * k);
    expect(ana).toMatchObject({
      postventa_next_maintenance_date: next,
      postventa_next_maintenance_product: "Cafetera Moka",
      postventa_next_anniversary: plusMonths(T0, 24),
      postventa_churn_risk: "medium",
      postventa_points_balance: "250",
    });
    expect(ana.postventa_churn_reason).toBe("No order for 13 months (usually every 3 months)");
    // Ana's period expired: the anniversary points wait for her next activity, no date to send on.
    expect(ana.postventa_points_expiry_date ?? "").toBe("");
    expect(ana.postventa_next_birthday).toBe(addDays(T0, 40).replace(/^\d{4}/, String(Number(addDays(T0, 40).slice(0, 4)) + 1)));
    expect(bea.postventa_next_maintenance_date ?? "").toBe("");
    expect(bea.postventa_churn_risk).toBe("medium");
    // The gifts and expiries are notes on the timeline, each once.
    for (const [key, n] of h.notesByEvent) if (/lifecycle:/.test(key)) expect(n, key).toBe(1);
    expect([...h.notesByEvent.keys()].filter((k) => k.includes(":expire:"))).toHaveLength(2);
    expect([...h.notesByEvent.keys()].filter((k) => k.includes(":points_expiry_warning:"))).toHaveLength(2);
  }, 120_000);

  it("the shopper reads the gifts and the expiry in their language", async () => {
    const res = await shopperCall(stack.url, "/api/account", shopperToken(SHOP, BEA), { locale: "es" });
    expect(res.status).toBe(200);
    const gifts = res.body.history.filter((h: { kind: string }) => h.kind === "gift");
    expect(gifts.map((h: { text: string }) => h.text)).toEqual([
      "¡Feliz cumpleaños! Puntos de regalo",
      "1 año desde tu primera compra: puntos de regalo",
      "¡Feliz cumpleaños! Puntos de regalo",
    ]);
    expect(res.body.history.find((h: { kind: string }) => h.kind === "expired")).toMatchObject({
      points: -270,
      text: "Puntos caducados por inactividad",
    });
    // Her last activity (the order on day 60) starts the period the page shows, as of today.
    const expiresOn = plusMonths(addDays(T0, BEA_ACTIVITY), 6);
    expect(res.body.pointsExpiry).toMatchObject({ expiresOn, warnOn: addDays(expiresOn, -30), warning: false });
    expect(res.body.pointsExpiry.text).toMatch(/^Tus 350 puntos caducan el .* si no compras ni canjeas antes$/);
  });
});

describe("care and owner notices", () => {
  it("a unit shows its care guide and next maintenance; a published notice shows on its owners' units and reaches their contacts", async () => {
    const token = shopperToken(SHOP, ANA);
    const before = (await shopperCall(stack.url, "/api/account", token, { locale: "en" })).body;
    const moka = before.warranties.find((w: { product: string }) => w.product === "Cafetera Moka");
    const start = fulfilledAt.slice(0, 10);
    expect(moka.care).toEqual({
      guide: "Descale with citric acid.",
      nextMaintenance: plusMonths(start, 1),
      maintenanceText: expect.stringMatching(/^Next maintenance: /),
    });
    expect(moka.notices).toEqual([]);

    // Bad input changes nothing and says what to fix.
    await expect(notices.publishOwnerNotice(SHOP, { productId: MOKA, kind: "sale", title: "x", body: "y" })).rejects.toThrow(
      /kind must be one of/,
    );
    const { id, owners } = await notices.publishOwnerNotice(SHOP, {
      productId: `gid://shopify/Product/${MOKA}`,
      kind: "recall",
      title: "Gasket recall",
      body: "Stop using the Moka and we will send a new gasket.",
    });
    expect(owners).toBe(1);
    const after = (await shopperCall(stack.url, "/api/account", token)).body;
    expect(after.warranties.find((w: { product: string }) => w.product === "Cafetera Moka").notices).toEqual([
      {
        id,
        kind: "recall",
        title: "Gasket recall",
        body: "Stop using the Moka and we will send a new gasket.",
        publishedAt: expect.any(String),
      },
    ]);
    const order = (await shopperCall(stack.url, "/api/orders/8101", token)).body;
    expect(order.warranties[0].notices.map((n: { id: string }) => n.id)).toEqual([id]);
    expect(order.warranties[0].care.guide).toBe("Descale with citric acid.");
    // Bea owns no Moka: she sees nothing of it.
    const bea = (await shopperCall(stack.url, "/api/account", shopperToken(SHOP, BEA))).body;
    expect(bea.warranties.flatMap((w: { notices: unknown[] }) => w.notices)).toEqual([]);

    await waitForHubSpot(stack.pool, SHOP);
    let h = hubspotHoldings(sandbox, portalId);
    expect(h.contactsByEmail.get("ana@example.com")![0].properties).toMatchObject({
      postventa_owner_notice: "recall",
      postventa_owner_notice_title: "Gasket recall",
      postventa_owner_notice_date: new Date().toISOString().slice(0, 10),
    });
    expect(h.contactsByEmail.get("bea@example.com")![0].properties.postventa_owner_notice ?? "").toBe("");

    // Withdrawn: gone from the unit, and cleared on the contact.
    await notices.setOwnerNoticePublished(SHOP, id, false);
    await expect(notices.setOwnerNoticePublished("someone-else.myshopify.com", id, true)).rejects.toThrow(/no such notice/);
    expect((await shopperCall(stack.url, "/api/account", token)).body.warranties[0].notices).toEqual([]);
    await waitForHubSpot(stack.pool, SHOP);
    h = hubspotHoldings(sandbox, portalId);
    expect(h.contactsByEmail.get("ana@example.com")![0].properties.postventa_owner_notice ?? "").toBe("");
  }, 120_000);
});
