// The one module that talks to HubSpot (through @hubspot/api-client; OAuth with plain fetch). Tests
// and the demo point it at the local sandbox (HUBSPOT_BASE_URL); production leaves that unset
// (config.server.ts refuses it there).
// Nothing here logs, and no error message it builds carries a token.
import { Client } from "@hubspot/api-client";
import { CONTACT_PROPERTIES, NOTE_PROPERTIES, PROPERTY_GROUP } from "./properties";
import { config } from "../../app/config.server";

// How long a request may take before it counts as unanswered (tests shorten it).
export const requestTiming = { timeoutMs: 30_000 };
const basePath = () => config().HUBSPOT_BASE_URL;
const NOTE_TO_CONTACT = 202; // HubSpot-defined association type
export const OAUTH_SCOPES = [
  "crm.objects.contacts.read",
  "crm.objects.contacts.write",
  "crm.schemas.contacts.read",
  "crm.schemas.contacts.write",
];
export const OPTIONAL_OAUTH_SCOPES = ["tickets", "timeline"];

export function hubspotClient(accessToken: string): Client {
  // Retries are ours (the sync job), so one budget accounting decides when to call again.
  return new Client({ accessToken, basePath: basePath(), numberOfApiCallRetries: 0 });
}

// ----------------------------------------------------------------------------------------------
// Failures, sorted by what the caller should do about them
// ----------------------------------------------------------------------------------------------

export type FailureKind =
  | "rate_limited" // TEN_SECONDLY_ROLLING: wait a moment, send again
  | "daily_limit" // DAILY: nothing more today
  | "auth" // token expired, revoked or wrong
  | "scopes" // the app lacks a scope for this call
  | "transient" // 5xx, timeout, connection refused: back off, send again
  | "invalid"; // HubSpot refuses this input: retrying will not help

export class HubSpotFailure extends Error {
  constructor(
    readonly kind: FailureKind,
    message: string,
    readonly status?: number,
  ) {
    super(message);
  }
}

function describe(e: unknown): HubSpotFailure {
  if (e instanceof HubSpotFailure) return e;
  const err = e as { code?: number; body?: unknown; message?: string; name?: string };
  if (typeof err?.code === "number" && err.code >= 100) {
    const body = (typeof err.body === "object" && err.body ? err.body : {}) as { message?: string; category?: string; policyName?: string };
    const message = body.message ?? `HubSpot answered ${err.code}`;
    if (err.code === 429) return new HubSpotFailure(body.policyName === "DAILY" ? "daily_limit" : "rate_limited", message, 429);
    if (err.code === 401) return new HubSpotFailure("auth", message, 401);
    if (err.code === 403) return new HubSpotFailure(body.category === "MISSING_SCOPES" ? "scopes" : "auth", message, 403);
    if (err.code >= 500) return new HubSpotFailure("transient", message, err.code);
    return new HubSpotFailure("invalid", message, err.code);
  }
  // No HTTP answer: a timeout or a dropped connection. The request may have been applied.
  return new HubSpotFailure("transient", `HubSpot did not answer: ${err?.message ?? String(e)}`);
}

async function call<T>(work: () => Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      work(),
      new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new HubSpotFailure("transient", `HubSpot did not answer within ${requestTiming.timeoutMs} ms`)),
          requestTiming.timeoutMs,
        );
      }),
    ]);
  } catch (e) {
    throw describe(e);
  } finally {
    clearTimeout(timer);
  }
}

// A 207's per-input errors: the message, and the ids HubSpot names in its context (if any).
export interface InputError {
  message: string;
  ids: string[];
}
function inputErrors(errors: Array<{ message?: string; context?: Record<string, string[]> }> | undefined): InputError[] {
  return (errors ?? []).map((e) => ({ message: e.message ?? "rejected", ids: Object.values(e.context ?? {}).flat() }));
}

// ----------------------------------------------------------------------------------------------
// Account and OAuth
// ----------------------------------------------------------------------------------------------

export async function accountDetails(client: Client): Promise<{ portalId: string; timeZone: string | null }> {
  return call(async () => {
    const res = await client.apiRequest({ method: "GET", path: "/account-info/v3/details" });
    const body = (await res.json()) as { portalId?: number; timeZone?: string; message?: string; category?: string; policyName?: string };
    if (!res.ok) throw { code: res.status, body };
    return { portalId: String(body.portalId), timeZone: body.timeZone ?? null };
  });
}

export interface OAuthTokens {
  accessToken: string;
  refreshToken: string;
  expiresAt: Date;
}

function oauthCredentials() {
  const { HUBSPOT_CLIENT_ID: clientId, HUBSPOT_CLIENT_SECRET: clientSecret } = config();
  if (!clientId || !clientSecret) throw new Error("HUBSPOT_CLIENT_ID and HUBSPOT_CLIENT_SECRET must be set to connect with HubSpot OAuth");
  return { clientId, clientSecret };
}

export function authorizeUrl(state: string, redirectUri: string): string {
  const url = new URL("/oauth/authorize", config().HUBSPOT_AUTH_URL ?? "https://app.hubspot.com");
  url.searchParams.set("client_id", oauthCredentials().clientId);
  url.searchParams.set("redirect_uri", redirectUri);
  url.searchParams.set("scope", OAUTH_SCOPES.join(" "));
  url.searchParams.set("optional_scope", OPTIONAL_OAUTH_SCOPES.join(" "));
  url.searchParams.set("state", state);
  return url.toString();
}

// HubSpot's dated OAuth API, with plain fetch: @hubspot/api-client 14 speaks only /oauth/v1, which
// HubSpot retires on 2027-02-16. Every parameter goes in a form body, never in a URL.
const OAUTH_API = "/oauth/2026-03";

/** An OAuth endpoint's refusal, with HubSpot's RFC 6749 code (`invalid_grant`, `invalid_client`, …). */
export class OAuthFailure extends HubSpotFailure {
  constructor(
    kind: FailureKind,
    message: string,
    status: number,
    readonly error: string,
  ) {
    super(kind, message, status);
  }
}

// `refusedGrant`: what an `invalid_grant` means to the caller (a refresh token HubSpot no longer
// takes is `auth`; a spent or stale code is `invalid`).
async function oauthPost<T>(path: string, fields: Record<string, string>, refusedGrant: FailureKind = "invalid"): Promise<T> {
  const { clientId, clientSecret } = oauthCredentials();
  const base = (config().HUBSPOT_BASE_URL ?? "https://api.hubapi.com").replace(/\/+$/, "");
  return call(async () => {
    const res = await fetch(`${base}${OAUTH_API}${path}`, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded", Accept: "application/json" },
      body: new URLSearchParams({ ...fields, client_id: clientId, client_secret: clientSecret }),
    });
    const text = await res.text();
    let body: Record<string, unknown> = {};
    try {
      body = JSON.parse(text);
    } catch {
      // a gateway's HTML page: the status says enough
    }
    if (res.ok) return body as T;
    const error = typeof body.error === "string" ? body.error : "";
    const description = typeof body.error_description === "string" ? body.error_description : "";
    const message = description ? `${description} (${error})` : error || `HubSpot answered ${res.status}`;
    if (res.status === 429) throw new OAuthFailure("rate_limited", message, 429, error);
    if (res.status >= 500) throw new OAuthFailure("transient", message, res.status, error);
    throw new OAuthFailure(error === "invalid_grant" ? refusedGrant : "invalid", message, res.status, error);
  });
}

async function tokens(fields: Record<string, string>, refusedGrant?: FailureKind): Promise<OAuthTokens> {
  const t = await oauthPost<{ access_token?: string; refresh_token?: string; expires_in?: number }>("/token", fields, refusedGrant);
  if (!t.access_token || !t.refresh_token || typeof t.expires_in !== "number")
    throw new HubSpotFailure("transient", "HubSpot's token answer lacked a token or its lifetime");
  return { accessToken: t.access_token, refreshToken: t.refresh_token, expiresAt: new Date(Date.now() + t.expires_in * 1000) };
}
export const exchangeCode = (code: string, redirectUri: string) =>
  tokens({ grant_type: "authorization_code", code, redirect_uri: redirectUri });
export const refreshAccessToken = (refreshToken: string) => tokens({ grant_type: "refresh_token", refresh_token: refreshToken }, "auth");

// Fields of the 2026-03 introspection answer (HubSpot's `PublicAccessTokenInfoResponse`).
export async function accessTokenInfo(accessToken: string): Promise<{ portalId: string; scopes: string[] }> {
  const info = await oauthPost<{ active?: boolean; hub_id?: number; scopes?: string[] }>("/token/introspect", {
    token: accessToken,
    token_type_hint: "access_token",
  });
  if (!info.active || typeof info.hub_id !== "number")
    throw new HubSpotFailure("auth", "HubSpot reports the access token it just issued as not active");
  return { portalId: String(info.hub_id), scopes: info.scopes ?? [] };
}

// ----------------------------------------------------------------------------------------------
// Properties
// ----------------------------------------------------------------------------------------------

const status = (e: unknown) => (e as { code?: number })?.code;

// Idempotent: creates the "Postventa" group and whichever properties are missing, nothing else.
// Returns the names it created. `beforeRequest` runs before each of its (up to three) requests.
type Gate = () => Promise<void>;
const open: Gate = async () => {};
async function ensureProperties(
  client: Client,
  objectType: "contacts" | "notes",
  wanted: typeof CONTACT_PROPERTIES,
  beforeRequest: Gate,
): Promise<string[]> {
  return call(async () => {
    await beforeRequest();
    try {
      await client.crm.properties.groupsApi.create(objectType, { ...PROPERTY_GROUP });
    } catch (e) {
      if (status(e) !== 409) throw e; // already there
    }
    await beforeRequest();
    const existing = await client.crm.properties.coreApi.getAll(objectType);
    const have = new Set(existing.results.map((p) => p.name));
    const missing = wanted.filter((p) => !have.has(p.name));
    if (!missing.length) return [];
    await beforeRequest();
    await client.crm.properties.batchApi.create(objectType, {
      inputs: missing.map((p) => ({ ...p, groupName: PROPERTY_GROUP.name })) as never,
    });
    return missing.map((p) => p.name);
  });
}
export const ensureContactProperties = (client: Client, beforeRequest = open) =>
  ensureProperties(client, "contacts", CONTACT_PROPERTIES, beforeRequest);
export const ensureNoteProperties = (client: Client, beforeRequest = open) =>
  ensureProperties(client, "notes", NOTE_PROPERTIES, beforeRequest);

// ----------------------------------------------------------------------------------------------
// Contacts
// ----------------------------------------------------------------------------------------------

export interface ContactWrite {
  email: string;
  hubspotId?: string; // known contact: written by id, so a changed email keeps the same contact
  properties: Record<string, string>;
}
export interface BatchOutcome {
  written: Map<string, string>; // our key (email for contacts, event id for notes) → HubSpot id
  errors: InputError[];
}

// At most 100 inputs, all upserted by email or all updated by id (one request).
export async function writeContacts(client: Client, inputs: ContactWrite[]): Promise<BatchOutcome> {
  const byId = inputs.every((i) => i.hubspotId);
  return call(async () => {
    const answer = byId
      ? await client.crm.contacts.batchApi.update({ inputs: inputs.map((i) => ({ id: i.hubspotId!, properties: i.properties })) })
      : await client.crm.contacts.batchApi.upsert({
          inputs: inputs.map((i) => ({ id: i.email, idProperty: "email", properties: i.properties })),
        });
    const written = new Map<string, string>();
    const emailOf = new Map(inputs.map((i) => [i.hubspotId ?? "", i.email]));
    for (const r of answer.results) {
      const email = byId ? emailOf.get(r.id) : r.properties.email;
      if (email) written.set(email.toLowerCase(), r.id);
    }
    return { written, errors: inputErrors((answer as { errors?: [] }).errors) };
  });
}

// ----------------------------------------------------------------------------------------------
// Notes: a note per interaction, associated to its contact, carrying our stable event id
// ----------------------------------------------------------------------------------------------

export interface NoteWrite {
  eventId: string;
  contactId: string;
  timestamp: Date;
  body: string;
}

export async function createNotes(client: Client, inputs: NoteWrite[]): Promise<BatchOutcome> {
  return call(async () => {
    const answer = await client.crm.objects.notes.batchApi.create({
      inputs: inputs.map((n) => ({
        properties: { hs_timestamp: n.timestamp.toISOString(), hs_note_body: n.body, postventa_event_id: n.eventId },
        associations: [
          { to: { id: n.contactId }, types: [{ associationCategory: "HUBSPOT_DEFINED" as never, associationTypeId: NOTE_TO_CONTACT }] },
        ],
      })),
    });
    const written = new Map<string, string>();
    for (const r of answer.results) if (r.properties.postventa_event_id) written.set(r.properties.postventa_event_id, r.id);
    return { written, errors: inputErrors((answer as { errors?: [] }).errors) };
  });
}

// Which of these event ids HubSpot already holds a note for (after a send whose answer was lost).
export async function findNotes(client: Client, eventIds: string[]): Promise<Map<string, string>> {
  return call(async () => {
    const found = new Map<string, string>();
    let after: string | undefined;
    do {
      const page = await client.crm.objects.notes.searchApi.doSearch({
        filterGroups: [{ filters: [{ propertyName: "postventa_event_id", operator: "IN" as never, values: eventIds }] }],
        properties: ["postventa_event_id"],
        limit: 100,
        after: after as never,
      });
      for (const r of page.results) if (r.properties.postventa_event_id) found.set(r.properties.postventa_event_id, r.id);
      after = page.paging?.next?.after;
    } while (after);
    return found;
  });
}

// ----------------------------------------------------------------------------------------------
// Timeline events: for an app HubSpot approved for them, instead of notes. The event id is our
// stable event id; HubSpot refuses a second event with the same id (409), which is the proof that
// the first one arrived.
// ----------------------------------------------------------------------------------------------

export interface TimelineEventWrite {
  eventId: string;
  contactId: string;
  timestamp: Date;
  title: string;
  body: string;
}

export async function createTimelineEvents(client: Client, eventTemplateId: string, inputs: TimelineEventWrite[]): Promise<BatchOutcome> {
  return call(async () => {
    let answer;
    try {
      answer = await client.crm.timeline.eventsApi.createBatch({
        inputs: inputs.map((e) => ({
          eventTemplateId,
          id: e.eventId,
          objectId: e.contactId,
          timestamp: e.timestamp,
          tokens: { title: e.title, body: e.body },
        })),
      });
    } catch (e) {
      // Every input refused, and HubSpot names only the first reason: if it is "already exists",
      // the others may be too. Treated as a lost answer: each event is then looked up.
      if ((e as { code?: number }).code === 409 && inputs.length > 1)
        throw new HubSpotFailure("transient", "HubSpot already holds some of these events", 409);
      throw e;
    }
    const written = new Map<string, string>();
    for (const r of answer?.results ?? []) written.set(r.id, r.id);
    const wanted = new Set(inputs.map((i) => i.eventId));
    const errors: InputError[] = [];
    for (const e of inputErrors((answer as { errors?: [] } | undefined)?.errors)) {
      const id = e.ids.find((x) => wanted.has(x));
      if (id && /already exists/i.test(e.message))
        written.set(id, id); // an earlier send whose answer was lost
      else errors.push(e);
    }
    return { written, errors };
  });
}

// Which of these events HubSpot holds (one request each: only after an answer was lost).
export async function findTimelineEvents(
  client: Client,
  eventTemplateId: string,
  eventIds: string[],
  beforeRequest: Gate,
): Promise<Map<string, string>> {
  const found = new Map<string, string>();
  for (const id of eventIds) {
    await beforeRequest();
    try {
      await call(() => client.crm.timeline.eventsApi.getById(eventTemplateId, id));
      found.set(id, id);
    } catch (e) {
      if (!(e instanceof HubSpotFailure && e.status === 404)) throw e;
    }
  }
  return found;
}
