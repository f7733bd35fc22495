// Returns and warranty replacements in the merchant's Shopify. Writes answer as reward grants do
// (decision 0011): issued (Shopify did it and said so), refused (Shopify said no, or the request was
// refused here before sending: nothing changed; the message in Shopify's words where it is theirs)
// or uncertain (no answer: it may have happened, or may still). Each request is aborted at its
// timeout; throttled requests are retried; 401 throws AdminUnauthorized so withOfflineAdmin refreshes.
// An uncertain return request is settled by reading the order's returns back (settleReturnRequest),
// an uncertain draft order by its tag (settleReplacementDraftOrder): never sent again blindly.
// Scopes: read_returns + write_returns (returns), write_draft_orders (replacements; its read scope
// is implied), read_orders (the order's line items). Why it is built this way:
// docs/decisions/0013-shopify-returns.md.
import type { AdminGraphql } from "./admin.server";
import { send, refusedBy, type Sent, type UserError } from "./admin-send.server";
import { DECLINE_NOTE_MAX, DECLINE_REASONS, type DeclineReason } from "./return-decline";

export { DECLINE_NOTE_MAX, DECLINE_REASONS, type DeclineReason };

export type ReturnStatus = "REQUESTED" | "OPEN" | "CLOSED" | "DECLINED" | "CANCELED";

export type ReturnOutcome =
  // `already`: Shopify refused the move because the return was in that state already (a retry of an
  // uncertain call, or the merchant did it first). `read`: the return as Shopify holds it, when a
  // refusal of approve or decline had it read back (to tell `already`).
  | { issued: { returnId: string; status: ReturnStatus; name: string; already?: true }; read?: ShopifyReturn }
  | { refused: string; read?: ShopifyReturn }
  | { uncertain: string };
export type DraftOrderOutcome = { issued: { draftOrderId: string; name: string } } | { refused: string } | { uncertain: string };

/** Units of an order the customer can return now, per fulfillment line item. */
export interface ReturnableUnit {
  fulfillmentLineItemId: string; // gid, what returnRequest takes
  lineItemId: string; // the order's line item, numeric
  quantity: number; // returnable now (fulfilled, minus what returns hold)
}
export interface ReturnReason {
  id: string; // gid://shopify/ReturnReasonDefinition/N, what returnRequest takes
  handle: string; // stable across versions and languages
  name: string; // in the request's language, English by default
}
export interface ReturnLineRequest {
  fulfillmentLineItemId: string; // gid or numeric id
  quantity: number;
  returnReasonDefinitionId: string;
  customerNote?: string | null;
}
export interface ReturnRequest {
  orderGid: string;
  lines: ReturnLineRequest[];
  /**
   * Our id for this request (4–40 letters, digits or dashes). It is written into each line's
   * customer note as "(Postventa ref <requestRef>)", which is how an uncertain request is recognised
   * among the order's returns, and how its returns/request webhook is tied back to it.
   */
  requestRef?: string;
}
/** A return as Shopify holds it now. */
export interface ShopifyReturn {
  returnId: string;
  orderGid: string;
  name: string;
  status: ReturnStatus;
  createdAt: string;
  requestApprovedAt: string | null;
  closedAt: string | null;
  decline: { reason: DeclineReason; note: string | null } | null;
  lines: Array<{
    returnLineItemId: string;
    fulfillmentLineItemId: string;
    lineItemId: string;
    quantity: number;
    customerNote: string | null;
    reason: { id: string; handle: string } | null;
  }>;
  requestRef: string | null;
}
export interface ReplacementDraftOrder {
  customerGid: string;
  variantGid: string;
  quantity: number;
  /** Shown to the merchant on the draft order (e.g. the claim's number and problem). */
  note: string;
  /** The claim's stable tag (1–40 letters, digits, dashes or underscores): how an uncertain one is found. */
  tag: string;
}
export interface FoundDraftOrder {
  draftOrderId: string;
  name: string;
  status: string;
  createdAt: string;
  orderGid: string | null;
}

export const DEFAULT_RETURNS_TIMEOUT_MS = 10_000;
/** Shopify's maximum for a return line's customer note. */
export const CUSTOMER_NOTE_MAX = 300;
/**
 * How long after an uncertain return request Shopify may still be creating it (assumed: Shopify
 * documents no limit). settleReturnRequest does not send again before this has passed.
 */
export const RETURN_LANDING_MS = 5 * 60_000;
/**
 * How long after an uncertain draft order it may still be created AND become findable by its tag:
 * draftOrders(query:) reads Shopify's search index, which lags writes (assumed bound; Shopify
 * documents none). settleReplacementDraftOrder does not create again before this has passed.
 */
export const DRAFT_ORDER_SETTLE_MS = 10 * 60_000;

const REF_RE = /^[A-Za-z0-9-]{4,40}$/;
const TAG_RE = /^[A-Za-z0-9_-]{1,40}$/;
const marker = (ref: string) => `(Postventa ref ${ref})`;
/** The longest customer note a request with this reference can carry (the reference takes the rest). */
export const customerNoteMax = (requestRef?: string) =>
  requestRef ? CUSTOMER_NOTE_MAX - marker(requestRef).length - 1 : CUSTOMER_NOTE_MAX;

/** The request reference a customer note carries (in a return read back, or a returns/request webhook body). */
export function requestRefOf(customerNote: string | null | undefined): string | null {
  return /\(Postventa ref ([A-Za-z0-9-]{4,40})\)$/.exec(customerNote ?? "")?.[1] ?? null;
}

// Page sizes keep each query near 300 points of Shopify's cost (a bucket holds 2,000, refilled at
// 100 a second), so reading an order does not throttle the shop's other work.
export const RETURNABLE_UNITS_QUERY = /* GraphQL */ `
  query ReturnableUnits($orderId: ID!, $after: String) {
    returnableFulfillments(orderId: $orderId, first: 2, after: $after) {
      nodes {
        id
        returnableFulfillmentLineItems(first: 50) {
          nodes {
            quantity
            fulfillmentLineItem {
              id
              lineItem {
                id
              }
            }
          }
          pageInfo {
            hasNextPage
            endCursor
          }
        }
      }
      pageInfo {
        hasNextPage
        endCursor
      }
    }
  }
`;

// The rest of one fulfillment's lines, when it has more than a page.
export const RETURNABLE_FULFILLMENT_LINES_QUERY = /* GraphQL */ `
  query ReturnableFulfillmentLines($id: ID!, $after: String) {
    returnableFulfillment(id: $id) {
      returnableFulfillmentLineItems(first: 100, after: $after) {
        nodes {
          quantity
          fulfillmentLineItem {
            id
            lineItem {
              id
            }
          }
        }
        pageInfo {
          hasNextPage
          endCursor
        }
      }
    }
  }
`;

// Shopify's library of reasons (not per shop; taxonomy-specific ones included), minus deleted ones.
export const RETURN_REASONS_QUERY = /* GraphQL */ `
  query ReturnReasons($after: String, $handles: [String!]) {
    returnReasonDefinitions(first: 250, after: $after, handles: $handles, query: "deleted:false") {
      nodes {
        id
        handle
        name
      }
      pageInfo {
        hasNextPage
        endCursor
      }
    }
  }
`;

// What Shopify suggests for each line item, from its product's category.
export const SUGGESTED_RETURN_REASONS_QUERY = /* GraphQL */ `
  query SuggestedReturnReasons($orderId: ID!, $after: String) {
    order(id: $orderId) {
      lineItems(first: 25, after: $after) {
        nodes {
          id
          suggestedReturnReasonDefinitions(first: 10) {
            nodes {
              id
              handle
              name
              deleted
            }
          }
        }
        pageInfo {
          hasNextPage
          endCursor
        }
      }
    }
  }
`;

export const RETURN_REQUEST = /* GraphQL */ `
  mutation ReturnRequest($input: ReturnRequestInput!) {
    returnRequest(input: $input) {
      return {
        id
        name
        status
      }
      userErrors {
        field
        message
        code
      }
    }
  }
`;

export const RETURN_APPROVE = /* GraphQL */ `
  mutation ReturnApprove($input: ReturnApproveRequestInput!) {
    returnApproveRequest(input: $input) {
      return {
        id
        name
        status
      }
      userErrors {
        field
        message
        code
      }
    }
  }
`;

export const RETURN_DECLINE = /* GraphQL */ `
  mutation ReturnDecline($input: ReturnDeclineRequestInput!) {
    returnDeclineRequest(input: $input) {
      return {
        id
        name
        status
      }
      userErrors {
        field
        message
        code
      }
    }
  }
`;

export const RETURN_CANCEL = /* GraphQL */ `
  mutation ReturnCancel($id: ID!) {
    returnCancel(id: $id) {
      return {
        id
        name
        status
      }
      userErrors {
        field
        message
        code
      }
    }
  }
`;

export const RETURN_CLOSE = /* GraphQL */ `
  mutation ReturnClose($id: ID!) {
    returnClose(id: $id) {
      return {
        id
        name
        status
      }
      userErrors {
        field
        message
        code
      }
    }
  }
`;

export const RETURN_REOPEN = /* GraphQL */ `
  mutation ReturnReopen($id: ID!) {
    returnReopen(id: $id) {
      return {
        id
        name
        status
      }
      userErrors {
        field
        message
        code
      }
    }
  }
`;

// Read from the order itself, not a search index: a return that was created is listed.
export const ORDER_RETURNS_QUERY = /* GraphQL */ `
  query OrderReturns($orderId: ID!, $after: String) {
    order(id: $orderId) {
      id
      returns(first: 3, after: $after) {
        nodes {
          id
          name
          status
          createdAt
          requestApprovedAt
          closedAt
          decline {
            reason
            note
          }
          returnLineItems(first: 20) {
            nodes {
              ... on ReturnLineItem {
                id
                quantity
                customerNote
                returnReasonDefinition {
                  id
                  handle
                }
                fulfillmentLineItem {
                  id
                  lineItem {
                    id
                  }
                }
              }
            }
            pageInfo {
              hasNextPage
            }
          }
        }
        pageInfo {
          hasNextPage
          endCursor
        }
      }
    }
  }
`;

export const RETURN_QUERY = /* GraphQL */ `
  query ReturnById($id: ID!, $after: String) {
    return(id: $id) {
      id
      name
      status
      createdAt
      requestApprovedAt
      closedAt
      order {
        id
      }
      decline {
        reason
        note
      }
      returnLineItems(first: 50, after: $after) {
        nodes {
          ... on ReturnLineItem {
            id
            quantity
            customerNote
            returnReasonDefinition {
              id
              handle
            }
            fulfillmentLineItem {
              id
              lineItem {
                id
              }
            }
          }
        }
        pageInfo {
          hasNextPage
          endCursor
        }
      }
    }
  }
`;

// purchasingEntity, not the deprecated customerId.
export const REPLACEMENT_DRAFT_ORDER_CREATE = /* GraphQL */ `
  mutation ReplacementDraftOrderCreate($input: DraftOrderInput!) {
    draftOrderCreate(input: $input) {
      draftOrder {
        id
        name
      }
      userErrors {
        field
        message
      }
    }
  }
`;

// Shopify's search (eventually consistent): a draft order created a moment ago may not be found yet.
export const DRAFT_ORDERS_BY_TAG_QUERY = /* GraphQL */ `
  query DraftOrdersByTag($query: String!) {
    draftOrders(first: 10, query: $query, sortKey: ID) {
      nodes {
        id
        name
        status
        createdAt
        tags
        order {
          id
        }
      }
    }
  }
`;

/** Shopify could not be asked (no answer, throttled, or it refused the read). */
export class ReturnsLookupFailed extends Error {}

const timeout = (opts: { timeoutMs?: number }) => opts.timeoutMs ?? DEFAULT_RETURNS_TIMEOUT_MS;
const numeric = (gid: string) => gid.slice(gid.lastIndexOf("/") + 1);
const gid = (type: string, id: string) => (id.startsWith("gid://") ? id : `gid://shopify/${type}/${id}`);

function read<T>(sent: Sent<T>): T {
  if (!("data" in sent)) throw new ReturnsLookupFailed("refused" in sent ? sent.refused : sent.uncertain);
  return sent.data;
}

type Page<N> = { nodes: N[]; pageInfo: { hasNextPage: boolean; endCursor?: string | null } };
type RawUnit = { quantity: number; fulfillmentLineItem: { id: string; lineItem: { id: string } } };

/**
 * The order's returnable units (fulfilled, minus what requested, open or closed returns hold), one
 * per fulfillment line item. Throws ReturnsLookupFailed when Shopify could not say.
 */
export async function returnableUnits(
  graphql: AdminGraphql,
  orderGid: string,
  opts: { timeoutMs?: number } = {},
): Promise<ReturnableUnit[]> {
  const units: ReturnableUnit[] = [];
  const add = (n: RawUnit) =>
    n.quantity > 0 &&
    units.push({
      fulfillmentLineItemId: n.fulfillmentLineItem.id,
      lineItemId: numeric(n.fulfillmentLineItem.lineItem.id),
      quantity: n.quantity,
    });
  let after: string | null = null;
  do {
    const data: { returnableFulfillments: Page<{ id: string; returnableFulfillmentLineItems: Page<RawUnit> }> } = read(
      await send(graphql, RETURNABLE_UNITS_QUERY, { orderId: orderGid, after }, timeout(opts)),
    );
    for (const f of data.returnableFulfillments.nodes) {
      f.returnableFulfillmentLineItems.nodes.forEach(add);
      let lines = f.returnableFulfillmentLineItems.pageInfo;
      while (lines.hasNextPage) {
        const more: { returnableFulfillment: { returnableFulfillmentLineItems: Page<RawUnit> } | null } = read(
          await send(graphql, RETURNABLE_FULFILLMENT_LINES_QUERY, { id: f.id, after: lines.endCursor }, timeout(opts)),
        );
        if (!more.returnableFulfillment) break;
        more.returnableFulfillment.returnableFulfillmentLineItems.nodes.forEach(add);
        lines = more.returnableFulfillment.returnableFulfillmentLineItems.pageInfo;
      }
    }
    after = data.returnableFulfillments.pageInfo.hasNextPage ? (data.returnableFulfillments.pageInfo.endCursor ?? null) : null;
  } while (after);
  return units;
}

/**
 * Shopify's return reason definitions (2026-07): one library for every shop — the general reasons
 * and product-taxonomy ones — without the deleted ones; `handles` narrows it. Names come in the
 * request's language, English by default (the Admin API has no locale argument for them): show the
 * shopper names from their own language, keyed by handle. Throws ReturnsLookupFailed.
 */
export async function returnReasons(graphql: AdminGraphql, opts: { handles?: string[]; timeoutMs?: number } = {}): Promise<ReturnReason[]> {
  const reasons: ReturnReason[] = [];
  let after: string | null = null;
  do {
    const data: { returnReasonDefinitions: Page<ReturnReason> } = read(
      await send(graphql, RETURN_REASONS_QUERY, { after, handles: opts.handles ?? null }, timeout(opts)),
    );
    reasons.push(...data.returnReasonDefinitions.nodes.map(({ id, handle, name }) => ({ id, handle, name })));
    after = data.returnReasonDefinitions.pageInfo.hasNextPage ? (data.returnReasonDefinitions.pageInfo.endCursor ?? null) : null;
  } while (after);
  return reasons;
}

/** What Shopify suggests per line item of the order (numeric line item id → reasons), from each product's category. */
export async function suggestedReturnReasons(
  graphql: AdminGraphql,
  orderGid: string,
  opts: { timeoutMs?: number } = {},
): Promise<Record<string, ReturnReason[]>> {
  const out: Record<string, ReturnReason[]> = {};
  let after: string | null = null;
  do {
    const data: {
      order: {
        lineItems: Page<{ id: string; suggestedReturnReasonDefinitions: { nodes: Array<ReturnReason & { deleted: boolean }> } | null }>;
      } | null;
    } = read(await send(graphql, SUGGESTED_RETURN_REASONS_QUERY, { orderId: orderGid, after }, timeout(opts)));
    if (!data.order) throw new ReturnsLookupFailed(`Shopify has no order ${orderGid}`);
    for (const l of data.order.lineItems.nodes)
      out[numeric(l.id)] = (l.suggestedReturnReasonDefinitions?.nodes ?? [])
        .filter((r) => !r.deleted)
        .map(({ id, handle, name }) => ({ id, handle, name }));
    after = data.order.lineItems.pageInfo.hasNextPage ? (data.order.lineItems.pageInfo.endCursor ?? null) : null;
  } while (after);
  return out;
}

type ReturnPayload = { return: { id: string; name: string; status: ReturnStatus } | null; userErrors: UserError[] } | null;

function outcome(sent: Sent<Record<string, ReturnPayload>>): ReturnOutcome {
  if (!("data" in sent)) return sent;
  const payload = Object.values(sent.data)[0];
  if (payload?.userErrors.length) return refusedBy(payload.userErrors);
  if (!payload?.return) return { uncertain: "Shopify answered without the return or a reason" };
  return { issued: { returnId: payload.return.id, status: payload.return.status, name: payload.return.name } };
}

/**
 * Asks Shopify for a return (REQUESTED: the merchant, or this app, approves or declines it). Checked
 * here first, refused without sending: no lines, a quantity that is not a positive whole number, a
 * note too long for Shopify, a malformed request reference. Shopify's own refusals (more units than
 * returnable, an unknown fulfillment line item or reason) come back in its words. After `uncertain`,
 * call settleReturnRequest, never requestReturn again.
 */
export async function requestReturn(
  graphql: AdminGraphql,
  request: ReturnRequest,
  opts: { timeoutMs?: number } = {},
): Promise<ReturnOutcome> {
  const problem = requestProblem(request);
  if (problem) return { refused: problem };
  const returnLineItems = request.lines.map((l) => {
    const note = [l.customerNote?.trim() || null, request.requestRef ? marker(request.requestRef) : null].filter(Boolean).join(" ");
    return {
      fulfillmentLineItemId: gid("FulfillmentLineItem", l.fulfillmentLineItemId),
      quantity: l.quantity,
      returnReasonDefinitionId: l.returnReasonDefinitionId,
      ...(note ? { customerNote: note } : {}),
    };
  });
  return outcome(await send(graphql, RETURN_REQUEST, { input: { orderId: request.orderGid, returnLineItems } }, timeout(opts)));
}

function requestProblem(request: ReturnRequest): string | null {
  if (!request.lines.length) return "A return needs at least one line";
  if (request.requestRef !== undefined && !REF_RE.test(request.requestRef))
    return "The request reference must be 4 to 40 letters, digits or dashes";
  for (const l of request.lines) {
    if (!Number.isInteger(l.quantity) || l.quantity < 1)
      return `A return line's quantity must be a whole number of at least 1 (got ${l.quantity})`;
    if (!/^gid:\/\/shopify\/ReturnReasonDefinition\/\d+$/.test(l.returnReasonDefinitionId))
      return "A return line needs a return reason definition id";
    if ((l.customerNote?.trim().length ?? 0) > customerNoteMax(request.requestRef))
      return `A customer note can be at most ${customerNoteMax(request.requestRef)} characters here (Shopify's limit is ${CUSTOMER_NOTE_MAX})`;
  }
  return null;
}

// An INVALID_STATE refusal of a move to `target` when the return is there already: the move is done.
async function alreadyThere(
  graphql: AdminGraphql,
  result: ReturnOutcome,
  sent: Sent<Record<string, ReturnPayload>>,
  returnId: string,
  target: ReturnStatus,
  timeoutMs: number,
): Promise<ReturnOutcome> {
  if (!("refused" in result) || !("data" in sent)) return result;
  const errors = Object.values(sent.data)[0]?.userErrors ?? [];
  if (!errors.some((e) => e.code === "INVALID_STATE")) return result;
  const now = await fetchReturn(graphql, returnId, { timeoutMs }).catch(() => null);
  if (!now) return result;
  return now.status === target
    ? { issued: { returnId: now.returnId, status: now.status, name: now.name, already: true }, read: now }
    : { ...result, read: now };
}

/** REQUESTED → OPEN. A return already OPEN (approved by the merchant, or an uncertain earlier call) counts as issued, `already`. */
export async function approveReturn(
  graphql: AdminGraphql,
  returnId: string,
  opts: { notifyCustomer?: boolean; timeoutMs?: number } = {},
): Promise<ReturnOutcome> {
  const sent = await send<Record<string, ReturnPayload>>(
    graphql,
    RETURN_APPROVE,
    { input: { id: returnId, ...(opts.notifyCustomer !== undefined ? { notifyCustomer: opts.notifyCustomer } : {}) } },
    timeout(opts),
  );
  return alreadyThere(graphql, outcome(sent), sent, returnId, "OPEN", timeout(opts));
}

/**
 * REQUESTED → DECLINED, with Shopify's reason (not shown to the customer) and the note the customer
 * is sent when notifyCustomer is true (≤ 500 characters, refused here otherwise). A return already
 * DECLINED counts as issued, `already` (its reason and note are whatever the first decline set).
 */
export async function declineReturn(
  graphql: AdminGraphql,
  returnId: string,
  decline: { declineReason: DeclineReason; note: string | null; notifyCustomer: boolean },
  opts: { timeoutMs?: number } = {},
): Promise<ReturnOutcome> {
  if (!DECLINE_REASONS.includes(decline.declineReason)) return { refused: `Unknown decline reason ${decline.declineReason}` };
  if ((decline.note?.length ?? 0) > DECLINE_NOTE_MAX) return { refused: `A decline note can be at most ${DECLINE_NOTE_MAX} characters` };
  const sent = await send<Record<string, ReturnPayload>>(
    graphql,
    RETURN_DECLINE,
    {
      input: {
        id: returnId,
        declineReason: decline.declineReason,
        ...(decline.note ? { declineNote: decline.note } : {}),
        notifyCustomer: decline.notifyCustomer,
      },
    },
    timeout(opts),
  );
  return alreadyThere(graphql, outcome(sent), sent, returnId, "DECLINED", timeout(opts));
}

/** OPEN (nothing processed yet) → CANCELED; the units become returnable again. */
export async function cancelReturn(graphql: AdminGraphql, returnId: string, opts: { timeoutMs?: number } = {}): Promise<ReturnOutcome> {
  return outcome(await send(graphql, RETURN_CANCEL, { id: returnId }, timeout(opts)));
}
/** OPEN → CLOSED (Shopify answers a CLOSED return unchanged). */
export async function closeReturn(graphql: AdminGraphql, returnId: string, opts: { timeoutMs?: number } = {}): Promise<ReturnOutcome> {
  return outcome(await send(graphql, RETURN_CLOSE, { id: returnId }, timeout(opts)));
}
/** CLOSED → OPEN (Shopify answers an OPEN return unchanged). */
export async function reopenReturn(graphql: AdminGraphql, returnId: string, opts: { timeoutMs?: number } = {}): Promise<ReturnOutcome> {
  return outcome(await send(graphql, RETURN_REOPEN, { id: returnId }, timeout(opts)));
}

type RawReturn = {
  id: string;
  name: string;
  status: ReturnStatus;
  createdAt: string;
  requestApprovedAt: string | null;
  closedAt: string | null;
  order?: { id: string };
  decline: { reason: DeclineReason; note: string | null } | null;
  returnLineItems: Page<{
    id: string;
    quantity: number;
    customerNote: string | null;
    returnReasonDefinition: { id: string; handle: string } | null;
    fulfillmentLineItem: { id: string; lineItem: { id: string } };
  }>;
};

function toReturn(r: RawReturn, orderGid: string, lines = r.returnLineItems.nodes): ShopifyReturn {
  const mapped = lines.map((l) => ({
    returnLineItemId: l.id,
    fulfillmentLineItemId: l.fulfillmentLineItem.id,
    lineItemId: numeric(l.fulfillmentLineItem.lineItem.id),
    quantity: l.quantity,
    customerNote: l.customerNote,
    reason: l.returnReasonDefinition,
  }));
  return {
    returnId: r.id,
    orderGid,
    name: r.name,
    status: r.status,
    createdAt: r.createdAt,
    requestApprovedAt: r.requestApprovedAt,
    closedAt: r.closedAt,
    decline: r.decline,
    lines: mapped,
    requestRef: mapped.map((l) => requestRefOf(l.customerNote)).find((x) => x !== null) ?? null,
  };
}

/** One return with all its lines, or null when Shopify has none by that id. Throws ReturnsLookupFailed. */
export async function fetchReturn(
  graphql: AdminGraphql,
  returnId: string,
  opts: { timeoutMs?: number } = {},
): Promise<ShopifyReturn | null> {
  let first: RawReturn | null = null;
  const lines: RawReturn["returnLineItems"]["nodes"] = [];
  let after: string | null = null;
  do {
    const data: { return: RawReturn | null } = read(await send(graphql, RETURN_QUERY, { id: returnId, after }, timeout(opts)));
    if (!data.return) return null;
    first ??= data.return;
    lines.push(...data.return.returnLineItems.nodes);
    after = data.return.returnLineItems.pageInfo.hasNextPage ? (data.return.returnLineItems.pageInfo.endCursor ?? null) : null;
  } while (after);
  return toReturn(first, first.order!.id, lines);
}

/**
 * The order's returns, oldest first, each with its status and lines, read from the order (not a
 * search index). Throws ReturnsLookupFailed when Shopify could not say, or has no such order.
 */
export async function orderReturns(graphql: AdminGraphql, orderGid: string, opts: { timeoutMs?: number } = {}): Promise<ShopifyReturn[]> {
  const out: ShopifyReturn[] = [];
  let after: string | null = null;
  do {
    const data: { order: { id: string; returns: Page<RawReturn> } | null } = read(
      await send(graphql, ORDER_RETURNS_QUERY, { orderId: orderGid, after }, timeout(opts)),
    );
    if (!data.order) throw new ReturnsLookupFailed(`Shopify has no order ${orderGid}`);
    for (const r of data.order.returns.nodes)
      out.push(
        r.returnLineItems.pageInfo.hasNextPage
          ? ((await fetchReturn(graphql, r.id, opts)) ?? toReturn(r, orderGid))
          : toReturn(r, orderGid),
      );
    after = data.order.returns.pageInfo.hasNextPage ? (data.order.returns.pageInfo.endCursor ?? null) : null;
  } while (after);
  return out;
}

const CLOCK_SKEW_MS = 5 * 60_000;

/**
 * The return a request made, among the order's returns: with a requestRef, the one whose notes carry
 * it and whose lines are the request's; without one, a return with exactly the request's lines
 * created when the attempt could have landed (`attemptedAt`; an identical request by the customer
 * in Shopify at the same moment would be taken for it).
 */
export function findRequestedReturn(returns: ShopifyReturn[], request: ReturnRequest, attemptedAt?: string | Date): ShopifyReturn | null {
  const key = (lines: Array<{ fulfillmentLineItemId: string; quantity: number }>) =>
    lines
      .map((l) => `${numeric(l.fulfillmentLineItemId)}×${l.quantity}`)
      .sort()
      .join(",");
  const wanted = key(request.lines);
  const from = attemptedAt === undefined ? -Infinity : new Date(attemptedAt).getTime() - CLOCK_SKEW_MS;
  return (
    returns.find((r) =>
      request.requestRef
        ? r.requestRef === request.requestRef && key(r.lines) === wanted
        : key(r.lines) === wanted && Date.parse(r.createdAt) >= from,
    ) ?? null
  );
}

/**
 * Settles a return request whose outcome was uncertain, so the return exists exactly once: the
 * order's returns are read back; the one it made (findRequestedReturn) means it landed (issued, with
 * its status now). None means it did not, and only then is it requested, once, and that outcome
 * returned (uncertain again: settle again later). Never requested again before `landingMs`
 * (RETURN_LANDING_MS unless the caller knows better) after `attemptedAt`. Resending blindly is not safe: a partial request that landed would leave
 * units to return twice, and one that took every unit would be refused as "invalid quantity".
 */
export async function settleReturnRequest(
  graphql: AdminGraphql,
  request: ReturnRequest,
  opts: { attemptedAt: string | Date; timeoutMs?: number; landingMs?: number },
): Promise<ReturnOutcome> {
  let returns: ShopifyReturn[];
  try {
    returns = await orderReturns(graphql, request.orderGid, opts);
  } catch (e) {
    if (e instanceof ReturnsLookupFailed) return { uncertain: `The order's returns could not be read: ${e.message}` };
    throw e;
  }
  const found = findRequestedReturn(returns, request, opts.attemptedAt);
  if (found) return { issued: { returnId: found.returnId, status: found.status, name: found.name } };
  if (Date.now() < new Date(opts.attemptedAt).getTime() + (opts.landingMs ?? RETURN_LANDING_MS))
    return { uncertain: "Not found yet, and Shopify may still be creating the return: settle it later" };
  return requestReturn(graphql, request, opts);
}

/**
 * A draft order for a warranty replacement at no charge: the variant with a 100% line discount
 * (Shopify's DraftOrderAppliedDiscountInput, PERCENTAGE, at most 100), no shipping line, the claim's
 * note and stable tag. The merchant sends or completes it. After `uncertain`, call
 * settleReplacementDraftOrder (draftOrderCreate has no idempotency key).
 */
export async function createReplacementDraftOrder(
  graphql: AdminGraphql,
  replacement: ReplacementDraftOrder,
  opts: { timeoutMs?: number } = {},
): Promise<DraftOrderOutcome> {
  if (!TAG_RE.test(replacement.tag)) return { refused: "The tag must be 1 to 40 letters, digits, dashes or underscores" };
  if (!Number.isInteger(replacement.quantity) || replacement.quantity < 1)
    return { refused: "The quantity must be a whole number of at least 1" };
  const input = {
    purchasingEntity: { customerId: replacement.customerGid },
    lineItems: [
      {
        variantId: replacement.variantGid,
        quantity: replacement.quantity,
        appliedDiscount: {
          valueType: "PERCENTAGE",
          value: 100,
          title: "Warranty replacement",
          description: "Replacement under warranty, at no charge",
        },
      },
    ],
    note: replacement.note,
    tags: [replacement.tag],
  };
  const sent = await send<{ draftOrderCreate: { draftOrder: { id: string; name: string } | null; userErrors: UserError[] } | null }>(
    graphql,
    REPLACEMENT_DRAFT_ORDER_CREATE,
    { input },
    timeout(opts),
  );
  if (!("data" in sent)) return sent;
  const payload = sent.data.draftOrderCreate;
  if (payload?.userErrors.length) return refusedBy(payload.userErrors);
  if (!payload?.draftOrder) return { uncertain: "Shopify answered without the draft order or a reason" };
  return { issued: { draftOrderId: payload.draftOrder.id, name: payload.draftOrder.name } };
}

/**
 * Draft orders carrying the tag, oldest first. This is Shopify's search (draftOrders(query:)), the
 * only way to find a draft order by something of ours: it is eventually consistent, so an empty
 * answer right after a create proves nothing (see settleReplacementDraftOrder). Throws ReturnsLookupFailed.
 */
export async function findDraftOrderByTag(
  graphql: AdminGraphql,
  tag: string,
  opts: { timeoutMs?: number } = {},
): Promise<FoundDraftOrder[]> {
  if (!TAG_RE.test(tag)) throw new ReturnsLookupFailed("The tag must be 1 to 40 letters, digits, dashes or underscores");
  const data: {
    draftOrders: {
      nodes: Array<{ id: string; name: string; status: string; createdAt: string; tags: string[]; order: { id: string } | null }>;
    };
  } = read(await send(graphql, DRAFT_ORDERS_BY_TAG_QUERY, { query: `tag:${tag}` }, timeout(opts)));
  return data.draftOrders.nodes
    .filter((d) => d.tags.some((t) => t.toLowerCase() === tag.toLowerCase())) // the search also matches words
    .map((d) => ({ draftOrderId: d.id, name: d.name, status: d.status, createdAt: d.createdAt, orderGid: d.order?.id ?? null }));
}

/**
 * Settles a replacement draft order whose creation was uncertain: found by its tag, it landed
 * (issued, the oldest one if the search shows several); not found, it is created only once
 * DRAFT_ORDER_SETTLE_MS has passed since `attemptedAt` — until then Shopify may still be creating
 * it, or its search may not show it yet — and that outcome returned.
 */
export async function settleReplacementDraftOrder(
  graphql: AdminGraphql,
  replacement: ReplacementDraftOrder,
  opts: { attemptedAt: string | Date; timeoutMs?: number },
): Promise<DraftOrderOutcome> {
  let found: FoundDraftOrder[];
  try {
    found = await findDraftOrderByTag(graphql, replacement.tag, opts);
  } catch (e) {
    if (e instanceof ReturnsLookupFailed) return { uncertain: `Draft orders could not be searched: ${e.message}` };
    throw e;
  }
  if (found.length) return { issued: { draftOrderId: found[0]!.draftOrderId, name: found[0]!.name } };
  if (Date.now() < new Date(opts.attemptedAt).getTime() + DRAFT_ORDER_SETTLE_MS)
    return { uncertain: "Not found yet: Shopify may still be creating it, or its search may not show it yet; settle it later" };
  return createReplacementDraftOrder(graphql, replacement, opts);
}
