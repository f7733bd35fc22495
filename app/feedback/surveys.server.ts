// Surveys: opened by the daily open_surveys task when due, answered once by the shopper (rewards
// page, order status block, or the signed link a HubSpot email carries), copied to HubSpot as a
// timeline entry, contact properties and, for an unhappy answer, a follow-up ticket.
import { pool, transaction, type Tx } from "../db.server";
import {
  feedbackRulesOf,
  needsFollowUp,
  npsCategory,
  npsDueAt,
  parseAnswer,
  reviewInviteDue,
  SCALE,
  COMMENT_MAX,
  surveyAnswerInteraction,
  surveyDue,
  themesOf,
  type FeedbackProfile,
  type FeedbackRules,
  type SurveyAbout,
  type SurveyKind,
  type NpsCategory,
} from "../domain/feedback";
import { aboutText, scaleLabels, surveyErrorText, surveyQuestion, type SurveyErrorCode } from "../domain/survey-text";
import type { TextLocale } from "../domain/shopper-text";
import type { OrderFacts } from "../domain/facts";
import { markContactChanged, recordInteraction, recordTicket } from "../hubspot/outbox.server";
import { requestSync } from "../hubspot/connection.server";
import { claimReference } from "../warranty/claims.server";
import { surveyLink } from "./links.server";
import type { SurveyAnswered, SurveyView } from "../shopper/views";

// ------------------------------------------------------------------------------------------------
// Opening: the daily task
// ------------------------------------------------------------------------------------------------

interface Candidate {
  customerId: string;
  key: string;
  kind: SurveyKind;
  about: SurveyAbout;
  aboutId: string;
  dueAt: Date;
}

/**
 * Opens every survey due as of `asOf` (the cron's scheduled instant, `_cron.ts`), in every installed
 * shop. Idempotent per customer and subject: each survey has one key, and whether it opens depends
 * on due dates only, so a second run for the same day, a backfilled run for a missed day, or a
 * killed worker's retry opens nothing twice. Returns how many opened.
 */
export async function openDueSurveys(asOf: Date): Promise<number> {
  const { rows: shops } = await pool.query<{ domain: string; feedbackRules: unknown }>(
    `SELECT domain, "feedbackRules" FROM "Shop" WHERE "uninstalledAt" IS NULL ORDER BY domain`,
  );
  let opened = 0;
  for (const s of shops) {
    const { opened: n, closed } = await openShopSurveys(s.domain, feedbackRulesOf(s.feedbackRules), asOf);
    if (n || closed) await requestSync(s.domain);
    opened += n;
  }
  return opened;
}

async function openShopSurveys(shop: string, rules: FeedbackRules, asOf: Date): Promise<{ opened: number; closed: number }> {
  // Only what could still be answered: older subjects would open already expired (surveyDue says
  // stale). An order's row changes when it ships; the slack covers a carrier reporting delivery late.
  const horizonDays = rules.openDays + Math.max(rules.npsAfterDeliveryDays, rules.npsAfterFulfillmentDays) + 60;
  const since = new Date(asOf.getTime() - horizonDays * 86_400_000);
  const { rows: orders } = await pool.query<{
    customerId: string;
    orderId: string;
    fulfillments: OrderFacts["fulfillments"] | null;
    deliveredAt: Date | null;
  }>(
    `SELECT COALESCE(c."claimedById", c.id) AS "customerId", o."shopifyOrderId" AS "orderId", o.facts->'fulfillments' AS fulfillments,
            (SELECT max(d."deliveredAt") FROM "FulfillmentDelivery" d WHERE d.shop = o.shop AND d."shopifyOrderId" = o."shopifyOrderId") AS "deliveredAt"
       FROM "Order" o JOIN "Customer" c ON c.id = o."customerId" AND c."redactedAt" IS NULL
      WHERE o.shop = $1 AND o."fulfilledSeen" AND o."cancelledAt" IS NULL AND o."updatedAt" >= $2
        AND NOT EXISTS (SELECT 1 FROM "SurveyInvitation" i WHERE i.shop = o.shop AND i.key = 'nps:order:' || o."shopifyOrderId")`,
    [shop, since],
  );
  const candidates: Candidate[] = [];
  for (const o of orders) {
    const dates = (o.fulfillments ?? []).map((f) => new Date(f.createdAt).getTime());
    // The whole order has arrived when its last shipment has.
    const fulfilledAt = dates.length ? new Date(Math.max(...dates)) : null;
    const dueAt = npsDueAt({ fulfilledAt, deliveredAt: o.deliveredAt ? new Date(o.deliveredAt) : null }, rules);
    if (dueAt)
      candidates.push({ customerId: o.customerId, key: `nps:order:${o.orderId}`, kind: "nps", about: "order", aboutId: o.orderId, dueAt });
  }
  if (rules.csat) {
    const { rows: cases } = await pool.query<{
      customerId: string;
      about: "claim" | "return";
      aboutId: string;
      key: string;
      closedAt: Date;
    }>(
      `SELECT COALESCE(c."claimedById", c.id) AS "customerId", 'claim' AS about, k.id AS "aboutId", 'csat:claim:' || k.id || ':' || k."reopenCount" AS key, k."closedAt"
         FROM "WarrantyClaim" k JOIN "Customer" c ON c.id = k."customerId" AND c."redactedAt" IS NULL
        WHERE k.shop = $1 AND k.status IN ('resolved', 'rejected') AND k."closedAt" >= $2
       UNION ALL
       SELECT COALESCE(c."claimedById", c.id), 'return', r.id, 'csat:return:' || r.id, COALESCE(r."statusAt", r."updatedAt")
         FROM "ReturnRequest" r JOIN "Customer" c ON c.id = r."customerId" AND c."redactedAt" IS NULL
        WHERE r.shop = $1 AND r.status = 'closed' AND COALESCE(r."statusAt", r."updatedAt") >= $2`,
      [shop, since],
    );
    for (const c of cases)
      candidates.push({
        customerId: c.customerId,
        key: c.key,
        kind: "csat",
        about: c.about,
        aboutId: c.aboutId,
        dueAt: new Date(c.closedAt),
      });
  }
  const byCustomer = new Map<string, Candidate[]>();
  for (const c of candidates) byCustomer.set(c.customerId, [...(byCustomer.get(c.customerId) ?? []), c]);
  let opened = 0;
  for (const [customerId, list] of byCustomer) {
    list.sort((a, b) => a.dueAt.getTime() - b.dueAt.getTime() || a.key.localeCompare(b.key));
    opened += await transaction(async (tx) => {
      // The customer's row serialises two runs deciding the same quiet period.
      const [customer] = await tx.rows<{ redacted: boolean }>`
        SELECT "redactedAt" IS NOT NULL AS redacted FROM "Customer" WHERE id = ${customerId} FOR UPDATE`;
      if (!customer || customer.redacted) return 0;
      const npsDueDates = (
        await tx.rows<{ dueAt: Date }>`SELECT "dueAt" FROM "SurveyInvitation" WHERE "customerId" = ${customerId} AND kind = 'nps'`
      ).map((r) => new Date(r.dueAt));
      let n = 0;
      for (const c of list) {
        const due = surveyDue(c.dueAt, asOf, rules, c.kind === "nps" ? npsDueDates : []);
        if (!due.due) continue;
        const inserted = await tx.run`
          INSERT INTO "SurveyInvitation" (id, shop, "customerId", key, kind, about, "aboutId", "dueAt", "expiresAt")
          VALUES (gen_random_uuid(), ${shop}, ${customerId}, ${c.key}, ${c.kind}, ${c.about}, ${c.aboutId}, ${due.dueAt}, ${due.expiresAt})
          ON CONFLICT (shop, key) DO NOTHING`;
        if (!inserted) continue;
        if (c.kind === "nps") npsDueDates.push(due.dueAt);
        n++;
      }
      // HubSpot's "survey link" and "survey due date" follow.
      if (n) await markContactChanged(tx, shop, customerId);
      return n;
    });
  }
  // A survey that closed unanswered since the last few runs: its link leaves the contact.
  const { rows: expired } = await pool.query<{ customerId: string }>(
    `SELECT DISTINCT "customerId" FROM "SurveyInvitation"
      WHERE shop = $1 AND "answeredAt" IS NULL AND "expiresAt" <= $2 AND "expiresAt" > $2::timestamptz - interval '7 days'`,
    [shop, asOf],
  );
  for (const e of expired) await transaction((tx) => markContactChanged(tx, shop, e.customerId));
  return { opened, closed: expired.length };
}

// ------------------------------------------------------------------------------------------------
// Reading: what the shopper sees
// ------------------------------------------------------------------------------------------------

export interface SurveyRow {
  id: string;
  kind: SurveyKind;
  about: SurveyAbout;
  aboutId: string;
  aboutName: string | null;
  dueAt: string;
  expiresAt: string;
}

/**
 * The open surveys (due, unanswered, not expired) of the customers `customerIds` (an SQL
 * expression), as JSON rows for one of the shopper views' single statement.
 */
const SURVEY_COLUMNS = `
  i.id, i.kind, i.about, i."aboutId", i."dueAt", i."expiresAt",
  CASE i.about
    WHEN 'order' THEN (SELECT o.name FROM "Order" o WHERE o.shop = i.shop AND o."shopifyOrderId" = i."aboutId")
    WHEN 'return' THEN (SELECT r.name FROM "ReturnRequest" r WHERE r.id = i."aboutId")
    ELSE 'C-' || upper(left(i."aboutId", 8)) -- claimReference
  END AS "aboutName"`;

/**
 * The open surveys (due, unanswered, not expired) of the customers `customerIds` (an SQL
 * expression), as rows for one of the shopper views' single statement.
 */
export const openSurveysSql = (customerIds: string) => `
  SELECT ${SURVEY_COLUMNS}
    FROM "SurveyInvitation" i
   WHERE i."customerId" IN (${customerIds}) AND i."answeredAt" IS NULL AND i."dueAt" <= now() AND i."expiresAt" > now()
   ORDER BY i."dueAt" DESC, i.id`;

export function surveyView(r: SurveyRow, shopName: string | null, locale: TextLocale): SurveyView {
  const { min, max } = SCALE[r.kind];
  const labels = scaleLabels(r.kind, locale);
  return {
    id: r.id,
    kind: r.kind,
    about: { type: r.about, id: r.aboutId, name: r.aboutName },
    question: surveyQuestion(r.kind, r.about, r.aboutName, shopName, locale),
    scale: { min, max, lowLabel: labels.low, highLabel: labels.high },
    commentMax: COMMENT_MAX,
    expiresAt: new Date(r.expiresAt).toISOString(),
  };
}

/** GET /api/surveys: the shopper's open surveys (their own and those of guests they claimed). */
export async function surveysOf(shop: string, shopifyCustomerId: string, locale: TextLocale): Promise<SurveyView[]> {
  const { rows } = await pool.query<{ shopName: string | null; surveys: SurveyRow[] }>(
    `WITH c AS (SELECT id FROM "Customer" WHERE shop = $1 AND "shopifyCustomerId" = $2 AND "redactedAt" IS NULL)
     SELECT (SELECT name FROM "Shop" WHERE domain = $1) AS "shopName",
            COALESCE((SELECT json_agg(s) FROM (${openSurveysSql(`SELECT id FROM c UNION SELECT g.id FROM "Customer" g JOIN c ON g."claimedById" = c.id`)}) s), '[]') AS surveys`,
    [shop, shopifyCustomerId],
  );
  return rows[0].surveys.map((s) => surveyView(s, rows[0].shopName, locale));
}

// ------------------------------------------------------------------------------------------------
// Answering
// ------------------------------------------------------------------------------------------------

export type AnswerChannel = "account" | "order_status" | "link";

export class SurveyRefusal extends Error {
  constructor(
    readonly code: SurveyErrorCode,
    readonly status: number,
    readonly vars: Record<string, number> = {},
  ) {
    super(code);
  }
  text(locale: TextLocale): string {
    return surveyErrorText(this.code, locale, this.vars);
  }
}

/**
 * Records an answer, once. `who`: the shopper the token names (the survey must be theirs, or a
 * claimed guest's: anyone else's answers 404 like an unknown one), or "link" for the signed link.
 * Throws SurveyRefusal (4xx) for a bad score or comment, an unknown, answered or closed survey.
 */
export async function answerSurvey(
  shop: string,
  invitationId: string,
  input: { score?: unknown; comment?: unknown },
  channel: AnswerChannel,
  who: { shopifyCustomerId: string } | "link",
): Promise<SurveyAnswered> {
  const result = await transaction(async (tx) => {
    const [inv] = await tx.rows<{
      id: string;
      customerId: string;
      kind: SurveyKind;
      about: SurveyAbout;
      aboutId: string;
      dueAt: Date;
      expiresAt: Date;
      answeredAt: Date | null;
      redacted: boolean;
      owner: string | null;
      claimer: string | null;
    }>`
      SELECT i.id, i."customerId", i.kind, i.about, i."aboutId", i."dueAt", i."expiresAt", i."answeredAt",
             c."redactedAt" IS NOT NULL AS redacted, c."shopifyCustomerId" AS owner, claimer."shopifyCustomerId" AS claimer
        FROM "SurveyInvitation" i JOIN "Customer" c ON c.id = i."customerId"
        LEFT JOIN "Customer" claimer ON claimer.id = c."claimedById"
       WHERE i.shop = ${shop} AND i.id = ${invitationId}`;
    const theirs = inv && !inv.redacted && (who === "link" || inv.owner === who.shopifyCustomerId || inv.claimer === who.shopifyCustomerId);
    if (!theirs || new Date(inv.dueAt) > new Date()) throw new SurveyRefusal("survey_not_found", 404);
    const parsed = parseAnswer(inv.kind, input);
    if (!parsed.ok)
      throw new SurveyRefusal(parsed.problem, 400, parsed.problem === "comment_too_long" ? { max: COMMENT_MAX } : SCALE[inv.kind]);
    // The person first (lock order), then the survey: two answers at once wait here, one by one.
    // A redaction that committed since the read above leaves nothing to answer for.
    const [person] = await tx.rows<{ redacted: boolean }>`
      SELECT "redactedAt" IS NOT NULL AS redacted FROM "Customer" WHERE id = ${inv.customerId} FOR UPDATE`;
    if (person.redacted) throw new SurveyRefusal("survey_not_found", 404);
    const [current] = await tx.rows<{ answeredAt: Date | null }>`
      SELECT "answeredAt" FROM "SurveyInvitation" WHERE id = ${invitationId} FOR UPDATE`;
    if (current.answeredAt) throw new SurveyRefusal("survey_answered", 409);
    if (new Date(inv.expiresAt) <= new Date()) throw new SurveyRefusal("survey_closed", 409);
    const now = new Date();
    const [lastInvite] = await tx.rows<{ at: Date | null }>`
      SELECT max("answeredAt") AS at FROM "SurveyAnswer" WHERE "customerId" = ${inv.customerId} AND "reviewInvite"`;
    const [rules] = await tx.rows<{ feedbackRules: unknown }>`SELECT "feedbackRules" FROM "Shop" WHERE domain = ${shop}`;
    const invite = reviewInviteDue(
      inv.kind,
      parsed.score,
      now,
      lastInvite?.at ? new Date(lastInvite.at) : null,
      feedbackRulesOf(rules?.feedbackRules),
    );
    const category = inv.kind === "nps" ? npsCategory(parsed.score) : null;
    const themes = themesOf(parsed.comment).map((t) => t.theme);
    await tx.run`
      INSERT INTO "SurveyAnswer" ("invitationId", shop, "customerId", kind, score, category, comment, themes, "reviewInvite", channel, "answeredAt")
      VALUES (${inv.id}, ${shop}, ${inv.customerId}, ${inv.kind}, ${parsed.score}, ${category}, ${parsed.comment}, ${themes}, ${invite}, ${channel}, ${now})`;
    await tx.run`UPDATE "SurveyInvitation" SET "answeredAt" = ${now} WHERE id = ${inv.id}`;
    const about = await subjectText(tx, shop, inv.about, inv.aboutId);
    await markContactChanged(tx, shop, inv.customerId);
    await recordInteraction(
      tx,
      shop,
      inv.customerId,
      surveyAnswerInteraction({
        invitationId: inv.id,
        kind: inv.kind,
        score: parsed.score,
        comment: parsed.comment,
        aboutText: about,
        at: now,
      }),
    );
    if (needsFollowUp(inv.kind, parsed.score))
      await recordTicket(tx, shop, inv.customerId, {
        key: `survey:${inv.id}`,
        kind: "survey_followup",
        stage: "new",
        params: { survey: inv.kind, score: parsed.score, about, comment: parsed.comment },
      });
    return { surveyId: inv.id, kind: inv.kind, score: parsed.score, category, answeredAt: now.toISOString() };
  });
  await requestSync(shop);
  return result;
}

// What the answer was about, as the merchant reads it in HubSpot (English).
async function subjectText(tx: Tx, shop: string, about: SurveyAbout, aboutId: string): Promise<string> {
  if (about === "claim") return `warranty claim ${claimReference(aboutId)}`;
  const [row] =
    about === "order"
      ? await tx.rows<{ name: string | null }>`SELECT name FROM "Order" WHERE shop = ${shop} AND "shopifyOrderId" = ${aboutId}`
      : await tx.rows<{ name: string | null }>`SELECT name FROM "ReturnRequest" WHERE id = ${aboutId}`;
  return aboutText(about, row?.name ?? null, "en").replace(/^your /, "");
}

/** The public page: the survey a signed link names, whatever its state; null when there is none to show. */
export async function linkSurvey(
  invitationId: string,
): Promise<{ state: "open" | "answered" | "closed"; shop: string; row: SurveyRow; shopName: string | null } | null> {
  const { rows } = await pool.query<SurveyRow & { shop: string; shopName: string | null; answeredAt: Date | null; redacted: boolean }>(
    `SELECT ${SURVEY_COLUMNS}, i.shop, i."answeredAt", sh.name AS "shopName", c."redactedAt" IS NOT NULL AS redacted
       FROM "SurveyInvitation" i JOIN "Customer" c ON c.id = i."customerId" LEFT JOIN "Shop" sh ON sh.domain = i.shop
      WHERE i.id = $1`,
    [invitationId],
  );
  const r = rows[0];
  if (!r || r.redacted || new Date(r.dueAt) > new Date()) return null;
  const state = r.answeredAt ? "answered" : new Date(r.expiresAt) <= new Date() ? "closed" : "open";
  return { state, shop: r.shop, row: r, shopName: r.shopName };
}

// ------------------------------------------------------------------------------------------------
// HubSpot and other readers
// ------------------------------------------------------------------------------------------------

/** The feedback properties' inputs of customers who were ever surveyed (others get none). */
export async function feedbackProfiles(shop: string, customerIds: string[]): Promise<Map<string, FeedbackProfile>> {
  const { rows } = await pool.query<{
    customerId: string;
    nps: { score: number; at: string; comment: string | null } | null;
    csat: { score: number; at: string } | null;
    reviewInviteAt: Date | null;
    open: { id: string; kind: SurveyKind; dueAt: string } | null;
  }>(
    `SELECT c.id AS "customerId",
       (SELECT json_build_object('score', a.score, 'at', a."answeredAt", 'comment', a.comment) FROM "SurveyAnswer" a
         WHERE a."customerId" = c.id AND a.kind = 'nps' ORDER BY a."answeredAt" DESC, a.id DESC LIMIT 1) AS nps,
       (SELECT json_build_object('score', a.score, 'at', a."answeredAt") FROM "SurveyAnswer" a
         WHERE a."customerId" = c.id AND a.kind = 'csat' ORDER BY a."answeredAt" DESC, a.id DESC LIMIT 1) AS csat,
       (SELECT max(a."answeredAt") FROM "SurveyAnswer" a WHERE a."customerId" = c.id AND a."reviewInvite") AS "reviewInviteAt",
       (SELECT json_build_object('id', i.id, 'kind', i.kind, 'dueAt', i."dueAt") FROM "SurveyInvitation" i
         WHERE i."customerId" = c.id AND i."answeredAt" IS NULL AND i."dueAt" <= now() AND i."expiresAt" > now()
         ORDER BY i."dueAt" DESC, i.id LIMIT 1) AS open
     FROM "Customer" c
     WHERE c.shop = $1 AND c.id = ANY($2) AND EXISTS (SELECT 1 FROM "SurveyInvitation" i WHERE i."customerId" = c.id)`,
    [shop, customerIds],
  );
  return new Map(
    rows.map((r) => [
      r.customerId,
      {
        lastNps: r.nps ? { score: r.nps.score, at: new Date(r.nps.at), comment: r.nps.comment } : null,
        lastCsat: r.csat ? { score: r.csat.score, at: new Date(r.csat.at) } : null,
        reviewInviteAt: r.reviewInviteAt ? new Date(r.reviewInviteAt) : null,
        openSurvey: r.open ? { kind: r.open.kind, link: surveyLink(r.open.id), dueAt: new Date(r.open.dueAt) } : null,
      },
    ]),
  );
}

/** The customer's latest NPS category, or null when they never answered one (churn risk reads it). */
export async function latestNpsCategory(customerId: string): Promise<NpsCategory | null> {
  const { rows } = await pool.query<{ category: NpsCategory }>(
    `SELECT category FROM "SurveyAnswer" WHERE "customerId" = $1 AND kind = 'nps' ORDER BY "answeredAt" DESC, id DESC LIMIT 1`,
    [customerId],
  );
  return rows[0]?.category ?? null;
}
