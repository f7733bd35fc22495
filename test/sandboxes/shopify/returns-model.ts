/**
 * The returns side of the Admin sandbox: a shop's orders (seeded by tests), what of them can be
 * returned, Shopify's return reason definitions and the return state machine, with the userErrors
 * Shopify answers. Plain data: admin-graphql.ts renders it as GraphQL and delivers the webhooks each
 * change queues (`events`).
 *
 * Where the behaviour comes from (docs/decisions/0013-shopify-returns.md lists it):
 * - recorded from live shops (public conformance captures of the 2026-04 Admin API): the messages,
 *   codes and fields of "Return line item has an invalid quantity.", "Fulfillment Line Item was not
 *   found.", "Return reason can't be blank", "Return not found.", "Return is not approvable. Only
 *   returns with status REQUESTED can be approved.", "Return is not declinable. Only non-refunded
 *   returns with status REQUESTED can be declined.", "The return is already declined.", "Return
 *   status is invalid." (close/reopen), "Return is not cancelable." (processed), idempotent
 *   close/reopen/cancel of a return already in that state, return names "#1001-R1", the first
 *   return reason definitions (ids 1–10 and their handles);
 * - Shopify's documentation: REQUESTED → OPEN (approve) or DECLINED (decline), decline note ≤ 500,
 *   customer note ≤ 300, cancel only before any work was done (processing);
 * - assumed (marked "assumed" below): wordings not captured, cancel of a REQUESTED return, what a
 *   definition maps to in the legacy `return_reason` of webhook bodies.
 */

export type SandboxReturnStatus = "REQUESTED" | "OPEN" | "CLOSED" | "DECLINED" | "CANCELED";

export interface SandboxOrderSeed {
  /** Numeric id as a decimal string (may exceed 2^53). */
  id: string;
  /** Default "#<1000 + n>". */
  name?: string;
  /** Numeric customer id, or null for a guest order. */
  customerId?: string | null;
  email?: string | null;
  createdAt?: string;
  lineItems: Array<{ id: string; variantId?: string | null; productId?: string | null; quantity: number; title: string }>;
  /** `lineItems[].id` is the fulfillment line item's id; generated (beyond 2^53) when absent. */
  fulfillments?: Array<{ id: string; lineItems: Array<{ id?: string; lineItemId: string; quantity: number }> }>;
}

export interface SandboxOrder {
  id: string;
  name: string;
  customerId: string | null;
  email: string | null;
  createdAt: string;
  lineItems: Array<{ id: string; variantId: string | null; productId: string | null; quantity: number; title: string }>;
  fulfillments: Array<{ id: string; lineItems: Array<{ id: string; lineItemId: string; quantity: number }> }>;
}

export interface SandboxReturnLine {
  /** Numeric ReturnLineItem id. */
  id: string;
  fulfillmentLineItemId: string;
  lineItemId: string;
  quantity: number;
  processedQuantity: number;
  /** Legacy ReturnReason enum value (what webhook bodies carry). */
  returnReason: string;
  returnReasonDefinitionId: string | null;
  returnReasonNote: string;
  customerNote: string | null;
}

export interface SandboxReturn {
  /** gid://shopify/Return/N */
  id: string;
  orderId: string;
  name: string;
  status: SandboxReturnStatus;
  lines: SandboxReturnLine[];
  decline: { reason: "RETURN_PERIOD_ENDED" | "FINAL_SALE" | "OTHER"; note: string | null } | null;
  createdAt: string;
  requestApprovedAt: string | null;
  closedAt: string | null;
  /** notifyCustomer as last asked by approve/decline (the sandbox sends nothing). */
  notifyCustomer: boolean | null;
}

export interface ReturnReasonDefinition {
  id: string;
  handle: string;
  name: string;
  deleted: boolean;
}

/**
 * A fixed part of Shopify's library: ids 1–10 as a live shop lists them first (2026-04 capture),
 * a few product-taxonomy reasons after them, and one deleted reason (assumed: the library marks
 * replaced reasons `deleted`; which ones is not recorded).
 */
export const RETURN_REASON_DEFINITIONS: ReturnReasonDefinition[] = [
  { id: "gid://shopify/ReturnReasonDefinition/1", name: "Unknown", handle: "unknown", deleted: false },
  { id: "gid://shopify/ReturnReasonDefinition/2", name: "Changed my mind", handle: "changed-my-mind", deleted: false },
  { id: "gid://shopify/ReturnReasonDefinition/3", name: "Item not as described", handle: "item-not-as-described", deleted: false },
  { id: "gid://shopify/ReturnReasonDefinition/4", name: "Received the wrong item", handle: "received-the-wrong-item", deleted: false },
  { id: "gid://shopify/ReturnReasonDefinition/5", name: "Other", handle: "other-reason", deleted: false },
  { id: "gid://shopify/ReturnReasonDefinition/6", name: "Damaged or defective", handle: "damaged-or-defective", deleted: false },
  { id: "gid://shopify/ReturnReasonDefinition/7", name: "Too small", handle: "too-small", deleted: false },
  { id: "gid://shopify/ReturnReasonDefinition/8", name: "Too big", handle: "too-big", deleted: false },
  { id: "gid://shopify/ReturnReasonDefinition/9", name: "Style", handle: "style", deleted: false },
  { id: "gid://shopify/ReturnReasonDefinition/10", name: "Color", handle: "color", deleted: false },
  { id: "gid://shopify/ReturnReasonDefinition/11", name: "Absorbency", handle: "absorbency", deleted: false },
  { id: "gid://shopify/ReturnReasonDefinition/13", name: "Accuracy", handle: "accuracy", deleted: false },
  { id: "gid://shopify/ReturnReasonDefinition/17", name: "Adjustability", handle: "adjustability", deleted: false },
  { id: "gid://shopify/ReturnReasonDefinition/90", name: "Arrived late", handle: "arrived-late", deleted: true },
];
/** What a line item's product category suggests (assumed: the general reasons). */
export const SUGGESTED_REASON_HANDLES = [
  "changed-my-mind",
  "damaged-or-defective",
  "item-not-as-described",
  "received-the-wrong-item",
  "other-reason",
];

// The legacy ReturnReason a definition shows as (ReturnLineItem.returnReason, webhook
// `return_reason`): assumed by handle; anything else is OTHER.
const LEGACY_REASON: Record<string, string> = {
  unknown: "UNKNOWN",
  "changed-my-mind": "UNWANTED",
  "item-not-as-described": "NOT_AS_DESCRIBED",
  "received-the-wrong-item": "WRONG_ITEM",
  "other-reason": "OTHER",
  "damaged-or-defective": "DEFECTIVE",
  "too-small": "SIZE_TOO_SMALL",
  "too-big": "SIZE_TOO_LARGE",
  style: "STYLE",
  color: "COLOR",
};
const LEGACY_TO_HANDLE = Object.fromEntries(Object.entries(LEGACY_REASON).map(([h, r]) => [r, h]));

export function reasonDefinition(id: string | null): ReturnReasonDefinition | null {
  return RETURN_REASON_DEFINITIONS.find((d) => d.id === id) ?? null;
}

export interface ReturnUserError {
  __typename: "ReturnUserError";
  field: string[] | null;
  message: string;
  code: string;
}
const userError = (field: string[] | null, message: string, code: string): ReturnUserError => ({
  __typename: "ReturnUserError",
  field,
  message,
  code,
});

export type ReturnTopicName =
  "returns/request" | "returns/approve" | "returns/decline" | "returns/cancel" | "returns/close" | "returns/reopen" | "returns/process";

/** A change Shopify would announce with a webhook: the topic and the return as it is after it. */
export interface ReturnEvent {
  topic: ReturnTopicName;
  ret: SandboxReturn;
}

export class ReturnsState {
  orders = new Map<string, SandboxOrder>();
  returns: SandboxReturn[] = [];
  /** Changes not yet announced; the sandbox drains them after each request or merchant action. */
  events: ReturnEvent[] = [];
  constructor(private nextNum: () => number) {}

  addOrder(seed: SandboxOrderSeed): SandboxOrder {
    const num = /^\d{1,20}$/;
    if (!num.test(seed.id) || seed.lineItems.some((l) => !num.test(l.id)))
      throw new Error(`addOrder: ids must be decimal strings (got ${seed.id})`);
    const fresh = () => (9007199254740993n + BigInt(this.nextNum())).toString();
    const order: SandboxOrder = {
      id: seed.id,
      name: seed.name ?? `#${1000 + this.orders.size + 1}`,
      customerId: seed.customerId ?? null,
      email: seed.email ?? null,
      createdAt: seed.createdAt ?? new Date().toISOString().replace(/\.\d{3}Z$/, "Z"),
      lineItems: seed.lineItems.map((l) => ({
        id: l.id,
        variantId: l.variantId ?? null,
        productId: l.productId ?? null,
        quantity: l.quantity,
        title: l.title,
      })),
      fulfillments: (seed.fulfillments ?? []).map((f) => ({
        id: f.id,
        lineItems: f.lineItems.map((fl) => {
          if (!seed.lineItems.some((l) => l.id === fl.lineItemId))
            throw new Error(`addOrder: fulfillment ${f.id} names unknown line item ${fl.lineItemId}`);
          return { id: fl.id ?? fresh(), lineItemId: fl.lineItemId, quantity: fl.quantity };
        }),
      })),
    };
    this.orders.set(order.id, order);
    return structuredClone(order);
  }

  private fulfillmentLine(id: string): { order: SandboxOrder; line: SandboxOrder["fulfillments"][number]["lineItems"][number] } | null {
    for (const order of this.orders.values())
      for (const f of order.fulfillments) {
        const line = f.lineItems.find((l) => l.id === id);
        if (line) return { order, line };
      }
    return null;
  }

  /**
   * Units of a fulfillment line item that returns already hold: those REQUESTED, OPEN or CLOSED
   * (returned). Declined and canceled returns free their units again (Shopify's documentation of
   * returnDeclineRequest). Refunds without a return are not modelled.
   */
  held(fulfillmentLineItemId: string): number {
    let n = 0;
    for (const r of this.returns)
      if (r.status === "REQUESTED" || r.status === "OPEN" || r.status === "CLOSED")
        for (const l of r.lines) if (l.fulfillmentLineItemId === fulfillmentLineItemId) n += l.quantity;
    return n;
  }

  /** The order's returnable fulfillment line items (only those with units left), per fulfillment. */
  returnable(orderId: string): Array<{ fulfillmentId: string; lines: Array<{ id: string; lineItemId: string; quantity: number }> }> {
    const order = this.orders.get(orderId);
    if (!order) return [];
    return order.fulfillments
      .map((f) => ({
        fulfillmentId: f.id,
        lines: f.lineItems
          .map((l) => ({ id: l.id, lineItemId: l.lineItemId, quantity: l.quantity - this.held(l.id) }))
          .filter((l) => l.quantity > 0),
      }))
      .filter((f) => f.lines.length > 0);
  }

  find(returnGid: unknown): SandboxReturn | null {
    const m = typeof returnGid === "string" ? /^gid:\/\/shopify\/Return\/(\d+)$/.exec(returnGid) : null;
    return m ? (this.returns.find((r) => r.id === `gid://shopify/Return/${m[1]}`) ?? null) : null;
  }

  request(
    input: {
      orderId?: unknown;
      returnLineItems?: Array<{
        fulfillmentLineItemId?: unknown;
        quantity?: unknown;
        returnReason?: unknown;
        returnReasonDefinitionId?: unknown;
        customerNote?: unknown;
      }>;
    },
    now: number,
  ): { ret: SandboxReturn | null; userErrors: ReturnUserError[] } {
    const items = input.returnLineItems ?? [];
    // assumed wording: no capture of an empty request.
    if (!items.length)
      return { ret: null, userErrors: [userError(["input", "returnLineItems"], "Return must include at least one line item.", "INVALID")] };
    const errors: ReturnUserError[] = [];
    items.forEach((item, i) => {
      const at = ["input", "returnLineItems", String(i)];
      const hasDefinition = typeof item.returnReasonDefinitionId === "string" && item.returnReasonDefinitionId.trim() !== "";
      if (!hasDefinition && (typeof item.returnReason !== "string" || !item.returnReason))
        errors.push(userError([...at, "returnReason"], "Return reason can't be blank", "BLANK"));
      else if (hasDefinition && !reasonDefinition(canonical(item.returnReasonDefinitionId as string)))
        // assumed wording
        errors.push(userError([...at, "returnReasonDefinitionId"], "Return reason definition does not exist.", "NOT_FOUND"));
      if (typeof item.customerNote === "string" && item.customerNote.length > 300)
        // assumed wording (Shopify documents the 300-character maximum)
        errors.push(userError([...at, "customerNote"], "Customer note is too long (maximum is 300 characters)", "TOO_LONG"));
    });
    if (errors.length) return { ret: null, userErrors: errors };

    const orderNum = /^gid:\/\/shopify\/Order\/(\d+)$/.exec(String(input.orderId ?? ""))?.[1];
    const order = orderNum ? this.orders.get(orderNum) : undefined;
    const asked = new Map<string, number>();
    items.forEach((item, i) => {
      const at = ["input", "returnLineItems", String(i)];
      const fliNum = /^gid:\/\/shopify\/FulfillmentLineItem\/(\d+)$/.exec(String(item.fulfillmentLineItemId ?? ""))?.[1];
      const found = fliNum ? this.fulfillmentLine(fliNum) : null;
      // An unknown order makes every line unknown (as the lines are looked up in the order).
      if (!order || !found || found.order.id !== order.id) {
        errors.push(userError([...at, "fulfillmentLineItemId"], "Fulfillment Line Item was not found.", "NOT_FOUND"));
        return;
      }
      const quantity = Number(item.quantity);
      const total = (asked.get(found.line.id) ?? 0) + quantity;
      asked.set(found.line.id, total);
      if (!(quantity > 0) || total > found.line.quantity - this.held(found.line.id))
        errors.push(userError([...at, "quantity"], "Return line item has an invalid quantity.", "INVALID"));
    });
    if (errors.length || !order) return { ret: null, userErrors: errors };

    const at = iso(now);
    const ret: SandboxReturn = {
      id: `gid://shopify/Return/${this.nextNum()}`,
      orderId: order.id,
      name: `${order.name}-R${this.returns.filter((r) => r.orderId === order.id).length + 1}`,
      status: "REQUESTED",
      lines: items.map((item) => {
        const fli = /(\d+)$/.exec(String(item.fulfillmentLineItemId))![1]!;
        const definition = reasonDefinition(
          typeof item.returnReasonDefinitionId === "string" ? canonical(item.returnReasonDefinitionId) : null,
        );
        return {
          id: String(this.nextNum()),
          fulfillmentLineItemId: fli,
          lineItemId: this.fulfillmentLine(fli)!.line.lineItemId,
          quantity: Number(item.quantity),
          processedQuantity: 0,
          returnReason: definition ? (LEGACY_REASON[definition.handle] ?? "OTHER") : String(item.returnReason),
          returnReasonDefinitionId:
            definition?.id ??
            (typeof item.returnReason === "string"
              ? (reasonByHandle(LEGACY_TO_HANDLE[item.returnReason] ?? "other-reason")?.id ?? null)
              : null),
          returnReasonNote: "",
          customerNote: typeof item.customerNote === "string" ? item.customerNote : null,
        };
      }),
      decline: null,
      createdAt: at,
      requestApprovedAt: null,
      closedAt: null,
      notifyCustomer: null,
    };
    this.returns.push(ret);
    this.events.push({ topic: "returns/request", ret: structuredClone(ret) });
    return { ret, userErrors: [] };
  }

  approve(returnGid: unknown, notifyCustomer: boolean | null, now: number) {
    const ret = this.find(returnGid);
    if (!ret) return { ret: null, userErrors: [userError(["input", "id"], "Return not found.", "NOT_FOUND")] };
    if (ret.status !== "REQUESTED")
      return {
        ret: null,
        userErrors: [
          userError(["input", "id"], "Return is not approvable. Only returns with status REQUESTED can be approved.", "INVALID_STATE"),
        ],
      };
    ret.status = "OPEN";
    ret.requestApprovedAt = iso(now);
    ret.notifyCustomer = notifyCustomer;
    this.events.push({ topic: "returns/approve", ret: structuredClone(ret) });
    return { ret, userErrors: [] };
  }

  decline(returnGid: unknown, input: { declineReason?: unknown; declineNote?: unknown; notifyCustomer?: unknown }) {
    const ret = this.find(returnGid);
    if (!ret) return { ret: null, userErrors: [userError(["input", "id"], "Return not found.", "NOT_FOUND")] };
    if (typeof input.declineNote === "string" && input.declineNote.length > 500)
      // assumed wording (Shopify documents the 500-character maximum; the code is TOO_LONG)
      return {
        ret: null,
        userErrors: [userError(["input", "declineNote"], "Decline note is too long (maximum is 500 characters)", "TOO_LONG")],
      };
    if (ret.status === "DECLINED")
      return { ret: null, userErrors: [userError(["input", "id"], "The return is already declined.", "INVALID_STATE")] };
    if (ret.status !== "REQUESTED")
      return {
        ret: null,
        userErrors: [
          userError(
            ["input", "id"],
            "Return is not declinable. Only non-refunded returns with status REQUESTED can be declined.",
            "INVALID_STATE",
          ),
        ],
      };
    ret.status = "DECLINED";
    ret.decline = {
      reason: String(input.declineReason) as NonNullable<SandboxReturn["decline"]>["reason"],
      note: typeof input.declineNote === "string" ? input.declineNote : null,
    };
    ret.notifyCustomer = typeof input.notifyCustomer === "boolean" ? input.notifyCustomer : null;
    this.events.push({ topic: "returns/decline", ret: structuredClone(ret) });
    return { ret, userErrors: [] };
  }

  /** returnCancel / returnClose / returnReopen: errors on ["id"], a return already there comes back unchanged. */
  move(returnGid: unknown, to: "CANCELED" | "CLOSED" | "OPEN", now: number) {
    const ret = this.find(returnGid);
    if (!ret) return { ret: null, userErrors: [userError(["id"], "Return not found.", "NOT_FOUND")] };
    if (ret.status === to) return { ret, userErrors: [] };
    const invalid = (message: string) => ({ ret: null, userErrors: [userError(["id"], message, "INVALID_STATE")] });
    if (to === "CANCELED") {
      // Captured: an OPEN return with processed units is not cancelable. Assumed: a REQUESTED one
      // is (no work done on it), a DECLINED or CLOSED one is not.
      const worked = ret.lines.some((l) => l.processedQuantity > 0);
      if (!(ret.status === "OPEN" || ret.status === "REQUESTED") || worked) return invalid("Return is not cancelable.");
    } else if (to === "CLOSED") {
      if (ret.status !== "OPEN") return invalid("Return status is invalid.");
    } else if (ret.status !== "CLOSED") return invalid("Return status is invalid.");
    ret.status = to;
    ret.closedAt = to === "CLOSED" ? iso(now) : to === "OPEN" ? null : ret.closedAt;
    this.events.push({
      topic: to === "CANCELED" ? "returns/cancel" : to === "CLOSED" ? "returns/close" : "returns/reopen",
      ret: structuredClone(ret),
    });
    return { ret, userErrors: [] };
  }

  /** The merchant processed every unit (returnProcess): the return stays OPEN. */
  process(returnGid: unknown) {
    const ret = this.find(returnGid);
    if (!ret) return { ret: null, userErrors: [userError(["input", "returnId"], "Return not found.", "NOT_FOUND")] };
    if (ret.status !== "OPEN")
      return { ret: null, userErrors: [userError(["input", "returnId"], "Return status is invalid.", "INVALID_STATE")] }; // assumed
    for (const l of ret.lines) l.processedQuantity = l.quantity;
    this.events.push({ topic: "returns/process", ret: structuredClone(ret) });
    return { ret, userErrors: [] };
  }
}

function reasonByHandle(handle: string) {
  return RETURN_REASON_DEFINITIONS.find((d) => d.handle === handle) ?? null;
}

function canonical(gid: string): string {
  const m = /^gid:\/\/shopify\/ReturnReasonDefinition\/(\d+)/.exec(gid);
  return m ? `gid://shopify/ReturnReasonDefinition/${m[1]}` : gid;
}

function iso(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");
}

const big = (n: string) => BigInt(n);
const numOf = (gid: string) => gid.slice(gid.lastIndexOf("/") + 1);

/**
 * The webhook body Shopify sends for the event, in the shapes of its samples: the whole return
 * (request, approve, and — assumed — process), order_id and status (cancel, close, reopen), status
 * and decline (decline). Ids are bigints so the JSON writer keeps them exact; enums in lower case.
 */
export function returnWebhookBody(event: ReturnEvent): Record<string, unknown> {
  const r = event.ret;
  const head = { admin_graphql_api_id: r.id, id: big(numOf(r.id)) };
  switch (event.topic) {
    case "returns/decline":
      return { ...head, decline: { note: r.decline?.note ?? null, reason: r.decline?.reason.toLowerCase() ?? null }, status: "declined" };
    case "returns/cancel":
    case "returns/close":
    case "returns/reopen":
      return { ...head, order_id: big(r.orderId), status: r.status.toLowerCase() };
    default:
      return {
        ...head,
        exchange_line_items: [],
        name: r.name,
        order: { admin_graphql_api_id: `gid://shopify/Order/${r.orderId}`, id: big(r.orderId) },
        return_line_items: r.lines.map((l) => ({
          id: big(l.id),
          admin_graphql_api_id: `gid://shopify/ReturnLineItem/${l.id}`,
          fulfillment_line_item: {
            id: big(l.fulfillmentLineItemId),
            admin_graphql_api_id: `gid://shopify/FulfillmentLineItem/${l.fulfillmentLineItemId}`,
            line_item: { id: big(l.lineItemId), admin_graphql_api_id: `gid://shopify/LineItem/${l.lineItemId}` },
          },
          quantity: l.quantity,
          return_reason: l.returnReason.toLowerCase(),
          return_reason_note: l.returnReasonNote,
          customer_note: l.customerNote,
        })),
        return_shipping_fees: [],
        status: r.status.toLowerCase(),
        total_exchange_line_items: 0,
        total_return_line_items: r.lines.reduce((s, l) => s + l.quantity, 0),
      };
  }
}
