-- CreateTable
CREATE TABLE "DashboardDay" (
    "shop" TEXT NOT NULL,
    "day" DATE NOT NULL,
    "orders" BIGINT NOT NULL DEFAULT 0,
    "revenueMinor" BIGINT NOT NULL DEFAULT 0,
    "unitsOrdered" BIGINT NOT NULL DEFAULT 0,
    "customerOrders" BIGINT NOT NULL DEFAULT 0,
    "customerRevenueMinor" BIGINT NOT NULL DEFAULT 0,
    "newCustomers" BIGINT NOT NULL DEFAULT 0,
    "repeatCustomers" BIGINT NOT NULL DEFAULT 0,
    "pointsEarned" BIGINT NOT NULL DEFAULT 0,
    "pointsRedeemed" BIGINT NOT NULL DEFAULT 0,
    "pointsReversed" BIGINT NOT NULL DEFAULT 0,
    "pointsExpired" BIGINT NOT NULL DEFAULT 0,
    "pointsNet" BIGINT NOT NULL DEFAULT 0,
    "returns" BIGINT NOT NULL DEFAULT 0,
    "unitsReturned" BIGINT NOT NULL DEFAULT 0,
    "claimsOpened" BIGINT NOT NULL DEFAULT 0,
    "claimsClosed" BIGINT NOT NULL DEFAULT 0,
    "claimsResolved" BIGINT NOT NULL DEFAULT 0,
    "claimsResolvedFirstContact" BIGINT NOT NULL DEFAULT 0,
    "claimResolutionSeconds" BIGINT NOT NULL DEFAULT 0,

    CONSTRAINT "DashboardDay_pkey" PRIMARY KEY ("shop","day")
);

-- CreateTable
CREATE TABLE "DashboardMonth" (
    "shop" TEXT NOT NULL,
    "month" DATE NOT NULL,
    "activeCustomers" BIGINT NOT NULL DEFAULT 0,
    "retainedCustomers" BIGINT NOT NULL DEFAULT 0,

    CONSTRAINT "DashboardMonth_pkey" PRIMARY KEY ("shop","month")
);

-- CreateTable
CREATE TABLE "DashboardReturnReasonDay" (
    "shop" TEXT NOT NULL,
    "day" DATE NOT NULL,
    "reason" TEXT NOT NULL,
    "units" BIGINT NOT NULL DEFAULT 0,

    CONSTRAINT "DashboardReturnReasonDay_pkey" PRIMARY KEY ("shop","day","reason")
);

-- CreateTable
CREATE TABLE "DashboardOrder" (
    "shop" TEXT NOT NULL,
    "shopifyOrderId" TEXT NOT NULL,
    "day" DATE NOT NULL,
    "customerId" TEXT,
    "revenueMinor" BIGINT NOT NULL,
    "units" BIGINT NOT NULL,

    CONSTRAINT "DashboardOrder_pkey" PRIMARY KEY ("shop","shopifyOrderId")
);

-- CreateTable
CREATE TABLE "DashboardCustomer" (
    "shop" TEXT NOT NULL,
    "customerId" TEXT NOT NULL,
    "firstDay" DATE NOT NULL,
    "secondDay" DATE,

    CONSTRAINT "DashboardCustomer_pkey" PRIMARY KEY ("shop","customerId")
);

-- CreateTable
CREATE TABLE "DashboardCustomerMonth" (
    "shop" TEXT NOT NULL,
    "customerId" TEXT NOT NULL,
    "month" DATE NOT NULL,

    CONSTRAINT "DashboardCustomerMonth_pkey" PRIMARY KEY ("shop","customerId","month")
);

-- CreateTable
CREATE TABLE "DashboardReturn" (
    "returnId" TEXT NOT NULL,
    "shop" TEXT NOT NULL,
    "day" DATE NOT NULL,
    "reasons" JSONB NOT NULL,

    CONSTRAINT "DashboardReturn_pkey" PRIMARY KEY ("returnId")
);

-- CreateIndex
CREATE INDEX "DashboardOrder_shop_customerId_day_idx" ON "DashboardOrder"("shop", "customerId", "day");

-- CreateIndex
CREATE INDEX "DashboardReturn_shop_idx" ON "DashboardReturn"("shop");

-- Hand-written (decision 0019): how the dashboard's aggregates follow the rows they count.
-- Each source row's contribution is one function of that row; triggers retract a row's old
-- contribution and add its new one in the transaction that changed it, and dashboard_rebuild
-- computes the same sums set-based (the backfill below, the bench's seed, the tests' check).
-- Orders and returns depend on other rows (refunds, lines), so what each adds now is remembered
-- (DashboardOrder, DashboardReturn) and recomputed from current rows: any arrival order, any number
-- of deliveries, end with the same sums. The order, refund and return triggers are deferred to
-- commit so the hot per-day row is locked only for the commit, not for the rest of processing.

-- A row of zeros for a shop and day: contributions set only the counters they touch.
CREATE FUNCTION dashboard_day(p_shop text, p_day date) RETURNS "DashboardDay" LANGUAGE sql IMMUTABLE AS $$
  SELECT p_shop, p_day, 0::bigint, 0::bigint, 0::bigint, 0::bigint, 0::bigint, 0::bigint, 0::bigint, 0::bigint, 0::bigint,
         0::bigint, 0::bigint, 0::bigint, 0::bigint, 0::bigint, 0::bigint, 0::bigint, 0::bigint, 0::bigint, 0::bigint
$$;

-- PL/pgSQL rather than SQL: its statement plans are cached per session (an SQL function with an
-- INSERT is planned on every call, ~0.2 ms).
CREATE FUNCTION dashboard_add(d "DashboardDay", sign int) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO "DashboardDay" AS t
  SELECT d.shop, d.day, sign * d.orders, sign * d."revenueMinor", sign * d."unitsOrdered", sign * d."customerOrders",
         sign * d."customerRevenueMinor", sign * d."newCustomers", sign * d."repeatCustomers", sign * d."pointsEarned",
         sign * d."pointsRedeemed", sign * d."pointsReversed", sign * d."pointsExpired", sign * d."pointsNet", sign * d.returns,
         sign * d."unitsReturned", sign * d."claimsOpened", sign * d."claimsClosed", sign * d."claimsResolved",
         sign * d."claimsResolvedFirstContact", sign * d."claimResolutionSeconds"
  ON CONFLICT (shop, day) DO UPDATE SET
    orders = t.orders + EXCLUDED.orders, "revenueMinor" = t."revenueMinor" + EXCLUDED."revenueMinor",
    "unitsOrdered" = t."unitsOrdered" + EXCLUDED."unitsOrdered", "customerOrders" = t."customerOrders" + EXCLUDED."customerOrders",
    "customerRevenueMinor" = t."customerRevenueMinor" + EXCLUDED."customerRevenueMinor",
    "newCustomers" = t."newCustomers" + EXCLUDED."newCustomers", "repeatCustomers" = t."repeatCustomers" + EXCLUDED."repeatCustomers",
    "pointsEarned" = t."pointsEarned" + EXCLUDED."pointsEarned", "pointsRedeemed" = t."pointsRedeemed" + EXCLUDED."pointsRedeemed",
    "pointsReversed" = t."pointsReversed" + EXCLUDED."pointsReversed", "pointsExpired" = t."pointsExpired" + EXCLUDED."pointsExpired",
    "pointsNet" = t."pointsNet" + EXCLUDED."pointsNet", returns = t.returns + EXCLUDED.returns,
    "unitsReturned" = t."unitsReturned" + EXCLUDED."unitsReturned", "claimsOpened" = t."claimsOpened" + EXCLUDED."claimsOpened",
    "claimsClosed" = t."claimsClosed" + EXCLUDED."claimsClosed", "claimsResolved" = t."claimsResolved" + EXCLUDED."claimsResolved",
    "claimsResolvedFirstContact" = t."claimsResolvedFirstContact" + EXCLUDED."claimsResolvedFirstContact",
    "claimResolutionSeconds" = t."claimResolutionSeconds" + EXCLUDED."claimResolutionSeconds";
END $$;

-- An order counts once paid and while not cancelled, on its UTC creation day. Revenue: its lines
-- after discounts (gift cards are not sales) plus shipping, less what its refunds gave back.
CREATE VIEW dashboard_order_contribution AS
SELECT o.shop, o."shopifyOrderId",
       ((o.facts->>'createdAt')::timestamptz AT TIME ZONE 'UTC')::date AS day,
       o."customerId",
       COALESCE(l."linesMinor", 0) + COALESCE((o.facts->>'shippingMinor')::bigint, 0) - COALESCE(r."refundedMinor", 0) AS "revenueMinor",
       COALESCE(l.units, 0) AS units
FROM "Order" o
CROSS JOIN LATERAL (
  SELECT sum((x->>'unitPriceMinor')::bigint * (x->>'quantity')::bigint - COALESCE((x->>'discountMinor')::bigint, 0)) AS "linesMinor",
         sum((x->>'quantity')::bigint) AS units
  FROM jsonb_array_elements(o.facts->'lineItems') x WHERE NOT COALESCE((x->>'giftCard')::boolean, false)) l
LEFT JOIN LATERAL (
  SELECT sum(COALESCE((f.facts->>'shippingMinor')::bigint, 0)
             + (SELECT COALESCE(sum((y->>'subtotalMinor')::bigint), 0) FROM jsonb_array_elements(f.facts->'lineItems') y)) AS "refundedMinor"
  FROM "OrderRefund" f WHERE f.shop = o.shop AND f."shopifyOrderId" = o."shopifyOrderId") r ON true
WHERE o.facts IS NOT NULL AND o."paidSeen" AND o."cancelledAt" IS NULL;

-- Units in returns asked for (not failed, canceled or declined), by reason, on the return's UTC day.
CREATE VIEW dashboard_return_contribution AS
SELECT r.id AS "returnId", r.shop, r."createdAt"::date AS day, l.reason, sum(l.quantity)::bigint AS units
FROM "ReturnRequest" r JOIN "ReturnRequestLine" l ON l."returnId" = r.id
WHERE r.status NOT IN ('failed', 'canceled', 'declined')
GROUP BY r.id, r.shop, r."createdAt"::date, l.reason;

CREATE FUNCTION dashboard_order_day(o "DashboardOrder") RETURNS "DashboardDay" LANGUAGE plpgsql IMMUTABLE AS $$
DECLARE d "DashboardDay" := dashboard_day(o.shop, o.day);
BEGIN
  d.orders := 1; d."revenueMinor" := o."revenueMinor"; d."unitsOrdered" := o.units;
  IF o."customerId" IS NOT NULL THEN d."customerOrders" := 1; d."customerRevenueMinor" := o."revenueMinor"; END IF;
  RETURN d;
END $$;

CREATE FUNCTION dashboard_customer_days(c "DashboardCustomer") RETURNS SETOF "DashboardDay" LANGUAGE plpgsql IMMUTABLE AS $$
DECLARE d "DashboardDay";
BEGIN
  d := dashboard_day(c.shop, c."firstDay"); d."newCustomers" := 1; RETURN NEXT d;
  IF c."secondDay" IS NOT NULL THEN d := dashboard_day(c.shop, c."secondDay"); d."repeatCustomers" := 1; RETURN NEXT d; END IF;
END $$;

-- Earned: every credit that is not a reversal's undoing, a redemption's release or a guest's points
-- moving (so bonus kinds added later count as earned); expire entries (issue 13) are their own counter.
CREATE FUNCTION dashboard_points_day(e "PointsLedgerEntry") RETURNS "DashboardDay" LANGUAGE plpgsql IMMUTABLE AS $$
DECLARE d "DashboardDay" := dashboard_day(e.shop, e."createdAt"::date);
BEGIN
  d."pointsNet" := e.points;
  IF e.kind IN ('redeem', 'redeem_release') THEN d."pointsRedeemed" := -e.points;
  ELSIF e.kind IN ('refund_reversal', 'cancel_reversal') THEN d."pointsReversed" := -e.points;
  ELSIF e.kind = 'expire' THEN d."pointsExpired" := -e.points;
  ELSIF e.kind NOT IN ('claim_in', 'claim_out') THEN d."pointsEarned" := e.points;
  END IF;
  RETURN d;
END $$;

-- A claim counts as opened on its submission day, and as closed (resolved or rejected) on the day it
-- closed, with how long that took; a reopen clears closedAt, which retracts the closing.
CREATE FUNCTION dashboard_claim_days(k "WarrantyClaim") RETURNS SETOF "DashboardDay" LANGUAGE plpgsql IMMUTABLE AS $$
DECLARE d "DashboardDay";
BEGIN
  d := dashboard_day(k.shop, k."submittedAt"::date); d."claimsOpened" := 1; RETURN NEXT d;
  IF k.status IN ('resolved', 'rejected') AND k."closedAt" IS NOT NULL THEN
    d := dashboard_day(k.shop, k."closedAt"::date);
    d."claimsClosed" := 1;
    d."claimResolutionSeconds" := greatest(0, round(extract(epoch FROM k."closedAt" - k."submittedAt")))::bigint;
    IF k.status = 'resolved' THEN d."claimsResolved" := 1; d."claimsResolvedFirstContact" := (k."reopenCount" = 0)::int; END IF;
    RETURN NEXT d;
  END IF;
END $$;

CREATE FUNCTION dashboard_return_day(r "DashboardReturn") RETURNS "DashboardDay" LANGUAGE plpgsql IMMUTABLE AS $$
DECLARE d "DashboardDay" := dashboard_day(r.shop, r.day);
BEGIN
  d.returns := 1;
  d."unitsReturned" := (SELECT COALESCE(sum(value::bigint), 0) FROM jsonb_each_text(r.reasons));
  RETURN d;
END $$;

-- A customer's first and second order days and their month's activity, from their counted orders.
-- Retention of month m counts customers active in m and in m-1, so a month appearing or vanishing
-- also changes the retained count of the month after it.
CREATE FUNCTION dashboard_sync_customer(p_shop text, p_customer text, p_day date) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  was "DashboardCustomer"; was_found boolean; now_ "DashboardCustomer"; days date[];
  m date := date_trunc('month', p_day)::date; has boolean; delta int;
BEGIN
  SELECT * INTO was FROM "DashboardCustomer" WHERE shop = p_shop AND "customerId" = p_customer FOR UPDATE;
  was_found := FOUND;
  SELECT array_agg(day ORDER BY day) INTO days FROM (
    SELECT day FROM "DashboardOrder" WHERE shop = p_shop AND "customerId" = p_customer ORDER BY day LIMIT 2) x;
  now_ := ROW(p_shop, p_customer, days[1], days[2]);
  IF (was."firstDay", was."secondDay") IS DISTINCT FROM (now_."firstDay", now_."secondDay") THEN
    IF was_found THEN
      PERFORM dashboard_add(d, -1) FROM dashboard_customer_days(was) d;
      DELETE FROM "DashboardCustomer" WHERE shop = p_shop AND "customerId" = p_customer;
    END IF;
    IF now_."firstDay" IS NOT NULL THEN
      PERFORM dashboard_add(d, 1) FROM dashboard_customer_days(now_) d;
      INSERT INTO "DashboardCustomer" SELECT (now_).*;
    END IF;
  END IF;

  has := EXISTS (SELECT 1 FROM "DashboardOrder" WHERE shop = p_shop AND "customerId" = p_customer AND day >= m AND day < (m + interval '1 month')::date);
  IF has = EXISTS (SELECT 1 FROM "DashboardCustomerMonth" WHERE shop = p_shop AND "customerId" = p_customer AND month = m) THEN RETURN; END IF;
  delta := CASE WHEN has THEN 1 ELSE -1 END;
  IF has THEN INSERT INTO "DashboardCustomerMonth" VALUES (p_shop, p_customer, m);
  ELSE DELETE FROM "DashboardCustomerMonth" WHERE shop = p_shop AND "customerId" = p_customer AND month = m;
  END IF;
  INSERT INTO "DashboardMonth" AS t VALUES (p_shop, m, delta,
    CASE WHEN EXISTS (SELECT 1 FROM "DashboardCustomerMonth" WHERE shop = p_shop AND "customerId" = p_customer AND month = (m - interval '1 month')::date) THEN delta ELSE 0 END)
  ON CONFLICT (shop, month) DO UPDATE SET "activeCustomers" = t."activeCustomers" + EXCLUDED."activeCustomers", "retainedCustomers" = t."retainedCustomers" + EXCLUDED."retainedCustomers";
  IF EXISTS (SELECT 1 FROM "DashboardCustomerMonth" WHERE shop = p_shop AND "customerId" = p_customer AND month = (m + interval '1 month')::date) THEN
    INSERT INTO "DashboardMonth" AS t VALUES (p_shop, (m + interval '1 month')::date, 0, delta)
    ON CONFLICT (shop, month) DO UPDATE SET "retainedCustomers" = t."retainedCustomers" + EXCLUDED."retainedCustomers";
  END IF;
END $$;

CREATE FUNCTION dashboard_sync_order(p_shop text, p_order text) RETURNS void LANGUAGE plpgsql AS $$
DECLARE was "DashboardOrder"; was_found boolean; now_ "DashboardOrder"; now_found boolean;
BEGIN
  SELECT * INTO was FROM "DashboardOrder" WHERE shop = p_shop AND "shopifyOrderId" = p_order FOR UPDATE;
  was_found := FOUND;
  SELECT c.shop, c."shopifyOrderId", c.day, c."customerId", c."revenueMinor", c.units INTO now_
  FROM dashboard_order_contribution c WHERE c.shop = p_shop AND c."shopifyOrderId" = p_order;
  now_found := FOUND;
  IF was_found = now_found AND (NOT was_found OR (was.day, was."customerId", was."revenueMinor", was.units) IS NOT DISTINCT FROM (now_.day, now_."customerId", now_."revenueMinor", now_.units)) THEN
    RETURN;
  END IF;
  IF was_found THEN
    PERFORM dashboard_add(dashboard_order_day(was), -1);
    DELETE FROM "DashboardOrder" WHERE shop = p_shop AND "shopifyOrderId" = p_order;
  END IF;
  IF now_found THEN
    PERFORM dashboard_add(dashboard_order_day(now_), 1);
    INSERT INTO "DashboardOrder" SELECT (now_).*;
  END IF;
  -- A refund changes only revenue: the customer's days and months stay as they were.
  IF was_found = now_found AND (was.day, was."customerId") IS NOT DISTINCT FROM (now_.day, now_."customerId") THEN RETURN; END IF;
  IF was_found AND was."customerId" IS NOT NULL THEN PERFORM dashboard_sync_customer(p_shop, was."customerId", was.day); END IF;
  IF now_found AND now_."customerId" IS NOT NULL THEN PERFORM dashboard_sync_customer(p_shop, now_."customerId", now_.day); END IF;
END $$;

CREATE FUNCTION dashboard_sync_return(p_return text) RETURNS void LANGUAGE plpgsql AS $$
DECLARE was "DashboardReturn"; was_found boolean; now_ "DashboardReturn";
BEGIN
  SELECT * INTO was FROM "DashboardReturn" WHERE "returnId" = p_return FOR UPDATE;
  was_found := FOUND;
  SELECT p_return, c.shop, c.day, jsonb_object_agg(c.reason, c.units) INTO now_
  FROM dashboard_return_contribution c WHERE c."returnId" = p_return GROUP BY c.shop, c.day;
  IF (was.shop, was.day, was.reasons) IS NOT DISTINCT FROM (now_.shop, now_.day, now_.reasons) THEN RETURN; END IF;
  IF was_found THEN
    PERFORM dashboard_add(dashboard_return_day(was), -1);
    INSERT INTO "DashboardReturnReasonDay" AS t SELECT was.shop, was.day, key, -value::bigint FROM jsonb_each_text(was.reasons)
    ON CONFLICT (shop, day, reason) DO UPDATE SET units = t.units + EXCLUDED.units;
    DELETE FROM "DashboardReturn" WHERE "returnId" = p_return;
  END IF;
  IF now_.shop IS NOT NULL THEN
    PERFORM dashboard_add(dashboard_return_day(now_), 1);
    INSERT INTO "DashboardReturnReasonDay" AS t SELECT now_.shop, now_.day, key, value::bigint FROM jsonb_each_text(now_.reasons)
    ON CONFLICT (shop, day, reason) DO UPDATE SET units = t.units + EXCLUDED.units;
    INSERT INTO "DashboardReturn" SELECT (now_).*;
  END IF;
END $$;

-- "Order" and "OrderRefund" both name their order by (shop, "shopifyOrderId").
CREATE FUNCTION dashboard_order_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP <> 'INSERT' THEN PERFORM dashboard_sync_order(OLD.shop, OLD."shopifyOrderId"); END IF;
  IF TG_OP = 'INSERT' OR (TG_OP = 'UPDATE' AND (NEW.shop, NEW."shopifyOrderId") IS DISTINCT FROM (OLD.shop, OLD."shopifyOrderId")) THEN
    PERFORM dashboard_sync_order(NEW.shop, NEW."shopifyOrderId");
  END IF;
  RETURN NULL;
END $$;
CREATE CONSTRAINT TRIGGER "Order_dashboard" AFTER INSERT OR UPDATE OR DELETE ON "Order"
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION dashboard_order_changed();
CREATE CONSTRAINT TRIGGER "OrderRefund_dashboard" AFTER INSERT OR UPDATE OR DELETE ON "OrderRefund"
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION dashboard_order_changed();

CREATE FUNCTION dashboard_return_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_TABLE_NAME = 'ReturnRequest' THEN
    PERFORM dashboard_sync_return(CASE WHEN TG_OP = 'DELETE' THEN OLD.id ELSE NEW.id END);
  ELSE
    IF TG_OP <> 'INSERT' THEN PERFORM dashboard_sync_return(OLD."returnId"); END IF;
    IF TG_OP <> 'DELETE' THEN PERFORM dashboard_sync_return(NEW."returnId"); END IF;
  END IF;
  RETURN NULL;
END $$;
CREATE CONSTRAINT TRIGGER "ReturnRequest_dashboard" AFTER INSERT OR UPDATE OR DELETE ON "ReturnRequest"
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION dashboard_return_changed();
CREATE CONSTRAINT TRIGGER "ReturnRequestLine_dashboard" AFTER INSERT OR UPDATE OR DELETE ON "ReturnRequestLine"
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION dashboard_return_changed();

-- Ledger entries and claims carry their whole contribution: the old row's is retracted, the new one's added.
CREATE FUNCTION dashboard_points_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP <> 'INSERT' THEN PERFORM dashboard_add(dashboard_points_day(OLD), -1); END IF;
  IF TG_OP <> 'DELETE' THEN PERFORM dashboard_add(dashboard_points_day(NEW), 1); END IF;
  RETURN NULL;
END $$;
CREATE CONSTRAINT TRIGGER "PointsLedgerEntry_dashboard" AFTER INSERT OR DELETE ON "PointsLedgerEntry"
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION dashboard_points_changed();

CREATE FUNCTION dashboard_claim_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP <> 'INSERT' THEN PERFORM dashboard_add(d, -1) FROM dashboard_claim_days(OLD) d; END IF;
  IF TG_OP <> 'DELETE' THEN PERFORM dashboard_add(d, 1) FROM dashboard_claim_days(NEW) d; END IF;
  RETURN NULL;
END $$;
CREATE CONSTRAINT TRIGGER "WarrantyClaim_dashboard" AFTER INSERT OR UPDATE OR DELETE ON "WarrantyClaim"
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION dashboard_claim_changed();

-- The same sums computed set-based from the source rows: the backfill, the bench's seed and the
-- tests' reference. Replaces whatever the shop's aggregates held.
CREATE FUNCTION dashboard_rebuild(p_shop text) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  PERFORM dashboard_forget(p_shop);
  INSERT INTO "DashboardOrder" SELECT c.shop, c."shopifyOrderId", c.day, c."customerId", c."revenueMinor", c.units
    FROM dashboard_order_contribution c WHERE c.shop = p_shop;
  INSERT INTO "DashboardCustomer" SELECT p_shop, "customerId", min(day), (array_agg(day ORDER BY day))[2]
    FROM "DashboardOrder" WHERE shop = p_shop AND "customerId" IS NOT NULL GROUP BY "customerId";
  INSERT INTO "DashboardCustomerMonth" SELECT DISTINCT p_shop, "customerId", date_trunc('month', day)::date
    FROM "DashboardOrder" WHERE shop = p_shop AND "customerId" IS NOT NULL;
  INSERT INTO "DashboardMonth" SELECT p_shop, m.month, count(*), count(p."customerId")
    FROM "DashboardCustomerMonth" m
    LEFT JOIN "DashboardCustomerMonth" p ON p.shop = m.shop AND p."customerId" = m."customerId" AND p.month = (m.month - interval '1 month')::date
    WHERE m.shop = p_shop GROUP BY m.month;
  INSERT INTO "DashboardReturn" SELECT c."returnId", c.shop, c.day, jsonb_object_agg(c.reason, c.units)
    FROM dashboard_return_contribution c WHERE c.shop = p_shop GROUP BY c."returnId", c.shop, c.day;
  INSERT INTO "DashboardReturnReasonDay" SELECT c.shop, c.day, c.reason, sum(c.units)
    FROM dashboard_return_contribution c WHERE c.shop = p_shop GROUP BY c.shop, c.day, c.reason;
  INSERT INTO "DashboardDay"
  SELECT p_shop, d.day, sum(d.orders), sum(d."revenueMinor"), sum(d."unitsOrdered"), sum(d."customerOrders"),
         sum(d."customerRevenueMinor"), sum(d."newCustomers"), sum(d."repeatCustomers"), sum(d."pointsEarned"),
         sum(d."pointsRedeemed"), sum(d."pointsReversed"), sum(d."pointsExpired"), sum(d."pointsNet"), sum(d.returns),
         sum(d."unitsReturned"), sum(d."claimsOpened"), sum(d."claimsClosed"), sum(d."claimsResolved"),
         sum(d."claimsResolvedFirstContact"), sum(d."claimResolutionSeconds")
  FROM (
    SELECT x.* FROM "DashboardOrder" o, LATERAL dashboard_order_day(o) x WHERE o.shop = p_shop
    UNION ALL SELECT x.* FROM "DashboardCustomer" c, LATERAL dashboard_customer_days(c) x WHERE c.shop = p_shop
    UNION ALL SELECT x.* FROM "PointsLedgerEntry" e, LATERAL dashboard_points_day(e) x WHERE e.shop = p_shop
    UNION ALL SELECT x.* FROM "WarrantyClaim" k, LATERAL dashboard_claim_days(k) x WHERE k.shop = p_shop
    UNION ALL SELECT x.* FROM "DashboardReturn" r, LATERAL dashboard_return_day(r) x WHERE r.shop = p_shop
  ) d GROUP BY d.day;
END $$;

-- Every aggregate row of a shop (shop/redact, after its data is deleted; and the rebuild's start).
CREATE FUNCTION dashboard_forget(p_shop text) RETURNS void LANGUAGE sql AS $$
  DELETE FROM "DashboardDay" WHERE shop = p_shop;
  DELETE FROM "DashboardMonth" WHERE shop = p_shop;
  DELETE FROM "DashboardReturnReasonDay" WHERE shop = p_shop;
  DELETE FROM "DashboardOrder" WHERE shop = p_shop;
  DELETE FROM "DashboardCustomer" WHERE shop = p_shop;
  DELETE FROM "DashboardCustomerMonth" WHERE shop = p_shop;
  DELETE FROM "DashboardReturn" WHERE shop = p_shop;
$$;

-- Backfill: the shops that already have data.
SELECT dashboard_rebuild(shop) FROM (
  SELECT shop FROM "Order" UNION SELECT shop FROM "PointsLedgerEntry" UNION SELECT shop FROM "WarrantyClaim" UNION SELECT shop FROM "ReturnRequest") s;
