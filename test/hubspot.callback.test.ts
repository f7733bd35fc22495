// The HubSpot OAuth callback and the merchant's HubSpot page, over HTTP against the real built
// server, with HubSpot played by the local sandbox and the admin by signed session tokens.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startHubSpotSandbox, type HubSpotSandbox } from "./sandboxes/hubspot/server.ts";
import { sessionToken } from "./sandboxes/shopify/signing.ts";
import { DEV_HUBSPOT_CLIENT, startStack, type Stack } from "./stack.ts";
import { waitForHubSpot } from "./hubspot-helpers.ts";

const SHOP = "callback-test.myshopify.com";
const REDIRECT_URI = "http://localhost:3000/hubspot/callback";
let stack: Stack;
let sandbox: HubSpotSandbox;
let connection: typeof import("../app/hubspot/connection.server.ts");

beforeAll(async () => {
  sandbox = await startHubSpotSandbox();
  process.env.HUBSPOT_BASE_URL = sandbox.url;
  sandbox.oauthClient({ ...DEV_HUBSPOT_CLIENT, redirectUri: REDIRECT_URI });
  stack = await startStack({ database: "postventa_test_callback", build: false });
  await stack.installShop(SHOP);
  connection = await import("../app/hubspot/connection.server.ts");
});
afterAll(async () => {
  await stack?.stop();
  await sandbox?.close();
});

const callback = (query: Record<string, string>, headers: Record<string, string> = {}) =>
  fetch(`${stack.url}/hubspot/callback?${new URLSearchParams(query)}`, { redirect: "manual", headers });

// HubSpot's consent screen, approved: the code HubSpot would put in the callback URL.
function approve(shop: string) {
  const authorize = new URL(connection.startOAuth(shop));
  const portal = sandbox.createPortal();
  const { code } = sandbox.authorize(portal.portalId, DEV_HUBSPOT_CLIENT.clientId, authorize.searchParams.get("scope")!.split(" "), { redirectUri: REDIRECT_URI });
  return { code, state: authorize.searchParams.get("state")!, portalId: portal.portalId };
}

async function storedAccessToken(shop: string): Promise<string> {
  const { rows } = await stack.pool.query(`SELECT "accessTokenEnc" FROM "HubSpotConnection" WHERE shop = $1`, [shop]);
  const { decryptSecret } = await import("../app/secrets.server.ts");
  return decryptSecret(rows[0].accessTokenEnc, { shop, field: "HubSpotConnection.accessToken" });
}

const connections = async () => (await stack.pool.query(`SELECT count(*)::int AS n FROM "HubSpotConnection"`)).rows[0].n as number;

describe("GET /hubspot/callback", () => {
  it("answers 400 naming the missing code", async () => {
    const res = await callback({ state: "whatever" }, { "Accept-Language": "en-GB,en;q=0.9" });
    expect(res.status).toBe(400);
    expect(res.headers.get("content-type")).toMatch(/text\/html/);
    expect(await res.text()).toMatch(/authorization code \(the “code” parameter\) is missing/);
  });

  it("answers 400 in Spanish by default", async () => {
    const res = await callback({});
    expect(res.status).toBe(400);
    expect(await res.text()).toMatch(/Falta el código de autorización/);
  });

  it("explains a refusal on HubSpot's consent screen, with a way back when the state is ours, and reflects no free text", async () => {
    const { state } = approve(SHOP);
    const res = await callback(
      { error: "access_denied", error_description: "<script>alert(1)</script>", state },
      { "Accept-Language": "en" },
    );
    expect(res.status).toBe(400);
    const body = await res.text();
    expect(body).toMatch(/Access was not approved in HubSpot, so no account was connected/);
    expect(body).toContain(`href="https://${SHOP}/admin/apps/${process.env.SHOPIFY_API_KEY}/app/hubspot"`);
    expect(body).not.toContain("<script>");
    expect(await connections()).toBe(0);
  });

  it("refuses a forged or garbled state with 400 and writes nothing", async () => {
    const { code, state } = approve(SHOP);
    const [data] = state.split(".");
    const forgedData = Buffer.from(JSON.stringify({ shop: "evil.myshopify.com", exp: Date.now() + 60_000, n: "00" })).toString("base64url");
    for (const bad of [`${forgedData}.${state.split(".")[1]}`, `${data}.AAAA`, "garbled", ""]) {
      const res = await callback({ code, state: bad }, { "Accept-Language": "en" });
      expect(res.status).toBe(400);
      const body = await res.text();
      expect(body).toMatch(/not valid/);
      expect(body).not.toContain(code);
      expect(body).not.toContain("/admin/apps/"); // no way back offered for a state that is not ours
    }
    expect(await connections()).toBe(0);
  });

  it("connects the shop and sends the merchant back to the app in the admin, echoing no code or token", async () => {
    const { code, state, portalId } = approve(SHOP);
    const res = await callback({ code, state });
    expect(res.status).toBe(302);
    expect(res.headers.get("location")).toBe(`https://${SHOP}/admin/apps/${process.env.SHOPIFY_API_KEY}/app/hubspot`);
    const { rows } = await stack.pool.query(`SELECT "portalId", "authType", state FROM "HubSpotConnection" WHERE shop = $1`, [SHOP]);
    expect(rows).toEqual([{ portalId: String(portalId), authType: "oauth", state: "active" }]);

    const token = await storedAccessToken(SHOP);
    const answer = JSON.stringify([...res.headers]) + (await res.text());
    expect(answer).not.toContain(token);
    expect(answer).not.toContain(code);

    // The code is spent: replaying the callback URL is refused by HubSpot, shown as a 400.
    const replay = await callback({ code, state }, { "Accept-Language": "en" });
    expect(replay.status).toBe(400);
    expect(await replay.text()).toMatch(/HubSpot refused the authorization/);
  });
});

describe("/app/hubspot (session token, as App Bridge sends it)", () => {
  // A browser's: the library answers 410 to what isbot takes for a bot (undici's "node" is one).
  const bearer = (shop = SHOP) => ({
    "User-Agent": "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36",
    Authorization: `Bearer ${sessionToken({ apiKey: process.env.SHOPIFY_API_KEY!, secret: process.env.SHOPIFY_API_SECRET!, shop, sub: "42" })}`,
  });
  const DATA = "_data=routes%2Fapp.hubspot";
  const post = (fields: Record<string, string>, query = "") =>
    fetch(`${stack.url}/app/hubspot?${DATA}${query}`, { method: "POST", headers: bearer(), body: new URLSearchParams(fields) });

  it("the loader answers the shop's status in the admin's language and never a token", async () => {
    const res = await fetch(`${stack.url}/app/hubspot?${DATA}&locale=en-US`, { headers: { ...bearer(), "Accept-Language": "es" } });
    expect(res.status).toBe(200);
    const text = await res.text();
    const data = JSON.parse(text);
    expect(data.locale).toBe("en");
    expect(data.strings["hubspot.badge.connected"]).toBe("Connected");
    expect(data.status.connection).toMatchObject({ authType: "oauth", state: "active" });
    expect(text).not.toContain(await storedAccessToken(SHOP));
    expect(text).not.toMatch(/accessToken|refreshToken/);

    const es = await (await fetch(`${stack.url}/app/hubspot?${DATA}`, { headers: { ...bearer(), "Accept-Language": "fr-FR, es;q=0.8, en;q=0.5" } })).json();
    expect(es.locale).toBe("es");
    expect(es.strings["hubspot.badge.connected"]).toBe("Conectado");
  });

  // A full embedded load (what the admin iframe requests first): the page server-renders.
  const documentLoad = (locale: string) => {
    const q = new URLSearchParams({ embedded: "1", shop: SHOP, host: Buffer.from(`${SHOP}/admin`).toString("base64url"), locale, id_token: bearer().Authorization.slice(7) });
    return fetch(`${stack.url}/app/hubspot?${q}`, { headers: { "User-Agent": bearer()["User-Agent"] } });
  };
  // The markup only: the scripts carry the loader data (all the page's strings) for hydration.
  const rendered = async (res: Response) => (await res.text()).replace(/<script[\s\S]*?<\/script>/g, "");

  it("renders the connected page", async () => {
    const res = await documentLoad("es-ES");
    expect(res.status).toBe(200);
    const full = await res.text();
    expect(full).not.toContain(await storedAccessToken(SHOP));
    const html = full.replace(/<script[\s\S]*?<\/script>/g, "");
    expect(html).toContain("Conectado");
    expect(html).toContain("Conectada con OAuth");
    expect(html).toContain("Pendiente de enviar");
    expect(html).toContain("Desconectar");
    expect(html).not.toContain("Conectar con HubSpot");
  });

  it("renders a daily pause (when it resumes) and what HubSpot refused, with Retry", async () => {
    await waitForHubSpot(stack.pool, SHOP); // a sync finishing now would clear the state set below
    await stack.pool.query(
      `UPDATE "HubSpotConnection" SET state = 'paused', "pausedReason" = 'daily_limit', "pausedUntil" = now() + interval '3 hours',
         "lastError" = 'HubSpot daily API limit reached' WHERE shop = $1`,
      [SHOP],
    );
    await stack.pool.query(`INSERT INTO "Customer" (id, shop, email, tags, "updatedAt") VALUES ('cb-refused', $1, 'refused@example.com', '{}', now())`, [SHOP]);
    await stack.pool.query(`INSERT INTO "HubSpotContactSync" ("customerId", shop, state, reason) VALUES ('cb-refused', $1, 'dead', 'Property values were not valid')`, [SHOP]);
    try {
      const html = await rendered(await documentLoad("en"));
      expect(html).toContain("Paused");
      expect(html).toContain("Sync paused: HubSpot&#x27;s daily API limit has been used up");
      expect(html).toContain("Last error: HubSpot daily API limit reached");
      expect(html).toMatch(/It will resume by itself on <time dateTime="[^"]+">/);
      expect(html).toContain("refused@example.com");
      expect(html).toContain("Property values were not valid");
      expect(html).toContain("Retry");
    } finally {
      await stack.pool.query(`DELETE FROM "Customer" WHERE id = 'cb-refused'`);
      await stack.pool.query(`UPDATE "HubSpotConnection" SET state = 'active', "pausedReason" = NULL, "pausedUntil" = NULL, "lastError" = NULL WHERE shop = $1`, [SHOP]);
    }
  });

  it("refuses a session token signed with another secret", async () => {
    const forged = sessionToken({ apiKey: process.env.SHOPIFY_API_KEY!, secret: "not-the-secret", shop: SHOP, sub: "42" });
    const res = await fetch(`${stack.url}/app/hubspot?${DATA}`, { headers: { ...bearer(), Authorization: `Bearer ${forged}` } });
    expect(res.status).toBe(401);
  });

  it("the action answers 400 with a message for an unknown intent and for a refused token", async () => {
    const unknown = await post({ intent: "explode" }, "&locale=en");
    expect(unknown.status).toBe(400);
    expect(await unknown.json()).toEqual({ ok: false, error: expect.stringMatching(/Unknown action: “explode”/) });

    // The merchant's language (Spanish by default), not the server's English.
    const refused = await post({ intent: "connect_private", token: "hello", rollingLimit: "100" });
    expect(refused.status).toBe(400);
    expect(await refused.json()).toEqual({ ok: false, error: expect.stringMatching(/token de acceso de una app privada de HubSpot/) });
    const refusedEn = await post({ intent: "connect_private", token: "hello", rollingLimit: "100" }, "&locale=en");
    expect(await refusedEn.json()).toEqual({ ok: false, error: expect.stringMatching(/private app access token/) });
  });

  it("the action hands back HubSpot's authorize URL for OAuth, and disconnects", async () => {
    const oauth = await post({ intent: "connect_oauth" });
    expect(oauth.status).toBe(200);
    const { redirectTo } = await oauth.json();
    expect(connection.verifyOAuthState(new URL(redirectTo).searchParams.get("state")!)).toBe(SHOP);

    const off = await post({ intent: "disconnect" });
    expect(off.status).toBe(200);
    expect(await off.json()).toEqual({ ok: true });
    expect(await connections()).toBe(0);

    const html = await rendered(await documentLoad("en"));
    expect(html).toContain("Not connected");
    expect(html).toContain("Connect with HubSpot");
    expect(html).toMatch(/<input[^>]*type="password"[^>]*autocomplete="off"|<input[^>]*autocomplete="off"[^>]*type="password"/i);
  });
});
