/**
 * Local stand-in for the HubSpot API, spoken over HTTP in HubSpot's wire format.
 *
 * The app reaches it through `@hubspot/api-client`'s `basePath` option (and, for OAuth, plain
 * `fetch` to the same base URL), so every answer here is shaped as HubSpot shapes it (and as the
 * SDK 14.0.1 parses it): error bodies
 * `{status:"error", message, correlationId, category, ...}`, batch answers
 * `{status:"COMPLETE", results, startedAt, completedAt}` and 207 `{..., numErrors, errors}`,
 * rate-limit 429 bodies carrying `errorType:"RATE_LIMIT"` + `policyName` (the SDK's RetryDecorator
 * keys on `policyName === "TEN_SECONDLY_ROLLING"`), OAuth errors (dated endpoints only) `{error, error_description, ...}`.
 *
 * Where HubSpot's documentation is silent the choice made is written next to the code
 * ("CHOICE:"), so a reader can tell a documented fact from a guess.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { randomUUID, randomBytes } from "node:crypto";
import type { AddressInfo } from "node:net";

// ---------------------------------------------------------------------------------------------
// Public types
// ---------------------------------------------------------------------------------------------

export interface SandboxOptions {
  port?: number;
  /** Requests per window per (portal, app). HubSpot: 100 (Free/Starter private apps), 190 (Pro/Ent), 110 (public OAuth apps). */
  rollingLimit?: number;
  windowMs?: number;
  /** Daily budget per portal, shared by its private apps (HubSpot applies no daily budget to OAuth apps). */
  dailyLimit?: number;
  maxBatch?: number;
  /** CRM search is eventually consistent: a new object is found only after this delay (default 3 s). */
  searchIndexDelayMs?: number;
  /** CRM search's own limit per portal, apart from the 10-second budget (HubSpot: about 5/s). */
  searchPerSecond?: number;
  /** HubSpot documents no custom properties on notes: creating one is refused unless this is on. */
  customNoteProperties?: boolean;
}

export interface CrmObject {
  id: string;
  properties: Record<string, string | null>;
  createdAt: string;
  updatedAt: string;
  archived: boolean;
}

export interface PropertyGroup {
  name: string;
  label: string;
  displayOrder: number;
  archived: boolean;
}

export interface PropertyOption {
  label: string;
  value: string;
  description?: string;
  displayOrder: number;
  hidden: boolean;
}

export interface PropertyDef {
  name: string;
  label: string;
  type: "string" | "number" | "date" | "datetime" | "enumeration" | "bool" | "phone_number";
  fieldType: string;
  description: string;
  groupName: string;
  options: PropertyOption[];
  displayOrder: number;
  calculated: boolean;
  externalOptions: boolean;
  hasUniqueValue: boolean;
  hidden: boolean;
  hubspotDefined: boolean;
  formField: boolean;
  readOnlyValue: boolean;
  createdAt: string;
  updatedAt: string;
  archived: boolean;
}

export interface Association {
  fromObjectType: ObjectType;
  fromId: string;
  toObjectType: ObjectType;
  toId: string;
  associationCategory: string;
  associationTypeId: number;
}

export interface TimelineEventRecord {
  id: string;
  eventTemplateId: string;
  objectId: string;
  email?: string;
  tokens: Record<string, unknown>;
  extraData?: unknown;
  timestamp: string;
  createdAt: string;
  appId: number;
}

/** A ticket pipeline and its stages, as the pipelines API (v3) answers them. */
export interface TicketPipelineDef {
  id: string;
  label: string;
  displayOrder?: number;
  stages: Array<{ id: string; label: string; closed?: boolean; archived?: boolean }>;
}

export interface PortalState {
  contacts: CrmObject[];
  notes: CrmObject[];
  tickets: CrmObject[];
  propertyGroups: Record<ObjectType, PropertyGroup[]>;
  properties: Record<ObjectType, PropertyDef[]>;
  associations: Association[];
  timelineEvents: TimelineEventRecord[];
}

export interface RequestLogEntry {
  at: number;
  method: string;
  path: string;
  portalId: number | null;
  appId: number | null;
  status: number;
  inputs?: number;
  correlationId: string;
}

export type FaultStatus = 429 | 500 | 502 | 503 | 504;

export interface HubSpotSandbox {
  url: string;
  close(): Promise<void>;
  createPortal(opts?: { privateAppToken?: string; timelineApproved?: boolean; rollingLimit?: number; scopes?: string[] }): {
    portalId: number;
    privateAppToken: string;
    appId: number;
  };
  /** Adds another private app to an existing portal (its own rolling budget, the portal's daily budget). */
  addPrivateApp(portalId: number, opts?: { token?: string; scopes?: string[] }): { privateAppToken: string; appId: number };
  oauthClient(opts: { clientId: string; clientSecret: string; redirectUri?: string }): { appId: number };
  authorize(portalId: number, clientId: string, scopes: string[], opts?: { redirectUri?: string }): { code: string };
  revoke(token: string): void;
  expireAccessTokens(portalId: number): void;
  /** Registers a timeline event template for an app (an OAuth app's clientId or a private app's token). */
  /**
   * Replaces a portal's ticket pipelines (a fresh portal has HubSpot's default "Support Pipeline",
   * id "0", stages "1" New, "2" Waiting on contact, "3" Waiting on us, "4" Closed).
   */
  setTicketPipelines(portalId: number, pipelines: TicketPipelineDef[]): void;
  createTimelineTemplate(opts: { clientId?: string; privateAppToken?: string; tokens?: string[]; name?: string }): {
    eventTemplateId: string;
  };
  faults: {
    failNext(n: number, status: FaultStatus, opts?: { path?: RegExp; policyName?: "TEN_SECONDLY_ROLLING" | "DAILY" }): void;
    outage(ms: number): void;
    latency(ms: number): void;
    /** Processes each request at once but holds its answer for `ms`: HubSpot did the work, the caller has not heard. */
    slowAnswers(ms: number, path?: RegExp): void;
    /** Holds each request for `ms` before doing its work: a write that lands after the caller gave up. */
    slowWrites(ms: number, path?: RegExp): void;
    exhaustDaily(portalId: number): void;
    clear(): void;
  };
  state(portalId: number): PortalState;
  requestLog: RequestLogEntry[];
  stats(): {
    requests: number;
    http2xx: number;
    http207: number;
    http4xx: number;
    http5xx: number;
    http401: number;
    http403: number;
    http429: number;
    byStatus: Record<string, number>;
  };
  resetLog(): void;
}

type ObjectType = "contacts" | "notes" | "tickets";

// ---------------------------------------------------------------------------------------------
// Internal model
// ---------------------------------------------------------------------------------------------

interface App {
  appId: number;
  kind: "private" | "oauth";
  clientId?: string;
  clientSecret?: string;
  redirectUri?: string;
}

interface TokenRecord {
  token: string;
  kind: "private" | "access" | "refresh";
  portalId: number;
  appId: number;
  /** null = every scope (private apps created without a list). */
  scopes: string[] | null;
  expiresAt?: number;
  revoked: boolean;
  /** for access tokens: the refresh token that minted them */
  refreshToken?: string;
  user: string;
}

interface AuthCode {
  code: string;
  portalId: number;
  appId: number;
  scopes: string[];
  redirectUri?: string;
  used: boolean;
  expiresAt: number;
}

interface Template {
  id: string;
  appId: number;
  name: string;
  tokens: string[];
}

interface Portal {
  portalId: number;
  timelineApproved: boolean;
  rollingLimit?: number;
  dailyUsed: number;
  dailyDay: string;
  windows: Map<number, number[]>;
  objects: Record<ObjectType, Map<string, CrmObject>>;
  groups: Record<ObjectType, Map<string, PropertyGroup>>;
  props: Record<ObjectType, Map<string, PropertyDef>>;
  associations: Association[];
  /** Keys of `associations`, so a write checks for an existing one in O(1) however many there are. */
  associationKeys: Set<string>;
  /** Contact id by lower-cased email: upserts by email stay fast at tens of thousands of contacts. */
  contactsByEmail: Map<string, string>;
  timeline: Map<string, TimelineEventRecord>;
  ticketPipelines: TicketPipelineDef[];
}

interface Fault {
  remaining: number;
  status: FaultStatus;
  path?: RegExp;
  policyName?: "TEN_SECONDLY_ROLLING" | "DAILY";
}

class HttpError {
  constructor(
    public status: number,
    public body: Record<string, unknown>,
    public headers: Record<string, string> = {},
  ) {}
}

interface Ctx {
  method: string;
  path: string;
  query: URLSearchParams;
  body: unknown;
  rawBody: string;
  contentType: string;
  correlationId: string;
  portal?: Portal;
  auth?: TokenRecord;
  inputs?: number;
}

const OBJECT_TYPE_IDS: Record<ObjectType, string> = { contacts: "0-1", tickets: "0-5", notes: "0-46" };
const SINGULAR: Record<ObjectType, string> = { contacts: "contact", tickets: "ticket", notes: "note" };

/** HUBSPOT_DEFINED association type ids (HubSpot's "association type ID values" table). */
const ASSOCIATION_TYPES: Array<{ from: ObjectType; to: ObjectType; id: number; label: string }> = [
  { from: "notes", to: "contacts", id: 202, label: "note_to_contact" },
  { from: "contacts", to: "notes", id: 201, label: "contact_to_note" },
  { from: "notes", to: "tickets", id: 228, label: "note_to_ticket" },
  { from: "tickets", to: "notes", id: 227, label: "ticket_to_note" },
  { from: "tickets", to: "contacts", id: 16, label: "ticket_to_contact" },
  { from: "contacts", to: "tickets", id: 15, label: "contact_to_ticket" },
];

const EMAIL_RE =
  /^[^\s@"(),:;<>[\\\]]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*\.[A-Za-z]{2,}$/;

/** Valid type → fieldType pairs for properties (HubSpot properties API "type and fieldType values"). */
const FIELD_TYPES: Record<string, string[]> = {
  string: ["text", "textarea", "html", "file", "phonenumber"],
  number: ["number", "calculation_equation"],
  date: ["date"],
  datetime: ["date"],
  enumeration: ["select", "radio", "checkbox", "booleancheckbox"],
  bool: ["booleancheckbox"],
  phone_number: ["phonenumber"],
};

let globalObjectId = 51_000 + Math.floor(Math.random() * 1000);
let globalPortalId = 146_000_000 + Math.floor(Math.random() * 100_000);
let globalAppId = 3_100_000 + Math.floor(Math.random() * 10_000);

const nowIso = () => new Date().toISOString();

// ---------------------------------------------------------------------------------------------
// Built-in properties
// ---------------------------------------------------------------------------------------------

function builtinProp(p: Partial<PropertyDef> & Pick<PropertyDef, "name" | "type" | "fieldType" | "groupName">): PropertyDef {
  const t = "2019-08-06T02:41:52.301Z";
  return {
    label: p.name,
    description: "",
    options: [],
    displayOrder: -1,
    calculated: false,
    externalOptions: false,
    hasUniqueValue: false,
    hidden: false,
    hubspotDefined: true,
    formField: false,
    readOnlyValue: false,
    createdAt: t,
    updatedAt: t,
    archived: false,
    ...p,
  };
}

const opts = (values: Array<[string, string]>): PropertyOption[] =>
  values.map(([value, label], i) => ({ value, label, displayOrder: i, hidden: false }));

function builtins(): { groups: Record<ObjectType, PropertyGroup[]>; props: Record<ObjectType, PropertyDef[]> } {
  const g = (name: string, label: string): PropertyGroup => ({ name, label, displayOrder: -1, archived: false });
  const common = (group: string, prefix: "" | "hs_") => [
    builtinProp({ name: "hs_object_id", label: "Record ID", type: "number", fieldType: "number", groupName: group, readOnlyValue: true }),
    builtinProp({
      name: prefix === "" ? "createdate" : "hs_createdate",
      type: "datetime",
      fieldType: "date",
      groupName: group,
      readOnlyValue: true,
    }),
    builtinProp({
      name: prefix === "" ? "lastmodifieddate" : "hs_lastmodifieddate",
      type: "datetime",
      fieldType: "date",
      groupName: group,
      readOnlyValue: true,
    }),
  ];
  return {
    groups: {
      contacts: [g("contactinformation", "Contact information"), g("emailinformation", "Email information")],
      tickets: [g("ticketinformation", "Ticket information")],
      notes: [g("engagement", "Engagement")],
    },
    props: {
      contacts: [
        ...common("contactinformation", ""),
        builtinProp({
          name: "email",
          label: "Email",
          type: "string",
          fieldType: "text",
          groupName: "contactinformation",
          hasUniqueValue: true,
        }),
        builtinProp({ name: "firstname", label: "First Name", type: "string", fieldType: "text", groupName: "contactinformation" }),
        builtinProp({ name: "lastname", label: "Last Name", type: "string", fieldType: "text", groupName: "contactinformation" }),
        builtinProp({ name: "phone", label: "Phone Number", type: "string", fieldType: "phonenumber", groupName: "contactinformation" }),
        builtinProp({
          name: "mobilephone",
          label: "Mobile Phone Number",
          type: "string",
          fieldType: "phonenumber",
          groupName: "contactinformation",
        }),
        builtinProp({ name: "company", label: "Company Name", type: "string", fieldType: "text", groupName: "contactinformation" }),
        builtinProp({ name: "jobtitle", label: "Job Title", type: "string", fieldType: "text", groupName: "contactinformation" }),
        builtinProp({ name: "website", label: "Website URL", type: "string", fieldType: "text", groupName: "contactinformation" }),
        builtinProp({ name: "address", label: "Street Address", type: "string", fieldType: "text", groupName: "contactinformation" }),
        builtinProp({ name: "city", label: "City", type: "string", fieldType: "text", groupName: "contactinformation" }),
        builtinProp({ name: "state", label: "State/Region", type: "string", fieldType: "text", groupName: "contactinformation" }),
        builtinProp({ name: "zip", label: "Postal Code", type: "string", fieldType: "text", groupName: "contactinformation" }),
        builtinProp({ name: "country", label: "Country/Region", type: "string", fieldType: "text", groupName: "contactinformation" }),
        builtinProp({
          name: "hs_language",
          label: "Preferred language",
          type: "enumeration",
          fieldType: "select",
          groupName: "contactinformation",
          options: opts([
            ["en", "English"],
            ["es", "Spanish"],
            ["fr", "French"],
            ["de", "German"],
            ["pt-br", "Portuguese - Brazil"],
            ["it", "Italian"],
          ]),
        }),
        builtinProp({
          name: "lifecyclestage",
          label: "Lifecycle Stage",
          type: "enumeration",
          fieldType: "radio",
          groupName: "contactinformation",
          options: opts([
            ["subscriber", "Subscriber"],
            ["lead", "Lead"],
            ["marketingqualifiedlead", "Marketing Qualified Lead"],
            ["salesqualifiedlead", "Sales Qualified Lead"],
            ["opportunity", "Opportunity"],
            ["customer", "Customer"],
            ["evangelist", "Evangelist"],
            ["other", "Other"],
          ]),
        }),
        builtinProp({
          name: "hs_lead_status",
          label: "Lead Status",
          type: "enumeration",
          fieldType: "radio",
          groupName: "contactinformation",
          options: opts([
            ["NEW", "New"],
            ["OPEN", "Open"],
            ["IN_PROGRESS", "In Progress"],
            ["OPEN_DEAL", "Open Deal"],
            ["UNQUALIFIED", "Unqualified"],
            ["ATTEMPTED_TO_CONTACT", "Attempted to Contact"],
            ["CONNECTED", "Connected"],
            ["BAD_TIMING", "Bad Timing"],
          ]),
        }),
      ],
      tickets: [
        ...common("ticketinformation", "hs_").map((p) => (p.name === "hs_createdate" ? { ...p, name: "createdate" } : p)),
        builtinProp({ name: "subject", label: "Ticket name", type: "string", fieldType: "text", groupName: "ticketinformation" }),
        builtinProp({
          name: "content",
          label: "Ticket description",
          type: "string",
          fieldType: "textarea",
          groupName: "ticketinformation",
        }),
        builtinProp({
          name: "hs_pipeline",
          label: "Pipeline",
          type: "enumeration",
          fieldType: "select",
          groupName: "ticketinformation",
          options: opts([["0", "Support Pipeline"]]),
        }),
        builtinProp({
          name: "hs_pipeline_stage",
          label: "Ticket status",
          type: "enumeration",
          fieldType: "select",
          groupName: "ticketinformation",
          options: opts([
            ["1", "New"],
            ["2", "Waiting on contact"],
            ["3", "Waiting on us"],
            ["4", "Closed"],
          ]),
        }),
        builtinProp({
          name: "hs_ticket_priority",
          label: "Priority",
          type: "enumeration",
          fieldType: "select",
          groupName: "ticketinformation",
          options: opts([
            ["LOW", "Low"],
            ["MEDIUM", "Medium"],
            ["HIGH", "High"],
            ["URGENT", "Urgent"],
          ]),
        }),
        builtinProp({
          name: "hs_ticket_category",
          label: "Category",
          type: "enumeration",
          fieldType: "checkbox",
          groupName: "ticketinformation",
          options: opts([
            ["PRODUCT_ISSUE", "Product issue"],
            ["BILLING_ISSUE", "Billing issue"],
            ["FEATURE_REQUEST", "Feature request"],
            ["GENERAL_INQUIRY", "General inquiry"],
          ]),
        }),
        builtinProp({
          name: "source_type",
          label: "Source",
          type: "enumeration",
          fieldType: "select",
          groupName: "ticketinformation",
          options: opts([
            ["CHAT", "Chat"],
            ["EMAIL", "Email"],
            ["FORM", "Form"],
            ["PHONE", "Phone"],
          ]),
        }),
        builtinProp({
          name: "hubspot_owner_id",
          label: "Ticket owner",
          type: "enumeration",
          fieldType: "select",
          groupName: "ticketinformation",
          externalOptions: true,
        }),
      ],
      notes: [
        ...common("engagement", "hs_"),
        builtinProp({ name: "hs_timestamp", label: "Activity date", type: "datetime", fieldType: "date", groupName: "engagement" }),
        builtinProp({ name: "hs_note_body", label: "Note body", type: "string", fieldType: "html", groupName: "engagement" }),
        builtinProp({
          name: "hs_attachment_ids",
          label: "Attachment IDs",
          type: "enumeration",
          fieldType: "checkbox",
          groupName: "engagement",
          externalOptions: true,
        }),
        builtinProp({
          name: "hubspot_owner_id",
          label: "Activity assigned to",
          type: "enumeration",
          fieldType: "select",
          groupName: "engagement",
          externalOptions: true,
        }),
      ],
    },
  };
}

/** Properties whose values HubSpot generates (read-only). */
const READ_ONLY = new Set(["hs_object_id", "createdate", "lastmodifieddate", "hs_createdate", "hs_lastmodifieddate"]);
/** System properties HubSpot echoes on every read. */
const SYSTEM_PROPS: Record<ObjectType, string[]> = {
  contacts: ["hs_object_id", "createdate", "lastmodifieddate"],
  tickets: ["hs_object_id", "createdate", "hs_lastmodifieddate"],
  notes: ["hs_object_id", "hs_createdate", "hs_lastmodifieddate"],
};
/** Properties returned when the caller names none (HubSpot's defaults per object). */
const DEFAULT_PROPS: Record<ObjectType, string[]> = {
  contacts: ["createdate", "email", "firstname", "hs_object_id", "lastmodifieddate", "lastname"],
  tickets: [
    "content",
    "createdate",
    "hs_lastmodifieddate",
    "hs_object_id",
    "hs_pipeline",
    "hs_pipeline_stage",
    "hs_ticket_category",
    "hs_ticket_priority",
    "subject",
  ],
  notes: ["hs_createdate", "hs_lastmodifieddate", "hs_object_id"],
};

/**
 * A fresh portal's ticket pipeline. CHOICE: HubSpot documents neither the default pipeline's id nor
 * its stages' ids (its own guidance is to read them from the pipelines API); "0" and "1"–"4" are
 * what HubSpot's default support pipeline has been seen to carry, and what integrations commonly
 * hard-code.
 */
const DEFAULT_TICKET_PIPELINES: TicketPipelineDef[] = [
  {
    id: "0",
    label: "Support Pipeline",
    displayOrder: 0,
    stages: [
      { id: "1", label: "New" },
      { id: "2", label: "Waiting on contact" },
      { id: "3", label: "Waiting on us" },
      { id: "4", label: "Closed", closed: true },
    ],
  },
];

// ---------------------------------------------------------------------------------------------
// Error bodies
// ---------------------------------------------------------------------------------------------

function errBody(ctx: Ctx, message: string, category: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { status: "error", message, correlationId: ctx.correlationId, category, ...extra };
}
const fail = (status: number, ctx: Ctx, message: string, category: string, extra: Record<string, unknown> = {}) =>
  new HttpError(status, errBody(ctx, message, category, extra));

const validationFail = (ctx: Ctx, message: string, extra: Record<string, unknown> = {}) =>
  fail(400, ctx, message, "VALIDATION_ERROR", extra);

interface PropIssue {
  isValid: false;
  message: string;
  error: string;
  name: string;
  localizedErrorMessage: string;
}
const issue = (name: string, error: string, message: string): PropIssue => ({
  isValid: false,
  message,
  error,
  name,
  localizedErrorMessage: message,
});

/** One input's failure inside a batch (StandardError). */
interface InputError {
  status: "error";
  category: string;
  message: string;
  context: Record<string, string[]>;
  errors?: Array<{ message: string; code?: string; context?: Record<string, string[]> }>;
  httpStatus: number;
}

function propertyErrors(issues: PropIssue[], id: string | undefined): InputError {
  return {
    status: "error",
    category: "VALIDATION_ERROR",
    message: `Property values were not valid: ${JSON.stringify(issues)}`,
    context: id !== undefined ? { ids: [id] } : {},
    errors: issues.map((i) => ({ message: i.message, code: i.error, context: { propertyName: [i.name] } })),
    httpStatus: 400,
  };
}

function publicInputError(e: InputError): Record<string, unknown> {
  const { httpStatus: _s, ...rest } = e;
  return rest;
}

// ---------------------------------------------------------------------------------------------
// Value validation & normalisation (HubSpot stores every property value as a string)
// ---------------------------------------------------------------------------------------------

function toRaw(v: unknown): string | null {
  if (v === null || v === undefined) return null;
  if (typeof v === "string") return v;
  if (typeof v === "number" || typeof v === "boolean") return String(v);
  return JSON.stringify(v);
}

function normalizeValue(def: PropertyDef, raw: string): { value: string } | { issue: PropIssue } {
  if (raw === "") return { value: "" }; // empty string clears a property of any type
  const name = def.name;
  switch (def.type) {
    case "number": {
      const t = raw.trim();
      if (!/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(t) || !Number.isFinite(Number(t))) {
        return { issue: issue(name, "INVALID_LONG", `${raw} was not a valid long.`) };
      }
      return { value: String(Number(t)) };
    }
    case "date": {
      let ms: number;
      if (/^\d{4}-\d{2}-\d{2}$/.test(raw)) {
        ms = Date.parse(`${raw}T00:00:00.000Z`);
      } else if (/^-?\d+$/.test(raw)) {
        ms = Number(raw);
      } else if (/^\d{4}-\d{2}-\d{2}T/.test(raw)) {
        ms = Date.parse(raw);
      } else {
        return {
          issue: issue(name, "INVALID_DATE", `${raw} is not a valid date. Dates must be midnight UTC in epoch milliseconds or YYYY-MM-DD.`),
        };
      }
      if (!Number.isFinite(ms)) return { issue: issue(name, "INVALID_DATE", `${raw} is not a valid date.`) };
      const d = new Date(ms);
      if (d.getUTCHours() || d.getUTCMinutes() || d.getUTCSeconds() || d.getUTCMilliseconds()) {
        return {
          issue: issue(
            name,
            "INVALID_DATE",
            `${raw} is at ${d.getUTCHours()}:${d.getUTCMinutes()}:${d.getUTCSeconds()}.${d.getUTCMilliseconds()} UTC, not midnight!`,
          ),
        };
      }
      return { value: d.toISOString().slice(0, 10) };
    }
    case "datetime": {
      let ms: number;
      if (/^-?\d+$/.test(raw)) ms = Number(raw);
      else if (/^\d{4}-\d{2}-\d{2}(T[\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/.test(raw))
        ms = Date.parse(raw.length === 10 ? `${raw}T00:00:00Z` : raw);
      else ms = NaN;
      if (!Number.isFinite(ms)) return { issue: issue(name, "INVALID_LONG", `${raw} was not a valid long.`) };
      return { value: new Date(ms).toISOString() };
    }
    case "bool": {
      const v = raw.toLowerCase();
      if (v !== "true" && v !== "false") {
        return { issue: issue(name, "INVALID_BOOLEAN", `${raw} was not a valid boolean. Valid values are true and false.`) };
      }
      return { value: v };
    }
    case "enumeration": {
      if (def.externalOptions) return { value: raw };
      const allowed = def.options.map((o) => o.value);
      const parts = def.fieldType === "checkbox" ? raw.split(";") : [raw];
      for (const p of parts) {
        if (!allowed.includes(p)) {
          return {
            issue: issue(
              name,
              "INVALID_OPTION",
              `${p} was not one of the allowed options: [${def.options.map((o) => `label: "${o.label}"\nvalue: "${o.value}"`).join(", ")}]`,
            ),
          };
        }
      }
      return { value: raw };
    }
    default: {
      if (raw.length > 65536) return { issue: issue(name, "INVALID_STRING", `${name} is longer than 65536 characters`) };
      return { value: raw };
    }
  }
}

// ---------------------------------------------------------------------------------------------
// The sandbox
// ---------------------------------------------------------------------------------------------

export async function startHubSpotSandbox(options: SandboxOptions = {}): Promise<HubSpotSandbox> {
  const windowMs = options.windowMs ?? 10_000;
  const defaultRolling = options.rollingLimit ?? 190;
  const dailyLimit = options.dailyLimit ?? 1_000_000;
  const maxBatch = options.maxBatch ?? 100;

  const portals = new Map<number, Portal>();
  const apps = new Map<number, App>();
  const appsByClientId = new Map<string, App>();
  const tokens = new Map<string, TokenRecord>();
  const codes = new Map<string, AuthCode>();
  const templates = new Map<string, Template>();
  let faults: Fault[] = [];
  let outageUntil = 0;
  let latencyMs = 0;
  let slowAnswerMs = 0;
  let slowWriteMs = 0;
  let slowWritePath: RegExp | undefined;
  const searchIndexDelayMs = options.searchIndexDelayMs ?? 3000;
  const searchPerSecond = options.searchPerSecond ?? 5;
  const customNoteProperties = options.customNoteProperties ?? false;
  const searches = new Map<number, number[]>(); // portal → times of its searches in the last second
  let slowAnswerPath: RegExp | undefined;
  const requestLog: RequestLogEntry[] = [];
  let nextTemplateId = 1_000_000 + Math.floor(Math.random() * 10_000);

  const dayKey = () => new Date().toISOString().slice(0, 10);

  function getPortal(portalId: number): Portal {
    const p = portals.get(portalId);
    if (!p) throw new Error(`HubSpot sandbox: no portal ${portalId}`);
    return p;
  }

  function newPortal(timelineApproved: boolean, rollingLimit?: number): Portal {
    const b = builtins();
    const portalId = globalPortalId++;
    const p: Portal = {
      portalId,
      timelineApproved,
      rollingLimit,
      dailyUsed: 0,
      dailyDay: dayKey(),
      windows: new Map(),
      objects: { contacts: new Map(), notes: new Map(), tickets: new Map() },
      groups: {
        contacts: new Map(b.groups.contacts.map((g) => [g.name, g])),
        tickets: new Map(b.groups.tickets.map((g) => [g.name, g])),
        notes: new Map(b.groups.notes.map((g) => [g.name, g])),
      },
      props: {
        contacts: new Map(b.props.contacts.map((x) => [x.name, x])),
        tickets: new Map(b.props.tickets.map((x) => [x.name, x])),
        notes: new Map(b.props.notes.map((x) => [x.name, x])),
      },
      associations: [],
      associationKeys: new Set(),
      contactsByEmail: new Map(),
      timeline: new Map(),
      ticketPipelines: [],
    };
    setTicketPipelines(p, DEFAULT_TICKET_PIPELINES);
    portals.set(portalId, p);
    return p;
  }

  function addPrivateApp(portalId: number, o: { token?: string; scopes?: string[] } = {}) {
    getPortal(portalId);
    const app: App = { appId: globalAppId++, kind: "private" };
    apps.set(app.appId, app);
    const token = o.token ?? `pat-na1-${randomUUID()}`;
    if (tokens.has(token)) throw new Error(`HubSpot sandbox: token ${token} already exists`);
    tokens.set(token, {
      token,
      kind: "private",
      portalId,
      appId: app.appId,
      scopes: o.scopes ?? null,
      revoked: false,
      user: "private-app",
    });
    return { privateAppToken: token, appId: app.appId };
  }

  function mintAccess(portalId: number, appId: number, scopes: string[], refreshToken: string): TokenRecord {
    const token = `C${randomBytes(60).toString("base64url")}`;
    const rec: TokenRecord = {
      token,
      kind: "access",
      portalId,
      appId,
      scopes,
      expiresAt: Date.now() + 1800 * 1000,
      revoked: false,
      refreshToken,
      user: "merchant@example.com",
    };
    tokens.set(token, rec);
    return rec;
  }

  // -------------------------------------------------------------------------------------------
  // Object helpers
  // -------------------------------------------------------------------------------------------

  function parseObjectType(ctx: Ctx, raw: string): ObjectType {
    const m: Record<string, ObjectType> = {
      contacts: "contacts",
      contact: "contacts",
      "0-1": "contacts",
      tickets: "tickets",
      ticket: "tickets",
      "0-5": "tickets",
      notes: "notes",
      note: "notes",
      "0-46": "notes",
    };
    const t = m[raw.toLowerCase()];
    if (!t) throw fail(400, ctx, `Unable to infer object type from: ${raw}`, "VALIDATION_ERROR");
    return t;
  }

  function renderObject(type: ObjectType, o: CrmObject, wanted?: string[] | null): Record<string, unknown> {
    const names = wanted && wanted.length ? wanted : DEFAULT_PROPS[type];
    const props: Record<string, string | null> = {};
    for (const n of names) {
      if (n in o.properties) props[n] = o.properties[n];
      else if (wanted && wanted.length) props[n] = null;
    }
    // HubSpot always echoes these three
    for (const n of SYSTEM_PROPS[type]) {
      if (n in o.properties) props[n] = o.properties[n];
    }
    return { id: o.id, properties: props, createdAt: o.createdAt, updatedAt: o.updatedAt, archived: false };
  }

  /** Everything the caller wrote plus the system properties (HubSpot's write answers echo what was set). */
  function renderWritten(type: ObjectType, o: CrmObject, written: string[]): Record<string, unknown> {
    return renderObject(type, o, [...new Set([...DEFAULT_PROPS[type].filter((n) => n in o.properties), ...written])]);
  }

  function validateProperties(portal: Portal, type: ObjectType, input: unknown): { values: Record<string, string>; issues: PropIssue[] } {
    const values: Record<string, string> = {};
    const issues: PropIssue[] = [];
    if (input === undefined || input === null) return { values, issues };
    if (typeof input !== "object" || Array.isArray(input)) {
      issues.push(issue("properties", "INVALID_INPUT", "properties must be an object of property name to value"));
      return { values, issues };
    }
    for (const [name, v] of Object.entries(input as Record<string, unknown>)) {
      const def = portal.props[type].get(name);
      if (!def || def.archived) {
        issues.push(issue(name, "PROPERTY_DOESNT_EXIST", `Property "${name}" does not exist`));
        continue;
      }
      if (READ_ONLY.has(name) || def.readOnlyValue) {
        issues.push(issue(name, "READ_ONLY_VALUE", `"${name}" is a read only property; its value cannot be set.`));
        continue;
      }
      const raw = toRaw(v);
      if (raw === null) {
        values[name] = "";
        continue;
      }
      if (name === "email" && type === "contacts" && raw !== "" && !EMAIL_RE.test(raw)) {
        issues.push(issue(name, "INVALID_EMAIL", `Email address ${raw} is invalid`));
        continue;
      }
      const r = normalizeValue(def, raw);
      if ("issue" in r) issues.push(r.issue);
      else values[name] = name === "email" ? r.value.toLowerCase() : r.value;
    }
    return { values, issues };
  }

  function findByProperty(portal: Portal, type: ObjectType, prop: string, value: string): CrmObject | undefined {
    if (prop === "hs_object_id") return portal.objects[type].get(value);
    const v = prop === "email" ? value.toLowerCase() : value;
    if (type === "contacts" && prop === "email") {
      const id = portal.contactsByEmail.get(v);
      return id ? portal.objects.contacts.get(id) : undefined;
    }
    for (const o of portal.objects[type].values()) {
      const got = o.properties[prop];
      if (got !== undefined && got !== null && got !== "" && (prop === "email" ? got.toLowerCase() === v : got === v)) return o;
    }
    return undefined;
  }

  function uniqueConflict(portal: Portal, type: ObjectType, values: Record<string, string>, selfId?: string): PropIssue | null {
    for (const [name, v] of Object.entries(values)) {
      const def = portal.props[type].get(name);
      if (!def?.hasUniqueValue || v === "") continue;
      const other = findByProperty(portal, type, name, v);
      if (other && other.id !== selfId) {
        return issue(name, "DUPLICATE_VALUE", `${v} already has that value for ${name}. Existing ID: ${other.id}`);
      }
    }
    return null;
  }

  function createObject(portal: Portal, type: ObjectType, values: Record<string, string>): CrmObject {
    const id = String(globalObjectId++);
    const t = nowIso();
    const sys: Record<string, string> =
      type === "contacts"
        ? { hs_object_id: id, createdate: t, lastmodifieddate: t }
        : type === "tickets"
          ? { hs_object_id: id, createdate: t, hs_lastmodifieddate: t }
          : { hs_object_id: id, hs_createdate: t, hs_lastmodifieddate: t };
    const o: CrmObject = { id, properties: { ...values, ...sys }, createdAt: t, updatedAt: t, archived: false };
    portal.objects[type].set(id, o);
    if (type === "contacts" && values.email) portal.contactsByEmail.set(values.email.toLowerCase(), id);
    return o;
  }

  function updateObject(portal: Portal, type: ObjectType, o: CrmObject, values: Record<string, string>) {
    const t = nowIso();
    if (type === "contacts" && values.email !== undefined) {
      if (o.properties.email) portal.contactsByEmail.delete(o.properties.email.toLowerCase());
      if (values.email) portal.contactsByEmail.set(values.email.toLowerCase(), o.id);
    }
    Object.assign(o.properties, values);
    o.properties[SYSTEM_PROPS[type][2]] = t;
    o.updatedAt = t;
  }

  function requiredCheck(type: ObjectType, values: Record<string, string>, existing?: CrmObject): PropIssue[] {
    // CHOICE: HubSpot says a new ticket "should" include subject and hs_pipeline_stage (and
    // hs_pipeline when there are several pipelines; the default one otherwise); refused here
    // without them, with the REQUIRED_PROPERTY issue HubSpot uses for required properties.
    const req: Record<ObjectType, string[]> = {
      contacts: [],
      tickets: ["hs_pipeline_stage", "subject"],
      notes: ["hs_timestamp"],
    };
    const out: PropIssue[] = [];
    for (const n of req[type]) {
      const v = values[n] ?? existing?.properties[n];
      if (v === undefined || v === null || v === "") out.push(issue(n, "REQUIRED_PROPERTY", `${n} is required`));
    }
    return out;
  }

  /**
   * A ticket's pipeline and stage: the pipeline defaults to the portal's first when a new ticket
   * names none (documented); a stage must be one of its pipeline's. Unknown ids fail earlier as
   * enumeration options (INVALID_OPTION), since both properties' options are the portal's
   * pipelines and stages. CHOICE: a stage of another pipeline is INVALID_OPTION too.
   */
  function pipelineCheck(portal: Portal, values: Record<string, string>, existing?: CrmObject): PropIssue[] {
    if (!existing && values.hs_pipeline === undefined && portal.ticketPipelines[0]) values.hs_pipeline = portal.ticketPipelines[0].id;
    const pipelineId = values.hs_pipeline ?? existing?.properties.hs_pipeline ?? "";
    const stageId = values.hs_pipeline_stage ?? existing?.properties.hs_pipeline_stage ?? "";
    if (values.hs_pipeline === undefined && values.hs_pipeline_stage === undefined) return [];
    const pipeline = portal.ticketPipelines.find((x) => x.id === pipelineId);
    if (!pipeline || !stageId) return [];
    if (pipeline.stages.some((x) => x.id === stageId && !x.archived)) return [];
    return [
      issue(
        "hs_pipeline_stage",
        "INVALID_OPTION",
        `${stageId} was not one of the allowed options for pipeline ${pipelineId}: [${pipeline.stages
          .filter((x) => !x.archived)
          .map((x) => `label: "${x.label}"\nvalue: "${x.id}"`)
          .join(", ")}]`,
      ),
    ];
  }

  function setTicketPipelines(portal: Portal, pipelines: TicketPipelineDef[]) {
    portal.ticketPipelines = pipelines.map((x, i) => ({
      ...x,
      displayOrder: x.displayOrder ?? i,
      stages: x.stages.map((st) => ({ ...st })),
    }));
    // Both properties' options follow the pipelines (HubSpot keeps them in step).
    const pipelineProp = portal.props.tickets.get("hs_pipeline")!;
    pipelineProp.options = portal.ticketPipelines.map((x, i) => ({ value: x.id, label: x.label, displayOrder: i, hidden: false }));
    const stageProp = portal.props.tickets.get("hs_pipeline_stage")!;
    stageProp.options = portal.ticketPipelines.flatMap((x) =>
      x.stages.filter((st) => !st.archived).map((st, i) => ({ value: st.id, label: st.label, displayOrder: i, hidden: false })),
    );
  }

  function renderPipeline(x: TicketPipelineDef) {
    const t = "2019-10-30T03:30:17.883Z";
    return {
      id: x.id,
      label: x.label,
      displayOrder: x.displayOrder ?? 0,
      createdAt: t,
      updatedAt: t,
      archived: false,
      stages: x.stages.map((st, i) => ({
        id: st.id,
        label: st.label,
        displayOrder: i,
        metadata: { ticketState: st.closed ? "CLOSED" : "OPEN" },
        createdAt: t,
        updatedAt: t,
        archived: !!st.archived,
      })),
    };
  }

  function parseAssociations(
    ctx: Ctx,
    portal: Portal,
    type: ObjectType,
    raw: unknown,
  ): { assocs: Array<Omit<Association, "fromId">>; error?: InputError } {
    if (raw === undefined || raw === null) return { assocs: [] };
    if (!Array.isArray(raw)) {
      return {
        assocs: [],
        error: { status: "error", category: "VALIDATION_ERROR", message: "associations must be an array", context: {}, httpStatus: 400 },
      };
    }
    const out: Array<Omit<Association, "fromId">> = [];
    for (const a of raw as Array<Record<string, unknown>>) {
      const toId = toRaw((a?.to as Record<string, unknown> | undefined)?.id);
      const types = a?.types;
      if (!toId || !Array.isArray(types) || types.length === 0) {
        return {
          assocs: [],
          error: {
            status: "error",
            category: "VALIDATION_ERROR",
            message: "Each association needs to.id and at least one entry in types",
            context: {},
            httpStatus: 400,
          },
        };
      }
      for (const t of types as Array<Record<string, unknown>>) {
        const category = t?.associationCategory;
        const typeId = Number(t?.associationTypeId);
        if (category !== "HUBSPOT_DEFINED" && category !== "USER_DEFINED" && category !== "INTEGRATOR_DEFINED") {
          return {
            assocs: [],
            error: {
              status: "error",
              category: "VALIDATION_ERROR",
              message: `Invalid associationCategory ${String(category)}`,
              context: {},
              httpStatus: 400,
            },
          };
        }
        const def = ASSOCIATION_TYPES.find((x) => x.from === type && x.id === typeId);
        if (category !== "HUBSPOT_DEFINED" || !def) {
          return {
            assocs: [],
            error: {
              status: "error",
              category: "VALIDATION_ERROR",
              message: `${typeId} is not a valid association type between ${SINGULAR[type]}s and the target object`,
              context: { associationTypeId: [String(typeId)] },
              httpStatus: 400,
            },
          };
        }
        if (!portal.objects[def.to].has(toId)) {
          return {
            assocs: [],
            error: {
              status: "error",
              category: "VALIDATION_ERROR",
              message: `One or more association targets do not exist: ${SINGULAR[def.to].toUpperCase()}=${toId}`,
              context: { toObjectId: [toId] },
              httpStatus: 400,
            },
          };
        }
        out.push({ fromObjectType: type, toObjectType: def.to, toId, associationCategory: category, associationTypeId: typeId });
      }
    }
    void ctx;
    return { assocs: out };
  }

  const associationKey = (a: Pick<Association, "fromObjectType" | "fromId" | "toObjectType" | "toId" | "associationTypeId">) =>
    `${a.fromObjectType}:${a.fromId}:${a.toObjectType}:${a.toId}:${a.associationTypeId}`;

  function addAssociation(portal: Portal, a: Association) {
    const key = associationKey(a);
    if (portal.associationKeys.has(key)) return;
    portal.associationKeys.add(key);
    portal.associations.push(a);
  }

  function storeAssociations(portal: Portal, fromId: string, assocs: Array<Omit<Association, "fromId">>) {
    for (const a of assocs) {
      addAssociation(portal, { ...a, fromId });
      // HubSpot associations are bidirectional: store the inverse label too
      const inv = ASSOCIATION_TYPES.find((x) => x.from === a.toObjectType && x.to === a.fromObjectType);
      if (inv)
        addAssociation(portal, {
          fromObjectType: a.toObjectType,
          fromId: a.toId,
          toObjectType: a.fromObjectType,
          toId: fromId,
          associationCategory: "HUBSPOT_DEFINED",
          associationTypeId: inv.id,
        });
    }
  }

  function renderAssociations(portal: Portal, type: ObjectType, id: string, wanted: string[]): Record<string, unknown> | undefined {
    if (!wanted.length) return undefined;
    const out: Record<string, unknown> = {};
    for (const w of wanted) {
      let to: ObjectType;
      try {
        to = parseObjectType({ correlationId: "" } as Ctx, w);
      } catch {
        continue;
      }
      const rows = portal.associations.filter((a) => a.fromObjectType === type && a.fromId === id && a.toObjectType === to);
      if (rows.length) {
        out[to] = {
          results: rows.map((r) => ({
            id: r.toId,
            type: ASSOCIATION_TYPES.find((x) => x.id === r.associationTypeId)?.label ?? String(r.associationTypeId),
          })),
        };
      }
    }
    return Object.keys(out).length ? out : undefined;
  }

  // -------------------------------------------------------------------------------------------
  // Batch scaffolding
  // -------------------------------------------------------------------------------------------

  function batchInputs(ctx: Ctx): unknown[] {
    const body = ctx.body as { inputs?: unknown } | undefined;
    if (!body || typeof body !== "object" || !Array.isArray(body.inputs)) {
      throw validationFail(
        ctx,
        "Invalid input JSON on line 1, column 1: Cannot build BatchInput, some of required attributes are not set [inputs]",
      );
    }
    ctx.inputs = body.inputs.length;
    if (body.inputs.length > maxBatch) {
      throw validationFail(
        ctx,
        `The maximum number of inputs supported in a batch request is ${maxBatch}. Please reduce the number of items and try again`,
        {
          context: { inputs: [String(body.inputs.length)] },
        },
      );
    }
    return body.inputs;
  }

  function batchAnswer(
    ctx: Ctx,
    okStatus: number,
    startedAt: string,
    results: unknown[],
    errors: InputError[],
  ): HttpError | { status: number; body: unknown } {
    const completedAt = nowIso();
    if (errors.length && !results.length) {
      // every input failed: HubSpot answers with the (first) error itself
      const e = errors[0];
      const { httpStatus, ...rest } = e;
      return new HttpError(httpStatus, { ...rest, correlationId: ctx.correlationId });
    }
    if (errors.length) {
      return {
        status: 207,
        body: { status: "COMPLETE", results, numErrors: errors.length, errors: errors.map(publicInputError), startedAt, completedAt },
      };
    }
    return { status: okStatus, body: { status: "COMPLETE", results, startedAt, completedAt } };
  }

  function duplicateIds(ctx: Ctx, ids: string[], ci: boolean) {
    const seen = new Set<string>();
    const dups: string[] = [];
    for (const id of ids) {
      const k = ci ? id.toLowerCase() : id;
      if (seen.has(k)) dups.push(id);
      seen.add(k);
    }
    if (dups.length) {
      throw validationFail(ctx, `Duplicate IDs found in batch input: [${dups.join(", ")}]. IDs must be unique`, { context: { ids: dups } });
    }
  }

  // -------------------------------------------------------------------------------------------
  // CRM object handlers
  // -------------------------------------------------------------------------------------------

  function createOne(ctx: Ctx, portal: Portal, type: ObjectType, input: unknown): { ok: Record<string, unknown> } | { err: InputError } {
    const inp = (input ?? {}) as { properties?: unknown; associations?: unknown };
    const { values, issues } = validateProperties(portal, type, inp.properties);
    if (type === "contacts" && values.email === undefined) {
      // HubSpot allows contacts without email; nothing to do
    }
    // A value refused already is not also reported missing.
    issues.push(...requiredCheck(type, values).filter((r) => !issues.some((i) => i.name === r.name)));
    if (type === "tickets") issues.push(...pipelineCheck(portal, values));
    if (issues.length) return { err: propertyErrors(issues, undefined) };
    const dup = uniqueConflict(portal, type, values);
    if (dup) {
      const existing = findByProperty(portal, type, dup.name, values[dup.name]);
      return {
        err: {
          status: "error",
          category: "CONFLICT",
          message: `${SINGULAR[type][0].toUpperCase()}${SINGULAR[type].slice(1)} already exists. Existing ID: ${existing?.id}`,
          context: {},
          httpStatus: 409,
        },
      };
    }
    const a = parseAssociations(ctx, portal, type, inp.associations);
    if (a.error) return { err: a.error };
    const o = createObject(portal, type, values);
    storeAssociations(portal, o.id, a.assocs);
    return { ok: renderWritten(type, o, Object.keys(values)) };
  }

  function handleCreate(ctx: Ctx, portal: Portal, type: ObjectType) {
    const r = createOne(ctx, portal, type, ctx.body);
    if ("err" in r) {
      const { httpStatus, ...rest } = r.err;
      throw new HttpError(httpStatus, { ...rest, correlationId: ctx.correlationId });
    }
    return { status: 201, body: r.ok };
  }

  function handleBatchCreate(ctx: Ctx, portal: Portal, type: ObjectType) {
    const started = nowIso();
    const inputs = batchInputs(ctx);
    const results: unknown[] = [];
    const errors: InputError[] = [];
    for (const input of inputs) {
      const r = createOne(ctx, portal, type, input);
      if ("err" in r) errors.push(r.err);
      else results.push(r.ok);
    }
    return batchAnswer(ctx, 201, started, results, errors);
  }

  function handleBatchUpsert(ctx: Ctx, portal: Portal, type: ObjectType) {
    const started = nowIso();
    const inputs = batchInputs(ctx) as Array<{ id?: unknown; idProperty?: unknown; properties?: unknown; objectWriteTraceId?: unknown }>;
    const idProps = new Set(inputs.map((i) => (typeof i?.idProperty === "string" ? i.idProperty : "hs_object_id")));
    for (const p of idProps) {
      const def = portal.props[type].get(p);
      if (p !== "hs_object_id" && (!def || !def.hasUniqueValue)) {
        throw validationFail(ctx, `Unable to perform update/upsert by non-unique ${OBJECT_TYPE_IDS[type]} property ${p}`, {
          context: { idProperty: [p] },
        });
      }
    }
    duplicateIds(
      ctx,
      inputs.map((i) => String(toRaw(i?.id) ?? "")),
      type === "contacts",
    );
    const results: unknown[] = [];
    const errors: InputError[] = [];
    for (const input of inputs) {
      const id = toRaw(input?.id);
      const idProperty = typeof input?.idProperty === "string" ? input.idProperty : "hs_object_id";
      if (!id) {
        errors.push({ status: "error", category: "VALIDATION_ERROR", message: "id is required for upsert", context: {}, httpStatus: 400 });
        continue;
      }
      const { values, issues } = validateProperties(portal, type, input.properties);
      if (idProperty === "email" && !EMAIL_RE.test(id)) {
        issues.unshift(issue("email", "INVALID_EMAIL", `Email address ${id} is invalid`));
      }
      const existing = findByProperty(portal, type, idProperty, id);
      if (idProperty === "hs_object_id" && !existing) {
        errors.push({
          status: "error",
          category: "OBJECT_NOT_FOUND",
          message: `Object not found. objectId are usually numeric.`,
          context: { id: [id] },
          httpStatus: 404,
        });
        continue;
      }
      if (!existing && idProperty !== "hs_object_id") values[idProperty] = idProperty === "email" ? id.toLowerCase() : id;
      issues.push(...requiredCheck(type, values, existing).filter((r) => !issues.some((i) => i.name === r.name)));
      if (type === "tickets") issues.push(...pipelineCheck(portal, values, existing));
      if (issues.length) {
        errors.push(propertyErrors(issues, id));
        continue;
      }
      const dup = uniqueConflict(portal, type, values, existing?.id);
      if (dup) {
        errors.push(propertyErrors([dup], id));
        continue;
      }
      let o: CrmObject;
      let isNew: boolean;
      if (existing) {
        updateObject(portal, type, existing, values);
        o = existing;
        isNew = false;
      } else {
        o = createObject(portal, type, values);
        isNew = true;
      }
      results.push({ ...renderWritten(type, o, Object.keys(values)), new: isNew });
    }
    return batchAnswer(ctx, 200, started, results, errors);
  }

  function handleBatchUpdate(ctx: Ctx, portal: Portal, type: ObjectType) {
    const started = nowIso();
    const inputs = batchInputs(ctx) as Array<{ id?: unknown; idProperty?: unknown; properties?: unknown }>;
    duplicateIds(
      ctx,
      inputs.map((i) => String(toRaw(i?.id) ?? "")),
      false,
    );
    const results: unknown[] = [];
    const errors: InputError[] = [];
    for (const input of inputs) {
      const id = toRaw(input?.id) ?? "";
      const idProperty = typeof input?.idProperty === "string" ? input.idProperty : "hs_object_id";
      const o = findByProperty(portal, type, idProperty, id);
      if (!o) {
        errors.push({
          status: "error",
          category: "OBJECT_NOT_FOUND",
          message: `Could not get some ${SINGULAR[type].toUpperCase()} objects, they may be deleted or not exist. Check that ids are valid.`,
          context: { ids: [id] },
          httpStatus: 404,
        });
        continue;
      }
      const { values, issues } = validateProperties(portal, type, input.properties);
      if (type === "tickets") issues.push(...pipelineCheck(portal, values, o));
      if (issues.length) {
        errors.push(propertyErrors(issues, id));
        continue;
      }
      const dup = uniqueConflict(portal, type, values, o.id);
      if (dup) {
        errors.push(propertyErrors([dup], id));
        continue;
      }
      updateObject(portal, type, o, values);
      results.push(renderWritten(type, o, Object.keys(values)));
    }
    return batchAnswer(ctx, 200, started, results, errors);
  }

  function deleteObject(portal: Portal, type: ObjectType, id: string) {
    const gone = portal.objects[type].get(id);
    if (type === "contacts" && gone?.properties.email) portal.contactsByEmail.delete(gone.properties.email.toLowerCase());
    portal.objects[type].delete(id);
    portal.associations = portal.associations.filter(
      (a) => !(a.fromObjectType === type && a.fromId === id) && !(a.toObjectType === type && a.toId === id),
    );
    portal.associationKeys = new Set(portal.associations.map(associationKey));
  }

  function handleBatchRead(ctx: Ctx, portal: Portal, type: ObjectType) {
    const started = nowIso();
    const inputs = batchInputs(ctx) as Array<{ id?: unknown }>;
    const body = ctx.body as { idProperty?: string; properties?: string[] };
    const idProperty = body.idProperty ?? "hs_object_id";
    if (idProperty !== "hs_object_id" && !portal.props[type].get(idProperty)?.hasUniqueValue) {
      throw validationFail(ctx, `${idProperty} is not a unique property and cannot be used as idProperty`);
    }
    const results: unknown[] = [];
    const missing: string[] = [];
    for (const i of inputs) {
      const id = toRaw(i?.id) ?? "";
      const o = findByProperty(portal, type, idProperty, id);
      if (o) results.push(renderObject(type, o, body.properties));
      else missing.push(id);
    }
    const completedAt = nowIso();
    if (missing.length) {
      return {
        status: 207,
        body: {
          status: "COMPLETE",
          results,
          numErrors: 1,
          errors: [
            {
              status: "error",
              category: "OBJECT_NOT_FOUND",
              message: `Could not get some ${SINGULAR[type].toUpperCase()} objects, they may be deleted or not exist. Check that ids are valid.`,
              context: { ids: missing },
            },
          ],
          startedAt: started,
          completedAt,
        },
      };
    }
    return { status: 200, body: { status: "COMPLETE", results, startedAt: started, completedAt } };
  }

  function handleGetOne(ctx: Ctx, portal: Portal, type: ObjectType, id: string) {
    const idProperty = ctx.query.get("idProperty") ?? "hs_object_id";
    if (idProperty !== "hs_object_id" && !portal.props[type].get(idProperty)?.hasUniqueValue) {
      throw validationFail(ctx, `${idProperty} is not a unique property and cannot be used as idProperty`);
    }
    const o = findByProperty(portal, type, idProperty, decodeURIComponent(id));
    if (!o) throw fail(404, ctx, "Object not found.  objectId are usually numeric.", "OBJECT_NOT_FOUND", { context: { id: [id] } });
    const props = ctx.query
      .getAll("properties")
      .flatMap((p) => p.split(","))
      .filter(Boolean);
    const assocWanted = ctx.query
      .getAll("associations")
      .flatMap((p) => p.split(","))
      .filter(Boolean);
    const out = renderObject(type, o, props);
    const assoc = renderAssociations(portal, type, o.id, assocWanted);
    if (assoc) out.associations = assoc;
    return { status: 200, body: out };
  }

  function handleList(ctx: Ctx, portal: Portal, type: ObjectType) {
    const limit = Math.min(Number(ctx.query.get("limit") ?? 10), 100);
    const after = Number(ctx.query.get("after") ?? 0);
    const props = ctx.query
      .getAll("properties")
      .flatMap((p) => p.split(","))
      .filter(Boolean);
    const all = [...portal.objects[type].values()];
    const page = all.slice(after, after + limit);
    const body: Record<string, unknown> = { results: page.map((o) => renderObject(type, o, props)) };
    if (after + limit < all.length) body.paging = { next: { after: String(after + limit), link: `?after=${after + limit}` } };
    return { status: 200, body };
  }

  function handleSearch(ctx: Ctx, portal: Portal, type: ObjectType) {
    const now = Date.now();
    const recent = (searches.get(portal.portalId) ?? []).filter((t) => t > now - 1000);
    if (recent.length >= searchPerSecond)
      throw new HttpError(429, {
        status: "error",
        message: "You have reached your secondly limit.",
        errorType: "RATE_LIMIT",
        correlationId: ctx.correlationId,
        policyName: "SECONDLY",
        category: "RATE_LIMITS",
      });
    searches.set(portal.portalId, [...recent, now]);
    const body = (ctx.body ?? {}) as {
      filterGroups?: Array<{ filters?: Array<{ propertyName?: string; operator?: string; value?: unknown; values?: unknown[] }> }>;
      properties?: string[];
      limit?: number;
      after?: string | number;
      sorts?: unknown[];
      query?: string;
    };
    const limit = body.limit ?? 10;
    if (limit > 200) throw validationFail(ctx, "limit must be less than or equal to 200");
    const groups = body.filterGroups ?? [];
    if (groups.length > 5) throw validationFail(ctx, "Too many filter groups. Maximum allowed is 5");
    const ops = new Set(["EQ", "NEQ", "HAS_PROPERTY", "NOT_HAS_PROPERTY", "IN", "NOT_IN", "GT", "GTE", "LT", "LTE", "CONTAINS_TOKEN"]);
    for (const g of groups) {
      for (const f of g.filters ?? []) {
        if (!f.propertyName) throw validationFail(ctx, "filter propertyName is required");
        if (!f.operator || !ops.has(f.operator))
          throw validationFail(ctx, `There was a problem with the request. Unsupported operator ${String(f.operator)}`);
        if (!portal.props[type].has(f.propertyName)) {
          throw validationFail(ctx, `There was a problem with the request. Property ${f.propertyName} does not exist`);
        }
      }
    }
    const test = (o: CrmObject, f: { propertyName?: string; operator?: string; value?: unknown; values?: unknown[] }) => {
      const v = o.properties[f.propertyName!];
      const has = v !== undefined && v !== null && v !== "";
      const want = toRaw(f.value) ?? "";
      const eq = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();
      switch (f.operator) {
        case "EQ":
          return has && eq(v!, want);
        case "NEQ":
          return !has || !eq(v!, want);
        case "HAS_PROPERTY":
          return has;
        case "NOT_HAS_PROPERTY":
          return !has;
        case "IN":
          return has && (f.values ?? []).some((x) => eq(v!, toRaw(x) ?? ""));
        case "NOT_IN":
          return !has || !(f.values ?? []).some((x) => eq(v!, toRaw(x) ?? ""));
        case "CONTAINS_TOKEN":
          return has && v!.toLowerCase().includes(want.replace(/\*/g, "").toLowerCase());
        default: {
          if (!has) return false;
          const a = Number.isFinite(Number(v)) ? Number(v) : Date.parse(v!);
          const b = Number.isFinite(Number(want)) ? Number(want) : Date.parse(want);
          return f.operator === "GT" ? a > b : f.operator === "GTE" ? a >= b : f.operator === "LT" ? a < b : a <= b;
        }
      }
    };
    // Only what the search index has caught up with.
    const indexed = [...portal.objects[type].values()].filter((o) => Date.parse(o.createdAt) <= now - searchIndexDelayMs);
    const matched = indexed.filter((o) => (groups.length === 0 ? true : groups.some((g) => (g.filters ?? []).every((f) => test(o, f)))));
    const after = Number(body.after ?? 0);
    const page = matched.slice(after, after + limit);
    const out: Record<string, unknown> = { total: matched.length, results: page.map((o) => renderObject(type, o, body.properties)) };
    if (after + limit < matched.length) out.paging = { next: { after: String(after + limit) } };
    return { status: 200, body: out };
  }

  // -------------------------------------------------------------------------------------------
  // Properties API
  // -------------------------------------------------------------------------------------------

  function renderProp(p: PropertyDef): Record<string, unknown> {
    return {
      updatedAt: p.updatedAt,
      createdAt: p.createdAt,
      name: p.name,
      label: p.label,
      type: p.type,
      fieldType: p.fieldType,
      description: p.description,
      groupName: p.groupName,
      options: p.options,
      displayOrder: p.displayOrder,
      calculated: p.calculated,
      externalOptions: p.externalOptions,
      hasUniqueValue: p.hasUniqueValue,
      hidden: p.hidden,
      hubspotDefined: p.hubspotDefined || undefined,
      modificationMetadata: { archivable: !p.hubspotDefined, readOnlyDefinition: p.hubspotDefined, readOnlyValue: p.readOnlyValue },
      formField: p.formField,
      dataSensitivity: "non_sensitive",
      archived: p.archived,
    };
  }

  function checkOptions(raw: unknown): { options: PropertyOption[] } | { error: string } {
    if (raw === undefined) return { options: [] };
    if (!Array.isArray(raw)) return { error: "options must be an array" };
    const out: PropertyOption[] = [];
    const seen = new Set<string>();
    for (const [i, o] of (raw as Array<Record<string, unknown>>).entries()) {
      if (typeof o?.label !== "string" || typeof o?.value !== "string" || o.label === "" || o.value === "") {
        return { error: `Invalid input JSON on line 1: Cannot build OptionInput, some of required attributes are not set [label, value]` };
      }
      // The spec's OptionInput lists `hidden` as required.
      if (typeof o.hidden !== "boolean")
        return { error: `Invalid input JSON on line 1: Cannot build OptionInput, some of required attributes are not set [hidden]` };
      if (seen.has(o.value)) return { error: `Duplicate option value: ${o.value}` };
      seen.add(o.value);
      out.push({
        label: o.label,
        value: o.value,
        description: typeof o.description === "string" ? o.description : undefined,
        displayOrder: typeof o.displayOrder === "number" ? o.displayOrder : i,
        hidden: o.hidden === true,
      });
    }
    return { options: out };
  }

  function buildProperty(portal: Portal, type: ObjectType, input: unknown): { ok: PropertyDef } | { err: InputError } {
    const bad = (
      message: string,
      category = "VALIDATION_ERROR",
      httpStatus = 400,
      context: Record<string, string[]> = {},
    ): { err: InputError } => ({
      err: { status: "error", category, message, context, httpStatus },
    });
    const p = (input ?? {}) as Record<string, unknown>;
    const missing = ["name", "label", "type", "fieldType", "groupName"].filter((k) => typeof p[k] !== "string" || p[k] === "");
    if (missing.length)
      return bad(
        `Invalid input JSON on line 1, column 1: Cannot build PropertyCreate, some of required attributes are not set [${missing.join(", ")}]`,
      );
    const name = p.name as string;
    const ptype = p.type as string;
    const fieldType = p.fieldType as string;
    if (!/^[a-z][a-z0-9_]*$/.test(name) || name.length > 100) {
      return bad(
        `Property name ${name} is invalid. Property names must be lowercase, start with a letter and contain only letters, numbers and underscores.`,
        "VALIDATION_ERROR",
        400,
        { name: [name] },
      );
    }
    if (name.startsWith("hs_"))
      return bad(`Property name ${name} is invalid. The hs_ prefix is reserved for HubSpot-defined properties.`, "VALIDATION_ERROR", 400, {
        name: [name],
      });
    if (!(ptype in FIELD_TYPES) || ptype === "phone_number") {
      return bad(
        `Invalid input JSON on line 1: Cannot deserialize value of type \`PropertyType\` from String "${ptype}": not one of the values accepted for Enum class: [datetime, date, number, bool, string, enumeration]`,
      );
    }
    if (!FIELD_TYPES[ptype].includes(fieldType)) {
      return bad(
        `fieldType ${fieldType} is not valid for a property of type ${ptype}. Valid fieldTypes: ${FIELD_TYPES[ptype].join(", ")}`,
        "VALIDATION_ERROR",
        400,
        { fieldType: [fieldType] },
      );
    }
    if (!portal.groups[type].has(p.groupName as string)) {
      return bad(`Property group ${String(p.groupName)} does not exist`, "VALIDATION_ERROR", 400, { groupName: [String(p.groupName)] });
    }
    // CHOICE: HubSpot documents custom properties for contacts, companies, deals, tickets and
    // custom objects, and among activities only for calls; a note property is refused here.
    if (type === "notes" && !customNoteProperties)
      return bad(`Custom properties are not supported for object type notes`, "VALIDATION_ERROR", 400, { name: [name] });
    const o = checkOptions(p.options);
    if ("error" in o) return bad(o.error);
    let options = o.options;
    if (ptype === "bool") {
      options = options.length
        ? options
        : opts([
            ["true", "Yes"],
            ["false", "No"],
          ]);
    } else if (ptype === "enumeration") {
      if (!options.length)
        return bad(`Enumeration property ${name} must have at least one option`, "VALIDATION_ERROR", 400, { options: [] });
      if (fieldType === "booleancheckbox" && (options.length !== 2 || !options.every((x) => x.value === "true" || x.value === "false"))) {
        return bad(`booleancheckbox properties need exactly the options "true" and "false"`);
      }
    } else if (options.length) {
      return bad(`Options are only valid for enumeration properties, not ${ptype}`);
    }
    const hasUniqueValue = p.hasUniqueValue === true;
    if (hasUniqueValue) {
      if (type === "notes") return bad(`Unique value properties are not supported for object type ${OBJECT_TYPE_IDS[type]}`);
      const count = [...portal.props[type].values()].filter((x) => x.hasUniqueValue && !x.hubspotDefined).length;
      if (count >= 10) return bad(`Maximum of 10 unique value properties reached for object type ${OBJECT_TYPE_IDS[type]}`);
    }
    if (portal.props[type].has(name)) {
      return bad(`Property named '${name}' already exists.`, "OBJECT_ALREADY_EXISTS", 409, { name: [name] });
    }
    const t = nowIso();
    return {
      ok: {
        name,
        label: p.label as string,
        type: ptype as PropertyDef["type"],
        fieldType,
        description: typeof p.description === "string" ? p.description : "",
        groupName: p.groupName as string,
        options,
        displayOrder: typeof p.displayOrder === "number" ? p.displayOrder : -1,
        calculated: false,
        externalOptions: false,
        hasUniqueValue,
        hidden: p.hidden === true,
        hubspotDefined: false,
        formField: p.formField === true,
        readOnlyValue: false,
        createdAt: t,
        updatedAt: t,
        archived: false,
      },
    };
  }

  function handleProperties(ctx: Ctx, portal: Portal, type: ObjectType, rest: string[]) {
    const m = ctx.method;
    // groups
    if (rest[0] === "groups") {
      if (rest.length === 1 && m === "GET") {
        return { status: 200, body: { results: [...portal.groups[type].values()].filter((g) => !g.archived) } };
      }
      if (rest.length === 1 && m === "POST") {
        const b = (ctx.body ?? {}) as Record<string, unknown>;
        const missing = ["name", "label"].filter((k) => typeof b[k] !== "string" || b[k] === "");
        if (missing.length)
          throw validationFail(
            ctx,
            `Invalid input JSON on line 1, column 1: Cannot build PropertyGroupCreate, some of required attributes are not set [${missing.join(", ")}]`,
          );
        const name = b.name as string;
        if (!/^[a-z][a-z0-9_]*$/.test(name)) {
          throw validationFail(
            ctx,
            `Property group name ${name} is invalid. Names must be lowercase, start with a letter and contain only letters, numbers and underscores.`,
          );
        }
        if (portal.groups[type].has(name)) {
          throw fail(409, ctx, `A property group named '${name}' already exists.`, "OBJECT_ALREADY_EXISTS", { context: { name: [name] } });
        }
        const g: PropertyGroup = {
          name,
          label: b.label as string,
          displayOrder: typeof b.displayOrder === "number" ? b.displayOrder : -1,
          archived: false,
        };
        portal.groups[type].set(name, g);
        return { status: 201, body: g };
      }
      if (rest.length === 2) {
        const g = portal.groups[type].get(rest[1]);
        if (!g || g.archived)
          throw fail(404, ctx, `Unable to find property group ${rest[1]}`, "OBJECT_NOT_FOUND", { context: { groupName: [rest[1]] } });
        if (m === "GET") return { status: 200, body: g };
        if (m === "PATCH") {
          const b = (ctx.body ?? {}) as Record<string, unknown>;
          if (typeof b.label === "string") g.label = b.label;
          if (typeof b.displayOrder === "number") g.displayOrder = b.displayOrder;
          return { status: 200, body: g };
        }
        if (m === "DELETE") {
          g.archived = true;
          return { status: 204, body: undefined };
        }
      }
      throw notFound(ctx);
    }
    if (rest[0] === "batch" && rest[1] === "create" && m === "POST") {
      const started = nowIso();
      const inputs = batchInputs(ctx);
      const results: unknown[] = [];
      const errors: InputError[] = [];
      const seen = new Set<string>();
      for (const input of inputs) {
        const name = (input as { name?: string })?.name;
        if (name && seen.has(name)) {
          errors.push({
            status: "error",
            category: "OBJECT_ALREADY_EXISTS",
            message: `Property named '${name}' already exists.`,
            context: { name: [name] },
            httpStatus: 409,
          });
          continue;
        }
        if (name) seen.add(name);
        const r = buildProperty(portal, type, input);
        if ("err" in r) errors.push(r.err);
        else {
          portal.props[type].set(r.ok.name, r.ok);
          results.push(renderProp(r.ok));
        }
      }
      // CHOICE: HubSpot's properties batch/create answers 207 with per-input errors when some
      // succeed; when none succeed it answers with the first error's status (409 for duplicates).
      return batchAnswer(ctx, 201, started, results, errors);
    }
    if (rest[0] === "batch" && rest[1] === "read" && m === "POST") {
      const inputs = batchInputs(ctx) as Array<{ name?: string }>;
      const started = nowIso();
      const results = inputs
        .map((i) => portal.props[type].get(i?.name ?? ""))
        .filter((p): p is PropertyDef => !!p && !p.archived)
        .map(renderProp);
      return { status: 200, body: { status: "COMPLETE", results, startedAt: started, completedAt: nowIso() } };
    }
    if (rest.length === 0 && m === "GET") {
      return { status: 200, body: { results: [...portal.props[type].values()].filter((p) => !p.archived).map(renderProp) } };
    }
    if (rest.length === 0 && m === "POST") {
      const r = buildProperty(portal, type, ctx.body);
      if ("err" in r) {
        const { httpStatus, ...e } = r.err;
        throw new HttpError(httpStatus, { ...e, correlationId: ctx.correlationId });
      }
      portal.props[type].set(r.ok.name, r.ok);
      return { status: 201, body: renderProp(r.ok) };
    }
    if (rest.length === 1) {
      const p = portal.props[type].get(rest[0]);
      if (!p || p.archived)
        throw fail(404, ctx, `Property ${rest[0]} does not exist`, "OBJECT_NOT_FOUND", { context: { propertyName: [rest[0]] } });
      if (m === "GET") return { status: 200, body: renderProp(p) };
      if (m === "DELETE") {
        if (p.hubspotDefined) throw validationFail(ctx, `Property ${p.name} is HubSpot-defined and cannot be archived`);
        p.archived = true;
        return { status: 204, body: undefined };
      }
      if (m === "PATCH") {
        const b = (ctx.body ?? {}) as Record<string, unknown>;
        if (p.hubspotDefined && (b.type !== undefined || b.fieldType !== undefined || b.options !== undefined)) {
          throw validationFail(ctx, `Property ${p.name} is HubSpot-defined; its type, fieldType and options cannot be changed`);
        }
        const type2 = (b.type as string | undefined) ?? p.type;
        const field2 = (b.fieldType as string | undefined) ?? p.fieldType;
        if (!(type2 in FIELD_TYPES) || !FIELD_TYPES[type2].includes(field2)) {
          throw validationFail(
            ctx,
            `fieldType ${field2} is not valid for a property of type ${type2}. Valid fieldTypes: ${(FIELD_TYPES[type2] ?? []).join(", ")}`,
          );
        }
        if (b.groupName !== undefined && !portal.groups[type].has(String(b.groupName))) {
          throw validationFail(ctx, `Property group ${String(b.groupName)} does not exist`);
        }
        let options = p.options;
        if (b.options !== undefined) {
          const o = checkOptions(b.options);
          if ("error" in o) throw validationFail(ctx, o.error);
          options = o.options;
        }
        if (type2 === "enumeration" && !options.length)
          throw validationFail(ctx, `Enumeration property ${p.name} must have at least one option`);
        if (type2 !== "enumeration" && type2 !== "bool" && options.length) {
          if (b.options === undefined) options = [];
          else throw validationFail(ctx, `Options are only valid for enumeration properties, not ${type2}`);
        }
        p.type = type2 as PropertyDef["type"];
        p.fieldType = field2;
        p.options = options;
        if (typeof b.label === "string") p.label = b.label;
        if (typeof b.description === "string") p.description = b.description;
        if (typeof b.groupName === "string") p.groupName = b.groupName;
        if (typeof b.displayOrder === "number") p.displayOrder = b.displayOrder;
        if (typeof b.hidden === "boolean") p.hidden = b.hidden;
        if (typeof b.formField === "boolean") p.formField = b.formField;
        p.updatedAt = nowIso();
        return { status: 200, body: renderProp(p) };
      }
    }
    throw notFound(ctx);
  }

  // -------------------------------------------------------------------------------------------
  // Timeline
  // -------------------------------------------------------------------------------------------

  function createEvent(ctx: Ctx, portal: Portal, input: unknown): { ok: Record<string, unknown> } | { err: InputError } {
    const bad = (
      message: string,
      httpStatus = 400,
      category = "VALIDATION_ERROR",
      context: Record<string, string[]> = {},
    ): { err: InputError } => ({
      err: { status: "error", category, message, context, httpStatus },
    });
    const e = (input ?? {}) as Record<string, unknown>;
    const templateId = toRaw(e.eventTemplateId);
    if (!templateId)
      return bad("Invalid input JSON: Cannot build TimelineEvent, some of required attributes are not set [eventTemplateId]");
    const tpl = templates.get(templateId);
    if (!tpl || tpl.appId !== ctx.auth!.appId) {
      return bad(`Event template ${templateId} not found for this app`, 404, "OBJECT_NOT_FOUND", { eventTemplateId: [templateId] });
    }
    const tokensIn = (e.tokens ?? {}) as Record<string, unknown>;
    if (typeof tokensIn !== "object" || Array.isArray(tokensIn)) return bad("tokens must be an object");
    const unknownTokens = Object.keys(tokensIn).filter((k) => !tpl.tokens.includes(k));
    if (unknownTokens.length)
      return bad(`Unknown tokens for template ${templateId}: ${unknownTokens.join(", ")}`, 400, "VALIDATION_ERROR", {
        tokens: unknownTokens,
      });
    let contact: CrmObject | undefined;
    const objectId = toRaw(e.objectId);
    const email = typeof e.email === "string" ? e.email : undefined;
    if (objectId) {
      contact = portal.objects.contacts.get(objectId);
      if (!contact) return bad(`Object ${objectId} of type contact does not exist`, 404, "OBJECT_NOT_FOUND", { objectId: [objectId] });
    } else if (email) {
      if (!EMAIL_RE.test(email)) return bad(`Email address ${email} is invalid`);
      // HubSpot creates the contact when no contact has that email
      contact = findByProperty(portal, "contacts", "email", email) ?? createObject(portal, "contacts", { email: email.toLowerCase() });
    } else {
      return bad("One of objectId, email or utk is required to identify the event's object");
    }
    let id = toRaw(e.id) ?? randomUUID();
    id = id.replace(/\{\{uuid\}\}/g, () => randomUUID());
    const key = `${templateId}:${id}`;
    if (portal.timeline.has(key)) {
      // CHOICE: HubSpot documents `id` as unique per template; a repeat is refused as a conflict.
      return bad(`An event with id ${id} already exists for event template ${templateId}`, 409, "CONFLICT", { id: [id] });
    }
    const ts = e.timestamp !== undefined ? new Date(typeof e.timestamp === "number" ? e.timestamp : String(e.timestamp)) : new Date();
    if (Number.isNaN(ts.getTime())) return bad(`timestamp ${String(e.timestamp)} is not a valid date-time`);
    const rec: TimelineEventRecord = {
      id,
      eventTemplateId: templateId,
      objectId: contact.id,
      email,
      tokens: tokensIn,
      extraData: e.extraData,
      timestamp: ts.toISOString(),
      createdAt: nowIso(),
      appId: ctx.auth!.appId,
    };
    portal.timeline.set(key, rec);
    return {
      ok: {
        id,
        eventTemplateId: templateId,
        email,
        objectId: contact.id,
        tokens: tokensIn,
        extraData: e.extraData,
        timestamp: rec.timestamp,
        createdAt: rec.createdAt,
        objectType: "contacts",
      },
    };
  }

  // -------------------------------------------------------------------------------------------
  // OAuth endpoints (no bearer token, not portal-scoped): only the dated API (2026-03), as HubSpot
  // serves it after the v1 endpoints' retirement on 2027-02-16; `/oauth/v1/*` answers 404.
  // Every parameter travels in a form body. Errors follow RFC 6749:
  // `{error, error_description}`, plus `status` and `message` that HubSpot keeps for older clients
  // (changelog "New OAuth v3 API Endpoints and Standardized Error Responses").
  // -------------------------------------------------------------------------------------------

  // CHOICE: HubSpot documents the shape, not which status or `error` code each refusal gets; these
  // follow RFC 6749 §5.2 (every refusal 400) and the v1 endpoint's `status` names.
  function oauthError(ctx: Ctx, error: string, status: string, description: string) {
    return new HttpError(400, { error, error_description: description, status, message: description, correlationId: ctx.correlationId });
  }

  /** The form body of an OAuth request, and the OAuth app its client credentials name. */
  function oauthForm(ctx: Ctx): { f: URLSearchParams; app: App } {
    if (ctx.method !== "POST") throw notFound(ctx);
    if (!ctx.contentType.includes("application/x-www-form-urlencoded"))
      throw oauthError(ctx, "invalid_request", "BAD_REQUEST", "Content-Type must be application/x-www-form-urlencoded");
    const f = new URLSearchParams(ctx.rawBody);
    const app = appsByClientId.get(f.get("client_id") ?? "");
    if (!app) throw oauthError(ctx, "invalid_client", "BAD_CLIENT_ID", "missing or unknown client id");
    if (f.get("client_secret") !== app.clientSecret)
      throw oauthError(ctx, "invalid_client", "BAD_CLIENT_SECRET", "missing or invalid client secret");
    return { f, app };
  }

  function required(ctx: Ctx, f: URLSearchParams, name: string): string {
    const v = f.get(name);
    if (!v) throw oauthError(ctx, "invalid_request", "BAD_REQUEST", `missing ${name}`);
    return v;
  }

  function handleToken(ctx: Ctx) {
    const { f, app } = oauthForm(ctx);
    const grant = required(ctx, f, "grant_type");
    if (grant === "authorization_code") {
      const code = codes.get(required(ctx, f, "code"));
      const redirect = required(ctx, f, "redirect_uri");
      if (!code || code.used || code.appId !== app.appId)
        throw oauthError(ctx, "invalid_grant", "BAD_AUTH_CODE", "missing or unknown auth code");
      if (code.expiresAt < Date.now()) throw oauthError(ctx, "invalid_grant", "EXPIRED_AUTH_CODE", "auth code is expired");
      if (code.redirectUri && redirect !== code.redirectUri)
        throw oauthError(ctx, "invalid_grant", "BAD_REDIRECT_URI", "redirect_uri does not match initial auth code URL");
      code.used = true;
      const refresh = `na1-${randomBytes(2).toString("hex")}-${randomUUID()}`;
      tokens.set(refresh, {
        token: refresh,
        kind: "refresh",
        portalId: code.portalId,
        appId: app.appId,
        scopes: code.scopes,
        revoked: false,
        user: "merchant@example.com",
      });
      return tokenAnswer(mintAccess(code.portalId, app.appId, code.scopes, refresh));
    }
    if (grant !== "refresh_token") throw oauthError(ctx, "unsupported_grant_type", "BAD_GRANT_TYPE", `unsupported grant_type ${grant}`);
    const refresh = tokens.get(required(ctx, f, "refresh_token"));
    if (!refresh || refresh.kind !== "refresh" || refresh.revoked || refresh.appId !== app.appId) {
      throw oauthError(ctx, "invalid_grant", "BAD_REFRESH_TOKEN", "refresh token is invalid, expired or revoked");
    }
    // CHOICE: the same refresh token comes back (HubSpot documents no rotation).
    return tokenAnswer(mintAccess(refresh.portalId, refresh.appId, refresh.scopes ?? [], refresh.token));
  }

  // The token answer carries hub_id and scopes too (changelog "Additional details returned when
  // generating OAuth access tokens").
  function tokenAnswer(access: TokenRecord) {
    return {
      status: 200,
      body: {
        token_type: "bearer",
        refresh_token: access.refreshToken,
        access_token: access.token,
        expires_in: 1800,
        hub_id: access.portalId,
        scopes: access.scopes ?? [],
      },
    };
  }

  // Fields as in the spec collection's 2026-03 `PublicAccessTokenInfoResponse` /
  // `PublicRefreshTokenInfoResponse` (without `signed_access_token`, which no client here reads).
  function handleIntrospect(ctx: Ctx) {
    const { f, app } = oauthForm(ctx);
    const t = tokens.get(required(ctx, f, "token"));
    const active =
      t &&
      (t.kind === "access" || t.kind === "refresh") &&
      t.appId === app.appId &&
      !t.revoked &&
      (t.kind === "refresh" || (t.expiresAt ?? 0) > Date.now());
    // CHOICE: an unknown, expired, revoked or other app's token is `{active: false}` (RFC 7662 §2.2).
    if (!active) return { status: 200, body: { active: false } };
    const body: Record<string, unknown> = {
      active: true,
      token: t.token,
      token_use: t.kind === "access" ? "access_token" : "refresh_token",
      token_type: t.kind === "access" ? "bearer" : "refresh",
      user: t.user,
      user_id: 9_000_001,
      hub_id: t.portalId,
      hub_domain: `portal-${t.portalId}.hubspot.example`,
      app_id: app.appId,
      client_id: app.clientId,
      scopes: t.scopes ?? [],
    };
    if (t.kind === "access") {
      body.expires_in = Math.max(0, Math.floor(((t.expiresAt ?? 0) - Date.now()) / 1000));
      body.is_private_distribution = false;
    }
    return { status: 200, body };
  }

  // Replaces v1's DELETE /oauth/v1/refresh-tokens/{token} (changelog "v1 OAuth API Deprecation").
  function handleRevoke(ctx: Ctx) {
    const { f, app } = oauthForm(ctx);
    const t = tokens.get(required(ctx, f, "token"));
    // CHOICE: revoking an unknown or another app's token answers as a revocation would (RFC 7009 §2.2).
    if (t && t.kind === "refresh" && t.appId === app.appId) revoke(t.token);
    return { status: 200, body: undefined };
  }

  const OAUTH_ROUTES = new Map<string, (ctx: Ctx) => { status: number; body: unknown }>([
    ["/oauth/2026-03/token", handleToken],
    ["/oauth/2026-03/token/introspect", handleIntrospect],
    ["/oauth/2026-03/token/revoke", handleRevoke],
  ]);

  // -------------------------------------------------------------------------------------------
  // Auth, scopes, budgets
  // -------------------------------------------------------------------------------------------

  function authenticate(ctx: Ctx, authHeader: string | undefined): TokenRecord | HttpError {
    const m = /^Bearer\s+(.+)$/i.exec(authHeader ?? "");
    const invalid = () =>
      fail(
        401,
        ctx,
        "Authentication credentials not found. This API supports OAuth 2.0 authentication and you can find more details at https://developers.hubspot.com/docs/methods/auth/oauth-overview",
        "INVALID_AUTHENTICATION",
      );
    if (!m) return invalid();
    const t = tokens.get(m[1].trim());
    if (!t || t.revoked || t.kind === "refresh") return invalid();
    if (t.kind === "access" && (t.expiresAt ?? 0) <= Date.now()) {
      const ago = Math.floor((Date.now() - (t.expiresAt ?? 0)) / 1000);
      const [n, unit] =
        ago < 60
          ? [ago, "second"]
          : ago < 3600
            ? [Math.floor(ago / 60), "minute"]
            : ago < 86400
              ? [Math.floor(ago / 3600), "hour"]
              : [Math.floor(ago / 86400), "day"];
      return fail(401, ctx, `The OAuth token used to make this call expired ${n} ${unit}(s) ago.`, "EXPIRED_AUTHENTICATION", {
        context: { "expire time": [new Date(t.expiresAt ?? 0).toISOString()] },
      });
    }
    return t;
  }

  function requireScope(ctx: Ctx, anyOf: string[]) {
    const granted = ctx.auth!.scopes;
    if (granted === null) return;
    if (anyOf.some((s) => granted.includes(s))) return;
    throw new HttpError(403, {
      status: "error",
      message:
        "This app hasn't been granted all required scopes to make this call. Read more about required scopes here: https://developers.hubspot.com/scopes.",
      correlationId: ctx.correlationId,
      errors: [{ message: "One or more of the following scopes are required.", context: { requiredGranularScopes: anyOf } }],
      links: { scopes: "https://developers.hubspot.com/scopes" },
      category: "MISSING_SCOPES",
    });
  }

  function objectScopes(type: ObjectType, write: boolean): string[] {
    if (type === "tickets") return ["tickets"];
    // notes are written alongside the contacts they are attached to
    return [write ? "crm.objects.contacts.write" : "crm.objects.contacts.read"];
  }
  function schemaScopes(type: ObjectType, write: boolean): string[] {
    if (type === "tickets") return ["tickets"];
    return [write ? "crm.schemas.contacts.write" : "crm.schemas.contacts.read"];
  }

  function limitHeaders(portal: Portal, auth: TokenRecord, used: number, limit: number): Record<string, string> {
    const h: Record<string, string> = {
      "X-HubSpot-RateLimit-Interval-Milliseconds": String(windowMs),
      "X-HubSpot-RateLimit-Max": String(limit),
      "X-HubSpot-RateLimit-Remaining": String(Math.max(0, limit - used)),
    };
    // HubSpot omits the daily headers for OAuth-authorised requests
    if (auth.kind === "private") {
      h["X-HubSpot-RateLimit-Daily"] = String(dailyLimit);
      h["X-HubSpot-RateLimit-Daily-Remaining"] = String(Math.max(0, dailyLimit - portal.dailyUsed));
    }
    return h;
  }

  function rateLimitBody(ctx: Ctx, policy: "TEN_SECONDLY_ROLLING" | "DAILY", portalId: number | null, appId: number | null) {
    return {
      status: "error",
      message: policy === "DAILY" ? "You have reached your daily limit." : "You have reached your ten_secondly_rolling limit.",
      errorType: "RATE_LIMIT",
      correlationId: ctx.correlationId,
      policyName: policy,
      groupName:
        policy === "DAILY" ? `publicapi:portal-daily:${portalId ?? 0}` : `publicapi:app-api-ten-secondly:${appId ?? 0}:${portalId ?? 0}`,
    };
  }

  /** Counts this request against the budgets; returns headers, or an HttpError when over budget. */
  function meter(ctx: Ctx, portal: Portal, auth: TokenRecord): { headers: Record<string, string>; error?: HttpError } {
    const now = Date.now();
    if (portal.dailyDay !== dayKey()) {
      portal.dailyDay = dayKey();
      portal.dailyUsed = 0;
    }
    const limit = portal.rollingLimit ?? defaultRolling;
    const win = (portal.windows.get(auth.appId) ?? []).filter((t) => t > now - windowMs);
    // CHOICE: every request counts, including those answered 429 (hammering a limit keeps you limited).
    win.push(now);
    portal.windows.set(auth.appId, win);
    let dailyOver = false;
    if (auth.kind === "private") {
      dailyOver = portal.dailyUsed >= dailyLimit;
      portal.dailyUsed++;
    }
    const headers = limitHeaders(portal, auth, win.length, limit);
    if (dailyOver) return { headers, error: new HttpError(429, rateLimitBody(ctx, "DAILY", portal.portalId, auth.appId), headers) };
    if (win.length > limit) {
      return { headers, error: new HttpError(429, rateLimitBody(ctx, "TEN_SECONDLY_ROLLING", portal.portalId, auth.appId), headers) };
    }
    return { headers };
  }

  function notFound(ctx: Ctx) {
    return fail(404, ctx, `Unable to find a route for ${ctx.method} ${ctx.path}`, "OBJECT_NOT_FOUND");
  }

  // -------------------------------------------------------------------------------------------
  // Routing
  // -------------------------------------------------------------------------------------------

  type Answer = { status: number; body: unknown; headers?: Record<string, string> };

  function route(ctx: Ctx): Answer | HttpError {
    const portal = ctx.portal!;
    const parts = ctx.path.split("/").filter(Boolean);
    const m = ctx.method;
    // /crm/v3/objects/{type}/...
    if (parts[0] === "crm" && parts[1] === "v3" && parts[2] === "objects" && parts[3]) {
      const type = parseObjectType(ctx, parts[3]);
      const rest = parts.slice(4);
      const write = m !== "GET" && !(rest[0] === "search") && !(rest[0] === "batch" && rest[1] === "read");
      requireScope(ctx, objectScopes(type, write));
      if (rest.length === 0 && m === "POST") return handleCreate(ctx, portal, type);
      if (rest.length === 0 && m === "GET") return handleList(ctx, portal, type);
      if (rest.length === 1 && rest[0] === "search" && m === "POST") return handleSearch(ctx, portal, type);
      if (rest.length === 2 && rest[0] === "batch" && m === "POST") {
        if (rest[1] === "create") return handleBatchCreate(ctx, portal, type);
        if (rest[1] === "upsert") return handleBatchUpsert(ctx, portal, type);
        if (rest[1] === "update") return handleBatchUpdate(ctx, portal, type);
        if (rest[1] === "read") return handleBatchRead(ctx, portal, type);
        if (rest[1] === "archive") {
          // HubSpot answers 204 whether or not each id existed.
          for (const i of batchInputs(ctx) as Array<{ id?: unknown }>) deleteObject(portal, type, String(i?.id ?? ""));
          return { status: 204, body: undefined };
        }
      }
      if (rest.length === 1 && rest[0] !== "batch" && rest[0] !== "search") {
        if (m === "GET") return handleGetOne(ctx, portal, type, rest[0]);
        if (m === "PATCH") {
          const idProperty = ctx.query.get("idProperty") ?? "hs_object_id";
          const o = findByProperty(portal, type, idProperty, decodeURIComponent(rest[0]));
          if (!o)
            throw fail(404, ctx, "Object not found.  objectId are usually numeric.", "OBJECT_NOT_FOUND", { context: { id: [rest[0]] } });
          const { values, issues } = validateProperties(portal, type, (ctx.body as { properties?: unknown })?.properties);
          if (type === "tickets") issues.push(...pipelineCheck(portal, values, o));
          const dup = uniqueConflict(portal, type, values, o.id);
          if (dup) issues.push(dup);
          if (issues.length) {
            const { httpStatus, ...e } = propertyErrors(issues, undefined);
            throw new HttpError(httpStatus, { ...e, correlationId: ctx.correlationId });
          }
          updateObject(portal, type, o, values);
          return { status: 200, body: renderWritten(type, o, Object.keys(values)) };
        }
        if (m === "DELETE") {
          deleteObject(portal, type, rest[0]);
          return { status: 204, body: undefined };
        }
      }
      throw notFound(ctx);
    }
    // /crm/v4/associations/{from}/{to}/batch/read: an object's associations, read from the primary
    // store (no index delay, unlike search); at most 500 per object and page, `after` to go on.
    if (
      parts[0] === "crm" &&
      parts[1] === "v4" &&
      parts[2] === "associations" &&
      parts[5] === "batch" &&
      parts[6] === "read" &&
      m === "POST"
    ) {
      const from = parseObjectType(ctx, parts[3]);
      const to = parseObjectType(ctx, parts[4]);
      // Reading a contact's tickets needs the tickets scope as well as the contacts one.
      requireScope(ctx, objectScopes(from, false));
      requireScope(ctx, objectScopes(to, false));
      const started = nowIso();
      const results: unknown[] = [];
      const errors: InputError[] = [];
      for (const input of batchInputs(ctx) as Array<{ id?: unknown; after?: unknown }>) {
        const id = String(input?.id ?? "");
        if (!portal.objects[from].has(id)) {
          errors.push({
            status: "error",
            category: "OBJECT_NOT_FOUND",
            message: `No ${from} with ID ${id} exists`,
            context: { fromObjectId: [id] },
            httpStatus: 404,
          } as InputError);
          continue;
        }
        const byTarget = new Map<string, Array<{ category: string; typeId: number; label: string | null }>>();
        for (const a of portal.associations)
          if (a.fromObjectType === from && a.fromId === id && a.toObjectType === to)
            byTarget.set(a.toId, [
              ...(byTarget.get(a.toId) ?? []),
              { category: a.associationCategory, typeId: a.associationTypeId, label: null },
            ]);
        const all = [...byTarget].map(([toId, associationTypes]) => ({ toObjectId: Number(toId), associationTypes }));
        const offset = Number(input.after ?? 0);
        const page = all.slice(offset, offset + 500);
        results.push({
          from: { id },
          to: page,
          ...(offset + 500 < all.length ? { paging: { next: { after: String(offset + 500) } } } : {}),
        });
      }
      const a = batchAnswer(ctx, 200, started, results, errors);
      return a;
    }
    // /crm/v3/pipelines/tickets[/{pipelineId}]: the spec accepts any of a long list of scopes
    // (tickets, the contacts scopes among them); a pipeline id that is not an existing,
    // un-archived pipeline answers 404 (documented).
    if (parts[0] === "crm" && parts[1] === "v3" && parts[2] === "pipelines" && parts[3] && m === "GET") {
      if (parseObjectType(ctx, parts[3]) !== "tickets") throw notFound(ctx);
      requireScope(ctx, ["tickets", "crm.objects.contacts.read", "crm.objects.contacts.write", "crm.schemas.contacts.read"]);
      if (parts.length === 4) return { status: 200, body: { results: portal.ticketPipelines.map(renderPipeline) } };
      if (parts.length === 5) {
        const found = portal.ticketPipelines.find((x) => x.id === decodeURIComponent(parts[4]));
        if (!found)
          throw fail(404, ctx, `Unable to find pipeline ${parts[4]}`, "OBJECT_NOT_FOUND", { context: { pipelineId: [parts[4]] } });
        return { status: 200, body: renderPipeline(found) };
      }
    }
    // /account-info/v3/details: any valid token may read its own account's details
    if (parts[0] === "account-info" && parts[1] === "v3" && parts[2] === "details" && m === "GET") {
      return {
        status: 200,
        body: {
          portalId: portal.portalId,
          accountType: "STANDARD",
          timeZone: "US/Eastern",
          companyCurrency: "USD",
          additionalCurrencies: [],
          utcOffset: "-05:00",
          utcOffsetMilliseconds: -18000000,
          uiDomain: "app.hubspot.com",
          dataHostingLocation: "na1",
        },
      };
    }
    // /crm/v3/properties/{type}/...
    if (parts[0] === "crm" && parts[1] === "v3" && parts[2] === "properties" && parts[3]) {
      const type = parseObjectType(ctx, parts[3]);
      requireScope(ctx, schemaScopes(type, m !== "GET" && !(parts[4] === "batch" && parts[5] === "read")));
      return handleProperties(ctx, portal, type, parts.slice(4));
    }
    // /integrators/timeline/v3/events[/batch/create]
    if (parts[0] === "integrators" && parts[1] === "timeline" && parts[2] === "v3" && parts[3] === "events") {
      requireScope(ctx, ["timeline"]);
      if (!portal.timelineApproved) {
        // CHOICE: an app HubSpot has not approved for timeline events cannot hold the `timeline`
        // scope in this portal, so the answer is HubSpot's MISSING_SCOPES 403.
        throw new HttpError(403, {
          status: "error",
          message:
            "This app hasn't been granted all required scopes to make this call. Read more about required scopes here: https://developers.hubspot.com/scopes.",
          correlationId: ctx.correlationId,
          errors: [{ message: "One or more of the following scopes are required.", context: { requiredGranularScopes: ["timeline"] } }],
          links: { scopes: "https://developers.hubspot.com/scopes" },
          category: "MISSING_SCOPES",
        });
      }
      if (parts.length === 4 && m === "POST") {
        const r = createEvent(ctx, portal, ctx.body);
        if ("err" in r) {
          const { httpStatus, ...e } = r.err;
          throw new HttpError(httpStatus, { ...e, correlationId: ctx.correlationId });
        }
        return { status: 201, body: r.ok };
      }
      if (parts.length === 6 && parts[4] === "batch" && parts[5] === "create" && m === "POST") {
        const started = nowIso();
        const inputs = batchInputs(ctx);
        const results: unknown[] = [];
        const errors: InputError[] = [];
        for (const i of inputs) {
          const r = createEvent(ctx, portal, i);
          if ("err" in r) errors.push(r.err);
          else results.push(r.ok);
        }
        return batchAnswer(ctx, 201, started, results, errors);
      }
      if (parts.length === 6 && m === "GET") {
        const ev = portal.timeline.get(`${parts[4]}:${decodeURIComponent(parts[5])}`);
        if (!ev || ev.appId !== ctx.auth!.appId) throw fail(404, ctx, `Event ${parts[5]} not found`, "OBJECT_NOT_FOUND");
        return { status: 200, body: { ...ev, appId: undefined, objectType: "contacts" } };
      }
      throw notFound(ctx);
    }
    throw notFound(ctx);
  }

  // -------------------------------------------------------------------------------------------
  // HTTP plumbing
  // -------------------------------------------------------------------------------------------

  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

  function send(res: ServerResponse, ctx: Ctx, status: number, body: unknown, headers: Record<string, string> = {}, html = false) {
    const h: Record<string, string> = { "X-HubSpot-Correlation-Id": ctx.correlationId, ...headers };
    if (status === 204 || body === undefined) {
      res.writeHead(status, h);
      res.end();
      return;
    }
    if (html) {
      h["Content-Type"] = "text/html; charset=UTF-8";
      res.writeHead(status, h);
      res.end(String(body));
      return;
    }
    h["Content-Type"] = "application/json;charset=utf-8";
    res.writeHead(status, h);
    res.end(JSON.stringify(body));
  }

  function gatewayPage(status: number) {
    const text = status === 502 ? "502 Bad Gateway" : "504 Gateway Time-out";
    return `<html>\r\n<head><title>${text}</title></head>\r\n<body>\r\n<center><h1>${text}</h1></center>\r\n<hr><center>cloudflare</center>\r\n</body>\r\n</html>\r\n`;
  }

  function faultAnswer(ctx: Ctx, f: Fault): { status: number; body: unknown; html?: boolean } {
    if (f.status === 429) {
      return {
        status: 429,
        body: rateLimitBody(ctx, f.policyName ?? "TEN_SECONDLY_ROLLING", ctx.portal?.portalId ?? null, ctx.auth?.appId ?? null),
      };
    }
    if (f.status === 502 || f.status === 504) return { status: f.status, body: gatewayPage(f.status), html: true };
    if (f.status === 503)
      return {
        status: 503,
        body: { status: "error", message: "Service Unavailable", correlationId: ctx.correlationId, category: "SERVICE_UNAVAILABLE" },
      };
    return {
      status: 500,
      body: { status: "error", message: "internal error", correlationId: ctx.correlationId, category: "INTERNAL_ERROR" },
    };
  }

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const started = Date.now();
    const url = new URL(req.url ?? "/", "http://sandbox.local");
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const rawBody = Buffer.concat(chunks).toString("utf8");
    const ctx: Ctx = {
      method: (req.method ?? "GET").toUpperCase(),
      path: url.pathname.replace(/\/+$/, "") || "/",
      query: url.searchParams,
      body: undefined,
      rawBody,
      contentType: String(req.headers["content-type"] ?? ""),
      correlationId: randomUUID(),
    };
    const log = (status: number) => {
      requestLog.push({
        at: started,
        method: ctx.method,
        path: ctx.path,
        portalId: ctx.portal?.portalId ?? null,
        appId: ctx.auth?.appId ?? null,
        status,
        inputs: ctx.inputs,
        correlationId: ctx.correlationId,
      });
    };
    if (latencyMs > 0) await sleep(latencyMs);

    if (Date.now() < outageUntil) {
      send(res, ctx, 503, {
        status: "error",
        message: "Service Unavailable",
        correlationId: ctx.correlationId,
        category: "SERVICE_UNAVAILABLE",
      });
      log(503);
      return;
    }

    let headers: Record<string, string> = {};
    try {
      // OAuth endpoints: no bearer token
      if (ctx.path.startsWith("/oauth/v1/")) throw notFound(ctx); // retired on 2027-02-16
      const oauth = OAUTH_ROUTES.get(ctx.path);
      if (oauth) {
        const fault = takeFault(ctx);
        if (fault) {
          const a = faultAnswer(ctx, fault);
          send(res, ctx, a.status, a.body, {}, a.html);
          log(a.status);
          return;
        }
        const a = oauth(ctx);
        if (slowAnswerMs > 0 && slowAnswerPath?.test(ctx.path)) await sleep(slowAnswerMs); // only when asked for by path
        send(res, ctx, a.status, a.body);
        log(a.status);
        return;
      }

      const auth = authenticate(ctx, req.headers.authorization);
      if (!(auth instanceof HttpError)) {
        ctx.auth = auth;
        ctx.portal = portals.get(auth.portalId);
      }
      const fault = takeFault(ctx);
      if (ctx.portal && ctx.auth) {
        const metered = meter(ctx, ctx.portal, ctx.auth);
        headers = metered.headers;
        if (!fault && metered.error) throw metered.error;
      }
      if (fault) {
        const a = faultAnswer(ctx, fault);
        send(res, ctx, a.status, a.body, headers, a.html);
        log(a.status);
        return;
      }
      if (auth instanceof HttpError) throw auth;

      if (rawBody.length && ctx.method !== "GET") {
        if (/json/i.test(ctx.contentType) || !ctx.contentType) {
          try {
            ctx.body = JSON.parse(rawBody);
          } catch (e) {
            throw validationFail(ctx, `Invalid input JSON on line 1, column 1: ${(e as Error).message}`);
          }
        } else {
          throw fail(415, ctx, `Content type '${ctx.contentType}' not supported`, "VALIDATION_ERROR");
        }
      }
      if (slowWriteMs > 0 && ctx.method !== "GET" && (!slowWritePath || slowWritePath.test(ctx.path))) await sleep(slowWriteMs);
      const a = route(ctx);
      if (a instanceof HttpError) throw a;
      if (slowAnswerMs > 0 && (!slowAnswerPath || slowAnswerPath.test(ctx.path))) await sleep(slowAnswerMs);
      send(res, ctx, a.status, a.body, { ...headers, ...(a.headers ?? {}) });
      log(a.status);
    } catch (e) {
      if (e instanceof HttpError) {
        send(res, ctx, e.status, e.body, { ...headers, ...e.headers });
        log(e.status);
        return;
      }
      const body = { status: "error", message: "internal error", correlationId: ctx.correlationId, category: "INTERNAL_ERROR" };
      // surface sandbox bugs loudly in test output
      console.error("HubSpot sandbox internal error", e);
      send(res, ctx, 500, body, headers);
      log(500);
    }
  }

  function takeFault(ctx: Ctx): Fault | undefined {
    const f = faults.find((x) => x.remaining > 0 && (!x.path || x.path.test(ctx.path)));
    if (!f) return undefined;
    f.remaining--;
    faults = faults.filter((x) => x.remaining > 0);
    return f;
  }

  function revoke(token: string) {
    const t = tokens.get(token);
    if (!t) throw new Error(`HubSpot sandbox: unknown token ${token}`);
    t.revoked = true;
    if (t.kind === "refresh") {
      for (const x of tokens.values()) if (x.refreshToken === token) x.revoked = true;
    }
  }

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((e) => {
      console.error("HubSpot sandbox crashed on a request", e);
      if (!res.headersSent) res.writeHead(500, { "Content-Type": "application/json;charset=utf-8" });
      res.end(JSON.stringify({ status: "error", message: "internal error", correlationId: randomUUID(), category: "INTERNAL_ERROR" }));
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, "127.0.0.1", () => resolve());
  });
  const port = (server.address() as AddressInfo).port;

  const sandbox: HubSpotSandbox = {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections?.();
        server.close(() => resolve());
      }),
    createPortal(o = {}) {
      const p = newPortal(o.timelineApproved ?? false, o.rollingLimit);
      const a = addPrivateApp(p.portalId, { token: o.privateAppToken, scopes: o.scopes });
      return { portalId: p.portalId, privateAppToken: a.privateAppToken, appId: a.appId };
    },
    addPrivateApp,
    oauthClient(o) {
      const existing = appsByClientId.get(o.clientId);
      if (existing) {
        existing.clientSecret = o.clientSecret;
        existing.redirectUri = o.redirectUri;
        return { appId: existing.appId };
      }
      const app: App = {
        appId: globalAppId++,
        kind: "oauth",
        clientId: o.clientId,
        clientSecret: o.clientSecret,
        redirectUri: o.redirectUri,
      };
      apps.set(app.appId, app);
      appsByClientId.set(o.clientId, app);
      return { appId: app.appId };
    },
    authorize(portalId, clientId, scopes, o = {}) {
      getPortal(portalId);
      const app = appsByClientId.get(clientId);
      if (!app) throw new Error(`HubSpot sandbox: no OAuth app with client id ${clientId}`);
      const code = randomUUID();
      codes.set(code, {
        code,
        portalId,
        appId: app.appId,
        scopes: [...scopes],
        redirectUri: o.redirectUri ?? app.redirectUri,
        used: false,
        expiresAt: Date.now() + 10 * 60 * 1000,
      });
      return { code };
    },
    revoke,
    setTicketPipelines(portalId, pipelines) {
      setTicketPipelines(getPortal(portalId), pipelines);
    },
    expireAccessTokens(portalId) {
      for (const t of tokens.values()) if (t.portalId === portalId && t.kind === "access") t.expiresAt = Date.now() - 1;
    },
    createTimelineTemplate(o) {
      let appId: number | undefined;
      if (o.clientId) appId = appsByClientId.get(o.clientId)?.appId;
      else if (o.privateAppToken) appId = tokens.get(o.privateAppToken)?.appId;
      if (appId === undefined) throw new Error("HubSpot sandbox: createTimelineTemplate needs a known clientId or privateAppToken");
      const id = String(nextTemplateId++);
      templates.set(id, { id, appId, name: o.name ?? `template-${id}`, tokens: o.tokens ?? [] });
      return { eventTemplateId: id };
    },
    faults: {
      failNext(n, status, o = {}) {
        faults.push({ remaining: n, status, path: o.path, policyName: o.policyName });
      },
      outage(ms) {
        outageUntil = Date.now() + ms;
      },
      slowAnswers(ms, path) {
        slowAnswerMs = ms;
        slowAnswerPath = path;
      },
      slowWrites(ms, path) {
        slowWriteMs = ms;
        slowWritePath = path;
      },
      latency(ms) {
        latencyMs = ms;
      },
      exhaustDaily(portalId) {
        const p = getPortal(portalId);
        p.dailyDay = dayKey();
        p.dailyUsed = dailyLimit;
      },
      clear() {
        faults = [];
        outageUntil = 0;
        latencyMs = 0;
        slowAnswerMs = 0;
        slowWriteMs = 0;
      },
    },
    state(portalId) {
      const p = getPortal(portalId);
      const clone = <T>(x: T): T => structuredClone(x);
      const objs = (t: ObjectType) => [...p.objects[t].values()].map(clone);
      return {
        contacts: objs("contacts"),
        notes: objs("notes"),
        tickets: objs("tickets"),
        propertyGroups: {
          contacts: [...p.groups.contacts.values()].map(clone),
          notes: [...p.groups.notes.values()].map(clone),
          tickets: [...p.groups.tickets.values()].map(clone),
        },
        properties: {
          contacts: [...p.props.contacts.values()].map(clone),
          notes: [...p.props.notes.values()].map(clone),
          tickets: [...p.props.tickets.values()].map(clone),
        },
        associations: p.associations.map(clone),
        timelineEvents: [...p.timeline.values()].map(clone),
      };
    },
    requestLog,
    stats() {
      const byStatus: Record<string, number> = {};
      for (const r of requestLog) byStatus[r.status] = (byStatus[r.status] ?? 0) + 1;
      const count = (f: (s: number) => boolean) => requestLog.filter((r) => f(r.status)).length;
      return {
        requests: requestLog.length,
        http2xx: count((s) => s >= 200 && s < 300),
        http207: count((s) => s === 207),
        http4xx: count((s) => s >= 400 && s < 500),
        http5xx: count((s) => s >= 500),
        http401: count((s) => s === 401),
        http403: count((s) => s === 403),
        http429: count((s) => s === 429),
        byStatus,
      };
    },
    resetLog() {
      requestLog.length = 0;
    },
  };
  return sandbox;
}
