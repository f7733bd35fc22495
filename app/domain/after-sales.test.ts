import { describe, expect, it } from "vitest";
import { claimable, claimMeasures, parseClaimDescription, transition, type ClaimAction, type ClaimStatus } from "./claims";
import {
  checkReturnRequest,
  compareReturnStates,
  DEFAULT_RETURN_RULES,
  isNewerReturnState,
  orderReturnUnits,
  reasonFromShopify,
  returnDeadline,
  returnRulesOf,
  shopifyReasonHandle,
  storeCreditFor,
  unitEligibility,
  type ReturnableUnit,
  type ReturnState,
  type UnitEligibility,
} from "./returns";

const day = (n: number) => new Date(Date.UTC(2026, 10, 1) + n * 86_400_000);

describe("warranty claim workflow", () => {
  const run = (actions: ClaimAction[]) => {
    let state = { status: "submitted" as ClaimStatus, reopenCount: 0 };
    const seen: string[] = [];
    for (const a of actions) {
      const r = transition(state, a);
      if (!r.ok) return { seen, error: r.error };
      state = r;
      seen.push(r.status);
    }
    return { seen, error: null };
  };

  it("goes from submission through review to approval and resolution", () => {
    expect(run([{ type: "review" }, { type: "approve", resolution: "replacement" }, { type: "resolve" }])).toEqual({
      seen: ["in_review", "approved", "resolved"],
      error: null,
    });
  });

  it("may be rejected with a reason, and reopened once", () => {
    expect(
      run([
        { type: "reject", reason: "Damage from a fall is not covered" },
        { type: "reopen" },
        { type: "reject", reason: "Still not covered" },
      ]),
    ).toEqual({
      seen: ["rejected", "in_review", "rejected"],
      error: null,
    });
    expect(run([{ type: "reject", reason: "x" }, { type: "reopen" }, { type: "reject", reason: "y" }, { type: "reopen" }]).error).toBe(
      "reopened_already",
    );
  });

  it("refuses what the workflow does not allow", () => {
    expect(run([{ type: "resolve" }]).error).toBe("not_allowed");
    expect(run([{ type: "reopen" }]).error).toBe("not_allowed");
    expect(run([{ type: "reject", reason: "  " }]).error).toBe("reason_required");
    expect(run([{ type: "approve", resolution: "hug" as never }]).error).toBe("unknown_resolution");
    expect(run([{ type: "approve", resolution: "repair" }, { type: "review" }]).error).toBe("not_allowed");
  });

  it("lets only an active unit without an open claim be claimed, and says why not", () => {
    const now = day(10);
    expect(claimable({ status: "active", coverageEnd: day(100) }, false, now)).toEqual({ ok: true });
    expect(claimable({ status: "active", coverageEnd: day(5) }, false, now)).toEqual({ ok: false, reason: "expired" });
    expect(claimable({ status: "voided", coverageEnd: day(100) }, false, now)).toEqual({ ok: false, reason: "voided" });
    expect(claimable({ status: "pending_fulfillment", coverageEnd: null }, false, now)).toEqual({ ok: false, reason: "not_started" });
    expect(claimable({ status: "active", coverageEnd: day(100) }, true, now)).toEqual({ ok: false, reason: "open_claim" });
  });

  it("wants a description a person can act on", () => {
    expect(parseClaimDescription("  The grinder stopped turning after two weeks.  ")).toEqual({
      ok: true,
      description: "The grinder stopped turning after two weeks.",
    });
    expect(parseClaimDescription("broken")).toEqual({ ok: false, error: "description_too_short" });
    expect(parseClaimDescription("x".repeat(2001))).toEqual({ ok: false, error: "description_too_long" });
    expect(parseClaimDescription(42)).toEqual({ ok: false, error: "description_missing" });
  });

  it("measures first response, resolution and first-contact resolution", () => {
    const events = [
      { type: "submitted", actor: "shopper" as const, at: day(0) },
      { type: "review_started", actor: "merchant" as const, at: day(1) },
      { type: "approved", actor: "merchant" as const, at: day(2) },
      { type: "resolved", actor: "merchant" as const, at: day(5) },
    ];
    expect(claimMeasures(events)).toEqual({ firstResponseMs: 86_400_000, resolutionMs: 5 * 86_400_000, firstContactResolution: true });
    expect(
      claimMeasures([...events, { type: "reopened", actor: "shopper", at: day(6) }, { type: "rejected", actor: "merchant", at: day(7) }]),
    ).toEqual({
      firstResponseMs: 86_400_000,
      resolutionMs: 7 * 86_400_000,
      firstContactResolution: false,
    });
    expect(claimMeasures(events.slice(0, 1))).toEqual({ firstResponseMs: null, resolutionMs: null, firstContactResolution: null });
  });
});

describe("return eligibility", () => {
  const unit = (over: Partial<ReturnableUnit> = {}): ReturnableUnit => ({
    lineItemId: "1",
    quantity: 2,
    returnedQuantity: 0,
    fulfilledAt: day(0),
    deliveredAt: day(3),
    productTags: [],
    productType: "Grinder",
    ...over,
  });

  it("counts the window from delivery, falling back to fulfilment", () => {
    expect(returnDeadline(unit(), DEFAULT_RETURN_RULES)).toEqual(day(33));
    expect(returnDeadline(unit({ deliveredAt: null }), DEFAULT_RETURN_RULES)).toEqual(day(30));
    expect(returnDeadline(unit(), { ...DEFAULT_RETURN_RULES, windowFrom: "fulfillment" })).toEqual(day(30));
  });

  it("says why a unit cannot go back", () => {
    expect(unitEligibility(unit(), DEFAULT_RETURN_RULES, day(10))).toEqual({ eligible: true, quantity: 2, deadline: day(33) });
    expect(unitEligibility(unit(), DEFAULT_RETURN_RULES, day(34))).toMatchObject({ eligible: false, reason: "window_passed" });
    expect(unitEligibility(unit({ productTags: ["Final-Sale"] }), DEFAULT_RETURN_RULES, day(1))).toMatchObject({
      eligible: false,
      reason: "final_sale",
    });
    expect(unitEligibility(unit({ returnedQuantity: 2 }), DEFAULT_RETURN_RULES, day(1))).toMatchObject({
      eligible: false,
      reason: "already_returned",
    });
    expect(unitEligibility(unit({ returnedQuantity: 1 }), DEFAULT_RETURN_RULES, day(1))).toMatchObject({ eligible: true, quantity: 1 });
    expect(unitEligibility(unit({ fulfilledAt: null, deliveredAt: null }), DEFAULT_RETURN_RULES, day(1))).toMatchObject({
      eligible: false,
      reason: "not_fulfilled",
    });
    expect(
      unitEligibility(unit({ productType: "Gift card" }), { ...DEFAULT_RETURN_RULES, finalSaleProductTypes: ["gift card"] }, day(1)),
    ).toMatchObject({
      reason: "final_sale",
    });
  });

  it("guards a request with the same rules, and approves at once what the merchant lets through", () => {
    const units = new Map<string, UnitEligibility>([
      ["1", { eligible: true, quantity: 2, deadline: day(33) }],
      ["2", { eligible: false, reason: "final_sale", deadline: day(33) }],
    ]);
    expect(checkReturnRequest([{ lineItemId: "1", quantity: 2, reason: "size_too_small" }], units, DEFAULT_RETURN_RULES)).toEqual({
      ok: true,
      autoApprove: true,
    });
    expect(checkReturnRequest([{ lineItemId: "1", quantity: 1, reason: "defective" }], units, DEFAULT_RETURN_RULES)).toEqual({
      ok: true,
      autoApprove: false,
    });
    expect(
      checkReturnRequest([{ lineItemId: "1", quantity: 1, reason: "unwanted" }], units, { ...DEFAULT_RETURN_RULES, autoApprove: null }),
    ).toEqual({
      ok: true,
      autoApprove: false,
    });
    expect(checkReturnRequest([{ lineItemId: "2", quantity: 1, reason: "unwanted" }], units, DEFAULT_RETURN_RULES)).toEqual({
      ok: false,
      lineItemId: "2",
      error: "final_sale",
      deadline: day(33),
    });
    expect(checkReturnRequest([{ lineItemId: "1", quantity: 3, reason: "unwanted" }], units, DEFAULT_RETURN_RULES)).toMatchObject({
      ok: false,
    });
    expect(checkReturnRequest([{ lineItemId: "9", quantity: 1, reason: "unwanted" }], units, DEFAULT_RETURN_RULES)).toMatchObject({
      ok: false,
    });
    expect(checkReturnRequest([{ lineItemId: "1", quantity: 1, reason: "because" }], units, DEFAULT_RETURN_RULES)).toMatchObject({
      ok: false,
    });
    expect(checkReturnRequest([], units, DEFAULT_RETURN_RULES)).toMatchObject({ ok: false });
    expect(
      checkReturnRequest(
        [
          { lineItemId: "1", quantity: 1, reason: "unwanted" },
          { lineItemId: "1", quantity: 1, reason: "unwanted" },
        ],
        units,
        DEFAULT_RETURN_RULES,
      ),
    ).toMatchObject({ ok: false, error: "duplicate_line" });
  });

  it("says what is wrong with a request as a code the shopper's sentence is written from", () => {
    const units = new Map<string, UnitEligibility>([
      ["1", { eligible: true, quantity: 2, deadline: day(33) }],
      ["2", { eligible: false, reason: "window_passed", deadline: day(3) }],
    ]);
    const check = (lines: Array<{ lineItemId: string; quantity: number; reason: string }>) =>
      checkReturnRequest(lines, units, DEFAULT_RETURN_RULES);
    expect(check([])).toEqual({ ok: false, lineItemId: null, error: "no_lines" });
    expect(check([{ lineItemId: "1", quantity: 3, reason: "unwanted" }])).toEqual({
      ok: false,
      lineItemId: "1",
      error: "quantity",
      max: 2,
    });
    expect(check([{ lineItemId: "1", quantity: 1.5, reason: "unwanted" }])).toMatchObject({ error: "quantity" });
    expect(check([{ lineItemId: "1", quantity: 0, reason: "unwanted" }])).toMatchObject({ error: "quantity" });
    expect(check([{ lineItemId: "9", quantity: 1, reason: "unwanted" }])).toMatchObject({ error: "unknown_line" });
    expect(check([{ lineItemId: "1", quantity: 1, reason: "because" }])).toMatchObject({ error: "reason" });
    expect(check([{ lineItemId: "2", quantity: 1, reason: "unwanted" }])).toEqual({
      ok: false,
      lineItemId: "2",
      error: "window_passed",
      deadline: day(3),
    });
    // One line the merchant looks at holds the whole request for them.
    expect(
      check([
        { lineItemId: "1", quantity: 1, reason: "unwanted" },
        { lineItemId: "1", quantity: 1, reason: "defective" },
      ]),
    ).toMatchObject({ ok: false, error: "duplicate_line" });
  });

  it("reads an order's units: what shipped and when, the product's tags, what our returns hold", () => {
    const order = {
      lineItems: [
        {
          id: "10",
          productId: "p1",
          variantId: null,
          title: "Grinder",
          vendor: null,
          quantity: 3,
          unitPriceMinor: 1,
          discountMinor: 0,
          giftCard: false,
        },
        {
          id: "11",
          productId: "p2",
          variantId: null,
          title: "Beans",
          vendor: null,
          quantity: 1,
          unitPriceMinor: 1,
          discountMinor: 0,
          giftCard: false,
        },
        {
          id: "12",
          productId: null,
          variantId: null,
          title: "Gift card",
          vendor: null,
          quantity: 1,
          unitPriceMinor: 1,
          discountMinor: 0,
          giftCard: true,
        },
      ],
      fulfillments: [
        { id: "f1", createdAt: day(0).toISOString(), lineItems: [{ lineItemId: "10", quantity: 1 }] },
        { id: "f2", createdAt: day(4).toISOString(), lineItems: [{ lineItemId: "10", quantity: 1 }] },
      ],
    };
    const units = orderReturnUnits(order, new Map([["p2", { tags: ["final-sale"], productType: "Coffee" }]]), new Map([["10", 1]]));
    expect(units).toEqual([
      {
        lineItemId: "10",
        quantity: 3,
        fulfilledQuantity: 2,
        returnedQuantity: 1,
        fulfilledAt: day(4), // the window runs from the latest shipment of the line
        deliveredAt: null,
        productTags: [],
        productType: null,
      },
      {
        lineItemId: "11",
        quantity: 1,
        fulfilledQuantity: 0,
        returnedQuantity: 0,
        fulfilledAt: null,
        deliveredAt: null,
        productTags: ["final-sale"],
        productType: "Coffee",
      },
    ]);
    const rules = DEFAULT_RETURN_RULES;
    // Two of three shipped, one of them in a return: one left; then none until the third ships.
    expect(unitEligibility(units[0]!, rules, day(5))).toEqual({ eligible: true, quantity: 1, deadline: day(34) });
    expect(unitEligibility({ ...units[0]!, returnedQuantity: 2 }, rules, day(5))).toMatchObject({
      eligible: false,
      reason: "not_fulfilled",
    });
    expect(unitEligibility({ ...units[0]!, fulfilledQuantity: 3, returnedQuantity: 3 }, rules, day(5))).toMatchObject({
      reason: "already_returned",
    });
    expect(unitEligibility(units[1]!, rules, day(5))).toMatchObject({ eligible: false, reason: "final_sale" });
  });

  it("keeps the defaults for rules the shop has not set", () => {
    expect(returnRulesOf(null)).toEqual(DEFAULT_RETURN_RULES);
    expect(returnRulesOf({ windowDays: 14, finalSaleTags: ["outlet"] })).toEqual({
      ...DEFAULT_RETURN_RULES,
      windowDays: 14,
      finalSaleTags: ["outlet"],
    });
  });

  it("maps our reasons to Shopify's definitions and back from what its webhooks and reads report", () => {
    for (const reason of DEFAULT_RETURN_RULES.reasons) {
      // A request with our reason comes back in a webhook as the legacy enum, in a read as the definition.
      const legacy = reason.toUpperCase();
      expect(reasonFromShopify({ legacy })).toBe(reason);
      expect(reasonFromShopify({ handle: shopifyReasonHandle(reason) })).toBe(reason);
    }
    expect(shopifyReasonHandle("defective")).toBe("damaged-or-defective");
    expect(shopifyReasonHandle("absorbency")).toBe("absorbency"); // one of Shopify's own, chosen by the merchant
    expect(reasonFromShopify({ handle: "absorbency", legacy: "OTHER" })).toBe("absorbency");
    expect(reasonFromShopify({ legacy: "UNKNOWN" })).toBe("other");
    expect(reasonFromShopify({})).toBe("other");
  });

  it("adds the store-credit bonus, rounded down to a minor unit", () => {
    expect(storeCreditFor(4999, DEFAULT_RETURN_RULES)).toBe(5498);
    expect(storeCreditFor(4999, { ...DEFAULT_RETURN_RULES, storeCreditBonusPercent: 0 })).toBe(4999);
  });
});

describe("a return's status, whatever order Shopify's news arrives in", () => {
  const at = (n: number) => new Date(Date.UTC(2026, 10, 1, 12, 0, n));
  const s = (status: ReturnState["status"], t: number | null): ReturnState => ({ status, at: t === null ? null : at(t) });
  const settle = (seen: ReturnState[], start: ReturnState = s("requesting", null)) =>
    seen.reduce((current, next) => (isNewerReturnState(next, current) ? next : current), start);
  function* permutations<T>(xs: T[]): Generator<T[]> {
    if (xs.length <= 1) yield xs;
    else
      for (let i = 0; i < xs.length; i++) for (const rest of permutations([...xs.slice(0, i), ...xs.slice(i + 1)])) yield [xs[i]!, ...rest];
  }

  it("never moves back: requested after open, approve after close, anything after a decline or cancel", () => {
    expect(isNewerReturnState(s("requested", 5), s("open", 3))).toBe(false);
    expect(isNewerReturnState(s("open", 1), s("closed", 2))).toBe(false); // the approve of a return closed since
    expect(isNewerReturnState(s("open", 3), s("closed", 2))).toBe(true); // reopened after the close
    expect(isNewerReturnState(s("closed", 2), s("open", 3))).toBe(false); // a close the reopen undid
    expect(isNewerReturnState(s("open", 9), s("declined", 1))).toBe(false);
    expect(isNewerReturnState(s("canceled", 1), s("open", 9))).toBe(true);
    // Our own call's answer carries no time: Shopify's webhook for the same status fills it in.
    expect(isNewerReturnState(s("open", 1), s("open", null))).toBe(true);
    expect(isNewerReturnState(s("open", null), s("open", 1))).toBe(false);
    expect(isNewerReturnState(s("closed", 2), s("open", null))).toBe(true);
    // Shopify's news beats our own states.
    expect(isNewerReturnState(s("requested", null), s("failed", null))).toBe(true);
    expect(compareReturnStates(s("open", 4), s("open", 4))).toBe(0);
  });

  it("converges on Shopify's last state from every order of its webhooks, duplicated or not, with our answers among them", () => {
    // requested → approved (by us, then Shopify's webhook) → closed → reopened → closed again.
    const story = [s("requested", null), s("requested", 0), s("open", null), s("open", 1), s("closed", 2), s("open", 3), s("closed", 4)];
    for (const order of permutations(story)) {
      expect(settle(order)).toEqual(s("closed", 4));
      expect(settle([...order, ...order.slice(0, 3)])).toEqual(s("closed", 4));
    }
    const declined = [s("requested", 0), s("declined", 1), s("requested", null)];
    for (const order of permutations(declined)) expect(settle(order)).toEqual(s("declined", 1));
    const reopened = [s("requested", 0), s("open", 1), s("closed", 2), s("open", 3)];
    for (const order of permutations(reopened)) expect(settle(order)).toEqual(s("open", 3));
  });
});
