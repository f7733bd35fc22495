/**
 * Local stand-in for Shopify's Admin GraphQL API.
 *
 * Every document is parsed and validated against Shopify's real Admin schema of the app's one API
 * version (test/contracts/shopify-admin-2026-07.json.gz), variables are coerced against the
 * operation's definitions, answers carry Shopify's `extensions.cost` and a per-shop leaky bucket
 * throttles like Shopify does. Shop, products, variants, `nodes`, `tagsAdd`/`tagsRemove` and
 * `metafieldsSet` are real (backed by the seeded store); so are reward grants: code discounts
 * (`discountCodeBasicCreate`, `discountCodeFreeShippingCreate`, `codeDiscountNodeByCode`) and store
 * credit (`storeCreditAccountCredit`, `customer { storeCreditAccounts }`), with Shopify's userErrors,
 * its access-denied answer for a missing scope, and test faults. Everything else is answered with
 * schema-true mocks (`@graphql-tools/mock`) whose mutation payloads carry `userErrors: []`.
 *
 * Tokens as Shopify issues them to a public app (`/admin/oauth/access_token`): the token-exchange
 * grant (an App Bridge session token signed with the client secret) gives an expiring offline
 * token — `access_token`, `expires_in` 3600, `refresh_token`, `refresh_token_expires_in` 90 days —
 * and the refresh grant rotates both: the previous access and refresh tokens stop working at once
 * (a used refresh token is refused with `invalid_grant`). Only one token is live per shop. An
 * expired or unknown access token gets 401. The sandbox's clock can be moved (`advanceClock`).
 */
import { STATUS_CODES, createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { readFileSync } from "node:fs";
import { gunzipSync } from "node:zlib";
import { createHmac, randomBytes, randomUUID, timingSafeEqual } from "node:crypto";
import { fileURLToPath } from "node:url";
import { createRequire } from "node:module";
import type {
  DocumentNode,
  FieldNode,
  FragmentDefinitionNode,
  GraphQLCompositeType,
  GraphQLError as GraphQLErrorType,
  GraphQLScalarType,
  GraphQLSchema,
  OperationDefinitionNode,
  SelectionSetNode,
  ValidationRule,
  ValueNode,
  IntrospectionQuery,
} from "graphql";
// Load graphql through Node's own resolution (CJS entry) so that this module and
// @graphql-tools/* (which Node, not Vite, loads) share ONE graphql instance; under vitest a
// plain `import` would resolve to graphql's index.mjs and trip graphql's realm check.
const graphql = createRequire(import.meta.url)("graphql") as typeof import("graphql");
const {
  GraphQLError,
  Kind,
  buildClientSchema,
  coerceInputValue,
  execute,
  getArgumentValues,
  getNamedType,
  getVariableValues,
  isInputType,
  isInterfaceType,
  isLeafType,
  isListType,
  isNonNullType,
  isObjectType,
  isScalarType,
  parse,
  specifiedRules,
  typeFromAST,
  validate,
  valueFromASTUntyped,
} = graphql;
type GraphQLError = GraphQLErrorType;
import { addMocksToSchema } from "@graphql-tools/mock";
import { ADMIN_API_VERSION } from "../../../integrations/shopify/api-version.ts";
import { stringifyShopifyJson, webhookHeaders } from "./signing.ts";
import {
  RETURN_REASON_DEFINITIONS,
  ReturnsState,
  SUGGESTED_REASON_HANDLES,
  reasonDefinition,
  returnWebhookBody,
  type ReturnReasonDefinition,
  type ReturnUserError,
  type SandboxOrder,
  type SandboxOrderSeed,
  type SandboxReturn,
} from "./returns-model.ts";

export type { SandboxOrder, SandboxOrderSeed, SandboxReturn, SandboxReturnLine, SandboxReturnStatus } from "./returns-model.ts";
export { RETURN_REASON_DEFINITIONS } from "./returns-model.ts";

// ---------------------------------------------------------------------------------------------
// Public types
// ---------------------------------------------------------------------------------------------

export interface SandboxVariant {
  /** Numeric id as a decimal string (may exceed 2^53). */
  id: string;
  title: string;
  sku: string;
  /** Decimal string, e.g. "499.00". */
  price: string;
}

export interface SandboxProduct {
  /** Numeric id as a decimal string (may exceed 2^53). */
  id: string;
  title: string;
  productType: string;
  vendor: string;
  tags: string[];
  variants: SandboxVariant[];
}

export interface ShopData {
  name?: string;
  currencyCode?: string;
  email?: string;
  ianaTimezone?: string;
  /**
   * The access scopes the shop granted the app, comma-separated as Shopify's token answer lists them
   * (default: the sandbox's `scopes` option). A `write_` scope implies its `read_`. Only the reward
   * operations check them; with no scopes given anywhere they are not checked.
   */
  scopes?: string;
}

/** A code discount created through discountCodeBasicCreate / discountCodeFreeShippingCreate. */
export interface SandboxDiscount {
  /** gid://shopify/DiscountCodeNode/N */
  id: string;
  type: "DiscountCodeBasic" | "DiscountCodeFreeShipping";
  code: string;
  title: string;
  startsAt: string;
  endsAt: string | null;
  /** Customer gids from `context.customers.add`, or "all". */
  customers: string[] | "all";
  usageLimit: number | null;
  appliesOncePerCustomer: boolean;
  /** Fixed amount off (DiscountCodeBasic with discountAmount), in the shop's currency. */
  amount: string | null;
  /** Percentage off, 0–1 (DiscountCodeBasic with percentage). */
  percentage: number | null;
  minimumSubtotal: string | null;
  combinesWith: { orderDiscounts: boolean; productDiscounts: boolean; shippingDiscounts: boolean };
  /** Free shipping: "all" countries or a list of country codes. */
  destination: "all" | string[] | null;
  usageCount: number;
  createdAt: string;
}

export interface SandboxStoreCreditTransaction {
  /** gid://shopify/StoreCreditAccountCreditTransaction/N */
  id: string;
  amount: string;
  balanceAfter: string;
  createdAt: string;
  expiresAt: string | null;
}

/** One store credit account: an owner holds one per currency. */
export interface SandboxStoreCreditAccount {
  /** gid://shopify/StoreCreditAccount/N */
  id: string;
  ownerId: string;
  currency: string;
  balance: string;
  transactions: SandboxStoreCreditTransaction[];
}

/**
 * A fault for the reward mutations (discountCodeBasicCreate, discountCodeFreeShippingCreate,
 * storeCreditAccountCredit) of one shop; every other document is answered as usual. `calls`: how
 * many such requests it hits before it clears itself (default: all, until `faultRewards(shop, null)`).
 * - `error`: answer `status` (default 503) without creating anything.
 * - `slow`: create, but answer only after `delayMs` (a client that gave up at its timeout saw
 *   nothing, yet the discount or credit exists).
 * - `drop`: create, then close the connection without answering.
 */
export type RewardFault =
  { mode: "error"; status?: number; calls?: number } | { mode: "slow"; delayMs: number; calls?: number } | { mode: "drop"; calls?: number };

/** A draft order created through draftOrderCreate. */
export interface SandboxDraftOrder {
  /** gid://shopify/DraftOrder/N */
  id: string;
  /** "#D1", "#D2", … per shop. */
  name: string;
  status: "OPEN" | "INVOICE_SENT" | "COMPLETED";
  customerId: string | null;
  email: string | null;
  note: string | null;
  tags: string[];
  lineItems: Array<{
    variantId: string | null;
    title: string;
    quantity: number;
    /** Unit price before discounts, in the shop's currency (the variant's price). */
    originalUnitPrice: string;
    appliedDiscount: { valueType: "PERCENTAGE" | "FIXED_AMOUNT"; value: number; title: string | null } | null;
    /** The line's total after its discount. */
    discountedTotal: string;
  }>;
  /** Total after discounts (no shipping line, no tax on a zero subtotal). */
  totalPrice: string;
  createdAt: string;
}

/** A returns/* webhook as the sandbox (acting as Shopify) produced and, with a target, delivered it. */
export interface SandboxWebhook {
  topic: string;
  shop: string;
  /** The raw body as signed and sent (ids beyond 2^53 exact). */
  body: string;
  eventId: string;
  webhookId: string;
  triggeredAt: string;
  /** The target's HTTP status; null while in flight or when no target was set; 0 on a network error. */
  status: number | null;
}

/** The merchant acting in Shopify's admin (or the customer through Shopify's own self-serve returns). */
export interface SandboxMerchant {
  requestReturn(
    shop: string,
    input: {
      orderId: string;
      lines: Array<{
        fulfillmentLineItemId: string;
        quantity: number;
        returnReasonDefinitionId?: string;
        returnReason?: string;
        customerNote?: string;
      }>;
    },
  ): Promise<ReturnChange>;
  approveReturn(shop: string, returnId: string, opts?: { notifyCustomer?: boolean }): Promise<ReturnChange>;
  declineReturn(
    shop: string,
    returnId: string,
    decline: { reason: "RETURN_PERIOD_ENDED" | "FINAL_SALE" | "OTHER"; note?: string; notifyCustomer?: boolean },
  ): Promise<ReturnChange>;
  cancelReturn(shop: string, returnId: string): Promise<ReturnChange>;
  closeReturn(shop: string, returnId: string): Promise<ReturnChange>;
  reopenReturn(shop: string, returnId: string): Promise<ReturnChange>;
  /** returnProcess of every unit (the return stays OPEN; announced with returns/process). */
  processReturn(shop: string, returnId: string): Promise<ReturnChange>;
  /** The merchant edits the store's details (name, currency, time zone): announced with shop/update. */
  updateShop(shop: string, changes: Pick<ShopData, "name" | "currencyCode" | "ianaTimezone">): Promise<void>;
}
/** What a merchant action did: the return after it, or Shopify's userErrors (and nothing changed). */
export type ReturnChange = { return: SandboxReturn | null; userErrors: Array<{ field: string[] | null; message: string; code: string }> };

export interface SandboxRequest {
  shop: string;
  apiVersion: string;
  query: string;
  variables: unknown;
  operationName?: string | null;
  status: number;
  errors?: unknown;
  cost?: CostExtension;
}

export interface ThrottleStatus {
  maximumAvailable: number;
  currentlyAvailable: number;
  restoreRate: number;
}

export interface CostExtension {
  requestedQueryCost: number;
  actualQueryCost: number | null;
  throttleStatus: ThrottleStatus;
}

export interface SandboxMetafield {
  id: string;
  ownerId: string;
  namespace: string;
  key: string;
  value: string;
  type: string;
  createdAt: string;
  updatedAt: string;
}

export interface AdminSandbox {
  /** http://127.0.0.1:PORT */
  url: string;
  /** `${url}/shops/${shop}/admin/api/${version}/graphql.json` */
  graphqlUrl(shop: string, apiVersion?: string): string;
  close(): Promise<void>;
  /** A shop with the app installed; `accessToken`, if given, is a non-expiring (legacy) token. */
  addShop(shop: string, accessToken?: string, data?: ShopData): void;
  /** The shop's live tokens, as the sandbox last issued them. */
  tokensOf(shop: string): { accessToken: string | null; refreshToken: string | null; expiresAt: number | null };
  /** Every token of the shop stops working (uninstalled, or access revoked). */
  revokeTokens(shop: string): void;
  /** Move the sandbox's clock (token and session-token expiry) forward; resetClock puts it back. */
  advanceClock(ms: number): void;
  resetClock(): void;
  /** Until cleared, Admin GraphQL for the shop answers this status (an outage). */
  fail(shop: string, status: number | null): void;
  setProducts(shop: string, products: SandboxProduct[]): void;
  /** Make a gid (Customer, Order, …) known to tagsAdd/tagsRemove/metafieldsSet. */
  addResource(shop: string, gid: string, data?: { tags?: string[] }): void;
  /** Current tags of a product or registered resource (sorted, as Shopify returns them). */
  tagsOf(shop: string, gid: string): string[] | undefined;
  /** Metafields set through metafieldsSet (optionally for one owner). */
  metafieldsOf(shop: string, ownerId?: string): SandboxMetafield[];
  requests: SandboxRequest[];
  /** Set the shop's bucket to `available` points now (and optionally its restore rate, points/s). */
  throttle(shop: string, opts: { available: number; restoreRate?: number }): void;
  /** Code discounts created in the shop, oldest first. */
  discountsOf(shop: string): SandboxDiscount[];
  /** A checkout used the code (case-insensitive): its usage count goes up by one. */
  useDiscountCode(shop: string, code: string): void;
  /** The customer's store credit accounts (one per currency), with their credit transactions. */
  storeCreditOf(shop: string, customerGid: string): SandboxStoreCreditAccount[];
  /** Set (or clear, with null) a fault for the shop's reward mutations (see RewardFault). */
  faultRewards(shop: string, fault: RewardFault | null): void;
  /** A shop's order, with its fulfillments (fulfillment line item ids generated beyond 2^53 when not given). */
  addOrder(shop: string, order: SandboxOrderSeed): SandboxOrder;
  /** The shop's returns, oldest first (optionally of one order, by numeric id). */
  returnsOf(shop: string, orderId?: string): SandboxReturn[];
  /** Draft orders created in the shop, oldest first. */
  draftOrdersOf(shop: string): SandboxDraftOrder[];
  /**
   * Set (or clear) a fault for the shop's return and draft-order mutations (returnRequest,
   * returnApproveRequest, returnDeclineRequest, returnCancel, returnClose, returnReopen,
   * draftOrderCreate), with faultRewards' modes: error (nothing done), slow (done, answered late),
   * drop (done, connection closed).
   */
  faultReturns(shop: string, fault: RewardFault | null): void;
  /** How long a new draft order stays invisible to draftOrders(query:) (Shopify's search index lags; default 0). */
  setSearchLag(shop: string, ms: number): void;
  merchant: SandboxMerchant;
  /**
   * Deliver every returns/* webhook from now on to `url`, signed with `secret` as Shopify signs
   * (X-Shopify-Hmac-Sha256 and the other headers); null stops. Each change is delivered once, in
   * order; webhooksOf records them all, delivered or not.
   */
  sendWebhooksTo(url: string | null, secret?: string): void;
  webhooksOf(shop: string): SandboxWebhook[];
  /** Resolves once every delivery started so far has been answered. */
  webhooksSettled(): Promise<void>;
}

export interface AdminSandboxOptions {
  port?: number;
  /** Versions that answer; others 404. Default: only ADMIN_API_VERSION, the schema's version. */
  apiVersions?: string[];
  /** Bucket size (default 2000) and restore rate (default 100 points/s). */
  maximumAvailable?: number;
  restoreRate?: number;
  /** Shopify's single-query limit (default 1000). */
  maxQueryCost?: number;
  /** The app's client credentials, which the token endpoint requires. */
  apiKey?: string;
  apiSecret?: string;
  /** Scopes granted with a token (comma-separated). */
  scopes?: string;
}

export const ACCESS_TOKEN_TTL_S = 3600;
export const REFRESH_TOKEN_TTL_S = 90 * 86400;

export const INVALID_TOKEN_BODY = {
  errors: "[API] Invalid API key or access token (unrecognized login or wrong password)",
};
// Other versions 404: the sandbox holds one schema, so a call made with a stale version fails here.
export const DEFAULT_API_VERSIONS: string[] = [ADMIN_API_VERSION];

// ---------------------------------------------------------------------------------------------
// Schema (cached per process)
// ---------------------------------------------------------------------------------------------

let cachedSchema: GraphQLSchema | undefined;
let cachedMocked: { schema: GraphQLSchema } | undefined;

export function adminSchemaPath(): string {
  if (process.env.SHOPIFY_ADMIN_SCHEMA) return process.env.SHOPIFY_ADMIN_SCHEMA;
  return fileURLToPath(new URL(`../../contracts/shopify-admin-${ADMIN_API_VERSION}.json.gz`, import.meta.url));
}

/** Shopify's Admin schema (ADMIN_API_VERSION), with custom scalars that coerce like Shopify's. */
export function loadAdminSchema(): GraphQLSchema {
  if (cachedSchema) return cachedSchema;
  const path = adminSchemaPath();
  let buf = readFileSync(path);
  if (buf[0] === 0x1f && buf[1] === 0x8b) buf = gunzipSync(buf);
  const json = JSON.parse(buf.toString("utf8")) as { data?: IntrospectionQuery } & IntrospectionQuery;
  const schema = buildClientSchema(json.data ?? json);
  hardenScalars(schema);
  cachedSchema = schema;
  return schema;
}

const DECIMAL_RE = /^-?\d+(\.\d+)?$/;
const UINT_RE = /^\d+$/;

function hardenScalars(schema: GraphQLSchema): void {
  const checks: Record<string, (v: unknown) => unknown> = {
    DateTime: (v) => {
      if (typeof v !== "string" || !/^\d{4}-\d{2}-\d{2}/.test(v) || Number.isNaN(Date.parse(v)))
        throw new TypeError(`invalid DateTime '${String(v)}'`);
      return v;
    },
    Date: (v) => {
      if (typeof v !== "string" || !/^\d{4}-\d{2}-\d{2}$/.test(v) || Number.isNaN(Date.parse(v)))
        throw new TypeError(`invalid Date '${String(v)}'`);
      return v;
    },
    Decimal: (v) => {
      if ((typeof v === "string" && DECIMAL_RE.test(v.trim())) || (typeof v === "number" && Number.isFinite(v))) return String(v);
      throw new TypeError(`invalid Decimal '${String(v)}'`);
    },
    Money: (v) => {
      if ((typeof v === "string" && DECIMAL_RE.test(v.trim())) || (typeof v === "number" && Number.isFinite(v))) return String(v);
      throw new TypeError(`invalid Money '${String(v)}'`);
    },
    UnsignedInt64: (v) => {
      if ((typeof v === "string" && UINT_RE.test(v)) || (typeof v === "number" && Number.isSafeInteger(v) && v >= 0)) return String(v);
      throw new TypeError(`invalid UnsignedInt64 '${String(v)}'`);
    },
    BigInt: (v) => {
      if ((typeof v === "string" && /^-?\d+$/.test(v)) || (typeof v === "number" && Number.isSafeInteger(v))) return String(v);
      throw new TypeError(`invalid BigInt '${String(v)}'`);
    },
    URL: (v) => {
      if (typeof v !== "string" || !URL.canParse(v)) throw new TypeError(`invalid URL '${String(v)}'`);
      return v;
    },
    Color: (v) => {
      if (typeof v !== "string" || !/^#[0-9a-fA-F]{6}$/.test(v)) throw new TypeError(`invalid Color '${String(v)}'`);
      return v;
    },
    HTML: stringOnly("HTML"),
    FormattedString: stringOnly("FormattedString"),
    ARN: stringOnly("ARN"),
    StorefrontID: stringOnly("StorefrontID"),
    UtcOffset: (v) => {
      if (typeof v !== "string" || !/^[+-]\d{2}:\d{2}$/.test(v)) throw new TypeError(`invalid UtcOffset '${String(v)}'`);
      return v;
    },
  };
  for (const [name, check] of Object.entries(checks)) {
    const t = schema.getType(name);
    if (!t || !isScalarType(t)) continue;
    const scalar = t as GraphQLScalarType;
    scalar.parseValue = check;
    scalar.parseLiteral = (ast: ValueNode, vars?: Record<string, unknown> | null) => check(valueFromASTUntyped(ast, vars));
  }
}

function stringOnly(name: string) {
  return (v: unknown) => {
    if (typeof v !== "string") throw new TypeError(`invalid ${name} '${String(v)}'`);
    return v;
  };
}

let gidCounter = 1_000_000_000;
function nextNum(): number {
  return ++gidCounter;
}

function scalarMocks(schema: GraphQLSchema): Record<string, () => unknown> {
  const mocks: Record<string, () => unknown> = {
    ID: () => `gid://shopify/Node/${nextNum()}`,
    String: () => "Hello World",
    Int: () => 1,
    Float: () => 1.5,
    Boolean: () => false,
    ARN: () => "arn:aws:events:us-east-1::event-source/aws.partner/shopify.com/1/postventa",
    BigInt: () => String(nextNum()),
    Color: () => "#1a2b3c",
    Date: () => "2026-07-15",
    DateTime: () => new Date(Date.UTC(2026, 6, 15, 12, 0, 0)).toISOString().replace(".000Z", "Z"),
    Decimal: () => "10.0",
    FormattedString: () => "Hello World",
    HTML: () => "<p>Hello World</p>",
    JSON: () => ({}),
    Money: () => "10.00",
    StorefrontID: () => Buffer.from(`gid://shopify/Node/${nextNum()}`).toString("base64"),
    URL: () => "https://cdn.shopify.com/s/files/1/0000/0001/files/mock.png",
    UnsignedInt64: () => String(nextNum()),
    UtcOffset: () => "+00:00",
    CurrencyCode: () => "USD",
    CountryCode: () => "US",
  };
  // Any scalar introduced later gets a string mock so nothing throws.
  for (const t of Object.values(schema.getTypeMap())) {
    if (isScalarType(t) && !mocks[t.name]) mocks[t.name] = () => "mock";
  }
  return mocks;
}

function typeMocks(schema: GraphQLSchema): Record<string, Record<string, () => unknown>> {
  const out: Record<string, Record<string, () => unknown>> = {};
  const displayable = schema.getType("DisplayableError");
  for (const t of Object.values(schema.getTypeMap())) {
    if (!isObjectType(t) || t.name.startsWith("__")) continue;
    const fields = t.getFields();
    const m: Record<string, () => unknown> = {};
    const idField = fields.id;
    if (idField && getNamedType(idField.type).name === "ID") {
      const typeName = t.name;
      m.id = () => `gid://shopify/${typeName}/${nextNum()}`;
    }
    if (fields.legacyResourceId && getNamedType(fields.legacyResourceId.type).name === "UnsignedInt64") {
      m.legacyResourceId = () => String(nextNum());
    }
    for (const [fname, f] of Object.entries(fields)) {
      // userErrors / customerUserErrors / …: a list of DisplayableError implementations -> [].
      let inner = f.type;
      if (isNonNullType(inner)) inner = inner.ofType;
      if (!isListType(inner)) continue;
      const named = getNamedType(inner);
      if (
        fname.endsWith("Errors") ||
        (displayable && isInterfaceType(displayable) && isObjectType(named) && named.getInterfaces().includes(displayable))
      ) {
        if (isObjectType(named) && (named.name.endsWith("Error") || named.getInterfaces().some((i) => i.name === "DisplayableError"))) {
          m[fname] = () => [];
        }
      }
    }
    if (t.name === "PageInfo") {
      // Never send a client into an endless pagination loop over mocked data.
      m.hasNextPage = () => false;
      m.hasPreviousPage = () => false;
    }
    if (Object.keys(m).length) out[t.name] = m;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Per-shop state
// ---------------------------------------------------------------------------------------------

interface ShopState {
  shop: string;
  token: string | null;
  /** Sandbox-clock ms; null = a non-expiring token. */
  tokenExpiresAt: number | null;
  refreshToken: string | null;
  refreshExpiresAt: number;
  failStatus: number | null;
  shopNum: number;
  data: Required<Omit<ShopData, "scopes">>;
  /** ISO: when the shop's details last changed (Shop.updatedAt, shop/update's updated_at). */
  updatedAt: string;
  /** Granted scopes as given (the token answer's `scope`), and as a set; null = not checked. */
  scopeText: string | null;
  scopes: Set<string> | null;
  products: SandboxProduct[];
  /** gid -> tags (products + registered resources) */
  tags: Map<string, Set<string>>;
  /** known gids (for metafieldsSet owners and tagsAdd) */
  known: Set<string>;
  metafields: Map<string, SandboxMetafield>;
  bucket: { available: number; at: number; restoreRate: number; max: number };
  discounts: SandboxDiscount[];
  storeCredit: SandboxStoreCreditAccount[];
  rewardFault: RewardFault | null;
  returns: ReturnsState;
  returnFault: RewardFault | null;
  drafts: SandboxDraftOrder[];
  searchLagMs: number;
  webhooks: SandboxWebhook[];
}

interface Ctx {
  state: ShopState;
  /** The sandbox clock (ms), for discount status and store credit expiry. */
  now: number;
}

const GID_RE = /^gid:\/\/shopify\/([A-Za-z]+)\/([0-9]+)(\?.*)?$/;

function gidOf(type: string, id: string | number | bigint): string {
  return `gid://shopify/${type}/${id}`;
}

function parseGid(id: unknown): { type: string; num: string } | null {
  if (typeof id !== "string") return null;
  const m = GID_RE.exec(id);
  return m ? { type: m[1]!, num: m[2]! } : null;
}

function invalidId(id: unknown): GraphQLError {
  return new GraphQLError(`Invalid id: ${String(id)}`, { extensions: { code: "RESOURCE_NOT_FOUND" } });
}

function slug(s: string): string {
  return s
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-|-$/g, "");
}

function encodeCursor(num: string): string {
  return Buffer.from(JSON.stringify({ last_id: num, last_value: num })).toString("base64");
}

function decodeCursor(cursor: string): string {
  try {
    const v = JSON.parse(Buffer.from(cursor, "base64").toString("utf8")) as { last_id?: unknown };
    if (v && (typeof v.last_id === "string" || typeof v.last_id === "number")) return String(v.last_id);
  } catch {
    /* fallthrough */
  }
  throw new GraphQLError(`Invalid cursor for current pagination sort.`, { extensions: { code: "BAD_REQUEST" } });
}

interface ConnArgs {
  first?: number | null;
  last?: number | null;
  after?: string | null;
  before?: string | null;
  reverse?: boolean | null;
}

function connection<T>(items: T[], numOf: (t: T) => string, args: ConnArgs, toNode: (t: T) => unknown) {
  const { first, last, after, before, reverse } = args;
  if ((first === undefined || first === null) && (last === undefined || last === null)) {
    throw new GraphQLError("you must provide one of first or last", { extensions: { code: "BAD_REQUEST" } });
  }
  if ((first ?? 0) < 0 || (last ?? 0) < 0) {
    throw new GraphQLError("Invalid pagination arguments: first and last must be non-negative", { extensions: { code: "BAD_REQUEST" } });
  }
  if ((first ?? 0) > 250 || (last ?? 0) > 250) {
    throw new GraphQLError("The requested amount of items exceeds the maximum of 250.", { extensions: { code: "MAX_PAGE_SIZE_EXCEEDED" } });
  }
  let list = reverse ? [...items].reverse() : [...items];
  let start = 0;
  let end = list.length;
  if (after) {
    const n = decodeCursor(after);
    const i = list.findIndex((x) => numOf(x) === n);
    start = i >= 0 ? i + 1 : list.length;
  }
  if (before) {
    const n = decodeCursor(before);
    const i = list.findIndex((x) => numOf(x) === n);
    end = i >= 0 ? i : end;
  }
  let slice = list.slice(start, Math.max(start, end));
  let hasNextPage = end < list.length;
  let hasPreviousPage = start > 0;
  if (first !== undefined && first !== null) {
    if (slice.length > first) hasNextPage = true;
    slice = slice.slice(0, first);
  }
  if (last !== undefined && last !== null) {
    if (slice.length > last) hasPreviousPage = true;
    slice = slice.slice(Math.max(0, slice.length - last));
  }
  list = slice;
  const edges = list.map((x) => ({ cursor: encodeCursor(numOf(x)), node: toNode(x) }));
  return {
    edges,
    nodes: edges.map((e) => e.node),
    pageInfo: {
      hasNextPage,
      hasPreviousPage,
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges[edges.length - 1]?.cursor ?? null,
    },
  };
}

/** Shopify search syntax, small subset: `tag:x`, `-tag:x`, `product_type:`, `vendor:`, `title:`, `sku:`, `id:`, free text; AND only. */
function matchesQuery(state: ShopState, p: SandboxProduct, query: string | null | undefined): boolean {
  if (!query || !query.trim()) return true;
  const tokens = query.match(/-?[a-z_]+:(?:"[^"]*"|'[^']*'|\S+)|"[^"]*"|\S+/gi) ?? [];
  const tags = [...(state.tags.get(gidOf("Product", p.id)) ?? [])].map((t) => t.toLowerCase());
  for (const raw of tokens) {
    if (/^(AND)$/i.test(raw)) continue;
    let tok = raw;
    let neg = false;
    if (tok.startsWith("-")) {
      neg = true;
      tok = tok.slice(1);
    }
    const m = /^([a-z_]+):(.*)$/i.exec(tok);
    let ok: boolean;
    if (m) {
      const key = m[1]!.toLowerCase();
      const val = m[2]!.replace(/^["']|["']$/g, "").toLowerCase();
      const like = (s: string) => (val.endsWith("*") ? s.toLowerCase().startsWith(val.slice(0, -1)) : s.toLowerCase() === val);
      switch (key) {
        case "tag":
          ok = tags.some(like);
          break;
        case "tag_not":
          ok = !tags.some(like);
          break;
        case "product_type":
          ok = like(p.productType);
          break;
        case "vendor":
          ok = like(p.vendor);
          break;
        case "title":
          ok = val.endsWith("*") ? like(p.title) : p.title.toLowerCase().includes(val);
          break;
        case "sku":
          ok = p.variants.some((v) => like(v.sku));
          break;
        case "id":
          ok = p.id === val;
          break;
        default:
          ok = true; // unknown filters are ignored by Shopify's search, too
      }
    } else {
      const text = tok.replace(/^["']|["']$/g, "").toLowerCase();
      ok = p.title.toLowerCase().includes(text) || tags.includes(text) || p.vendor.toLowerCase().includes(text);
    }
    if (neg ? ok : !ok) return false;
  }
  return true;
}

function variantNode(state: ShopState, p: SandboxProduct, v: SandboxVariant): Record<string, unknown> {
  return {
    __typename: "ProductVariant",
    id: gidOf("ProductVariant", v.id),
    legacyResourceId: v.id,
    title: v.title,
    displayName: `${p.title} - ${v.title}`,
    sku: v.sku,
    price: v.price,
    compareAtPrice: null,
    product: () => productNode(state, p),
  };
}

function productNode(state: ShopState, p: SandboxProduct): Record<string, unknown> {
  const id = gidOf("Product", p.id);
  return {
    __typename: "Product",
    id,
    legacyResourceId: p.id,
    title: p.title,
    handle: slug(p.title),
    productType: p.productType,
    vendor: p.vendor,
    status: "ACTIVE",
    tags: () => [...(state.tags.get(id) ?? [])].sort(),
    totalInventory: 100,
    variants: (args: ConnArgs) =>
      connection(
        p.variants,
        (v) => v.id,
        args,
        (v) => variantNode(state, p, v),
      ),
    variantsCount: { count: p.variants.length, precision: "EXACT" },
    metafield: (args: { namespace?: string; key: string }) => {
      const mf = findMetafield(state, id, args.namespace, args.key);
      return mf ? metafieldNode(mf) : null;
    },
  };
}

const APP_NAMESPACE = "app--1000001";

function normNs(ns: string | null | undefined): string {
  if (!ns || ns === "$app") return APP_NAMESPACE;
  if (ns.startsWith("$app:")) return `${APP_NAMESPACE}--${ns.slice(5)}`;
  return ns;
}

function findMetafield(state: ShopState, ownerId: string, ns: string | null | undefined, key: string) {
  return state.metafields.get(`${ownerId}|${normNs(ns)}|${key}`);
}

function metafieldNode(mf: SandboxMetafield): Record<string, unknown> {
  const ownerType = parseGid(mf.ownerId)?.type ?? "SHOP";
  return {
    __typename: "Metafield",
    id: mf.id,
    namespace: mf.namespace,
    key: mf.key,
    value: mf.value,
    type: mf.type,
    createdAt: mf.createdAt,
    updatedAt: mf.updatedAt,
    compareDigest: Buffer.from(`${mf.id}:${mf.updatedAt}`).toString("base64"),
    ownerType: ownerType.replace(/([a-z])([A-Z])/g, "$1_$2").toUpperCase(),
    jsonValue: (() => {
      try {
        return JSON.parse(mf.value);
      } catch {
        return mf.value;
      }
    })(),
  };
}

function findNode(state: ShopState, id: unknown): Record<string, unknown> | null {
  const g = parseGid(id);
  if (!g) throw invalidId(id);
  if (g.type === "Product") {
    const p = state.products.find((x) => x.id === g.num);
    return p ? productNode(state, p) : null;
  }
  if (g.type === "ProductVariant") {
    for (const p of state.products) {
      const v = p.variants.find((x) => x.id === g.num);
      if (v) return variantNode(state, p, v);
    }
    return null;
  }
  if (g.type === "Shop" && String(state.shopNum) === g.num) return shopNode(state);
  if (g.type === "Order") {
    const o = state.returns.orders.get(g.num);
    return o ? orderNode(state, o) : null;
  }
  if (g.type === "Return") {
    const r = state.returns.find(`gid://shopify/Return/${g.num}`);
    return r ? returnNode(state, r) : null;
  }
  if (g.type === "DraftOrder") {
    const d = state.drafts.find((x) => x.id === `gid://shopify/DraftOrder/${g.num}`);
    return d ? draftOrderNode(state, d) : null;
  }
  return null;
}

function shopNode(state: ShopState): Record<string, unknown> {
  return {
    __typename: "Shop",
    id: gidOf("Shop", state.shopNum),
    name: state.data.name,
    currencyCode: state.data.currencyCode,
    email: state.data.email,
    contactEmail: state.data.email,
    ianaTimezone: state.data.ianaTimezone,
    updatedAt: state.updatedAt,
    myshopifyDomain: state.shop,
    metafield: (args: { namespace?: string; key: string }) => {
      const mf = findMetafield(state, gidOf("Shop", state.shopNum), args.namespace, args.key);
      return mf ? metafieldNode(mf) : null;
    },
  };
}

const METAFIELD_TYPES = new Set([
  "boolean",
  "color",
  "date",
  "date_time",
  "dimension",
  "id",
  "json",
  "link",
  "money",
  "multi_line_text_field",
  "number_decimal",
  "number_integer",
  "rating",
  "rich_text_field",
  "single_line_text_field",
  "url",
  "volume",
  "weight",
  "collection_reference",
  "customer_reference",
  "file_reference",
  "metaobject_reference",
  "mixed_reference",
  "page_reference",
  "product_reference",
  "variant_reference",
  "company_reference",
]);

function validMetafieldType(t: string): boolean {
  const base = t.startsWith("list.") ? t.slice(5) : t;
  return METAFIELD_TYPES.has(base);
}

function metafieldValueProblem(type: string, value: string): string | null {
  const check = (t: string, v: unknown): boolean => {
    switch (t) {
      case "boolean":
        return v === "true" || v === "false" || v === true || v === false;
      case "number_integer":
        return /^-?\d+$/.test(String(v));
      case "number_decimal":
        return DECIMAL_RE.test(String(v));
      case "json":
        return true;
      case "date":
        return /^\d{4}-\d{2}-\d{2}$/.test(String(v));
      case "date_time":
        return !Number.isNaN(Date.parse(String(v)));
      case "url":
        return URL.canParse(String(v));
      case "money": {
        const o = v as { amount?: unknown; currency_code?: unknown };
        return !!o && typeof o === "object" && DECIMAL_RE.test(String(o.amount)) && typeof o.currency_code === "string";
      }
      default:
        return typeof v === "string" ? v.length > 0 || t.endsWith("text_field") : true;
    }
  };
  if (
    type === "json" ||
    type === "money" ||
    type.startsWith("list.") ||
    type === "rating" ||
    type === "dimension" ||
    type === "volume" ||
    type === "weight"
  ) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(value);
    } catch {
      return "Value is invalid JSON.";
    }
    if (type.startsWith("list.")) {
      if (!Array.isArray(parsed)) return "Value must be an array.";
      const inner = type.slice(5);
      return parsed.every((x) => check(inner, x)) ? null : `Value has an invalid element for type '${inner}'.`;
    }
    return check(type, parsed) ? null : `Value is invalid for type '${type}'.`;
  }
  return check(type, value) ? null : `Value must be a valid ${type.replace(/_/g, " ")}.`;
}

function buildMockedSchema(): GraphQLSchema {
  if (cachedMocked) return cachedMocked.schema;
  const base = loadAdminSchema();
  const mocks = { ...scalarMocks(base), ...typeMocks(base) } as Record<string, unknown>;
  const schema = addMocksToSchema({
    schema: base,
    mocks: mocks as never,
    resolvers: () => ({
      [base.getQueryType()!.name]: {
        shop: (_s: unknown, _a: unknown, ctx: Ctx) => shopNode(ctx.state),
        product: (_s: unknown, a: { id: string }, ctx: Ctx) => {
          const n = findNode(ctx.state, a.id);
          return n && n.__typename === "Product" ? n : null;
        },
        productVariant: (_s: unknown, a: { id: string }, ctx: Ctx) => {
          const n = findNode(ctx.state, a.id);
          return n && n.__typename === "ProductVariant" ? n : null;
        },
        node: (_s: unknown, a: { id: string }, ctx: Ctx) => findNode(ctx.state, a.id),
        nodes: (_s: unknown, a: { ids: string[] }, ctx: Ctx) => {
          if (a.ids.length > 250) {
            throw new GraphQLError("The nodes field can only be used to query up to 250 nodes.", {
              extensions: { code: "MAX_INPUT_SIZE_EXCEEDED" },
            });
          }
          return a.ids.map((id) => findNode(ctx.state, id));
        },
        products: (_s: unknown, a: ConnArgs & { query?: string | null }, ctx: Ctx) => {
          const list = ctx.state.products
            .filter((p) => matchesQuery(ctx.state, p, a.query))
            .sort((x, y) => (BigInt(x.id) < BigInt(y.id) ? -1 : BigInt(x.id) > BigInt(y.id) ? 1 : 0));
          return connection(
            list,
            (p) => p.id,
            a,
            (p) => productNode(ctx.state, p),
          );
        },
        codeDiscountNodeByCode: (_s: unknown, a: { code: string }, ctx: Ctx) => {
          requireAccess(ctx.state, "codeDiscountNodeByCode");
          const d = findDiscountByCode(ctx.state, a.code);
          return d ? discountCodeNode(ctx.state, d, ctx.now) : null;
        },
        customer: (_s: unknown, a: { id: string }, ctx: Ctx) => customerNode(ctx.state, a.id),
        order: (_s: unknown, a: { id: string }, ctx: Ctx) => {
          const o = ctx.state.returns.orders.get(parseGid(a.id)?.type === "Order" ? parseGid(a.id)!.num : "");
          return o ? orderNode(ctx.state, o) : null;
        },
        return: (_s: unknown, a: { id: string }, ctx: Ctx) => {
          requireAccess(ctx.state, "return");
          const r = ctx.state.returns.find(canonicalGid(a.id));
          return r ? returnNode(ctx.state, r) : null;
        },
        returnableFulfillments: (_s: unknown, a: ConnArgs & { orderId: string }, ctx: Ctx) => {
          requireAccess(ctx.state, "returnableFulfillments");
          const g = parseGid(a.orderId);
          if (!g || g.type !== "Order") throw invalidId(a.orderId);
          return connection(
            ctx.state.returns.returnable(g.num),
            (f) => f.fulfillmentId,
            a,
            (f) => returnableFulfillmentNode(ctx.state, g.num, f),
          );
        },
        returnableFulfillment: (_s: unknown, a: { id: string }, ctx: Ctx) => {
          requireAccess(ctx.state, "returnableFulfillments");
          const g = parseGid(a.id);
          if (!g || g.type !== "ReturnableFulfillment") throw invalidId(a.id);
          for (const o of ctx.state.returns.orders.values()) {
            const f = ctx.state.returns.returnable(o.id).find((x) => x.fulfillmentId === g.num);
            if (f) return returnableFulfillmentNode(ctx.state, o.id, f);
          }
          return null;
        },
        returnReasonDefinitions: (
          _s: unknown,
          a: ConnArgs & { ids?: string[] | null; handles?: string[] | null; query?: string | null },
          ctx: Ctx,
        ) => {
          requireAccess(ctx.state, "returnReasonDefinitions");
          const deleted = /\bdeleted:(true|false)\b/i.exec(a.query ?? "")?.[1]?.toLowerCase();
          const list = RETURN_REASON_DEFINITIONS.filter(
            (d) =>
              (!a.ids || a.ids.map((x) => canonicalGid(x)).includes(d.id)) &&
              (!a.handles || a.handles.includes(d.handle)) &&
              (deleted === undefined || String(d.deleted) === deleted),
          );
          return connection(list, (d) => numOf(d.id), a, reasonNode);
        },
        draftOrder: (_s: unknown, a: { id: string }, ctx: Ctx) => {
          requireAccess(ctx.state, "draftOrder");
          const d = ctx.state.drafts.find((x) => x.id === canonicalGid(a.id));
          return d ? draftOrderNode(ctx.state, d) : null;
        },
        draftOrders: (_s: unknown, a: ConnArgs & { query?: string | null; sortKey?: string | null }, ctx: Ctx) => {
          requireAccess(ctx.state, "draftOrders");
          return connection(
            searchDraftOrders(ctx.state, ctx.now, a.query, a.sortKey),
            (d) => numOf(d.id),
            a,
            (d) => draftOrderNode(ctx.state, d),
          );
        },
        productVariants: (_s: unknown, a: ConnArgs & { query?: string | null }, ctx: Ctx) => {
          const list = ctx.state.products.flatMap((p) => p.variants.map((v) => ({ p, v })));
          return connection(
            list,
            (x) => x.v.id,
            a,
            (x) => variantNode(ctx.state, x.p, x.v),
          );
        },
      },
      [base.getMutationType()!.name]: {
        tagsAdd: (_s: unknown, a: { id: string; tags: string[] }, ctx: Ctx) => tagsChange(ctx.state, a.id, a.tags, "add"),
        tagsRemove: (_s: unknown, a: { id: string; tags: string[] }, ctx: Ctx) => tagsChange(ctx.state, a.id, a.tags, "remove"),
        metafieldsSet: (_s: unknown, a: { metafields: Array<Record<string, string | null | undefined>> }, ctx: Ctx) =>
          metafieldsSet(ctx.state, a.metafields),
        discountCodeBasicCreate: (_s: unknown, a: { basicCodeDiscount: Input }, ctx: Ctx) => {
          requireAccess(ctx.state, "discountCodeBasicCreate");
          return discountCodeCreate(ctx.state, ctx.now, "DiscountCodeBasic", "basicCodeDiscount", a.basicCodeDiscount);
        },
        discountCodeFreeShippingCreate: (_s: unknown, a: { freeShippingCodeDiscount: Input }, ctx: Ctx) => {
          requireAccess(ctx.state, "discountCodeFreeShippingCreate");
          return discountCodeCreate(ctx.state, ctx.now, "DiscountCodeFreeShipping", "freeShippingCodeDiscount", a.freeShippingCodeDiscount);
        },
        // Shopify documents no idempotency for this mutation (the @idempotent directive works only
        // where a mutation's description says so), so a key sent with it changes nothing here either.
        storeCreditAccountCredit: (_s: unknown, a: { id: string; creditInput: Input }, ctx: Ctx) => {
          requireAccess(ctx.state, "storeCreditAccountCredit");
          return storeCreditAccountCredit(ctx.state, ctx.now, a.id, a.creditInput);
        },
        returnRequest: (_s: unknown, a: { input: Input }, ctx: Ctx) => {
          requireAccess(ctx.state, "returnRequest");
          return returnPayload(ctx.state, ctx.state.returns.request(a.input, ctx.now));
        },
        returnApproveRequest: (_s: unknown, a: { input: Input }, ctx: Ctx) => {
          requireAccess(ctx.state, "returnApproveRequest");
          return returnPayload(ctx.state, ctx.state.returns.approve(canonicalGid(a.input.id), a.input.notifyCustomer ?? null, ctx.now));
        },
        returnDeclineRequest: (_s: unknown, a: { input: Input }, ctx: Ctx) => {
          requireAccess(ctx.state, "returnDeclineRequest");
          return returnPayload(ctx.state, ctx.state.returns.decline(canonicalGid(a.input.id), a.input));
        },
        returnCancel: (_s: unknown, a: { id: string }, ctx: Ctx) => {
          requireAccess(ctx.state, "returnCancel");
          return returnPayload(ctx.state, ctx.state.returns.move(canonicalGid(a.id), "CANCELED", ctx.now));
        },
        returnClose: (_s: unknown, a: { id: string }, ctx: Ctx) => {
          requireAccess(ctx.state, "returnClose");
          return returnPayload(ctx.state, ctx.state.returns.move(canonicalGid(a.id), "CLOSED", ctx.now));
        },
        returnReopen: (_s: unknown, a: { id: string }, ctx: Ctx) => {
          requireAccess(ctx.state, "returnReopen");
          return returnPayload(ctx.state, ctx.state.returns.move(canonicalGid(a.id), "OPEN", ctx.now));
        },
        draftOrderCreate: (_s: unknown, a: { input: Input }, ctx: Ctx) => {
          requireAccess(ctx.state, "draftOrderCreate");
          return draftOrderCreate(ctx.state, ctx.now, a.input);
        },
      },
    }),
  });
  cachedMocked = { schema };
  return schema;
}

function knownResource(state: ShopState, gid: string): boolean {
  const g = parseGid(gid);
  if (!g) return false;
  if (state.known.has(`gid://shopify/${g.type}/${g.num}`)) return true;
  return false;
}

function tagsChange(state: ShopState, id: string, tags: string[], mode: "add" | "remove") {
  const g = parseGid(id);
  if (!g || !knownResource(state, id)) {
    return { node: null, userErrors: [{ __typename: "UserError", field: ["id"], message: "Resource not found" }] };
  }
  const key = `gid://shopify/${g.type}/${g.num}`;
  const split = tags
    .flatMap((t) => t.split(","))
    .map((t) => t.trim())
    .filter(Boolean);
  if (split.some((t) => t.length > 255)) {
    return {
      node: null,
      userErrors: [{ __typename: "UserError", field: ["tags"], message: "Tags is too long (maximum is 255 characters)" }],
    };
  }
  const set = state.tags.get(key) ?? new Set<string>();
  for (const t of split) {
    if (mode === "add") {
      // Shopify tags are case-insensitively unique; the first spelling wins.
      if (![...set].some((x) => x.toLowerCase() === t.toLowerCase())) set.add(t);
    } else {
      for (const x of [...set]) if (x.toLowerCase() === t.toLowerCase()) set.delete(x);
    }
  }
  state.tags.set(key, set);
  const node = findNode(state, key) ?? { __typename: g.type, id: key };
  return { node, userErrors: [] };
}

function metafieldsSet(state: ShopState, inputs: Array<Record<string, string | null | undefined>>) {
  const errors: Array<Record<string, unknown>> = [];
  const err = (i: number | null, field: string[], message: string, code: string) =>
    errors.push({ __typename: "MetafieldsSetUserError", field, message, code, elementIndex: i });
  if (inputs.length > 25) {
    err(null, ["metafields"], "Exceeded the maximum metafields input limit of 25.", "LESS_THAN_OR_EQUAL_TO");
  }
  inputs.forEach((m, i) => {
    const ownerId = m.ownerId ?? "";
    const g = parseGid(ownerId);
    if (!g) {
      err(i, ["metafields", String(i), "ownerId"], "Owner does not exist.", "INVALID_VALUE");
      return;
    }
    const canonical = `gid://shopify/${g.type}/${g.num}`;
    // Products, variants and the shop are fully seeded, so an unknown one does not exist.
    // Other owners (Customer, Order, …) are accepted unless registered resources say otherwise.
    const seededType = g.type === "Product" || g.type === "ProductVariant" || g.type === "Shop";
    if (seededType && !knownResource(state, canonical)) {
      err(i, ["metafields", String(i), "ownerId"], "Owner does not exist.", "INVALID_VALUE");
      return;
    }
    if (!m.key || m.key.length < 2 || m.key.length > 64 || !/^[A-Za-z0-9_-]+$/.test(m.key)) {
      err(i, ["metafields", String(i), "key"], "Key is too short (minimum is 2 characters) or contains invalid characters.", "INVALID");
    }
    const ns = normNs(m.namespace);
    if (ns.length < 2 || ns.length > 255) {
      err(i, ["metafields", String(i), "namespace"], "Namespace is too short (minimum is 2 characters).", "TOO_SHORT");
    }
    const existing = findMetafield(state, canonical, m.namespace, m.key ?? "");
    const type = m.type ?? existing?.type;
    if (!type) {
      err(i, ["metafields", String(i), "type"], "Type can't be blank.", "BLANK");
      return;
    }
    if (!validMetafieldType(type)) {
      err(i, ["metafields", String(i), "type"], `Type must be one of the following: ${[...METAFIELD_TYPES].join(", ")}.`, "INCLUSION");
      return;
    }
    if (existing && m.type && existing.type !== m.type) {
      err(i, ["metafields", String(i), "type"], "Type must be the same as the existing metafield's type.", "INVALID_TYPE");
    }
    const problem = metafieldValueProblem(type, m.value ?? "");
    if (problem) err(i, ["metafields", String(i), "value"], problem, "INVALID_VALUE");
  });
  if (errors.length) return { metafields: [], userErrors: errors };
  const now = new Date().toISOString().replace(/\.\d{3}Z$/, "Z");
  const out = inputs.map((m) => {
    const g = parseGid(m.ownerId)!;
    const ownerId = `gid://shopify/${g.type}/${g.num}`;
    const ns = normNs(m.namespace);
    const mapKey = `${ownerId}|${ns}|${m.key}`;
    const prev = state.metafields.get(mapKey);
    const mf: SandboxMetafield = {
      id: prev?.id ?? gidOf("Metafield", nextNum()),
      ownerId,
      namespace: ns,
      key: m.key!,
      value: m.value!,
      type: (m.type ?? prev?.type)!,
      createdAt: prev?.createdAt ?? now,
      updatedAt: now,
    };
    state.metafields.set(mapKey, mf);
    return metafieldNode(mf);
  });
  return { metafields: out, userErrors: [] };
}

// ---------------------------------------------------------------------------------------------
// Reward grants: code discounts and store credit
// ---------------------------------------------------------------------------------------------
// Messages, codes and fields below are Shopify's, as recorded from real stores (2026-04 API) by the
// public conformance captures of Shopify's Admin API; the few not found there are marked "assumed".

/** Scopes the reward operations need: the field's `requiredAccess` in the 2026-07 schema. */
const REQUIRED_ACCESS: Record<string, string> = {
  discountCodeBasicCreate: "write_discounts",
  discountCodeFreeShippingCreate: "write_discounts",
  codeDiscountNodeByCode: "read_discounts",
  storeCreditAccountCredit: "write_store_credit_account_transactions",
  storeCreditAccounts: "read_store_credit_accounts",
  transactions: "read_store_credit_account_transactions",
  returnRequest: "write_returns",
  returnApproveRequest: "write_returns",
  returnDeclineRequest: "write_returns",
  returnCancel: "write_returns",
  returnClose: "write_returns",
  returnReopen: "write_returns",
  return: "read_returns",
  returns: "read_returns",
  returnableFulfillments: "read_returns",
  returnReasonDefinitions: "read_returns",
  draftOrderCreate: "write_draft_orders",
  draftOrder: "read_draft_orders",
  draftOrders: "read_draft_orders",
};

export const REWARD_MUTATIONS = new Set(["discountCodeBasicCreate", "discountCodeFreeShippingCreate", "storeCreditAccountCredit"]);
export const RETURN_MUTATIONS = new Set([
  "returnRequest",
  "returnApproveRequest",
  "returnDeclineRequest",
  "returnCancel",
  "returnClose",
  "returnReopen",
  "draftOrderCreate",
]);

function hasScope(state: ShopState, scope: string): boolean {
  if (!state.scopes) return true;
  // Granting write_x grants read_x as well.
  return state.scopes.has(scope) || (scope.startsWith("read_") && state.scopes.has(`write_${scope.slice(5)}`));
}

/** Shopify's answer to a field the token's scopes do not cover: a top-level error, the field null. */
function requireAccess(state: ShopState, field: string): void {
  const scope = REQUIRED_ACCESS[field]!;
  if (hasScope(state, scope)) return;
  const required = `\`${scope}\` access scope.`;
  throw new GraphQLError(`Access denied for ${field} field. Required access: ${required}`, {
    extensions: { code: "ACCESS_DENIED", documentation: "https://shopify.dev/api/usage/access-scopes", requiredAccess: required },
  });
}

// Money as integer micro-units, so balances add up exactly.
const MICROS = 1_000_000n;

function toMicros(v: unknown): bigint | null {
  const s = String(v ?? "").trim();
  const m = /^(-?)(\d+)(?:\.(\d{1,6})\d*)?$/.exec(s);
  if (!m) return null;
  const micros = BigInt(m[2]!) * MICROS + BigInt((m[3] ?? "").padEnd(6, "0"));
  return m[1] ? -micros : micros;
}

/** Shopify writes decimals without trailing zeros but with at least one decimal: "7.23", "10.0". */
function fromMicros(n: bigint): string {
  const neg = n < 0n;
  const abs = neg ? -n : n;
  const frac = (abs % MICROS).toString().padStart(6, "0").replace(/0+$/, "");
  return `${neg ? "-" : ""}${abs / MICROS}.${frac || "0"}`;
}

function isoSeconds(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");
}

function canonicalGid(id: unknown): string | null {
  const g = parseGid(id);
  return g ? `gid://shopify/${g.type}/${g.num}` : null;
}

/** The sandbox knows a shop's customers once any Customer gid was registered with addResource. */
function knowsCustomers(state: ShopState): boolean {
  for (const gid of state.known) if (gid.startsWith("gid://shopify/Customer/")) return true;
  return false;
}

function customerExists(state: ShopState, gid: string | null): boolean {
  if (!gid || !gid.startsWith("gid://shopify/Customer/")) return false;
  return !knowsCustomers(state) || state.known.has(gid);
}

function findDiscountByCode(state: ShopState, code: string): SandboxDiscount | undefined {
  // Codes are unique per shop regardless of case, and found regardless of case.
  const wanted = code.toLowerCase();
  return state.discounts.find((d) => d.code.toLowerCase() === wanted);
}

function discountStatus(d: SandboxDiscount, now: number): "ACTIVE" | "EXPIRED" | "SCHEDULED" {
  if (Date.parse(d.startsAt) > now) return "SCHEDULED";
  if (d.endsAt && Date.parse(d.endsAt) <= now) return "EXPIRED";
  return "ACTIVE";
}

function money(state: ShopState, amount: string, currency = state.data.currencyCode) {
  return { __typename: "MoneyV2", amount: fromMicros(toMicros(amount) ?? 0n), currencyCode: currency };
}

function discountCodeNode(state: ShopState, d: SandboxDiscount, now: number): Record<string, unknown> {
  const redeemCode = { __typename: "DiscountRedeemCode", id: `gid://shopify/DiscountRedeemCode/${d.id.split("/").pop()}`, code: d.code };
  const common = {
    __typename: d.type,
    title: d.title,
    status: discountStatus(d, now),
    startsAt: d.startsAt,
    endsAt: d.endsAt,
    createdAt: d.createdAt,
    updatedAt: d.createdAt,
    asyncUsageCount: d.usageCount,
    usageLimit: d.usageLimit,
    appliesOncePerCustomer: d.appliesOncePerCustomer,
    codes: (args: ConnArgs) =>
      connection(
        [redeemCode],
        () => d.id.split("/").pop()!,
        args,
        (c) => ({ ...c, asyncUsageCount: d.usageCount }),
      ),
    codesCount: { count: 1, precision: "EXACT" },
    context:
      d.customers === "all"
        ? { __typename: "DiscountBuyerSelectionAll", all: "ALL" }
        : { __typename: "DiscountCustomers", customers: d.customers.map((id) => ({ __typename: "Customer", id })) },
    combinesWith: { ...d.combinesWith, productDiscountsWithTagsOnSameCartLine: null },
    minimumRequirement: d.minimumSubtotal
      ? { __typename: "DiscountMinimumSubtotal", greaterThanOrEqualToSubtotal: money(state, d.minimumSubtotal) }
      : null,
    tags: [],
  };
  const codeDiscount =
    d.type === "DiscountCodeBasic"
      ? {
          ...common,
          discountClasses: ["ORDER"],
          customerGets: {
            appliesOnOneTimePurchase: true,
            appliesOnSubscription: false,
            items: { __typename: "AllDiscountItems", allItems: true },
            value:
              d.amount !== null
                ? { __typename: "DiscountAmount", amount: money(state, d.amount), appliesOnEachItem: false }
                : { __typename: "DiscountPercentage", percentage: d.percentage },
          },
        }
      : {
          ...common,
          discountClasses: ["SHIPPING"],
          destinationSelection:
            d.destination === "all" || !d.destination
              ? { __typename: "DiscountCountryAll", allCountries: true }
              : { __typename: "DiscountCountries", countries: d.destination, includeRestOfWorld: false },
        };
  return { __typename: "DiscountCodeNode", id: d.id, codeDiscount };
}

type Input = Record<string, any>;

function discountCodeCreate(state: ShopState, now: number, type: SandboxDiscount["type"], inputName: string, input: Input) {
  const userErrors: Array<Record<string, unknown>> = [];
  const err = (field: string[], message: string, code: string) =>
    userErrors.push({ __typename: "DiscountUserError", field: [inputName, ...field], message, code, extraInfo: null });

  if (typeof input.title !== "string" || !input.title.trim()) err(["title"], "Title can't be blank", "BLANK");
  const code = input.code as string | null | undefined;
  if (code === null || code === undefined) err(["code"], "Code can't be blank", "BLANK");
  else if (code === "") err(["code"], "Code is too short (minimum is 1 character)", "TOO_SHORT");
  else if (/[\r\n]/.test(code)) err(["code"], "Code cannot contain newline characters.", "INVALID");
  else if (code.length > 255) err(["code"], "Code is too long (maximum is 255 characters)", "TOO_LONG");
  else if (findDiscountByCode(state, code)) err(["code"], "Code must be unique. Please try a different code.", "TAKEN");
  if (!input.startsAt) err(["startsAt"], "Starts at can't be blank", "BLANK");
  // Assumed: an end equal to the start is refused too ("needs to be after").
  else if (input.endsAt && Date.parse(input.endsAt) <= Date.parse(input.startsAt))
    err(["endsAt"], "Ends at needs to be after starts_at", "INVALID");
  if (input.context && input.customerSelection) err(["context"], "Only one of context or customerSelection can be provided.", "INVALID");
  const added: unknown[] = input.context?.customers?.add ?? [];
  for (const id of added) {
    // Assumed wording, after Shopify's "Product with id: N is invalid" for unknown products.
    const gid = canonicalGid(id);
    if (!customerExists(state, gid))
      err(["context", "customers", "add"], `Customer with id: ${parseGid(id)?.num ?? String(id)} is invalid`, "INVALID");
  }
  if (typeof input.usageLimit === "number" && input.usageLimit <= 0)
    err(["usageLimit"], "Usage limit must be greater than 0", "GREATER_THAN");

  let amount: string | null = null;
  let percentage: number | null = null;
  if (type === "DiscountCodeBasic") {
    const value = input.customerGets?.value ?? {};
    const given = ["discountAmount", "percentage"].filter((k) => value[k] !== undefined && value[k] !== null);
    if (!input.customerGets)
      err(["customerGets"], "Customer gets can't be blank", "BLANK"); // assumed wording
    // An amount or a percentage, never both, never neither (assumed wording; the codes are Shopify's).
    else if (given.length > 1)
      err(["customerGets", "value"], "Only one of discountAmount or percentage can be provided.", "TOO_MANY_ARGUMENTS");
    else if (!given.length) err(["customerGets", "value"], "Value can't be blank", "BLANK");
    else if (value.discountAmount) {
      const micros = toMicros(value.discountAmount.amount);
      // Shopify keeps the amount negated, hence its inverted wording; zero is accepted.
      if (micros !== null && micros < 0n)
        err(["customerGets", "value", "discountAmount", "amount"], "Value must be less than or equal to 0", "LESS_THAN_OR_EQUAL_TO");
      amount = micros === null ? null : fromMicros(micros);
    } else if (typeof value.percentage === "number") {
      if (value.percentage < 0 || value.percentage > 1)
        err(["customerGets", "value", "percentage"], "Value must be between 0.0 and 1.0", "VALUE_OUTSIDE_RANGE");
      percentage = value.percentage;
    }
  } else if (input.combinesWith?.shippingDiscounts) {
    err(["combinesWith"], "The combinesWith settings are not valid for the discount class.", "INVALID_COMBINES_WITH_FOR_DISCOUNT_CLASS");
  }
  if (userErrors.length) return { codeDiscountNode: null, userErrors };

  const subtotal = input.minimumRequirement?.subtotal?.greaterThanOrEqualToSubtotal;
  const d: SandboxDiscount = {
    id: gidOf("DiscountCodeNode", nextNum()),
    type,
    code: code!,
    title: input.title,
    startsAt: input.startsAt,
    endsAt: input.endsAt ?? null,
    customers: added.length ? added.map((id) => canonicalGid(id)!) : "all",
    usageLimit: input.usageLimit ?? null,
    appliesOncePerCustomer: input.appliesOncePerCustomer ?? false,
    amount,
    percentage,
    minimumSubtotal: subtotal === undefined || subtotal === null ? null : fromMicros(toMicros(subtotal) ?? 0n),
    combinesWith: {
      orderDiscounts: input.combinesWith?.orderDiscounts ?? false,
      productDiscounts: input.combinesWith?.productDiscounts ?? false,
      shippingDiscounts: input.combinesWith?.shippingDiscounts ?? false,
    },
    destination: type === "DiscountCodeFreeShipping" ? (input.destination?.countries?.add ?? "all") : null,
    usageCount: 0,
    createdAt: isoSeconds(now),
  };
  state.discounts.push(d);
  return { codeDiscountNode: discountCodeNode(state, d, now), userErrors: [] };
}

function storeCreditAccountNode(state: ShopState, a: SandboxStoreCreditAccount): Record<string, unknown> {
  return {
    __typename: "StoreCreditAccount",
    id: a.id,
    balance: money(state, a.balance, a.currency),
    owner: { __typename: "Customer", id: a.ownerId },
    transactions: (args: ConnArgs & { query?: string | null; sortKey?: string | null }) => {
      requireAccess(state, "transactions");
      // Every transaction here is a credit; a filter on another type finds none.
      const type = /\btype:(\w+)/.exec(args.query ?? "")?.[1];
      const list = type && type !== "credit" ? [] : a.transactions;
      return connection(
        list,
        (t) => t.id.split("/").pop()!,
        args,
        (t) => storeCreditTransactionNode(state, a, t),
      );
    },
  };
}

function storeCreditTransactionNode(state: ShopState, a: SandboxStoreCreditAccount, t: SandboxStoreCreditTransaction) {
  return {
    __typename: "StoreCreditAccountCreditTransaction",
    id: t.id,
    amount: money(state, t.amount, a.currency),
    balanceAfterTransaction: money(state, t.balanceAfter, a.currency),
    remainingAmount: money(state, t.amount, a.currency),
    createdAt: t.createdAt,
    expiresAt: t.expiresAt,
    event: "ADJUSTMENT",
    origin: null,
    account: () => storeCreditAccountNode(state, a),
  };
}

function storeCreditAccountCredit(state: ShopState, now: number, id: string, input: Input) {
  // Shopify answers with the first problem it finds, in this order.
  const refuse = (field: string[], message: string, code: string) => ({
    storeCreditAccountTransaction: null,
    userErrors: [{ __typename: "StoreCreditAccountCreditUserError", field, message, code }],
  });
  const gid = canonicalGid(id);
  let account: SandboxStoreCreditAccount | undefined;
  if (gid?.startsWith("gid://shopify/StoreCreditAccount/")) {
    account = state.storeCredit.find((a) => a.id === gid);
    if (!account) return refuse(["id"], "Store credit account does not exist", "ACCOUNT_NOT_FOUND");
  } else if (!customerExists(state, gid)) {
    return refuse(["id"], "Owner does not exist", "OWNER_NOT_FOUND");
  }
  if (input.expiresAt && Date.parse(input.expiresAt) <= now)
    return refuse(["creditInput", "expiresAt"], "The expiry date must be in the future", "EXPIRES_AT_IN_PAST");
  const amount = toMicros(input.creditAmount?.amount);
  if (amount === null || amount <= 0n)
    return refuse(
      ["creditInput", "creditAmount", "amount"],
      "A positive amount must be used to credit a store credit account",
      "NEGATIVE_OR_ZERO_AMOUNT",
    );
  const currency = String(input.creditAmount.currencyCode);
  if (account && account.currency !== currency)
    return refuse(
      ["creditInput", "creditAmount", "currencyCode"],
      "The currency provided does not match the currency of the store credit account",
      "MISMATCHING_CURRENCY",
    );
  if (!account) {
    // A customer id opens the customer's account in that currency on first credit.
    account = state.storeCredit.find((a) => a.ownerId === gid && a.currency === currency);
    if (!account) {
      account = { id: gidOf("StoreCreditAccount", nextNum()), ownerId: gid!, currency, balance: "0.0", transactions: [] };
      state.storeCredit.push(account);
    }
  }
  const balance = (toMicros(account.balance) ?? 0n) + amount;
  account.balance = fromMicros(balance);
  const t: SandboxStoreCreditTransaction = {
    id: gidOf("StoreCreditAccountCreditTransaction", nextNum()),
    amount: fromMicros(amount),
    balanceAfter: account.balance,
    createdAt: isoSeconds(now),
    expiresAt: input.expiresAt ?? null,
  };
  account.transactions.push(t);
  return { storeCreditAccountTransaction: storeCreditTransactionNode(state, account, t), userErrors: [] };
}

function customerNode(state: ShopState, id: string): Record<string, unknown> | null {
  const gid = canonicalGid(id);
  if (!customerExists(state, gid)) return null;
  return {
    __typename: "Customer",
    id: gid,
    storeCreditAccounts: (args: ConnArgs & { query?: string | null }) => {
      requireAccess(state, "storeCreditAccounts");
      const currency = /\bcurrency_code:(\w+)/i.exec(args.query ?? "")?.[1]?.toUpperCase();
      const list = state.storeCredit.filter((a) => a.ownerId === gid && (!currency || a.currency === currency));
      return connection(
        list,
        (a) => a.id.split("/").pop()!,
        args,
        (a) => storeCreditAccountNode(state, a),
      );
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Orders, returns and draft orders
// ---------------------------------------------------------------------------------------------
// The state machine and its userErrors live in returns-model.ts; this renders them as GraphQL.

const numOf = (gid: string) => gid.slice(gid.lastIndexOf("/") + 1);

function reasonNode(d: ReturnReasonDefinition): Record<string, unknown> {
  return { __typename: "ReturnReasonDefinition", id: d.id, handle: d.handle, name: d.name, deleted: d.deleted };
}

function lineItemNode(state: ShopState, o: SandboxOrder, l: SandboxOrder["lineItems"][number]): Record<string, unknown> {
  const product = l.productId ? state.products.find((p) => p.id === l.productId) : undefined;
  const variant = product?.variants.find((v) => v.id === l.variantId);
  return {
    __typename: "LineItem",
    id: gidOf("LineItem", l.id),
    title: l.title,
    name: variant && variant.title !== "Default Title" ? `${l.title} - ${variant.title}` : l.title,
    quantity: l.quantity,
    currentQuantity: l.quantity,
    refundableQuantity: l.quantity,
    sku: variant?.sku ?? null,
    variant: product && variant ? variantNode(state, product, variant) : null,
    product: product ? productNode(state, product) : null,
    suggestedReturnReasonDefinitions: (args: ConnArgs) =>
      connection(
        RETURN_REASON_DEFINITIONS.filter((d) => SUGGESTED_REASON_HANDLES.includes(d.handle)),
        (d) => numOf(d.id),
        args,
        reasonNode,
      ),
  };
}

function fulfillmentLineItemNode(state: ShopState, o: SandboxOrder, fl: { id: string; lineItemId: string; quantity: number }) {
  const line = o.lineItems.find((l) => l.id === fl.lineItemId)!;
  return {
    __typename: "FulfillmentLineItem",
    id: gidOf("FulfillmentLineItem", fl.id),
    quantity: fl.quantity,
    lineItem: lineItemNode(state, o, line),
  };
}

function fulfillmentNode(state: ShopState, o: SandboxOrder, f: SandboxOrder["fulfillments"][number]): Record<string, unknown> {
  return {
    __typename: "Fulfillment",
    id: gidOf("Fulfillment", f.id),
    status: "SUCCESS",
    order: () => orderNode(state, o),
    fulfillmentLineItems: (args: ConnArgs) =>
      connection(
        f.lineItems,
        (x) => x.id,
        args,
        (x) => fulfillmentLineItemNode(state, o, x),
      ),
  };
}

function orderNode(state: ShopState, o: SandboxOrder): Record<string, unknown> {
  const returns = () => state.returns.returns.filter((r) => r.orderId === o.id);
  return {
    __typename: "Order",
    id: gidOf("Order", o.id),
    legacyResourceId: o.id,
    name: o.name,
    email: o.email,
    createdAt: o.createdAt,
    customer: o.customerId ? { __typename: "Customer", id: gidOf("Customer", o.customerId) } : null,
    lineItems: (args: ConnArgs) =>
      connection(
        o.lineItems,
        (l) => l.id,
        args,
        (l) => lineItemNode(state, o, l),
      ),
    fulfillments: (args: { first?: number | null }) =>
      o.fulfillments.slice(0, args.first ?? undefined).map((f) => fulfillmentNode(state, o, f)),
    returns: (args: ConnArgs & { query?: string | null }) => {
      requireAccess(state, "returns");
      const status = /\bstatus:(\w+)/i.exec(args.query ?? "")?.[1]?.toUpperCase();
      return connection(
        returns().filter((r) => !status || r.status === status),
        (r) => numOf(r.id),
        args,
        (r) => returnNode(state, r),
      );
    },
    // Captured 2026-04: any REQUESTED → RETURN_REQUESTED, else any OPEN → IN_PROGRESS, else any CLOSED → RETURNED.
    returnStatus: () => {
      const st = returns().map((r) => r.status);
      return st.includes("REQUESTED")
        ? "RETURN_REQUESTED"
        : st.includes("OPEN")
          ? "IN_PROGRESS"
          : st.includes("CLOSED")
            ? "RETURNED"
            : "NO_RETURN";
    },
  };
}

function returnLineItemNode(state: ShopState, r: SandboxReturn, l: SandboxReturn["lines"][number]): Record<string, unknown> {
  const o = state.returns.orders.get(r.orderId)!;
  const fl = o.fulfillments.flatMap((f) => f.lineItems).find((x) => x.id === l.fulfillmentLineItemId)!;
  const definition = reasonDefinition(l.returnReasonDefinitionId);
  return {
    __typename: "ReturnLineItem",
    id: gidOf("ReturnLineItem", l.id),
    quantity: l.quantity,
    processedQuantity: l.processedQuantity,
    unprocessedQuantity: l.quantity - l.processedQuantity,
    processableQuantity: r.status === "OPEN" ? l.quantity - l.processedQuantity : 0,
    refundableQuantity: l.processedQuantity,
    refundedQuantity: 0,
    returnReason: l.returnReason,
    returnReasonNote: l.returnReasonNote,
    returnReasonDefinition: definition ? reasonNode(definition) : null,
    customerNote: l.customerNote,
    restockingFee: null,
    fulfillmentLineItem: fulfillmentLineItemNode(state, o, fl),
  };
}

function returnNode(state: ShopState, r: SandboxReturn): Record<string, unknown> {
  return {
    __typename: "Return",
    id: r.id,
    name: r.name,
    status: r.status,
    createdAt: r.createdAt,
    requestApprovedAt: r.requestApprovedAt,
    closedAt: r.closedAt,
    totalQuantity: r.lines.reduce((n, l) => n + l.quantity, 0),
    decline: r.decline ? { __typename: "ReturnDecline", reason: r.decline.reason, note: r.decline.note } : null,
    order: () => orderNode(state, state.returns.orders.get(r.orderId)!),
    returnLineItems: (args: ConnArgs) =>
      connection(
        r.lines,
        (l) => l.id,
        args,
        (l) => returnLineItemNode(state, r, l),
      ),
    returnShippingFees: [],
  };
}

function returnableFulfillmentNode(state: ShopState, orderId: string, f: ReturnType<ReturnsState["returnable"]>[number]) {
  const o = state.returns.orders.get(orderId)!;
  const fulfillment = o.fulfillments.find((x) => x.id === f.fulfillmentId)!;
  return {
    __typename: "ReturnableFulfillment",
    id: gidOf("ReturnableFulfillment", f.fulfillmentId),
    fulfillment: fulfillmentNode(state, o, fulfillment),
    returnableFulfillmentLineItems: (args: ConnArgs) =>
      connection(
        f.lines,
        (l) => l.id,
        args,
        (l) => ({
          __typename: "ReturnableFulfillmentLineItem",
          quantity: l.quantity,
          fulfillmentLineItem: fulfillmentLineItemNode(
            state,
            o,
            fulfillment.lineItems.find((x) => x.id === l.id)!,
          ),
        }),
      ),
  };
}

function returnPayload(state: ShopState, result: { ret: SandboxReturn | null; userErrors: ReturnUserError[] }) {
  return { return: result.ret ? returnNode(state, result.ret) : null, userErrors: result.userErrors };
}

function draftOrderNode(state: ShopState, d: SandboxDraftOrder): Record<string, unknown> {
  const money = (amount: string) => ({ __typename: "MoneyV2", amount, currencyCode: state.data.currencyCode });
  return {
    __typename: "DraftOrder",
    id: d.id,
    legacyResourceId: numOf(d.id),
    name: d.name,
    status: d.status,
    email: d.email,
    note2: d.note,
    tags: [...d.tags],
    createdAt: d.createdAt,
    updatedAt: d.createdAt,
    customer: d.customerId ? { __typename: "Customer", id: d.customerId } : null,
    totalPriceSet: { __typename: "MoneyBag", shopMoney: money(d.totalPrice), presentmentMoney: money(d.totalPrice) },
    order: null,
    lineItems: (args: ConnArgs) =>
      connection(
        d.lineItems.map((l, i) => ({ ...l, i })),
        (l) => String(l.i + 1),
        args,
        (l) => ({
          __typename: "DraftOrderLineItem",
          id: `gid://shopify/DraftOrderLineItem/${numOf(d.id)}${l.i}`,
          title: l.title,
          quantity: l.quantity,
          variant: l.variantId ? { __typename: "ProductVariant", id: l.variantId } : null,
          appliedDiscount: l.appliedDiscount
            ? {
                __typename: "DraftOrderAppliedDiscount",
                valueType: l.appliedDiscount.valueType,
                value: l.appliedDiscount.value,
                title: l.appliedDiscount.title,
              }
            : null,
        }),
      ),
  };
}

/** draftOrders(query:) is Shopify's search: `tag:`, `status:`, `customer_id:`; a draft younger than the shop's search lag is not found yet. */
function searchDraftOrders(
  state: ShopState,
  now: number,
  query: string | null | undefined,
  sortKey: string | null | undefined,
): SandboxDraftOrder[] {
  const visible = state.drafts.filter((d) => Date.parse(d.createdAt) + state.searchLagMs <= now);
  const terms = (query ?? "").match(/-?[a-z_]+:(?:"[^"]*"|'[^']*'|\S+)|\S+/gi) ?? [];
  const list = visible.filter((d) =>
    terms.every((raw) => {
      if (/^AND$/i.test(raw)) return true;
      const m = /^([a-z_]+):(.*)$/i.exec(raw);
      if (!m) return d.name.toLowerCase().includes(raw.toLowerCase()) || d.tags.some((t) => t.toLowerCase() === raw.toLowerCase());
      const value = m[2]!.replace(/^["']|["']$/g, "").toLowerCase();
      switch (m[1]!.toLowerCase()) {
        case "tag":
          return d.tags.some((t) => t.toLowerCase() === value);
        case "status":
          return d.status.toLowerCase() === value;
        case "customer_id":
          return d.customerId === `gid://shopify/Customer/${value}`;
        default:
          return true; // Shopify's search ignores filters it does not know
      }
    }),
  );
  const byNum = (a: SandboxDraftOrder, b: SandboxDraftOrder) => (BigInt(numOf(a.id)) < BigInt(numOf(b.id)) ? -1 : 1);
  void sortKey; // ID, NUMBER and UPDATED_AT all follow creation here
  return list.sort(byNum);
}

function draftOrderCreate(state: ShopState, now: number, input: Input) {
  // Recorded (2026-04): these messages and fields, the fields without an "input" prefix.
  const errors: Array<{ __typename: "UserError"; field: string[] | null; message: string }> = [];
  const err = (field: string[] | null, message: string) => errors.push({ __typename: "UserError", field, message });
  const lines: Input[] = input.lineItems ?? [];
  if (!lines.length) err(null, "Add at least 1 product");
  const priced = lines.map((l, i) => {
    if (typeof l.quantity !== "number" || l.quantity < 1)
      err(["lineItems", String(i), "quantity"], "Quantity must be greater than or equal to 1");
    const d = l.appliedDiscount as Input | undefined;
    if (d && d.valueType === "PERCENTAGE" && d.value > 100)
      err(["lineItems", String(i), "appliedDiscount", "value"], "Applied discount value must be less than or equal to 100%");
    if (d && !/^-?\d+(\.\d{1,2})?$/.test(String(d.value)))
      err(["lineItems", String(i), "appliedDiscount", "value"], "Applied discount value can have at most 2 digits after decimal point");
    let title = typeof l.title === "string" ? l.title : "";
    let price = toMicros(l.originalUnitPriceWithCurrency?.amount ?? l.originalUnitPrice ?? "0") ?? 0n;
    const variant = l.variantId ? parseGid(l.variantId) : null;
    if (variant) {
      const product = state.products.find((p) => p.variants.some((v) => v.id === variant.num));
      const v = product?.variants.find((x) => x.id === variant.num);
      if (state.products.length && !v) err(null, `Product with ID ${variant.num} is no longer available.`);
      if (product && v) {
        title = product.title;
        price = toMicros(v.price) ?? 0n;
      }
    } else if (!title) err(null, "Merchandise title is empty.");
    return { l, d, title, price };
  });
  const tags: string[] = (input.tags ?? [])
    .flatMap((t: string) => t.split(","))
    .map((t: string) => t.trim())
    .filter(Boolean);
  tags.forEach((t, i) => {
    if (t.length > 40) err(["tags", String(i)], "Title Tag exceeds the maximum length of 40 characters");
  });
  if (errors.length) return { draftOrder: null, userErrors: errors };

  const lineItems = priced.map(({ l, d, title, price }) => {
    const gross = price * BigInt(l.quantity);
    const off = !d ? 0n : d.valueType === "PERCENTAGE" ? (gross * BigInt(Math.round(d.value * 100))) / 10_000n : (toMicros(d.value) ?? 0n);
    return {
      variantId: l.variantId ? canonicalGid(l.variantId) : null,
      title,
      quantity: l.quantity as number,
      originalUnitPrice: fromMicros(price),
      appliedDiscount: d ? { valueType: d.valueType, value: d.value, title: d.title ?? null } : null,
      discountedTotal: fromMicros(gross - (off > gross ? gross : off)),
    };
  });
  const total = lineItems.reduce((sum, l) => sum + (toMicros(l.discountedTotal) ?? 0n), 0n);
  const draft: SandboxDraftOrder = {
    id: gidOf("DraftOrder", nextNum()),
    name: `#D${state.drafts.length + 1}`,
    status: "OPEN",
    customerId: canonicalGid(input.purchasingEntity?.customerId ?? input.customerId ?? null),
    email: input.email ?? null,
    note: input.note ?? null,
    tags: [...new Set(tags)],
    lineItems,
    totalPrice: fromMicros(total),
    createdAt: isoSeconds(now),
  };
  state.drafts.push(draft);
  return { draftOrder: draftOrderNode(state, draft), userErrors: [] };
}

// ---------------------------------------------------------------------------------------------
// Validation errors in Shopify's (graphql-ruby) shape
// ---------------------------------------------------------------------------------------------

interface ShopifyError {
  message: string;
  locations?: Array<{ line: number; column: number }>;
  path?: Array<string | number>;
  extensions?: Record<string, unknown>;
}

const RULE_CODES: Record<string, string> = {
  FieldsOnCorrectTypeRule: "undefinedField",
  ProvidedRequiredArgumentsRule: "missingRequiredArguments",
  KnownArgumentNamesRule: "argumentNotAccepted",
  ValuesOfCorrectTypeRule: "argumentLiteralsIncompatible",
  ScalarLeafsRule: "selectionMismatch",
  NoUndefinedVariablesRule: "variableNotDefined",
  NoUnusedVariablesRule: "variableNotUsed",
  KnownTypeNamesRule: "undefinedType",
  VariablesInAllowedPositionRule: "variableMismatch",
  VariablesAreInputTypesRule: "variableRequiresValidType",
  UniqueArgumentNamesRule: "argumentNotUnique",
  UniqueVariableNamesRule: "variableNotUnique",
  UniqueOperationNamesRule: "uniquelyNamedOperations",
  LoneAnonymousOperationRule: "anonymousOperationNotAlone",
  KnownFragmentNamesRule: "undefinedFragment",
  NoUnusedFragmentsRule: "useAndDefineFragment",
  NoFragmentCyclesRule: "infiniteLoop",
  PossibleFragmentSpreadsRule: "cannotSpreadFragment",
  FragmentsOnCompositeTypesRule: "fragmentOnNonCompositeType",
  KnownDirectivesRule: "undefinedDirective",
  OverlappingFieldsCanBeMergedRule: "fieldConflict",
  ExecutableDefinitionsRule: "definitionNotExecutable",
  UniqueFragmentNamesRule: "fragmentNamesUnique",
  UniqueInputFieldNamesRule: "inputFieldNotUnique",
  UniqueDirectivesPerLocationRule: "directiveNotUniqueForLocation",
};

function shopifyValidationError(rule: ValidationRule, e: GraphQLError): ShopifyError {
  const ruleName = rule.name;
  const code = RULE_CODES[ruleName] ?? ruleName.replace(/Rule$/, "").replace(/^./, (c) => c.toLowerCase());
  const locations = e.locations?.map((l) => ({ line: l.line, column: l.column }));
  let message = e.message;
  const ext: Record<string, unknown> = { code };
  let m: RegExpExecArray | null;
  if (ruleName === "FieldsOnCorrectTypeRule" && (m = /^Cannot query field "([^"]+)" on type "([^"]+)"/.exec(e.message))) {
    message = `Field '${m[1]}' doesn't exist on type '${m[2]}'`;
    Object.assign(ext, { typeName: m[2], fieldName: m[1] });
  } else if (ruleName === "ProvidedRequiredArgumentsRule" && (m = /^(Field|Directive) "@?([^"]+)" argument "([^"]+)"/.exec(e.message))) {
    message = `${m[1]} '${m[2]}' is missing required arguments: ${m[3]}`;
    Object.assign(ext, { className: m[1], name: m[2], arguments: m[3] });
  } else if (ruleName === "KnownArgumentNamesRule" && (m = /^Unknown argument "([^"]+)" on field "(?:[^".]+\.)?([^"]+)"/.exec(e.message))) {
    message = `Field '${m[2]}' doesn't accept argument '${m[1]}'`;
    Object.assign(ext, { name: m[2], typeName: "Field", argumentName: m[1] });
  } else if (
    ruleName === "NoUndefinedVariablesRule" &&
    (m = /^Variable "\$([^"]+)" is not defined(?: by operation "([^"]+)")?/.exec(e.message))
  ) {
    message = `Variable $${m[1]} is used by ${m[2] ?? "anonymous query"} but not declared`;
    Object.assign(ext, { variableName: m[1] });
  } else if (
    ruleName === "NoUnusedVariablesRule" &&
    (m = /^Variable "\$([^"]+)" is never used(?: in operation "([^"]+)")?/.exec(e.message))
  ) {
    message = `Variable $${m[1]} is declared by ${m[2] ?? "anonymous query"} but not used`;
    Object.assign(ext, { variableName: m[1] });
  } else if (
    ruleName === "VariablesInAllowedPositionRule" &&
    (m = /^Variable "\$([^"]+)" of type "([^"]+)" used in position expecting type "([^"]+)"/.exec(e.message))
  ) {
    const nullOnly = m[2]!.replace(/!/g, "") === m[3]!.replace(/!/g, "");
    message = `${nullOnly ? "Nullability" : "Type"} mismatch on variable $${m[1]} (${m[2]} / ${m[3]})`;
    Object.assign(ext, { variableName: m[1], typeName: m[2], expectedType: m[3] });
  } else if (
    ruleName === "ScalarLeafsRule" &&
    (m = /^Field "([^"]+)" of type "([^"]+)" must have a selection of subfields/.exec(e.message))
  ) {
    message = `Field must have selections (field '${m[1]}' returns ${m[2]!.replace(/[![\]]/g, "")} but has no selections. Did you mean '${m[1]} { ... }'?)`;
    Object.assign(ext, { nodeName: `field '${m[1]}'`, typeName: m[2]!.replace(/[![\]]/g, "") });
  } else if (ruleName === "ScalarLeafsRule" && (m = /^Field "([^"]+)" must not have a selection since type "([^"]+)"/.exec(e.message))) {
    message = `Selections can't be made on scalars (field '${m[1]}' returns ${m[2]!.replace(/[![\]]/g, "")} but has selections)`;
    Object.assign(ext, { nodeName: `field '${m[1]}'`, typeName: m[2]!.replace(/[![\]]/g, "") });
  } else if (ruleName === "KnownTypeNamesRule" && (m = /^Unknown type "([^"]+)"/.exec(e.message))) {
    message = `No such type ${m[1]}, so it can't be a fragment condition or variable type`;
    Object.assign(ext, { typeName: m[1] });
  }
  return { message, ...(locations ? { locations } : {}), extensions: ext };
}

function validateShopify(schema: GraphQLSchema, doc: DocumentNode): ShopifyError[] {
  const out: ShopifyError[] = [];
  for (const rule of specifiedRules) {
    for (const e of validate(schema, doc, [rule], { maxErrors: 50 })) out.push(shopifyValidationError(rule, e));
  }
  return out;
}

function describeType(t: unknown): string {
  return String(t);
}

/** Coerce variables against the operation's definitions; Shopify-shaped INVALID_VARIABLE errors. */
function coerceVariables(
  schema: GraphQLSchema,
  op: OperationDefinitionNode,
  raw: Record<string, unknown>,
): { errors: ShopifyError[]; values?: Record<string, unknown> } {
  const errors: ShopifyError[] = [];
  for (const def of op.variableDefinitions ?? []) {
    const name = def.variable.name.value;
    const type = typeFromAST(schema, def.type as never);
    if (!type || !isInputType(type)) continue; // reported by validation
    const has = Object.prototype.hasOwnProperty.call(raw, name);
    const value = has ? raw[name] : undefined;
    const problems: Array<{ path: Array<string | number>; explanation: string }> = [];
    if (!has || value === null) {
      if (isNonNullType(type) && !def.defaultValue) problems.push({ path: [], explanation: "Expected value to not be null" });
    } else {
      coerceInputValue(value, type, (path, _invalid, error) => {
        let explanation = error.message;
        let mm: RegExpExecArray | null;
        if ((mm = /^Field "([^"]+)" of required type "([^"]+)" was not provided\.$/.exec(explanation))) {
          explanation = `Expected value to not be null`;
          problems.push({ path: [...path, mm[1]!], explanation });
          return;
        }
        if ((mm = /^Field "([^"]+)" is not defined by type "([^"]+)"/.exec(explanation))) {
          problems.push({ path: [...path, mm[1]!], explanation: "Field is not defined on " + mm[2] });
          return;
        }
        if (/^Expected non-nullable type/.test(explanation)) explanation = "Expected value to not be null";
        else if (/^Expected type "([^"]+)"\. (.*)$/.test(explanation)) explanation = explanation.replace(/^Expected type "([^"]+)"\. /, "");
        problems.push({ path: [...path], explanation });
      });
    }
    if (problems.length) {
      const loc = def.loc ? [{ line: def.loc.startToken.line, column: def.loc.startToken.column }] : undefined;
      errors.push({
        message: `Variable $${name} of type ${describeType(type)} was provided invalid value${problems.length === 1 && problems[0]!.path.length ? ` for ${problems[0]!.path.join(".")}` : ""}`,
        ...(loc ? { locations: loc } : {}),
        extensions: { code: "INVALID_VARIABLE", value: has ? value : null, problems },
      });
    }
  }
  if (errors.length) return { errors };
  const res = getVariableValues(schema, op.variableDefinitions ?? [], raw, { maxErrors: 50 });
  if (res.errors) {
    return {
      errors: res.errors.map((e) => ({
        message: e.message,
        locations: e.locations?.map((l) => ({ line: l.line, column: l.column })),
        extensions: { code: "INVALID_VARIABLE", value: null, problems: [{ path: [], explanation: e.message }] },
      })),
    };
  }
  return { errors: [], values: res.coerced };
}

// ---------------------------------------------------------------------------------------------
// Cost
// ---------------------------------------------------------------------------------------------

const MUTATION_COST = 10;

export function estimateCost(
  schema: GraphQLSchema,
  doc: DocumentNode,
  op: OperationDefinitionNode,
  variables: Record<string, unknown>,
): number {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const d of doc.definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) fragments.set(d.name.value, d);
  const root =
    op.operation === "mutation"
      ? schema.getMutationType()
      : op.operation === "subscription"
        ? schema.getSubscriptionType()
        : schema.getQueryType();
  if (!root) return 0;
  const isMutation = op.operation === "mutation";

  function args(field: FieldNode, def: Parameters<typeof getArgumentValues>[0]): Record<string, unknown> {
    try {
      return getArgumentValues(def, field, variables);
    } catch {
      return {};
    }
  }

  function walk(set: SelectionSetNode | undefined, parent: GraphQLCompositeType, depth: number, seen: Set<string>): number {
    if (!set || depth > 30) return 0;
    let total = 0;
    for (const sel of set.selections) {
      if (sel.kind === Kind.INLINE_FRAGMENT) {
        const t = sel.typeCondition ? (schema.getType(sel.typeCondition.name.value) as GraphQLCompositeType) : parent;
        total += walk(sel.selectionSet, t ?? parent, depth + 1, seen);
        continue;
      }
      if (sel.kind === Kind.FRAGMENT_SPREAD) {
        const f = fragments.get(sel.name.value);
        if (!f || seen.has(f.name.value)) continue;
        const t = schema.getType(f.typeCondition.name.value) as GraphQLCompositeType;
        total += walk(f.selectionSet, t ?? parent, depth + 1, new Set([...seen, f.name.value]));
        continue;
      }
      if (sel.name.value.startsWith("__")) continue;
      if (!("getFields" in parent)) continue;
      const def = parent.getFields()[sel.name.value];
      if (!def) continue;
      const named = getNamedType(def.type);
      const isRootMutationField = isMutation && depth === 0;
      if (isLeafType(named)) {
        total += isRootMutationField ? MUTATION_COST : 0;
        continue;
      }
      const composite = named as GraphQLCompositeType;
      if (named.name.endsWith("Connection") && "getFields" in named) {
        const a = args(sel, def);
        const size = Number(a.first ?? a.last ?? 1) || 1;
        total += 2 + size * connectionItemCost(sel.selectionSet, composite, depth + 1, seen);
        continue;
      }
      const child = walk(sel.selectionSet, composite, depth + 1, seen);
      const own = isRootMutationField ? MUTATION_COST : 1;
      if (def.name === "nodes" && parent === schema.getQueryType()) {
        const ids = args(sel, def).ids;
        total += own + (Array.isArray(ids) ? ids.length : 1) * child;
      } else {
        total += own + child;
      }
    }
    return total;
  }

  /** Per-item cost of a connection: the node's own cost (1) plus its children; pageInfo is free. */
  function connectionItemCost(set: SelectionSetNode | undefined, conn: GraphQLCompositeType, depth: number, seen: Set<string>): number {
    if (!set || !("getFields" in conn)) return 1;
    let item = 0;
    const visit = (s: SelectionSetNode) => {
      for (const sel of s.selections) {
        if (sel.kind === Kind.FRAGMENT_SPREAD) {
          const f = fragments.get(sel.name.value);
          if (f) visit(f.selectionSet);
          continue;
        }
        if (sel.kind === Kind.INLINE_FRAGMENT) {
          visit(sel.selectionSet);
          continue;
        }
        const name = sel.name.value;
        const fields = conn.getFields();
        if (name === "nodes" && fields.nodes) {
          item = Math.max(item, 1 + walk(sel.selectionSet, getNamedType(fields.nodes.type) as GraphQLCompositeType, depth + 1, seen));
        } else if (name === "edges" && fields.edges && sel.selectionSet) {
          const edgeType = getNamedType(fields.edges.type) as GraphQLCompositeType;
          for (const es of sel.selectionSet.selections) {
            if (es.kind === Kind.FIELD && es.name.value === "node" && "getFields" in edgeType) {
              const nodeType = getNamedType(edgeType.getFields().node!.type) as GraphQLCompositeType;
              item = Math.max(item, 1 + walk(es.selectionSet, nodeType, depth + 2, seen));
            }
          }
        }
      }
    };
    visit(set);
    return Math.max(1, item);
  }

  return walk(op.selectionSet, root, 0, new Set());
}

// ---------------------------------------------------------------------------------------------
// HTTP server
// ---------------------------------------------------------------------------------------------

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

export async function startAdminSandbox(opts: AdminSandboxOptions = {}): Promise<AdminSandbox> {
  const base = loadAdminSchema();
  const mocked = buildMockedSchema();
  const versions = new Set(opts.apiVersions ?? DEFAULT_API_VERSIONS);
  const maxAvail = opts.maximumAvailable ?? 2000;
  const defaultRestore = opts.restoreRate ?? 100;
  const maxQueryCost = opts.maxQueryCost ?? 1000;
  const shops = new Map<string, ShopState>();
  const requests: SandboxRequest[] = [];
  let shopCounter = 60_000_000_000;
  let clockOffsetMs = 0;
  const now = () => Date.now() + clockOffsetMs;
  // Answers held back by a "slow" fault; close() drops them.
  const pending = new Set<NodeJS.Timeout>();

  /** The shop's reward fault, if this operation is one of the reward mutations; counts the call. */
  function rewardFaultFor(state: ShopState, op: OperationDefinitionNode): RewardFault | null {
    const fault = state.rewardFault;
    if (!fault || op.operation !== "mutation") return null;
    if (!op.selectionSet.selections.some((sel) => sel.kind === Kind.FIELD && REWARD_MUTATIONS.has(sel.name.value))) return null;
    if (fault.calls !== undefined) {
      const left = fault.calls - 1;
      state.rewardFault = left > 0 ? { ...fault, calls: left } : null;
    }
    return fault;
  }

  /** The shop's returns fault, if this operation is a return or draft-order mutation; counts the call. */
  function returnFaultFor(state: ShopState, op: OperationDefinitionNode): RewardFault | null {
    const fault = state.returnFault;
    if (!fault || op.operation !== "mutation") return null;
    if (!op.selectionSet.selections.some((sel) => sel.kind === Kind.FIELD && RETURN_MUTATIONS.has(sel.name.value))) return null;
    if (fault.calls !== undefined) {
      const left = fault.calls - 1;
      state.returnFault = left > 0 ? { ...fault, calls: left } : null;
    }
    return fault;
  }

  // Shopify's side of returns (and of the merchant's store details): each change becomes a returns/*
  // (or shop/update) webhook, delivered in order to the target the test set (once; a test re-sends a
  // recorded body itself to model a retry).
  let webhookTarget: { url: string; secret: string } | null = null;
  let deliveries: Promise<void> = Promise.resolve();
  function announce(state: ShopState): void {
    for (const event of state.returns.events.splice(0)) emit(state, event.topic, stringifyShopifyJson(returnWebhookBody(event)));
  }

  function emit(state: ShopState, topic: string, body: string): void {
    const hook: SandboxWebhook = {
      topic,
      shop: state.shop,
      body,
      eventId: randomUUID(),
      webhookId: randomUUID(),
      triggeredAt: new Date(now()).toISOString(),
      status: null,
    };
    state.webhooks.push(hook);
    const target = webhookTarget;
    if (!target) return;
    deliveries = deliveries.then(async () => {
      try {
        const res = await fetch(target.url, {
          method: "POST",
          headers: webhookHeaders({
            secret: target.secret,
            topic: hook.topic,
            shop: hook.shop,
            rawBody: body,
            eventId: hook.eventId,
            webhookId: hook.webhookId,
            triggeredAt: hook.triggeredAt,
          }),
          body,
          signal: AbortSignal.timeout(10_000),
        });
        await res.arrayBuffer();
        hook.status = res.status;
      } catch {
        hook.status = 0;
      }
    });
  }

  async function asMerchant(
    shop: string,
    act: (s: ShopState) => { ret: SandboxReturn | null; userErrors: ReturnUserError[] },
  ): Promise<ReturnChange> {
    const s = must(shop);
    const { ret, userErrors } = act(s);
    announce(s);
    await deliveries;
    return {
      return: ret ? structuredClone(ret) : null,
      userErrors: userErrors.map(({ field, message, code }) => ({ field, message, code })),
    };
  }

  function issueTokens(s: ShopState, expiring: boolean) {
    s.token = `shpat_${randomBytes(16).toString("hex")}`;
    s.tokenExpiresAt = expiring ? now() + ACCESS_TOKEN_TTL_S * 1000 : null;
    s.refreshToken = expiring ? `shprt_${randomBytes(16).toString("hex")}` : null;
    s.refreshExpiresAt = now() + REFRESH_TOKEN_TTL_S * 1000;
    return {
      access_token: s.token,
      scope: s.scopeText ?? "",
      ...(expiring ? { expires_in: ACCESS_TOKEN_TTL_S, refresh_token: s.refreshToken, refresh_token_expires_in: REFRESH_TOKEN_TTL_S } : {}),
    };
  }

  // An App Bridge session token: HS256 with the client secret, for this app and this shop, unexpired.
  function validSessionToken(jwt: unknown, shop: string): boolean {
    if (typeof jwt !== "string" || !opts.apiSecret) return false;
    const [h, p, sig] = jwt.split(".");
    if (!h || !p || !sig) return false;
    const expected = Buffer.from(createHmac("sha256", opts.apiSecret).update(`${h}.${p}`).digest("base64url"));
    const given = Buffer.from(sig);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return false;
    try {
      const claims = JSON.parse(Buffer.from(p, "base64url").toString("utf8")) as { aud?: string; dest?: string; exp?: number };
      return claims.aud === opts.apiKey && claims.dest === `https://${shop}` && typeof claims.exp === "number" && claims.exp * 1000 > now();
    } catch {
      return false;
    }
  }

  async function tokenEndpoint(req: IncomingMessage, res: ServerResponse, state: ShopState | undefined) {
    if (req.method !== "POST") return send(res, 405, { errors: "Method Not Allowed" });
    const raw = (await readBody(req)).toString("utf8");
    let body: Record<string, unknown>;
    try {
      body = String(req.headers["content-type"] ?? "").includes("json")
        ? (JSON.parse(raw) as Record<string, unknown>)
        : Object.fromEntries(new URLSearchParams(raw));
    } catch {
      return send(res, 400, { error: "invalid_request", error_description: "The request body could not be read" });
    }
    if (!state || !opts.apiKey || body.client_id !== opts.apiKey || body.client_secret !== opts.apiSecret)
      return send(res, 401, { error: "invalid_client", error_description: "Client authentication failed" });
    if (body.grant_type === "refresh_token") {
      if (!state.refreshToken || body.refresh_token !== state.refreshToken || now() >= state.refreshExpiresAt)
        return send(res, 400, {
          error: "invalid_grant",
          error_description: "The refresh token is invalid, expired, revoked or already used",
        });
      return send(res, 200, issueTokens(state, true));
    }
    if (body.grant_type === "urn:ietf:params:oauth:grant-type:token-exchange") {
      if (body.requested_token_type !== "urn:shopify:params:oauth:token-type:offline-access-token")
        return send(res, 400, { error: "invalid_request", error_description: "Only offline access tokens are issued here" });
      if (!validSessionToken(body.subject_token, state.shop)) return send(res, 400, { error: "invalid_subject_token" });
      return send(res, 200, issueTokens(state, body.expiring === "1"));
    }
    return send(res, 400, { error: "unsupported_grant_type" });
  }

  function refill(s: ShopState): void {
    const now = Date.now();
    const b = s.bucket;
    b.available = Math.min(b.max, b.available + ((now - b.at) / 1000) * b.restoreRate);
    b.at = now;
  }

  function throttleStatus(s: ShopState): ThrottleStatus {
    return {
      maximumAvailable: s.bucket.max,
      currentlyAvailable: Math.floor(s.bucket.available),
      restoreRate: s.bucket.restoreRate,
    };
  }

  function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
    const text = JSON.stringify(body);
    res.writeHead(status, {
      "Content-Type": "application/json; charset=utf-8",
      "X-Request-Id": randomUUID(),
      ...headers,
    });
    res.end(text);
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", "http://sandbox.local");
    let shop: string | undefined;
    let path = url.pathname;
    const pm = /^\/shops\/([^/]+)(\/.*)$/.exec(path);
    if (pm) {
      shop = decodeURIComponent(pm[1]!);
      path = pm[2]!;
    } else {
      const host = (req.headers["x-forwarded-host"] as string | undefined) ?? req.headers.host ?? "";
      shop = host.replace(/:\d+$/, "").toLowerCase();
    }
    if (path === "/admin/oauth/access_token") return tokenEndpoint(req, res, shop ? shops.get(shop) : undefined);
    const vm = /^\/admin\/api\/([^/]+)\/graphql\.json$/.exec(path);
    if (!vm) return send(res, 404, { errors: "Not Found" });
    const apiVersion = vm[1]!;
    if (!versions.has(apiVersion)) return send(res, 404, { errors: "Not Found" });
    const state = shop ? shops.get(shop) : undefined;
    if (!state) return send(res, 404, { errors: "Not Found" });
    const record = (r: Omit<SandboxRequest, "shop" | "apiVersion">) => requests.push({ shop: state.shop, apiVersion, ...r });

    if (req.method !== "POST") {
      record({ query: "", variables: null, status: 405 });
      return send(res, 405, { errors: "Method Not Allowed" });
    }
    const token = req.headers["x-shopify-access-token"];
    const raw = await readBody(req);
    if (!state.token || token !== state.token || (state.tokenExpiresAt !== null && now() >= state.tokenExpiresAt)) {
      record({ query: raw.toString("utf8"), variables: null, status: 401, errors: INVALID_TOKEN_BODY.errors });
      return send(res, 401, INVALID_TOKEN_BODY);
    }
    if (state.failStatus) {
      record({ query: raw.toString("utf8"), variables: null, status: state.failStatus });
      return send(res, state.failStatus, { errors: "Service Unavailable" });
    }
    const ctype = String(req.headers["content-type"] ?? "");
    let query: unknown;
    let variables: unknown = undefined;
    let operationName: unknown = undefined;
    if (ctype.includes("application/graphql")) {
      query = raw.toString("utf8");
    } else {
      try {
        const body = JSON.parse(raw.toString("utf8")) as Record<string, unknown>;
        query = body.query;
        variables = body.variables;
        operationName = body.operationName;
      } catch {
        record({ query: raw.toString("utf8"), variables: null, status: 400, errors: { query: "Required parameter missing or invalid" } });
        return send(res, 400, { errors: { query: "Required parameter missing or invalid" } });
      }
    }
    if (typeof query !== "string" || !query.trim()) {
      record({ query: String(query ?? ""), variables, status: 400, errors: { query: "Required parameter missing or invalid" } });
      return send(res, 400, { errors: { query: "Required parameter missing or invalid" } });
    }
    if (variables === null || variables === undefined) variables = {};
    if (typeof variables === "string") {
      try {
        variables = JSON.parse(variables);
      } catch {
        variables = undefined;
      }
    }
    const answer = (status: number, body: { data?: unknown; errors?: ShopifyError[] | readonly unknown[]; extensions?: unknown }) => {
      record({
        query: query as string,
        variables,
        operationName: (operationName as string | null | undefined) ?? null,
        status,
        ...(body.errors ? { errors: body.errors } : {}),
        ...(body.extensions ? { cost: (body.extensions as { cost: CostExtension }).cost } : {}),
      });
      return send(res, status, body, { "X-Shopify-API-Version": apiVersion });
    };
    if (typeof variables !== "object" || Array.isArray(variables)) {
      return answer(200, { errors: [{ message: "Variables must be an object", extensions: { code: "INVALID_VARIABLE" } }] });
    }

    let doc: DocumentNode;
    try {
      doc = parse(query);
    } catch (e) {
      const ge = e as GraphQLError;
      const loc = ge.locations?.[0];
      const found = /found (.*)\.$/.exec(ge.message)?.[1];
      return answer(200, {
        errors: [
          {
            message: loc
              ? `Parse error on ${found ?? JSON.stringify(ge.message.replace(/^Syntax Error: /, ""))} at [${loc.line}, ${loc.column}]`
              : ge.message,
            ...(loc ? { locations: [{ line: loc.line, column: loc.column }] } : {}),
            extensions: { code: "parseError" },
          },
        ],
      });
    }
    const vErrors = validateShopify(base, doc);
    if (vErrors.length) return answer(200, { errors: vErrors });

    const ops = doc.definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
    const op = operationName ? ops.find((o) => o.name?.value === operationName) : ops.length === 1 ? ops[0] : undefined;
    if (!op) {
      return answer(200, {
        errors: [
          {
            message: operationName ? `No operation named "${String(operationName)}"` : "An operation name is required",
            extensions: { code: "OPERATION_NOT_FOUND" },
          },
        ],
      });
    }
    if (op.operation === "subscription") {
      return answer(200, { errors: [{ message: "Subscriptions are not supported", extensions: { code: "BAD_REQUEST" } }] });
    }
    const coerced = coerceVariables(base, op, variables as Record<string, unknown>);
    if (coerced.errors.length) return answer(200, { errors: coerced.errors });

    const requested = estimateCost(base, doc, op, coerced.values ?? {});
    refill(state);
    if (requested > maxQueryCost) {
      return answer(200, {
        errors: [
          {
            message: `Query cost is ${requested}, which exceeds the single query max cost limit (${maxQueryCost}).\n\nSee https://shopify.dev/concepts/about-apis/rate-limits for more information on how the\ncost of a query is calculated.\n\nTo query larger amounts of data with fewer limits, bulk operations should be used instead.\nSee https://shopify.dev/tutorials/perform-bulk-operations-with-admin-api for usage details.\n`,
            extensions: { code: "MAX_COST_EXCEEDED", cost: requested, maxCost: maxQueryCost },
          },
        ],
        extensions: { cost: { requestedQueryCost: requested, actualQueryCost: null, throttleStatus: throttleStatus(state) } },
      });
    }
    if (requested > state.bucket.available) {
      return answer(200, {
        errors: [
          {
            message: "Throttled",
            extensions: { code: "THROTTLED", documentation: "https://shopify.dev/api/usage/rate-limits" },
          },
        ],
        extensions: { cost: { requestedQueryCost: requested, actualQueryCost: null, throttleStatus: throttleStatus(state) } },
      });
    }
    const fault = rewardFaultFor(state, op) ?? returnFaultFor(state, op);
    if (fault?.mode === "error") {
      const status = fault.status ?? 503;
      record({ query, variables, operationName: (operationName as string | null) ?? null, status });
      return send(res, status, { errors: STATUS_CODES[status] ?? "Internal Server Error" });
    }
    const result = await execute({
      schema: mocked,
      document: doc,
      operationName: op.name?.value,
      variableValues: variables as Record<string, unknown>,
      contextValue: { state, now: now() } satisfies Ctx,
    });
    const actual = requested;
    state.bucket.available -= actual;
    announce(state); // Shopify's webhooks go out whether or not this answer reaches the client
    const errors = result.errors?.map((e) => {
      const j = e.toJSON() as ShopifyError;
      return { ...j, extensions: { code: "INTERNAL_SERVER_ERROR", ...(j.extensions ?? {}) } };
    });
    if (fault?.mode === "drop") {
      record({ query, variables, operationName: (operationName as string | null) ?? null, status: 0 });
      res.socket?.destroy();
      return;
    }
    if (fault?.mode === "slow") {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          pending.delete(timer);
          resolve();
        }, fault.delayMs);
        pending.add(timer);
      });
      // The client may have given up meanwhile; what was created stays created.
      if (res.destroyed || res.socket?.destroyed) {
        record({ query, variables, operationName: (operationName as string | null) ?? null, status: 0 });
        return;
      }
    }
    return answer(200, {
      ...(errors ? { errors } : {}),
      data: result.data ?? null,
      extensions: { cost: { requestedQueryCost: requested, actualQueryCost: actual, throttleStatus: throttleStatus(state) } },
    });
  }

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((e: unknown) => {
      if (!res.headersSent) send(res, 500, { errors: `Internal error: ${(e as Error)?.message ?? String(e)}` });
      else res.end();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port ?? 0, "127.0.0.1", () => resolve());
  });
  const addr = server.address();
  const port = typeof addr === "object" && addr ? addr.port : opts.port;
  const url = `http://127.0.0.1:${port}`;

  function must(shop: string): ShopState {
    const s = shops.get(shop);
    if (!s) throw new Error(`admin sandbox: unknown shop ${shop}; call addShop first`);
    return s;
  }

  return {
    url,
    requests,
    graphqlUrl: (shop, apiVersion = ADMIN_API_VERSION) => `${url}/shops/${shop}/admin/api/${apiVersion}/graphql.json`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        for (const timer of pending) clearTimeout(timer);
        pending.clear();
        server.close((e) => (e ? reject(e) : resolve()));
        server.closeAllConnections?.();
      }),
    addShop(shop, accessToken, data = {}) {
      const shopNum = ++shopCounter;
      const state: ShopState = {
        shop,
        token: accessToken ?? null,
        tokenExpiresAt: null,
        refreshToken: null,
        refreshExpiresAt: 0,
        failStatus: null,
        shopNum,
        scopeText: data.scopes ?? opts.scopes ?? null,
        scopes:
          (data.scopes ?? opts.scopes) === undefined
            ? null
            : new Set(
                (data.scopes ?? opts.scopes)!
                  .split(",")
                  .map((x) => x.trim())
                  .filter(Boolean),
              ),
        data: {
          name: data.name ?? shop.replace(/\.myshopify\.com$/, ""),
          currencyCode: data.currencyCode ?? "USD",
          email: data.email ?? `owner@${shop}`,
          ianaTimezone: data.ianaTimezone ?? "America/New_York",
        },
        updatedAt: new Date(now()).toISOString(),
        products: [],
        tags: new Map(),
        known: new Set([gidOf("Shop", shopNum)]),
        metafields: new Map(),
        bucket: { available: maxAvail, at: Date.now(), restoreRate: defaultRestore, max: maxAvail },
        discounts: [],
        storeCredit: [],
        rewardFault: null,
        returns: new ReturnsState(nextNum),
        returnFault: null,
        drafts: [],
        searchLagMs: 0,
        webhooks: [],
      };
      shops.set(shop, state);
    },
    setProducts(shop, products) {
      const s = must(shop);
      for (const p of s.products) {
        s.known.delete(gidOf("Product", p.id));
        s.tags.delete(gidOf("Product", p.id));
        for (const v of p.variants) s.known.delete(gidOf("ProductVariant", v.id));
      }
      s.products = products.map((p) => {
        if (!UINT_RE.test(p.id) || p.variants.some((v) => !UINT_RE.test(v.id))) {
          throw new Error(`setProducts: ids must be decimal strings (got ${p.id})`);
        }
        return { ...p, tags: [...p.tags], variants: p.variants.map((v) => ({ ...v })) };
      });
      for (const p of s.products) {
        s.known.add(gidOf("Product", p.id));
        s.tags.set(gidOf("Product", p.id), new Set(p.tags));
        for (const v of p.variants) s.known.add(gidOf("ProductVariant", v.id));
      }
    },
    addResource(shop, gid, data = {}) {
      const s = must(shop);
      const g = parseGid(gid);
      if (!g) throw new Error(`addResource: not a gid: ${gid}`);
      const key = `gid://shopify/${g.type}/${g.num}`;
      s.known.add(key);
      s.tags.set(key, new Set(data.tags ?? []));
    },
    tagsOf(shop, gid) {
      const t = must(shop).tags.get(gid);
      return t ? [...t].sort() : undefined;
    },
    metafieldsOf(shop, ownerId) {
      return [...must(shop).metafields.values()].filter((m) => !ownerId || m.ownerId === ownerId);
    },
    tokensOf(shop) {
      const s = must(shop);
      return { accessToken: s.token, refreshToken: s.refreshToken, expiresAt: s.tokenExpiresAt };
    },
    revokeTokens(shop) {
      const s = must(shop);
      s.token = null;
      s.refreshToken = null;
    },
    advanceClock(ms) {
      clockOffsetMs += ms;
    },
    resetClock() {
      clockOffsetMs = 0;
    },
    fail(shop, status) {
      must(shop).failStatus = status;
    },
    throttle(shop, { available, restoreRate }) {
      const s = must(shop);
      s.bucket.available = Math.max(0, Math.min(s.bucket.max, available));
      s.bucket.at = Date.now();
      if (restoreRate !== undefined) s.bucket.restoreRate = restoreRate;
    },
    discountsOf(shop) {
      return must(shop).discounts.map((d) => structuredClone(d));
    },
    useDiscountCode(shop, code) {
      const d = findDiscountByCode(must(shop), code);
      if (!d) throw new Error(`useDiscountCode: ${shop} has no code ${code}`);
      d.usageCount++;
    },
    storeCreditOf(shop, customerGid) {
      const gid = canonicalGid(customerGid);
      return must(shop)
        .storeCredit.filter((a) => a.ownerId === gid)
        .map((a) => structuredClone(a));
    },
    faultRewards(shop, fault) {
      must(shop).rewardFault = fault;
    },
    addOrder(shop, order) {
      const s = must(shop);
      const stored = s.returns.addOrder(order);
      s.known.add(gidOf("Order", stored.id));
      if (stored.customerId) s.known.add(gidOf("Customer", stored.customerId));
      return stored;
    },
    returnsOf(shop, orderId) {
      return must(shop)
        .returns.returns.filter((r) => orderId === undefined || r.orderId === orderId)
        .map((r) => structuredClone(r));
    },
    draftOrdersOf(shop) {
      return must(shop).drafts.map((d) => structuredClone(d));
    },
    faultReturns(shop, fault) {
      must(shop).returnFault = fault;
    },
    setSearchLag(shop, ms) {
      must(shop).searchLagMs = ms;
    },
    merchant: {
      requestReturn: (shop, input) =>
        asMerchant(shop, (s) =>
          s.returns.request(
            {
              orderId: input.orderId.startsWith("gid://") ? input.orderId : gidOf("Order", input.orderId),
              returnLineItems: input.lines.map((l) => ({
                ...l,
                fulfillmentLineItemId: l.fulfillmentLineItemId.startsWith("gid://")
                  ? l.fulfillmentLineItemId
                  : gidOf("FulfillmentLineItem", l.fulfillmentLineItemId),
              })),
            },
            now(),
          ),
        ),
      approveReturn: (shop, id, opts = {}) => asMerchant(shop, (s) => s.returns.approve(id, opts.notifyCustomer ?? null, now())),
      declineReturn: (shop, id, d) =>
        asMerchant(shop, (s) => s.returns.decline(id, { declineReason: d.reason, declineNote: d.note, notifyCustomer: d.notifyCustomer })),
      cancelReturn: (shop, id) => asMerchant(shop, (s) => s.returns.move(id, "CANCELED", now())),
      closeReturn: (shop, id) => asMerchant(shop, (s) => s.returns.move(id, "CLOSED", now())),
      reopenReturn: (shop, id) => asMerchant(shop, (s) => s.returns.move(id, "OPEN", now())),
      processReturn: (shop, id) => asMerchant(shop, (s) => s.returns.process(id)),
      async updateShop(shop, changes) {
        const s = must(shop);
        s.data = { ...s.data, ...Object.fromEntries(Object.entries(changes).filter(([, v]) => v !== undefined)) };
        s.updatedAt = new Date(now()).toISOString();
        emit(s, "shop/update", shopUpdateBody(s));
        await deliveries;
      },
    },
    sendWebhooksTo(url, secret) {
      if (url !== null && !secret) throw new Error("sendWebhooksTo: a webhook target needs the app's client secret to sign with");
      webhookTarget = url === null ? null : { url, secret: secret! };
    },
    webhooksOf(shop) {
      return must(shop).webhooks.map((w) => ({ ...w }));
    },
    webhooksSettled: () => deliveries,
  };
}

/** A shop/update body: the Shop REST object, as Shopify sends it (the fields an app may read). */
export function shopUpdateBody(s: Pick<ShopState, "shop" | "shopNum" | "data" | "updatedAt">): string {
  return JSON.stringify({
    id: s.shopNum,
    name: s.data.name,
    email: s.data.email,
    domain: s.shop,
    myshopify_domain: s.shop,
    customer_email: s.data.email,
    currency: s.data.currencyCode,
    enabled_presentment_currencies: [s.data.currencyCode],
    money_format: "${{amount}}",
    timezone: `(GMT${utcOffset(s.data.ianaTimezone)}) ${s.data.ianaTimezone}`,
    iana_timezone: s.data.ianaTimezone,
    primary_locale: "en",
    plan_name: "basic",
    created_at: "2024-01-10T09:00:00-05:00",
    updated_at: s.updatedAt,
  });
}

// "+13:00" / "-06:00": the zone's offset now, as the REST `timezone` label shows it.
function utcOffset(zone: string): string {
  const name = new Intl.DateTimeFormat("en-US", { timeZone: zone, timeZoneName: "longOffset" })
    .formatToParts(new Date())
    .find((p) => p.type === "timeZoneName")!.value;
  return name === "GMT" ? "+00:00" : name.slice(3);
}

/** Convenience for tests: POST a GraphQL document to the sandbox as the app's admin client would. */
export async function adminGraphql(
  sandbox: Pick<AdminSandbox, "graphqlUrl">,
  shop: string,
  token: string,
  query: string,
  variables?: Record<string, unknown>,
  apiVersion: string = ADMIN_API_VERSION,
): Promise<{ status: number; body: any }> {
  const res = await fetch(sandbox.graphqlUrl(shop, apiVersion), {
    method: "POST",
    headers: { "Content-Type": "application/json", "X-Shopify-Access-Token": token },
    body: JSON.stringify({ query, ...(variables ? { variables } : {}) }),
  });
  const text = await res.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = text;
  }
  return { status: res.status, body };
}
