// Owner notices from the merchant's admin page, over HTTP against the real built server: the
// loader's data, the form's action in both languages (bad input answers 400 and changes nothing),
// another shop unable to touch a notice, the shopper's units, and the embedded page as first loaded.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startStack, type Stack } from "./stack.ts";
import { deliver, paidOrder } from "./hubspot-helpers.ts";
import { BROWSER_UA, shopperCall, shopperToken } from "./shopper-helpers.ts";
import { sessionToken } from "./sandboxes/shopify/signing.ts";

const SHOP = "admin-notices.myshopify.com";
const OTHER = "admin-notices-other.myshopify.com";
const ANA = 9007199254800001n;
const GRINDER = "9007199254800101";
let stack: Stack;

beforeAll(async () => {
  stack = await startStack({ database: "postventa_test_admin_notices" });
  for (const shop of [SHOP, OTHER]) await stack.installShop(shop);
  stack.admin.setProducts(SHOP, [
    {
      id: GRINDER,
      title: "Molinillo Encore",
      productType: "Grinder",
      vendor: "Baratza",
      tags: [],
      variants: [{ id: `${GRINDER}1`, title: "Default Title", sku: "ENC", price: "150.00" }],
    },
  ]);
  const order = paidOrder(9501n, { id: ANA, email: "ana@example.com" }, "150.00", [GRINDER]);
  order.line_items[0].title = "Molinillo Encore";
  await deliver(stack.url, SHOP, "orders/paid", order);
  await stack.waitForDrain();
});
afterAll(async () => stack?.stop());

const bearer = (shop = SHOP) => ({
  "User-Agent": BROWSER_UA,
  Authorization: `Bearer ${sessionToken({ apiKey: process.env.SHOPIFY_API_KEY!, secret: process.env.SHOPIFY_API_SECRET!, shop, sub: "42" })}`,
});
const DATA = "_data=routes%2Fapp.notices";
const page = async (shop = SHOP) => {
  const res = await fetch(`${stack.url}/app/notices?${DATA}`, { headers: bearer(shop) });
  expect(res.status).toBe(200);
  return res.json();
};
const act = async (fields: Record<string, string>, query = "", shop = SHOP) => {
  const res = await fetch(`${stack.url}/app/notices?${DATA}${query}`, {
    method: "POST",
    headers: bearer(shop),
    body: new URLSearchParams(fields),
  });
  return { status: res.status, body: await res.json() };
};
const stored = async () => (await stack.pool.query(`SELECT id, shop, "publishedAt" FROM "OwnerNotice" ORDER BY "createdAt"`)).rows;
const unitNotices = async () =>
  (await shopperCall(stack.url, "/api/account", shopperToken(SHOP, ANA))).body.warranties[0].notices.map((n: { title: string }) => n.title);

describe("owner notices in the admin", () => {
  let id: string;

  it("offers the products with registered units, with their owners", async () => {
    const data = await page();
    expect(data.locale).toBe("es");
    expect(data.products).toEqual([{ productId: GRINDER, title: "Molinillo Encore", owners: 1 }]);
    expect(data.notices).toEqual([]);
    expect(data.strings["notices.title"]).toBe("Avisos a propietarios");
    expect((await page(OTHER)).products).toEqual([]);
  });

  it("refuses bad input with what to fix, in the merchant's language, storing nothing", async () => {
    const good = {
      intent: "publish",
      productId: GRINDER,
      kind: "recall",
      title: "Revisión de las fresas",
      body: "Escríbenos y te enviamos una fresa nueva.",
    };
    expect(await act({ ...good, kind: "sale" })).toEqual({
      status: 400,
      body: { ok: false, error: "Elige el tipo de aviso: retirada, actualización o nuevo accesorio." },
    });
    expect(await act({ ...good, title: "  " }, "&locale=en")).toEqual({
      status: 400,
      body: { ok: false, error: "Write a title of 1 to 120 characters." },
    });
    expect((await act({ ...good, productId: "not-a-product" })).status).toBe(400);
    expect((await act({ ...good, body: "x".repeat(2001) })).status).toBe(400);
    expect(await act({ intent: "delete" })).toEqual({
      status: 400,
      body: { ok: false, error: "Acción desconocida: recarga la página e inténtalo de nuevo." },
    });
    expect(await stored()).toEqual([]);
  });

  it("publishes to the product's owners: on their units, listed with its owners", async () => {
    const res = await act({
      intent: "publish",
      productId: GRINDER,
      kind: "recall",
      title: "Revisión de las fresas",
      body: "Escríbenos y te enviamos una fresa nueva.",
    });
    expect(res).toEqual({ status: 200, body: { ok: true, message: "Aviso publicado para los propietarios del producto (1)." } });
    const data = await page();
    expect(data.notices).toEqual([
      {
        id: expect.any(String),
        productId: GRINDER,
        product: "Molinillo Encore",
        kind: "recall",
        title: "Revisión de las fresas",
        body: "Escríbenos y te enviamos una fresa nueva.",
        publishedAt: expect.any(String),
        owners: 1,
      },
    ]);
    id = data.notices[0].id;
    expect(await unitNotices()).toEqual(["Revisión de las fresas"]);
    // The owner's contact is marked changed for HubSpot.
    const { rows } = await stack.pool.query(
      `SELECT s.state FROM "HubSpotContactSync" s JOIN "Customer" c ON c.id = s."customerId" WHERE c.shop = $1`,
      [SHOP],
    );
    expect(rows).toEqual([{ state: "pending" }]);
  });

  it("another shop cannot withdraw it", async () => {
    expect(await act({ intent: "withdraw", id }, "", OTHER)).toEqual({
      status: 400,
      body: { ok: false, error: "Ese aviso no existe en esta tienda." },
    });
    expect((await page(OTHER)).notices).toEqual([]);
    expect(await unitNotices()).toEqual(["Revisión de las fresas"]);
  });

  it("withdraws it and publishes it again", async () => {
    expect(await act({ intent: "withdraw", id }, "&locale=en")).toEqual({ status: 200, body: { ok: true, message: "Notice withdrawn." } });
    expect(await unitNotices()).toEqual([]);
    expect((await page()).notices[0].publishedAt).toBeNull();
    expect((await act({ intent: "republish", id })).status).toBe(200);
    expect(await unitNotices()).toEqual(["Revisión de las fresas"]);
  });

  it("renders the embedded page in Spanish", async () => {
    const q = new URLSearchParams({
      embedded: "1",
      shop: SHOP,
      host: Buffer.from(`${SHOP}/admin`).toString("base64url"),
      id_token: bearer().Authorization.slice(7),
    });
    const res = await fetch(`${stack.url}/app/notices?${q}`, { headers: { "User-Agent": BROWSER_UA } });
    const html = (await res.text()).replace(/<script[\s\S]*?<\/script>/g, "");
    expect(res.status).toBe(200);
    for (const text of [
      "Avisos a propietarios",
      "Nuevo aviso",
      "Molinillo Encore (propietarios: 1)",
      "Revisión de las fresas",
      "Retirada",
      "Retirar",
      "Publicar",
    ])
      expect(html).toContain(text);
  });
});
