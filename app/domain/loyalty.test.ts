import { describe, expect, it } from "vitest";
import type { OrderFacts, RefundFacts } from "./facts";
import { DEFAULT_EARN_RULE, eligibleAmount, planOrderLedger, pointsFor, type EarnRule, type EarnSnapshot } from "./loyalty";
import { toMinor } from "./money";

const order: OrderFacts = {
  id: "1", gid: "gid://shopify/Order/1", name: "#1001", email: "a@b.co", customer: null, currency: "USD",
  createdAt: "2026-11-01T10:00:00Z", processedAt: null, cancelledAt: null, financialStatus: "paid", taxesIncluded: false,
  shippingMinor: 700, taxMinor: 1300,
  lineItems: [
    { id: "10", productId: "p", variantId: null, title: "Grinder", vendor: null, quantity: 3, unitPriceMinor: 3333, discountMinor: 999, giftCard: false },
    { id: "11", productId: null, variantId: null, title: "Gift card", vendor: null, quantity: 1, unitPriceMinor: 5000, discountMinor: 0, giftCard: true },
  ],
  fulfillments: [],
};
const refund = (id: string, qty: number, subtotal: number, at: string): RefundFacts => ({
  id, orderId: "1", createdAt: at, shippingMinor: 0, lineItems: [{ lineItemId: "10", quantity: qty, subtotalMinor: subtotal, taxMinor: 0 }],
});
// 9999 − 999 = 9000 eligible → 90 points. Two refunds cover it exactly: 3000 + 6000.
const r1 = refund("r1", 1, 3000, "2026-11-02T00:00:00Z");
const r2 = refund("r2", 2, 6000, "2026-11-03T00:00:00Z");

type Fact = "paid" | "r1" | "r2" | "cancel";
function replay(facts: Fact[], rule: EarnRule = DEFAULT_EARN_RULE) {
  const ledger: Array<{ key: string; points: number }> = [];
  let snapshot: EarnSnapshot | null = null;
  const seen = new Set<Fact>();
  for (const f of facts) {
    seen.add(f);
    const plan = planOrderLedger({
      order, paid: seen.has("paid"), fulfilled: false, cancelled: seen.has("cancel"),
      refunds: [seen.has("r1") && r1, seen.has("r2") && r2].filter(Boolean) as RefundFacts[],
      rule, snapshot, existing: ledger,
    });
    snapshot = plan.snapshot;
    ledger.push(...plan.append);
  }
  return { ledger, sum: ledger.reduce((s, e) => s + e.points, 0) };
}

function permutations<T>(xs: T[]): T[][] {
  return xs.length <= 1 ? [xs] : xs.flatMap((x, i) => permutations([...xs.slice(0, i), ...xs.slice(i + 1)]).map((p) => [x, ...p]));
}

describe("earning", () => {
  it("counts discounted line prices, not gift cards, shipping or taxes by default", () => {
    expect(eligibleAmount(order, DEFAULT_EARN_RULE)).toBe(9000);
    expect(eligibleAmount(order, { ...DEFAULT_EARN_RULE, includeGiftCards: true, includeShipping: true, includeTaxes: true, earnOnDiscountedPrice: false })).toBe(9999 + 5000 + 700 + 1300);
    expect(eligibleAmount({ ...order, taxesIncluded: true }, { ...DEFAULT_EARN_RULE, includeTaxes: true })).toBe(9000);
  });
  it("rounds as the program says", () => {
    expect(pointsFor(1999, "USD", DEFAULT_EARN_RULE)).toBe(19);
    expect(pointsFor(1999, "USD", { ...DEFAULT_EARN_RULE, rounding: "round" })).toBe(20);
    expect(pointsFor(1901, "USD", { ...DEFAULT_EARN_RULE, rounding: "ceil" })).toBe(20);
    expect(pointsFor(1500, "CLP", { ...DEFAULT_EARN_RULE, pointsPerUnit: 0.01 })).toBe(15);
  });
  it("earns once, and a second plan with the entry recorded appends nothing", () => {
    const { ledger } = replay(["paid", "paid"]);
    expect(ledger).toEqual([expect.objectContaining({ key: "order:1:earn", points: 90 })]);
  });
});

describe("reversals", () => {
  it("a partial refund takes back its share", () => {
    expect(replay(["paid", "r1"]).sum).toBe(60);
  });
  it("reversals use the rule of the earn snapshot, not a later rule", () => {
    const ledger = [{ key: "order:1:earn", points: 90 }];
    const snapshot: EarnSnapshot = { rule: DEFAULT_EARN_RULE, currency: "USD", eligibleMinor: 9000, points: 90 };
    const plan = planOrderLedger({ order, paid: true, fulfilled: false, cancelled: false, refunds: [r1], rule: { ...DEFAULT_EARN_RULE, pointsPerUnit: 10 }, snapshot, existing: ledger });
    expect(plan.append).toEqual([expect.objectContaining({ key: "refund:r1:reversal", points: -30 })]);
  });
  it("a refund before the order is paid reverses nothing until the earn exists", () => {
    expect(replay(["r1"]).ledger).toEqual([]);
    expect(replay(["r1", "paid"]).sum).toBe(60);
  });
  it("cancel after a partial refund reverses only what remains", () => {
    const { ledger, sum } = replay(["paid", "r1", "cancel"]);
    expect(sum).toBe(0);
    expect(ledger.find((e) => e.key === "order:1:cancel")?.points).toBe(-60);
  });
  it("converges to the same sum in every arrival order, with duplicates", () => {
    for (const facts of [["paid", "r1"], ["paid", "r1", "r2"], ["paid", "r1", "cancel"], ["paid", "r1", "r2", "cancel"]] as Fact[][]) {
      const sums = new Set(permutations(facts).flatMap((p) => [replay(p).sum, replay([...p, ...p]).sum]));
      expect([...sums]).toHaveLength(1);
    }
    for (const p of permutations<Fact>(["paid", "r1", "r2"])) expect(replay(p).sum).toBe(0);
  });
  it("rounding leftovers are taken back when refunds cover the whole order", () => {
    // 100 points over 3 equal thirds: floor gives 33 + 33 + 33; the last one takes 34.
    const o3: OrderFacts = { ...order, lineItems: [{ ...order.lineItems[0], quantity: 3, unitPriceMinor: 3333, discountMinor: 0 }] };
    const parts = ["a", "b", "c"].map((id, i) => ({ ...refund(id, 1, 3333, `2026-11-0${i + 2}T00:00:00Z`), orderId: "1" }));
    for (const perm of permutations(parts)) {
      const ledger: Array<{ key: string; points: number }> = [];
      let snapshot: EarnSnapshot | null = null;
      const known: RefundFacts[] = [];
      for (const r of [null, ...perm]) {
        if (r) known.push(r);
        const plan = planOrderLedger({ order: o3, paid: true, fulfilled: false, cancelled: false, refunds: [...known], rule: DEFAULT_EARN_RULE, snapshot, existing: ledger });
        snapshot = plan.snapshot;
        ledger.push(...plan.append);
      }
      expect(ledger.reduce((s, e) => s + e.points, 0)).toBe(0);
    }
  });
});

describe("money", () => {
  it("parses Shopify decimal strings exactly", () => {
    expect(toMinor("19.99", "USD")).toBe(1999);
    expect(toMinor("1500", "CLP")).toBe(1500);
    expect(toMinor("1.005", "KWD")).toBe(1005);
    expect(toMinor("-5.00", "USD")).toBe(-500);
    expect(toMinor("0.1", "USD") + toMinor("0.2", "USD")).toBe(30);
    expect(() => toMinor("12,00", "USD")).toThrow();
  });
});
