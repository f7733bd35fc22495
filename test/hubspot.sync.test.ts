// The HubSpot sync end to end: signed webhooks into the real server, the outbox, the queue's sync
// job, @hubspot/api-client, and the local HubSpot sandbox holding what arrived.
import { eventIdOf } from "../integrations/hubspot/client.server.ts";
import { tuneHubSpotSync } from "../app/hubspot/tuning.server.ts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startHubSpotSandbox, type HubSpotSandbox } from "./sandboxes/hubspot/server.ts";
import { startStack, type Stack, DEV_HUBSPOT_CLIENT } from "./stack.ts";
import { approveOAuth, customerUpdate, deliver, hubspotHoldings, paidOrder, waitForHubSpot, waitForSyncIdle } from "./hubspot-helpers.ts";
import { CONTACT_PROPERTIES } from "../integrations/hubspot/properties.ts";

const SHOP = "hubspot-test.myshopify.com";
const OTHER = "otra-tienda.myshopify.com";
let stack: Stack;
let sandbox: HubSpotSandbox;
let connection: typeof import("../app/hubspot/connection.server.ts");
let status: typeof import("../app/hubspot/status.server.ts");
let portal: { portalId: number; privateAppToken: string };
let output = "";
const restore: Array<() => void> = [];

beforeAll(async () => {
  // Everything this process writes is kept, to check no token ever reaches a log.
  for (const stream of [process.stdout, process.stderr]) {
    const write = stream.write.bind(stream);
    stream.write = ((chunk: unknown, ...rest: unknown[]) => {
      output += String(chunk);
      return write(chunk as never, ...(rest as []));
    }) as typeof stream.write;
    restore.push(() => (stream.write = write));
  }
  sandbox = await startHubSpotSandbox({ rollingLimit: 190 });
  process.env.HUBSPOT_BASE_URL = sandbox.url;
  tuneHubSpotSync({ coalesceMs: 500, requestTimeoutMs: 1500, landingGraceMs: 500 });
  sandbox.oauthClient({ ...DEV_HUBSPOT_CLIENT, redirectUri: "http://localhost:3000/hubspot/callback" });
  stack = await startStack({ database: "postventa_test_hubspot", build: false });
  await stack.installShop(SHOP);
  await stack.installShop(OTHER);
  connection = await import("../app/hubspot/connection.server.ts");
  status = await import("../app/hubspot/status.server.ts");
  portal = sandbox.createPortal({ rollingLimit: 190 });
});
afterAll(async () => {
  await stack?.stop();
  await sandbox?.close();
  for (const r of restore) r();
});

const sent = (pathPart: RegExp) => sandbox.requestLog.filter((r) => pathPart.test(r.path));

describe("connecting", () => {
  it("refuses a token that is not a HubSpot private app token, and one HubSpot rejects, with a message", async () => {
    await expect(connection.connectPrivateApp(SHOP, "hello", 190)).rejects.toThrow(/private app access token/);
    await expect(connection.connectPrivateApp(SHOP, "pat-na1-00000000-0000-0000-0000-000000000000", 190)).rejects.toThrow(
      /did not accept this token/,
    );
    expect((await stack.pool.query(`SELECT count(*)::int AS n FROM "HubSpotConnection"`)).rows[0].n).toBe(0);
  });

  it("creates the Postventa property group and properties once, however often it connects", async () => {
    await connection.connectPrivateApp(SHOP, portal.privateAppToken, 190);
    await connection.connectPrivateApp(SHOP, portal.privateAppToken, 190);
    const s = sandbox.state(portal.portalId);
    expect(s.propertyGroups.contacts.filter((g) => g.name === "postventa")).toHaveLength(1);
    const ours = s.properties.contacts.filter((p) => p.groupName === "postventa");
    expect(ours.map((p) => p.name).sort()).toEqual(CONTACT_PROPERTIES.map((p) => p.name).sort());
    expect(ours.find((p) => p.name === "postventa_nps_category")?.options.map((o) => o.value)).toEqual([
      "promoter",
      "passive",
      "detractor",
    ]);
    expect(ours.find((p) => p.name === "postventa_last_order_date")?.type).toBe("date");
    // HubSpot documents no custom properties on notes: none is created (the sandbox refuses them).
    expect(s.properties.notes.filter((p) => p.name.startsWith("postventa_"))).toHaveLength(0);
  });

  it("stores the token encrypted", async () => {
    const { rows } = await stack.pool.query(`SELECT row_to_json(c)::text AS j FROM "HubSpotConnection" c`);
    expect(rows[0].j).not.toContain(portal.privateAppToken);
  });
});

describe("what flows", () => {
  it("writes each customer's contact with their properties and one note per interaction, on the right contact", async () => {
    await deliver(
      stack.url,
      SHOP,
      "orders/paid",
      paidOrder(5001n, { id: 7001n, email: "lucia@example.com", firstName: "Lucía", lastName: "Pérez" }, "250.00"),
    );
    await deliver(stack.url, SHOP, "orders/paid", paidOrder(5002n, { id: null, email: "guest@example.com" }, "80.00"));
    await waitForHubSpot(stack.pool, SHOP);
    const h = hubspotHoldings(sandbox, portal.portalId);
    const lucia = h.contactsByEmail.get("lucia@example.com")!;
    expect(lucia).toHaveLength(1);
    expect(lucia[0].properties).toMatchObject({
      firstname: "Lucía",
      lastname: "Pérez",
      postventa_points_balance: "250",
      postventa_lifetime_points: "250",
      postventa_tier: "Bronze",
      postventa_orders_count: "1",
      postventa_total_spent: "250",
      postventa_active_warranties: "0",
      postventa_first_order_date: new Date().toISOString().slice(0, 10),
    });
    expect(h.contactsByEmail.get("guest@example.com")?.[0].properties.postventa_points_balance).toBe("80");
    const { rows } = await stack.pool.query(`SELECT key, "hubspotObjectId", state FROM "HubSpotInteraction" WHERE shop = $1`, [SHOP]);
    expect(rows.length).toBeGreaterThanOrEqual(4); // per order: paid, points earned, warranty registered
    for (const r of rows) {
      expect(r.state).toBe("synced");
      expect(h.notesByEvent.get(r.key)).toBe(1);
    }
    const paidNote = h.state.notes.find((n) => eventIdOf(n.properties.hs_note_body) === "order:5001:paid")!;
    expect(paidNote.properties.hs_note_body).toContain("250.00 USD");
    expect(h.noteContact.get(paidNote.id)).toBe(lucia[0].id);
  });

  it("coalesces a burst of changes to one contact into one write", async () => {
    await waitForSyncIdle(stack.pool, SHOP);
    sandbox.resetLog();
    for (let i = 0; i < 5; i++)
      await deliver(stack.url, SHOP, "orders/paid", paidOrder(5100n + BigInt(i), { id: 7001n, email: "lucia@example.com" }, "10.00"));
    await waitForHubSpot(stack.pool, SHOP);
    const upserts = sent(/contacts\/batch\/(upsert|update)/);
    expect(upserts.length).toBeLessThanOrEqual(2);
    expect(hubspotHoldings(sandbox, portal.portalId).contactsByEmail.get("lucia@example.com")![0].properties.postventa_points_balance).toBe(
      "300",
    );
  });

  it("sends at most 100 inputs a request", async () => {
    sandbox.resetLog();
    for (let i = 0; i < 230; i++)
      await deliver(
        stack.url,
        SHOP,
        "orders/paid",
        paidOrder(6000n + BigInt(i), { id: 8000n + BigInt(i), email: `bulk${i}@example.com` }, "15.00"),
      );
    await waitForHubSpot(stack.pool, SHOP, 120_000);
    const writes = sent(/\/batch\/(upsert|create|update)$/);
    expect(Math.max(...writes.map((w) => w.inputs ?? 0))).toBe(100);
    expect(sent(/contacts\/batch\/upsert/).reduce((n, w) => n + (w.inputs ?? 0), 0)).toBeGreaterThanOrEqual(230);
    const h = hubspotHoldings(sandbox, portal.portalId);
    for (let i = 0; i < 230; i++) expect(h.contactsByEmail.get(`bulk${i}@example.com`)).toHaveLength(1);
    expect([...h.notesByEvent.values()].every((n) => n === 1)).toBe(true);
  });

  it("keeps one contact when the customer's email changes", async () => {
    await deliver(stack.url, SHOP, "customers/update", customerUpdate(7001n, "lucia.perez@example.com", "Lucía", "Pérez"));
    await waitForHubSpot(stack.pool, SHOP);
    const h = hubspotHoldings(sandbox, portal.portalId);
    expect(h.contactsByEmail.get("lucia@example.com")).toBeUndefined();
    expect(h.contactsByEmail.get("lucia.perez@example.com")).toHaveLength(1);
    expect(h.contactsByEmail.get("lucia.perez@example.com")![0].properties.postventa_points_balance).toBe("300");
  });

  it("records a customer without email as skipped, with the reason", async () => {
    await deliver(stack.url, SHOP, "customers/create", customerUpdate(7002n, null, "Sin", "Correo"));
    await waitForHubSpot(stack.pool, SHOP);
    const { rows } = await stack.pool.query(
      `SELECT s.state, s.reason FROM "HubSpotContactSync" s JOIN "Customer" c ON c.id = s."customerId" WHERE c."shopifyCustomerId" = '7002'`,
    );
    expect(rows[0]).toMatchObject({ state: "skipped", reason: expect.stringMatching(/No email/) });
  });
});

describe("faults", () => {
  it("waits out 429 TEN_SECONDLY_ROLLING and 5xx answers, and still writes each note once", async () => {
    sandbox.faults.failNext(2, 429, { path: /notes\/batch\/create/ });
    sandbox.faults.failNext(2, 503, { path: /contacts\/batch/ });
    sandbox.faults.failNext(1, 502, { path: /notes\/batch\/create/ });
    for (let i = 0; i < 3; i++)
      await deliver(
        stack.url,
        SHOP,
        "orders/paid",
        paidOrder(6500n + BigInt(i), { id: 8500n + BigInt(i), email: `fault${i}@example.com` }),
      );
    await waitForHubSpot(stack.pool, SHOP, 60_000);
    const h = hubspotHoldings(sandbox, portal.portalId);
    for (let i = 0; i < 3; i++) {
      expect(h.notesByEvent.get(`order:${6500 + i}:paid`)).toBe(1);
      expect(h.contactsByEmail.get(`fault${i}@example.com`)).toHaveLength(1);
    }
    expect([...h.notesByEvent.values()].every((n) => n === 1)).toBe(true);
  });

  it("asks HubSpot before sending again a batch whose answer was lost, so no note is written twice", async () => {
    sandbox.resetLog();
    sandbox.faults.slowAnswers(2500, /notes\/batch\/create/); // HubSpot writes the notes; the answer comes after our 1.5 s timeout
    await deliver(stack.url, SHOP, "orders/paid", paidOrder(6550n, { id: 8550n, email: "lento@example.com" }));
    const deadline = Date.now() + 30_000;
    while (!hubspotHoldings(sandbox, portal.portalId).notesByEvent.has("order:6550:paid") && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 100));
    await new Promise((r) => setTimeout(r, 1600)); // the timeout fires: the rows stay `sending`
    sandbox.faults.clear();
    await waitForHubSpot(stack.pool, SHOP);
    expect(hubspotHoldings(sandbox, portal.portalId).notesByEvent.get("order:6550:paid")).toBe(1);
    // Looked up on the contact (strongly consistent), never by search (eventually consistent).
    expect(sent(/associations\/contacts\/notes\/batch\/read/).length).toBeGreaterThan(0);
    expect(sent(/search/)).toHaveLength(0);
    expect([...hubspotHoldings(sandbox, portal.portalId).notesByEvent.values()].every((n) => n === 1)).toBe(true);
  });

  it("waits out a write that lands after the request was given up, then finds it instead of writing it again", async () => {
    sandbox.resetLog();
    // HubSpot applies the batch 1.7 s after receiving it; we abort at 1.5 s and look only 2 s after sending.
    sandbox.faults.slowWrites(1700, /notes\/batch\/create/);
    await deliver(stack.url, SHOP, "orders/paid", paidOrder(6560n, { id: 8560n, email: "tarde@example.com" }));
    const deadline = Date.now() + 30_000;
    while (!hubspotHoldings(sandbox, portal.portalId).notesByEvent.has("order:6560:paid") && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 100));
    sandbox.faults.clear();
    await waitForHubSpot(stack.pool, SHOP);
    expect(hubspotHoldings(sandbox, portal.portalId).notesByEvent.get("order:6560:paid")).toBe(1);
    expect([...hubspotHoldings(sandbox, portal.portalId).notesByEvent.values()].every((n) => n === 1)).toBe(true);
  });

  it("writes what HubSpot accepts from a 207, and lists what it refuses with HubSpot's message, once", async () => {
    sandbox.resetLog();
    await deliver(stack.url, SHOP, "orders/paid", paidOrder(6600n, { id: 8600n, email: "bien@example.com" }));
    await deliver(stack.url, SHOP, "orders/paid", paidOrder(6601n, { id: 8601n, email: "esto-no-es-un-email" }));
    await waitForHubSpot(stack.pool, SHOP);
    const h = hubspotHoldings(sandbox, portal.portalId);
    expect(h.contactsByEmail.get("bien@example.com")).toHaveLength(1);
    const s = await status.hubspotStatus(SHOP);
    const failure = s.failures.find((f) => f.what.includes("esto-no-es-un-email"))!;
    expect(failure.reason).toMatch(/invalid/i);
    const attemptsBefore = sent(/contacts\/batch/).length;
    await new Promise((r) => setTimeout(r, 1500));
    expect(sent(/contacts\/batch/).length).toBe(attemptsBefore); // not retried forever

    // The merchant's retry sends it once more, alone; HubSpot refuses it again, so it stays listed.
    await status.retryFailures(SHOP);
    await waitForHubSpot(stack.pool, SHOP);
    expect(sent(/contacts\/batch/).length).toBe(attemptsBefore + 1);
    expect((await status.hubspotStatus(SHOP)).failures.some((f) => f.what.includes("esto-no-es-un-email"))).toBe(true);
  });

  it("pauses on HubSpot's DAILY limit until the account's midnight, says so, and resumes after", async () => {
    sandbox.faults.failNext(1, 429, { policyName: "DAILY" });
    await deliver(stack.url, SHOP, "orders/paid", paidOrder(6700n, { id: 8700n, email: "diario@example.com" }));
    await waitForHubSpot(stack.pool, SHOP);
    let s = await status.hubspotStatus(SHOP);
    expect(s.connection).toMatchObject({ state: "paused", pausedReason: "daily_limit" });
    expect(new Date(s.connection!.pausedUntil!).getTime()).toBeGreaterThan(Date.now());
    expect(s.connection!.lastError).toMatch(/daily API limit/);
    expect(s.backlog.contacts + s.backlog.notes, JSON.stringify({ s, log: sandbox.requestLog.slice(-4) })).toBeGreaterThan(0);

    // Midnight comes (we move it): the sweep resumes the sync.
    await stack.pool.query(`UPDATE "HubSpotConnection" SET "pausedUntil" = now() - interval '1 second' WHERE shop = $1`, [SHOP]);
    await connection.sweep();
    await waitForHubSpot(stack.pool, SHOP);
    s = await status.hubspotStatus(SHOP);
    expect(s.connection!.state).toBe("active");
    expect(hubspotHoldings(sandbox, portal.portalId).contactsByEmail.get("diario@example.com")).toHaveLength(1);
  });

  it("pauses and tells the merchant when HubSpot revokes the token", async () => {
    const second = sandbox.addPrivateApp(portal.portalId);
    await connection.connectPrivateApp(SHOP, second.privateAppToken, 190);
    await waitForHubSpot(stack.pool, SHOP);
    sandbox.revoke(second.privateAppToken);
    await deliver(stack.url, SHOP, "orders/paid", paidOrder(6800n, { id: 8800n, email: "revocado@example.com" }));
    await waitForHubSpot(stack.pool, SHOP);
    const s = await status.hubspotStatus(SHOP);
    expect(s.connection).toMatchObject({ state: "paused", pausedReason: "auth" });
    expect(s.connection!.lastError).toMatch(/Paste a new one/);
    // Connecting again with a good token picks up where it stopped.
    await connection.connectPrivateApp(SHOP, portal.privateAppToken, 190);
    await waitForHubSpot(stack.pool, SHOP);
    expect(hubspotHoldings(sandbox, portal.portalId).contactsByEmail.get("revocado@example.com")).toHaveLength(1);
  });
});

describe("OAuth, two shops, two accounts", () => {
  let oauthPortal: { portalId: number };

  it("connects the other shop by OAuth, refreshes an expired token, and never mixes the shops", async () => {
    oauthPortal = sandbox.createPortal({ rollingLimit: 110 });
    // The merchant grants the required scopes (the optional one, tickets, is not approved here).
    const { authorize, code, state, cookie } = await approveOAuth(connection, sandbox, OTHER, oauthPortal.portalId);
    expect(authorize.searchParams.get("scope")).toContain("crm.objects.contacts.write");
    const { consumeOAuthState } = await import("../app/hubspot/oauth-state.server.ts");
    await expect(consumeOAuthState(state.slice(0, -1) + (state.endsWith("x") ? "y" : "x"), cookie)).rejects.toThrow(/not valid/);
    expect(await consumeOAuthState(state, cookie)).toBe(OTHER);
    await connection.completeOAuth(OTHER, code);

    await deliver(stack.url, OTHER, "orders/paid", paidOrder(9001n, { id: 9901n, email: "otra@example.com" }));
    await waitForHubSpot(stack.pool, OTHER);
    sandbox.expireAccessTokens(oauthPortal.portalId);
    await deliver(stack.url, OTHER, "orders/paid", paidOrder(9002n, { id: 9901n, email: "otra@example.com" }));
    await waitForHubSpot(stack.pool, OTHER);

    const other = hubspotHoldings(sandbox, oauthPortal.portalId);
    expect([...other.contactsByEmail.keys()]).toEqual(["otra@example.com"]);
    expect(other.contactsByEmail.get("otra@example.com")![0].properties.postventa_points_balance).toBe("240");
    expect(hubspotHoldings(sandbox, portal.portalId).contactsByEmail.get("otra@example.com")).toBeUndefined();
    expect((await status.hubspotStatus(OTHER)).connection?.state).toBe("active");
  });

  it("pauses when the refresh token is revoked", async () => {
    const { rows } = await stack.pool.query(`SELECT "refreshTokenEnc" FROM "HubSpotConnection" WHERE shop = $1`, [OTHER]);
    const { decryptSecret } = await import("../app/secrets.server.ts");
    sandbox.revoke(decryptSecret(rows[0].refreshTokenEnc, { shop: OTHER, field: "HubSpotConnection.refreshToken" }));
    sandbox.expireAccessTokens(oauthPortal.portalId);
    await deliver(stack.url, OTHER, "orders/paid", paidOrder(9003n, { id: 9901n, email: "otra@example.com" }));
    // Waits for the pause itself (the backlog's emptiness says nothing here), and says what it saw if none came.
    const deadline = Date.now() + 30_000;
    let seen = await status.hubspotStatus(OTHER);
    while (seen.connection?.state !== "paused" && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100));
      seen = await status.hubspotStatus(OTHER);
    }
    expect(seen.connection, JSON.stringify({ backlog: seen.backlog, failures: seen.failures, skipped: seen.skipped })).toMatchObject({
      state: "paused",
      pausedReason: "auth",
    });
  });

  it("disconnecting forgets the tokens and stops the sync", async () => {
    await connection.disconnect(OTHER);
    expect((await stack.pool.query(`SELECT count(*)::int AS n FROM "HubSpotConnection" WHERE shop = $1`, [OTHER])).rows[0].n).toBe(0);
    const before = sandbox.requestLog.length;
    await deliver(stack.url, OTHER, "orders/paid", paidOrder(9004n, { id: 9901n, email: "otra@example.com" }));
    await new Promise((r) => setTimeout(r, 1500));
    expect(sandbox.requestLog.length).toBe(before);
    expect((await status.hubspotStatus(OTHER)).connection).toBeNull();
  });
});

describe("secrets", () => {
  it("never writes a token to the logs", async () => {
    const tokens = [portal.privateAppToken];
    const { rows } = await stack.pool.query(`SELECT shop, "accessTokenEnc" FROM "HubSpotConnection"`);
    const { decryptSecret } = await import("../app/secrets.server.ts");
    for (const r of rows) tokens.push(decryptSecret(r.accessTokenEnc, { shop: r.shop, field: "HubSpotConnection.accessToken" }));
    expect(output.length).toBeGreaterThan(0);
    for (const t of tokens) expect(output).not.toContain(t);
  });
});
