import { describe, expect, it } from "vitest";
import { renderTicket, ticketProblem, type ReturnParams, type WarrantyClaimParams } from "./tickets";

const claim: WarrantyClaimParams = {
  reference: "C-1042",
  productTitle: "Molinillo Baratza",
  orderName: "#1001",
  description: "The burr stopped turning.",
  photos: 2,
  status: "approved",
  resolution: "replacement",
};
const ret: ReturnParams = {
  reference: "#1001-R1",
  orderName: "#1001",
  items: [
    { title: "Molinillo Baratza", quantity: 1, reason: "Defective" },
    { title: "Filtros", quantity: 2 },
  ],
  note: "The box was open.",
  preferredOutcome: "store_credit",
  status: "declined",
  declineReason: "RETURN_PERIOD_ENDED",
};

describe("renderTicket", () => {
  it("writes a warranty claim's subject and description from its parameters", () => {
    expect(renderTicket({ kind: "warranty_claim", params: claim })).toEqual({
      subject: "Warranty claim C-1042: Molinillo Baratza",
      content: [
        "Warranty claim C-1042 for Molinillo Baratza, order #1001.",
        "Status: Approved: replacement.",
        "",
        "Problem, in the customer's words:",
        "The burr stopped turning.",
        "",
        "Photos attached: 2.",
      ].join("\n"),
    });
    const rejected = renderTicket({
      kind: "warranty_claim",
      params: { ...claim, status: "rejected", rejectionReason: "Misuse", reopened: true },
    });
    expect(rejected.content).toContain("Status: Rejected: Misuse.\nReopened by the customer.");
  });

  it("writes a return's subject and description from its parameters", () => {
    expect(renderTicket({ kind: "return", params: ret })).toEqual({
      subject: "Return #1001-R1 for order #1001",
      content: [
        "Return #1001-R1 for order #1001.",
        "Status: Declined: the return period ended.",
        "",
        "Items:",
        "- 1 × Molinillo Baratza (reason: Defective)",
        "- 2 × Filtros",
        "",
        "Preferred outcome: store credit.",
        "",
        "Customer's note:",
        "The box was open.",
      ].join("\n"),
    });
  });

  it("keeps a long subject and a long description within bounds", () => {
    const long = renderTicket({
      kind: "warranty_claim",
      params: { ...claim, productTitle: "x".repeat(500), description: "y".repeat(20_000) },
    });
    expect(long.subject.length).toBeLessThanOrEqual(200);
    expect(long.content.length).toBeLessThan(6000);
  });
});

describe("ticketProblem", () => {
  it("accepts the documented shapes and names what is wrong otherwise", () => {
    expect(ticketProblem({ kind: "warranty_claim", stage: "new", params: claim })).toBeNull();
    expect(ticketProblem({ kind: "return", stage: "closed", params: ret })).toBeNull();
    expect(ticketProblem({ kind: "exchange", stage: "new", params: claim })).toMatch(/unknown ticket kind/);
    expect(ticketProblem({ kind: "return", stage: "open", params: ret })).toMatch(/unknown ticket stage/);
    expect(ticketProblem({ kind: "warranty_claim", stage: "new", params: { ...claim, status: "done" } })).toMatch(/params.status/);
    expect(ticketProblem({ kind: "warranty_claim", stage: "new", params: { ...claim, photos: -1 } })).toMatch(/params.photos/);
    expect(ticketProblem({ kind: "return", stage: "new", params: { ...ret, items: [] } })).toMatch(/params.items/);
    expect(ticketProblem({ kind: "return", stage: "new", params: { ...ret, items: [{ title: "A", quantity: 0 }] } })).toMatch(
      /params.items/,
    );
    expect(ticketProblem({ kind: "return", stage: "new", params: { ...ret, orderName: "" } })).toMatch(/params.orderName/);
  });
});
