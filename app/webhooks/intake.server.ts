// POST /webhooks, served by a plain node:http handler mounted before Remix (server/app-server.server.ts):
// the admin app and the intake share a process, not a code path. In order, and before anything is
// stored: method, headers, size (413 before any HMAC work), HMAC over the raw bytes, topic, age,
// the body's shape for its topic and the shop it names. Then the delivery is made durable
// (inbox.server.ts) and only then answered 200.
import type { IncomingMessage, ServerResponse } from "node:http";
import { PayloadError } from "../../integrations/shopify/payloads";
import { scrubWebhookBody } from "../../integrations/shopify/personal-data";
import { emailHash } from "../privacy/tombstone.server";
import { log } from "../log.server";
import { hmacMatches } from "./hmac";
import { TOPICS, isTopic, type DeliverySubject } from "./topics";
import { storeDelivery, type InboxDelivery, type StoreOutcome } from "./inbox.server";

// Shopify caps an order at 499 line items; a line item is ~4 KB of REST JSON, and orders/fulfilled
// repeats the lines in its fulfillments and refunds: ~6 MB at the very most. 10 MiB leaves room.
export const MAX_BODY_BYTES = 10 * 1024 * 1024;

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
const SHOP_DOMAIN = /^[a-z0-9][a-z0-9-]{0,99}\.myshopify\.com$/;
const HEADER_VALUE = /^[\x21-\x7e]{1,255}$/;

type Answer = { status: number; message: string };

export function createWebhookIntake(secret: string) {
  if (!secret) throw new Error("SHOPIFY_API_SECRET is not set: webhooks cannot be verified without it");
  return (req: IncomingMessage, res: ServerResponse) => {
    receive(req, secret).then(
      (answer) => reply(req, res, answer),
      (error) => {
        // The database is unreachable or failing: Shopify will retry; the delivery was not stored.
        log.error("webhook intake failed", { error: error instanceof Error ? error.message : String(error) });
        reply(req, res, { status: 503, message: "Temporarily unable to store the delivery; Shopify will retry." });
      },
    );
  };
}

function reply(req: IncomingMessage, res: ServerResponse, answer: Answer) {
  res.writeHead(answer.status, { "Content-Type": "text/plain; charset=utf-8", "Content-Length": Buffer.byteLength(answer.message) });
  if (req.readableEnded) return void res.end(answer.message);
  // Answered before the client finished sending (413). Ending the response now would make Node
  // close the connection under the client's writes, which can lose our answer; so the whole
  // answer is written, the rest of the body is read and thrown away (memory stays flat), and the
  // response ends with the body — or the connection is cut after 64 MiB or 5 seconds more.
  res.write(answer.message);
  let discarded = 0;
  const cut = setTimeout(() => req.socket.destroy(), 5_000).unref();
  req.on("data", (chunk: Buffer) => {
    discarded += chunk.length;
    if (discarded > DISCARD_BYTES) req.socket.destroy();
  });
  req.once("end", () => res.end());
  req.once("close", () => clearTimeout(cut));
}
const DISCARD_BYTES = 64 * 1024 * 1024;

async function receive(req: IncomingMessage, secret: string): Promise<Answer> {
  const header = (name: string) => {
    const v = req.headers[name.toLowerCase()];
    return Array.isArray(v) ? v.join(", ") : v;
  };
  const context = { topic: header("X-Shopify-Topic"), shop: header("X-Shopify-Shop-Domain"), webhookId: header("X-Shopify-Webhook-Id") };
  const refuse = (status: number, message: string): Answer => {
    log.warn("webhook refused", { status, reason: message, ...context });
    return { status, message };
  };

  if (req.method !== "POST") return refuse(405, "Webhooks must be POSTed.");
  const missing = REQUIRED_HEADERS.filter((name) => !header(name));
  if (missing.length) return refuse(400, `Missing webhook header(s): ${missing.join(", ")}.`);
  const declared = Number(header("Content-Length") ?? 0);
  if (declared > MAX_BODY_BYTES) return refuse(413, `Body of ${declared} bytes is over the ${MAX_BODY_BYTES}-byte limit for webhooks.`);

  const body = await readBody(req, MAX_BODY_BYTES);
  if (!body) return refuse(413, `Body is over the ${MAX_BODY_BYTES}-byte limit for webhooks.`);
  if (!hmacMatches(secret, body, header("X-Shopify-Hmac-Sha256")!))
    return refuse(401, "HMAC verification failed: X-Shopify-Hmac-Sha256 does not match the body signed with this app's secret.");

  const topic = header("X-Shopify-Topic")!;
  const shop = header("X-Shopify-Shop-Domain")!;
  if (!isTopic(topic)) {
    // Not subscribed by this app; answering 200 stops Shopify retrying something we will never use.
    log.info("webhook ignored: topic not handled", context);
    return { status: 200, message: "Ignored: topic not handled." };
  }
  if (!SHOP_DOMAIN.test(shop)) return refuse(400, `X-Shopify-Shop-Domain "${shop.slice(0, 120)}" is not a shop's myshopify.com domain.`);
  const eventId = header("X-Shopify-Event-Id") ?? header("X-Shopify-Webhook-Id")!;
  for (const [name, value] of [
    ["X-Shopify-Event-Id", eventId],
    ["X-Shopify-Webhook-Id", header("X-Shopify-Webhook-Id")!],
    ["X-Shopify-API-Version", header("X-Shopify-API-Version")!],
  ])
    if (!HEADER_VALUE.test(value)) return refuse(400, `${name} must be 1 to 255 visible ASCII characters.`);

  let triggeredAt: Date | null = null;
  const triggeredAtHeader = header("X-Shopify-Triggered-At");
  if (triggeredAtHeader) {
    triggeredAt = new Date(triggeredAtHeader);
    if (Number.isNaN(triggeredAt.getTime())) return refuse(400, "X-Shopify-Triggered-At is not a date.");
    const age = Date.now() - triggeredAt.getTime();
    if (age > MAX_AGE_MS)
      return refuse(400, `Stale delivery: triggered ${Math.round(age / 3600_000)} h ago, beyond Shopify's retry window.`);
    if (age < -MAX_CLOCK_SKEW_MS) return refuse(400, "X-Shopify-Triggered-At is in the future.");
  }

  let raw: string;
  try {
    raw = new TextDecoder("utf-8", { fatal: true }).decode(body);
  } catch {
    return refuse(400, "Webhook body is not UTF-8 text.");
  }
  let subject: DeliverySubject;
  try {
    subject = TOPICS[topic].check(raw);
  } catch (error) {
    if (error instanceof PayloadError) return refuse(400, `Webhook body rejected for ${topic}: ${error.reason}`);
    throw error;
  }
  if (subject.bodyShop !== null && subject.bodyShop !== shop)
    return refuse(400, `The body is about ${subject.bodyShop.slice(0, 120)}, but X-Shopify-Shop-Domain says ${shop}.`);

  const rule = TOPICS[topic];
  const delivery: InboxDelivery = {
    shop,
    topic,
    eventId,
    webhookId: header("X-Shopify-Webhook-Id")!,
    apiVersion: header("X-Shopify-API-Version")!,
    triggeredAt,
    payload: raw,
    subjectCustomerId: subject.customerId,
    subjectEmailHash: subject.email ? emailHash(shop, subject.email) : null,
    orderId: subject.orderId,
    requires: rule.requires,
    storeAsIs: rule.namesItsSubject === true,
  };
  let outcome: StoreOutcome = await storeDelivery(delivery);
  // About a customer who asked to be forgotten: keep only what carries no personal data.
  if (outcome.redactedSubject) outcome = await storeDelivery({ ...delivery, payload: scrubWebhookBody(raw), storeAsIs: true });

  if (outcome.stored) return { status: 200, message: "Accepted." };
  if (topic === "shop/redact" && outcome.shopState === "installed")
    return refuse(409, `shop/redact refused: ${shop} has the app installed. Shopify sends shop/redact 48 hours after an uninstall.`);
  if (outcome.shopState === "unknown" || (rule.requires === "installed" && outcome.shopState === "uninstalled")) {
    log.info("webhook dropped: shop does not have the app installed", context);
    return { status: 200, message: `Ignored: ${shop} does not have the app installed.` };
  }
  return { status: 200, message: "Duplicate: already received." };
}

// Reads at most `limit` bytes; null (the rest left unread) as soon as the body is longer.
async function readBody(req: IncomingMessage, limit: number): Promise<Buffer | null> {
  const chunks: Buffer[] = [];
  let size = 0;
  // destroyOnReturn: false keeps the connection open for the 413.
  for await (const chunk of req.iterator({ destroyOnReturn: false }) as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) return null;
    chunks.push(chunk);
  }
  return Buffer.concat(chunks, size);
}
