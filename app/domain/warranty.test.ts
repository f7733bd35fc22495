import { describe, expect, it } from "vitest";
import { nextMaintenance } from "./care";
import type { OrderFacts, RefundFacts } from "./facts";
import {
  addMonths,
  coverageMonths,
  DEFAULT_WARRANTY_POLICY,
  planOrderWarranties,
  WARRANTY_UNITS_PER_LINE,
  type WarrantyPolicy,
} from "./warranty";

const policy: WarrantyPolicy = {
  defaultMonths: 12,
  startsAt: "fulfillment",
  overrides: [
    { match: "vendor", value: "Baratza", months: 18 },
    { match: "productType", value: "Espresso Machine", months: 24 },
    { match: "tag", value: "no-warranty", months: 0 },
  ],
};
const order: OrderFacts = {
  id: "1",
  gid: "g",
  name: "#1",
  email: null,
  customer: null,
  currency: "USD",
  createdAt: "2026-01-31T10:00:00Z",
  processedAt: null,
  cancelledAt: null,
  financialStatus: "paid",
  taxesIncluded: false,
  shippingMinor: 0,
  taxMinor: 0,
  lineItems: [
    {
      id: "L",
      productId: "P",
      variantId: null,
      title: "Machine",
      vendor: "Baratza",
      quantity: 3,
      unitPriceMinor: 1,
      discountMinor: 0,
      giftCard: false,
    },
  ],
  fulfillments: [
    { id: "f2", createdAt: "2026-02-10T00:00:00Z", lineItems: [{ lineItemId: "L", quantity: 2 }] },
    { id: "f1", createdAt: "2026-02-01T00:00:00Z", lineItems: [{ lineItemId: "L", quantity: 1 }] },
  ],
};
const products = new Map([["P", { productId: "P", productType: "Espresso Machine", vendor: "Baratza", tags: [] as string[] }]]);
const plan = (over: Partial<Parameters<typeof planOrderWarranties>[0]> = {}) =>
  planOrderWarranties({ policy, order, products, refunds: [], cancelled: false, now: "2026-06-01T00:00:00Z", ...over });

describe("warranty coverage", () => {
  it("takes the most specific override: tag, then product type, then vendor", () => {
    expect(coverageMonths(policy, { productId: "P", productType: "Espresso Machine", vendor: "Baratza", tags: [] }, null)).toBe(24);
    expect(coverageMonths(policy, { productId: "P", productType: "Grinder", vendor: "baratza", tags: [] }, null)).toBe(18);
    expect(coverageMonths(policy, { productId: "P", productType: "Espresso Machine", vendor: null, tags: ["No-Warranty"] }, null)).toBe(0);
    expect(coverageMonths(DEFAULT_WARRANTY_POLICY, null, null)).toBe(12);
  });
  it("adds calendar months, clamped to the month's end", () => {
    expect(addMonths("2026-01-31T10:00:00.000Z", 1)).toBe("2026-02-28T10:00:00.000Z");
    expect(addMonths("2028-01-31T00:00:00.000Z", 1)).toBe("2028-02-29T00:00:00.000Z");
    expect(addMonths("2026-03-15T00:00:00.000Z", 24)).toBe("2028-03-15T00:00:00.000Z");
    // Beyond year 9999 there is no timestamp Postgres reads: coverage ends at the last instant of 9999.
    expect(addMonths("9999-06-01T00:00:00Z", 12)).toBe("9999-12-31T23:59:59.999Z");
    expect(addMonths("2026-03-15T00:00:00Z", 1e9)).toBe("9999-12-31T23:59:59.999Z");
  });
});

describe("warranty registrations", () => {
  it("registers one unit per quantity, each starting at the fulfilment that shipped it", () => {
    const units = plan();
    expect(units.map((u) => [u.unitIndex, u.coverageStart, u.months, u.status])).toEqual([
      [0, "2026-02-01T00:00:00Z", 24, "active"],
      [1, "2026-02-10T00:00:00Z", 24, "active"],
      [2, "2026-02-10T00:00:00Z", 24, "active"],
    ]);
  });
  it("waits for fulfilment, or starts at purchase when the policy says so", () => {
    expect(plan({ order: { ...order, fulfillments: [] } }).every((u) => u.status === "pending_fulfillment" && !u.coverageStart)).toBe(true);
    expect(plan({ policy: { ...policy, startsAt: "purchase" }, order: { ...order, fulfillments: [] } })[0].coverageStart).toBe(
      "2026-01-31T10:00:00Z",
    );
  });
  it("voids refunded units (highest first) and every unit of a cancelled order", () => {
    const refund: RefundFacts = {
      id: "r",
      orderId: "1",
      createdAt: "2026-03-01T00:00:00Z",
      shippingMinor: 0,
      lineItems: [{ lineItemId: "L", quantity: 2, subtotalMinor: 2, taxMinor: 0 }],
    };
    expect(plan({ refunds: [refund] }).map((u) => u.status)).toEqual(["active", "voided", "voided"]);
    expect(plan({ cancelled: true }).every((u) => u.voidReason === "cancelled")).toBe(true);
  });
  it("covers a product whose facts could not be had by the default, marked for a policy check", () => {
    // Line vendor Baratza would say 18 months, but a tag or product type may outrank it.
    const pending = plan({ products: new Map(), pendingProducts: new Set(["P"]) });
    expect(pending.map((u) => [u.months, u.policyCheck])).toEqual([
      [12, true],
      [12, true],
      [12, true],
    ]);
    // Once its facts are known the same units are planned with their real coverage, unmarked.
    expect(plan({ pendingProducts: new Set(["P"]) }).map((u) => [u.key, u.months, u.policyCheck])).toEqual(
      pending.map((u) => [u.key, 24, false]),
    );
    // A product Shopify does not know (deleted) is no reason to check again: line vendor, then default.
    expect(plan({ products: new Map() }).map((u) => [u.months, u.policyCheck])).toEqual([
      [18, false],
      [18, false],
      [18, false],
    ]);
  });
  it("expires after the coverage end", () => {
    expect(plan({ now: "2028-03-01T00:00:00Z" }).every((u) => u.status === "expired")).toBe(true);
  });
  it("does not depend on the order fulfilments were reported in", () => {
    expect(plan({ order: { ...order, fulfillments: [...order.fulfillments].reverse() } })).toEqual(plan());
  });
  it("plans per-unit registrations with quantity 1", () => {
    expect(plan().every((u) => u.quantity === 1 && u.key === `order:1:line:L:unit:${u.unitIndex}`)).toBe(true);
  });
  it("counts a fulfillment's units only up to the line's quantity", () => {
    const claims = {
      ...order,
      fulfillments: [{ id: "f", createdAt: "2026-02-01T00:00:00Z", lineItems: [{ lineItemId: "L", quantity: 2147483647 }] }],
    };
    expect(plan({ order: claims }).map((u) => u.coverageStart)).toEqual(Array(3).fill("2026-02-01T00:00:00Z"));
  });
});

describe("coverage from delivery", () => {
  const byDelivery = { ...policy, startsAt: "delivery" as const };
  it("starts each unit at its own fulfilment's delivery; until one is known, at its shipping", () => {
    // f1 (unit 0) delivered on 4 Feb; f2 (units 1 and 2) not yet reported.
    const first = plan({ policy: byDelivery, deliveries: new Map([["f1", "2026-02-04T09:00:00.000Z"]]) });
    expect(first.map((u) => [u.unitIndex, u.coverageStart, u.coverageEnd, u.awaitingDelivery])).toEqual([
      [0, "2026-02-04T09:00:00.000Z", "2028-02-04T09:00:00.000Z", false],
      [1, "2026-02-10T00:00:00Z", "2028-02-10T00:00:00.000Z", true],
      [2, "2026-02-10T00:00:00Z", "2028-02-10T00:00:00.000Z", true],
    ]);
    // f2's package arrives later: the same units (same keys) move; nothing else changes.
    const later = plan({
      policy: byDelivery,
      deliveries: new Map([
        ["f2", "2026-02-14T00:00:00.000Z"],
        ["f1", "2026-02-04T09:00:00.000Z"],
      ]),
    });
    expect(later.map((u) => [u.key, u.coverageStart, u.awaitingDelivery])).toEqual([
      [first[0].key, "2026-02-04T09:00:00.000Z", false],
      [first[1].key, "2026-02-14T00:00:00.000Z", false],
      [first[2].key, "2026-02-14T00:00:00.000Z", false],
    ]);
  });
  it("reads deliveries only under a delivery policy, and waits for shipping like the fulfilment policy", () => {
    const deliveries = new Map([["f1", "2026-02-04T09:00:00.000Z"]]);
    expect(plan({ deliveries })).toEqual(plan());
    expect(plan({ deliveries }).every((u) => !u.awaitingDelivery)).toBe(true);
    const unshipped = plan({ policy: byDelivery, order: { ...order, fulfillments: [] }, deliveries });
    expect(unshipped.every((u) => u.status === "pending_fulfillment" && !u.coverageStart && !u.awaitingDelivery)).toBe(true);
  });
  it("starts a bulk line at its first fulfilment's delivery", () => {
    const bulk = { ...order, lineItems: [{ ...order.lineItems[0], quantity: 500 }] };
    expect(plan({ policy: byDelivery, order: bulk })[0]).toMatchObject({ coverageStart: "2026-02-01T00:00:00Z", awaitingDelivery: true });
    expect(plan({ policy: byDelivery, order: bulk, deliveries: new Map([["f1", "2026-02-03T00:00:00.000Z"]]) })[0]).toMatchObject({
      coverageStart: "2026-02-03T00:00:00.000Z",
      awaitingDelivery: false,
    });
  });
  it("care reminders count from the delivered start", () => {
    const [unit] = plan({ policy: byDelivery, deliveries: new Map([["f1", "2026-02-04T09:00:00.000Z"]]) });
    const rule = { match: "tag" as const, value: "x", guide: "", firstAfterMonths: 3, everyMonths: 0 };
    expect(nextMaintenance(rule, unit.coverageStart, new Date("2026-03-01T00:00:00Z"))).toBe("2026-05-04");
  });
});

describe("warranty registrations beyond the per-line cap", () => {
  const bulkOrder = (quantity: number): OrderFacts => ({ ...order, lineItems: [{ ...order.lineItems[0], quantity }] });
  const refund = (quantity: number): RefundFacts => ({
    id: "r",
    orderId: "1",
    createdAt: "2026-03-01T00:00:00Z",
    shippingMinor: 0,
    lineItems: [{ lineItemId: "L", quantity, subtotalMinor: 0, taxMinor: 0 }],
  });

  it("keeps one registration per unit up to the cap", () => {
    const units = plan({ order: bulkOrder(WARRANTY_UNITS_PER_LINE), refunds: [refund(1)] });
    expect(units).toHaveLength(WARRANTY_UNITS_PER_LINE);
    expect(units.filter((u) => u.status === "voided").map((u) => u.unitIndex)).toEqual([WARRANTY_UNITS_PER_LINE - 1]);
  });
  it("plans a line beyond it as one registration carrying its quantity, from its first fulfillment", () => {
    const units = plan({ order: bulkOrder(10_000_000) });
    expect(units).toEqual([
      expect.objectContaining({
        key: "order:1:line:L:bulk",
        lineItemId: "L",
        unitIndex: 0,
        quantity: 10_000_000,
        months: 24,
        coverageStart: "2026-02-01T00:00:00Z",
        coverageEnd: "2028-02-01T00:00:00.000Z",
        status: "active",
        voidReason: null,
      }),
    ]);
  });
  it("waits for a fulfillment that includes the line, or starts at purchase per policy", () => {
    const unshipped = {
      ...bulkOrder(101),
      fulfillments: [
        {
          id: "f",
          createdAt: "2026-01-31T11:00:00Z",
          lineItems: [
            { lineItemId: "other", quantity: 5 },
            { lineItemId: "L", quantity: 0 },
          ],
        },
      ],
    };
    expect(plan({ order: unshipped })[0]).toMatchObject({ status: "pending_fulfillment", coverageStart: null, quantity: 101 });
    expect(plan({ order: unshipped, policy: { ...policy, startsAt: "purchase" } })[0]).toMatchObject({
      status: "active",
      coverageStart: "2026-01-31T10:00:00Z",
    });
  });
  it("carries the quantity not refunded, voided once all is refunded or the order is cancelled", () => {
    expect(plan({ order: bulkOrder(500), refunds: [refund(120), refund(80)] })[0]).toMatchObject({
      quantity: 300,
      status: "active",
      voidReason: null,
    });
    expect(plan({ order: bulkOrder(500), refunds: [refund(400), refund(100)] })[0]).toMatchObject({
      quantity: 0,
      status: "voided",
      voidReason: "refunded",
    });
    expect(plan({ order: bulkOrder(500), refunds: [refund(600)] })[0]).toMatchObject({
      quantity: 0,
      status: "voided",
      voidReason: "refunded",
    });
    expect(plan({ order: bulkOrder(500), refunds: [refund(100)], cancelled: true })[0]).toMatchObject({
      quantity: 400,
      status: "voided",
      voidReason: "cancelled",
    });
  });
  it("plans the largest quantity a line can have without expanding it", () => {
    expect(plan({ order: bulkOrder(2147483647) })).toHaveLength(1);
  });
});
