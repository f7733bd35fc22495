// Connecting a shop to its HubSpot account, keeping the tokens fresh, disconnecting.
// Tokens are stored encrypted and leave this module only towards HubSpot.
import { setTimeout as sleep } from "node:timers/promises";
import type { HubSpotConnection } from "@prisma/client";
import prisma, { pool } from "../db.server";
import { decryptSecret, encryptSecret, needsReencryption } from "../secrets.server";
import { takeRequestSlot } from "./budget.server";
import { tuning } from "./tuning.server";
import { runHubSpotCheck } from "../../integrations/hubspot/check.server";
import { config } from "../config.server";
import { log } from "../log.server";
import { ConnectError } from "./connect-error";
import { bindOAuthState, createOAuthState } from "./oauth-state.server";
import {
  accessTokenInfo,
  accountDetails,
  authorizeUrl,
  ensureContactProperties,
  exchangeCode,
  HubSpotFailure,
  hubspotClient,
  OAuthFailure,
  requestTiming,
  refreshAccessToken,
} from "../../integrations/hubspot/client.server";

// HubSpot's budgets per 10 s: public OAuth apps 110; private apps 100 (Free/Starter) or 190 (Pro/Enterprise).
export const OAUTH_ROLLING_LIMIT = 110;
export const PRIVATE_APP_LIMITS = [100, 190] as const;

export { ConnectError, type ConnectErrorCode } from "./connect-error";

// Each token is encrypted bound to its shop and column: a value copied elsewhere does not decrypt.
type TokenField = "accessToken" | "refreshToken";
const seal = (shop: string, field: TokenField, token: string) => encryptSecret(token, { shop, field: `HubSpotConnection.${field}` });
const unseal = (shop: string, field: TokenField, stored: string) => decryptSecret(stored, { shop, field: `HubSpotConnection.${field}` });

export function accountKey(c: Pick<HubSpotConnection, "portalId" | "authType">): string {
  return `${c.portalId}:${c.authType}`;
}

// ----------------------------------------------------------------------------------------------
// Connect
// ----------------------------------------------------------------------------------------------

export async function connectPrivateApp(shop: string, token: string, rollingLimit: number): Promise<void> {
  token = token.trim();
  if (!/^pat-[a-z0-9]+-[0-9a-f-]{20,}$/i.test(token))
    throw new ConnectError("not_a_token", "That does not look like a HubSpot private app access token (it starts with “pat-”).");
  if (!PRIVATE_APP_LIMITS.includes(rollingLimit as never))
    throw new ConnectError("plan_limit", "Choose your HubSpot plan's API limit: 100 or 190 requests per 10 seconds.");
  const client = hubspotClient(token);
  const account = await prepareAccount(client, "private_app", rollingLimit);
  await saveConnection(shop, {
    portalId: account.portalId,
    authType: "private_app",
    accessTokenEnc: seal(shop, "accessToken", token),
    refreshTokenEnc: null,
    accessTokenExpiry: null,
    scopes: [],
    timeZone: account.timeZone,
    rollingLimit,
  });
}

export function oauthRedirectUri(): string {
  return config().HUBSPOT_REDIRECT_URI ?? new URL("/hubspot/callback", config().SHOPIFY_APP_URL).toString();
}

// OAuth, from the admin page: a state for the shop, and the app's own /hubspot/start link for the
// top-level window (it binds the state to that browser, then goes on to HubSpot).
export async function startOAuth(shop: string): Promise<string> {
  const url = new URL("/hubspot/start", config().SHOPIFY_APP_URL);
  url.searchParams.set("state", await createOAuthState(shop));
  return url.toString();
}

export async function beginOAuth(state: string): Promise<{ location: string; setCookie: string }> {
  const { setCookie } = await bindOAuthState(state);
  return { location: authorizeUrl(state, oauthRedirectUri()), setCookie };
}

// The callback, once consumeOAuthState has named the shop: the code becomes the connection.
export async function completeOAuth(shop: string, code: string): Promise<void> {
  let tokens, info;
  try {
    tokens = await exchangeCode(code, oauthRedirectUri());
    info = await accessTokenInfo(tokens.accessToken);
  } catch (e) {
    throw oauthConnectError(e);
  }
  const account = await prepareAccount(hubspotClient(tokens.accessToken), "oauth", OAUTH_ROLLING_LIMIT);
  await saveConnection(shop, {
    portalId: info.portalId,
    authType: "oauth",
    accessTokenEnc: seal(shop, "accessToken", tokens.accessToken),
    refreshTokenEnc: seal(shop, "refreshToken", tokens.refreshToken),
    accessTokenExpiry: tokens.expiresAt,
    scopes: info.scopes,
    timeZone: account.timeZone,
    rollingLimit: OAUTH_ROLLING_LIMIT,
  });
}

// What the merchant can do when HubSpot does not hand over the tokens: wait and start again
// (HubSpot unreachable), nothing (HubSpot refuses Postventa's own client credentials: ours to fix),
// or start again (a spent or stale code), with HubSpot's `error_description` as the detail.
function oauthConnectError(e: unknown): unknown {
  if (!(e instanceof HubSpotFailure)) return e;
  if (e.kind === "transient" || e.kind === "rate_limited")
    return new ConnectError(
      "unreachable",
      `HubSpot could not be reached to finish connecting: ${e.message}. Try again in a moment.`,
      e.message,
    );
  if (e instanceof OAuthFailure && e.error === "invalid_client") {
    log.error("hubspot oauth: HubSpot refuses the app's client credentials", { error: e.message });
    return new ConnectError(
      "oauth_misconfigured",
      "HubSpot did not accept Postventa's app credentials, so no account was connected. Nothing needs changing on your side: contact Postventa support.",
      e.message,
    );
  }
  return new ConnectError(
    "oauth_refused",
    `HubSpot refused the authorization: ${e.message}. Start again from the HubSpot page in Postventa.`,
    e.message,
  );
}

// Checks the token against the account and creates the Postventa properties (idempotent), inside
// the account's budget like every other request.
async function prepareAccount(client: ReturnType<typeof hubspotClient>, authType: string, rollingLimit: number) {
  try {
    const account = await accountDetails(client);
    const slot = () => takeRequestSlot(accountKey({ portalId: account.portalId, authType }), rollingLimit);
    await slot(); // counts the request just made, now that we know whose budget it used
    await ensureContactProperties(client, slot);
    return account;
  } catch (e) {
    if (e instanceof HubSpotFailure && e.kind === "auth")
      throw new ConnectError("token_refused", "HubSpot did not accept this token. Copy it again from your private app's Auth tab.");
    if (e instanceof HubSpotFailure && e.kind === "scopes")
      throw new ConnectError(
        "missing_scopes",
        "The token lacks a scope Postventa needs: crm.objects.contacts.read/write and crm.schemas.contacts.read/write.",
      );
    throw new ConnectError(
      "unreachable",
      `HubSpot could not be reached to finish connecting: ${(e as Error).message}. Try again in a moment.`,
      (e as Error).message,
    );
  }
}

type NewConnection = Pick<
  HubSpotConnection,
  "portalId" | "authType" | "accessTokenEnc" | "refreshTokenEnc" | "accessTokenExpiry" | "scopes" | "timeZone" | "rollingLimit"
>;

// Saving a connection starts the backfill: everything the program holds for the shop is queued
// for this HubSpot account, except what was already written to this same account before.
async function saveConnection(shop: string, c: NewConnection): Promise<void> {
  const now = new Date();
  await prisma.$transaction(
    async (tx) => {
      const fresh = {
        ...c,
        state: "active",
        pausedReason: null,
        pausedUntil: null,
        lastError: null,
        backfillStartedAt: now,
        backfillFinishedAt: null,
        refreshingUntil: null,
        // Connecting again is when a missing scope may have been granted: tickets are tried again.
        ticketsWaiting: null,
        ticketsReason: null,
        ticketsRetryAt: null,
      };
      // A new token version: a refresh of the previous connection's token that finishes now is not saved over it.
      await tx.hubSpotConnection.upsert({
        where: { shop },
        create: { shop, ...fresh },
        update: { ...fresh, connectedAt: now, tokenVersion: { increment: 1 } },
      });
      await tx.$executeRaw`
      INSERT INTO "HubSpotContactSync" ("customerId", shop)
      SELECT id, shop FROM "Customer" WHERE shop = ${shop} AND "claimedById" IS NULL AND "redactedAt" IS NULL
      ON CONFLICT ("customerId") DO NOTHING`;
      await tx.$executeRaw`
      UPDATE "HubSpotContactSync" SET state = 'pending', attempts = 0, reason = NULL, "updatedAt" = now()
      WHERE shop = ${shop} AND state <> 'merged' AND (state <> 'synced' OR "syncedPortalId" IS DISTINCT FROM ${c.portalId})`;
      await tx.$executeRaw`
      UPDATE "HubSpotInteraction" SET state = 'pending', attempts = 0, reason = NULL
      WHERE shop = ${shop} AND state <> 'sending' AND (state <> 'synced' OR "syncedPortalId" IS DISTINCT FROM ${c.portalId})`;
      // A ticket held by another account is created anew in this one; one held by this account keeps its id.
      await tx.$executeRaw`
      UPDATE "HubSpotTicket" SET state = 'pending', attempts = 0, reason = NULL,
        "hubspotTicketId" = CASE WHEN "syncedPortalId" IS DISTINCT FROM ${c.portalId} THEN NULL ELSE "hubspotTicketId" END,
        "syncedPortalId" = CASE WHEN "syncedPortalId" IS DISTINCT FROM ${c.portalId} THEN NULL ELSE "syncedPortalId" END
      WHERE shop = ${shop} AND state NOT IN ('sending', 'local') AND (state <> 'synced' OR "syncedPortalId" IS DISTINCT FROM ${c.portalId})`;
    },
    // Set-based statements over the shop's customers: a large shop takes seconds, not Prisma's default 5.
    { maxWait: 10_000, timeout: 60_000 },
  );
  await requestSync(shop, 0);
}

// The HubSpot page's "Check the connection": `npm run hubspot:check`'s checks with this shop's
// token, one line each.
export async function checkConnection(shop: string): Promise<string[]> {
  const c = await prisma.hubSpotConnection.findUnique({ where: { shop } });
  if (!c) throw new ConnectError("not_connected", "Connect a HubSpot account first.");
  const lines: string[] = [];
  await runHubSpotCheck(await accessTokenFor(c), (line) => lines.push(line));
  return lines;
}

// Whether a customers/redact also erases what Postventa wrote in HubSpot about the customer.
export async function setEraseOnRedact(shop: string, enabled: boolean): Promise<void> {
  const { count } = await prisma.hubSpotConnection.updateMany({ where: { shop }, data: { eraseOnRedact: enabled } });
  if (!count) throw new ConnectError("not_connected", "Connect a HubSpot account first.");
}

export async function disconnect(shop: string): Promise<void> {
  // The sync reads the connection before every request: without it, it stops.
  await prisma.hubSpotConnection.deleteMany({ where: { shop } });
}

// ----------------------------------------------------------------------------------------------
// Tokens
// ----------------------------------------------------------------------------------------------

const REFRESH_MARGIN_MS = 5 * 60_000;

const validForAWhile = (c: Pick<HubSpotConnection, "accessTokenExpiry">) =>
  !!c.accessTokenExpiry && c.accessTokenExpiry.getTime() - Date.now() > REFRESH_MARGIN_MS;

// The access token to send now, from the connection row just read: refreshed first when it
// expires within five minutes. A value stored under an older key or format is written again
// under the current key (only if it is still what was read).
export async function accessTokenFor(c: HubSpotConnection): Promise<string> {
  if (c.authType === "oauth" && c.accessTokenExpiry && !validForAWhile(c)) return refresh(c.shop);
  const token = unseal(c.shop, "accessToken", c.accessTokenEnc);
  if (needsReencryption(c.accessTokenEnc) || (c.refreshTokenEnc && needsReencryption(c.refreshTokenEnc))) await reencrypt(c);
  return token;
}

async function reencrypt(c: HubSpotConnection) {
  await prisma.hubSpotConnection.updateMany({
    where: { shop: c.shop, accessTokenEnc: c.accessTokenEnc, refreshTokenEnc: c.refreshTokenEnc },
    data: {
      accessTokenEnc: seal(c.shop, "accessToken", unseal(c.shop, "accessToken", c.accessTokenEnc)),
      refreshTokenEnc: c.refreshTokenEnc && seal(c.shop, "refreshToken", unseal(c.shop, "refreshToken", c.refreshTokenEnc)),
    },
  });
}

// Longer than the HubSpot client's own timeout, so a lease outlives the refresh it covers; a
// process that died while holding it only delays the next refresh by this much.
const refreshLeaseMs = () => requestTiming.timeoutMs + 5_000;

// `rejected`: the token HubSpot just answered 401 to; refreshed even if it should still be valid.
// No database lock or transaction is held while HubSpot answers: one process takes a lease on the
// row (compare-and-set), refreshes, and saves the new pair only if the token version is still the
// one it read; the others wait for that pair. So two processes never both refresh and overwrite
// each other's tokens, and nothing else that writes the row waits on HubSpot.
export async function refresh(shop: string, rejected?: string): Promise<string> {
  const giveUpAt = Date.now() + 2 * refreshLeaseMs();
  for (;;) {
    const c = await prisma.hubSpotConnection.findUnique({ where: { shop } });
    if (!c?.refreshTokenEnc) throw new HubSpotFailure("auth", "HubSpot no longer accepts this connection's token. Connect again.");
    const current = unseal(shop, "accessToken", c.accessTokenEnc);
    if (validForAWhile(c) && (!rejected || rejected !== current)) return current; // another process just refreshed
    const now = new Date();
    const lease = await prisma.hubSpotConnection.updateMany({
      where: { shop, tokenVersion: c.tokenVersion, OR: [{ refreshingUntil: null }, { refreshingUntil: { lt: now } }] },
      data: { refreshingUntil: new Date(now.getTime() + refreshLeaseMs()) },
    });
    if (lease.count === 1) {
      const fresh = await refreshHoldingLease(c);
      if (fresh) return fresh;
      continue; // reconnected meanwhile: read the new connection
    }
    if (Date.now() > giveUpAt) throw new HubSpotFailure("transient", "Another process is still refreshing the HubSpot token.");
    await sleep(200);
  }
}

async function refreshHoldingLease(c: HubSpotConnection): Promise<string | null> {
  let t;
  try {
    t = await refreshAccessToken(unseal(c.shop, "refreshToken", c.refreshTokenEnc!));
  } catch (e) {
    await prisma.hubSpotConnection.updateMany({ where: { shop: c.shop, tokenVersion: c.tokenVersion }, data: { refreshingUntil: null } });
    // Refused (the refresh token, or the request): HubSpot will not change its mind, so the sync
    // pauses with what HubSpot said instead of retrying.
    if (e instanceof HubSpotFailure && (e.kind === "auth" || e.kind === "invalid"))
      throw new HubSpotFailure("auth", `HubSpot refused to renew Postventa's access: ${e.message}. Connect again from the HubSpot page.`);
    throw e;
  }
  const saved = await prisma.hubSpotConnection.updateMany({
    where: { shop: c.shop, tokenVersion: c.tokenVersion },
    data: {
      accessTokenEnc: seal(c.shop, "accessToken", t.accessToken),
      refreshTokenEnc: seal(c.shop, "refreshToken", t.refreshToken),
      accessTokenExpiry: t.expiresAt,
      tokenVersion: { increment: 1 },
      refreshingUntil: null,
    },
  });
  return saved.count === 1 ? t.accessToken : null;
}

// ----------------------------------------------------------------------------------------------
// Scheduling
// ----------------------------------------------------------------------------------------------

// Changes within this window are written together.

// Queues the shop's sync if the shop is connected. A change keeps the time of a sync already
// waiting (so a burst is written together, not postponed forever); `now` replaces it.
export async function requestSync(shop: string, delayMs = tuning.coalesceMs, runAt?: Date): Promise<void> {
  const mode = delayMs === 0 && !runAt ? "replace" : "preserve_run_at";
  await pool.query(
    `SELECT graphile_worker.add_job('hubspot_sync', json_build_object('shop', $1::text),
        run_at => COALESCE($3::timestamptz, now() + $2::int * interval '1 millisecond'),
        job_key => 'hubspot_sync:' || $1, job_key_mode => $4, max_attempts => 25)
       FROM "HubSpotConnection" WHERE shop = $1`,
    [shop, delayMs, runAt ?? null, mode],
  );
}

// Every minute and at worker start: a connected shop with a backlog gets a sync, whatever
// happened to the last one (a killed worker, a daily pause that has ended).
export async function sweep(): Promise<void> {
  const { rows } = await pool.query<{ shop: string }>(
    `SELECT c.shop FROM "HubSpotConnection" c
      WHERE (c.state = 'active' OR (c."pausedReason" = 'daily_limit' AND c."pausedUntil" <= now()))
        AND (EXISTS (SELECT 1 FROM "HubSpotContactSync" s WHERE s.shop = c.shop AND s.state = 'pending')
          OR EXISTS (SELECT 1 FROM "HubSpotInteraction" i WHERE i.shop = c.shop AND i.state IN ('pending', 'sending'))
          OR (EXISTS (SELECT 1 FROM "HubSpotTicket" t WHERE t.shop = c.shop AND t.state IN ('pending', 'sending'))
              AND (c."ticketsWaiting" IS NULL OR c."ticketsRetryAt" <= now()))
          OR EXISTS (SELECT 1 FROM "HubSpotErasure" e WHERE e.shop = c.shop AND e."notBefore" <= now()))`,
  );
  for (const { shop } of rows) await requestSync(shop, 0);
}
