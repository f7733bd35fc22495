// The intake's own HMAC check must accept and refuse exactly what the Shopify library does.
import "@shopify/shopify-api/adapters/web-api";
import { shopifyApi } from "@shopify/shopify-api";
import { describe, expect, it } from "vitest";
import { webhookHeaders, webhookHmac } from "../../test/sandboxes/shopify/signing";
import { hmacMatches } from "./hmac";
import { ADMIN_API_VERSION } from "../../integrations/shopify/api-version";

const SECRET = "hmac-test-secret";
const api = shopifyApi({
  apiKey: "k",
  apiSecretKey: SECRET,
  apiVersion: ADMIN_API_VERSION,
  hostName: "localhost",
  isEmbeddedApp: true,
  logger: { level: 0 },
});

const body = '{"id":9007199254740993,"title":"Café ☕"}';
const good = webhookHmac(SECRET, body);
const cases: Array<[string, string, string]> = [
  ["the right signature", body, good],
  ["another secret's signature", body, webhookHmac("other", body)],
  ["a signature of another body", body, webhookHmac(SECRET, body + " ")],
  ["the right signature with a trailing space", body, `${good} `],
  ["the right signature without its padding", body, good.replace(/=+$/, "")],
  ["the right signature in base64url", body, Buffer.from(good, "base64").toString("base64url")],
  ["the right signature in hex", body, Buffer.from(good, "base64").toString("hex")],
  ["a same-length signature with a Latin-1 character", body, `${good.slice(0, -2)}é=`],
  ["an empty signature", body, ""],
  ["the right signature over a body with a BOM", `\uFEFF${body}`, good],
];

describe("webhook HMAC", () => {
  it.each(cases)("agrees with @shopify/shopify-api on %s", async (_name, raw, hmac) => {
    const headers = {
      ...webhookHeaders({ secret: SECRET, topic: "orders/paid", shop: "x.myshopify.com", rawBody: raw }),
      "X-Shopify-Hmac-Sha256": hmac,
    };
    const request = new Request("https://app.example/webhooks", { method: "POST", headers, body: raw });
    const library = await api.webhooks.validate({ rawBody: raw, rawRequest: request });
    // Both read the header as HTTP delivers it (surrounding whitespace trimmed).
    const delivered = request.headers.get("X-Shopify-Hmac-Sha256") ?? "";
    expect(hmacMatches(SECRET, Buffer.from(raw, "utf8"), delivered)).toBe(library.valid);
  });

  it("accepts the right signature and refuses the rest", () => {
    const verdicts = cases.map(([, raw, hmac]) => hmacMatches(SECRET, Buffer.from(raw, "utf8"), hmac));
    expect(verdicts).toEqual([true, false, false, false, false, false, false, false, false, false]);
    expect(hmacMatches(SECRET, Buffer.from(body), good.trim())).toBe(true);
  });
});
