// Orders and refunds → ledger entries and warranty registrations. Each event stores its facts,
// then the order is reconciled under a row lock: the pure planners decide what the ledger and the
// warranties should hold, and only what is missing is written. Any arrival order converges.
// Plain SQL in one transaction (db.server.ts `transaction`): this is the hot path of processing.
import { pool, transaction, type Tx } from "../db.server";
import { orderFactsWithoutPersonalData, orderSubject, type OrderFacts, type RefundFacts } from "../domain/facts";
import { DEFAULT_EARN_RULE, planOrderLedger, type EarnRule, type EarnSnapshot } from "../domain/loyalty";
import { DEFAULT_WARRANTY_POLICY, planOrderWarranties, type ProductFacts, type WarrantyPolicy } from "../domain/warranty";
import { resolveOrderCustomer } from "../customers/customers.server";
import { appendLedger, scheduleTierCheck } from "../loyalty/ledger.server";
import { currentTier } from "../loyalty/tier-measure.server";
import { markCodesUsed } from "../loyalty/redemption.server";
import { fetchProductFacts } from "../../integrations/shopify/admin.server";
import { withOfflineAdmin } from "../shopify.server";
import { parseRefund } from "../../integrations/shopify/payloads";
import { holdShopForProcessing, isRedacted } from "../privacy/tombstone.server";
import { orderPaid, warrantyRegistered } from "../domain/interactions";
import { markContactChanged, recordInteraction } from "../hubspot/outbox.server";

const PAID_STATUSES = new Set(["paid", "partially_refunded", "refunded"]);
// A 499-line order's reconcile may register tens of thousands of units.
const LARGE_ORDER_TX = { timeoutMs: 60_000 };
// Registrations covered by default while product facts could not be had are checked again this
// much later (a throttled bucket refills in seconds; a lost token needs the merchant to open the app).
const POLICY_CHECK_DELAY = "15 minutes";

// The order row as locked, with the shop's rules.
interface LockedOrder {
  customerId: string | null;
  facts: OrderFacts | null;
  paidSeen: boolean;
  fulfilledSeen: boolean;
  cancelled: boolean;
  earnSnapshot: EarnSnapshot | null;
  earnRule: EarnRule | null;
  warrantyPolicy: WarrantyPolicy | null;
  warrantyPolicySnapshot: WarrantyPolicy | null;
  shopCurrency: string | null;
}

export async function recordOrderEvent(shop: string, received: OrderFacts, seen: { paid?: boolean }): Promise<void> {
  const pendingProducts = await ensureProducts(shop, received);
  await transaction(async (tx) => {
    await holdShopForProcessing(tx, shop);
    // A customer who asked to be forgotten still earns and is covered, without their personal data.
    const facts = (await isRedacted(tx, shop, orderSubject(received))) ? orderFactsWithoutPersonalData(received) : received;
    await ensureShop(tx, shop, facts.currency);
    // The person is locked before the order (db.server.ts, lock order): an order seen for the
    // first time resolves its customer before taking the order row.
    const [seenBefore] = await tx.rows<{ customerId: string | null }>`
      SELECT "customerId" FROM "Order" WHERE shop = ${shop} AND "shopifyOrderId" = ${facts.id}`;
    const resolved = seenBefore?.customerId ? null : await resolveOrderCustomer(tx, shop, facts);
    const current = await lockOrder(tx, shop, facts.id, facts);
    // Fulfillments only accumulate; the rest of the order is taken from the newest event.
    const fulfillments = new Map((current.facts?.fulfillments ?? []).map((f) => [f.id, f]));
    for (const f of facts.fulfillments) fulfillments.set(f.id, f);
    const merged: OrderFacts = { ...facts, fulfillments: [...fulfillments.values()] };
    const customerId = current.customerId ?? resolved;
    const paidSeen = current.paidSeen || !!seen.paid || PAID_STATUSES.has(facts.financialStatus ?? "");
    const fulfilledSeen = current.fulfilledSeen || merged.fulfillments.length > 0;
    if (paidSeen && !current.paidSeen && customerId) await recordInteraction(tx, shop, customerId, orderPaid(merged));
    await tx.run`
      UPDATE "Order" SET facts = ${JSON.stringify(merged)}::jsonb, gid = ${facts.gid}, name = ${facts.name}, currency = ${facts.currency},
        "customerId" = ${customerId}, "paidSeen" = ${paidSeen}, "fulfilledSeen" = ${fulfilledSeen},
        "cancelledAt" = COALESCE("cancelledAt", ${facts.cancelledAt}::timestamptz AT TIME ZONE 'UTC'), "updatedAt" = now()
      WHERE shop = ${shop} AND "shopifyOrderId" = ${facts.id}`;
    await reconcileOrder(
      tx,
      shop,
      facts.id,
      { ...current, facts: merged, customerId, paidSeen, fulfilledSeen, cancelled: current.cancelled || !!facts.cancelledAt },
      pendingProducts,
    );
  }, LARGE_ORDER_TX);
}

// warranty_policy_check: an order with registrations covered by default asks Shopify for its
// products' facts again and, if it gets them, plans its warranties again with them.
export async function recheckWarrantyPolicy(shop: string, orderId: string): Promise<void> {
  const {
    rows: [row],
  } = await pool.query<{ facts: OrderFacts | null }>(`SELECT facts FROM "Order" WHERE shop = $1 AND "shopifyOrderId" = $2`, [
    shop,
    orderId,
  ]);
  if (!row?.facts) return; // the shop's data was deleted since
  const pendingProducts = await ensureProducts(shop, row.facts);
  if (pendingProducts.size) throw new Error(`product facts still unavailable (${pendingProducts.size}); the queue tries again later`);
  await transaction(async (tx) => {
    await holdShopForProcessing(tx, shop);
    await reconcileOrder(tx, shop, orderId, await lockOrder(tx, shop, orderId, null), pendingProducts);
  }, LARGE_ORDER_TX);
}

// A carrier's delivered event (fulfillment_events/create): under a delivery policy, the order's
// units start from it. The delivery is written before the order is locked, and the lock (with its
// placeholder insert, which waits for an order being inserted) is taken before the policy is read:
// an order event planning at the same time either sees the delivery or is followed by this re-plan.
export async function recordDelivery(shop: string, delivery: { fulfillmentId: string; orderId: string; deliveredAt: Date }): Promise<void> {
  await transaction(async (tx) => {
    await holdShopForProcessing(tx, shop);
    // Redelivered or reported twice: the earliest delivery counts.
    await tx.run`
      INSERT INTO "FulfillmentDelivery" (shop, "fulfillmentId", "shopifyOrderId", "deliveredAt")
      VALUES (${shop}, ${delivery.fulfillmentId}, ${delivery.orderId}, ${delivery.deliveredAt.toISOString()}::timestamptz AT TIME ZONE 'UTC')
      ON CONFLICT (shop, "fulfillmentId") DO UPDATE SET "deliveredAt" = LEAST("FulfillmentDelivery"."deliveredAt", EXCLUDED."deliveredAt")`;
    const order = await lockOrder(tx, shop, delivery.orderId, null);
    // Not planned yet (its order not seen or not paid): the first plan reads the delivery then.
    if (order.warrantyPolicySnapshot?.startsAt !== "delivery") return;
    await reconcileOrder(tx, shop, delivery.orderId, order);
  }, LARGE_ORDER_TX);
}

export async function recordRefund(shop: string, raw: string): Promise<void> {
  await transaction(async (tx) => {
    await holdShopForProcessing(tx, shop);
    const { orderId } = parseRefund(raw);
    const order = await lockOrder(tx, shop, orderId, null);
    // Amounts are read in shop money; a body without *_set amounts is scaled by the shop's currency.
    const refund = parseRefund(raw, order.facts?.currency ?? order.shopCurrency ?? undefined);
    await tx.run`
      INSERT INTO "OrderRefund" (shop, "shopifyRefundId", "shopifyOrderId", facts)
      VALUES (${shop}, ${refund.id}, ${refund.orderId}, ${JSON.stringify(refund)}::jsonb) ON CONFLICT DO NOTHING`;
    await reconcileOrder(tx, shop, orderId, order);
  }, LARGE_ORDER_TX);
}

// An order's `currency` is the shop currency (its presentment currency is a separate field).
async function ensureShop(tx: Tx, shop: string, currency: string) {
  await tx.run`
    INSERT INTO "Shop" (domain, currency, "updatedAt") VALUES (${shop}, ${currency}, now())
    ON CONFLICT (domain) DO UPDATE SET currency = EXCLUDED.currency, "updatedAt" = now() WHERE "Shop".currency <> EXCLUDED.currency`;
}

// A refund may arrive before its order: a placeholder row gives both something to lock.
async function lockOrder(tx: Tx, shop: string, orderId: string, facts: OrderFacts | null): Promise<LockedOrder> {
  await tx.run`
    INSERT INTO "Order" (shop, "shopifyOrderId", gid, name, currency, "updatedAt")
    VALUES (${shop}, ${orderId}, ${facts?.gid ?? `gid://shopify/Order/${orderId}`}, ${facts?.name ?? ""}, ${facts?.currency ?? "USD"}, now())
    ON CONFLICT DO NOTHING`;
  const [row] = await tx.rows<LockedOrder>`
    SELECT o."customerId", o.facts, o."paidSeen", o."fulfilledSeen", o."cancelledAt" IS NOT NULL AS cancelled, o."earnSnapshot", o."warrantyPolicySnapshot",
           s."earnRule", s."warrantyPolicy", s.currency AS "shopCurrency"
    FROM "Order" o LEFT JOIN "Shop" s ON s.domain = o.shop
    WHERE o.shop = ${shop} AND o."shopifyOrderId" = ${orderId} FOR UPDATE OF o`;
  return row;
}

// `pendingProducts`: products whose facts Shopify could not give just now; undefined when the caller
// did not ask (a refund), and the registrations' marks say.
async function reconcileOrder(tx: Tx, shop: string, orderId: string, order: LockedOrder, pendingProducts?: ReadonlySet<string>) {
  const { facts, cancelled } = order;
  if (!facts) return; // only refunds so far: they wait for their order
  const refunds = (
    await tx.rows<{ facts: RefundFacts }>`SELECT facts FROM "OrderRefund" WHERE shop = ${shop} AND "shopifyOrderId" = ${orderId}`
  ).map((r) => r.facts);
  // Before the points account: a customer's redemptions are locked before it (redemption.server.ts).
  await markCodesUsed(tx, shop, facts);
  if (order.customerId) {
    const existing = await tx.rows<{ key: string; points: number }>`
      SELECT "idempotencyKey" AS key, points FROM "PointsLedgerEntry" WHERE shop = ${shop} AND "orderId" = ${orderId}`;
    const plan = planOrderLedger({
      order: facts,
      paid: order.paidSeen,
      fulfilled: order.fulfilledSeen,
      cancelled,
      refunds,
      rule: order.earnRule ?? DEFAULT_EARN_RULE,
      // The tier they are in before this order counts: its multiplier is kept in the snapshot.
      multiplier: order.earnSnapshot ? undefined : (await currentTier(tx, shop, order.customerId)).earnMultiplier,
      snapshot: order.earnSnapshot,
      existing,
    });
    if (plan.snapshot && !order.earnSnapshot)
      await tx.run`UPDATE "Order" SET "earnSnapshot" = ${JSON.stringify(plan.snapshot)}::jsonb WHERE shop = ${shop} AND "shopifyOrderId" = ${orderId}`;
    const tierScheduled = await appendLedger(
      tx,
      shop,
      order.customerId,
      plan.append.map((e) => ({ ...e, orderId })),
    );
    // Orders count, total spent, points and warranties all show on the contact. After the points
    // account: outbox rows are locked last.
    await markContactChanged(tx, shop, order.customerId);
    // A tier by spend or orders moves with the order itself, points or not.
    if (!tierScheduled) await scheduleTierCheck(tx, shop, order.customerId);
  }

  if (!order.paidSeen && !cancelled) return; // warranties register once the order is paid
  const productIds = facts.lineItems.map((l) => l.productId).filter((id): id is string => !!id);
  const products = productIds.length
    ? await tx.rows<ProductFacts>`
        SELECT "shopifyProductId" AS "productId", "productType", vendor, tags FROM "Product" WHERE shop = ${shop} AND "shopifyProductId" = ANY(${productIds}::text[])`
    : [];
  const pending =
    pendingProducts ??
    new Set(
      (
        await tx.rows<{ productId: string }>`
    SELECT DISTINCT "productId" FROM "WarrantyRegistration" WHERE shop = ${shop} AND "shopifyOrderId" = ${orderId} AND "policyCheckPending" AND "productId" IS NOT NULL`
      ).map((r) => r.productId),
    );
  // The policy in force when the order's warranties were first planned: a later refund, shipment or
  // policy check re-plans them under it, not under a policy the merchant changed since.
  const policy = order.warrantyPolicySnapshot ?? { ...DEFAULT_WARRANTY_POLICY, ...order.warrantyPolicy };
  if (!order.warrantyPolicySnapshot)
    await tx.run`UPDATE "Order" SET "warrantyPolicySnapshot" = ${JSON.stringify(policy)}::jsonb WHERE shop = ${shop} AND "shopifyOrderId" = ${orderId}`;
  // Coverage from delivery: the carriers' delivered events recorded so far (app/feedback/deliveries.server.ts).
  const deliveries =
    policy.startsAt === "delivery"
      ? await tx.rows<{ fulfillmentId: string; deliveredAt: Date }>`
          SELECT "fulfillmentId", "deliveredAt" FROM "FulfillmentDelivery" WHERE shop = ${shop} AND "shopifyOrderId" = ${orderId}`
      : [];
  const units = planOrderWarranties({
    policy,
    order: facts,
    products: new Map(products.map((p) => [p.productId, p])),
    pendingProducts: pending,
    refunds,
    cancelled,
    now: new Date().toISOString(),
    deliveries: new Map(deliveries.map((d) => [d.fulfillmentId, d.deliveredAt.toISOString()])),
  });
  // A unit covered by default that its product's real facts give no warranty at all.
  await tx.run`
    UPDATE "WarrantyRegistration" SET status = 'voided', "voidReason" = 'not_covered', "policyCheckPending" = false, "updatedAt" = now()
    WHERE shop = ${shop} AND "shopifyOrderId" = ${orderId} AND "policyCheckPending" AND NOT (key = ANY(${units.map((u) => u.key)}::text[]))`;
  if (units.some((u) => u.policyCheck))
    await tx.run`
      SELECT graphile_worker.add_job('warranty_policy_check', json_build_object('shop', ${shop}::text, 'orderId', ${orderId}::text),
        run_at => now() + ${POLICY_CHECK_DELAY}::interval, job_key => 'warranty_policy_check:' || ${shop}::text || ':' || ${orderId}::text,
        job_key_mode => 'preserve_run_at', max_attempts => 25)`;
  if (!units.length) return;
  // One statement for the whole order (a 499-line order may plan tens of thousands of units); rows
  // that would not change are left alone.
  const col = <T>(f: (u: (typeof units)[number]) => T) => units.map(f);
  const written = await tx.rows<{ key: string; inserted: boolean }>`
    INSERT INTO "WarrantyRegistration" (id, shop, key, "shopifyOrderId", "lineItemId", "unitIndex", quantity, "customerId", "productId", "variantId", title, months, "coverageStart", "coverageEnd", status, "voidReason", "policyCheckPending", "awaitingDelivery", "updatedAt")
    SELECT gen_random_uuid()::text, ${shop}, u.key, ${orderId}, u.line, u.unit, u.quantity, ${order.customerId}, u.product, u.variant, u.title, u.months,
           u.starts AT TIME ZONE 'UTC', u.ends AT TIME ZONE 'UTC', u.status, u.void, u.check, u.awaiting, now()
    FROM unnest(${col((u) => u.key)}::text[], ${col((u) => u.lineItemId)}::text[], ${col((u) => u.unitIndex)}::int[], ${col((u) => u.quantity)}::int[],
                ${col((u) => u.productId)}::text[], ${col((u) => u.variantId)}::text[], ${col((u) => u.title)}::text[], ${col((u) => u.months)}::int[],
                ${col((u) => u.coverageStart)}::timestamptz[], ${col((u) => u.coverageEnd)}::timestamptz[], ${col((u) => u.status)}::text[], ${col((u) => u.voidReason)}::text[],
                ${col((u) => u.policyCheck)}::boolean[], ${col((u) => u.awaitingDelivery)}::boolean[])
      AS u(key, line, unit, quantity, product, variant, title, months, starts, ends, status, void, "check", awaiting)
    ON CONFLICT (shop, key) DO UPDATE SET quantity = EXCLUDED.quantity, months = EXCLUDED.months, "coverageStart" = EXCLUDED."coverageStart", "coverageEnd" = EXCLUDED."coverageEnd",
      status = EXCLUDED.status, "voidReason" = EXCLUDED."voidReason", "customerId" = EXCLUDED."customerId", "policyCheckPending" = EXCLUDED."policyCheckPending",
      "awaitingDelivery" = EXCLUDED."awaitingDelivery", "updatedAt" = now()
    WHERE ("WarrantyRegistration".quantity, "WarrantyRegistration".months, "WarrantyRegistration"."coverageStart", "WarrantyRegistration"."coverageEnd", "WarrantyRegistration".status,
           "WarrantyRegistration"."voidReason", "WarrantyRegistration"."customerId", "WarrantyRegistration"."policyCheckPending", "WarrantyRegistration"."awaitingDelivery")
      IS DISTINCT FROM (EXCLUDED.quantity, EXCLUDED.months, EXCLUDED."coverageStart", EXCLUDED."coverageEnd", EXCLUDED.status, EXCLUDED."voidReason", EXCLUDED."customerId", EXCLUDED."policyCheckPending",
                        EXCLUDED."awaitingDelivery")
    RETURNING key, (xmax = 0) AS inserted`;
  const inserted = new Set(written.filter((w) => w.inserted).map((w) => w.key));
  const registered = units.filter((u) => inserted.has(u.key) && u.status !== "voided");
  if (registered.length && order.customerId) await recordInteraction(tx, shop, order.customerId, warrantyRegistered(facts, registered));
}

// Product type, vendor and tags decide warranty coverage; fetched once per product from the Admin API.
// Returns the products whose facts Shopify could not give now (throttled past retries, or no token
// it accepts even after a refresh): the order goes on with default coverage for them, marked.
async function ensureProducts(shop: string, facts: OrderFacts): Promise<Set<string>> {
  const ids = [...new Set(facts.lineItems.map((l) => l.productId).filter((id): id is string => !!id))];
  if (!ids.length) return new Set();
  const { rows: known } = await pool.query<{ id: string }>(
    `SELECT "shopifyProductId" AS id FROM "Product" WHERE shop = $1 AND "shopifyProductId" = ANY($2::text[])`,
    [shop, ids],
  );
  const missing = ids.filter((id) => !known.some((k) => k.id === id));
  if (!missing.length) return new Set();
  const answer = await withOfflineAdmin(shop, (graphql) => fetchProductFacts(graphql, missing));
  // No session (uninstalled): nothing to wait for; coverage falls back to vendor and default.
  if ("noAdmin" in answer) return answer.noAdmin === "no_session" ? new Set() : new Set(missing);
  if ("unavailable" in answer) return new Set(missing);
  for (const p of answer.products) {
    await pool.query(
      `INSERT INTO "Product" (shop, "shopifyProductId", title, "productType", vendor, tags) VALUES ($1,$2,$3,$4,$5,$6)
       ON CONFLICT (shop, "shopifyProductId") DO UPDATE SET title = EXCLUDED.title, "productType" = EXCLUDED."productType", vendor = EXCLUDED.vendor, tags = EXCLUDED.tags, "fetchedAt" = now()`,
      [shop, p.productId, p.title, p.productType, p.vendor, p.tags],
    );
  }
  return new Set();
}
