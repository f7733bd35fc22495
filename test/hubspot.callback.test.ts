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

// A browser's: the library answers 410 to what isbot takes for a bot (undici's "node" is one).
const bearer = (shop = SHOP) => ({
  "User-Agent": "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36",
  Authorization: `Bearer ${sessionToken({ apiKey: process.env.SHOPIFY_API_KEY!, secret: process.env.SHOPIFY_API_SECRET!, shop, sub: "42" })}`,
});
const DATA = "_data=routes%2Fapp.hubspot";
const post = (fields: Record<string, string>, query = "") =>
  fetch(`${stack.url}/app/hubspot?${DATA}${query}`, { method: "POST", headers: bearer(), body: new URLSearchParams(fields) });

// "Connect with HubSpot" as the merchant's browser goes through it: the page's action hands the
// top-level window the start link; /hubspot/start sets the cookie and redirects to HubSpot.
async function startInBrowser(): Promise<{ state: string; cookie: string; setCookie: string; authorize: URL }> {
  const { redirectTo } = await (await post({ intent: "connect_oauth" })).json();
  const start = new URL(redirectTo);
  expect(start.pathname).toBe("/hubspot/start");
  const res = await fetch(`${stack.url}${start.pathname}${start.search}`, {
    redirect: "manual",
    headers: { "User-Agent": bearer()["User-Agent"] },
  });
  expect(res.status).toBe(302);
  const setCookie = res.headers.get("set-cookie")!;
  const authorize = new URL(res.headers.get("location")!);
  return { state: authorize.searchParams.get("state")!, cookie: setCookie.split(";")[0], setCookie, authorize };
}

// HubSpot's consent screen, approved: the code HubSpot would put in the callback URL.
async function approve() {
  const flow = await startInBrowser();
  const portal = sandbox.createPortal();
  const { code } = sandbox.authorize(portal.portalId, DEV_HUBSPOT_CLIENT.clientId, flow.authorize.searchParams.get("scope")!.split(" "), {
    redirectUri: REDIRECT_URI,
  });
  return { ...flow, code, portalId: portal.portalId };
}

async function storedAccessToken(shop: string): Promise<string> {
  const { rows } = await stack.pool.query(`SELECT "accessTokenEnc" FROM "HubSpotConnection" WHERE shop = $1`, [shop]);
  const { decryptSecret } = await import("../app/secrets.server.ts");
  return decryptSecret(rows[0].accessTokenEnc, { shop, field: "HubSpotConnection.accessToken" });
}

const connections = async () => (await stack.pool.query(`SELECT count(*)::int AS n FROM "HubSpotConnection"`)).rows[0].n as number;
const EN = { "Accept-Language": "en" };

describe("GET /hubspot/start and /hubspot/callback", () => {
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

  it("the start binds the flow to this browser with a first-party cookie, and stores only hashes", async () => {
    const { state, setCookie, authorize } = await startInBrowser();
    expect(authorize.searchParams.get("redirect_uri")).toBe(REDIRECT_URI);
    // Lax: sent on HubSpot's top-level redirect back; __Host- + Secure + Path=/: only this origin sets it.
    expect(setCookie).toMatch(/^__Host-postventa-hubspot-oauth=[A-Za-z0-9_-]{43}; /);
    for (const attr of ["Path=/", "Max-Age=600", "HttpOnly", "Secure", "SameSite=Lax"]) expect(setCookie.split("; ")).toContain(attr);
    const { rows } = await stack.pool.query(`SELECT * FROM "HubSpotOAuthState"`);
    expect(JSON.stringify(rows)).not.toContain(state);
    expect(JSON.stringify(rows)).not.toContain(setCookie.split(";")[0].split("=")[1]);

    // Opening the same start link again (another browser, or a leaked link) is refused.
    const again = await fetch(`${stack.url}/hubspot/start?state=${state}`, { redirect: "manual", headers: EN });
    expect(again.status).toBe(400);
    expect(again.headers.get("set-cookie")).toBeNull();
    expect(await again.text()).toMatch(/already been opened|already been used/);
    for (const bad of ["", "garbled", "é".repeat(43), "A".repeat(43)]) {
      const res = await fetch(`${stack.url}/hubspot/start?state=${encodeURIComponent(bad)}`, { redirect: "manual", headers: EN });
      expect(res.status).toBe(400);
      expect(await res.text()).toMatch(/not valid/);
    }
  });

  it("explains a refusal on HubSpot's consent screen, with a way back for this browser's state, and reflects no free text", async () => {
    const { state, cookie } = await startInBrowser();
    const res = await callback(
      { error: "access_denied", error_description: "<script>alert(1)</script>", state },
      { ...EN, Cookie: cookie },
    );
    expect(res.status).toBe(400);
    const body = await res.text();
    expect(body).toMatch(/Access was not approved in HubSpot, so no account was connected/);
    expect(body).toContain(`href="https://${SHOP}/admin/apps/${process.env.SHOPIFY_API_KEY}/app/hubspot"`);
    expect(body).not.toContain("<script>");
    expect(await connections()).toBe(0);
  });

  it("refuses a forged, garbled or non-ASCII state, cookie or code with 400 and writes nothing", async () => {
    const { code, state, cookie } = await approve();
    const other = (s: string) => s.slice(0, -1) + (s.endsWith("x") ? "y" : "x");
    const cases: Array<[Record<string, string>, Record<string, string>, RegExp]> = [
      [{ code, state: other(state) }, { Cookie: cookie }, /not valid/],
      [{ code, state: "garbled" }, { Cookie: cookie }, /not valid/],
      [{ code, state: "" }, { Cookie: cookie }, /not valid/],
      [{ code, state: "é".repeat(43) }, { Cookie: cookie }, /not valid/], // used to make timingSafeEqual throw: 500
      [{ code, state: `${state}.${"é".repeat(43)}` }, { Cookie: cookie }, /not valid/],
      [{ code, state }, {}, /started in another browser/],
      [{ code, state }, { Cookie: "__Host-postventa-hubspot-oauth=%C3%A9%C3%A9" }, /started in another browser/],
      [{ code, state }, { Cookie: `__Host-postventa-hubspot-oauth=${"A".repeat(43)}; other=1` }, /started in another browser/],
      [{ code: "é<script>", state }, { Cookie: cookie }, /not in HubSpot&#39;s format/],
      [{ code: "a".repeat(600), state }, { Cookie: cookie }, /not in HubSpot&#39;s format/],
    ];
    for (const [query, headers, message] of cases) {
      const res = await callback(query, { ...EN, ...headers });
      expect(res.status, JSON.stringify(query)).toBe(400);
      const body = await res.text();
      expect(body).toMatch(message);
      expect(body).not.toContain(code);
      expect(body).not.toContain("/admin/apps/"); // no way back offered for a state that is not this browser's
    }
    expect(await connections()).toBe(0);
  });

  it("refuses a state from another browser, a replayed state and an expired one with 400", async () => {
    const mine = await approve();
    const theirs = await startInBrowser();
    // The other browser's cookie does not spend this browser's state...
    const crossed = await callback({ code: mine.code, state: mine.state }, { ...EN, Cookie: theirs.cookie });
    expect(crossed.status).toBe(400);
    expect(await crossed.text()).toMatch(/started in another browser/);
    expect(await connections()).toBe(0);

    // ...so the merchant's own browser still finishes; the same state again is refused.
    const done = await callback({ code: mine.code, state: mine.state }, { Cookie: mine.cookie });
    expect(done.status).toBe(302);
    expect(done.headers.get("set-cookie")).toMatch(/^__Host-postventa-hubspot-oauth=; .*Max-Age=0/);
    const replay = await callback({ code: mine.code, state: mine.state }, { ...EN, Cookie: mine.cookie });
    expect(replay.status).toBe(400);
    expect(await replay.text()).toMatch(/already been used/);

    await stack.pool.query(`UPDATE "HubSpotOAuthState" SET "expiresAt" = "expiresAt" - interval '1 day' WHERE "usedAt" IS NULL`);
    const late = await callback({ code: mine.code, state: theirs.state }, { ...EN, Cookie: theirs.cookie });
    expect(late.status).toBe(400);
    expect(await late.text()).toMatch(/expired/);
    await connection.disconnect(SHOP);
  });

  it("connects the shop and sends the merchant back to the app in the admin, echoing no code or token", async () => {
    const { code, state, cookie, portalId } = await approve();
    const res = await callback({ code, state }, { Cookie: cookie });
    expect(res.status).toBe(302);
    expect(res.headers.get("location")).toBe(`https://${SHOP}/admin/apps/${process.env.SHOPIFY_API_KEY}/app/hubspot`);
    const { rows } = await stack.pool.query(`SELECT "portalId", "authType", state FROM "HubSpotConnection" WHERE shop = $1`, [SHOP]);
    expect(rows).toEqual([{ portalId: String(portalId), authType: "oauth", state: "active" }]);

    const token = await storedAccessToken(SHOP);
    const answer = JSON.stringify([...res.headers]) + (await res.text());
    expect(answer).not.toContain(token);
    expect(answer).not.toContain(code);

    // A spent code with a fresh state of this browser: HubSpot refuses it, shown as a 400.
    const fresh = await startInBrowser();
    const replay = await callback({ code, state: fresh.state }, { ...EN, Cookie: fresh.cookie });
    expect(replay.status).toBe(400);
    expect(await replay.text()).toMatch(/HubSpot refused the authorization: missing or unknown auth code \(invalid_grant\)\. Start again/);
  });

  it("turns HubSpot's OAuth errors into a 400 the merchant can act on, never a 500, and changes no connection", async () => {
    const before = await storedAccessToken(SHOP);
    const tokenPath = /^\/oauth\/2026-03\/token$/;
    const attempt = async () => {
      const { code, state, cookie } = await approve();
      const res = await callback({ code, state }, { ...EN, Cookie: cookie });
      return { status: res.status, text: await res.text() };
    };
    try {
      // HubSpot refuses Postventa's own credentials (a rotated client secret): nothing for the merchant to redo.
      sandbox.oauthClient({ ...DEV_HUBSPOT_CLIENT, clientSecret: "rotated-in-hubspot", redirectUri: REDIRECT_URI });
      const misconfigured = await attempt();
      expect(misconfigured.status).toBe(400);
      expect(misconfigured.text).toMatch(/HubSpot did not accept Postventa&#39;s app credentials.*contact Postventa support/);
      sandbox.oauthClient({ ...DEV_HUBSPOT_CLIENT, redirectUri: REDIRECT_URI });

      // HubSpot down (a JSON 503, a gateway's HTML 502): wait and start again.
      for (const status of [503, 502] as const) {
        sandbox.faults.failNext(1, status, { path: tokenPath });
        const down = await attempt();
        expect(down.status, String(status)).toBe(400);
        expect(down.text).toMatch(/HubSpot could not be reached to finish connecting: .*Try again in a moment/);
      }
    } finally {
      sandbox.faults.clear();
      sandbox.oauthClient({ ...DEV_HUBSPOT_CLIENT, redirectUri: REDIRECT_URI });
    }
    expect(await connections()).toBe(1);
    expect(await storedAccessToken(SHOP)).toBe(before);
  });
});

describe("/app/hubspot (session token, as App Bridge sends it)", () => {
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

    const es = await (
      await fetch(`${stack.url}/app/hubspot?${DATA}`, { headers: { ...bearer(), "Accept-Language": "fr-FR, es;q=0.8, en;q=0.5" } })
    ).json();
    expect(es.locale).toBe("es");
    expect(es.strings["hubspot.badge.connected"]).toBe("Conectado");
  });

  // A full embedded load (what the admin iframe requests first): the page server-renders.
  const documentLoad = (locale: string) => {
    const q = new URLSearchParams({
      embedded: "1",
      shop: SHOP,
      host: Buffer.from(`${SHOP}/admin`).toString("base64url"),
      locale,
      id_token: bearer().Authorization.slice(7),
    });
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
    await stack.pool.query(
      `INSERT INTO "Customer" (id, shop, email, tags, "updatedAt") VALUES ('cb-refused', $1, 'refused@example.com', '{}', now())`,
      [SHOP],
    );
    await stack.pool.query(
      `INSERT INTO "HubSpotContactSync" ("customerId", shop, state, reason) VALUES ('cb-refused', $1, 'dead', 'Property values were not valid')`,
      [SHOP],
    );
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
      await stack.pool.query(
        `UPDATE "HubSpotConnection" SET state = 'active', "pausedReason" = NULL, "pausedUntil" = NULL, "lastError" = NULL WHERE shop = $1`,
        [SHOP],
      );
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

  it("checks the connection from the page: every check the sync relies on passes, and HubSpot keeps nothing of it", async () => {
    const portalId = Number(
      (await stack.pool.query(`SELECT "portalId" FROM "HubSpotConnection" WHERE shop = $1`, [SHOP])).rows[0].portalId,
    );
    const contactsBefore = sandbox.state(portalId).contacts.length;
    const res = await post({ intent: "check" }, "&locale=en");
    expect(res.status).toBe(200);
    const { ok, checks } = await res.json();
    expect(ok).toBe(true);
    expect(checks.length).toBeGreaterThanOrEqual(7);
    // This connection was approved without the optional tickets scope: its ticket checks are skipped.
    expect(
      checks.filter((l: string) => !l.startsWith("PASS") && !l.startsWith("SKIP ticket") && !l.startsWith("SKIP consistent ticket")),
    ).toEqual([]);
    expect(sandbox.state(portalId).contacts.length).toBe(contactsBefore);
  });

  it("the action hands back the app's own start link for OAuth, and disconnects", async () => {
    const oauth = await post({ intent: "connect_oauth" });
    expect(oauth.status).toBe(200);
    const { redirectTo } = await oauth.json();
    expect(redirectTo).toMatch(/^http:\/\/localhost:3000\/hubspot\/start\?state=[A-Za-z0-9_-]{43}$/);

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
