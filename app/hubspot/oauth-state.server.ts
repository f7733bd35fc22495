// The HubSpot OAuth `state`: a random single-use nonce, stored only as a hash, expiring after 10
// minutes, and bound to the browser that started the flow by a cookie (decision 0009).
//
// The admin page runs in Shopify's iframe, where a cookie we set would be a third-party one
// (blocked or partitioned by browsers). So the page hands the top-level window a link to
// /hubspot/start, whose answer sets the cookie first-party and redirects to HubSpot. HubSpot's
// redirect back to /hubspot/callback is a top-level GET from another site: SameSite=Lax sends it.
import { createHash, randomBytes } from "node:crypto";
import prisma from "../db.server";
import { ConnectError } from "./connect-error";

const TTL_MS = 10 * 60_000;
// Used and expired states are kept a day so a replay is told apart from a state never issued.
const KEEP_MS = 24 * 60 * 60_000;
// __Host-: only from this origin over HTTPS, Path=/, no Domain; a sibling subdomain cannot plant it.
const COOKIE = "__Host-postventa-hubspot-oauth";
const NONCE = /^[A-Za-z0-9_-]{43}$/; // 32 random bytes, base64url

const nonce = () => randomBytes(32).toString("base64url");
const hash = (v: string) => createHash("sha256").update(v).digest("base64url");

const invalid = () =>
  new ConnectError("state_invalid", "This HubSpot authorization link is not valid. Start again from the HubSpot page in Postventa.");

export async function createOAuthState(shop: string): Promise<string> {
  const state = nonce();
  await prisma.hubSpotOAuthState.deleteMany({ where: { expiresAt: { lt: new Date(Date.now() - KEEP_MS) } } });
  await prisma.hubSpotOAuthState.create({ data: { stateHash: hash(state), shop, expiresAt: new Date(Date.now() + TTL_MS) } });
  return state;
}

/** The top-level browser opens the flow: the state is bound to a new cookie (once). */
export async function bindOAuthState(state: string): Promise<{ setCookie: string }> {
  if (!NONCE.test(state)) throw invalid();
  const browser = nonce();
  const bound = await prisma.hubSpotOAuthState.updateMany({
    where: { stateHash: hash(state), browserHash: null, usedAt: null, expiresAt: { gt: new Date() } },
    data: { browserHash: hash(browser) },
  });
  if (bound.count !== 1) throw await refusal(state, "start");
  return { setCookie: `${COOKIE}=${browser}; Path=/; Max-Age=${TTL_MS / 1000}; HttpOnly; Secure; SameSite=Lax` };
}

/** The callback: spends the state if this browser started it, and names the shop that asked. */
export async function consumeOAuthState(state: string, cookieHeader: string | null): Promise<string> {
  if (!NONCE.test(state)) throw invalid();
  const browser = readCookie(cookieHeader);
  const browserHash = browser && NONCE.test(browser) ? hash(browser) : null;
  const now = new Date();
  const spent = browserHash
    ? await prisma.hubSpotOAuthState.updateMany({
        where: { stateHash: hash(state), browserHash, usedAt: null, expiresAt: { gt: now } },
        data: { usedAt: now },
      })
    : { count: 0 };
  if (spent.count !== 1) throw await refusal(state, "callback");
  const row = await prisma.hubSpotOAuthState.findUniqueOrThrow({ where: { stateHash: hash(state) } });
  return row.shop;
}

/** Clears the browser's cookie once the flow is over. */
export const clearOAuthCookie = `${COOKIE}=; Path=/; Max-Age=0; HttpOnly; Secure; SameSite=Lax`;

// Why a state was refused, in words the merchant can act on.
async function refusal(state: string, at: "start" | "callback"): Promise<ConnectError> {
  const row = await prisma.hubSpotOAuthState.findUnique({ where: { stateHash: hash(state) } });
  if (!row) return invalid();
  if (row.usedAt)
    return new ConnectError(
      "state_used",
      "This HubSpot authorization link has already been used. Start again from the HubSpot page in Postventa.",
    );
  if (row.expiresAt <= new Date())
    return new ConnectError("state_expired", "This HubSpot authorization link expired. Start again from the HubSpot page in Postventa.");
  // At the start, a state already bound was opened before; at the callback, the cookie is not its browser's.
  if (at === "start")
    return new ConnectError(
      "state_used",
      "This HubSpot authorization link has already been opened. Start again from the HubSpot page in Postventa.",
    );
  return new ConnectError(
    "state_other_browser",
    "This HubSpot authorization was started in another browser. Start again from the HubSpot page in Postventa.",
  );
}

function readCookie(header: string | null): string | null {
  for (const part of (header ?? "").split(";")) {
    const eq = part.indexOf("=");
    if (eq > 0 && part.slice(0, eq).trim() === COOKIE) return part.slice(eq + 1).trim();
  }
  return null;
}
