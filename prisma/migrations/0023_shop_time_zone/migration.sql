-- AlterTable
ALTER TABLE "Shop" ADD COLUMN     "ianaTimezone" TEXT,
ADD COLUMN     "profileAt" TIMESTAMP(3);

-- Hand-written (decision 0027): the dashboard's days and months are the shop's own. Every day the
-- triggers and dashboard_rebuild compute is the source row's instant in "Shop"."ianaTimezone"
-- (null: UTC). That column only ever holds a zone Postgres knows (the app writes it through
-- known_time_zone), so AT TIME ZONE cannot fail inside a trigger. A change of zone is followed by
-- the dashboard_rebuild job, which recounts the shop's past in the new zone.

-- The zone's name if this server's time zone database has it, else null (the shop then counts in UTC).
CREATE FUNCTION known_time_zone(z text) RETURNS text LANGUAGE sql STABLE AS $$
  SELECT name FROM pg_timezone_names WHERE name = z
$$;

-- Prisma's timestamps are UTC wall times: the calendar day they fall on in a zone.
CREATE FUNCTION dashboard_local_day(ts timestamp, zone text) RETURNS date LANGUAGE sql IMMUTABLE AS $$
  SELECT ((ts AT TIME ZONE 'UTC') AT TIME ZONE zone)::date
$$;

-- The instant (a UTC wall time, as Prisma stores them) a calendar day starts in a zone: reads of
-- timestamp columns for a range of the shop's days (survey answers) compare with it, using their index.
CREATE FUNCTION shop_day_start(d date, zone text) RETURNS timestamp LANGUAGE sql IMMUTABLE AS $$
  SELECT (d::timestamp AT TIME ZONE zone) AT TIME ZONE 'UTC'
$$;

-- The shop's zone, read FOR KEY SHARE: ordinary updates of the shop row do not wait for it, but
-- dashboard_rebuild's FOR UPDATE does, so a rebuild counts a transaction's rows either in its scan
-- (committed before) or not at all (the transaction adds them after the rebuild, in the new zone).
-- Every trigger calls it before touching an aggregate row, as the rebuild locks the shop first:
-- one lock order, no deadlock between them.
CREATE FUNCTION dashboard_zone(p_shop text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE z text;
BEGIN
  SELECT "ianaTimezone" INTO z FROM "Shop" WHERE domain = p_shop FOR KEY SHARE;
  RETURN COALESCE(z, 'UTC');
END $$;

-- An order counts on the day it was created in the shop's zone (the column list is 0017's).
CREATE OR REPLACE VIEW dashboard_order_contribution AS
SELECT o.shop, o."shopifyOrderId",
       ((o.facts->>'createdAt')::timestamptz AT TIME ZONE COALESCE(s."ianaTimezone", 'UTC'))::date AS day,
       o."customerId",
       COALESCE(l."linesMinor", 0) + COALESCE((o.facts->>'shippingMinor')::bigint, 0) - COALESCE(r."refundedMinor", 0) AS "revenueMinor",
       COALESCE(l.units, 0) AS units
FROM "Order" o
LEFT JOIN "Shop" s ON s.domain = o.shop
CROSS JOIN LATERAL (
  SELECT sum((x->>'unitPriceMinor')::bigint * (x->>'quantity')::bigint - COALESCE((x->>'discountMinor')::bigint, 0)) AS "linesMinor",
         sum((x->>'quantity')::bigint) AS units
  FROM jsonb_array_elements(o.facts->'lineItems') x WHERE NOT COALESCE((x->>'giftCard')::boolean, false)) l
LEFT JOIN LATERAL (
  SELECT sum(COALESCE((f.facts->>'shippingMinor')::bigint, 0)
             + (SELECT COALESCE(sum((y->>'subtotalMinor')::bigint), 0) FROM jsonb_array_elements(f.facts->'lineItems') y)) AS "refundedMinor"
  FROM "OrderRefund" f WHERE f.shop = o.shop AND f."shopifyOrderId" = o."shopifyOrderId") r ON true
WHERE o.facts IS NOT NULL AND o."paidSeen" AND o."cancelledAt" IS NULL;

CREATE OR REPLACE VIEW dashboard_return_contribution AS
SELECT r.id AS "returnId", r.shop, dashboard_local_day(r."createdAt", COALESCE(s."ianaTimezone", 'UTC')) AS day, l.reason,
       sum(l.quantity)::bigint AS units
FROM "ReturnRequest" r JOIN "ReturnRequestLine" l ON l."returnId" = r.id LEFT JOIN "Shop" s ON s.domain = r.shop
WHERE r.status NOT IN ('failed', 'canceled', 'declined')
GROUP BY r.id, r.shop, 3, l.reason;

-- 0017's row functions, with the shop's zone (the trigger reads it once per row, the rebuild once).
DROP FUNCTION dashboard_points_day("PointsLedgerEntry");
CREATE FUNCTION dashboard_points_day(e "PointsLedgerEntry", zone text) RETURNS "DashboardDay" LANGUAGE plpgsql IMMUTABLE AS $$
DECLARE d "DashboardDay" := dashboard_day(e.shop, dashboard_local_day(e."createdAt", zone));
BEGIN
  d."pointsNet" := e.points;
  IF e.kind IN ('redeem', 'redeem_release') THEN d."pointsRedeemed" := -e.points;
  ELSIF e.kind IN ('refund_reversal', 'cancel_reversal') THEN d."pointsReversed" := -e.points;
  ELSIF e.kind = 'expire' THEN d."pointsExpired" := -e.points;
  ELSIF e.kind NOT IN ('claim_in', 'claim_out') THEN d."pointsEarned" := e.points;
  END IF;
  RETURN d;
END $$;

DROP FUNCTION dashboard_claim_days("WarrantyClaim");
CREATE FUNCTION dashboard_claim_days(k "WarrantyClaim", zone text) RETURNS SETOF "DashboardDay" LANGUAGE plpgsql IMMUTABLE AS $$
DECLARE d "DashboardDay";
BEGIN
  d := dashboard_day(k.shop, dashboard_local_day(k."submittedAt", zone)); d."claimsOpened" := 1; RETURN NEXT d;
  IF k.status IN ('resolved', 'rejected') AND k."closedAt" IS NOT NULL THEN
    d := dashboard_day(k.shop, dashboard_local_day(k."closedAt", zone));
    d."claimsClosed" := 1;
    d."claimResolutionSeconds" := greatest(0, round(extract(epoch FROM k."closedAt" - k."submittedAt")))::bigint;
    IF k.status = 'resolved' THEN d."claimsResolved" := 1; d."claimsResolvedFirstContact" := (k."reopenCount" = 0)::int; END IF;
    RETURN NEXT d;
  END IF;
END $$;

CREATE OR REPLACE FUNCTION dashboard_points_changed() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE zone text := dashboard_zone(CASE WHEN TG_OP = 'DELETE' THEN OLD.shop ELSE NEW.shop END);
BEGIN
  IF TG_OP <> 'INSERT' THEN PERFORM dashboard_add(dashboard_points_day(OLD, zone), -1); END IF;
  IF TG_OP <> 'DELETE' THEN PERFORM dashboard_add(dashboard_points_day(NEW, zone), 1); END IF;
  RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION dashboard_claim_changed() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE zone text := dashboard_zone(CASE WHEN TG_OP = 'DELETE' THEN OLD.shop ELSE NEW.shop END);
BEGIN
  IF TG_OP <> 'INSERT' THEN PERFORM dashboard_add(d, -1) FROM dashboard_claim_days(OLD, zone) d; END IF;
  IF TG_OP <> 'DELETE' THEN PERFORM dashboard_add(d, 1) FROM dashboard_claim_days(NEW, zone) d; END IF;
  RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION dashboard_order_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM dashboard_zone(CASE WHEN TG_OP = 'DELETE' THEN OLD.shop ELSE NEW.shop END);
  IF TG_OP <> 'INSERT' THEN PERFORM dashboard_sync_order(OLD.shop, OLD."shopifyOrderId"); END IF;
  IF TG_OP = 'INSERT' OR (TG_OP = 'UPDATE' AND (NEW.shop, NEW."shopifyOrderId") IS DISTINCT FROM (OLD.shop, OLD."shopifyOrderId")) THEN
    PERFORM dashboard_sync_order(NEW.shop, NEW."shopifyOrderId");
  END IF;
  RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION dashboard_return_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_TABLE_NAME = 'ReturnRequest' THEN
    PERFORM dashboard_zone(CASE WHEN TG_OP = 'DELETE' THEN OLD.shop ELSE NEW.shop END);
    PERFORM dashboard_sync_return(CASE WHEN TG_OP = 'DELETE' THEN OLD.id ELSE NEW.id END);
  ELSE
    -- A line names its return, not its shop: the return's row, or what the dashboard remembers of it.
    PERFORM dashboard_zone(s.shop) FROM (
      SELECT shop FROM "ReturnRequest" WHERE id IN (OLD."returnId", NEW."returnId")
      UNION SELECT shop FROM "DashboardReturn" WHERE "returnId" IN (OLD."returnId", NEW."returnId")) s;
    IF TG_OP <> 'INSERT' THEN PERFORM dashboard_sync_return(OLD."returnId"); END IF;
    IF TG_OP <> 'DELETE' THEN PERFORM dashboard_sync_return(NEW."returnId"); END IF;
  END IF;
  RETURN NULL;
END $$;

-- 0017's rebuild in the shop's zone. It locks the shop row first (see dashboard_zone): transactions
-- still counting this shop's rows finish before it scans, and new ones wait for it to commit.
CREATE OR REPLACE FUNCTION dashboard_rebuild(p_shop text) RETURNS void LANGUAGE plpgsql AS $$
DECLARE zone text;
BEGIN
  SELECT "ianaTimezone" INTO zone FROM "Shop" WHERE domain = p_shop FOR UPDATE;
  zone := COALESCE(zone, 'UTC');
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
    UNION ALL SELECT x.* FROM "PointsLedgerEntry" e, LATERAL dashboard_points_day(e, zone) x WHERE e.shop = p_shop
    UNION ALL SELECT x.* FROM "WarrantyClaim" k, LATERAL dashboard_claim_days(k, zone) x WHERE k.shop = p_shop
    UNION ALL SELECT x.* FROM "DashboardReturn" r, LATERAL dashboard_return_day(r) x WHERE r.shop = p_shop
  ) d GROUP BY d.day;
END $$;

-- Installed shops learn their zone and name from Shopify once the worker runs (the shop_profile job).
DO $$
BEGIN
  IF to_regnamespace('graphile_worker') IS NOT NULL THEN
    PERFORM graphile_worker.add_job('shop_profile', json_build_object('shop', domain), job_key => 'shop_profile:' || domain)
    FROM "Shop" WHERE "uninstalledAt" IS NULL;
  END IF;
END $$;
