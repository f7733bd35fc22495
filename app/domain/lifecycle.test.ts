import { describe, expect, it } from "vitest";
import { DEFAULT_LIFECYCLE_RULES, lifecycleRulesOf, type CareRule, type LifecycleRules } from "./lifecycle-rules";
import { careRuleFor, nextMaintenance, soonestMaintenance } from "./care";
import { celebrationsDue, nextAnniversary, nextBirthday, occurrenceIn } from "./celebrations";
import { expiryDue, pointsExpiry } from "./points-expiry";
import { churnReasonText, churnRisk } from "./churn";
import { lifecyclePlan, type LifecycleInput } from "./lifecycle";
import { ownerNoticeProperties, parseOwnerNotice } from "./owner-notices";
import { historyKind, historyText } from "./shopper-text";
import { maintenanceText, pointsExpiryText } from "./lifecycle-text";

const at = (day: string) => new Date(`${day}T05:00:00.000Z`);
const descale: CareRule = {
  match: "productType",
  value: "Coffee machine",
  guide: "Descale with citric acid.",
  firstAfterMonths: 1,
  everyMonths: 3,
};

describe("merchant rules", () => {
  it("defaults: birthday points on, anniversaries off, points never expire", () => {
    expect(lifecycleRulesOf(null)).toEqual(DEFAULT_LIFECYCLE_RULES);
    expect(DEFAULT_LIFECYCLE_RULES.pointsExpiryMonths).toBe(0);
  });
  it("stored rules over the defaults; invalid stored rules fall back whole", () => {
    expect(lifecycleRulesOf({ pointsExpiryMonths: 12, churn: { highScore: 4 } })).toEqual({
      ...DEFAULT_LIFECYCLE_RULES,
      pointsExpiryMonths: 12,
      churn: { ...DEFAULT_LIFECYCLE_RULES.churn, highScore: 4 },
    });
    expect(lifecycleRulesOf({ pointsExpiryMonths: -1 })).toEqual(DEFAULT_LIFECYCLE_RULES);
  });
  it("reads a stored section through the Settings page's parse: one bad part keeps its default", () => {
    const care = [descale, { ...descale, match: "product", value: "42", guide: "" }];
    // A care row the page would refuse (a product by name) sends the care section back to its default alone.
    expect(lifecycleRulesOf({ care, birthdayPoints: 50 })).toEqual({ ...DEFAULT_LIFECYCLE_RULES, care, birthdayPoints: 50 });
    expect(lifecycleRulesOf({ care: [{ ...descale, match: "product", value: "abc" }], birthdayPoints: 50 })).toEqual({
      ...DEFAULT_LIFECYCLE_RULES,
      birthdayPoints: 50,
    });
    // Churn thresholds out of order (long overdue before overdue): the churn defaults, not half of them.
    expect(lifecycleRulesOf({ churn: { overdueRatio: 4, longOverdueRatio: 2 } }).churn).toEqual(DEFAULT_LIFECYCLE_RULES.churn);
    expect(lifecycleRulesOf("x")).toEqual(DEFAULT_LIFECYCLE_RULES);
    expect(lifecycleRulesOf({ care: "x", pointsExpiryMonths: "12" })).toEqual({ ...DEFAULT_LIFECYCLE_RULES, pointsExpiryMonths: 12 });
  });
});

describe("care rules", () => {
  const rules: CareRule[] = [
    descale,
    { match: "tag", value: "espresso", guide: "Backflush weekly.", firstAfterMonths: 6, everyMonths: 6 },
    { match: "product", value: "42", guide: "Oil the burrs.", firstAfterMonths: 12, everyMonths: 0 },
  ];
  it("matches the product first, then a tag, then the type (case and spaces ignored)", () => {
    expect(careRuleFor(rules, { productId: "42", productType: "Coffee machine", tags: ["Espresso"] })?.guide).toBe("Oil the burrs.");
    expect(careRuleFor(rules, { productId: "7", productType: "coffee machine ", tags: ["ESPRESSO"] })?.guide).toBe("Backflush weekly.");
    expect(careRuleFor(rules, { productId: "7", productType: " Coffee Machine", tags: [] })?.guide).toBe("Descale with citric acid.");
    expect(careRuleFor(rules, { productId: null, productType: null, tags: ["mug"] })).toBeNull();
  });
  it("first after one month, then every three, counted from the start so month ends do not drift", () => {
    const start = "2027-01-31T10:00:00.000Z";
    expect(nextMaintenance(descale, start, at("2027-02-01"))).toBe("2027-02-28");
    expect(nextMaintenance(descale, start, at("2027-02-28"))).toBe("2027-02-28");
    expect(nextMaintenance(descale, start, at("2027-03-01"))).toBe("2027-05-31");
    expect(nextMaintenance(descale, start, at("2027-06-01"))).toBe("2027-08-31");
    expect(nextMaintenance(descale, start, at("2037-01-15"))).toBe("2037-02-28");
  });
  it("none before the unit ships, none once a one-off has passed, none without an interval", () => {
    expect(nextMaintenance(descale, null, at("2027-02-01"))).toBeNull();
    const once = { ...descale, everyMonths: 0 };
    expect(nextMaintenance(once, "2027-01-10T00:00:00Z", at("2027-02-10"))).toBe("2027-02-10");
    expect(nextMaintenance(once, "2027-01-10T00:00:00Z", at("2027-02-11"))).toBeNull();
    expect(nextMaintenance({ ...descale, firstAfterMonths: 0 }, "2027-01-10T00:00:00Z", at("2027-01-11"))).toBeNull();
  });
  it("the soonest across units, with its product", () => {
    const units = [
      { title: "Grinder", productId: "42", productType: null, tags: [], start: "2027-01-01T00:00:00Z" },
      { title: "Moka", productId: "9", productType: "Coffee machine", tags: [], start: "2027-03-05T00:00:00Z" },
      { title: "Mug", productId: "1", productType: "Mug", tags: [], start: "2027-01-01T00:00:00Z" },
    ];
    expect(soonestMaintenance(units, rules, at("2027-03-10"))).toEqual({ date: "2027-04-05", product: "Moka" });
    expect(soonestMaintenance(units.slice(2), rules, at("2027-03-10"))).toBeNull();
  });
});

describe("birthdays and anniversaries", () => {
  const rules = { birthdayPoints: 100, anniversaryPoints: 250 };
  it("29 February is celebrated on the 28th in other years", () => {
    expect(occurrenceIn(2027, 2, 29)).toBe("2027-02-28");
    expect(occurrenceIn(2028, 2, 29)).toBe("2028-02-29");
    expect(nextBirthday({ month: 2, day: 29 }, at("2027-03-01"))).toBe("2028-02-29");
    expect(nextBirthday({ month: 3, day: 1 }, at("2027-03-01"))).toBe("2027-03-01");
    expect(nextBirthday({ month: 1, day: 2 }, at("2027-12-31"))).toBe("2028-01-02");
  });
  it("the next anniversary is never the purchase day itself", () => {
    expect(nextAnniversary("2026-11-23T18:00:00Z", at("2026-11-23"))).toBe("2027-11-23");
    expect(nextAnniversary("2024-02-29T12:00:00Z", at("2025-01-01"))).toBe("2025-02-28");
    expect(nextAnniversary("2024-02-29T12:00:00Z", at("2027-03-01"))).toBe("2028-02-29");
  });
  it("due on the day and for a week after (catch-up), keyed per year", () => {
    const c = { joinedAt: "2026-01-01T00:00:00Z", birthday: { month: 3, day: 10 }, firstPurchaseAt: "2026-01-05T09:00:00Z" };
    expect(celebrationsDue(c, rules, at("2027-03-09"))).toEqual([]);
    expect(celebrationsDue(c, rules, at("2027-03-10"))).toEqual([
      { key: "birthday:2027", kind: "birthday", on: "2027-03-10", points: 100 },
    ]);
    expect(celebrationsDue(c, rules, at("2027-03-16"))).toHaveLength(1);
    expect(celebrationsDue(c, rules, at("2027-03-17"))).toEqual([]);
    expect(celebrationsDue(c, rules, at("2027-01-05"))).toEqual([
      { key: "anniversary:2027", kind: "anniversary", on: "2027-01-05", points: 250, years: 1 },
    ]);
    // Across the new year: a 30 December birthday is still due on 2 January, as last year's.
    const dec = { ...c, birthday: { month: 12, day: 30 } };
    expect(celebrationsDue(dec, rules, at("2027-01-02")).map((g) => g.key)).toEqual(["birthday:2026"]);
  });
  it("Feb 29 birthdays: on the 28th in common years, on the 29th in leap years, once", () => {
    const c = { joinedAt: "2026-01-01T00:00:00Z", birthday: { month: 2, day: 29 }, firstPurchaseAt: null };
    expect(celebrationsDue(c, rules, at("2027-02-28")).map((g) => g.on)).toEqual(["2027-02-28"]);
    expect(celebrationsDue(c, rules, at("2028-02-28"))).toEqual([]);
    expect(celebrationsDue(c, rules, at("2028-02-29")).map((g) => g.key)).toEqual(["birthday:2028"]);
  });
  it("nothing for a date before the customer joined, nothing when the merchant set 0 points, no anniversary in the first year", () => {
    const late = { joinedAt: "2027-03-12T00:00:00Z", birthday: { month: 3, day: 10 }, firstPurchaseAt: "2027-03-12T00:00:00Z" };
    expect(celebrationsDue(late, rules, at("2027-03-12"))).toEqual([]);
    expect(celebrationsDue(late, { birthdayPoints: 0, anniversaryPoints: 0 }, at("2028-03-12"))).toEqual([]);
    // A year on, both: the birthday two days ago (within the week) and the first anniversary.
    expect(celebrationsDue(late, rules, at("2028-03-12")).map((g) => g.key)).toEqual(["birthday:2028", "anniversary:2028"]);
  });
});

describe("points expiry", () => {
  it("months after the last activity, warning 30 days before; nothing when never or no balance", () => {
    expect(pointsExpiry("2027-01-15T18:30:00Z", 300, 6)).toEqual({ since: "2027-01-15", expiresOn: "2027-07-15", warnOn: "2027-06-15" });
    expect(pointsExpiry("2027-08-31T00:00:00Z", 300, 6)).toEqual({ since: "2027-08-31", expiresOn: "2028-02-29", warnOn: "2028-01-30" });
    expect(pointsExpiry("2027-01-15T00:00:00Z", 300, 0)).toBeNull();
    expect(pointsExpiry("2027-01-15T00:00:00Z", 0, 6)).toBeNull();
    expect(pointsExpiry(null, 300, 6)).toBeNull();
  });
  it("warns from the warning day, expires the whole balance on the day, keyed by the period", () => {
    const dates = pointsExpiry("2027-01-15T00:00:00Z", 300, 6);
    expect(expiryDue(dates, 300, at("2027-06-14"))).toEqual({ expire: null, warn: null });
    expect(expiryDue(dates, 300, at("2027-06-15"))).toEqual({
      expire: null,
      warn: { key: "points_expiry_warning:2027-01-15", expiresOn: "2027-07-15", points: 300 },
    });
    expect(expiryDue(dates, 300, at("2027-07-15"))).toEqual({
      expire: { key: "expire:2027-01-15", points: -300, since: "2027-01-15" },
      warn: null,
    });
    // New activity is a new period, with its own key.
    expect(expiryDue(pointsExpiry("2027-07-01T00:00:00Z", 300, 6), 300, at("2028-01-01")).expire?.key).toBe("expire:2027-07-01");
  });
});

describe("churn risk", () => {
  const rules = DEFAULT_LIFECYCLE_RULES.churn;
  const none = { openClaims: 0, openReturns: 0, npsCategory: null, balance: 0 };
  it("recency against the customer's own median gap", () => {
    // Orders every ~30 days; 50 days since the last is 1.67× their rhythm: overdue (1).
    const monthly = ["2027-01-01", "2027-01-31", "2027-03-02", "2027-04-01"].map((d) => `${d}T12:00:00Z`);
    const r = churnRisk({ ...none, orderDates: monthly }, rules, at("2027-05-21"));
    expect(r.signs).toEqual([{ kind: "overdue", weight: 1, daysSince: 49, usualGapDays: 30 }]);
    expect(r.level).toBe("low");
    // In weeks, then months: a count of days would change the HubSpot property every day.
    expect(churnReasonText(r, "en")).toBe("No order for 7 weeks (usually every 4 weeks)");
    expect(churnReasonText(r, "es")).toBe("7 semanas sin comprar (suele hacerlo cada 4 semanas)");
    expect(churnReasonText(churnRisk({ ...none, orderDates: [monthly[0]] }, rules, at("2028-02-01")), "en")).toBe(
      "No order for 13 months (usually every 3 months)",
    );
    // 95 days: more than 3× → long overdue (2): medium.
    expect(churnRisk({ ...none, orderDates: monthly }, rules, at("2027-07-05"))).toMatchObject({ level: "medium", score: 2 });
    // The same 49 days for a one-order customer is within the 90-day floor.
    expect(churnRisk({ ...none, orderDates: [monthly[3]] }, rules, at("2027-05-21")).signs).toEqual([]);
  });
  it("two orders on one day are no rhythm: the gap is at least 14 days", () => {
    const r = churnRisk({ ...none, orderDates: ["2027-01-01T10:00:00Z", "2027-01-01T11:00:00Z"] }, rules, at("2027-01-25"));
    expect(r.signs).toEqual([{ kind: "overdue", weight: 1, daysSince: 23, usualGapDays: 14 }]);
  });
  it("open cases, a detractor answer and unused points add up to high, heaviest reason first", () => {
    const r = churnRisk(
      { orderDates: ["2027-01-01T00:00:00Z"], openClaims: 1, openReturns: 1, npsCategory: "detractor", balance: 800 },
      rules,
      at("2027-01-10"),
    );
    expect(r.level).toBe("high");
    expect(r.score).toBe(4);
    expect(r.signs.map((s) => s.kind)).toEqual(["detractor", "open_cases", "unused_points"]);
    expect(churnReasonText(r, "en")).toBe(
      "A detractor in their latest NPS survey; 1 open warranty claim and 1 open return; 800 points left unused",
    );
    expect(churnReasonText(r, "es")).toBe(
      "Fue detractor en su última encuesta NPS; 1 reclamación de garantía abierta y 1 devolución abierta; 800 puntos sin usar",
    );
  });
  it("no answers, no orders, nothing open: low, said in words", () => {
    const r = churnRisk({ ...none, orderDates: [], npsCategory: "promoter" }, rules, at("2027-01-10"));
    expect(r).toEqual({ level: "low", score: 0, signs: [] });
    expect(churnReasonText(r, "en")).toBe("No signs of risk");
    expect(churnReasonText(r, "es")).toBe("Sin señales de riesgo");
  });
});

describe("a customer's day", () => {
  const rules: LifecycleRules = {
    ...DEFAULT_LIFECYCLE_RULES,
    care: [descale],
    birthdayPoints: 100,
    anniversaryPoints: 0,
    pointsExpiryMonths: 6,
  };
  const ana: LifecycleInput = {
    joinedAt: "2027-01-10T00:00:00Z",
    birthday: { month: 7, day: 20 },
    orderDates: ["2027-01-10T09:00:00Z"],
    units: [{ title: "Moka", productId: "9", productType: "Coffee machine", tags: [], start: "2027-01-12T00:00:00Z" }],
    balance: 120,
    lastActivityAt: "2027-01-10T09:00:01Z",
    openClaims: 0,
    openReturns: 0,
    npsCategory: null,
  };
  it("HubSpot's dated facts as of the day", () => {
    expect(lifecyclePlan(ana, rules, at("2027-03-01")).properties).toEqual({
      postventa_next_maintenance_date: "2027-05-12",
      postventa_next_maintenance_product: "Moka",
      postventa_next_birthday: "2027-07-20",
      postventa_next_anniversary: "2028-01-10",
      postventa_points_expiry_date: "2027-07-10",
      postventa_points_expiry_warning_date: "2027-06-10",
      postventa_churn_risk: "low",
      postventa_churn_reason: "No signs of risk",
    });
  });
  it("expires the balance on the day, then the expiry dates clear; a gift after that is not swept away that day", () => {
    const day = lifecyclePlan(ana, rules, at("2027-07-10"));
    expect(day.expiry.expire).toEqual({ key: "expire:2027-01-10", points: -120, since: "2027-01-10" });
    expect(day.properties.postventa_points_expiry_date).toBe("");
    expect(day.properties.postventa_points_expiry_warning_date).toBe("");
    const birthday = lifecyclePlan({ ...ana, balance: 0 }, rules, at("2027-07-20"));
    expect(birthday.grants.map((g) => g.key)).toEqual(["birthday:2027"]);
    expect(birthday.expiry.expire).toBeNull();
    expect(birthday.properties.postventa_points_expiry_date).toBe("");
  });
});

describe("owner notices", () => {
  it("parses the merchant's form, refusing with what to fix", () => {
    expect(parseOwnerNotice({ productId: "gid://shopify/Product/42", kind: "recall", title: " Recall ", body: "Stop using it." })).toEqual({
      ok: true,
      notice: { productId: "42", kind: "recall", title: "Recall", body: "Stop using it." },
    });
    expect(parseOwnerNotice({ productId: "x", kind: "recall", title: "t", body: "b" })).toMatchObject({
      ok: false,
      error: expect.stringContaining("productId"),
    });
    expect(parseOwnerNotice({ productId: "42", kind: "sale", title: "t", body: "b" })).toMatchObject({
      ok: false,
      error: expect.stringContaining("kind"),
    });
    expect(parseOwnerNotice({ productId: "42", kind: "update", title: "", body: "b" })).toMatchObject({
      ok: false,
      error: expect.stringContaining("title"),
    });
    expect(parseOwnerNotice({ productId: "42", kind: "update", title: "t", body: "x".repeat(2001) })).toMatchObject({ ok: false });
  });
  it("the newest published notice is what HubSpot holds; none clears it", () => {
    expect(
      ownerNoticeProperties([
        { kind: "accessory", title: "New milk jug", publishedAt: "2027-01-01T10:00:00Z" },
        { kind: "recall", title: "Gasket recall", publishedAt: "2027-02-03T10:00:00Z" },
      ]),
    ).toEqual({
      postventa_owner_notice: "recall",
      postventa_owner_notice_title: "Gasket recall",
      postventa_owner_notice_date: "2027-02-03",
    });
    expect(ownerNoticeProperties([])).toEqual({
      postventa_owner_notice: "",
      postventa_owner_notice_title: "",
      postventa_owner_notice_date: "",
    });
  });
});

describe("the shopper's words", () => {
  it("gifts and expiries in the history, maintenance and expiry dates", () => {
    expect(historyKind("birthday")).toBe("gift");
    expect(historyKind("anniversary")).toBe("gift");
    expect(historyKind("expire")).toBe("expired");
    // A kind this version does not know is never shown as an expiry.
    expect(historyKind("bonus_from_the_future")).toBe("adjusted");
    expect(historyText("bonus_from_the_future", {}, "EUR", "es")).toBe("Ajuste de puntos");
    expect(historyText("birthday", {}, "EUR", "es")).toBe("¡Feliz cumpleaños! Puntos de regalo");
    expect(historyText("anniversary", { years: 2 }, "EUR", "en")).toBe("2 years since your first purchase: points on us");
    expect(historyText("anniversary", { years: 1 }, "EUR", "es")).toBe("1 año desde tu primera compra: puntos de regalo");
    expect(historyText("expire", { since: "2027-01-10" }, "EUR", "en")).toBe("Points expired after a period without activity");
    expect(maintenanceText("2027-05-12", "en")).toBe("Next maintenance: May 12, 2027");
    expect(maintenanceText("2027-05-12", "es")).toBe("Próximo mantenimiento: 12 de mayo de 2027");
    expect(pointsExpiryText(420, "2027-07-10", "en")).toBe(
      "Your 420 points expire on July 10, 2027 unless you order or redeem before then",
    );
    expect(pointsExpiryText(1, "2027-07-10", "es")).toBe("Tu punto caduca el 10 de julio de 2027 si no compras ni canjeas antes");
  });
});
