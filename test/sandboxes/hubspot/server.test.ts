/**
 * The HubSpot sandbox, exercised only through the real `@hubspot/api-client` (v14) pointed at it
 * with `basePath`, so what passes here is what the SDK actually sends and actually parses. OAuth,
 * which the SDK speaks only in its retired v1 form, through form POSTs as HubSpot documents them.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { Client } from "@hubspot/api-client";
import { startHubSpotSandbox, type HubSpotSandbox } from "./server.ts";

const sdk = (sandbox: HubSpotSandbox, accessToken: string, numberOfApiCallRetries = 0) =>
  new Client({ accessToken, basePath: sandbox.url, numberOfApiCallRetries });

/** Runs an SDK call expected to fail and returns the SDK's ApiException (code, body, headers). */
async function apiError(p: Promise<unknown>): Promise<{ code: number; body: any; headers: Record<string, string> }> {
  try {
    await p;
  } catch (e) {
    const err = e as { code?: number; body?: unknown; headers?: Record<string, string> };
    if (typeof err.code !== "number") throw e;
    return err as { code: number; body: any; headers: Record<string, string> };
  }
  throw new Error("expected the SDK call to fail");
}

/** A form POST to HubSpot's dated OAuth API (2026-03), as HubSpot documents it (the SDK only speaks v1). */
async function oauthPost(sandbox: HubSpotSandbox, path: string, fields: Record<string, string>): Promise<{ status: number; body: any }> {
  const res = await fetch(`${sandbox.url}/oauth/2026-03${path}`, { method: "POST", body: new URLSearchParams(fields) });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe("HubSpot sandbox through the real SDK", () => {
  let sandbox: HubSpotSandbox;
  beforeAll(async () => {
    sandbox = await startHubSpotSandbox();
  });
  afterAll(async () => {
    await sandbox.close();
  });
  afterEach(() => sandbox.faults.clear());

  describe("contacts batch upsert", () => {
    it("creates then updates one contact by email, case-insensitively", async () => {
      const { portalId, privateAppToken } = sandbox.createPortal();
      const client = sdk(sandbox, privateAppToken);

      const first = await client.crm.contacts.batchApi.upsert({
        inputs: [{ id: "Ana.Perez@Example.com", idProperty: "email", properties: { firstname: "Ana" } }],
      });
      expect(first.status).toBe("COMPLETE");
      expect(first.results).toHaveLength(1);
      expect(first.results[0]._new).toBe(true);
      expect(first.results[0].properties.email).toBe("ana.perez@example.com");
      expect(first.results[0].properties.firstname).toBe("Ana");
      expect(first.results[0].createdAt).toBeInstanceOf(Date);
      expect("errors" in first).toBe(false);

      const second = await client.crm.contacts.batchApi.upsert({
        inputs: [{ id: "ana.perez@EXAMPLE.com", idProperty: "email", properties: { lastname: "Pérez", lifecyclestage: "customer" } }],
      });
      expect(second.results[0]._new).toBe(false);
      expect(second.results[0].id).toBe(first.results[0].id);

      const contacts = sandbox.state(portalId).contacts;
      expect(contacts).toHaveLength(1);
      expect(contacts[0].properties).toMatchObject({
        email: "ana.perez@example.com",
        firstname: "Ana",
        lastname: "Pérez",
        lifecyclestage: "customer",
      });

      const byEmail = await client.crm.contacts.basicApi.getById(
        "ANA.PEREZ@example.com",
        ["firstname", "lastname"],
        undefined,
        undefined,
        false,
        "email",
      );
      expect(byEmail.id).toBe(first.results[0].id);
      expect(byEmail.properties.lastname).toBe("Pérez");

      const read = await client.crm.contacts.batchApi.read({
        idProperty: "email",
        inputs: [{ id: "ana.perez@example.com" }],
        properties: ["firstname"],
        propertiesWithHistory: [],
      });
      expect(read.results[0].properties.firstname).toBe("Ana");

      const found = await client.crm.contacts.searchApi.doSearch({
        filterGroups: [{ filters: [{ propertyName: "email", operator: "EQ" as any, value: "Ana.Perez@example.com" }] }],
        properties: ["email"],
        limit: 10,
        after: "0",
        sorts: [],
      });
      expect(found.total).toBe(0); // CRM search is eventually consistent: not indexed yet
    });

    it("refuses an enumeration option without `hidden`, as the spec's OptionInput requires it", async () => {
      const { privateAppToken } = sandbox.createPortal();
      const client = sdk(sandbox, privateAppToken);
      const property = (hidden?: boolean) => ({
        name: `pv_band_${hidden === undefined ? "a" : "b"}`,
        label: "Band",
        type: "enumeration" as any,
        fieldType: "select" as any,
        groupName: "contactinformation",
        options: [{ label: "High", value: "high", displayOrder: 0, ...(hidden === undefined ? {} : { hidden }) }] as any,
      });
      await expect(client.crm.properties.coreApi.create("contacts", property())).rejects.toMatchObject({ code: 400 });
      expect((await client.crm.properties.coreApi.create("contacts", property(false))).options[0].hidden).toBe(false);
    });

    it("finds objects by search only after the index delay, and limits searches per second with a 429", async () => {
      const quick = await startHubSpotSandbox({ searchIndexDelayMs: 300, searchPerSecond: 5 });
      try {
        const { privateAppToken } = quick.createPortal();
        const client = sdk(quick, privateAppToken);
        await client.crm.contacts.batchApi.upsert({ inputs: [{ id: "later@example.com", idProperty: "email", properties: {} }] });
        const search = () =>
          client.crm.contacts.searchApi.doSearch({
            filterGroups: [{ filters: [{ propertyName: "email", operator: "EQ" as any, value: "later@example.com" }] }],
            properties: ["email"],
            limit: 10,
            after: "0",
            sorts: [],
          });
        expect((await search()).total).toBe(0);
        await new Promise((r) => setTimeout(r, 350));
        expect((await search()).total).toBe(1);
        const burst = await Promise.allSettled([search(), search(), search(), search()]);
        const refused = burst.filter((r) => r.status === "rejected").map((r) => (r as PromiseRejectedResult).reason.code);
        expect(refused).toEqual([429]); // 2 + 3 within the second are allowed, the sixth is not
      } finally {
        await quick.close();
      }
    });

    it("rejects 101 inputs with HubSpot's VALIDATION_ERROR and writes nothing", async () => {
      const { portalId, privateAppToken } = sandbox.createPortal();
      const client = sdk(sandbox, privateAppToken);
      const inputs = Array.from({ length: 101 }, (_, i) => ({ id: `c${i}@example.com`, idProperty: "email", properties: {} }));
      const err = await apiError(client.crm.contacts.batchApi.upsert({ inputs }));
      expect(err.code).toBe(400);
      expect(err.body).toMatchObject({ status: "error", category: "VALIDATION_ERROR" });
      expect(err.body.message).toMatch(/maximum number of inputs supported in a batch request is 100/);
      expect(err.body.correlationId).toMatch(UUID);
      expect(sandbox.state(portalId).contacts).toHaveLength(0);

      const ok = await client.crm.contacts.batchApi.upsert({ inputs: inputs.slice(0, 100) });
      expect(ok.results).toHaveLength(100);
    });

    it("answers 207 with per-input errors when one email is invalid", async () => {
      const { portalId, privateAppToken } = sandbox.createPortal();
      const client = sdk(sandbox, privateAppToken);
      const res: any = await client.crm.contacts.batchApi.upsert({
        inputs: [
          { id: "good@example.com", idProperty: "email", properties: { firstname: "Good" } },
          { id: "not-an-email", idProperty: "email", properties: { firstname: "Bad" } },
        ],
      });
      expect(res.status).toBe("COMPLETE");
      expect(res.results).toHaveLength(1);
      expect(res.numErrors).toBe(1);
      expect(res.errors[0]).toMatchObject({ status: "error", category: "VALIDATION_ERROR" });
      expect(res.errors[0].message).toMatch(/^Property values were not valid: /);
      expect(res.errors[0].message).toContain("INVALID_EMAIL");
      expect(res.errors[0].context).toEqual({ ids: ["not-an-email"] });
      expect(sandbox.state(portalId).contacts.map((c) => c.properties.email)).toEqual(["good@example.com"]);

      // every input failing answers the error itself with 400
      const err = await apiError(client.crm.contacts.batchApi.upsert({ inputs: [{ id: "nope", idProperty: "email", properties: {} }] }));
      expect(err.code).toBe(400);
      expect(err.body.category).toBe("VALIDATION_ERROR");
    });

    it("refuses unknown properties and values that do not fit the property's type", async () => {
      const { privateAppToken } = sandbox.createPortal();
      const client = sdk(sandbox, privateAppToken);
      await client.crm.properties.groupsApi.create("contacts", { name: "postventa", label: "Postventa", displayOrder: -1 });
      await client.crm.properties.coreApi.create("contacts", {
        name: "pv_points",
        label: "Points",
        type: "number" as any,
        fieldType: "number" as any,
        groupName: "postventa",
      });
      await client.crm.properties.coreApi.create("contacts", {
        name: "pv_warranty_until",
        label: "Warranty",
        type: "date" as any,
        fieldType: "date" as any,
        groupName: "postventa",
      });
      await client.crm.properties.coreApi.create("contacts", {
        name: "pv_tier",
        label: "Tier",
        type: "enumeration" as any,
        fieldType: "select" as any,
        groupName: "postventa",
        options: [
          { label: "Gold", value: "gold", displayOrder: 0, hidden: false },
          { label: "Silver", value: "silver", displayOrder: 1, hidden: false },
        ],
      });

      const bad = async (properties: Record<string, string>, code: string) => {
        const err = await apiError(
          client.crm.contacts.batchApi.upsert({ inputs: [{ id: "typed@example.com", idProperty: "email", properties }] }),
        );
        expect(err.code).toBe(400);
        expect(err.body.message).toContain(code);
      };
      await bad({ pv_unknown: "x" }, "PROPERTY_DOESNT_EXIST");
      await bad({ pv_points: "lots" }, "INVALID_LONG");
      await bad({ pv_warranty_until: String(Date.UTC(2026, 0, 1, 10, 30)) }, "not midnight");
      await bad({ pv_warranty_until: "next year" }, "INVALID_DATE");
      await bad({ pv_tier: "platinum" }, "INVALID_OPTION");
      await bad({ hs_object_id: "1" }, "READ_ONLY_VALUE");

      const ok = await client.crm.contacts.batchApi.upsert({
        inputs: [
          {
            id: "typed@example.com",
            idProperty: "email",
            properties: { pv_points: "120", pv_warranty_until: String(Date.UTC(2026, 0, 1)), pv_tier: "gold" },
          },
        ],
      });
      expect(ok.results[0].properties).toMatchObject({ pv_points: "120", pv_warranty_until: "2026-01-01", pv_tier: "gold" });
      const ymd = await client.crm.contacts.batchApi.upsert({
        inputs: [{ id: "typed@example.com", idProperty: "email", properties: { pv_warranty_until: "2027-03-04" } }],
      });
      expect(ymd.results[0].properties.pv_warranty_until).toBe("2027-03-04");
    });
  });

  describe("rate limits", () => {
    it("answers HubSpot's TEN_SECONDLY_ROLLING 429 at request 191 inside the window, then recovers", async () => {
      const rl = await startHubSpotSandbox({ rollingLimit: 190, windowMs: 2000 });
      try {
        const { privateAppToken } = rl.createPortal();
        const client = sdk(rl, privateAppToken);
        const first = await client.crm.properties.groupsApi.getAll("contacts");
        expect(first.results.length).toBeGreaterThan(0);
        await Promise.all(Array.from({ length: 189 }, () => client.crm.properties.groupsApi.getAll("contacts")));
        const err = await apiError(client.crm.properties.groupsApi.getAll("contacts"));
        expect(err.code).toBe(429);
        expect(Object.keys(err.body).sort()).toEqual(["correlationId", "errorType", "groupName", "message", "policyName", "status"]);
        expect(err.body).toMatchObject({
          status: "error",
          message: "You have reached your ten_secondly_rolling limit.",
          errorType: "RATE_LIMIT",
          policyName: "TEN_SECONDLY_ROLLING",
        });
        expect(err.body.correlationId).toMatch(UUID);
        expect(err.body.groupName).toMatch(/^publicapi:/);
        expect(err.headers["x-hubspot-ratelimit-max"]).toBe("190");
        expect(err.headers["x-hubspot-ratelimit-remaining"]).toBe("0");
        expect(err.headers["x-hubspot-ratelimit-interval-milliseconds"]).toBe("2000");
        expect(err.headers["x-hubspot-ratelimit-daily"]).toBe("1000000");
        expect(rl.stats().http429).toBe(1);

        await sleep(2100);
        const again = await client.crm.properties.groupsApi.getAllWithHttpInfo("contacts");
        expect(again.httpStatusCode).toBe(200);
        expect(again.headers["x-hubspot-ratelimit-remaining"]).toBe("189");
      } finally {
        await rl.close();
      }
    });

    it("budgets per portal and per app: a second portal or app is not limited by the first", async () => {
      const rl = await startHubSpotSandbox({ rollingLimit: 3, windowMs: 5000 });
      try {
        const a = rl.createPortal();
        const b = rl.createPortal();
        const second = rl.addPrivateApp(a.portalId);
        const ca = sdk(rl, a.privateAppToken);
        for (let i = 0; i < 3; i++) await ca.crm.properties.groupsApi.getAll("contacts");
        expect((await apiError(ca.crm.properties.groupsApi.getAll("contacts"))).code).toBe(429);
        await sdk(rl, b.privateAppToken).crm.properties.groupsApi.getAll("contacts");
        await sdk(rl, second.privateAppToken).crm.properties.groupsApi.getAll("contacts");
      } finally {
        await rl.close();
      }
    });

    it("answers DAILY 429 once the portal's daily budget is spent (and the SDK does not retry it)", async () => {
      const { portalId, privateAppToken } = sandbox.createPortal();
      sandbox.faults.exhaustDaily(portalId);
      sandbox.resetLog();
      const client = sdk(sandbox, privateAppToken, 2);
      const err = await apiError(
        client.crm.contacts.batchApi.upsert({ inputs: [{ id: "d@example.com", idProperty: "email", properties: {} }] }),
      );
      expect(err.code).toBe(429);
      expect(err.body).toMatchObject({
        status: "error",
        message: "You have reached your daily limit.",
        errorType: "RATE_LIMIT",
        policyName: "DAILY",
      });
      expect(err.headers["x-hubspot-ratelimit-daily-remaining"]).toBe("0");
      expect(sandbox.requestLog.filter((r) => r.portalId === portalId)).toHaveLength(1);
      expect(sandbox.state(portalId).contacts).toHaveLength(0);
    });
  });

  describe("authentication", () => {
    it("answers 401 INVALID_AUTHENTICATION for unknown and revoked tokens", async () => {
      const { privateAppToken } = sandbox.createPortal();
      const unknown = await apiError(sdk(sandbox, "pat-na1-nope").crm.properties.groupsApi.getAll("contacts"));
      expect(unknown.code).toBe(401);
      expect(unknown.body).toMatchObject({ status: "error", category: "INVALID_AUTHENTICATION" });
      expect(unknown.body.message).toMatch(/^Authentication credentials not found\./);
      expect(unknown.body.correlationId).toMatch(UUID);

      await sdk(sandbox, privateAppToken).crm.properties.groupsApi.getAll("contacts");
      sandbox.revoke(privateAppToken);
      const revoked = await apiError(sdk(sandbox, privateAppToken).crm.properties.groupsApi.getAll("contacts"));
      expect(revoked.code).toBe(401);
      expect(revoked.body.category).toBe("INVALID_AUTHENTICATION");
    });

    it("answers 403 MISSING_SCOPES when the token lacks the endpoint's scope", async () => {
      const { privateAppToken } = sandbox.createPortal({ scopes: ["crm.objects.contacts.read"] });
      const err = await apiError(
        sdk(sandbox, privateAppToken).crm.contacts.batchApi.upsert({
          inputs: [{ id: "s@example.com", idProperty: "email", properties: {} }],
        }),
      );
      expect(err.code).toBe(403);
      expect(err.body).toMatchObject({ status: "error", category: "MISSING_SCOPES" });
      expect(err.body.errors[0].context.requiredGranularScopes).toEqual(["crm.objects.contacts.write"]);
    });

    it("runs the OAuth flow on the dated endpoints: code → tokens → introspection → API call → expiry → refresh → revoke", async () => {
      const { portalId } = sandbox.createPortal();
      const redirect_uri = "https://app.example/auth/hubspot/callback";
      sandbox.oauthClient({ clientId: "pv-client", clientSecret: "pv-secret", redirectUri: redirect_uri });
      const { code } = sandbox.authorize(portalId, "pv-client", [
        "oauth",
        "crm.objects.contacts.write",
        "crm.objects.contacts.read",
        "crm.schemas.contacts.write",
      ]);
      const creds = { client_id: "pv-client", client_secret: "pv-secret" };

      const badSecret = await oauthPost(sandbox, "/token", {
        grant_type: "authorization_code",
        code,
        redirect_uri,
        ...creds,
        client_secret: "wrong",
      });
      expect(badSecret.status).toBe(400);
      expect(badSecret.body).toMatchObject({ error: "invalid_client", error_description: expect.any(String) });

      const issued = await oauthPost(sandbox, "/token", { grant_type: "authorization_code", code, redirect_uri, ...creds });
      expect(issued.status).toBe(200);
      const tokens = issued.body;
      expect(tokens).toMatchObject({ token_type: "bearer", expires_in: 1800, hub_id: portalId, scopes: expect.arrayContaining(["oauth"]) });
      expect(tokens.access_token).toBeTruthy();
      expect(tokens.refresh_token).toBeTruthy();

      const reused = await oauthPost(sandbox, "/token", { grant_type: "authorization_code", code, redirect_uri, ...creds });
      expect(reused).toMatchObject({ status: 400, body: { error: "invalid_grant", error_description: "missing or unknown auth code" } });

      const info = await oauthPost(sandbox, "/token/introspect", { token: tokens.access_token, token_type_hint: "access_token", ...creds });
      expect(info.body).toMatchObject({ active: true, token_use: "access_token", hub_id: portalId, client_id: "pv-client" });
      expect(info.body.scopes).toContain("crm.objects.contacts.write");
      expect(info.body.expires_in).toBeGreaterThan(1700);
      const refreshInfo = await oauthPost(sandbox, "/token/introspect", { token: tokens.refresh_token, ...creds });
      expect(refreshInfo.body).toMatchObject({ active: true, token_use: "refresh_token", hub_id: portalId });
      expect((await oauthPost(sandbox, "/token/introspect", { token: "nope", ...creds })).body).toEqual({ active: false });

      const client = sdk(sandbox, tokens.access_token);
      const res = await client.crm.contacts.batchApi.upsert({ inputs: [{ id: "oauth@example.com", idProperty: "email", properties: {} }] });
      expect(res.results[0]._new).toBe(true);
      const noTicketScope = await apiError(
        client.crm.tickets.basicApi.create({ properties: { subject: "x", hs_pipeline: "0", hs_pipeline_stage: "1" }, associations: [] }),
      );
      expect(noTicketScope.code).toBe(403);

      sandbox.expireAccessTokens(portalId);
      const expired = await apiError(
        client.crm.contacts.batchApi.upsert({ inputs: [{ id: "oauth@example.com", idProperty: "email", properties: {} }] }),
      );
      expect(expired.code).toBe(401);
      expect(expired.body.category).toBe("EXPIRED_AUTHENTICATION");
      expect(expired.body.message).toMatch(/^The OAuth token used to make this call expired \d+ second\(s\) ago\.$/);
      expect((await oauthPost(sandbox, "/token/introspect", { token: tokens.access_token, ...creds })).body).toEqual({ active: false });

      const badRefresh = await oauthPost(sandbox, "/token", { grant_type: "refresh_token", refresh_token: "na1-nope", ...creds });
      expect(badRefresh).toMatchObject({
        status: 400,
        body: { error: "invalid_grant", error_description: "refresh token is invalid, expired or revoked" },
      });

      const refreshed = await oauthPost(sandbox, "/token", { grant_type: "refresh_token", refresh_token: tokens.refresh_token, ...creds });
      expect(refreshed.status).toBe(200);
      expect(refreshed.body.access_token).not.toBe(tokens.access_token);
      expect(refreshed.body.refresh_token).toBe(tokens.refresh_token);
      const after = await sdk(sandbox, refreshed.body.access_token).crm.contacts.batchApi.upsert({
        inputs: [{ id: "oauth@example.com", idProperty: "email", properties: { firstname: "O" } }],
      });
      expect(after.results[0]._new).toBe(false);

      // Revoking the refresh token (HubSpot's revoke endpoint, or the sandbox's helper) ends its access tokens too.
      expect((await oauthPost(sandbox, "/token/revoke", { token: tokens.refresh_token, ...creds })).status).toBe(200);
      expect((await apiError(sdk(sandbox, refreshed.body.access_token).crm.properties.groupsApi.getAll("contacts"))).code).toBe(401);
      const again = await oauthPost(sandbox, "/token", { grant_type: "refresh_token", refresh_token: tokens.refresh_token, ...creds });
      expect(again.body.error).toBe("invalid_grant");
    });

    it("serves no OAuth v1 endpoint: HubSpot retires them on 2027-02-16", async () => {
      const { portalId } = sandbox.createPortal();
      sandbox.oauthClient({ clientId: "pv-v1", clientSecret: "pv-secret", redirectUri: "https://app.example/cb" });
      const { code } = sandbox.authorize(portalId, "pv-v1", ["oauth"]);
      const anon = new Client({ basePath: sandbox.url, numberOfApiCallRetries: 0 });
      // What @hubspot/api-client 14 sends.
      const token = await apiError(anon.oauth.tokensApi.create("authorization_code", code, "https://app.example/cb", "pv-v1", "pv-secret"));
      expect(token.code).toBe(404);
      expect((await apiError(anon.oauth.accessTokensApi.get("whatever"))).code).toBe(404);
      expect((await apiError(anon.oauth.refreshTokensApi.archive("whatever"))).code).toBe(404);
      // The code was not spent by the refused call: the dated endpoint still takes it.
      const dated = await oauthPost(sandbox, "/token", {
        grant_type: "authorization_code",
        code,
        redirect_uri: "https://app.example/cb",
        client_id: "pv-v1",
        client_secret: "pv-secret",
      });
      expect(dated.status).toBe(200);
    });

    it("refuses a JSON body and missing or unknown grant fields with HubSpot's 400 {error, error_description}", async () => {
      const { portalId } = sandbox.createPortal();
      sandbox.oauthClient({ clientId: "pv-strict", clientSecret: "pv-secret", redirectUri: "https://app.example/cb" });
      const { code } = sandbox.authorize(portalId, "pv-strict", ["oauth"]);
      const creds = { client_id: "pv-strict", client_secret: "pv-secret" };
      const shape = (error: string, description: RegExp) => ({
        status: 400,
        body: expect.objectContaining({ error, error_description: expect.stringMatching(description) }),
      });

      for (const path of ["/token", "/token/introspect", "/token/revoke"]) {
        const json = await fetch(`${sandbox.url}/oauth/2026-03${path}`, {
          method: "POST",
          headers: { "Content-Type": "application/json" },
          body: JSON.stringify({ grant_type: "authorization_code", code, redirect_uri: "https://app.example/cb", token: "x", ...creds }),
        });
        expect({ status: json.status, body: await json.json() }, path).toEqual(shape("invalid_request", /x-www-form-urlencoded/));
      }
      const cases: Array<[Record<string, string>, string, RegExp]> = [
        [{ ...creds }, "invalid_request", /missing grant_type/],
        [{ grant_type: "client_credentials", ...creds }, "unsupported_grant_type", /client_credentials/],
        [{ grant_type: "authorization_code", redirect_uri: "https://app.example/cb", ...creds }, "invalid_request", /missing code/],
        [{ grant_type: "authorization_code", code, ...creds }, "invalid_request", /missing redirect_uri/],
        [
          { grant_type: "authorization_code", code, redirect_uri: "https://elsewhere.example/cb", ...creds },
          "invalid_grant",
          /redirect_uri/,
        ],
        [{ grant_type: "refresh_token", ...creds }, "invalid_request", /missing refresh_token/],
        [{ grant_type: "authorization_code", code, redirect_uri: "https://app.example/cb" }, "invalid_client", /client id/],
        [
          { grant_type: "authorization_code", code, redirect_uri: "https://app.example/cb", client_id: "pv-strict" },
          "invalid_client",
          /secret/,
        ],
      ];
      for (const [fields, error, description] of cases)
        expect(await oauthPost(sandbox, "/token", fields), JSON.stringify(fields)).toEqual(shape(error, description));
      expect(await oauthPost(sandbox, "/token/introspect", creds)).toEqual(shape("invalid_request", /missing token/));
      // None of those spent the code.
      const ok = await oauthPost(sandbox, "/token", {
        grant_type: "authorization_code",
        code,
        redirect_uri: "https://app.example/cb",
        ...creds,
      });
      expect(ok.status).toBe(200);
    });
  });

  describe("properties", () => {
    it("creates a property group once; the second create is 409 OBJECT_ALREADY_EXISTS", async () => {
      const { portalId, privateAppToken } = sandbox.createPortal();
      const client = sdk(sandbox, privateAppToken);
      const g = await client.crm.properties.groupsApi.create("contacts", { name: "postventa", label: "Postventa", displayOrder: -1 });
      expect(g).toMatchObject({ name: "postventa", label: "Postventa", archived: false });
      const err = await apiError(
        client.crm.properties.groupsApi.create("contacts", { name: "postventa", label: "Postventa", displayOrder: -1 }),
      );
      expect(err.code).toBe(409);
      expect(err.body).toMatchObject({ status: "error", category: "OBJECT_ALREADY_EXISTS" });
      expect(err.body.message).toMatch(/already exists/);
      expect((await client.crm.properties.groupsApi.getByName("contacts", "postventa")).label).toBe("Postventa");
      expect(sandbox.state(portalId).propertyGroups.contacts.map((x) => x.name)).toContain("postventa");
    });

    it("validates type/fieldType, options, names and groupName", async () => {
      const { privateAppToken } = sandbox.createPortal();
      const client = sdk(sandbox, privateAppToken);
      await client.crm.properties.groupsApi.create("contacts", { name: "postventa", label: "Postventa", displayOrder: -1 });
      const create = (p: Record<string, unknown>) =>
        client.crm.properties.coreApi.create("contacts", { label: "L", groupName: "postventa", ...p } as any);

      for (const bad of [
        { name: "pv_a", type: "number", fieldType: "text" as any },
        { name: "pv_b", type: "date", fieldType: "number" as any },
        { name: "pv_c", type: "enumeration", fieldType: "select" as any },
        { name: "pv_d", type: "string", fieldType: "select" as any },
        { name: "PV_E", type: "string", fieldType: "text" as any },
        { name: "pv_f", type: "string", fieldType: "text" as any, groupName: "nope" },
        { name: "pv_g", type: "bool", fieldType: "text" as any },
      ]) {
        const err = await apiError(create(bad));
        expect(err.code, JSON.stringify(bad)).toBe(400);
        expect(err.body.category).toBe("VALIDATION_ERROR");
      }
      const ok = await create({ name: "pv_ok", type: "datetime", fieldType: "date" as any });
      expect(ok).toMatchObject({ name: "pv_ok", type: "datetime", fieldType: "date" as any, groupName: "postventa" });
      const dup = await apiError(create({ name: "pv_ok", type: "datetime", fieldType: "date" as any }));
      expect(dup.code).toBe(409);
      expect(dup.body.category).toBe("OBJECT_ALREADY_EXISTS");

      const batch: any = await client.crm.properties.batchApi.create("contacts", {
        inputs: [
          { name: "pv_ok", label: "dup", type: "datetime" as any, fieldType: "date" as any, groupName: "postventa" },
          { name: "pv_new", label: "New", type: "bool" as any, fieldType: "booleancheckbox" as any, groupName: "postventa" },
        ],
      });
      expect(batch.results.map((p: any) => p.name)).toEqual(["pv_new"]);
      expect(batch.numErrors).toBe(1);
      expect(batch.errors[0].category).toBe("OBJECT_ALREADY_EXISTS");

      const patched = await client.crm.properties.coreApi.update("contacts", "pv_ok", { label: "Renamed" });
      expect(patched.label).toBe("Renamed");
      expect((await client.crm.properties.coreApi.getByName("contacts", "pv_new")).options.map((o) => o.value)).toEqual(["true", "false"]);
    });
  });

  describe("notes and tickets", () => {
    it("refuses a custom note property, creates a note associated to a contact (type 202), and reads it back through the contact's associations", async () => {
      const { portalId, privateAppToken } = sandbox.createPortal();
      const client = sdk(sandbox, privateAppToken);
      const c = await client.crm.contacts.batchApi.upsert({ inputs: [{ id: "note@example.com", idProperty: "email", properties: {} }] });
      const contactId = c.results[0].id;
      // HubSpot documents no custom properties on notes.
      await expect(
        client.crm.properties.coreApi.create("notes", {
          name: "pv_source_id",
          label: "Postventa id",
          type: "string" as any,
          fieldType: "text" as any,
          groupName: "engagement",
        }),
      ).rejects.toMatchObject({ code: 400 });

      const note = await client.crm.objects.notes.basicApi.create({
        properties: { hs_timestamp: "2026-02-01T10:00:00Z", hs_note_body: "Warranty claim approved" },
        associations: [{ to: { id: contactId }, types: [{ associationCategory: "HUBSPOT_DEFINED" as any, associationTypeId: 202 }] }],
      });
      expect(note.properties.hs_note_body).toBe("Warranty claim approved");

      const s = sandbox.state(portalId);
      expect(s.notes).toHaveLength(1);
      expect(s.associations).toContainEqual(
        expect.objectContaining({
          fromObjectType: "notes",
          fromId: note.id,
          toObjectType: "contacts",
          toId: contactId,
          associationTypeId: 202,
        }),
      );

      // Strongly consistent, at once: the contact's note associations (v4), then the notes by id.
      const assoc = await client.crm.associations.v4.batchApi.getPage("contacts", "notes", { inputs: [{ id: contactId }] } as any);
      expect(assoc.results[0].to.map((t) => String(t.toObjectId))).toEqual([note.id]);
      const read = await client.crm.objects.notes.batchApi.read({
        inputs: [{ id: note.id }],
        properties: ["hs_note_body"],
        propertiesWithHistory: [],
      });
      expect(read.results[0].properties.hs_note_body).toBe("Warranty claim approved");

      const withAssoc = await client.crm.objects.notes.basicApi.getById(note.id, ["hs_note_body"], undefined, ["contacts"]);
      expect(withAssoc.associations?.contacts.results[0].id).toBe(contactId);

      // wrong association type, missing contact, missing hs_timestamp
      const wrongType = await apiError(
        client.crm.objects.notes.basicApi.create({
          properties: { hs_timestamp: "2026-02-01T10:00:00Z" },
          associations: [{ to: { id: contactId }, types: [{ associationCategory: "HUBSPOT_DEFINED" as any, associationTypeId: 1 }] }],
        }),
      );
      expect(wrongType.code).toBe(400);
      const ghost = await apiError(
        client.crm.objects.notes.basicApi.create({
          properties: { hs_timestamp: "2026-02-01T10:00:00Z" },
          associations: [{ to: { id: "999999999" }, types: [{ associationCategory: "HUBSPOT_DEFINED" as any, associationTypeId: 202 }] }],
        }),
      );
      expect(ghost.code).toBe(400);
      expect((await apiError(client.crm.objects.notes.basicApi.create({ properties: { hs_note_body: "x" }, associations: [] }))).code).toBe(
        400,
      );

      // batch create works; batch upsert does not (notes cannot hold unique-value properties)
      const batch = await client.crm.objects.notes.batchApi.create({
        inputs: [{ properties: { hs_timestamp: String(Date.now()), hs_note_body: "b" }, associations: [] }],
      });
      expect(batch.results).toHaveLength(1);
      const upsert = await apiError(
        client.crm.objects.notes.batchApi.upsert({
          inputs: [{ id: "claim-1", idProperty: "pv_source_id", properties: { hs_note_body: "x" } }],
        }),
      );
      expect(upsert.code).toBe(400);
      expect(upsert.body.message).toMatch(/non-unique/);
      const uniqueOnNotes = await apiError(
        client.crm.properties.coreApi.create("notes", {
          name: "pv_uid",
          label: "u",
          type: "string" as any,
          fieldType: "text" as any,
          groupName: "engagement",
          hasUniqueValue: true,
        }),
      );
      expect(uniqueOnNotes.code).toBe(400);
    });

    it("creates tickets (required pipeline, stage, subject), associates to contacts (16) and upserts by a unique property", async () => {
      const { portalId, privateAppToken } = sandbox.createPortal();
      const client = sdk(sandbox, privateAppToken);
      const c = await client.crm.contacts.batchApi.upsert({ inputs: [{ id: "t@example.com", idProperty: "email", properties: {} }] });
      const missing = await apiError(client.crm.tickets.basicApi.create({ properties: { subject: "Broken" }, associations: [] }));
      expect(missing.code).toBe(400);
      expect(missing.body.message).toContain("hs_pipeline");

      const t = await client.crm.tickets.basicApi.create({
        properties: { subject: "Return #1001", hs_pipeline: "0", hs_pipeline_stage: "1", hs_ticket_priority: "HIGH" },
        associations: [{ to: { id: c.results[0].id }, types: [{ associationCategory: "HUBSPOT_DEFINED" as any, associationTypeId: 16 }] }],
      });
      expect(t.properties.subject).toBe("Return #1001");
      expect(sandbox.state(portalId).associations).toContainEqual(expect.objectContaining({ fromId: t.id, associationTypeId: 16 }));

      await client.crm.properties.coreApi.create("tickets", {
        name: "pv_return_id",
        label: "Return id",
        type: "string" as any,
        fieldType: "text" as any,
        groupName: "ticketinformation",
        hasUniqueValue: true,
      });
      const up1 = await client.crm.tickets.batchApi.upsert({
        inputs: [
          { id: "R-1", idProperty: "pv_return_id", properties: { subject: "Return R-1", hs_pipeline: "0", hs_pipeline_stage: "1" } },
        ],
      });
      const up2 = await client.crm.tickets.batchApi.upsert({
        inputs: [{ id: "R-1", idProperty: "pv_return_id", properties: { hs_pipeline_stage: "4" } }],
      });
      expect(up1.results[0]._new).toBe(true);
      expect(up2.results[0]._new).toBe(false);
      expect(up2.results[0].id).toBe(up1.results[0].id);
      expect(sandbox.state(portalId).tickets).toHaveLength(2);
    });
  });

  describe("tickets", () => {
    const ticket = (contactId: string, properties: Record<string, string>) => ({
      properties,
      associations: [{ to: { id: contactId }, types: [{ associationCategory: "HUBSPOT_DEFINED" as any, associationTypeId: 16 }] }],
    });
    const contact = async (client: Client, email: string) =>
      (await client.crm.contacts.batchApi.upsert({ inputs: [{ id: email, idProperty: "email", properties: {} }] })).results[0].id;

    it("creates a batch on the contact (16), answers 207 for the inputs it refuses, and 400 when it refuses them all", async () => {
      const { portalId, privateAppToken } = sandbox.createPortal();
      const client = sdk(sandbox, privateAppToken);
      const contactId = await contact(client, "tk1@example.com");
      const res = await client.crm.tickets.batchApi.create({
        inputs: [
          ticket(contactId, { subject: "Claim C-1", content: "Broken burr", hs_pipeline: "0", hs_pipeline_stage: "1" }),
          ticket(contactId, { subject: "No stage", hs_pipeline: "0" }),
          ticket(contactId, { subject: "Unknown stage", hs_pipeline: "0", hs_pipeline_stage: "99" }),
          ticket(contactId, { content: "No subject", hs_pipeline_stage: "1" }),
        ],
      });
      expect(res.results.map((r) => r.properties.subject)).toEqual(["Claim C-1"]);
      const errors = (res as any).errors as Array<{
        message: string;
        errors: Array<{ code: string; context: { propertyName: string[] } }>;
      }>;
      expect(errors.map((e) => e.errors.map((x) => `${x.context.propertyName[0]}:${x.code}`))).toEqual([
        ["hs_pipeline_stage:REQUIRED_PROPERTY"],
        ["hs_pipeline_stage:INVALID_OPTION"],
        ["subject:REQUIRED_PROPERTY"],
      ]);
      const s = sandbox.state(portalId);
      expect(s.tickets).toHaveLength(1);
      expect(s.associations).toContainEqual(expect.objectContaining({ fromObjectType: "tickets", toId: contactId, associationTypeId: 16 }));
      expect(s.associations).toContainEqual(
        expect.objectContaining({ fromObjectType: "contacts", fromId: contactId, associationTypeId: 15 }),
      );

      const all = await apiError(client.crm.tickets.batchApi.create({ inputs: [ticket(contactId, { subject: "x" })] }));
      expect(all.code).toBe(400);
      expect(all.body.category).toBe("VALIDATION_ERROR");
      // A note's association type is not a ticket's.
      const wrongType = await apiError(
        client.crm.tickets.batchApi.create({
          inputs: [
            {
              properties: { subject: "x", hs_pipeline_stage: "1" },
              associations: [{ to: { id: contactId }, types: [{ associationCategory: "HUBSPOT_DEFINED" as any, associationTypeId: 202 }] }],
            },
          ],
        }),
      );
      expect(wrongType.code).toBe(400);
    });

    it("puts a ticket without a pipeline in the default one, and refuses an unknown pipeline or another pipeline's stage", async () => {
      const { portalId, privateAppToken } = sandbox.createPortal();
      const client = sdk(sandbox, privateAppToken);
      const t = await client.crm.tickets.basicApi.create({ properties: { subject: "Default", hs_pipeline_stage: "2" }, associations: [] });
      expect(t.properties.hs_pipeline).toBe("0");

      sandbox.setTicketPipelines(portalId, [
        {
          id: "0",
          label: "Support Pipeline",
          stages: [
            { id: "1", label: "New" },
            { id: "4", label: "Closed", closed: true },
          ],
        },
        {
          id: "771",
          label: "Returns",
          stages: [
            { id: "9001", label: "Requested" },
            { id: "9002", label: "Done", closed: true },
          ],
        },
      ]);
      const unknownPipeline = await apiError(
        client.crm.tickets.basicApi.create({ properties: { subject: "x", hs_pipeline: "5", hs_pipeline_stage: "1" }, associations: [] }),
      );
      expect(unknownPipeline.code).toBe(400);
      expect(unknownPipeline.body.message).toContain("INVALID_OPTION");
      const otherStage = await apiError(
        client.crm.tickets.basicApi.create({ properties: { subject: "x", hs_pipeline: "771", hs_pipeline_stage: "1" }, associations: [] }),
      );
      expect(otherStage.code).toBe(400);
      expect(otherStage.body.message).toContain("allowed options for pipeline 771");
      const ok = await client.crm.tickets.basicApi.create({
        properties: { subject: "Return", hs_pipeline: "771", hs_pipeline_stage: "9001" },
        associations: [],
      });
      // Moving it to a stage of another pipeline without moving the pipeline is refused; both together are not.
      const moved = await client.crm.tickets.batchApi.update({
        inputs: [
          { id: ok.id, properties: { hs_pipeline_stage: "4" } },
          { id: t.id, properties: { hs_pipeline_stage: "4" } },
        ],
      });
      expect(moved.results.map((r) => r.id)).toEqual([t.id]);
      expect((moved as any).errors[0].context.ids).toEqual([ok.id]);
      await client.crm.tickets.batchApi.update({ inputs: [{ id: ok.id, properties: { hs_pipeline: "0", hs_pipeline_stage: "4" } }] });
      const read = await client.crm.tickets.batchApi.read({
        inputs: [{ id: ok.id }, { id: t.id }],
        properties: ["hs_pipeline", "hs_pipeline_stage", "subject"],
        propertiesWithHistory: [],
      });
      expect(read.results.map((r) => [r.properties.hs_pipeline, r.properties.hs_pipeline_stage])).toEqual([
        ["0", "4"],
        ["0", "4"],
      ]);
    });

    it("serves the ticket pipelines API, 404 for a pipeline that does not exist", async () => {
      const { privateAppToken } = sandbox.createPortal({ scopes: ["crm.objects.contacts.read", "crm.objects.contacts.write"] });
      const client = sdk(sandbox, privateAppToken);
      const all = await client.crm.pipelines.pipelinesApi.getAll("tickets");
      expect(all.results.map((x) => x.id)).toEqual(["0"]);
      const p = await client.crm.pipelines.pipelinesApi.getById("tickets", "0");
      expect(p.stages.map((x) => [x.id, x.label, x.metadata?.ticketState])).toEqual([
        ["1", "New", "OPEN"],
        ["2", "Waiting on contact", "OPEN"],
        ["3", "Waiting on us", "OPEN"],
        ["4", "Closed", "CLOSED"],
      ]);
      expect((await apiError(client.crm.pipelines.pipelinesApi.getById("tickets", "123"))).code).toBe(404);
    });

    it("requires the tickets scope to write or read tickets, and to read a contact's tickets", async () => {
      const { privateAppToken } = sandbox.createPortal({
        scopes: ["crm.objects.contacts.read", "crm.objects.contacts.write", "crm.schemas.contacts.read", "crm.schemas.contacts.write"],
      });
      const client = sdk(sandbox, privateAppToken);
      const contactId = await contact(client, "noscope@example.com");
      const create = await apiError(
        client.crm.tickets.batchApi.create({ inputs: [ticket(contactId, { subject: "x", hs_pipeline_stage: "1" })] }),
      );
      expect(create.code).toBe(403);
      expect(create.body).toMatchObject({ category: "MISSING_SCOPES", errors: [{ context: { requiredGranularScopes: ["tickets"] } }] });
      const assoc = await apiError(
        client.crm.associations.v4.batchApi.getPage("contacts", "tickets", { inputs: [{ id: contactId }] } as any),
      );
      expect(assoc.code).toBe(403);
      expect(assoc.body.category).toBe("MISSING_SCOPES");
    });

    it("applies the fault hooks to tickets: a write that lands after the client gave up, 5xx, 429", async () => {
      const { portalId, privateAppToken } = sandbox.createPortal();
      const client = sdk(sandbox, privateAppToken);
      const contactId = await contact(client, "slow-ticket@example.com");
      sandbox.faults.slowWrites(400, /tickets\/batch\/create/);
      const abort = new AbortController();
      const sent = fetch(`${sandbox.url}/crm/v3/objects/tickets/batch/create`, {
        method: "POST",
        headers: { Authorization: `Bearer ${privateAppToken}`, "Content-Type": "application/json" },
        body: JSON.stringify({ inputs: [ticket(contactId, { subject: "Late", hs_pipeline_stage: "1" })] }),
        signal: abort.signal,
      }).catch((e: Error) => e);
      await sleep(100);
      abort.abort(); // the client gives up; HubSpot still has the request
      expect(await sent).toBeInstanceOf(Error);
      expect(sandbox.state(portalId).tickets).toHaveLength(0);
      await sleep(500);
      expect(sandbox.state(portalId).tickets.map((t) => t.properties.subject)).toEqual(["Late"]);
      sandbox.faults.clear();

      sandbox.faults.failNext(1, 503, { path: /tickets\/batch\/update/ });
      sandbox.faults.failNext(1, 429, { path: /tickets\/batch\/read/ });
      const id = sandbox.state(portalId).tickets[0].id;
      expect((await apiError(client.crm.tickets.batchApi.update({ inputs: [{ id, properties: { hs_pipeline_stage: "4" } }] }))).code).toBe(
        503,
      );
      const limited = await apiError(client.crm.tickets.batchApi.read({ inputs: [{ id }], properties: [], propertiesWithHistory: [] }));
      expect(limited).toMatchObject({ code: 429, body: { policyName: "TEN_SECONDLY_ROLLING" } });
      expect(sandbox.state(portalId).tickets[0].properties.hs_pipeline_stage).toBe("1");
    });
  });

  describe("timeline events", () => {
    it("answers 403 when the portal has not approved timeline events", async () => {
      const { privateAppToken } = sandbox.createPortal({ timelineApproved: false });
      const { eventTemplateId } = sandbox.createTimelineTemplate({ privateAppToken, tokens: ["claim"] });
      const err = await apiError(
        sdk(sandbox, privateAppToken).crm.timeline.eventsApi.create({
          eventTemplateId,
          email: "tl@example.com",
          tokens: { claim: "1" },
          id: "ev-1",
        }),
      );
      expect(err.code).toBe(403);
      expect(err.body).toMatchObject({ status: "error", category: "MISSING_SCOPES" });
    });

    it("creates events on approved portals; a repeated id is a 409", async () => {
      const { portalId, privateAppToken } = sandbox.createPortal({ timelineApproved: true });
      const { eventTemplateId } = sandbox.createTimelineTemplate({ privateAppToken, tokens: ["claim"] });
      const client = sdk(sandbox, privateAppToken);
      const ev = await client.crm.timeline.eventsApi.create({
        eventTemplateId,
        email: "tl@example.com",
        tokens: { claim: "1" },
        id: "ev-1",
      });
      expect(ev.id).toBe("ev-1");
      expect(sandbox.state(portalId).contacts.map((c) => c.properties.email)).toEqual(["tl@example.com"]);
      const dup = await apiError(
        client.crm.timeline.eventsApi.create({ eventTemplateId, email: "tl@example.com", tokens: { claim: "1" }, id: "ev-1" }),
      );
      expect(dup.code).toBe(409);
      const unknownToken = await apiError(
        client.crm.timeline.eventsApi.create({ eventTemplateId, email: "tl@example.com", tokens: { other: "1" }, id: "ev-2" }),
      );
      expect(unknownToken.code).toBe(400);
      const batch: any = await client.crm.timeline.eventsApi.createBatch({
        inputs: [
          { eventTemplateId, email: "tl@example.com", tokens: { claim: "2" }, id: "ev-3" },
          { eventTemplateId, email: "tl@example.com", tokens: { claim: "1" }, id: "ev-1" },
        ],
      });
      expect(batch.results).toHaveLength(1);
      expect(batch.numErrors).toBe(1);
      expect(sandbox.state(portalId).timelineEvents).toHaveLength(2);
    });
  });

  describe("faults", () => {
    it("injects 5xx that the SDK surfaces (and retries when asked to)", async () => {
      const { privateAppToken } = sandbox.createPortal();
      sandbox.faults.failNext(1, 500, { path: /\/batch\/upsert$/ });
      const client = sdk(sandbox, privateAppToken);
      const e500 = await apiError(
        client.crm.contacts.batchApi.upsert({ inputs: [{ id: "f@example.com", idProperty: "email", properties: {} }] }),
      );
      expect(e500.code).toBe(500);
      expect(e500.body.correlationId).toMatch(UUID);

      sandbox.faults.failNext(1, 502);
      const e502 = await apiError(client.crm.properties.groupsApi.getAll("contacts"));
      expect(e502.code).toBe(502);
      expect(e502.headers["content-type"]).toMatch(/text\/html/);

      sandbox.faults.failNext(2, 503);
      const retrying = sdk(sandbox, privateAppToken, 3);
      const ok = await retrying.crm.properties.groupsApi.getAll("contacts");
      expect(ok.results.length).toBeGreaterThan(0);

      sandbox.faults.failNext(1, 429, { policyName: "TEN_SECONDLY_ROLLING" });
      const e429 = await apiError(sdk(sandbox, privateAppToken).crm.properties.groupsApi.getAll("contacts"));
      expect(e429.body.policyName).toBe("TEN_SECONDLY_ROLLING");
    });

    it("answers 503 to every request during an outage, then recovers", async () => {
      const { privateAppToken } = sandbox.createPortal();
      const client = sdk(sandbox, privateAppToken);
      sandbox.faults.outage(300);
      expect((await apiError(client.crm.properties.groupsApi.getAll("contacts"))).code).toBe(503);
      expect((await apiError(client.crm.contacts.batchApi.upsert({ inputs: [] }))).code).toBe(503);
      await sleep(350);
      expect((await client.crm.properties.groupsApi.getAll("contacts")).results.length).toBeGreaterThan(0);
    });

    it("adds latency", async () => {
      const { privateAppToken } = sandbox.createPortal();
      sandbox.faults.latency(120);
      const t0 = Date.now();
      await sdk(sandbox, privateAppToken).crm.properties.groupsApi.getAll("contacts");
      expect(Date.now() - t0).toBeGreaterThanOrEqual(110);
    });
  });

  it("keeps portals apart", async () => {
    const a = sandbox.createPortal();
    const b = sandbox.createPortal();
    const ca = sdk(sandbox, a.privateAppToken);
    const cb = sdk(sandbox, b.privateAppToken);
    const made = await ca.crm.contacts.batchApi.upsert({
      inputs: [{ id: "shared@example.com", idProperty: "email", properties: { firstname: "A" } }],
    });
    await ca.crm.properties.groupsApi.create("contacts", { name: "only_a", label: "Only A", displayOrder: -1 });

    expect((await apiError(cb.crm.contacts.basicApi.getById(made.results[0].id))).code).toBe(404);
    expect((await apiError(cb.crm.properties.groupsApi.getByName("contacts", "only_a"))).code).toBe(404);
    const bSide = await cb.crm.contacts.batchApi.upsert({
      inputs: [{ id: "shared@example.com", idProperty: "email", properties: { firstname: "B" } }],
    });
    expect(bSide.results[0]._new).toBe(true);
    expect(bSide.results[0].id).not.toBe(made.results[0].id);
    expect(sandbox.state(a.portalId).contacts[0].properties.firstname).toBe("A");
    expect(sandbox.state(b.portalId).contacts[0].properties.firstname).toBe("B");
    expect(sandbox.state(b.portalId).propertyGroups.contacts.map((g) => g.name)).not.toContain("only_a");
  });

  it("answers unknown routes with a 404 HubSpot error body", async () => {
    const { privateAppToken } = sandbox.createPortal();
    const client = sdk(sandbox, privateAppToken);
    const res = await client.apiRequest({ method: "GET", path: "/crm/v3/nothing-here" });
    expect(res.status).toBe(404);
    const body = await res.json();
    expect(body).toMatchObject({ status: "error" });
    expect(body.correlationId).toMatch(UUID);
  });
});
