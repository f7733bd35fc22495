// The one module that talks to HubSpot (through @hubspot/api-client; OAuth with plain fetch). Tests
// and the demo point it at the local sandbox (HUBSPOT_BASE_URL); production leaves that unset
// (config.server.ts refuses it there).
// Nothing here logs, and no error message it builds carries a token.
import http from "node:http";
import https from "node:https";
import type { Socket } from "node:net";
import { Client } from "@hubspot/api-client";
import { CONTACT_PROPERTIES, PROPERTY_GROUP, type TicketPipeline } from "./properties";
import { config } from "../../app/config.server";

// How long a request may take before it counts as unanswered and is aborted, and how long after
// that HubSpot may still be applying what it had received (tests shorten both).
export const requestTiming = { timeoutMs: 30_000, landingGraceMs: 30_000 };
const basePath = () => config().HUBSPOT_BASE_URL;
const NOTE_TO_CONTACT = 202; // HubSpot-defined association types
const TICKET_TO_CONTACT = 16;
export const OAUTH_SCOPES = [
  "crm.objects.contacts.read",
  "crm.objects.contacts.write",
  "crm.schemas.contacts.read",
  "crm.schemas.contacts.write",
];
export const OPTIONAL_OAUTH_SCOPES = ["tickets"];

// A request that gets no byte back within the timeout is aborted (its socket destroyed), not
// just abandoned: a write still travelling could otherwise land long after we decided it was lost.
// What HubSpot received before the abort may still be applied; the sync waits that out
// (`uncertainAfterMs`) before it looks.
function abortingAgent(secure: boolean) {
  const Base = secure ? https.Agent : http.Agent;
  return new (class extends Base {
    createConnection(...args: Parameters<http.Agent["createConnection"]>) {
      const socket = super.createConnection(...args) as Socket | undefined;
      socket?.setTimeout(requestTiming.timeoutMs, () => socket.destroy(new Error(`no answer within ${requestTiming.timeoutMs} ms`)));
      return socket;
    }
  })({ keepAlive: true });
}
const agents = { http: abortingAgent(false), https: abortingAgent(true) };

export function hubspotClient(accessToken: string): Client {
  const base = basePath();
  // Retries are ours (the sync job), so one budget accounting decides when to call again.
  return new Client({
    accessToken,
    basePath: base,
    numberOfApiCallRetries: 0,
    httpAgent: base?.startsWith("http:") ? agents.http : agents.https,
  });
}

// How long after a send whose answer never came HubSpot may still apply it: the request was
// aborted at the timeout, and HubSpot finishes what it had received within the grace.
export const uncertainAfterMs = () => requestTiming.timeoutMs + requestTiming.landingGraceMs;

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
  if ((e as Error)?.name === "TimeoutError")
    return new HubSpotFailure("transient", `HubSpot did not answer within ${requestTiming.timeoutMs} ms`);
  // fetch's own message is only "fetch failed"; its cause says why (DNS, refused, reset).
  const cause = (e as { cause?: { message?: string } })?.cause?.message;
  return new HubSpotFailure("transient", `HubSpot did not answer: ${err?.message ?? String(e)}${cause ? ` (${cause})` : ""}`);
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

// A 207's per-input errors: the message, the ids HubSpot names in its context (if any), and its
// category (OBJECT_NOT_FOUND, VALIDATION_ERROR, …).
export interface InputError {
  message: string;
  ids: string[];
  category?: string;
}
function inputErrors(errors: Array<{ message?: string; category?: string; context?: Record<string, string[]> }> | undefined): InputError[] {
  return (errors ?? []).map((e) => ({
    message: e.message ?? "rejected",
    ids: Object.values(e.context ?? {}).flat(),
    category: e.category,
  }));
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
      // Aborted, not abandoned, at the timeout (as every other request here).
      signal: AbortSignal.timeout(requestTiming.timeoutMs),
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
  objectType: "contacts",
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

// The Postventa group's contact properties as HubSpot holds them (name → type and group).
export async function postventaContactProperties(client: Client): Promise<Map<string, { type: string; groupName: string }>> {
  return call(async () => {
    const all = await client.crm.properties.coreApi.getAll("contacts");
    return new Map(
      all.results.filter((p) => p.name.startsWith("postventa_")).map((p) => [p.name, { type: p.type, groupName: p.groupName }]),
    );
  });
}

// The rate-limit headers HubSpot sends on a plain CRM read (one request; the SDK does not expose
// response headers). Missing headers come back as null.
export async function rateLimitHeaders(
  accessToken: string,
): Promise<{ max: string | null; remaining: string | null; intervalMs: string | null }> {
  const base = (basePath() ?? "https://api.hubapi.com").replace(/\/+$/, "");
  return call(async () => {
    const res = await fetch(`${base}/crm/v3/objects/contacts?limit=1`, {
      headers: { Authorization: `Bearer ${accessToken}`, Accept: "application/json" },
      signal: AbortSignal.timeout(requestTiming.timeoutMs),
    });
    const text = await res.text();
    if (!res.ok) {
      let body: unknown = {};
      try {
        body = JSON.parse(text);
      } catch {
        // not JSON: the status says enough
      }
      throw { code: res.status, body };
    }
    return {
      max: res.headers.get("X-HubSpot-RateLimit-Max"),
      remaining: res.headers.get("X-HubSpot-RateLimit-Remaining"),
      intervalMs: res.headers.get("X-HubSpot-RateLimit-Interval-Milliseconds"),
    };
  });
}

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
// Notes: a note per interaction, associated to its contact. The note's body ends with a marker
// naming our stable event id: HubSpot documents no custom properties on notes, so the marker is
// what a later read recognises. "Is it there already?" is answered by reading the contact's note
// associations (v4) and those notes by id: both strongly consistent, unlike CRM search.
// ----------------------------------------------------------------------------------------------

export interface NoteWrite {
  eventId: string;
  contactId: string;
  timestamp: Date;
  body: string;
}

const MARKER = /Postventa ref: ([^\s<]+)/g;
export const withMarker = (body: string, eventId: string) => `${body}<p><small>Postventa ref: ${eventId}</small></p>`;
// The last marker: ours is appended after everything else, so text a shopper wrote (a claim's
// description) cannot pass for another key by quoting one.
export const eventIdOf = (body: string | null | undefined): string | null => (body && [...body.matchAll(MARKER)].at(-1)?.[1]) || null;

export async function createNotes(client: Client, inputs: NoteWrite[]): Promise<BatchOutcome> {
  return call(async () => {
    const answer = await client.crm.objects.notes.batchApi.create({
      inputs: inputs.map((n) => ({
        properties: { hs_timestamp: n.timestamp.toISOString(), hs_note_body: withMarker(n.body, n.eventId) },
        associations: [
          { to: { id: n.contactId }, types: [{ associationCategory: "HUBSPOT_DEFINED" as never, associationTypeId: NOTE_TO_CONTACT }] },
        ],
      })),
    });
    const written = new Map<string, string>();
    for (const r of answer.results) {
      const eventId = eventIdOf(r.properties.hs_note_body);
      if (eventId) written.set(eventId, r.id);
    }
    return { written, errors: inputErrors((answer as { errors?: [] }).errors) };
  });
}

// The Postventa notes HubSpot holds on these contacts, by event id. `beforeRequest` runs before
// each request (the shared budget): one association read per 100 contacts and page, then one
// batch read per 100 notes.
export const notesOnContacts = (client: Client, contactIds: string[], beforeRequest: Gate = open) =>
  markedOnContacts(client, "notes", contactIds, beforeRequest);

// The objects of a type associated to these contacts that carry our marker, by the key it names:
// the contacts' associations (v4) and those objects by id, both strongly consistent reads.
async function markedOnContacts(
  client: Client,
  type: "notes" | "tickets",
  contactIds: string[],
  beforeRequest: Gate,
): Promise<Map<string, string>> {
  const body = type === "notes" ? "hs_note_body" : "content";
  const objectIds = new Set<string>();
  let pending = contactIds.map((id) => ({ id, after: undefined as string | undefined }));
  while (pending.length) {
    const page = pending.slice(0, 100);
    pending = pending.slice(100);
    await beforeRequest();
    const answer = await call(() =>
      client.crm.associations.v4.batchApi.getPage("contacts", type, {
        inputs: page.map((p) => ({ id: p.id, after: p.after })),
      } as never),
    );
    for (const r of answer.results) {
      // Every note or ticket on the contact (whoever wrote it); ours carry the marker.
      for (const to of r.to) objectIds.add(String(to.toObjectId));
      const next = r.paging?.next?.after;
      if (next) pending.push({ id: r._from.id, after: next });
    }
  }
  const found = new Map<string, string>();
  const ids = [...objectIds];
  const api = type === "notes" ? client.crm.objects.notes.batchApi : client.crm.tickets.batchApi;
  for (let i = 0; i < ids.length; i += 100) {
    await beforeRequest();
    const answer = await call(() =>
      api.read({ inputs: ids.slice(i, i + 100).map((id) => ({ id })), properties: [body], propertiesWithHistory: [] }),
    );
    for (const o of answer.results) {
      const key = eventIdOf(o.properties[body]);
      if (key) found.set(key, o.id);
    }
  }
  return found;
}

// Deleting (archiving) one object by id: `npm run hubspot:check` removes what it wrote with these.
export const archiveNote = (client: Client, noteId: string) => call(() => client.crm.objects.notes.basicApi.archive(noteId));
export const archiveContact = (client: Client, contactId: string) => call(() => client.crm.contacts.basicApi.archive(contactId));

// A redacted customer: their notes (at most 100 ids a request) go, and Postventa's properties on
// their contact are emptied (at most 100 contacts a request). The contact itself is the merchant's.
export const archiveNotes = (client: Client, noteIds: string[]) =>
  call(() => client.crm.objects.notes.batchApi.archive({ inputs: noteIds.map((id) => ({ id })) }));
export const clearPostventaProperties = (client: Client, contactIds: string[]) =>
  call(() =>
    client.crm.contacts.batchApi.update({
      inputs: contactIds.map((id) => ({ id, properties: Object.fromEntries(CONTACT_PROPERTIES.map((p) => [p.name, ""])) })),
    }),
  );

// ----------------------------------------------------------------------------------------------
// Tickets: one per after-sales case, associated to its contact. Its description (`content`) ends
// with the same marker as notes, naming our stable key; after an answer that never came, the
// contact's tickets (v4 associations) are read by id and matched on it, as notes are. Search is
// not used (eventually consistent).
// ----------------------------------------------------------------------------------------------

export interface TicketWrite {
  key: string;
  contactId: string;
  properties: { subject: string; content: string; hs_pipeline: string; hs_pipeline_stage: string };
}
export const withTicketMarker = (content: string, key: string) => `${content}\n\nPostventa ref: ${key}`;

// At most 100 tickets, each created with its association to its contact (one request).
export async function createTickets(client: Client, inputs: TicketWrite[]): Promise<BatchOutcome> {
  return call(async () => {
    const answer = await client.crm.tickets.batchApi.create({
      inputs: inputs.map((t) => ({
        properties: { ...t.properties, content: withTicketMarker(t.properties.content, t.key) },
        associations: [
          { to: { id: t.contactId }, types: [{ associationCategory: "HUBSPOT_DEFINED" as never, associationTypeId: TICKET_TO_CONTACT }] },
        ],
      })),
    });
    const written = new Map<string, string>();
    for (const r of answer.results) {
      const key = eventIdOf(r.properties.content);
      if (key) written.set(key, r.id);
    }
    return { written, errors: inputErrors((answer as { errors?: [] }).errors) };
  });
}

// At most 100 tickets HubSpot already holds, by id: their stage, subject and description now.
export async function updateTickets(client: Client, inputs: Array<TicketWrite & { ticketId: string }>): Promise<BatchOutcome> {
  return call(async () => {
    const answer = await client.crm.tickets.batchApi.update({
      inputs: inputs.map((t) => ({
        id: t.ticketId,
        properties: { ...t.properties, content: withTicketMarker(t.properties.content, t.key) },
      })),
    });
    const keyOf = new Map(inputs.map((t) => [t.ticketId, t.key]));
    const written = new Map<string, string>();
    for (const r of answer.results) {
      const key = keyOf.get(r.id);
      if (key) written.set(key, r.id);
    }
    return { written, errors: inputErrors((answer as { errors?: [] }).errors) };
  });
}

// The Postventa tickets HubSpot holds on these contacts, by key (see markedOnContacts).
export const ticketsOnContacts = (client: Client, contactIds: string[], beforeRequest: Gate = open) =>
  markedOnContacts(client, "tickets", contactIds, beforeRequest);

export const archiveTickets = (client: Client, ticketIds: string[]) =>
  call(() => client.crm.tickets.batchApi.archive({ inputs: ticketIds.map((id) => ({ id })) }));

// A ticket pipeline and its stages as HubSpot holds them; null when the account has no such pipeline.
export interface PipelineFound {
  id: string;
  label: string;
  stages: Array<{ id: string; label: string }>;
}
export async function ticketPipeline(client: Client, pipelineId: string): Promise<PipelineFound | null> {
  try {
    return await call(async () => {
      const p = await client.crm.pipelines.pipelinesApi.getById("tickets", pipelineId);
      return { id: p.id, label: p.label, stages: p.stages.filter((s) => !s.archived).map((s) => ({ id: s.id, label: s.label })) };
    });
  } catch (e) {
    if (e instanceof HubSpotFailure && e.status === 404) return null;
    throw e;
  }
}

// What keeps a pipeline from taking our tickets, in the merchant's words, or null.
export function pipelineProblem(wanted: TicketPipeline, found: PipelineFound | null): string | null {
  if (!found) return `HubSpot has no ticket pipeline with id "${wanted.pipelineId}".`;
  const missing = Object.entries(wanted.stages).filter(([, id]) => !found.stages.some((s) => s.id === id));
  if (!missing.length) return null;
  return `HubSpot's ticket pipeline "${found.label}" (${found.id}) has no stage ${missing
    .map(([ours, id]) => `"${id}" (for ${ours.replace(/_/g, " ")})`)
    .join(", ")}.`;
}
