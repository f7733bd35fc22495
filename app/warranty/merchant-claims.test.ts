// The merchant's actions offered on a claim are exactly those the workflow allows, and the action's
// form is read strictly.
import { describe, expect, it } from "vitest";
import { merchantActions, parseClaimForm, queueFilter, queuePage } from "./merchant-claims";

const form = (fields: Array<[string, string]>) => {
  const f = new FormData();
  for (const [k, v] of fields) f.append(k, v);
  return f;
};
const ID = "0b6f3c1e-9a57-4c1b-8d2e-7f3a5b9c1d20";

describe("merchantActions", () => {
  it("offers what transition allows in each status", () => {
    expect(merchantActions({ status: "submitted", reopenCount: 0 })).toEqual(["review", "approve", "reject"]);
    expect(merchantActions({ status: "in_review", reopenCount: 1 })).toEqual(["approve", "reject"]);
    expect(merchantActions({ status: "approved", reopenCount: 0 })).toEqual(["resolve"]);
    expect(merchantActions({ status: "rejected", reopenCount: 0 })).toEqual([]);
    expect(merchantActions({ status: "resolved", reopenCount: 0 })).toEqual([]);
  });
});

describe("parseClaimForm", () => {
  it("reads each intent", () => {
    expect(
      parseClaimForm(
        form([
          ["intent", "approve"],
          ["claimId", ID],
          ["resolution", "store_credit"],
        ]),
      ),
    ).toEqual({
      ok: true,
      intent: "approve",
      claimIds: [ID],
      action: { type: "approve", resolution: "store_credit" },
    });
    expect(
      parseClaimForm(
        form([
          ["intent", "reject"],
          ["claimId", ID],
          ["reason", "  Not covered.\r\nSorry. "],
        ]),
      ),
    ).toMatchObject({
      ok: true,
      action: { type: "reject", reason: "Not covered.\nSorry." },
    });
    expect(
      parseClaimForm(
        form([
          ["intent", "review"],
          ["claimId", ID],
          ["claimId", ID],
        ]),
      ),
    ).toMatchObject({ ok: true, claimIds: [ID] });
  });

  it("refuses what the action cannot act on", () => {
    const key = (fields: Array<[string, string]>) => {
      const r = parseClaimForm(form(fields));
      return r.ok ? null : r.key;
    };
    expect(
      key([
        ["intent", "delete"],
        ["claimId", ID],
      ]),
    ).toBe("claims.error.unknownIntent");
    expect(key([["intent", "review"]])).toBe("claims.error.noClaim");
    expect(
      key([
        ["intent", "review"],
        ["claimId", `${ID} `],
      ]),
    ).toBe("claims.error.badId");
    expect(
      key([
        ["intent", "approve"],
        ["claimId", ID],
        ["resolution", "gift"],
      ]),
    ).toBe("claims.error.resolution");
    expect(
      key([
        ["intent", "reject"],
        ["claimId", ID],
        ["reason", " "],
      ]),
    ).toBe("claims.error.reasonRequired");
    expect(
      key([
        ["intent", "reject"],
        ["claimId", ID],
        ["reason", "é".repeat(501)],
      ]),
    ).toBe("claims.error.reasonTooLong");
    expect(
      key([
        ["intent", "reject"],
        ["claimId", ID],
        ["reason", "é".repeat(500)],
      ]),
    ).toBeNull();
    const many = Array.from({ length: 51 }, (_, i) => ["claimId", `${ID.slice(0, -2)}${String(i).padStart(2, "0")}`] as [string, string]);
    expect(key([["intent", "review"], ...many])).toBe("claims.error.tooMany");
    expect(key([["intent", "review"], ...many.slice(1)])).toBeNull();
  });

  it("falls back to the Open tab and page 1 for what it does not know", () => {
    expect(queueFilter("in_review")).toBe("in_review");
    expect(queueFilter("deleted")).toBe("open");
    expect(queueFilter(null)).toBe("open");
    expect([queuePage("3"), queuePage("0"), queuePage("-2"), queuePage("1.5"), queuePage(null)]).toEqual([3, 1, 1, 1, 1]);
  });
});
