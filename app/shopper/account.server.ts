// What a shopper's own pages show, read for the customer the session token names (never one the
// request body or query names). Each view is one round trip to Postgres.
import { pool, transaction } from "../db.server";
import { DEFAULT_EARN_RULE, pointsFor, eligibleAmount, type EarnRule, type LedgerParams } from "../domain/loyalty";
import { canRedeem, defaultRewards, issuedStatus, offeredRewards, type Reward } from "../domain/rewards";
import { tierAt, tierNames, tierProgramOf, tierStanding, type TierProgram } from "../domain/tiers";
import { tierMeasureSql } from "../loyalty/tier-measure.server";
import {
  historyKind,
  historyText,
  issuedStatusText,
  orderPointsText,
  rewardTitle,
  thankYouText,
  guestText,
  tierText,
  tierBenefitsText,
  unavailableText,
  warrantyText,
  claimUnavailableText,
  type OrderPointsStatus,
  type TextLocale,
} from "../domain/shopper-text";
import { fromMinor, toMinor, MoneyError } from "../domain/money";
import { parseBirthday } from "../domain/birthday";
import type { OrderFacts } from "../domain/facts";
import { isRedacted } from "../privacy/tombstone.server";
import { claimable } from "../domain/claims";
import { CLAIM_SELECT, claimView, type ClaimRow } from "../warranty/claims.server";
import { returnView, SHOPPER_RETURNS_SQL, type ReturnViewRow } from "../returns/views.server";
import { installedSql } from "./auth.server";
import { openSurveysSql, surveyView, type SurveyRow } from "../feedback/surveys.server";
import type {
  AccountView,
  Birthday,
  IssuedReward,
  OrderView,
  OwnerNoticeView,
  RewardOffer,
  ThankYouView,
  TierProgress,
  WarrantyItem,
} from "./views";
import { lifecycleRulesOf, type CareRule } from "../domain/lifecycle-rules";
import { careRuleFor, nextMaintenance } from "../domain/care";
import { ACTIVITY_KINDS, pointsExpiry } from "../domain/points-expiry";
import { maintenanceText, pointsExpiryText } from "../domain/lifecycle-text";

const DAY_MS = 86_400_000;

interface ShopRow {
  name: string | null;
  currency: string;
  rewards: Reward[] | null;
  scopes: string | null;
  earnRule: EarnRule | null;
  lifecycleRules: unknown;
  tierProgram: unknown;
}

export function catalogOf(shop: Pick<ShopRow, "rewards" | "currency" | "scopes">): Reward[] {
  return offeredRewards(shop.rewards ?? defaultRewards(shop.currency), (shop.scopes ?? "").split(","));
}

function tierProgress(measure: number, program: TierProgram, currency: string, locale: TextLocale): TierProgress {
  const t = tierStanding(measure, program);
  const left =
    t.next && (t.basis === "spend" ? { spend: { amount: fromMinor(t.next.needed, currency), currency } } : { [t.basis]: t.next.needed });
  return {
    name: t.name,
    basis: t.basis,
    next: t.next ? { name: t.next.name, ...left } : null,
    progress: t.progress,
    earnMultiplier: t.earnMultiplier,
    text: tierText(t, currency, locale),
    benefitsText: tierBenefitsText(t, locale),
  };
}

interface WarrantyRow {
  id: string;
  title: string;
  orderName: string | null;
  quantity: number;
  status: string;
  voidReason: string | null;
  coverageEnd: Date | null;
  openClaimId: string | null;
  productId: string | null;
  coverageStart: string | null;
  awaitingDelivery: boolean;
  product: { productType: string | null; tags: string[] | null } | null;
  notices: OwnerNoticeView[];
}

// A unit's product facts and published notices, as columns of the warranty rows both views read.
const UNIT_PRODUCT = `SELECT json_build_object('productType', p."productType", 'tags', p.tags) FROM "Product" p WHERE p.shop = w.shop AND p."shopifyProductId" = w."productId"`;
const UNIT_NOTICES = `COALESCE((SELECT json_agg(json_build_object('id', n.id, 'kind', n.kind, 'title', n.title, 'body', n.body, 'publishedAt', n."publishedAt") ORDER BY n."publishedAt" DESC)
  FROM "OwnerNotice" n WHERE n.shop = w.shop AND n."productId" = w."productId" AND n."publishedAt" IS NOT NULL), '[]')`;
const LAST_ACTIVITY = `SELECT max(e."createdAt") FROM "PointsLedgerEntry" e WHERE e."customerId" = a."customerId" AND e.kind IN ('${ACTIVITY_KINDS.join("', '")}')`;

function unitCare(w: WarrantyRow, rules: CareRule[], now: Date, locale: TextLocale): WarrantyItem["care"] {
  const rule = careRuleFor(rules, { productId: w.productId, productType: w.product?.productType ?? null, tags: w.product?.tags ?? [] });
  if (!rule) return null;
  const next = w.status === "voided" ? null : nextMaintenance(rule, w.coverageStart, now);
  return { guide: rule.guide || null, nextMaintenance: next, maintenanceText: next ? maintenanceText(next, locale) : null };
}

function warrantyItem(w: WarrantyRow, now: Date, locale: TextLocale, care: CareRule[]): WarrantyItem {
  const end = w.coverageEnd ? new Date(w.coverageEnd) : null;
  const daysLeft = end ? Math.max(0, Math.ceil((end.getTime() - now.getTime()) / DAY_MS)) : null;
  const status = (w.status === "active" && end && end <= now ? "expired" : w.status) as WarrantyItem["status"];
  const can = claimable({ status, coverageEnd: end }, !!w.openClaimId, now);
  return {
    id: w.id,
    product: w.title,
    orderName: w.orderName ?? "",
    quantity: w.quantity,
    status,
    coverageEnd: end ? end.toISOString().slice(0, 10) : null,
    daysLeft: status === "active" ? daysLeft : null,
    text: warrantyText({ status, coverageEnd: end, daysLeft, voidReason: w.voidReason, awaitingDelivery: w.awaitingDelivery }, locale),
    canClaim: can.ok,
    claimUnavailableText: can.ok ? null : claimUnavailableText(can.reason, end, locale),
    openClaimId: w.openClaimId,
    care: unitCare(w, care, now, locale),
    notices: w.notices.map((n) => ({ ...n, publishedAt: new Date(n.publishedAt).toISOString() })),
  };
}

const OPEN_CLAIM = `SELECT k.id FROM "WarrantyClaim" k WHERE k."warrantyId" = w.id AND k.status IN ('submitted', 'in_review', 'approved') LIMIT 1`;

const WARRANTY_ORDER: Record<string, number> = { active: 0, pending_fulfillment: 1, expired: 2, voided: 3 };

interface RedemptionRow {
  id: string;
  requestId: string;
  reward: Reward;
  state: string;
  code: string | null;
  usedOrderName: string | null;
  expiresAt: Date | null;
  createdAt: Date;
}

export function issuedReward(r: RedemptionRow, currency: string, locale: TextLocale, now = new Date()): IssuedReward {
  const expiresAt = r.expiresAt ? new Date(r.expiresAt) : null;
  const status = issuedStatus({ state: r.state, usedOrderName: r.usedOrderName, expiresAt }, now);
  return {
    redemptionId: r.requestId,
    title: rewardTitle(r.reward, currency, locale),
    code: r.state === "issued" ? r.code : null,
    status,
    statusText: issuedStatusText(status, { usedOrderName: r.usedOrderName, expiresAt, kind: r.reward.kind }, locale),
    usedOnOrder: r.usedOrderName,
    expiresAt: expiresAt?.toISOString() ?? null,
    createdAt: new Date(r.createdAt).toISOString(),
  };
}

/**
 * The rewards page, or null when `shop` does not have the app installed (`installedSql`): the check
 * rides in the view's one query, so a caller that authenticated with `installed: "checked by the
 * view"` answers not_installed on null.
 */
export async function accountView(shop: string, shopifyCustomerId: string, locale: TextLocale): Promise<AccountView | null> {
  const { rows } = await pool.query<{
    installed: boolean;
    shop: ShopRow;
    tierMeasure: number | null;
    customer: { id: string; firstName: string | null; birthMonth: number | null; birthDay: number | null; redacted: boolean } | null;
    account: { balance: number; lifetimeEarned: number; lastActivityAt: string | null } | null;
    history: Array<{ id: string; kind: string; points: number; params: LedgerParams; createdAt: string }>;
    redemptions: RedemptionRow[];
    warranties: WarrantyRow[];
    claims: ClaimRow[];
    returns: ReturnViewRow[];
    surveys: SurveyRow[];
  }>({
    // Named: each connection parses and plans it once (planning this statement cost Postgres more
    // than running it), then runs the stored plan.
    name: "shopper-account-view",
    text: `WITH c AS (SELECT * FROM "Customer" WHERE shop = $1 AND "shopifyCustomerId" = $2),
       sh AS (SELECT "tierProgram" FROM "Shop" WHERE domain = $1)
     SELECT ${installedSql("$1")} AS installed,
       (SELECT json_build_object('name', name, 'currency', currency, 'rewards', rewards, 'scopes', COALESCE((SELECT scope FROM "Session" WHERE id = 'offline_' || domain), scopes), 'earnRule', "earnRule", 'lifecycleRules', "lifecycleRules", 'tierProgram', "tierProgram") FROM "Shop" WHERE domain = $1) AS shop,
       (SELECT ${tierMeasureSql("$1", "c.id", 'sh."tierProgram"')} FROM c LEFT JOIN sh ON true) AS "tierMeasure",
       (SELECT json_build_object('id', id, 'firstName', "firstName", 'birthMonth', "birthMonth", 'birthDay', "birthDay", 'redacted', "redactedAt" IS NOT NULL) FROM c) AS customer,
       (SELECT json_build_object('balance', a.balance, 'lifetimeEarned', a."lifetimeEarned", 'lastActivityAt', (${LAST_ACTIVITY})) FROM "PointsAccount" a JOIN c ON c.id = a."customerId") AS account,
       COALESCE((SELECT json_agg(json_build_object('id', h.id::text, 'kind', h.kind, 'points', h.points, 'params', h.params, 'createdAt', h."createdAt") ORDER BY h.id DESC) FROM (
         SELECT e.id, e.kind, e.points, e.params, e."createdAt" FROM "PointsLedgerEntry" e JOIN c ON c.id = e."customerId"
         WHERE e.points <> 0 ORDER BY e.id DESC LIMIT 50) h), '[]') AS history,
       COALESCE((SELECT json_agg(r ORDER BY r."createdAt" DESC) FROM (
         SELECT r.id, r."requestId", r.reward, r.state, r.code, r."usedOrderName", r."expiresAt", r."createdAt"
         FROM "Redemption" r JOIN c ON c.id = r."customerId" ORDER BY r."createdAt" DESC LIMIT 50) r), '[]') AS redemptions,
       COALESCE((SELECT json_agg(w) FROM (
         SELECT w.id, w.title, o.name AS "orderName", w.quantity, w.status, w."voidReason", w."coverageEnd", (${OPEN_CLAIM}) AS "openClaimId",
           w."productId", w."coverageStart", w."awaitingDelivery", (${UNIT_PRODUCT}) AS product, ${UNIT_NOTICES} AS notices
         FROM "WarrantyRegistration" w JOIN c ON c.id = w."customerId" AND w.shop = $1
         LEFT JOIN "Order" o ON o.shop = w.shop AND o."shopifyOrderId" = w."shopifyOrderId"
         ORDER BY w."coverageEnd" DESC NULLS FIRST LIMIT 200) w), '[]') AS warranties,
       COALESCE((SELECT json_agg(k ORDER BY k."submittedAt" DESC) FROM (
         ${CLAIM_SELECT} JOIN c ON c.id = k."customerId" ORDER BY k."submittedAt" DESC LIMIT 100) k), '[]') AS claims,
       COALESCE((SELECT json_agg(r ORDER BY r."createdAt" DESC, r.id) FROM (${SHOPPER_RETURNS_SQL}) r), '[]') AS returns,
       COALESCE((SELECT json_agg(s) FROM (${openSurveysSql(`SELECT id FROM c UNION SELECT g.id FROM "Customer" g JOIN c ON g."claimedById" = c.id`)}) s), '[]') AS surveys`,
    values: [shop, shopifyCustomerId],
  });
  const row = rows[0];
  if (!row.installed) return null;
  const now = new Date();
  const shopRow = row.shop ?? {
    name: null,
    currency: "USD",
    rewards: null,
    scopes: null,
    earnRule: null,
    lifecycleRules: null,
    tierProgram: null,
  };
  const lifecycle = lifecycleRulesOf(shopRow.lifecycleRules);
  const currency = shopRow.currency;
  const customer = row.customer?.redacted ? null : row.customer;
  const balance = customer ? (row.account?.balance ?? 0) : 0;
  const lifetime = customer ? (row.account?.lifetimeEarned ?? 0) : 0;
  const program = tierProgramOf(shopRow.tierProgram);
  const measure = customer ? (row.tierMeasure ?? 0) : 0;
  const tier = tierProgress(measure, program, currency, locale);
  const rewards: RewardOffer[] = catalogOf(shopRow).map((reward) => {
    const can = canRedeem(reward, { balance, tier: tierAt(measure, program) });
    return {
      id: reward.id,
      kind: reward.kind,
      title: rewardTitle(reward, currency, locale),
      cost: reward.cost,
      value: reward.valueMinor === null ? null : { amount: fromMinor(reward.valueMinor, currency), currency },
      percent: reward.kind === "percentage_off" ? (reward.percent ?? null) : null,
      minimumOrder: reward.minimumOrderMinor ? { amount: fromMinor(reward.minimumOrderMinor, currency), currency } : null,
      canRedeem: can.ok,
      unavailableText: can.ok ? null : unavailableText(can, tierNames(reward.tiers ?? [], program), locale),
    };
  });
  const warranties = (customer ? row.warranties : [])
    .map((w) => warrantyItem(w, now, locale, lifecycle.care))
    .filter((w) => w.status !== "voided")
    .sort((a, b) => WARRANTY_ORDER[a.status] - WARRANTY_ORDER[b.status] || (a.coverageEnd ?? "").localeCompare(b.coverageEnd ?? ""));
  return {
    locale,
    shopName: shopRow.name,
    firstName: customer?.firstName ?? null,
    points: { balance, lifetime },
    tier,
    history: (customer ? row.history : []).map((e) => ({
      id: e.id,
      at: new Date(e.createdAt).toISOString(),
      kind: historyKind(e.kind),
      points: e.points,
      text: historyText(e.kind, e.params, currency, locale),
    })),
    rewards,
    issued: (customer ? row.redemptions : []).map((r) => issuedReward(r, currency, locale, now)),
    warranties,
    birthday: customer?.birthMonth && customer.birthDay ? { month: customer.birthMonth, day: customer.birthDay } : null,
    claims: customer ? row.claims.map((c) => claimView(c, locale)) : [],
    returns: customer ? row.returns.map((r) => returnView(r, locale)) : [],
    pointsExpiry: expiryView(customer ? (row.account?.lastActivityAt ?? null) : null, balance, lifecycle.pointsExpiryMonths, now, locale),
    surveys: customer ? row.surveys.map((s) => surveyView(s, shopRow.name, locale)) : [],
  };
}

function expiryView(
  lastActivityAt: string | null,
  balance: number,
  months: number,
  now: Date,
  locale: TextLocale,
): AccountView["pointsExpiry"] {
  const dates = pointsExpiry(lastActivityAt, balance, months);
  // A period that ended is expired (or about to be, by today's job): nothing left to warn about.
  if (!dates || dates.expiresOn <= now.toISOString().slice(0, 10)) return null;
  const warning = now.toISOString().slice(0, 10) >= dates.warnOn;
  return { expiresOn: dates.expiresOn, warnOn: dates.warnOn, warning, text: pointsExpiryText(balance, dates.expiresOn, locale) };
}

// An order of this shopper's (directly, or as a guest they claimed by signing up). Any other
// order — someone else's, or one not processed yet — answers the same "unknown" view.
export async function orderView(shop: string, shopifyCustomerId: string, orderId: string, locale: TextLocale): Promise<OrderView> {
  const { rows } = await pool.query<{
    name: string;
    facts: OrderFacts | null;
    paidSeen: boolean;
    fulfilledSeen: boolean;
    earnSnapshot: { points: number } | null;
    earnRule: EarnRule | null;
    lifecycleRules: unknown;
    entries: Array<{ kind: string; points: number }>;
    warranties: WarrantyRow[];
    shopName: string | null;
    survey: SurveyRow | null;
  }>(
    `SELECT o.name, o.facts, o."paidSeen", o."fulfilledSeen", o."earnSnapshot", s."earnRule", s."lifecycleRules", s.name AS "shopName",
       (SELECT row_to_json(v) FROM (${openSurveysSql(`c.id, c."claimedById"`)}) v WHERE v.about = 'order' AND v."aboutId" = o."shopifyOrderId" LIMIT 1) AS survey,
       COALESCE((SELECT json_agg(json_build_object('kind', e.kind, 'points', e.points)) FROM "PointsLedgerEntry" e
                 WHERE e.shop = o.shop AND e."orderId" = o."shopifyOrderId"), '[]') AS entries,
       COALESCE((SELECT json_agg(json_build_object('id', w.id, 'title', w.title, 'orderName', o.name, 'quantity', w.quantity, 'status', w.status,
                   'voidReason', w."voidReason", 'coverageEnd', w."coverageEnd", 'openClaimId', (${OPEN_CLAIM}),
                   'productId', w."productId", 'coverageStart', w."coverageStart", 'awaitingDelivery', w."awaitingDelivery", 'product', (${UNIT_PRODUCT}), 'notices', ${UNIT_NOTICES}) ORDER BY w."lineItemId", w."unitIndex")
                 FROM "WarrantyRegistration" w WHERE w.shop = o.shop AND w."shopifyOrderId" = o."shopifyOrderId"), '[]') AS warranties
     FROM "Order" o
     JOIN "Customer" c ON c.id = o."customerId"
     LEFT JOIN "Customer" claimer ON claimer.id = c."claimedById"
     LEFT JOIN "Shop" s ON s.domain = o.shop
     WHERE o.shop = $1 AND o."shopifyOrderId" = $2 AND c."redactedAt" IS NULL
       AND (c."shopifyCustomerId" = $3 OR claimer."shopifyCustomerId" = $3)`,
    [shop, orderId, shopifyCustomerId],
  );
  const o = rows[0];
  if (!o)
    return {
      locale,
      orderName: null,
      points: { status: "unknown", points: 0, text: orderPointsText("unknown", 0, locale) },
      warranties: [],
      survey: null,
    };
  const earn = o.entries.find((e) => e.kind === "earn");
  const net = o.entries.reduce((s, e) => s + (e.kind.endsWith("_reversal") || e.kind === "earn" ? e.points : 0), 0);
  let status: OrderPointsStatus;
  let points: number;
  if (earn) {
    points = earn.points;
    status = earn.points === 0 ? "none" : net <= 0 ? "reversed" : "earned";
  } else {
    const rule = o.earnRule ?? DEFAULT_EARN_RULE;
    points = o.earnSnapshot?.points ?? (o.facts ? pointsFor(eligibleAmount(o.facts, rule), o.facts.currency, rule) : 0);
    status = points === 0 ? "none" : rule.earnOn === "fulfilled" && o.paidSeen ? "pending_fulfillment" : "pending_payment";
  }
  const now = new Date();
  return {
    locale,
    orderName: o.name,
    points: { status, points, text: orderPointsText(status, points, locale) },
    warranties: o.warranties.map((w) => warrantyItem(w, now, locale, lifecycleRulesOf(o.lifecycleRules).care)),
    survey: o.survey ? surveyView(o.survey, o.shopName, locale) : null,
  };
}

export class ShopperInputError extends Error {}

// The thank-you page: an estimate from the checkout's subtotal under the shop's rule until the
// order is processed. A guest (no `sub`) gets the estimate and nothing about any customer.
export async function thankYouView(
  shop: string,
  shopifyCustomerId: string | null,
  input: { orderId: string | null; subtotal: { amount: string; currency: string } },
  locale: TextLocale,
): Promise<ThankYouView> {
  const { rows } = await pool.query<{
    earnRule: EarnRule | null;
    currency: string;
    tierProgram: unknown;
    measure: number | null;
    earned: number | null;
  }>(
    `WITH c AS (SELECT * FROM "Customer" WHERE shop = $1 AND "shopifyCustomerId" = $2 AND "redactedAt" IS NULL)
     SELECT s."earnRule", s.currency, s."tierProgram",
       (SELECT ${tierMeasureSql("s.domain", "c.id", 's."tierProgram"')} FROM c) AS measure,
       (SELECT e.points FROM "PointsLedgerEntry" e JOIN c ON c.id = e."customerId"
         WHERE e.shop = s.domain AND e."idempotencyKey" = 'order:' || $3 || ':earn') AS earned
     FROM "Shop" s WHERE s.domain = $1`,
    [shop, shopifyCustomerId, input.orderId ?? ""],
  );
  const shopRow = rows[0];
  const rule = shopRow?.earnRule ?? DEFAULT_EARN_RULE;
  const program = tierProgramOf(shopRow?.tierProgram ?? null);
  const measure = shopRow?.measure ?? 0;
  // A logged-in shopper's estimate carries their tier's multiplier, as the order will when earned.
  const multiplier = shopifyCustomerId ? tierAt(measure, program).earnMultiplier : 1;
  let estimate = 0;
  let subtotalMinor = 0;
  try {
    subtotalMinor = toMinor(input.subtotal.amount, input.subtotal.currency);
    estimate = pointsFor(subtotalMinor, input.subtotal.currency, rule, multiplier);
  } catch (error) {
    if (error instanceof MoneyError) throw new ShopperInputError(`subtotal.amount: ${error.message}`);
    throw error;
  }
  const pending = shopRow?.earned == null; // this order is not counted yet: the tier shown counts it
  const points = shopifyCustomerId && !pending ? shopRow!.earned! : estimate;
  const guest = !shopifyCustomerId;
  const withOrder = measure + (pending ? (program.basis === "points" ? points : program.basis === "spend" ? subtotalMinor : 1) : 0);
  return {
    locale,
    points,
    text: thankYouText(points, locale),
    guest,
    guestText: guest && points > 0 ? guestText(points, locale) : null,
    tier: guest ? null : tierProgress(withOrder, program, shopRow?.currency ?? input.subtotal.currency, locale),
  };
}

export async function birthdayOf(shop: string, shopifyCustomerId: string): Promise<Birthday | null> {
  const { rows } = await pool.query<{ birthMonth: number | null; birthDay: number | null }>(
    `SELECT "birthMonth", "birthDay" FROM "Customer" WHERE shop = $1 AND "shopifyCustomerId" = $2 AND "redactedAt" IS NULL`,
    [shop, shopifyCustomerId],
  );
  const r = rows[0];
  return r?.birthMonth && r.birthDay ? { month: r.birthMonth, day: r.birthDay } : null;
}

/** Stores (or clears, with null) the shopper's birthday. Throws ShopperInputError on bad input. */
export async function setBirthday(shop: string, shopifyCustomerId: string, input: unknown): Promise<Birthday | null> {
  const parsed = parseBirthday(input);
  if (!parsed.ok) throw new ShopperInputError(parsed.error);
  const b = parsed.birthday;
  await transaction(async (tx) => {
    // A customer erased by customers/redact stays erased: nothing is stored about them again.
    if (await isRedacted(tx, shop, { customerId: shopifyCustomerId })) return;
    await tx.run`
      INSERT INTO "Customer" (id, shop, "shopifyCustomerId", "birthMonth", "birthDay", "updatedAt")
      VALUES (gen_random_uuid(), ${shop}, ${shopifyCustomerId}, ${b?.month ?? null}, ${b?.day ?? null}, now())
      ON CONFLICT (shop, "shopifyCustomerId") DO UPDATE SET "birthMonth" = EXCLUDED."birthMonth", "birthDay" = EXCLUDED."birthDay", "updatedAt" = now()
      WHERE "Customer"."redactedAt" IS NULL`;
  });
  return b;
}
