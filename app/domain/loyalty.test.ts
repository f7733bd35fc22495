import { describe, expect, it } from "vitest";
import { mulberry32 } from "../../test/random";
import type { OrderFacts, RefundFacts } from "./facts";
import {
  addLifetime,
  clampPoints,
  clampReversal,
  clampToBalance,
  DEFAULT_EARN_RULE,
  eligibleAmount,
  MAX_POINTS_BALANCE,
  planOrderLedger,
  pointsFor,
  type EarnRule,
  type EarnSnapshot,
} from "./loyalty";
import { toMinor } from "./money";

const order: OrderFacts = {
  id: "1",
  gid: "gid://shopify/Order/1",
  name: "#1001",
  email: "a@b.co",
  customer: null,
  currency: "USD",
  createdAt: "2026-11-01T10:00:00Z",
  processedAt: null,
  cancelledAt: null,
  financialStatus: "paid",
  taxesIncluded: false,
  shippingMinor: 700,
  taxMinor: 1300,
  lineItems: [
    {
      id: "10",
      productId: "p",
      variantId: null,
      title: "Grinder",
      vendor: null,
      quantity: 3,
      unitPriceMinor: 3333,
      discountMinor: 999,
      giftCard: false,
    },
    {
      id: "11",
      productId: null,
      variantId: null,
      title: "Gift card",
      vendor: null,
      quantity: 1,
      unitPriceMinor: 5000,
      discountMinor: 0,
      giftCard: true,
    },
  ],
  fulfillments: [],
};
const refund = (id: string, qty: number, subtotal: number, at: string): RefundFacts => ({
  id,
  orderId: "1",
  createdAt: at,
  shippingMinor: 0,
  lineItems: [{ lineItemId: "10", quantity: qty, subtotalMinor: subtotal, taxMinor: 0 }],
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
      order,
      paid: seen.has("paid"),
      fulfilled: false,
      cancelled: seen.has("cancel"),
      refunds: [seen.has("r1") && r1, seen.has("r2") && r2].filter(Boolean) as RefundFacts[],
      rule,
      snapshot,
      existing: ledger,
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
    expect(
      eligibleAmount(order, {
        ...DEFAULT_EARN_RULE,
        includeGiftCards: true,
        includeShipping: true,
        includeTaxes: true,
        earnOnDiscountedPrice: false,
      }),
    ).toBe(9999 + 5000 + 700 + 1300);
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

// Plans after each arrival, as processing does; returns the points reversed after each step.
function arrive(o: OrderFacts, rule: EarnRule, arrivals: RefundFacts[]) {
  const ledger: Array<{ key: string; points: number }> = [];
  let snapshot: EarnSnapshot | null = null;
  const known: RefundFacts[] = [];
  const reversedAfter: number[] = [];
  for (const r of [null, ...arrivals]) {
    if (r) known.push(r);
    const plan = planOrderLedger({
      order: o,
      paid: true,
      fulfilled: true,
      cancelled: false,
      refunds: [...known],
      rule,
      snapshot,
      existing: ledger,
    });
    snapshot = plan.snapshot;
    ledger.push(...plan.append);
    reversedAfter.push(ledger.filter((e) => e.key !== `order:${o.id}:earn`).reduce((s, e) => s - e.points, 0));
  }
  const earned = ledger.find((e) => e.key === `order:${o.id}:earn`)!.points;
  return { earned, reversedAfter };
}

describe("reversals", () => {
  it("a partial refund takes back its share", () => {
    expect(replay(["paid", "r1"]).sum).toBe(60);
  });
  it("reversals use the rule of the earn snapshot, not a later rule", () => {
    const ledger = [{ key: "order:1:earn", points: 90 }];
    const snapshot: EarnSnapshot = { rule: DEFAULT_EARN_RULE, currency: "USD", eligibleMinor: 9000, points: 90 };
    const plan = planOrderLedger({
      order,
      paid: true,
      fulfilled: false,
      cancelled: false,
      refunds: [r1],
      rule: { ...DEFAULT_EARN_RULE, pointsPerUnit: 10 },
      snapshot,
      existing: ledger,
    });
    expect(plan.append).toEqual([expect.objectContaining({ key: "refund:r1:reversal", points: -30 })]);
  });
  it("a tier multiplier is kept in the snapshot: a later tier or rule changes neither the earn nor its reversals", () => {
    const first = planOrderLedger({
      order,
      paid: true,
      fulfilled: false,
      cancelled: false,
      refunds: [],
      rule: DEFAULT_EARN_RULE,
      multiplier: 1.5,
      snapshot: null,
      existing: [],
    });
    expect(first.snapshot).toMatchObject({ points: 135, multiplier: 1.5 });
    expect(first.append).toEqual([
      expect.objectContaining({ key: "order:1:earn", points: 135, params: { orderName: "#1001", multiplier: 1.5 } }),
    ]);
    // Reprocessed after the customer moved to a 3× tier: the snapshot decides.
    const again = planOrderLedger({
      order,
      paid: true,
      fulfilled: false,
      cancelled: false,
      refunds: [r1],
      rule: { ...DEFAULT_EARN_RULE, pointsPerUnit: 10 },
      multiplier: 3,
      snapshot: first.snapshot,
      existing: first.append,
    });
    expect(again.append).toEqual([expect.objectContaining({ key: "refund:r1:reversal", points: -45 })]);
    // Without a multiplier (1), nothing about it is stored.
    expect((replay(["paid"]).ledger[0] as { params?: unknown }).params).toEqual({ orderName: "#1001" });
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
    for (const facts of [
      ["paid", "r1"],
      ["paid", "r1", "r2"],
      ["paid", "r1", "cancel"],
      ["paid", "r1", "r2", "cancel"],
    ] as Fact[][]) {
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
      const { earned, reversedAfter } = arrive(o3, DEFAULT_EARN_RULE, perm);
      expect(earned - reversedAfter.at(-1)!).toBe(0);
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

describe("the points ceiling (ledger columns are int4)", () => {
  const inRange = (x: number) => Number.isSafeInteger(x) && x >= -MAX_POINTS_BALANCE && x <= MAX_POINTS_BALANCE;

  it("a huge order earns the ceiling, not an int4 overflow", () => {
    const huge: OrderFacts = {
      ...order,
      lineItems: [{ ...order.lineItems[0], quantity: 10_000_000, unitPriceMinor: 100_000, discountMinor: 0 }],
    };
    const plan = planOrderLedger({
      order: huge,
      paid: true,
      fulfilled: false,
      cancelled: true,
      refunds: [],
      rule: DEFAULT_EARN_RULE,
      snapshot: null,
      existing: [],
    });
    expect(plan.append.map((e) => e.points)).toEqual([MAX_POINTS_BALANCE, -MAX_POINTS_BALANCE]);
    expect(pointsFor(Number.MAX_SAFE_INTEGER, "JPY", { ...DEFAULT_EARN_RULE, pointsPerUnit: 1e6, rounding: "ceil" })).toBe(
      MAX_POINTS_BALANCE,
    );
    expect(pointsFor(1000, "USD", { ...DEFAULT_EARN_RULE, pointsPerUnit: Number.NaN })).toBe(0);
    expect(pointsFor(1000, "USD", { ...DEFAULT_EARN_RULE, pointsPerUnit: -5 })).toBe(0);
  });
  it("clamps a credit to the ceiling and a reversal to the balance", () => {
    expect(clampToBalance(500, MAX_POINTS_BALANCE - 100)).toBe(100);
    expect(clampToBalance(500, MAX_POINTS_BALANCE)).toBe(0);
    expect(clampToBalance(5e9, 0)).toBe(MAX_POINTS_BALANCE);
    expect(clampToBalance(-500, 100)).toBe(-100);
    expect(clampToBalance(-500, 0)).toBe(0);
    expect(clampToBalance(-Infinity, 7)).toBe(-7);
    expect(clampReversal(-50, 20)).toBe(-20);
    expect(clampPoints(1e300)).toBe(MAX_POINTS_BALANCE);
    expect(clampPoints(-1e300)).toBe(-MAX_POINTS_BALANCE);
    expect(Object.is(clampPoints(-0), 0)).toBe(true);
    expect(addLifetime(MAX_POINTS_BALANCE - 1, 10)).toBe(MAX_POINTS_BALANCE);
    expect(addLifetime(5, -10)).toBe(0);
  });
  it("for random rules and amounts, every result is an integer within ±ceiling and balances stay in 0..ceiling", () => {
    const rand = mulberry32(7);
    const pick = <T>(xs: T[]) => xs[Math.floor(rand() * xs.length)];
    const amount = () => pick([0, 1, 99, Math.floor(rand() * 1e6), Math.floor(rand() * Number.MAX_SAFE_INTEGER), Number.MAX_SAFE_INTEGER]);
    for (let i = 0; i < 2000; i++) {
      const rule: EarnRule = {
        ...DEFAULT_EARN_RULE,
        pointsPerUnit: pick([0, 0.01, 1, 3.7, 100, 1e6, 1e12, rand() * 1000]),
        rounding: pick(["floor", "round", "ceil"] as const),
        includeShipping: rand() < 0.5,
        includeTaxes: rand() < 0.5,
        includeGiftCards: rand() < 0.5,
        earnOnDiscountedPrice: rand() < 0.5,
      };
      const currency = pick(["USD", "JPY", "KWD"]);
      expect(inRange(pointsFor(amount(), currency, rule))).toBe(true);
      const quantity = pick([1, 3, 10_000_000, 2147483647]);
      const unitPriceMinor = Math.floor(Number.MAX_SAFE_INTEGER / quantity / pick([1, 2, 1000]));
      const o: OrderFacts = {
        ...order,
        currency,
        shippingMinor: Math.floor(rand() * 1e6),
        taxMinor: Math.floor(rand() * 1e6),
        lineItems: [{ ...order.lineItems[0], quantity, unitPriceMinor, discountMinor: Math.floor(rand() * unitPriceMinor) }],
      };
      const refunds = Array.from({ length: Math.floor(rand() * 4) }, (_, k) => ({
        ...refund(`r${k}`, 1, amount(), `2026-11-0${k + 2}T00:00:00Z`),
        shippingMinor: Math.floor(rand() * 1e6),
      }));
      const plan = planOrderLedger({
        order: o,
        paid: true,
        fulfilled: true,
        cancelled: rand() < 0.5,
        refunds,
        rule,
        snapshot: null,
        existing: [],
      });
      // Applied as the ledger applies them, from a random starting balance.
      let balance = Math.floor(rand() * MAX_POINTS_BALANCE);
      let lifetime = Math.floor(rand() * MAX_POINTS_BALANCE);
      for (const e of plan.append) {
        expect(inRange(e.points)).toBe(true);
        const points = clampToBalance(clampPoints(e.points), balance);
        expect(inRange(points)).toBe(true);
        balance += points;
        lifetime = addLifetime(lifetime, points);
        expect(Number.isSafeInteger(balance) && balance >= 0 && balance <= MAX_POINTS_BALANCE).toBe(true);
        expect(Number.isSafeInteger(lifetime) && lifetime >= 0 && lifetime <= MAX_POINTS_BALANCE).toBe(true);
      }
      expect(plan.append.reduce((s, e) => s + e.points, 0)).toBeGreaterThanOrEqual(0);
    }
  });
});

// Property tests of reversals under every rule combination that changes what "eligible" means.
// A random order (lines with discounts, a gift card, shipping, taxes with some on shipping) is
// refunded in random parts, as Shopify reports them: per line a quantity and its discounted
// subtotal and tax; shipping as its amount (shipping's own tax is not in the refund's lines).
describe("reversals under every rule combination (property)", () => {
  const rules: EarnRule[] = [];
  for (const earnOnDiscountedPrice of [true, false])
    for (const includeShipping of [true, false])
      for (const includeTaxes of [true, false])
        for (const includeGiftCards of [true, false])
          for (const rounding of ["floor", "round", "ceil"] as const)
            rules.push({
              ...DEFAULT_EARN_RULE,
              earnOnDiscountedPrice,
              includeShipping,
              includeTaxes,
              includeGiftCards,
              rounding,
              pointsPerUnit: 1.7,
            });

  function randomCase(rand: () => number) {
    const int = (n: number) => Math.floor(rand() * n);
    const lines = Array.from({ length: 1 + int(4) }, (_, i) => {
      const quantity = 1 + int(5);
      const unitPriceMinor = 100 + int(20_000);
      return {
        id: `L${i}`,
        productId: null,
        variantId: null,
        title: "x",
        vendor: null,
        quantity,
        unitPriceMinor,
        discountMinor: int(unitPriceMinor * quantity),
        giftCard: i === 0 && rand() < 0.3,
      };
    });
    const lineTax = lines.map((l) => (l.giftCard ? 0 : Math.floor(((l.unitPriceMinor * l.quantity - l.discountMinor) * int(25)) / 100)));
    const shippingMinor = int(3) === 0 ? 0 : 500 + int(2000);
    const shippingTax = Math.floor(shippingMinor * 0.2);
    const o: OrderFacts = {
      ...order,
      lineItems: lines,
      shippingMinor,
      taxesIncluded: rand() < 0.2,
      taxMinor: lineTax.reduce((s, t) => s + t, 0) + shippingTax,
    };
    // Every unit of every line, and the shipping, dealt to 1–4 refunds.
    const parts = 1 + int(4);
    const refunds: RefundFacts[] = Array.from({ length: parts }, (_, k) => ({
      id: `rf${k}`,
      orderId: o.id,
      createdAt: `2026-11-${String(2 + k).padStart(2, "0")}T00:00:00Z`,
      shippingMinor: 0,
      lineItems: [],
    }));
    lines.forEach((l, i) => {
      const perUnit = (l.unitPriceMinor * l.quantity - l.discountMinor) / l.quantity;
      const counts = new Array(parts).fill(0);
      for (let u = 0; u < l.quantity; u++) counts[int(parts)]++;
      let doneQty = 0;
      counts.forEach((q, k) => {
        if (!q) return;
        // Shopify's subtotals and taxes per refund add up to the line's exactly.
        const sub = Math.round(perUnit * (doneQty + q)) - Math.round(perUnit * doneQty);
        const tax = Math.round((lineTax[i] * (doneQty + q)) / l.quantity) - Math.round((lineTax[i] * doneQty) / l.quantity);
        doneQty += q;
        refunds[k].lineItems.push({ lineItemId: l.id, quantity: q, subtotalMinor: sub, taxMinor: tax });
      });
    });
    const shipCut = int(shippingMinor + 1);
    refunds[int(parts)].shippingMinor += shipCut;
    refunds[int(parts)].shippingMinor += shippingMinor - shipCut;
    return { o, refunds };
  }

  function shuffle<T>(xs: T[], rand: () => number): T[] {
    const a = [...xs];
    for (let i = a.length - 1; i > 0; i--) {
      const j = Math.floor(rand() * (i + 1));
      [a[i], a[j]] = [a[j], a[i]];
    }
    return a;
  }

  it("a full refund, in any number of parts and any arrival order, reverses exactly the points earned", () => {
    const rand = mulberry32(20261123);
    for (const rule of rules) {
      for (let i = 0; i < 40; i++) {
        const { o, refunds } = randomCase(rand);
        const { earned, reversedAfter } = arrive(o, rule, shuffle(refunds, rand));
        expect({ rule, earned, reversed: reversedAfter.at(-1) }).toEqual({ rule, earned, reversed: earned });
      }
    }
  });

  it("partial refunds never reverse more than was earned, and what is reversed only grows", () => {
    const rand = mulberry32(99);
    for (const rule of rules) {
      for (let i = 0; i < 40; i++) {
        const { o, refunds } = randomCase(rand);
        const some = shuffle(refunds, rand).slice(0, Math.max(1, refunds.length - 1));
        const { earned, reversedAfter } = arrive(o, rule, some);
        for (let k = 1; k < reversedAfter.length; k++) expect(reversedAfter[k]).toBeGreaterThanOrEqual(reversedAfter[k - 1]);
        expect(reversedAfter.at(-1)!).toBeLessThanOrEqual(earned);
      }
    }
  });
});
