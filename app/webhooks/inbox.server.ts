// The durable inbox. A verified delivery is stored and its processing enqueued by ONE SQL
// statement, so both commit or neither does; Shopify gets its 200 only after that commit.
// Deliveries arriving together share the statement (group commit): one round trip and one WAL
// flush for the batch instead of one each, and no delivery waits for a timer.
import { pool } from "../db.server";
import type { ShopRequirement } from "./topics";

export interface InboxDelivery {
  shop: string;
  topic: string;
  eventId: string;
  webhookId: string;
  apiVersion: string;
  triggeredAt: Date | null;
  payload: string;
  subjectCustomerId: string | null;
  subjectEmailHash: string | null;
  orderId: string | null;
  requires: ShopRequirement;
  // Store the payload as it is, without looking for a redacted subject: it was scrubbed already,
  // or it is a compliance request, which must name its subject.
  storeAsIs: boolean;
}

export type ShopState = "installed" | "uninstalled" | "unknown";

export interface StoreOutcome {
  stored: boolean; // false: a duplicate, or not for this shop (see shopState), or redactedSubject
  shopState: ShopState;
  // The body is about a redacted customer: nothing was stored; store a scrubbed copy instead.
  redactedSubject: boolean;
}

const STORE_SQL = `
WITH input AS (
  SELECT * FROM json_to_recordset($1::json)
    AS t(shop text, topic text, "eventId" text, "webhookId" text, "apiVersion" text, "triggeredAt" timestamptz, payload text,
         "subjectCustomerId" text, "subjectEmailHash" text, "orderId" text, requires text, "storeAsIs" bool, n bigint)
),
checked AS (
  SELECT i.*,
    CASE WHEN s.domain IS NULL THEN 'unknown' WHEN s."uninstalledAt" IS NULL THEN 'installed' ELSE 'uninstalled' END AS shop_state,
    NOT i."storeAsIs" AND EXISTS (
      SELECT 1 FROM "RedactedCustomer" r
      WHERE r.shop = i.shop AND (r."shopifyCustomerId" = i."subjectCustomerId" OR r."emailHash" = i."subjectEmailHash")
    ) AS redacted_subject
  FROM input i LEFT JOIN "Shop" s ON s.domain = i.shop
),
stored AS (
  INSERT INTO "WebhookDelivery" (shop, topic, "eventId", "webhookId", "apiVersion", "triggeredAt", payload,
                                 "subjectCustomerId", "subjectEmailHash", "orderId")
  SELECT shop, topic, "eventId", "webhookId", "apiVersion", "triggeredAt" AT TIME ZONE 'UTC', payload, "subjectCustomerId", "subjectEmailHash", "orderId"
  FROM checked
  WHERE NOT redacted_subject AND CASE requires
    WHEN 'installed' THEN shop_state = 'installed'
    WHEN 'known' THEN shop_state <> 'unknown'
    ELSE shop_state = 'uninstalled' END
  ORDER BY n
  ON CONFLICT (shop, topic, "eventId") DO NOTHING
  RETURNING id, shop, topic, "eventId"
),
-- One job for the batch: a queue row per delivery would cost as much as the delivery itself.
jobs AS (
  SELECT graphile_worker.add_job('process_webhooks', json_build_object('deliveryIds', array_agg(id::text ORDER BY id))) AS job
  FROM stored HAVING count(*) > 0
)
SELECT c.shop_state, c.redacted_subject, (s.id IS NOT NULL) AS stored, (SELECT count(*) FROM jobs) AS jobs
FROM checked c LEFT JOIN stored s ON s.shop = c.shop AND s.topic = c.topic AND s."eventId" = c."eventId"
ORDER BY c.n`;

interface Pending {
  delivery: InboxDelivery;
  resolve(outcome: StoreOutcome): void;
  reject(error: unknown): void;
}

// Two statements in flight at most: while one commits, the next batch gathers.
const MAX_IN_FLIGHT = 2;
const MAX_BATCH = 500;
const waiting: Pending[] = [];
let inFlight = 0;

export function storeDelivery(delivery: InboxDelivery): Promise<StoreOutcome> {
  return new Promise((resolve, reject) => {
    waiting.push({ delivery, resolve, reject });
    flush();
  });
}

function flush() {
  if (inFlight >= MAX_IN_FLIGHT || !waiting.length) return;
  const batch = waiting.splice(0, MAX_BATCH);
  inFlight++;
  writeBatch(batch.map((p) => p.delivery))
    .then(
      (outcomes) => batch.forEach((p, i) => p.resolve(outcomes[i])),
      (error) => batch.forEach((p) => p.reject(error)),
    )
    .finally(() => {
      inFlight--;
      flush();
    });
}

async function writeBatch(batch: InboxDelivery[]): Promise<StoreOutcome[]> {
  // One JSON parameter: cheaper to send and to parse than a text array per column.
  const input = JSON.stringify(batch.map((d, n) => ({ ...d, n })));
  const { rows } = await pool.query<{ shop_state: ShopState; redacted_subject: boolean; stored: boolean }>(STORE_SQL, [input]);
  return rows.map((r) => ({ stored: r.stored, shopState: r.shop_state, redactedSubject: r.redacted_subject }));
}
