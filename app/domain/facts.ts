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
