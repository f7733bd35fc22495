// The after-sale sections of the Settings page: the same parse reads the page's fields and the
// stored JSON processing uses (lifecycleRulesOf, feedbackRulesOf).
import { describe, expect, it } from "vitest";
import { DEFAULT_FEEDBACK_RULES, feedbackRulesOf } from "./feedback";
import { DEFAULT_LIFECYCLE_RULES, lifecycleRulesOf } from "./lifecycle-rules";
import {
  careRulesFields,
  churnRulesFields,
  fieldsForm,
  parseCareRules,
  parseChurnRules,
  parsePointsCalendar,
  parseSurveyRules,
  pointsCalendarFields,
  surveyRulesFields,
  type Parsed,
  type SettingsFields,
} from "./settings";
import { fieldErrorText } from "../settings";

const form = (fields: SettingsFields) => fieldsForm(fields);
const errorsOf = <T>(p: Parsed<T>) => (p.ok ? {} : p.errors);

describe("the points calendar (birthday, anniversary, expiry)", () => {
  it("reads back the defaults it shows, and what a merchant types", () => {
    expect(parsePointsCalendar(form(pointsCalendarFields(DEFAULT_LIFECYCLE_RULES)))).toEqual({
      ok: true,
      value: { birthdayPoints: 100, anniversaryPoints: 0, pointsExpiryMonths: 0 },
    });
    expect(parsePointsCalendar(form({ birthdayPoints: " 250 ", anniversaryPoints: "50", pointsExpiryMonths: "18" }))).toEqual({
      ok: true,
      value: { birthdayPoints: 250, anniversaryPoints: 50, pointsExpiryMonths: 18 },
    });
  });
  it("refuses with field errors the merchant can act on, in their language", () => {
    const errors = errorsOf(parsePointsCalendar(form({ birthdayPoints: "-5", anniversaryPoints: "1,5", pointsExpiryMonths: "" })));
    expect(errors).toEqual({
      birthdayPoints: { code: "range", vars: { min: 0, max: 1_000_000 } },
      anniversaryPoints: { code: "integer" },
      pointsExpiryMonths: { code: "required" },
    });
    expect(fieldErrorText("es", errors.anniversaryPoints)).toBe("Escribe un número entero, sin decimales.");
    expect(errorsOf(parsePointsCalendar(form({ birthdayPoints: "0", anniversaryPoints: "0", pointsExpiryMonths: "121" })))).toEqual({
      pointsExpiryMonths: { code: "range", vars: { min: 0, max: 120 } },
    });
  });
});

describe("care guides", () => {
  const row = (i: number, r: Record<string, string>) => Object.fromEntries(Object.entries(r).map(([k, v]) => [`care.${i}.${k}`, v]));
  it("reads rows into care rules, trimmed, and back", () => {
    const parsed = parseCareRules(
      form({
        careCount: "2",
        ...row(0, {
          match: "productType",
          value: " Coffee machine ",
          guide: " Descale monthly. ",
          firstAfterMonths: "1",
          everyMonths: "3",
        }),
        ...row(1, { match: "product", value: "7654321", guide: "", firstAfterMonths: "12", everyMonths: "0" }),
      }),
    );
    const care = [
      { match: "productType", value: "Coffee machine", guide: "Descale monthly.", firstAfterMonths: 1, everyMonths: 3 },
      { match: "product", value: "7654321", guide: "", firstAfterMonths: 12, everyMonths: 0 },
    ];
    expect(parsed).toEqual({ ok: true, value: { care } });
    expect(parseCareRules(form(careRulesFields({ care: care as never })))).toEqual(parsed);
    expect(parseCareRules(form({ careCount: "0" }))).toEqual({ ok: true, value: { care: [] } });
  });
  it("refuses a product named by anything but its id, a rule that does nothing, duplicates and long guides", () => {
    const errors = errorsOf(
      parseCareRules(
        form({
          careCount: "4",
          ...row(0, { match: "product", value: "Espresso X", guide: "Wipe.", firstAfterMonths: "0", everyMonths: "0" }),
          ...row(1, { match: "tag", value: "Grinder", guide: "", firstAfterMonths: "0", everyMonths: "0" }),
          ...row(2, { match: "tag", value: "grinder", guide: "x".repeat(2001), firstAfterMonths: "6", everyMonths: "121" }),
          ...row(3, { match: "vendor", value: "", guide: "Oil.", firstAfterMonths: "1.5", everyMonths: "1" }),
        }),
      ),
    );
    expect(errors).toEqual({
      "care.0.value": { code: "productId" },
      "care.1.guide": { code: "careEmpty" },
      "care.2.value": { code: "duplicate" },
      "care.2.guide": { code: "tooLong", vars: { max: 2000, value: "x".repeat(30) } },
      "care.2.everyMonths": { code: "range", vars: { min: 0, max: 120 } },
      "care.3.match": { code: "choice" },
      "care.3.value": { code: "required" },
      "care.3.firstAfterMonths": { code: "integer" },
    });
    expect(fieldErrorText("es", errors["care.0.value"])).toBe("Escribe el ID numérico del producto (por ejemplo 7654321098).");
    expect(errorsOf(parseCareRules(form({ careCount: "101" })))).toEqual({ careCount: { code: "tooMany", vars: { max: 100 } } });
  });
});

describe("churn thresholds", () => {
  it("reads the defaults back; long overdue may not come before overdue, nor high risk below medium", () => {
    expect(parseChurnRules(form(churnRulesFields(DEFAULT_LIFECYCLE_RULES)))).toEqual({
      ok: true,
      value: { churn: DEFAULT_LIFECYCLE_RULES.churn },
    });
    const fields = {
      ...churnRulesFields(DEFAULT_LIFECYCLE_RULES),
      overdueRatio: "2,5",
      longOverdueRatio: "2",
      mediumScore: "4",
      highScore: "3",
    };
    expect(errorsOf(parseChurnRules(form(fields)))).toEqual({
      longOverdueRatio: { code: "range", vars: { min: 2.5, max: 100 } },
      highScore: { code: "range", vars: { min: 4, max: 10 } },
    });
    expect(parseChurnRules(form({ ...fields, longOverdueRatio: "2.5", highScore: "4" }))).toMatchObject({
      ok: true,
      value: { churn: { overdueRatio: 2.5, longOverdueRatio: 2.5, mediumScore: 4, highScore: 4 } },
    });
  });
});

describe("survey timing", () => {
  it("reads the defaults back and refuses what processing could not use", () => {
    expect(parseSurveyRules(form(surveyRulesFields(DEFAULT_FEEDBACK_RULES)))).toEqual({ ok: true, value: DEFAULT_FEEDBACK_RULES });
    const fields = { ...surveyRulesFields(DEFAULT_FEEDBACK_RULES), openDays: "0", npsQuietDays: "1000", csat: "yes" };
    expect(errorsOf(parseSurveyRules(form(fields)))).toEqual({
      openDays: { code: "range", vars: { min: 1, max: 365 } },
      npsQuietDays: { code: "range", vars: { min: 0, max: 730 } },
      csat: { code: "choice" },
    });
  });
  it("stored rules read through the same parse: a bad field keeps its default", () => {
    expect(feedbackRulesOf({ openDays: 0, csat: false, npsAfterDeliveryDays: 3 })).toEqual({
      ...DEFAULT_FEEDBACK_RULES,
      csat: false,
      npsAfterDeliveryDays: 3,
    });
    expect(feedbackRulesOf([1, 2])).toEqual(DEFAULT_FEEDBACK_RULES);
    // What the page saves is what processing then reads.
    const saved = parseSurveyRules(form({ ...surveyRulesFields(DEFAULT_FEEDBACK_RULES), npsAfterFulfillmentDays: "14" }));
    expect(saved.ok && feedbackRulesOf(JSON.parse(JSON.stringify(saved.value)))).toEqual({
      ...DEFAULT_FEEDBACK_RULES,
      npsAfterFulfillmentDays: 14,
    });
    expect(lifecycleRulesOf({ pointsExpiryMonths: 6 }).pointsExpiryMonths).toBe(6);
  });
});
