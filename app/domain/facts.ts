// What Shopify told us about an order, normalised. Ids are decimal strings (they exceed 2^53);
// money is integer minor units of the shop currency.
export interface OrderLineFacts {
  id: string;
  productId: string | null;
  variantId: string | null;
  title: string;
  vendor: string | null;
  quantity: number;
  unitPriceMinor: number;
  discountMinor: number;
  giftCard: boolean;
}
export interface FulfillmentFacts {
  id: string;
  createdAt: string;
  lineItems: Array<{ lineItemId: string; quantity: number }>;
}
export interface OrderFacts {
  id: string;
  gid: string;
  name: string;
  email: string | null;
  customer: { id: string; email: string | null; firstName: string | null; lastName: string | null } | null;
  currency: string;
  createdAt: string;
  processedAt: string | null;
  cancelledAt: string | null;
  financialStatus: string | null;
  taxesIncluded: boolean;
  shippingMinor: number;
  taxMinor: number;
  discountCodes?: string[]; // absent on facts stored before codes were read
  lineItems: OrderLineFacts[];
  fulfillments: FulfillmentFacts[];
}
export interface RefundFacts {
  id: string;
  orderId: string;
  createdAt: string;
  lineItems: Array<{ lineItemId: string; quantity: number; subtotalMinor: number; taxMinor: number }>;
  shippingMinor: number;
}

// Who an order is about: its customer's id and the email it was placed with. Intake records these
// on the delivery and processing checks them against redactions, so both read them from here.
export function orderSubject(facts: OrderFacts): { customerId: string | null; email: string | null } {
  return { customerId: facts.customer?.id ?? null, email: facts.email ?? facts.customer?.email ?? null };
}

// What may be kept about an order once its subject is redacted: amounts, lines and dates, the
// customer only as an id (the key that ties ledger entries to them).
export function orderFactsWithoutPersonalData(facts: OrderFacts): OrderFacts {
  return {
    ...facts,
    email: null,
    customer: facts.customer ? { id: facts.customer.id, email: null, firstName: null, lastName: null } : null,
    discountCodes: [], // a code may be named after its owner ("ANA-BIRTHDAY")
  };
}

// What Shopify told us about a return in a returns/* webhook, normalised. Ids are decimal strings.
// The topics' bodies differ (Shopify's samples, API 2025-01 onward): returns/request, /approve and
// (assumed alike) /process carry the whole return with `order` and its lines; /cancel, /close and
// /reopen carry only `order_id` and the status; /decline carries the status and `decline` but no
// order; /update carries no status and no order, only what changed (lines removed). So `orderId` and
// `status` may be null, and a return is matched to an order by its id where the body has none.
export type ReturnStatus = "REQUESTED" | "OPEN" | "CLOSED" | "DECLINED" | "CANCELED";
export type ReturnDeclineReason = "RETURN_PERIOD_ENDED" | "FINAL_SALE" | "OTHER";
export interface ReturnLineFacts {
  id: string | null; // ReturnLineItem
  fulfillmentLineItemId: string | null;
  lineItemId: string | null; // the order's line item
  quantity: number;
  // Shopify's legacy ReturnReason enum in upper case ("UNWANTED", "DEFECTIVE", …): the webhook body
  // carries this, not the return reason definition the return was requested with.
  returnReason: string | null;
  returnReasonNote: string | null;
  customerNote: string | null;
  // Only when a body names the definition (Shopify's samples do not; read it from the Admin API).
  reasonDefinition: { id: string | null; handle: string | null } | null;
}
export interface ReturnFacts {
  id: string;
  gid: string;
  orderId: string | null;
  status: ReturnStatus | null;
  name: string | null; // "#1001-R1"
  lineItems: ReturnLineFacts[];
  // returns/update: return line items taken out of the return, and by how many units.
  lineItemRemovals: Array<{ returnLineItemId: string; delta: number }>;
  declineReason: ReturnDeclineReason | null;
  declineNote: string | null;
  createdAt: string | null;
  updatedAt: string | null;
}

/** What the app keeps of the shop itself (Admin `shop { … }` at install, the `shop/update` webhook after). */
export interface ShopProfile {
  name: string | null; // null: a stored webhook body, scrubbed of it (the stored name stays)
  currency: string;
  ianaTimezone: string; // e.g. America/Mexico_City: the shop's calendar days (decision 0027)
  updatedAt: string; // ISO; the newest profile wins, whatever the arrival order
}
