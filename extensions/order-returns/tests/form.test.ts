import { describe, expect, it } from "vitest";
import { returnOptions } from "../../shared/return-fixtures.ts";
import { checkReturnForm, quantityOf } from "../src/form.ts";

const options = returnOptions();

describe("the return form's checks", () => {
  it("reads a typed quantity as a whole number, empty as 0, anything else as not one", () => {
    expect(["", " 2 ", "0", "12"].map(quantityOf)).toEqual([0, 2, 0, 12]);
    expect(["1.5", "-1", "2e1", "one", "1234567"].map(quantityOf)).toEqual([null, null, null, null, null]);
  });

  it("builds the request from the eligible lines only, the note trimmed (empty as null)", () => {
    const check = checkReturnForm(options, {
      picks: { "700": { quantity: "2", reason: "defective" }, "702": { quantity: "1", reason: "too_small" } },
      note: "  \n ",
      outcome: "store_credit",
    });
    expect(check).toEqual({
      ok: true,
      request: { orderId: "5001", lines: [{ lineItemId: "700", quantity: 2, reason: "defective" }], note: null, outcome: "store_credit" },
    });
  });

  it("names each problem: nothing picked, too many units, no offered reason, a long note, no outcome", () => {
    const nothing = checkReturnForm(options, { picks: { "700": { quantity: "0", reason: "" } }, note: "", outcome: "refund" });
    expect(nothing).toEqual({ ok: false, problems: { lines: {}, nothingPicked: true, noteTooLong: false, outcome: false } });

    const wrong = checkReturnForm(options, {
      picks: { "700": { quantity: "3", reason: "too_small" } },
      note: "x".repeat(481),
      outcome: null,
    });
    expect(wrong).toEqual({
      ok: false,
      problems: { lines: { "700": { quantity: "not_a_quantity", max: 2 } }, nothingPicked: false, noteTooLong: true, outcome: true },
    });

    const unknownReason = checkReturnForm(options, {
      picks: { "700": { quantity: "1", reason: "not_offered" } },
      note: "",
      outcome: "refund",
    });
    expect(unknownReason).toMatchObject({ ok: false, problems: { lines: { "700": { reason: "missing" } }, nothingPicked: false } });
  });

  it("counts the note as the server does: trimmed, up to the limit inclusive", () => {
    const form = (note: string) => ({ picks: { "700": { quantity: "1", reason: "too_small" } }, note, outcome: "refund" as const });
    expect(checkReturnForm(options, form(`  ${"x".repeat(480)}  `)).ok).toBe(true);
    expect(checkReturnForm(options, form("x".repeat(481))).ok).toBe(false);
  });
});
