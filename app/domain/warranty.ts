// Warranty registrations: one per purchased unit, coverage from the shop's policy. A pure function
// of the order's facts, so any arrival order of paid/fulfilled/refund/cancel gives the same units.
// A line of more than WARRANTY_UNITS_PER_LINE units is one registration carrying its quantity.
import type { FulfillmentFacts, OrderFacts, RefundFacts } from "./facts";

export interface WarrantyPolicy {
  defaultMonths: number;
  // "delivery": from the carrier's delivered event for the unit's fulfilment; until one is known,
  // from the fulfilment (the shopper is never left uncovered waiting for a carrier that never reports).
  startsAt: "purchase" | "fulfillment" | "delivery";
  overrides: Array<{ match: "tag" | "productType" | "vendor"; value: string; months: number }>;
}
export const DEFAULT_WARRANTY_POLICY: WarrantyPolicy = { defaultMonths: 12, startsAt: "fulfillment", overrides: [] };

export interface ProductFacts {
  productId: string;
  productType: string | null;
  vendor: string | null;
  tags: string[];
}

// Per-unit registrations serve a customer's few units; a wholesale line of millions would be
// millions of rows (and out of memory planning them). Beyond this, the line registers once.
export const WARRANTY_UNITS_PER_LINE = 100;

export interface WarrantyUnitPlan {
  key: string;
  lineItemId: string;
  unitIndex: number;
  quantity: number; // units covered: 1, or a bulk line's quantity not refunded
  productId: string | null;
  variantId: string | null;
  title: string;
  months: number;
  coverageStart: string | null;
  coverageEnd: string | null;
  // Covered from its fulfilment for now under a "delivery" policy: a delivered event will move the start.
  awaitingDelivery: boolean;
  status: "pending_fulfillment" | "active" | "voided" | "expired";
  voidReason: "refunded" | "cancelled" | null;
  // Covered by the shop's default for now: its product's facts could not be had. A later policy
  // check plans the order again with them and corrects the coverage.
  policyCheck: boolean;
}

const same = (a: string | null | undefined, b: string) => (a ?? "").trim().toLowerCase() === b.trim().toLowerCase();

// Most specific wins: tag, then product type, then vendor, then the default. 0 = no warranty.
export function coverageMonths(policy: WarrantyPolicy, product: ProductFacts | null, lineVendor: string | null): number {
  const vendor = product?.vendor ?? lineVendor;
  for (const match of ["tag", "productType", "vendor"] as const) {
    const hit = policy.overrides.find((o) =>
      o.match !== match
        ? false
        : match === "tag"
          ? (product?.tags ?? []).some((t) => same(t, o.value))
          : match === "productType"
            ? same(product?.productType, o.value)
            : same(vendor, o.value),
    );
    if (hit) return hit.months;
  }
  return policy.defaultMonths;
}

// Timestamps beyond year 9999 have no ISO form Postgres reads: coverage ends there at the latest.
const END_OF_TIME = "9999-12-31T23:59:59.999Z";

export function addMonths(iso: string, months: number): string {
  const d = new Date(iso);
  const target = new Date(
    Date.UTC(
      d.getUTCFullYear(),
      d.getUTCMonth() + months,
      1,
      d.getUTCHours(),
      d.getUTCMinutes(),
      d.getUTCSeconds(),
      d.getUTCMilliseconds(),
    ),
  );
  const lastDay = new Date(Date.UTC(target.getUTCFullYear(), target.getUTCMonth() + 1, 0)).getUTCDate();
  target.setUTCDate(Math.min(d.getUTCDate(), lastDay));
  if (Number.isNaN(target.getTime()) || target.getUTCFullYear() > 9999) return END_OF_TIME;
  return target.toISOString();
}

export function planOrderWarranties(input: {
  policy: WarrantyPolicy;
  order: OrderFacts;
  products: ReadonlyMap<string, ProductFacts>;
  /** Products whose facts Shopify could not give (throttled, no accepted token): default coverage. */
  pendingProducts?: ReadonlySet<string>;
  refunds: RefundFacts[];
  cancelled: boolean;
  now: string;
  /** When each fulfilment was delivered, as its carrier reported (fulfilment id → ISO time). */
  deliveries?: ReadonlyMap<string, string>;
}): WarrantyUnitPlan[] {
  const { order, policy } = input;
  const refunded = new Map<string, number>();
  for (const r of input.refunds) for (const l of r.lineItems) refunded.set(l.lineItemId, (refunded.get(l.lineItemId) ?? 0) + l.quantity);
  const fulfillments = [...order.fulfillments].sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id));
  // A shipped unit's start under the policy: its fulfilment's delivery when the policy says so and it is known.
  const shippedStart = (f: FulfillmentFacts | undefined): { start: string | null; awaitingDelivery: boolean } => {
    if (!f) return { start: null, awaitingDelivery: false };
    const delivered = policy.startsAt === "delivery" ? input.deliveries?.get(f.id) : undefined;
    return { start: delivered ?? f.createdAt, awaitingDelivery: policy.startsAt === "delivery" && !delivered };
  };
  const units: WarrantyUnitPlan[] = [];
  for (const line of order.lineItems) {
    if (line.giftCard) continue;
    // A product's tags or type may outrank its vendor: without its facts only the default is sound.
    const policyCheck = !!line.productId && !input.products.has(line.productId) && !!input.pendingProducts?.has(line.productId);
    const months = policyCheck
      ? policy.defaultMonths
      : coverageMonths(policy, line.productId ? (input.products.get(line.productId) ?? null) : null, line.vendor);
    if (months <= 0) continue;
    const plan = (
      unit: number,
      key: string,
      quantity: number,
      { start, awaitingDelivery }: { start: string | null; awaitingDelivery: boolean },
      voidReason: WarrantyUnitPlan["voidReason"],
    ): WarrantyUnitPlan => {
      const end = start ? addMonths(start, months) : null;
      return {
        key,
        lineItemId: line.id,
        unitIndex: unit,
        quantity,
        productId: line.productId,
        variantId: line.variantId,
        title: line.title,
        months,
        coverageStart: start,
        coverageEnd: end,
        awaitingDelivery,
        status: voidReason ? "voided" : !start ? "pending_fulfillment" : end! <= input.now ? "expired" : "active",
        voidReason,
        policyCheck,
      };
    };
    const purchase = { start: order.processedAt ?? order.createdAt, awaitingDelivery: false };
    const notRefunded = line.quantity - (refunded.get(line.id) ?? 0);
    if (line.quantity > WARRANTY_UNITS_PER_LINE) {
      const firstShipped = fulfillments.find((f) => f.lineItems.some((fl) => fl.lineItemId === line.id && fl.quantity > 0));
      const voidReason = input.cancelled ? "cancelled" : notRefunded <= 0 ? "refunded" : null;
      units.push(
        plan(
          0,
          `order:${order.id}:line:${line.id}:bulk`,
          Math.max(0, notRefunded),
          policy.startsAt === "purchase" ? purchase : shippedStart(firstShipped),
          voidReason,
        ),
      );
      continue;
    }
    // The k-th unit of a line starts when cumulative fulfilled quantity first exceeds k (a
    // fulfillment's quantity is only counted up to the line's, however large it claims to be).
    // Under a delivery policy each unit follows its own fulfilment's delivery (packages arrive on different days).
    const shippedBy: FulfillmentFacts[] = [];
    for (const f of fulfillments)
      for (const fl of f.lineItems)
        if (fl.lineItemId === line.id) for (let i = 0; i < fl.quantity && shippedBy.length < line.quantity; i++) shippedBy.push(f);
    for (let unit = 0; unit < line.quantity; unit++) {
      const start = policy.startsAt === "purchase" ? purchase : shippedStart(shippedBy[unit]);
      const voidReason = input.cancelled ? "cancelled" : unit >= notRefunded ? "refunded" : null;
      units.push(plan(unit, `order:${order.id}:line:${line.id}:unit:${unit}`, 1, start, voidReason));
    }
  }
  return units;
}
