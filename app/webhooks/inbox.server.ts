// Receiving a webhook: verify it (through the Shopify library), check its body, make it durable
// in the inbox and enqueue its processing in ONE statement, then answer. Shopify gets its 200 only
// after the commit; a duplicate (same shop + X-Shopify-Event-Id) is acknowledged and ignored.
import { authenticate } from "../shopify.server";
import { pool } from "../db.server";
import { PayloadError } from "../../integrations/shopify/payloads";
import { TOPICS, isTopic } from "./topics";
import { log } from "../log.server";

const REQUIRED_HEADERS = [
  "X-Shopify-Hmac-Sha256",
  "X-Shopify-Topic",
  "X-Shopify-Shop-Domain",
  "X-Shopify-API-Version",
  "X-Shopify-Webhook-Id",
];
// Shopify retries a failed delivery for up to 4 hours (48 h for older subscriptions). Anything far
// older than that is a replay, not a retry.
const MAX_AGE_MS = 72 * 3600_000;
const MAX_CLOCK_SKEW_MS = 3600_000;

export type ReceiveResult = { status: number; message: string };

function refuse(status: number, message: string, context: Record<string, unknown>): Response {
  log.warn("webhook refused", { status, reason: message, ...context });
  return new Response(message, { status, headers: { "Content-Type": "text/plain; charset=utf-8" } });
}

export async function receiveWebhook(request: Request): Promise<Response> {
  const h = request.headers;
  const context = { topic: h.get("X-Shopify-Topic"), shop: h.get("X-Shopify-Shop-Domain"), webhookId: h.get("X-Shopify-Webhook-Id") };
  if (request.method !== "POST") return refuse(405, "Webhooks must be POSTed.", context);
  const missing = REQUIRED_HEADERS.filter((name) => !h.get(name));
  if (missing.length) return refuse(400, `Missing webhook header(s): ${missing.join(", ")}.`, context);

  const rawBody = await request.clone().text();
  let verified: Awaited<ReturnType<typeof authenticate.webhook>>;
  try {
    verified = await authenticate.webhook(request);
  } catch (error) {
    if (error instanceof Response) {
      if (error.status === 401)
        return refuse(401, "HMAC verification failed: X-Shopify-Hmac-Sha256 does not match the body signed with this app's secret.", context);
      return refuse(error.status, `Webhook rejected by verification (${error.status}).`, context);
    }
    if (error instanceof SyntaxError) return refuse(400, "Webhook body is not JSON.", context);
    throw error;
  }

  const topic = h.get("X-Shopify-Topic")!;
  if (!isTopic(topic)) {
    // Not subscribed by this app; answering 200 stops Shopify retrying something we will never use.
    log.info("webhook ignored: topic not handled", context);
    return new Response("Ignored: topic not handled.", { status: 200 });
  }
  try {
    TOPICS[topic](rawBody);
  } catch (error) {
    if (error instanceof PayloadError) return refuse(400, `Webhook body rejected: ${error.reason}`, context);
    throw error;
  }

  const triggeredAtHeader = h.get("X-Shopify-Triggered-At");
  let triggeredAt: Date | null = null;
  if (triggeredAtHeader) {
    triggeredAt = new Date(triggeredAtHeader);
    if (Number.isNaN(triggeredAt.getTime())) return refuse(400, "X-Shopify-Triggered-At is not a date.", context);
    const age = Date.now() - triggeredAt.getTime();
    if (age > MAX_AGE_MS) return refuse(400, `Stale delivery: triggered ${Math.round(age / 3600_000)} h ago, beyond Shopify's retry window.`, context);
    if (age < -MAX_CLOCK_SKEW_MS) return refuse(400, "X-Shopify-Triggered-At is in the future.", context);
  }

  const eventId = verified.eventId ?? h.get("X-Shopify-Event-Id") ?? verified.webhookId;
  const stored = await storeDelivery({
    shop: verified.shop,
    topic,
    eventId,
    webhookId: verified.webhookId,
    apiVersion: verified.apiVersion,
    triggeredAt,
    payload: rawBody,
  });
  return new Response(stored ? "Accepted." : "Duplicate: already received.", { status: 200 });
}

export interface InboxDelivery {
  shop: string;
  topic: string;
  eventId: string;
  webhookId: string;
  apiVersion: string;
  triggeredAt: Date | null;
  payload: string;
}

// One statement, so one implicit transaction: the inbox row and its job commit together or not at all.
const INSERT_SQL = `
WITH stored AS (
  INSERT INTO "WebhookDelivery" (shop, topic, "eventId", "webhookId", "apiVersion", "triggeredAt", payload)
  VALUES ($1, $2, $3, $4, $5, $6, $7)
  ON CONFLICT (shop, "eventId") DO NOTHING
  RETURNING id
)
SELECT graphile_worker.add_job('process_webhook', json_build_object('deliveryId', stored.id::text)) AS job
FROM stored`;

export async function storeDelivery(d: InboxDelivery): Promise<boolean> {
  const result = await pool.query(INSERT_SQL, [d.shop, d.topic, d.eventId, d.webhookId, d.apiVersion, d.triggeredAt, d.payload]);
  return result.rowCount === 1;
}
