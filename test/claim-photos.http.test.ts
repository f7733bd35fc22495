// Photos on warranty claims over HTTP against the real built server: the shopper adds them to their
// own open claim with tokens as Shopify signs them (limits by the bytes, not the declared type; 413
// on the stream), reads them through signed links; the merchant reads them on the claim's page;
// customers/redact removes them for good, and nothing sent afterwards brings one back.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startStack, type Stack } from "./stack.ts";
import { deliver, paidOrder } from "./hubspot-helpers.ts";
import { BROWSER_UA, shopperCall, shopperToken } from "./shopper-helpers.ts";
import { sessionToken } from "./sandboxes/shopify/signing.ts";

const SHOP = "claim-photos.myshopify.com";
const OTHER = "claim-photos-other.myshopify.com";
const ANA = 9007199254780001n;
const BEA = 9007199254780002n;
const CARMEN = 9007199254780003n;
const MIB = 1024 * 1024;
let stack: Stack;
let shopperPhotoUrl: typeof import("../app/warranty/claim-photos.server.ts").shopperPhotoUrl;

// A JPEG's first bytes, then a marker the redaction test looks for in every table.
const MARKER = "ana-kitchen-photo-7f3a";
const jpeg = (n = 0, size = 2048) => {
  const b = Buffer.alloc(size, n);
  Buffer.from([0xff, 0xd8, 0xff, 0xe0]).copy(b, 0);
  Buffer.from(`${MARKER}-${n}`).copy(b, 4);
  return b;
};

async function shippedClaim(shop: string, orderId: bigint, customer: bigint, email: string): Promise<string> {
  const order = paidOrder(orderId, { id: customer, email }, "150.00");
  await deliver(stack.url, shop, "orders/paid", order);
  const at = new Date(Date.now() - 3 * 86_400_000).toISOString();
  await deliver(stack.url, shop, "orders/fulfilled", {
    ...order,
    fulfillment_status: "fulfilled",
    fulfillments: [
      { id: orderId * 7n, status: "success", created_at: at, line_items: order.line_items.map((l) => ({ id: l.id, quantity: 1 })) },
    ],
  });
  await stack.waitForDrain();
  const token = shopperToken(shop, customer);
  const account = (await shopperCall(stack.url, "/api/account", token)).body;
  const res = await shopperCall(stack.url, "/api/claims", token, {
    body: { warrantyId: account.warranties[0].id, requestId: crypto.randomUUID(), description: "It stopped working after a week." },
  });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body.id;
}

let anaClaim: string;
let beaClaim: string;
let otherShopClaim: string;

beforeAll(async () => {
  stack = await startStack({ database: "claim_photos_http" });
  for (const shop of [SHOP, OTHER]) await stack.installShop(shop);
  anaClaim = await shippedClaim(SHOP, 9401n, ANA, "ana.photos@example.com");
  beaClaim = await shippedClaim(SHOP, 9402n, BEA, "bea.photos@example.com");
  otherShopClaim = await shippedClaim(OTHER, 9403n, ANA, "ana.photos@example.com"); // same Shopify id, another shop
  ({ shopperPhotoUrl } = await import("../app/warranty/claim-photos.server.ts"));
});
afterAll(async () => stack?.stop());

async function upload(
  customer: bigint,
  claimId: string,
  body: Buffer | ReadableStream<Uint8Array>,
  opts: { clientId?: string; locale?: string; type?: string; shop?: string } = {},
) {
  const url = new URL(`/api/claims/${claimId}/photos`, stack.url);
  url.searchParams.set("clientId", opts.clientId ?? crypto.randomUUID());
  url.searchParams.set("locale", opts.locale ?? "en");
  const res = await fetch(url, {
    method: "POST",
    headers: {
      "User-Agent": BROWSER_UA,
      Origin: "null",
      Authorization: `Bearer ${shopperToken(opts.shop ?? SHOP, customer)}`,
      "Content-Type": opts.type ?? "image/jpeg",
    },
    body,
    ...(body instanceof ReadableStream ? { duplex: "half" } : {}),
  } as RequestInit);
  const text = await res.text();
  let json: any = null;
  try {
    json = JSON.parse(text);
  } catch {
    // the test sees the status
  }
  return { status: res.status, headers: res.headers, body: json };
}
const photoRows = async (claimId: string) =>
  (await stack.pool.query(`SELECT id, "clientId", "contentType", "byteSize" FROM "WarrantyClaimPhoto" WHERE "claimId" = $1`, [claimId]))
    .rows;
const pathOf = (url: string) => {
  const u = new URL(url);
  return `${stack.url}${u.pathname}${u.search}`;
};

describe("a shopper adds photos to their claim", () => {
  it("stores one photo per clientId, answers the claim with it, and a resend adds nothing", async () => {
    const clientId = crypto.randomUUID();
    const first = await upload(ANA, anaClaim, jpeg(1), { clientId });
    expect(first.status, JSON.stringify(first.body)).toBe(201);
    expect(first.headers.get("access-control-allow-origin")).toBe("*");
    expect(first.body).toMatchObject({ id: anaClaim, canAddPhotos: true });
    expect(first.body.photos).toHaveLength(1);
    const again = await upload(ANA, anaClaim, jpeg(1), { clientId: clientId.toUpperCase() });
    expect(again.status).toBe(200);
    expect(again.body.photos).toEqual([{ id: first.body.photos[0].id, url: expect.any(String) }]);
    expect(await photoRows(anaClaim)).toEqual([{ id: first.body.photos[0].id, clientId, contentType: "image/jpeg", byteSize: 2048 }]);
  });

  it("refuses another customer's claim, and another shop's, as not found", async () => {
    const res = await upload(BEA, anaClaim, jpeg(9), { locale: "es" });
    expect(res.status).toBe(404);
    expect(res.body).toEqual({ code: "claim_not_found", error: "No encontramos esa garantía o reclamación en tu cuenta." });
    expect((await upload(ANA, otherShopClaim, jpeg(9))).status).toBe(404); // Ana's token for SHOP, a claim of OTHER
    expect((await upload(ANA, "not-a-claim", jpeg(9))).status).toBe(404);
    expect(await photoRows(otherShopClaim)).toEqual([]);
  });

  it("judges the kind by the bytes: HTML declared as a JPEG is refused, a PNG declared as anything is taken", async () => {
    const html = Buffer.from("<html><script>alert(document.cookie)</script></html>");
    const res = await upload(BEA, beaClaim, html, { type: "image/jpeg", locale: "es" });
    expect(res.status).toBe(415);
    expect(res.body).toEqual({ code: "photo_type", error: "Solo aceptamos fotos JPEG, PNG o WebP." });
    const png = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(100)]);
    const ok = await upload(BEA, beaClaim, png, { type: "application/octet-stream" });
    expect(ok.status).toBe(201);
    expect((await photoRows(beaClaim)).map((r) => r.contentType)).toEqual(["image/png"]);
  });

  it("answers 413 to a photo over 5 MiB, by its declared length and on the stream, storing nothing", async () => {
    const before = (await photoRows(beaClaim)).length;
    const declared = await upload(BEA, beaClaim, jpeg(2, 5 * MIB + 1));
    expect(declared.status).toBe(413);
    expect(declared.body).toEqual({
      code: "photo_too_large",
      error: "The photo is larger than 5 MB. Choose a smaller one or take a screenshot of it.",
    });
    // No Content-Length: chunks of 64 KiB, 8 MiB in all; the answer comes once the stream passed 5 MiB.
    let sent = 0;
    const chunked = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent >= 8 * MIB) return controller.close();
        controller.enqueue(sent === 0 ? jpeg(3, 64 * 1024) : new Uint8Array(64 * 1024));
        sent += 64 * 1024;
      },
    });
    const streamed = await upload(BEA, beaClaim, chunked, { locale: "es" });
    expect(streamed.status).toBe(413);
    expect(streamed.body.code).toBe("photo_too_large");
    expect(await photoRows(beaClaim)).toHaveLength(before);
    // Exactly 5 MiB is a photo.
    expect((await upload(BEA, beaClaim, jpeg(4, 5 * MIB))).status).toBe(201);
  });

  it("takes three photos per claim, refuses a fourth, and still answers a resend of the third", async () => {
    const third = crypto.randomUUID();
    expect((await upload(ANA, anaClaim, jpeg(5))).status).toBe(201);
    const res3 = await upload(ANA, anaClaim, jpeg(6), { clientId: third });
    expect(res3.status).toBe(201);
    expect(res3.body).toMatchObject({ canAddPhotos: false });
    expect(res3.body.photos).toHaveLength(3);
    const fourth = await upload(ANA, anaClaim, jpeg(7), { locale: "es" });
    expect(fourth.status).toBe(409);
    expect(fourth.body).toEqual({ code: "photo_too_many", error: "Una reclamación puede llevar como mucho 3 fotos." });
    expect((await upload(ANA, anaClaim, jpeg(6), { clientId: third })).status).toBe(200);
    expect(await photoRows(anaClaim)).toHaveLength(3);
  });

  it("refuses photos once the claim is closed, saying so", async () => {
    const { actOnClaim } = await import("../app/warranty/claims.server.ts");
    await actOnClaim(SHOP, beaClaim, { type: "reject", reason: "Water damage." }, "merchant");
    const before = (await photoRows(beaClaim)).length;
    const res = await upload(BEA, beaClaim, jpeg(11), { locale: "es" });
    expect(res.status).toBe(409);
    expect(res.body).toEqual({ code: "photo_claim_closed", error: "Esta reclamación ya está cerrada: no se le pueden añadir fotos." });
    expect(await photoRows(beaClaim)).toHaveLength(before);
    const account = (await shopperCall(stack.url, "/api/account", shopperToken(SHOP, BEA))).body;
    expect(account.claims.find((c: { id: string }) => c.id === beaClaim)).toMatchObject({ canAddPhotos: false });
  });

  it("asks for a clientId", async () => {
    const url = `${stack.url}/api/claims/${anaClaim}/photos?locale=en`;
    const res = await fetch(url, {
      method: "POST",
      headers: { "User-Agent": BROWSER_UA, Authorization: `Bearer ${shopperToken(SHOP, ANA)}` },
      body: jpeg(8),
    });
    expect(res.status).toBe(400);
    expect((await res.json()).error).toMatch(/clientId must be a UUID/);
  });
});

describe("reading the photos", () => {
  it("gives the shopper signed links to their own photos, which open nothing once altered or expired", async () => {
    const account = (await shopperCall(stack.url, "/api/account", shopperToken(SHOP, ANA))).body;
    const claim = account.claims.find((c: { id: string }) => c.id === anaClaim);
    expect(claim.photos).toHaveLength(3);
    const res = await fetch(pathOf(claim.photos[0].url));
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("image/jpeg");
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
    expect(res.headers.get("cache-control")).toBe("no-store");
    expect(Buffer.from(await res.arrayBuffer()).equals(jpeg(1))).toBe(true);
    // The same claim's other photo under this link's signature, another shop, a changed expiry: all 404.
    const link = new URL(pathOf(claim.photos[0].url));
    const swapped = link.toString().replace(claim.photos[0].id, claim.photos[1].id);
    expect((await fetch(swapped)).status).toBe(404);
    const otherShop = new URL(link);
    otherShop.searchParams.set("shop", OTHER);
    expect((await fetch(otherShop)).status).toBe(404);
    const later = new URL(link);
    later.searchParams.set("expires", String(Number(link.searchParams.get("expires")) + 3600));
    expect((await fetch(later)).status).toBe(404);
    const expired = shopperPhotoUrl(SHOP, anaClaim, claim.photos[0].id, Date.now() - 16 * 60_000);
    expect((await fetch(pathOf(expired))).status).toBe(404);
  });

  it("lets the merchant see their shop's photos on the claim's page, and no other shop", async () => {
    const bearer = (shop: string) => ({
      "User-Agent": BROWSER_UA,
      Authorization: `Bearer ${sessionToken({ apiKey: process.env.SHOPIFY_API_KEY!, secret: process.env.SHOPIFY_API_SECRET!, shop, sub: "42" })}`,
    });
    const detail = await fetch(`${stack.url}/app/claims/${anaClaim}?_data=routes%2Fapp.claims_.%24claimId`, { headers: bearer(SHOP) });
    const photos = (await detail.json()).claim.photos as Array<{ id: string; contentType: string; byteSize: number }>;
    expect(photos.map((p) => p.byteSize)).toEqual([2048, 2048, 2048]);
    const path = `/app/claims/${anaClaim}/photos/${photos[2].id}`;
    const res = await fetch(`${stack.url}${path}`, { headers: bearer(SHOP) });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("image/jpeg");
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
    expect(res.headers.get("cache-control")).toBe("no-store");
    expect(res.headers.get("content-security-policy")).toContain("sandbox");
    expect(Buffer.from(await res.arrayBuffer()).equals(jpeg(6))).toBe(true);
    const other = await fetch(`${stack.url}${path}`, { headers: bearer(OTHER) });
    expect(other.status).toBe(404);
    expect(await other.text()).not.toContain(MARKER);
    // Without a session: sent to log in (Shopify's library redirects to /auth/login), never the photo.
    const none = await fetch(`${stack.url}${path}`, { headers: { "User-Agent": BROWSER_UA }, redirect: "manual" });
    expect(none.status).not.toBe(200);
    expect(none.headers.get("content-type") ?? "").not.toMatch(/^image\//);
  });
});

describe("claiming from the order page", () => {
  it("says per unit which can be claimed and why not; a refunded unit is refused with the same sentence", async () => {
    const order = paidOrder(9404n, { id: CARMEN, email: "carmen.photos@example.com" }, "90.00", [null, null]);
    await deliver(stack.url, SHOP, "orders/paid", order);
    const at = new Date(Date.now() - 86_400_000).toISOString();
    await deliver(stack.url, SHOP, "orders/fulfilled", {
      ...order,
      fulfillment_status: "fulfilled",
      fulfillments: [
        { id: 9404n * 7n, status: "success", created_at: at, line_items: order.line_items.map((l) => ({ id: l.id, quantity: 1 })) },
      ],
    });
    const refunded = order.line_items[1].id;
    await deliver(stack.url, SHOP, "refunds/create", {
      id: 9404n * 11n,
      order_id: 9404n,
      created_at: new Date().toISOString(),
      refund_line_items: [{ id: 9404n * 13n, line_item_id: refunded, quantity: 1, subtotal: "90.00", total_tax: "0.00" }],
      transactions: [{ id: 9404n * 17n, amount: "90.00", kind: "refund", status: "success", currency: "USD" }],
      order_adjustments: [],
    });
    await stack.waitForDrain();
    const token = shopperToken(SHOP, CARMEN);
    const view = (await shopperCall(stack.url, "/api/orders/9404", token, { locale: "es" })).body;
    expect(
      view.warranties.map((w: { canClaim: boolean; claimUnavailableText: string | null }) => [w.canClaim, w.claimUnavailableText]),
    ).toEqual([
      [true, null],
      [false, "Esta unidad no tiene garantía (reembolsada, cancelada o sin cobertura)"],
    ]);
    const voided = view.warranties[1];
    const res = await shopperCall(stack.url, "/api/claims", token, {
      body: { warrantyId: voided.id, requestId: crypto.randomUUID(), description: "It broke the first day." },
      locale: "es",
    });
    expect(res.status).toBe(409);
    expect(res.body).toEqual({ code: "not_claimable", error: "Esta unidad no tiene garantía (reembolsada, cancelada o sin cobertura)." });
    // Another shopper reads nothing of it: it answers as an order not known yet.
    const other = await shopperCall(stack.url, "/api/orders/9404", shopperToken(SHOP, BEA));
    expect(other.body).toMatchObject({ orderName: null, warranties: [] });
  });
});

describe("customers/redact", () => {
  it("removes the photos for good, and one sent afterwards is refused", async () => {
    const account = (await shopperCall(stack.url, "/api/account", shopperToken(SHOP, ANA))).body;
    const link = account.claims.find((c: { id: string }) => c.id === anaClaim).photos[0].url;
    await deliver(stack.url, SHOP, "customers/redact", {
      shop_id: 1,
      shop_domain: SHOP,
      customer: { id: ANA, email: "ana.photos@example.com", phone: null },
      orders_to_redact: [],
    });
    await stack.waitForDrain();
    expect(await photoRows(anaClaim)).toEqual([]);
    expect((await fetch(pathOf(link))).status).toBe(404);
    expect((await upload(ANA, anaClaim, jpeg(10))).status).toBe(404);
    expect(await photoRows(anaClaim)).toEqual([]);
    // No table of ours holds the photos' bytes (bytea is dumped as hex) — Bea's stay, another shopper's.
    const { rows: tables } = await stack.pool.query<{ t: string }>(
      `SELECT table_name t FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'`,
    );
    let dump = "";
    for (const { t } of tables)
      dump += (await stack.pool.query(`SELECT COALESCE(string_agg(row_to_json(x)::text, ' '), '') AS a FROM "${t}" x`)).rows[0].a;
    const hex = (s: string) => Buffer.from(s).toString("hex");
    expect(dump).not.toContain(hex(`${MARKER}-1`));
    expect(dump).not.toContain(hex(`${MARKER}-6`));
    expect(dump).toContain(hex(`${MARKER}-4`)); // Bea's 5 MiB photo
    expect(await photoRows(beaClaim)).toHaveLength(2);
  });
});
