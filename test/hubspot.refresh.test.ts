// The OAuth token refresh against a slow HubSpot: no database lock or transaction is held while
// HubSpot answers, and processes refreshing at once end with one token pair, all of them using it.
import { createCipheriv, randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startHubSpotSandbox, type HubSpotSandbox } from "./sandboxes/hubspot/server.ts";
import { DEV_HUBSPOT_CLIENT, startStack, type Stack } from "./stack.ts";
import { approveOAuth } from "./hubspot-helpers.ts";

const SHOP = "refresh-test.myshopify.com";
let stack: Stack;
let sandbox: HubSpotSandbox;
let connection: typeof import("../app/hubspot/connection.server.ts");
let portalId: number;

beforeAll(async () => {
  sandbox = await startHubSpotSandbox();
  process.env.HUBSPOT_BASE_URL = sandbox.url;
  sandbox.oauthClient({ ...DEV_HUBSPOT_CLIENT, redirectUri: "http://localhost:3000/hubspot/callback" });
  // No worker: nothing but the test touches the connection.
  stack = await startStack({ database: "postventa_test_refresh", build: false, worker: false });
  await stack.installShop(SHOP);
  connection = await import("../app/hubspot/connection.server.ts");
  const { consumeOAuthState } = await import("../app/hubspot/oauth-state.server.ts");
  portalId = sandbox.createPortal({ rollingLimit: 110 }).portalId;
  const { code, state, cookie } = await approveOAuth(connection, sandbox, SHOP, portalId);
  await connection.completeOAuth(await consumeOAuthState(state, cookie), code);
});
afterAll(async () => {
  await stack?.stop();
  await sandbox?.close();
});

const row = async () => (await stack.pool.query(`SELECT * FROM "HubSpotConnection" WHERE shop = $1`, [SHOP])).rows[0];
// The stored access token expires within the refresh margin (and HubSpot no longer takes it).
async function expireStoredToken() {
  sandbox.expireAccessTokens(portalId);
  await stack.pool.query(`UPDATE "HubSpotConnection" SET "accessTokenExpiry" = "accessTokenExpiry" - interval '1 hour' WHERE shop = $1`, [
    SHOP,
  ]);
}
const accepted = async (token: string) =>
  (await fetch(`${sandbox.url}/account-info/v3/details`, { headers: { Authorization: `Bearer ${token}` } })).status === 200;
const tokenRequests = () => sandbox.requestLog.filter((r) => r.path === "/oauth/2026-03/token").length;

describe("HubSpot token refresh", () => {
  it("holds no lock while HubSpot is slow: other writes to the connection row go through at once", async () => {
    await expireStoredToken();
    sandbox.faults.slowAnswers(3000, /^\/oauth\/2026-03\/token$/);
    try {
      const refreshing = connection.accessTokenFor(
        await (await import("../app/db.server.ts")).default.hubSpotConnection.findUniqueOrThrow({ where: { shop: SHOP } }),
      );
      await new Promise((r) => setTimeout(r, 800)); // the refresh is now waiting on HubSpot

      const { rows: open } = await stack.pool.query(
        `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND state LIKE 'idle in transaction%'`,
      );
      expect(open[0].n).toBe(0);
      const client = await stack.pool.connect();
      try {
        const started = Date.now();
        await client.query(`BEGIN; SET LOCAL lock_timeout = '1s'`);
        await client.query(`UPDATE "HubSpotConnection" SET "lastError" = 'written meanwhile' WHERE shop = $1`, [SHOP]);
        await client.query("COMMIT");
        expect(Date.now() - started).toBeLessThan(1000);
      } finally {
        client.release();
      }

      const token = await refreshing;
      expect(await accepted(token)).toBe(true);
      const after = await row();
      expect(after.lastError).toBe("written meanwhile"); // the refresh wrote its tokens, not the whole row
      expect(after.refreshingUntil).toBeNull();
      const { decryptSecret } = await import("../app/secrets.server.ts");
      expect(decryptSecret(after.accessTokenEnc, { shop: SHOP, field: "HubSpotConnection.accessToken" })).toBe(token);
    } finally {
      sandbox.faults.clear();
    }
  });

  it("two processes refreshing at once: one request to HubSpot, one token pair, both use it", async () => {
    await expireStoredToken();
    const before = await row();
    const { decryptSecret } = await import("../app/secrets.server.ts");
    const rejected = decryptSecret(before.accessTokenEnc, { shop: SHOP, field: "HubSpotConnection.accessToken" });
    sandbox.resetLog();
    sandbox.faults.slowAnswers(1000, /^\/oauth\/2026-03\/token$/);
    try {
      // As two sync lanes that both just got a 401 for the same token.
      const [a, b, c] = await Promise.all([
        connection.refresh(SHOP, rejected),
        connection.refresh(SHOP, rejected),
        connection.refresh(SHOP, rejected),
      ]);
      expect(new Set([a, b, c]).size).toBe(1);
      expect(a).not.toBe(rejected);
      expect(tokenRequests()).toBe(1);
      expect(await accepted(a)).toBe(true);
      const after = await row();
      expect(after.tokenVersion).toBe(before.tokenVersion + 1);
      expect(decryptSecret(after.accessTokenEnc, { shop: SHOP, field: "HubSpotConnection.accessToken" })).toBe(a);
      expect(decryptSecret(after.refreshTokenEnc, { shop: SHOP, field: "HubSpotConnection.refreshToken" })).toBe(
        decryptSecret(before.refreshTokenEnc, { shop: SHOP, field: "HubSpotConnection.refreshToken" }),
      );
    } finally {
      sandbox.faults.clear();
    }
  });

  it("a reconnect while a refresh is on its way wins: the refresh does not write over the new tokens", async () => {
    await expireStoredToken();
    sandbox.faults.slowAnswers(1500, /^\/oauth\/2026-03\/token$/);
    try {
      const refreshing = connection.refresh(SHOP);
      await new Promise((r) => setTimeout(r, 500));
      sandbox.faults.clear();
      const { consumeOAuthState } = await import("../app/hubspot/oauth-state.server.ts");
      const { code, state, cookie } = await approveOAuth(connection, sandbox, SHOP, portalId);
      await connection.completeOAuth(await consumeOAuthState(state, cookie), code);
      const reconnected = await row();
      const token = await refreshing;
      expect(await row()).toMatchObject({ accessTokenEnc: reconnected.accessTokenEnc, refreshTokenEnc: reconnected.refreshTokenEnc });
      const { decryptSecret } = await import("../app/secrets.server.ts");
      expect(token).toBe(decryptSecret(reconnected.accessTokenEnc, { shop: SHOP, field: "HubSpotConnection.accessToken" }));
    } finally {
      sandbox.faults.clear();
    }
  });

  it("tokens stored before key ids (v1) are still used, and written again in the current format", async () => {
    const { decryptSecret } = await import("../app/secrets.server.ts");
    const before = await row();
    const plain = {
      access: decryptSecret(before.accessTokenEnc, { shop: SHOP, field: "HubSpotConnection.accessToken" }),
      refresh: decryptSecret(before.refreshTokenEnc, { shop: SHOP, field: "HubSpotConnection.refreshToken" }),
    };
    // What the previous code stored: AES-256-GCM under the raw key, "v1:<iv>:<tag>:<data>".
    const v1 = (text: string) => {
      const iv = randomBytes(12);
      const c = createCipheriv("aes-256-gcm", Buffer.from(process.env.POSTVENTA_ENCRYPTION_KEY!, "base64"), iv);
      const data = Buffer.concat([c.update(text, "utf8"), c.final()]);
      return ["v1", iv.toString("base64"), c.getAuthTag().toString("base64"), data.toString("base64")].join(":");
    };
    await stack.pool.query(`UPDATE "HubSpotConnection" SET "accessTokenEnc" = $2, "refreshTokenEnc" = $3 WHERE shop = $1`, [
      SHOP,
      v1(plain.access),
      v1(plain.refresh),
    ]);
    const prisma = (await import("../app/db.server.ts")).default;
    expect(await connection.accessTokenFor(await prisma.hubSpotConnection.findUniqueOrThrow({ where: { shop: SHOP } }))).toBe(plain.access);
    const after = await row();
    expect(after.accessTokenEnc).toMatch(/^v2:/);
    expect(after.refreshTokenEnc).toMatch(/^v2:/);
    expect(decryptSecret(after.refreshTokenEnc, { shop: SHOP, field: "HubSpotConnection.refreshToken" })).toBe(plain.refresh);
  });

  it("a refresh token HubSpot refuses ends in `auth` with HubSpot's error_description and what to do", async () => {
    await expireStoredToken();
    const { decryptSecret } = await import("../app/secrets.server.ts");
    const before = await row();
    sandbox.revoke(decryptSecret(before.refreshTokenEnc, { shop: SHOP, field: "HubSpotConnection.refreshToken" }));
    const refused = await connection.refresh(SHOP).then(
      () => expect.unreachable("HubSpot refused the refresh token"),
      (e: unknown) => e as { kind: string; message: string },
    );
    expect(refused.kind).toBe("auth");
    expect(refused.message).toBe(
      "HubSpot refused to renew Postventa's access: refresh token is invalid, expired or revoked (invalid_grant). Connect again from the HubSpot page.",
    );
    expect(await row()).toMatchObject({ refreshingUntil: null, tokenVersion: before.tokenVersion }); // the lease is given back
  });
});
