import { describe, expect, it } from "vitest";
import { claimable, claimMeasures, parseClaimDescription, transition, type ClaimAction, type ClaimStatus } from "./claims";
import {
  checkReturnRequest,
  DEFAULT_RETURN_RULES,
  returnDeadline,
  storeCreditFor,
  unitEligibility,
  type ReturnableUnit,
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
    ).toMatchObject({ ok: false, error: "an item appears twice" });
  });

  it("adds the store-credit bonus, rounded down to a minor unit", () => {
    expect(storeCreditFor(4999, DEFAULT_RETURN_RULES)).toBe(5498);
    expect(storeCreditFor(4999, { ...DEFAULT_RETURN_RULES, storeCreditBonusPercent: 0 })).toBe(4999);
  });
});
