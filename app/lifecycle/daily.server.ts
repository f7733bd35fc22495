// The daily lifecycle job: for every installed shop and customer, what is due as of the scheduled
// day (graphile-worker's `_cron.ts`): birthday and anniversary points, the points expiry and its
// warning, and the dated HubSpot properties (app/domain/lifecycle.ts).
// Every effect is keyed per customer and period (`lifecycle:<customer>:birthday:<year>`,
// `…:expire:<period start>`, `…:points_expiry_warning:<period start>`), so a re-run, a backfilled
// day or a killed worker's retry never doubles one; properties are written, and the contact marked
// changed, only when they differ from what was last computed.
import { pool, transaction, type Tx } from "../db.server";
import {
  lifecyclePlan,
  LIFECYCLE_PROPERTY_NAMES,
  type LifecycleInput,
  type LifecyclePlan,
  type LifecycleProperties,
} from "../domain/lifecycle";
import { lifecycleRulesOf, type LifecycleRules } from "../domain/lifecycle-rules";
import { ACTIVITY_KINDS } from "../domain/points-expiry";
import { pointsExpiryWarning } from "../domain/interactions";
import { appendLedger, type LedgerAppend } from "../loyalty/ledger.server";
import { markContactChanged, recordInteraction } from "../hubspot/outbox.server";
import { requestSync } from "../hubspot/connection.server";
import { holdShopForProcessing } from "../privacy/tombstone.server";
import { latestNpsCategories } from "./nps.server";

const PAGE = 500;
type Query = Pick<Tx, "query">;
const poolQuery: Query = { query: async (text, values) => (await pool.query(text, values)).rows };

interface InputRow {
  id: string;
  createdAt: Date;
  birthMonth: number | null;
  birthDay: number | null;
  balance: number;
  lastActivityAt: Date | null;
  orderDates: string[];
  units: Array<{ title: string; productId: string | null; start: string | null; productType: string | null; tags: string[] | null }>;
  openClaims: number;
  openReturns: number;
  stored: Partial<LifecycleProperties> | null;
}

// One statement for a page of customers (or one customer, under its lock): everything the rules read.
const INPUTS_SQL = `
  SELECT c.id, c."createdAt", c."birthMonth", c."birthDay", COALESCE(a.balance, 0) AS balance,
    (SELECT max(e."createdAt") FROM "PointsLedgerEntry" e WHERE e."customerId" = c.id AND e.kind = ANY($4::text[])) AS "lastActivityAt",
    COALESCE((SELECT json_agg(COALESCE(o.facts->>'processedAt', o.facts->>'createdAt')) FROM "Order" o
      WHERE o.shop = c.shop AND o."customerId" = c.id AND o."paidSeen" AND o."cancelledAt" IS NULL AND o.facts IS NOT NULL), '[]') AS "orderDates",
    COALESCE((SELECT json_agg(json_build_object('title', w.title, 'productId', w."productId", 'start', w."coverageStart", 'productType', p."productType", 'tags', p.tags))
      FROM "WarrantyRegistration" w LEFT JOIN "Product" p ON p.shop = w.shop AND p."shopifyProductId" = w."productId"
      WHERE w.shop = c.shop AND w."customerId" = c.id AND w.status <> 'voided'), '[]') AS units,
    (SELECT count(*) FROM "WarrantyClaim" k WHERE k."customerId" = c.id AND k.status IN ('submitted', 'in_review', 'approved'))::int AS "openClaims",
    (SELECT count(*) FROM "ReturnRequest" r WHERE r."customerId" = c.id AND r.status IN ('requesting', 'requested', 'open'))::int AS "openReturns",
    l.properties AS stored
  FROM "Customer" c
  LEFT JOIN "PointsAccount" a ON a."customerId" = c.id
  LEFT JOIN "CustomerLifecycle" l ON l."customerId" = c.id
  WHERE c.shop = $1 AND c."redactedAt" IS NULL AND c."claimedById" IS NULL AND c.id > $2 AND ($3::text IS NULL OR c.id = $3)
  ORDER BY c.id LIMIT ${PAGE}`;

async function readInputs(
  q: Query,
  shop: string,
  after: string,
  only: string | null,
): Promise<Array<{ row: InputRow; input: LifecycleInput }>> {
  const rows = await q.query<InputRow>(INPUTS_SQL, [shop, after, only, ACTIVITY_KINDS]);
  const nps = await latestNpsCategories(
    q,
    shop,
    rows.map((r) => r.id),
  );
  return rows.map((row) => ({
    row,
    input: {
      joinedAt: row.createdAt,
      birthday: row.birthMonth && row.birthDay ? { month: row.birthMonth, day: row.birthDay } : null,
      orderDates: row.orderDates,
      units: row.units.map((u) => ({ ...u, tags: u.tags ?? [] })),
      balance: row.balance,
      lastActivityAt: row.lastActivityAt,
      openClaims: row.openClaims,
      openReturns: row.openReturns,
      npsCategory: nps.get(row.id) ?? null,
    },
  }));
}

// The ledger entries and the warning a plan asks for, under their per-customer keys.
function effectsOf(customerId: string, plan: LifecyclePlan, asOf: Date) {
  const key = (k: string) => `lifecycle:${customerId}:${k}`;
  const entries: LedgerAppend[] = [];
  if (plan.expiry.expire)
    entries.push({
      key: key(plan.expiry.expire.key),
      kind: "expire",
      points: plan.expiry.expire.points,
      params: { since: plan.expiry.expire.since },
      at: asOf,
    });
  for (const g of plan.grants)
    entries.push({ key: key(g.key), kind: g.kind, points: g.points, params: g.years ? { years: g.years } : {}, at: asOf });
  const warning = plan.expiry.warn
    ? pointsExpiryWarning({
        key: key(plan.expiry.warn.key),
        expiresOn: plan.expiry.warn.expiresOn,
        points: plan.expiry.warn.points,
        at: asOf.toISOString(),
      })
    : null;
  return { entries, warning, keys: [...entries.map((e) => e.key), ...(warning ? [warning.key] : [])] };
}

const sameProperties = (stored: Partial<LifecycleProperties> | null, next: LifecycleProperties) =>
  !!stored && LIFECYCLE_PROPERTY_NAMES.every((n) => stored[n] === next[n]);

// Keys among `keys` already recorded (ledger entries and HubSpot interactions share the key space).
async function recorded(q: Query, shop: string, keys: string[]): Promise<Set<string>> {
  if (!keys.length) return new Set();
  const rows = await q.query<{ key: string }>(
    `SELECT "idempotencyKey" AS key FROM "PointsLedgerEntry" WHERE shop = $1 AND "idempotencyKey" = ANY($2)
     UNION ALL SELECT key FROM "HubSpotInteraction" WHERE shop = $1 AND key = ANY($2)`,
    [shop, keys],
  );
  return new Set(rows.map((r) => r.key));
}

// One customer, under their lock, read again: what the page saw may have moved since.
async function applyCustomer(shop: string, customerId: string, rules: LifecycleRules, asOf: Date): Promise<boolean> {
  return transaction(async (tx) => {
    await holdShopForProcessing(tx, shop);
    const [locked] = await tx.rows`SELECT id FROM "Customer" WHERE id = ${customerId} AND "redactedAt" IS NULL FOR UPDATE`;
    if (!locked) return false;
    const [current] = await readInputs(tx, shop, "", customerId);
    if (!current) return false;
    const plan = lifecyclePlan(current.input, rules, asOf);
    const { entries, warning, keys } = effectsOf(customerId, plan, asOf);
    const done = await recorded(tx, shop, keys);
    const newEntries = entries.filter((e) => !done.has(e.key));
    const changed = !sameProperties(current.row.stored, plan.properties);
    await appendLedger(tx, shop, customerId, newEntries);
    if (warning && !done.has(warning.key)) await recordInteraction(tx, shop, customerId, warning);
    // A day older than the one computed last (a late backfill) does not overwrite it.
    const written = changed
      ? await tx.run`
        INSERT INTO "CustomerLifecycle" ("customerId", shop, "asOf", properties) VALUES (${customerId}, ${shop}, ${asOf}, ${JSON.stringify(plan.properties)}::jsonb)
        ON CONFLICT ("customerId") DO UPDATE SET "asOf" = EXCLUDED."asOf", properties = EXCLUDED.properties, "updatedAt" = now()
        WHERE "CustomerLifecycle"."asOf" <= EXCLUDED."asOf"`
      : 0;
    if (written) await markContactChanged(tx, shop, customerId);
    return newEntries.length > 0 || written > 0 || (!!warning && !done.has(warning.key));
  });
}

export interface DailyRun {
  shops: number;
  customers: number;
  applied: number; // customers with something new: points, a warning or changed properties
}

/** Everything due as of `asOf` (the job's scheduled instant), for every installed shop. */
export async function runLifecycleDay(asOf: Date, opts: { shops?: string[] } = {}): Promise<DailyRun> {
  const shops = await poolQuery.query<{ domain: string; lifecycleRules: unknown }>(
    `SELECT domain, "lifecycleRules" FROM "Shop" WHERE "uninstalledAt" IS NULL AND ($1::text[] IS NULL OR domain = ANY($1)) ORDER BY domain`,
    [opts.shops ?? null],
  );
  const run: DailyRun = { shops: shops.length, customers: 0, applied: 0 };
  const failed: string[] = [];
  for (const shop of shops) {
    // One shop's failure does not hold back the others; the job fails at the end so the queue
    // retries the day, and what was done is found done.
    try {
      const applied = await runShopDay(shop.domain, lifecycleRulesOf(shop.lifecycleRules), asOf, run);
      run.applied += applied;
      if (applied) await requestSync(shop.domain);
    } catch (error) {
      failed.push(`${shop.domain}: ${(error as Error).message}`);
    }
  }
  if (failed.length) throw new Error(`lifecycle day ${asOf.toISOString()} failed for ${failed.length} shop(s): ${failed.join("; ")}`);
  return run;
}

async function runShopDay(shop: string, rules: LifecycleRules, asOf: Date, run: DailyRun): Promise<number> {
  let after = "";
  let applied = 0;
  for (;;) {
    const page = await readInputs(poolQuery, shop, after, null);
    if (!page.length) return applied;
    after = page[page.length - 1].row.id;
    run.customers += page.length;
    // Most customers have nothing new on most days: only those that do get a transaction.
    const plans = page.map(({ row, input }) => {
      const plan = lifecyclePlan(input, rules, asOf);
      return { row, plan, keys: effectsOf(row.id, plan, asOf).keys };
    });
    const done = await recorded(
      poolQuery,
      shop,
      plans.flatMap((p) => p.keys),
    );
    for (const { row, plan, keys } of plans) {
      if (keys.every((k) => done.has(k)) && sameProperties(row.stored, plan.properties)) continue;
      if (await applyCustomer(shop, row.id, rules, asOf)) applied++;
    }
  }
}
