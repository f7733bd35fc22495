import "@shopify/shopify-api/adapters/web-api";
import { createHmac } from "node:crypto";
import { createServer } from "node:http";
import { describe, expect, it } from "vitest";
import { shopifyApi } from "@shopify/shopify-api";
import { ADMIN_API_VERSION } from "../../../integrations/shopify/api-version.ts";
import { parse as losslessParse, isLosslessNumber } from "lossless-json";
import { postWebhook, sessionToken, stringifyShopifyJson, webhookHeaders } from "./signing.ts";

const SECRET = "shpss_test_secret_0123456789";
const API_KEY = "postventa-api-key";
const SHOP = "coffee-corner.myshopify.com";

// Shopify's own library, as the app uses it, is the independent judge of our signatures.
const shopify = shopifyApi({
  apiKey: API_KEY,
  apiSecretKey: SECRET,
  hostName: "postventa.example.com",
  apiVersion: ADMIN_API_VERSION,
  isEmbeddedApp: true,
  logger: { level: 0 as never },
});

function verifyHs256(token: string, secret: string): Record<string, unknown> {
  const [h, p, s] = token.split(".");
  const expected = createHmac("sha256", secret).update(`${h}.${p}`).digest("base64url");
  if (expected !== s) throw new Error("bad signature");
  const header = JSON.parse(Buffer.from(h!, "base64url").toString());
  expect(header).toEqual({ alg: "HS256", typ: "JWT" });
  return JSON.parse(Buffer.from(p!, "base64url").toString());
}

describe("stringifyShopifyJson", () => {
  it("writes bigints as bare numbers with every digit", () => {
    const raw = stringifyShopifyJson({ id: 9007199254740993n, list: [1n, 2], name: "x", nested: { a: null, b: undefined } });
    expect(raw).toBe('{"id":9007199254740993,"list":[1,2],"name":"x","nested":{"a":null}}');
    // plain JSON rounds it, which is exactly the trap the app must avoid
    expect(JSON.parse(raw).id).toBe(9007199254740992);
    const lossless = losslessParse(raw) as { id: unknown };
    expect(isLosslessNumber(lossless.id)).toBe(true);
    expect(String(lossless.id)).toBe("9007199254740993");
  });

  it("matches JSON.stringify for ordinary values", () => {
    const v = { a: 1, b: 'é"\n', c: [true, null, undefined, 1.5], d: new Date(0), e: Infinity };
    expect(stringifyShopifyJson(v)).toBe(JSON.stringify(v));
  });
});

describe("webhookHeaders", () => {
  const rawBody = stringifyShopifyJson({ id: 9007199254740993n, email: "zoë@example.com" });

  it("HMAC equals an independent HMAC-SHA256 over the exact raw bytes", () => {
    const h = webhookHeaders({ secret: SECRET, topic: "orders/paid", shop: SHOP, rawBody });
    const independent = createHmac("sha256", SECRET).update(Buffer.from(rawBody, "utf8")).digest("base64");
    expect(h["X-Shopify-Hmac-Sha256"]).toBe(independent);
    // one digit changed -> different signature
    const tampered = createHmac("sha256", SECRET).update(rawBody.replace("993", "992")).digest("base64");
    expect(h["X-Shopify-Hmac-Sha256"]).not.toBe(tampered);
  });

  it("carries exactly Shopify's headers", () => {
    const h = webhookHeaders({
      secret: SECRET,
      topic: "refunds/create",
      shop: SHOP,
      rawBody,
      webhookId: "w-1",
      eventId: "e-1",
      triggeredAt: "2026-11-02T09:00:00.000Z",
    });
    expect(Object.keys(h).sort()).toEqual([
      "Content-Type",
      "X-Shopify-API-Version",
      "X-Shopify-Event-Id",
      "X-Shopify-Hmac-Sha256",
      "X-Shopify-Shop-Domain",
      "X-Shopify-Topic",
      "X-Shopify-Triggered-At",
      "X-Shopify-Webhook-Id",
    ]);
    expect(h["Content-Type"]).toBe("application/json");
    expect(h["X-Shopify-API-Version"]).toBe(ADMIN_API_VERSION);
    expect(h["X-Shopify-Topic"]).toBe("refunds/create");
    expect(h["X-Shopify-Shop-Domain"]).toBe(SHOP);
    expect(h["X-Shopify-Webhook-Id"]).toBe("w-1");
    expect(h["X-Shopify-Event-Id"]).toBe("e-1");
    const random = webhookHeaders({ secret: SECRET, topic: "orders/paid", shop: SHOP, rawBody });
    expect(random["X-Shopify-Webhook-Id"]).toMatch(/^[0-9a-f-]{36}$/);
    expect(random["X-Shopify-Event-Id"]).not.toBe(random["X-Shopify-Webhook-Id"]);
  });

  it("is accepted by @shopify/shopify-api's webhook validation, and a tampered body is not", async () => {
    const headers = webhookHeaders({ secret: SECRET, topic: "orders/paid", shop: SHOP, rawBody });
    const ok = await shopify.webhooks.validate({
      rawBody,
      rawRequest: new Request("https://postventa.example.com/webhooks", { method: "POST", headers, body: rawBody }) as never,
    });
    expect(ok).toMatchObject({ valid: true, topic: "ORDERS_PAID", domain: SHOP, apiVersion: ADMIN_API_VERSION });
    const bad = await shopify.webhooks.validate({
      rawBody: rawBody.replace("993", "992"),
      rawRequest: new Request("https://postventa.example.com/webhooks", { method: "POST", headers, body: rawBody }) as never,
    });
    expect(bad).toMatchObject({ valid: false, reason: "invalid_hmac" });
  });

  it("postWebhook sends the raw bytes it signed", async () => {
    let got: { headers: Record<string, string | string[] | undefined>; body: string } | undefined;
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        got = { headers: req.headers, body: Buffer.concat(chunks).toString("utf8") };
        res.writeHead(200).end();
      });
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const port = (server.address() as { port: number }).port;
    try {
      const res = await postWebhook(`http://127.0.0.1:${port}/webhooks`, {
        secret: SECRET,
        topic: "orders/paid",
        shop: SHOP,
        body: { id: 9007199254740993n },
      });
      expect(res.status).toBe(200);
      expect(got!.body).toBe('{"id":9007199254740993}');
      const expected = createHmac("sha256", SECRET).update(got!.body).digest("base64");
      expect(got!.headers["x-shopify-hmac-sha256"]).toBe(expected);
      expect(got!.headers["x-shopify-topic"]).toBe("orders/paid");
    } finally {
      await new Promise((r) => server.close(r));
    }
  });
});

describe("sessionToken", () => {
  it("is an HS256 JWT with App Bridge's claims", () => {
    const now = Date.UTC(2026, 10, 2, 9, 0, 0);
    const token = sessionToken({ apiKey: API_KEY, secret: SECRET, shop: SHOP, sub: "42", now, expiresInSec: 60 });
    const c = verifyHs256(token, SECRET);
    expect(c).toMatchObject({
      iss: `https://${SHOP}/admin`,
      dest: `https://${SHOP}`,
      aud: API_KEY,
      sub: "42",
      iat: now / 1000,
      nbf: now / 1000,
      exp: now / 1000 + 60,
    });
    expect(c.jti).toMatch(/^[0-9a-f-]{36}$/);
    expect(typeof c.sid).toBe("string");
    expect(() => verifyHs256(token, "other-secret")).toThrow();
  });

  it("is accepted by @shopify/shopify-api's decodeSessionToken; expired / wrong secret are not", async () => {
    const token = sessionToken({ apiKey: API_KEY, secret: SECRET, shop: SHOP, sub: "gid://shopify/Customer/9007199254740993" });
    const payload = await shopify.session.decodeSessionToken(token);
    expect(payload.dest).toBe(`https://${SHOP}`);
    expect(payload.sub).toBe("gid://shopify/Customer/9007199254740993");
    await expect(
      shopify.session.decodeSessionToken(sessionToken({ apiKey: API_KEY, secret: SECRET, shop: SHOP, expiresInSec: -120 })),
    ).rejects.toThrow();
    await expect(shopify.session.decodeSessionToken(sessionToken({ apiKey: API_KEY, secret: "nope", shop: SHOP }))).rejects.toThrow();
    await expect(shopify.session.decodeSessionToken(sessionToken({ apiKey: "other-app", secret: SECRET, shop: SHOP }))).rejects.toThrow();
  });
});
