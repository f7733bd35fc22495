import { describe, expect, it } from "vitest";
import {
  csatPercent,
  DEFAULT_FEEDBACK_RULES as RULES,
  feedbackProperties,
  feedbackRulesOf,
  needsFollowUp,
  netPromoterScore,
  npsCategory,
  npsDueAt,
  parseAnswer,
  reviewInviteDue,
  surveyAnswerInteraction,
  surveyDue,
  themeCounts,
  themesOf,
} from "./feedback";
import { renderTicket, ticketProblem } from "./tickets";
import { orderReturnUnits, returnDeadline, DEFAULT_RETURN_RULES } from "./returns";

const d = (iso: string) => new Date(`${iso}T00:00:00Z`);

describe("rules", () => {
  it("reads stored rules over the defaults, keeping a default for a field out of range", () => {
    expect(feedbackRulesOf(null)).toEqual(RULES);
    expect(feedbackRulesOf({ npsAfterDeliveryDays: 3, npsQuietDays: -1, openDays: "x", csat: false })).toEqual({
      ...RULES,
      npsAfterDeliveryDays: 3,
      csat: false,
    });
  });
});

describe("when an NPS survey is due", () => {
  it("is N days after a carrier's delivery, else M days after fulfilment, never before shipping", () => {
    expect(npsDueAt({ fulfilledAt: d("2026-01-01"), deliveredAt: d("2026-01-04") }, RULES)).toEqual(d("2026-01-11"));
    expect(npsDueAt({ fulfilledAt: d("2026-01-01"), deliveredAt: null }, RULES)).toEqual(d("2026-01-11"));
    expect(npsDueAt({ fulfilledAt: d("2026-01-01"), deliveredAt: null }, { ...RULES, npsAfterFulfillmentDays: 14 })).toEqual(
      d("2026-01-15"),
    );
    expect(npsDueAt({ fulfilledAt: null, deliveredAt: null }, RULES)).toBeNull();
  });

  it("opens once due, stays open for the answering period, and is not opened once that passed", () => {
    expect(surveyDue(d("2026-01-11"), d("2026-01-10"), RULES)).toEqual({ due: false, reason: "not_yet" });
    expect(surveyDue(d("2026-01-11"), d("2026-01-11"), RULES)).toEqual({ due: true, dueAt: d("2026-01-11"), expiresAt: d("2026-02-10") });
    // Three days of downtime: opened late, with the same dates.
    expect(surveyDue(d("2026-01-11"), d("2026-01-14"), RULES)).toEqual({ due: true, dueAt: d("2026-01-11"), expiresAt: d("2026-02-10") });
    expect(surveyDue(d("2026-01-11"), d("2026-02-10"), RULES)).toEqual({ due: false, reason: "stale" });
  });

  it("keeps a quiet period per customer, measured between due dates", () => {
    expect(surveyDue(d("2026-03-01"), d("2026-03-02"), RULES, [d("2026-01-11")])).toEqual({ due: false, reason: "quiet" });
    expect(surveyDue(d("2026-04-11"), d("2026-04-12"), RULES, [d("2026-01-11")])).toMatchObject({ due: true });
    // An earlier order whose delivery was reported late is quiet against a later survey too…
    expect(surveyDue(d("2026-01-05"), d("2026-01-20"), RULES, [d("2026-01-11")])).toEqual({ due: false, reason: "quiet" });
    // …but not against one more than the quiet period after it.
    const long = { ...RULES, openDays: 200 };
    expect(surveyDue(d("2026-01-05"), d("2026-05-01"), long, [d("2026-04-30")])).toMatchObject({ due: true });
  });
});

describe("answers", () => {
  it("categorises NPS as the industry does", () => {
    expect([0, 6, 7, 8, 9, 10].map(npsCategory)).toEqual(["detractor", "detractor", "passive", "passive", "promoter", "promoter"]);
  });

  it("computes NPS as % promoters − % detractors and CSAT as % of 4–5", () => {
    expect(netPromoterScore([10, 9, 9, 8, 7, 3, 0, 10, 6, 9])).toBe(20); // 5 promoters, 3 detractors of 10
    expect(netPromoterScore([0, 1])).toBe(-100);
    expect(netPromoterScore([])).toBeNull();
    expect(csatPercent([5, 4, 3, 1])).toBe(50);
    expect(csatPercent([])).toBeNull();
  });

  it("validates the score in the kind's scale and the comment's length", () => {
    expect(parseAnswer("nps", { score: 10, comment: "  great  " })).toEqual({ ok: true, score: 10, comment: "great" });
    expect(parseAnswer("nps", { score: "0" })).toEqual({ ok: true, score: 0, comment: null });
    expect(parseAnswer("nps", { score: 11 })).toEqual({ ok: false, problem: "score" });
    expect(parseAnswer("nps", { score: 7.5 })).toEqual({ ok: false, problem: "score" });
    expect(parseAnswer("csat", { score: 0 })).toEqual({ ok: false, problem: "score" });
    expect(parseAnswer("csat", { score: 5, comment: "" })).toEqual({ ok: true, score: 5, comment: null });
    expect(parseAnswer("csat", { score: 5, comment: 12 })).toEqual({ ok: false, problem: "bad_comment" });
    expect(parseAnswer("csat", { score: 5, comment: "x".repeat(1001) })).toEqual({ ok: false, problem: "comment_too_long" });
  });

  it("follows up detractors and CSAT of 2 or less", () => {
    expect(needsFollowUp("nps", 6)).toBe(true);
    expect(needsFollowUp("nps", 7)).toBe(false);
    expect(needsFollowUp("csat", 2)).toBe(true);
    expect(needsFollowUp("csat", 3)).toBe(false);
  });

  it("invites promoters to review at most once per period", () => {
    const at = d("2026-06-01");
    expect(reviewInviteDue("nps", 9, at, null, RULES)).toBe(true);
    expect(reviewInviteDue("nps", 8, at, null, RULES)).toBe(false);
    expect(reviewInviteDue("csat", 5, at, null, RULES)).toBe(false);
    expect(reviewInviteDue("nps", 10, at, d("2025-09-01"), RULES)).toBe(false);
    expect(reviewInviteDue("nps", 10, at, d("2025-06-01"), RULES)).toBe(true);
  });
});

describe("themes", () => {
  const cases: Array<[string, string[]]> = [
    ["The package arrived two weeks late and the tracking never updated", ["delivery"]],
    ["El paquete llegó tardísimo y el mensajero no contestaba", ["delivery", "support"]],
    ["Me queda pequeño, pedí mi talla de siempre", ["size"]],
    ["Runs small, order one size up", ["size"]],
    ["La cremallera se rompió a la semana, muy mala calidad", ["quality"]],
    ["Stitching came apart after two washes, feels cheap", ["quality"]],
    ["The box came damaged", ["quality"]],
    ["Vino dañado", ["quality"]],
    ["Las instrucciones de montaje no se entienden", ["instructions"]],
    ["Assembly instructions were confusing", ["instructions"]],
    ["Customer service answered within an hour, super helpful", ["support"]],
    ["La atención al cliente fue excelente", ["support"]],
    ["Un poco caro para lo que es", ["price"]],
    ["El color no es como en la foto", ["product"]],
    ["Love it!", []],
  ];
  it.each(cases)("%s → %j", (text, themes) => {
    expect(themesOf(text).map((t) => t.theme)).toEqual(themes);
  });

  it("names the words that put a text in a theme, and reads return reason handles", () => {
    expect(themesOf("Llegó roto")).toEqual([
      { theme: "delivery", words: ["lleg*"] },
      { theme: "quality", words: ["roto"] },
    ]);
    expect(themesOf("size_too_small").map((t) => t.theme)).toEqual(["size"]);
    expect(themesOf("chocolate").map((t) => t.theme)).toEqual([]); // "late" is a word, not a substring
  });

  it("counts themes over many texts, most frequent first", () => {
    expect(themeCounts(["late delivery", "llegó tarde", "talla pequeña", null])).toEqual([
      { theme: "delivery", count: 2 },
      { theme: "size", count: 1 },
    ]);
  });
});

describe("what HubSpot holds", () => {
  it("sets the feedback properties and clears the survey link when none is open", () => {
    expect(
      feedbackProperties({
        lastNps: { score: 3, at: new Date("2026-02-03T10:00:00Z"), comment: "Late" },
        lastCsat: { score: 5, at: new Date("2026-01-20T10:00:00Z") },
        reviewInviteAt: null,
        openSurvey: null,
      }),
    ).toEqual({
      postventa_last_nps_score: "3",
      postventa_nps_category: "detractor",
      postventa_last_nps_date: "2026-02-03",
      postventa_last_nps_comment: "Late",
      postventa_last_csat: "5",
      postventa_last_csat_date: "2026-01-20",
      postventa_survey_link: "",
      postventa_survey_due_date: "",
      postventa_survey_kind: "",
    });
    expect(
      feedbackProperties({
        lastNps: null,
        lastCsat: null,
        reviewInviteAt: new Date("2026-03-01T08:00:00Z"),
        openSurvey: { kind: "nps", link: "https://app.example/survey/x.y", dueAt: new Date("2026-03-04T06:00:00Z") },
      }),
    ).toEqual({
      postventa_review_invite_due: "2026-03-01",
      postventa_survey_link: "https://app.example/survey/x.y",
      postventa_survey_due_date: "2026-03-04",
      postventa_survey_kind: "nps",
    });
  });

  it("writes one timeline entry per survey, with the comment escaped", () => {
    const i = surveyAnswerInteraction({
      invitationId: "inv-1",
      kind: "nps",
      score: 4,
      comment: "<b>late</b>",
      aboutText: "order #1001",
      at: new Date("2026-02-03T10:00:00Z"),
    });
    expect(i).toMatchObject({ key: "survey:inv-1", kind: "survey_answered", title: "NPS 4/10 (detractor) about order #1001" });
    expect(i.body).toContain("&lt;b&gt;late&lt;/b&gt;");
  });

  it("renders a follow-up ticket and refuses a score out of its scale", () => {
    const params = { survey: "csat" as const, score: 1, about: "return #1001-R1", comment: "Nobody answered" };
    expect(ticketProblem({ kind: "survey_followup", stage: "new", params })).toBeNull();
    expect(ticketProblem({ kind: "survey_followup", stage: "new", params: { ...params, score: 7 } })).toBe(
      "params.score must be a whole number up to 5",
    );
    const t = renderTicket({ kind: "survey_followup", params });
    expect(t.subject).toBe("Unhappy customer: CSAT 1/5 about return #1001-R1");
    expect(t.content).toContain("Nobody answered");
  });
});

describe("delivery dates reach the return window", () => {
  const order = {
    lineItems: [
      {
        id: "1",
        productId: null,
        variantId: null,
        title: "Mug",
        vendor: null,
        quantity: 1,
        unitPriceMinor: 100,
        discountMinor: 0,
        giftCard: false,
      },
    ],
    fulfillments: [{ id: "f1", createdAt: "2026-01-01T00:00:00Z", lineItems: [{ lineItemId: "1", quantity: 1 }] }],
  };
  it("starts at the carrier's delivery when there is one, else at fulfilment", () => {
    const [withDelivery] = orderReturnUnits(order, new Map(), new Map(), new Map([["f1", d("2026-01-06")]]));
    expect(returnDeadline(withDelivery, DEFAULT_RETURN_RULES)).toEqual(d("2026-02-05"));
    const [without] = orderReturnUnits(order, new Map(), new Map());
    expect(returnDeadline(without, DEFAULT_RETURN_RULES)).toEqual(d("2026-01-31"));
  });
});
