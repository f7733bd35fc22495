// OAuth through the dated endpoints (2026-03) against the local HubSpot sandbox, which, like HubSpot
// after 2027-02-16, answers 404 to /oauth/v1: each failure sorted into the kind its caller acts on.
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startHubSpotSandbox, type HubSpotSandbox } from "../../test/sandboxes/hubspot/server";
import { DEV_HUBSPOT_CLIENT } from "../../test/dev-env";
import { accessTokenInfo, exchangeCode, HubSpotFailure, OAuthFailure, refreshAccessToken, requestTiming } from "./client.server";

const REDIRECT_URI = "https://postventa.example/hubspot/callback";
let sandbox: HubSpotSandbox;
beforeAll(async () => {
  sandbox = await startHubSpotSandbox();
  process.env.HUBSPOT_BASE_URL = sandbox.url;
  sandbox.oauthClient({ ...DEV_HUBSPOT_CLIENT, redirectUri: REDIRECT_URI });
});
afterEach(() => {
  sandbox.faults.clear();
  sandbox.oauthClient({ ...DEV_HUBSPOT_CLIENT, redirectUri: REDIRECT_URI });
});
afterAll(async () => sandbox?.close());

const failure = (p: Promise<unknown>) =>
  p.then(
    () => expect.unreachable("expected a HubSpotFailure"),
    (e: unknown) => {
      expect(e).toBeInstanceOf(HubSpotFailure);
      return e as OAuthFailure;
    },
  );
const newCode = () => {
  const { portalId } = sandbox.createPortal();
  return { portalId, ...sandbox.authorize(portalId, DEV_HUBSPOT_CLIENT.clientId, ["oauth", "crm.objects.contacts.read"]) };
};

describe("HubSpot OAuth (2026-03)", () => {
  it("exchanges a code, introspects the token and refreshes it, with form bodies on the dated paths only", async () => {
    const { portalId, code } = newCode();
    sandbox.resetLog();
    const t = await exchangeCode(code, REDIRECT_URI);
    expect(t.expiresAt.getTime()).toBeGreaterThan(Date.now() + 1700_000);
    expect(await accessTokenInfo(t.accessToken)).toEqual({ portalId: String(portalId), scopes: ["oauth", "crm.objects.contacts.read"] });
    const again = await refreshAccessToken(t.refreshToken);
    expect(again.accessToken).not.toBe(t.accessToken);
    expect(sandbox.requestLog.map((r) => `${r.method} ${r.path} ${r.status}`)).toEqual([
      "POST /oauth/2026-03/token 200",
      "POST /oauth/2026-03/token/introspect 200",
      "POST /oauth/2026-03/token 200",
    ]);
  });

  it("a refused refresh token is `auth`, with HubSpot's error_description", async () => {
    const { code } = newCode();
    const t = await exchangeCode(code, REDIRECT_URI);
    sandbox.revoke(t.refreshToken);
    const e = await failure(refreshAccessToken(t.refreshToken));
    expect(e).toMatchObject({ kind: "auth", status: 400, error: "invalid_grant" });
    expect(e.message).toBe("refresh token is invalid, expired or revoked (invalid_grant)");
  });

  it("a spent code and refused client credentials are `invalid`", async () => {
    const { code } = newCode();
    await exchangeCode(code, REDIRECT_URI);
    expect(await failure(exchangeCode(code, REDIRECT_URI))).toMatchObject({ kind: "invalid", status: 400, error: "invalid_grant" });
    sandbox.oauthClient({ ...DEV_HUBSPOT_CLIENT, clientSecret: "rotated", redirectUri: REDIRECT_URI });
    expect(await failure(exchangeCode(newCode().code, REDIRECT_URI))).toMatchObject({ kind: "invalid", error: "invalid_client" });
  });

  it("5xx (JSON or a gateway's HTML) and an answer later than the timeout are `transient`", async () => {
    for (const status of [500, 502, 503, 504] as const) {
      sandbox.faults.failNext(1, status, { path: /^\/oauth\/2026-03\/token$/ });
      expect(await failure(exchangeCode(newCode().code, REDIRECT_URI)), String(status)).toMatchObject({ kind: "transient", status });
    }
    const { code } = newCode();
    const t = await exchangeCode(code, REDIRECT_URI);
    const saved = requestTiming.timeoutMs;
    requestTiming.timeoutMs = 200;
    sandbox.faults.slowAnswers(600, /^\/oauth\/2026-03\/token$/);
    try {
      const e = await failure(refreshAccessToken(t.refreshToken));
      expect(e.kind).toBe("transient");
      expect(e.message).toMatch(/did not answer within 200 ms/);
    } finally {
      requestTiming.timeoutMs = saved;
    }
  });

  it("an introspected token HubSpot reports inactive is `auth`", async () => {
    const { portalId, code } = newCode();
    const t = await exchangeCode(code, REDIRECT_URI);
    sandbox.expireAccessTokens(portalId);
    expect(await failure(accessTokenInfo(t.accessToken))).toMatchObject({ kind: "auth" });
  });
});
