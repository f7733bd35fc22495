// The merchant's Returns actions: the form is read strictly, a return offers actions only while
// Shopify holds it as requested, and every outcome of an action answers with the right status and
// a sentence in the merchant's language.
import { describe, expect, it } from "vitest";
import {
  DECLINE_NOTE_MAX,
  merchantReturnActions,
  parseReturnForm,
  returnActionAnswer,
  returnQueueFilter,
  returnQueueReason,
  RETURNS_PAGE_SIZE,
} from "./merchant-returns";
import { DECLINE_NOTE_MAX as SHOPIFY_DECLINE_NOTE_MAX } from "../../integrations/shopify/returns.server";

const form = (fields: Array<[string, string]>) => {
  const f = new FormData();
  for (const [k, v] of fields) f.append(k, v);
  return f;
};
const ID = "0b6f3c1e-9a57-4c1b-8d2e-7f3a5b9c1d20";
const ID2 = "1c7f3c1e-9a57-4c1b-8d2e-7f3a5b9c1d21";

describe("the queue's parameters", () => {
  it("defaults to the returns that need the merchant, and ignores what is not a tab, reason or page", () => {
    expect(returnQueueFilter(null)).toBe("requested");
    expect(returnQueueFilter("declined")).toBe("declined");
    expect(returnQueueFilter("requesting")).toBe("requested");
    expect(returnQueueReason("defective")).toBe("defective");
    expect(returnQueueReason("")).toBeNull();
    expect(returnQueueReason("x'; DROP TABLE")).toBeNull();
  });
});

describe("merchantReturnActions", () => {
  it("offers approve and decline only while the return is requested", () => {
    expect(merchantReturnActions("requested")).toEqual(["approve", "decline"]);
    for (const status of ["requesting", "failed", "open", "declined", "canceled", "closed"] as const)
      expect(merchantReturnActions(status), status).toEqual([]);
  });
});

describe("parseReturnForm", () => {
  it("reads an approve of one or several returns, once each", () => {
    expect(
      parseReturnForm(
        form([
          ["intent", "approve"],
          ["returnId", ID],
          ["returnId", ID2],
          ["returnId", ID],
        ]),
      ),
    ).toEqual({ ok: true, intent: "approve", returnIds: [ID, ID2], action: { type: "approve" } });
  });

  it("reads a decline with Shopify's reason and the note, trimmed", () => {
    expect(
      parseReturnForm(
        form([
          ["intent", "decline"],
          ["returnId", ID],
          ["declineReason", "FINAL_SALE"],
          ["note", "  Es de venta final.\r\nLo siento.  "],
        ]),
      ),
    ).toEqual({
      ok: true,
      intent: "decline",
      returnIds: [ID],
      action: { type: "decline", reason: "FINAL_SALE", note: "Es de venta final.\nLo siento." },
    });
    expect(
      parseReturnForm(
        form([
          ["intent", "decline"],
          ["returnId", ID],
          ["declineReason", "RETURN_PERIOD_ENDED"],
          ["note", "   "],
        ]),
      ),
    ).toMatchObject({ ok: true, action: { reason: "RETURN_PERIOD_ENDED", note: null } });
  });

  it("refuses what it cannot act on, with the key of a sentence", () => {
    const refused = (fields: Array<[string, string]>) => {
      const r = parseReturnForm(form(fields));
      return r.ok ? r : { key: r.key, vars: r.vars };
    };
    expect(refused([["intent", "cancel"]])).toEqual({ key: "returns.error.unknownIntent", vars: { intent: "cancel" } });
    expect(refused([["intent", "approve"]])).toEqual({ key: "returns.error.noReturn", vars: undefined });
    expect(
      refused([
        ["intent", "decline"],
        ["returnId", ID],
        ["returnId", ID2],
        ["declineReason", "OTHER"],
        ["note", "n"],
      ]),
    ).toEqual({ key: "returns.error.oneReturn", vars: undefined });
    expect(
      refused([
        ["intent", "approve"],
        ["returnId", "42"],
      ]),
    ).toEqual({ key: "returns.error.badId", vars: { id: "42" } });
    const many: Array<[string, string]> = Array.from({ length: RETURNS_PAGE_SIZE + 1 }, (_, i) => [
      "returnId",
      `00000000-0000-4000-8000-${String(i).padStart(12, "0")}`,
    ]);
    expect(refused([["intent", "approve"], ...many])).toEqual({ key: "returns.error.tooMany", vars: { max: 50 } });
    expect(
      refused([
        ["intent", "decline"],
        ["returnId", ID],
        ["declineReason", "TOO_LATE"],
      ]),
    ).toEqual({ key: "returns.error.declineReason", vars: undefined });
    expect(
      refused([
        ["intent", "decline"],
        ["returnId", ID],
        ["declineReason", "OTHER"],
      ]),
    ).toEqual({ key: "returns.error.noteRequired", vars: undefined });
    expect(
      refused([
        ["intent", "decline"],
        ["returnId", ID],
        ["declineReason", "FINAL_SALE"],
        ["note", "x".repeat(DECLINE_NOTE_MAX + 1)],
      ]),
    ).toEqual({ key: "returns.error.noteTooLong", vars: { max: 500, length: 501 } });
  });

  it("holds the note to Shopify's own limit", () => {
    expect(DECLINE_NOTE_MAX).toBe(SHOPIFY_DECLINE_NOTE_MAX);
  });
});

describe("returnActionAnswer", () => {
  it("answers what was done, with one warning per kind of what was not", () => {
    expect(returnActionAnswer("es", "approve", { done: [ID], refused: [] })).toEqual({
      status: 200,
      body: { ok: true, message: "Devolución aprobada. Shopify avisa al cliente." },
    });
    const bulk = returnActionAnswer("en", "approve", {
      done: [ID, ID2],
      refused: [
        { id: "a", refusal: { code: "already" } },
        { id: "b", refusal: { code: "refused", message: "Return is not approvable." } },
        { id: "c", refusal: { code: "not_requested", status: "open" } },
        { id: "d", refusal: { code: "not_found" } },
      ],
    });
    expect(bulk).toEqual({
      status: 200,
      body: {
        ok: true,
        message: "2 returns approved. Shopify lets each customer know.",
        warning: expect.any(String),
      },
    });
    const warning = (bulk.body as { warning: string }).warning;
    expect(warning).toContain("1 had already been approved or declined in Shopify's admin");
    expect(warning).toContain("Shopify did not accept 1: “Return is not approvable”");
    expect(warning).toContain("2 of the selected returns were not changed");
  });

  it("answers 202 when Shopify has it without an answer yet", () => {
    expect(returnActionAnswer("es", "approve", { done: [], refused: [{ id: ID, refusal: { code: "uncertain" } }] })).toEqual({
      status: 202,
      body: { ok: true, warning: "Enviado a Shopify; aparecerá aquí cuando Shopify lo confirme." },
    });
  });

  it("answers the first refusal as a sentence when nothing was done", () => {
    const one = (
      refusal: Parameters<typeof returnActionAnswer>[2]["refused"][number]["refusal"],
      intent: "approve" | "decline" = "approve",
    ) => returnActionAnswer("en", intent, { done: [], refused: [{ id: ID, refusal }] });
    expect(one({ code: "not_found" })).toEqual({ status: 404, body: { ok: false, error: "This shop has no such return." } });
    expect(one({ code: "not_requested", status: "declined" }, "decline")).toEqual({
      status: 409,
      body: { ok: false, error: "This return cannot be declined: it is declined. Only a requested return can be declined." },
    });
    expect(one({ code: "in_flight" }).status).toBe(409);
    expect(one({ code: "already" }).body).toEqual({
      ok: false,
      error: "This return had already been approved in Shopify's admin. The list now shows its status.",
    });
    expect(one({ code: "refused", message: "The return is already declined." }, "decline")).toEqual({
      status: 409,
      body: {
        ok: false,
        error: "Shopify did not accept the change: “The return is already declined”. The list now shows the return's status in Shopify.",
      },
    });
    expect(one({ code: "no_access" }).status).toBe(503);
  });
});
