// The merchant's Settings over HTTP against the real built server, with session tokens as App
// Bridge sends them: each section read from the shop's rules (defaults when unset), saved into the
// Shop column processing reads plus an append-only history row, refused field by field in the
// merchant's language with nothing changed, and never another shop's.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startStack, type Stack } from "./stack.ts";
import { BROWSER_UA, shopperCall, shopperToken } from "./shopper-helpers.ts";
import { sessionToken } from "./sandboxes/shopify/signing.ts";
import { deliver } from "./hubspot-helpers.ts";

const SHOP = "admin-settings.myshopify.com";
const OTHER = "admin-settings-other.myshopify.com";
let stack: Stack;

beforeAll(async () => {
  stack = await startStack({ database: "postventa_test_admin_settings" });
  for (const shop of [SHOP, OTHER]) await stack.installShop(shop);
});
afterAll(async () => stack?.stop());

const DATA = "_data=routes%2Fapp.settings";
const bearer = (shop: string, sub = "42") => ({
  "User-Agent": BROWSER_UA,
  Authorization: `Bearer ${sessionToken({ apiKey: process.env.SHOPIFY_API_KEY!, secret: process.env.SHOPIFY_API_SECRET!, shop, sub })}`,
});
const load = async (shop = SHOP, locale = "es") => {
  const res = await fetch(`${stack.url}/app/settings?${DATA}&locale=${locale}`, { headers: bearer(shop) });
  expect(res.status).toBe(200);
  return res.json();
};
const save = async (intent: string, fields: Record<string, string | string[]>, { shop = SHOP, locale = "es" } = {}) => {
  const body = new URLSearchParams({ intent });
  for (const [k, v] of Object.entries(fields)) for (const one of [v].flat()) body.append(k, one);
  const res = await fetch(`${stack.url}/app/settings?${DATA}&locale=${locale}`, { method: "POST", headers: bearer(shop), body });
  return { status: res.status, body: await res.json() };
};
const shopRow = async (shop = SHOP) =>
  (await stack.pool.query(`SELECT "earnRule", rewards, "warrantyPolicy", "returnRules" FROM "Shop" WHERE domain = $1`, [shop])).rows[0];
const history = async (shop = SHOP) =>
  (await stack.pool.query(`SELECT section, rules, "changedBy" FROM "ShopRulesChange" WHERE shop = $1 ORDER BY id`, [shop])).rows;

describe("the Settings page's loader", () => {
  it("shows the defaults, unchanged, with the page's strings in the merchant's language", async () => {
    const data = await load(SHOP, "es");
    expect(data.settings.currency).toBe("USD");
    expect(data.settings.fields.returns).toMatchObject({
      windowDays: "30",
      windowFrom: "delivery",
      autoApprove: "true",
      storeCreditBonusPercent: "10",
    });
    expect(data.settings.fields.loyalty).toMatchObject({ pointsPerUnit: "1", rounding: "floor", earnOn: "paid" });
    expect(data.settings.fields.rewards.rewardCount).toBe("4");
    expect(data.settings.fields.rewards["reward.1.value"]).toBe("5.00");
    expect(data.settings.fields.warranty).toEqual({ defaultMonths: "12", startsAt: "fulfillment", overrideCount: "0" });
    expect(data.settings.changes).toEqual({
      loyalty: null,
      tiers: null,
      rewards: null,
      warranty: null,
      returns: null,
      calendar: null,
      care: null,
      churn: null,
      surveys: null,
    });
    expect(data.settings.fields.tiers).toMatchObject({ basis: "points", period: "lifetime", tierCount: "3", "tier.1.threshold": "1000" });
    expect(data.settings.tiers).toEqual([
      { id: "bronze", name: "Bronze" },
      { id: "silver", name: "Silver" },
      { id: "gold", name: "Gold" },
    ]);
    expect(data.strings["settings.title"]).toBe("Ajustes");
    expect((await load(SHOP, "en")).strings["settings.title"]).toBe("Settings");
  });

  it("renders the page as the admin first loads it, in English with locale=en", async () => {
    const idToken = bearer(SHOP).Authorization.slice(7);
    const q = new URLSearchParams({
      embedded: "1",
      shop: SHOP,
      host: Buffer.from(`${SHOP}/admin`).toString("base64url"),
      id_token: idToken,
      locale: "en",
    });
    const res = await fetch(`${stack.url}/app/settings?${q}`, { headers: { "User-Agent": BROWSER_UA } });
    const html = (await res.text()).replace(/<script[\s\S]*?<\/script>/g, "");
    expect(res.status).toBe(200);
    for (const text of [
      "Settings",
      "Points program",
      "Tiers",
      "Points multiplier",
      "Rewards catalog",
      "Warranties",
      "Returns",
      "Return window (days)",
      "Save",
      "Birthdays, anniversaries and points expiry",
      "Care guides and maintenance",
      "Surveys",
      "Churn risk",
    ])
      expect(html).toContain(text);
    expect(html).not.toMatch(/settings\.[a-z]+\./); // no raw message keys
    expect(html).not.toContain("Plazo de devolución");
  });

  it("gives nothing to, and takes nothing from, a request without a session token", async () => {
    const res = await fetch(`${stack.url}/app/settings?${DATA}`, { headers: { "User-Agent": BROWSER_UA } });
    expect(await res.text()).not.toContain("windowDays");
    const post = await fetch(`${stack.url}/app/settings?${DATA}`, {
      method: "POST",
      headers: { "User-Agent": BROWSER_UA },
      body: new URLSearchParams({ intent: "returns", windowDays: "99" }),
    });
    // shopify-app-remix answers a data request without a token itself (no content, or a redirect to log in).
    expect(post.status).not.toBe(200);
    expect(await history()).toEqual([]);
  });
});

describe("saving a section", () => {
  const returnsFields = async () => (await load()).settings.fields.returns as Record<string, string | string[]>;

  it("saves the return rules, records who and when, and leaves the other shop alone", async () => {
    const fields = {
      ...(await returnsFields()),
      windowDays: "45",
      finalSaleTags: "final-sale, Outlet",
      reasons: ["unwanted", "defective", "other"],
    };
    const res = await save("returns", fields);
    expect(res).toEqual({
      status: 200,
      body: { ok: true, section: "returns", changed: true, message: expect.stringContaining("Cambios guardados") },
    });
    const rules = {
      windowDays: 45,
      windowFrom: "delivery",
      finalSaleTags: ["final-sale", "Outlet"],
      finalSaleProductTypes: [],
      reasons: ["unwanted", "defective", "other"],
      autoApprove: { exceptReasons: ["defective", "other"] },
      storeCreditBonusPercent: 10,
    };
    expect((await shopRow()).returnRules).toEqual(rules);
    expect(await history()).toEqual([{ section: "returns", rules, changedBy: "42" }]);
    const after = await load();
    expect(after.settings.fields.returns).toMatchObject({ windowDays: "45", finalSaleTags: "final-sale, Outlet" });
    expect(after.settings.changes.returns).toEqual({ at: expect.any(String), by: "42" });
    expect(Date.now() - Date.parse(after.settings.changes.returns.at)).toBeLessThan(60_000);
    expect(after.settings.changes.loyalty).toBeNull();
    // The other shop: still the defaults, no history.
    expect((await shopRow(OTHER)).returnRules).toBeNull();
    expect(await history(OTHER)).toEqual([]);
    expect((await load(OTHER)).settings.fields.returns.windowDays).toBe("30");
  });

  it("writes nothing when nothing changed (the same form sent twice, or the defaults as shown)", async () => {
    const before = (await history()).length;
    const again = await save("returns", await returnsFields());
    expect(again).toEqual({
      status: 200,
      body: { ok: true, section: "returns", changed: false, message: "No había cambios que guardar." },
    });
    const defaults = await save("warranty", (await load()).settings.fields.warranty);
    expect(defaults.body.changed).toBe(false);
    expect((await shopRow()).warrantyPolicy).toBeNull();
    expect((await history()).length).toBe(before);
  });

  it("refuses invalid fields in Spanish and in English, changing nothing", async () => {
    const rowBefore = await shopRow();
    const historyBefore = await history();
    const bad = { ...(await returnsFields()), windowDays: "0", storeCreditBonusPercent: "diez", reasons: ["unwanted", "teleported"] };
    const es = await save("returns", bad);
    expect(es).toEqual({
      status: 400,
      body: {
        ok: false,
        section: "returns",
        message: "Revisa los campos marcados: no se ha guardado nada.",
        fieldErrors: {
          windowDays: "Escribe un valor entre 1 y 365.",
          storeCreditBonusPercent: "Escribe un número (por ejemplo 10 o 2,5).",
          reasons: "Elige una de las opciones de la lista.",
        },
      },
    });
    const en = await save("returns", bad, { locale: "en" });
    expect(en.status).toBe(400);
    expect(en.body.fieldErrors).toEqual({
      windowDays: "Enter a value between 1 and 365.",
      storeCreditBonusPercent: "Enter a number (for example 10 or 2.5).",
      reasons: "Choose one of the listed options.",
    });
    expect(await shopRow()).toEqual(rowBefore);
    expect(await history()).toEqual(historyBefore);
  });

  it("answers 400 with a message, never a 500, to a form that is not the page's", async () => {
    const unknown = await save("shipping", {});
    expect(unknown.status).toBe(400);
    expect(unknown.body.message).toBe("Sección de ajustes desconocida: «shipping». Recarga la página.");
    for (const [intent, fields] of [
      ["loyalty", {}],
      ["rewards", { rewardCount: "100000" }],
      ["rewards", { rewardCount: "1", "reward.0.kind": "amount_off", "reward.0.cost": "1e9", "reward.0.value": "99999999999999999999" }],
      ["warranty", { defaultMonths: "12", startsAt: "purchase", overrideCount: "-1" }],
      ["returns", { windowDays: "9".repeat(400) }],
    ] as const) {
      const res = await save(intent, fields as Record<string, string>);
      expect(res.status, `${intent} ${JSON.stringify(res.body)}`).toBe(400);
      expect(Object.keys(res.body.fieldErrors).length).toBeGreaterThan(0);
    }
    expect((await shopRow()).earnRule).toBeNull();
  });

  it("saves the earn rule, the rewards catalog and the warranty policy as processing reads them", async () => {
    const { fields } = (await load()).settings;
    const loyalty = await save("loyalty", { ...fields.loyalty, pointsPerUnit: "2,5", includeShipping: "true", earnOn: "fulfilled" });
    expect(loyalty.body.changed).toBe(true);
    expect((await shopRow()).earnRule).toEqual({
      pointsPerUnit: 2.5,
      rounding: "floor",
      earnOn: "fulfilled",
      earnOnDiscountedPrice: true,
      includeShipping: true,
      includeTaxes: false,
      includeGiftCards: false,
    });

    const rewards = await save("rewards", {
      ...fields.rewards,
      rewardCount: "5",
      "reward.4.kind": "store_credit",
      "reward.4.cost": "3000",
      "reward.4.value": "40",
      "reward.4.validDays": "365",
      "reward.4.tiers": "gold",
    });
    expect(rewards.body.changed).toBe(true);
    const catalog = (await shopRow()).rewards;
    expect(catalog.map((r: { id: string }) => r.id)).toEqual([
      "free-shipping",
      "amount-5",
      "amount-15",
      "store-credit-10",
      "store-credit-1",
    ]);
    expect(catalog[4]).toEqual({
      id: "store-credit-1",
      kind: "store_credit",
      cost: 3000,
      valueMinor: 4000,
      minimumOrderMinor: null,
      validDays: 365,
      tiers: ["gold"],
    });

    const warranty = await save("warranty", {
      defaultMonths: "24",
      startsAt: "fulfillment",
      overrideCount: "1",
      "override.0.match": "vendor",
      "override.0.value": "Baratza",
      "override.0.months": "36",
    });
    expect(warranty.body.changed).toBe(true);
    expect((await shopRow()).warrantyPolicy).toEqual({
      defaultMonths: 24,
      startsAt: "fulfillment",
      overrides: [{ match: "vendor", value: "Baratza", months: 36 }],
    });

    expect((await history()).map((h) => h.section)).toEqual(["returns", "loyalty", "rewards", "warranty"]);
    const { changes } = (await load()).settings;
    for (const section of ["loyalty", "rewards", "warranty", "returns"]) expect(changes[section]?.by).toBe("42");
    // Shown back as saved: the new reward with its id, amounts in the shop's currency.
    expect((await load()).settings.fields.rewards).toMatchObject({
      rewardCount: "5",
      "reward.4.id": "store-credit-1",
      "reward.4.value": "40.00",
    });
  });
});

describe("the tiers section", () => {
  const TIERS_SHOP = "admin-settings-tiers.myshopify.com";
  beforeAll(async () => stack.installShop(TIERS_SHOP));

  it("saves a ladder by spend over 12 months, with a welcome reward, shown back in the shop's money", async () => {
    const { fields } = (await load(TIERS_SHOP)).settings;
    const saved = await save(
      "tiers",
      {
        ...fields.tiers,
        basis: "spend",
        period: "rolling12",
        "tier.1.threshold": "250",
        "tier.1.multiplier": "1,25",
        "tier.2.threshold": "1000.50",
        "tier.2.welcomeReward": "amount-5",
        "tier.2.name": "Oro",
      },
      { shop: TIERS_SHOP },
    );
    expect(saved).toMatchObject({ status: 200, body: { ok: true, changed: true } });
    const { rows } = await stack.pool.query(`SELECT "tierProgram" FROM "Shop" WHERE domain = $1`, [TIERS_SHOP]);
    expect(rows[0].tierProgram).toEqual({
      basis: "spend",
      period: "rolling12",
      tiers: [
        { id: "bronze", name: "Bronze", threshold: 0, earnMultiplier: 1, welcomeRewardId: null },
        { id: "silver", name: "Silver", threshold: 25_000, earnMultiplier: 1.25, welcomeRewardId: null },
        { id: "gold", name: "Oro", threshold: 100_050, earnMultiplier: 1, welcomeRewardId: "amount-5" },
      ],
    });
    // Shown back in the shop's money; the rewards card offers the renamed tier under its id.
    const after = (await load(TIERS_SHOP)).settings;
    expect(after.fields.tiers).toMatchObject({ "tier.2.threshold": "1000.50", "tier.1.multiplier": "1.25" });
    expect(after.tiers[2]).toEqual({ id: "gold", name: "Oro" });
    expect(after.changes.tiers?.by).toBe("42");
    expect((await history(TIERS_SHOP)).map((h) => h.section)).toEqual(["tiers"]);
  });

  it("refuses a ladder out of order, a first tier above 0 and a removed tier a reward needs, in Spanish, changing nothing", async () => {
    const before = (await stack.pool.query(`SELECT "tierProgram", rewards FROM "Shop" WHERE domain = $1`, [TIERS_SHOP])).rows[0];
    const { fields } = (await load(TIERS_SHOP)).settings;
    const bad = await save("tiers", { ...fields.tiers, "tier.0.threshold": "5", "tier.2.threshold": "100" }, { shop: TIERS_SHOP });
    expect(bad.status).toBe(400);
    expect(bad.body.fieldErrors).toEqual({
      "tier.0.threshold": "El nivel inicial empieza en 0: todos los clientes están en él.",
      "tier.2.threshold": "Cada nivel debe empezar por encima del anterior.",
    });
    // A reward for Oro only, then Oro removed: the catalog keeps the tier.
    const rewards = await save(
      "rewards",
      { ...(await load(TIERS_SHOP)).settings.fields.rewards, "reward.2.tiers": "gold" },
      { shop: TIERS_SHOP },
    );
    expect(rewards.body.changed).toBe(true);
    const removed = await save("tiers", { ...fields.tiers, tierCount: "2" }, { shop: TIERS_SHOP, locale: "en" });
    expect(removed.status).toBe(400);
    expect(removed.body.fieldErrors).toEqual({
      tierCount: "The reward “amount-15” is only for a tier you removed. Change it in the catalog first.",
    });
    // And the welcome reward stays in the catalog while Oro gives it.
    const catalog = (await load(TIERS_SHOP)).settings.fields.rewards;
    const withoutFive = await save(
      "rewards",
      { ...catalog, "reward.1.id": catalog["reward.3.id"], "reward.1.kind": "store_credit", rewardCount: "2" },
      { shop: TIERS_SHOP },
    );
    expect(withoutFive.status).toBe(400);
    const after = (await stack.pool.query(`SELECT "tierProgram", rewards FROM "Shop" WHERE domain = $1`, [TIERS_SHOP])).rows[0];
    expect(after.tierProgram).toEqual(before.tierProgram);
    expect(after.rewards.map((w: { id: string; tiers: string[] | null }) => [w.id, w.tiers])).toEqual([
      ["free-shipping", null],
      ["amount-5", null],
      ["amount-15", ["gold"]],
      ["store-credit-10", null],
    ]);
  });
});

const SHOPPER = 9007199254890001n;
// An order of this shop's shopper, as Shopify's orders/paid webhook sends it: one 100.00 line, 100.00 shipping.
const shopperOrder = (id: bigint) => ({
  id,
  admin_graphql_api_id: `gid://shopify/Order/${id}`,
  name: `#${Number(id % 10000n)}`,
  email: "ana@example.com",
  created_at: new Date().toISOString(),
  processed_at: new Date().toISOString(),
  currency: "USD",
  financial_status: "paid",
  cancelled_at: null,
  taxes_included: false,
  total_tax: "0.00",
  total_shipping_price_set: { shop_money: { amount: "100.00", currency_code: "USD" } },
  customer: { id: SHOPPER, email: "ana@example.com", first_name: "Ana", last_name: "García" },
  line_items: [
    {
      id: id + 1n,
      product_id: null,
      variant_id: null,
      title: "Molinillo",
      vendor: "Baratza",
      quantity: 1,
      price: "100.00",
      total_discount: "0.00",
      discount_allocations: [],
      gift_card: false,
      tax_lines: [],
    },
  ],
  fulfillments: [],
});

describe("a changed earn rule", () => {
  const ledger = async () =>
    (await stack.pool.query(`SELECT kind, points, "orderId" FROM "PointsLedgerEntry" WHERE shop = $1 ORDER BY "orderId", id`, [OTHER]))
      .rows;

  it("applies from now on; what was earned before is reversed under the rule it was earned with", async () => {
    const before = 9007199254890100n;
    const after = 9007199254890200n;
    await deliver(stack.url, OTHER, "orders/paid", shopperOrder(before));
    await stack.waitForDrain();
    const fields = (await load(OTHER)).settings.fields.loyalty;
    expect((await save("loyalty", { ...fields, pointsPerUnit: "3", includeShipping: "true" }, { shop: OTHER })).body.changed).toBe(true);
    await deliver(stack.url, OTHER, "orders/paid", shopperOrder(after));
    // The first order's line refunded (its shipping kept) after the change: under the rule it earned
    // with, the line was all it earned on, so all 100 go back; under today's rule (shipping counts)
    // it would be half.
    await deliver(stack.url, OTHER, "refunds/create", {
      id: before + 50n,
      order_id: before,
      created_at: new Date().toISOString(),
      refund_line_items: [{ id: before + 51n, line_item_id: before + 1n, quantity: 1, subtotal: "100.00", total_tax: "0.00" }],
      transactions: [{ id: before + 52n, amount: "100.00", kind: "refund", status: "success", currency: "USD" }],
      order_adjustments: [],
    });
    await stack.waitForDrain();
    expect(await ledger()).toEqual([
      { kind: "earn", points: 100, orderId: String(before) },
      { kind: "refund_reversal", points: -100, orderId: String(before) },
      { kind: "earn", points: 600, orderId: String(after) }, // (100 + 100 shipping) × 3
    ]);
  });
});

describe("a changed warranty policy", () => {
  const registrations = async (orderId: bigint) =>
    (
      await stack.pool.query(
        `SELECT "unitIndex", months, status FROM "WarrantyRegistration" WHERE shop = $1 AND "shopifyOrderId" = $2 ORDER BY "unitIndex"`,
        [OTHER, String(orderId)],
      )
    ).rows;

  it("covers new orders; an order registered before keeps its months when a later event re-plans it", async () => {
    const before = 9007199254890300n;
    const after = 9007199254890400n;
    const order = (id: bigint) => ({
      ...shopperOrder(id),
      line_items: [{ ...shopperOrder(id).line_items[0], quantity: 2, price: "50.00" }],
    });
    await deliver(stack.url, OTHER, "orders/paid", order(before));
    await stack.waitForDrain();
    expect(await registrations(before)).toEqual([
      { unitIndex: 0, months: 12, status: "pending_fulfillment" },
      { unitIndex: 1, months: 12, status: "pending_fulfillment" },
    ]);
    const fields = (await load(OTHER)).settings.fields.warranty;
    expect((await save("warranty", { ...fields, defaultMonths: "36" }, { shop: OTHER })).body.changed).toBe(true);
    await deliver(stack.url, OTHER, "orders/paid", order(after));
    // A refund of one unit re-plans the first order's warranties.
    await deliver(stack.url, OTHER, "refunds/create", {
      id: before + 50n,
      order_id: before,
      created_at: new Date().toISOString(),
      refund_line_items: [{ id: before + 51n, line_item_id: before + 1n, quantity: 1, subtotal: "50.00", total_tax: "0.00" }],
      transactions: [{ id: before + 52n, amount: "50.00", kind: "refund", status: "success", currency: "USD" }],
      order_adjustments: [],
    });
    await stack.waitForDrain();
    expect(await registrations(before)).toEqual([
      { unitIndex: 0, months: 12, status: "pending_fulfillment" },
      { unitIndex: 1, months: 12, status: "voided" },
    ]);
    expect((await registrations(after)).map((r) => r.months)).toEqual([36, 36]);
  });
});

describe("a percentage-off reward in the catalog", () => {
  const PCT = "admin-settings-pct.myshopify.com";
  beforeAll(async () => stack.installShop(PCT));
  const withRow = (fields: Record<string, string | string[]>, value: string) => ({
    ...fields,
    rewardCount: "5",
    "reward.4.kind": "percentage_off",
    "reward.4.cost": "800",
    "reward.4.value": value,
    "reward.4.minimumOrder": "",
    "reward.4.validDays": "30",
  });

  it("is refused with a whole-number, 1–100 message in the merchant's language, changing nothing", async () => {
    const { fields } = (await load(PCT)).settings;
    const es = await save("rewards", withRow(fields.rewards, "12,5"), { shop: PCT });
    expect(es.status).toBe(400);
    expect(es.body.fieldErrors).toEqual({ "reward.4.value": "Escribe un número entero, sin decimales." });
    const en = await save("rewards", withRow(fields.rewards, "101"), { shop: PCT, locale: "en" });
    expect(en.body.fieldErrors).toEqual({ "reward.4.value": "Enter a value between 1 and 100." });
    expect((await shopRow(PCT)).rewards).toBeNull();
    expect(await history(PCT)).toEqual([]);
  });

  it("is saved as a percent, shown back as one, and offered to shoppers in their words", async () => {
    const { fields } = (await load(PCT)).settings;
    expect((await save("rewards", withRow(fields.rewards, "15"), { shop: PCT })).body.changed).toBe(true);
    expect((await shopRow(PCT)).rewards[4]).toEqual({
      id: "percentage-off-1",
      kind: "percentage_off",
      cost: 800,
      valueMinor: null,
      percent: 15,
      minimumOrderMinor: null,
      validDays: 30,
      tiers: null,
    });
    expect((await load(PCT)).settings.fields.rewards).toMatchObject({ "reward.4.kind": "percentage_off", "reward.4.value": "15" });
    const offer = async (locale: string) =>
      (await shopperCall(stack.url, "/api/account", shopperToken(PCT, SHOPPER), { locale })).body.rewards.find(
        (r: { id: string }) => r.id === "percentage-off-1",
      );
    expect(await offer("en")).toMatchObject({ kind: "percentage_off", title: "15% off your next order", percent: 15, cost: 800 });
    expect((await offer("es")).title).toBe("15 % de descuento en tu próximo pedido");
  });
});

describe("the after-sale sections", () => {
  const AFTER = "admin-settings-after.myshopify.com";
  beforeAll(async () => stack.installShop(AFTER));
  const rules = async () =>
    (await stack.pool.query(`SELECT "lifecycleRules", "feedbackRules", "warrantyPolicy" FROM "Shop" WHERE domain = $1`, [AFTER])).rows[0];
  const care = {
    careCount: "2",
    "care.0.match": "productType",
    "care.0.value": "Cafetera",
    "care.0.guide": "Descalcifique con ácido cítrico.",
    "care.0.firstAfterMonths": "1",
    "care.0.everyMonths": "3",
    "care.1.match": "product",
    "care.1.value": "7654321",
    "care.1.guide": "",
    "care.1.firstAfterMonths": "12",
    "care.1.everyMonths": "0",
  };

  it("shows the rules processing applies today: the defaults, as fields", async () => {
    const { fields } = (await load(AFTER)).settings;
    expect(fields.calendar).toEqual({ birthdayPoints: "100", anniversaryPoints: "0", pointsExpiryMonths: "0" });
    expect(fields.care).toEqual({ careCount: "0" });
    expect(fields.churn).toEqual({
      oneOrderGapDays: "90",
      overdueRatio: "1.5",
      longOverdueRatio: "3",
      unusedPointsMin: "500",
      mediumScore: "2",
      highScore: "3",
    });
    expect(fields.surveys).toMatchObject({ npsAfterDeliveryDays: "7", openDays: "30", csat: "true" });
  });

  it("saves each section into the rules processing reads, keeping the column's other parts, with history", async () => {
    const { fields } = (await load(AFTER)).settings;
    expect(
      (await save("calendar", { ...fields.calendar, pointsExpiryMonths: "18", anniversaryPoints: "50" }, { shop: AFTER })).body,
    ).toMatchObject({
      ok: true,
      changed: true,
    });
    expect((await save("care", care, { shop: AFTER })).body.changed).toBe(true);
    expect((await save("churn", { ...fields.churn, overdueRatio: "2,5", longOverdueRatio: "4" }, { shop: AFTER })).body.changed).toBe(true);
    expect((await save("surveys", { ...fields.surveys, npsAfterDeliveryDays: "3", csat: "false" }, { shop: AFTER })).body.changed).toBe(
      true,
    );
    const row = await rules();
    expect(row.lifecycleRules).toEqual({
      birthdayPoints: 100,
      anniversaryPoints: 50,
      pointsExpiryMonths: 18,
      care: [
        { match: "productType", value: "Cafetera", guide: "Descalcifique con ácido cítrico.", firstAfterMonths: 1, everyMonths: 3 },
        { match: "product", value: "7654321", guide: "", firstAfterMonths: 12, everyMonths: 0 },
      ],
      churn: { oneOrderGapDays: 90, overdueRatio: 2.5, longOverdueRatio: 4, unusedPointsMin: 500, mediumScore: 2, highScore: 3 },
    });
    expect(row.feedbackRules).toEqual({
      npsAfterDeliveryDays: 3,
      npsAfterFulfillmentDays: 10,
      npsQuietDays: 90,
      openDays: 30,
      csat: false,
      reviewInviteEveryDays: 365,
    });
    // The history keeps each section's own part, as saved.
    const saved = await history(AFTER);
    expect(saved.map((h) => h.section)).toEqual(["calendar", "care", "churn", "surveys"]);
    expect(saved[0].rules).toEqual({ birthdayPoints: 100, anniversaryPoints: 50, pointsExpiryMonths: 18 });
    expect(saved[1].rules.care).toHaveLength(2);
    // Shown back as saved, and saving it again changes nothing.
    const after = (await load(AFTER)).settings;
    expect(after.fields.care).toEqual(care);
    expect(after.changes.care).toEqual({ at: expect.any(String), by: "42" });
    expect((await save("care", after.fields.care, { shop: AFTER })).body.changed).toBe(false);
    expect((await history(AFTER)).length).toBe(4);
  });

  it("refuses invalid after-sale fields in the merchant's language, changing nothing", async () => {
    const before = await rules();
    const historyBefore = await history(AFTER);
    const bad = await save(
      "care",
      {
        ...care,
        "care.0.value": "Cafetera Express",
        "care.0.match": "product",
        "care.1.firstAfterMonths": "0",
      },
      { shop: AFTER },
    );
    expect(bad).toEqual({
      status: 400,
      body: {
        ok: false,
        section: "care",
        message: "Revisa los campos marcados: no se ha guardado nada.",
        fieldErrors: {
          "care.0.value": "Escribe el ID numérico del producto (por ejemplo 7654321098).",
          "care.1.guide": "Escribe una guía o un primer mantenimiento: una regla sin ninguno de los dos no hace nada.",
        },
      },
    });
    const churn = await save(
      "churn",
      { ...(await load(AFTER)).settings.fields.churn, mediumScore: "5", highScore: "4" },
      { shop: AFTER, locale: "en" },
    );
    expect(churn.status).toBe(400);
    expect(churn.body.fieldErrors).toEqual({ highScore: "Enter a value between 5 and 10." });
    for (const [intent, fields] of [
      ["calendar", {}],
      ["care", { careCount: "100000" }],
      ["surveys", { openDays: "1e400" }],
    ] as const) {
      const res = await save(intent, fields, { shop: AFTER });
      expect(res.status, `${intent} ${JSON.stringify(res.body)}`).toBe(400);
    }
    expect(await rules()).toEqual(before);
    expect(await history(AFTER)).toEqual(historyBefore);
  });

  it("offers coverage from delivery in the warranty policy", async () => {
    const warranty = (await load(AFTER)).settings.fields.warranty;
    expect((await save("warranty", { ...warranty, startsAt: "delivery" }, { shop: AFTER })).body.changed).toBe(true);
    expect((await rules()).warrantyPolicy).toEqual({ defaultMonths: 12, startsAt: "delivery", overrides: [] });
  });
});
