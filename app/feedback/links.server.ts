// The signed survey link a HubSpot email carries: /survey/<invitation id>.<HMAC>. The id is a
// random UUID (never the customer's), and the HMAC — under a key derived for this purpose alone —
// makes a changed or made-up token fail before any database read. Expiry and "answered once" are
// the invitation's, checked when the link is used.
import { createHmac, timingSafeEqual } from "node:crypto";
import { config } from "../config.server";
import { permanentKey } from "../secrets.server";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

// Links must outlive a key rotation while they are open: the permanent key, not the current one.
const signature = (id: string) => createHmac("sha256", permanentKey("survey-links/v1")).update(id).digest("base64url").slice(0, 32);

export function surveyToken(invitationId: string): string {
  return `${invitationId}.${signature(invitationId)}`;
}

/** The invitation a token names, or null when it is malformed or its signature does not match. */
export function invitationIdOf(token: string): string | null {
  const [id, sig, ...rest] = token.split(".");
  if (rest.length || !id || !sig || !UUID.test(id)) return null;
  const expected = Buffer.from(signature(id));
  const given = Buffer.from(sig);
  return given.length === expected.length && timingSafeEqual(given, expected) ? id : null;
}

export function surveyLink(invitationId: string): string {
  return new URL(`/survey/${surveyToken(invitationId)}`, config().SHOPIFY_APP_URL).toString();
}
