import { describe, expect, it } from "vitest";
import { DEFAULT_EARN_RULE, pointsFor } from "./loyalty";
import { DEFAULT_RETURN_RULES, checkReturnRequest } from "./returns";
import { defaultRewards } from "./rewards";
import { coverageMonths, DEFAULT_WARRANTY_POLICY } from "./warranty";
import { DEFAULT_TIER_PROGRAM, tierStanding, type TierProgram } from "./tiers";
import {
  earnRuleFields,
  fieldsForm,
  parseEarnRule,
  parseReturnRules,
  parseRewards,
  parseTierProgram,
  parseWarrantyPolicy,
  tierProgramFields,
  returnRulesFields,
  rewardsFields,
  warrantyPolicyFields,
  type SettingsFields,
} from "./settings";

const form = (fields: SettingsFields) => fieldsForm(fields);
const errorsOf = <T>(p: { ok: true; value: T } | { ok: false; errors: Record<string, unknown> }) => (p.ok ? {} : p.errors);

describe("the loyalty section", () => {
  it("reads back the rule it shows, defaults included", () => {
    expect(parseEarnRule(form(earnRuleFields(DEFAULT_EARN_RULE)))).toEqual({ ok: true, value: DEFAULT_EARN_RULE });
  });

  it("parses a changed rule that processing then earns with", () => {
    const fields = {
      ...earnRuleFields(DEFAULT_EARN_RULE),
      pointsPerUnit: "2,5",
      rounding: "ceil",
      includeShipping: "true",
      earnOn: "fulfilled",
    };
    const parsed = parseEarnRule(form(fields));
    expect(parsed).toEqual({
      ok: true,
      value: { ...DEFAULT_EARN_RULE, pointsPerUnit: 2.5, rounding: "ceil", includeShipping: true, earnOn: "fulfilled" },
    });
    expect(parsed.ok && pointsFor(1001, "USD", parsed.value)).toBe(26); // 10.01 × 2.5 = 25.025, ceiled
  });

  it("names each wrong field with what is wrong", () => {
    const base = earnRuleFields(DEFAULT_EARN_RULE);
    expect(errorsOf(parseEarnRule(form({ ...base, pointsPerUnit: "" })))).toEqual({ pointsPerUnit: { code: "required" } });
    expect(errorsOf(parseEarnRule(form({ ...base, pointsPerUnit: "abc" })))).toEqual({ pointsPerUnit: { code: "number" } });
    expect(errorsOf(parseEarnRule(form({ ...base, pointsPerUnit: "0" })))).toEqual({
      pointsPerUnit: { code: "range", vars: { min: 0.01, max: 1000 } },
    });
    expect(errorsOf(parseEarnRule(form({ ...base, pointsPerUnit: "1.234" })))).toEqual({
      pointsPerUnit: { code: "decimals", vars: { decimals: 2 } },
    });
    expect(errorsOf(parseEarnRule(form({ ...base, rounding: "up", includeTaxes: "yes" })))).toEqual({
      rounding: { code: "choice" },
      includeTaxes: { code: "choice" },
    });
    expect(Object.keys(errorsOf(parseEarnRule(form({}))))).toEqual([
      "pointsPerUnit",
      "rounding",
      "earnOn",
      "earnOnDiscountedPrice",
      "includeShipping",
      "includeTaxes",
      "includeGiftCards",
    ]);
  });
});

describe("the returns section", () => {
  it("reads back the rules it shows", () => {
    expect(parseReturnRules(form(returnRulesFields(DEFAULT_RETURN_RULES)))).toEqual({ ok: true, value: DEFAULT_RETURN_RULES });
  });

  it("parses lists, keeps reasons in the shopper's order and turns auto-approval off", () => {
    const parsed = parseReturnRules(
      form({
        ...returnRulesFields(DEFAULT_RETURN_RULES),
        windowDays: "45",
        windowFrom: "fulfillment",
        finalSaleTags: " outlet , Final-Sale,, outlet ",
        finalSaleProductTypes: "Gift card",
        reasons: ["defective", "unwanted"],
        autoApprove: "false",
        storeCreditBonusPercent: "0",
      }),
    );
    expect(parsed).toEqual({
      ok: true,
      value: {
        windowDays: 45,
        windowFrom: "fulfillment",
        finalSaleTags: ["outlet", "Final-Sale"],
        finalSaleProductTypes: ["Gift card"],
        reasons: ["unwanted", "defective"],
        autoApprove: null,
        storeCreditBonusPercent: 0,
      },
    });
    // The same rules the shopper's request is checked against.
    const units = new Map([["1", { eligible: true as const, quantity: 1, deadline: new Date() }]]);
    expect(parsed.ok && checkReturnRequest([{ lineItemId: "1", quantity: 1, reason: "size_too_small" }], units, parsed.value)).toEqual({
      ok: false,
      lineItemId: "1",
      error: "reason",
    });
  });

  it("refuses a window out of range, unknown reasons, none offered, and exceptions not offered", () => {
    const base = returnRulesFields(DEFAULT_RETURN_RULES);
    expect(errorsOf(parseReturnRules(form({ ...base, windowDays: "0" })))).toEqual({
      windowDays: { code: "range", vars: { min: 1, max: 365 } },
    });
    expect(errorsOf(parseReturnRules(form({ ...base, windowDays: "1.5" })))).toEqual({ windowDays: { code: "integer" } });
    expect(errorsOf(parseReturnRules(form({ ...base, windowDays: "treinta" })))).toEqual({ windowDays: { code: "number" } });
    expect(errorsOf(parseReturnRules(form({ ...base, reasons: ["bored"] })))).toEqual({ reasons: { code: "choice" } });
    expect(errorsOf(parseReturnRules(form({ ...base, reasons: [], autoApproveExcept: [] })))).toEqual({ reasons: { code: "noReasons" } });
    expect(errorsOf(parseReturnRules(form({ ...base, reasons: ["unwanted"], autoApproveExcept: ["defective"] })))).toEqual({
      autoApproveExcept: { code: "exceptNotOffered" },
    });
    expect(errorsOf(parseReturnRules(form({ ...base, storeCreditBonusPercent: "101" })))).toEqual({
      storeCreditBonusPercent: { code: "range", vars: { min: 0, max: 100 } },
    });
    expect(errorsOf(parseReturnRules(form({ ...base, finalSaleTags: "x".repeat(101) })))).toEqual({
      finalSaleTags: { code: "tooLong", vars: { max: 100, value: "x".repeat(30) } },
    });
  });
});

describe("the rewards catalog", () => {
  it("reads back the catalog it shows, in any currency", () => {
    for (const currency of ["USD", "EUR", "JPY", "KWD"])
      expect(parseRewards(form(rewardsFields(defaultRewards(currency), currency)), currency, DEFAULT_TIER_PROGRAM)).toEqual({
        ok: true,
        value: defaultRewards(currency),
      });
  });

  it("adds a row with an id of its own, keeps the others' ids, and limits it to tiers", () => {
    const fields = {
      ...rewardsFields(defaultRewards("EUR"), "EUR"),
      rewardCount: "5",
      "reward.4.kind": "amount_off",
      "reward.4.cost": "2000",
      "reward.4.value": "25,50",
      "reward.4.minimumOrder": "",
      "reward.4.validDays": "30",
      "reward.4.tiers": ["gold", "silver"],
    };
    const parsed = parseRewards(form(fields), "EUR", DEFAULT_TIER_PROGRAM);
    expect(parsed.ok && parsed.value.map((r) => r.id)).toEqual([
      "free-shipping",
      "amount-5",
      "amount-15",
      "store-credit-10",
      "amount-off-1",
    ]);
    expect(parsed.ok && parsed.value[4]).toEqual({
      id: "amount-off-1",
      kind: "amount_off",
      cost: 2000,
      valueMinor: 2550,
      minimumOrderMinor: null,
      validDays: 30,
      tiers: ["silver", "gold"],
    });
  });

  it("says which row and field is wrong", () => {
    const fields = {
      ...rewardsFields(defaultRewards("USD"), "USD"),
      "reward.1.value": "",
      "reward.2.cost": "0",
      "reward.2.minimumOrder": "10.001",
      "reward.3.tiers": ["Platinum"],
      "reward.0.kind": "percentage",
    };
    expect(errorsOf(parseRewards(form(fields), "USD", DEFAULT_TIER_PROGRAM))).toEqual({
      "reward.0.kind": { code: "choice" },
      "reward.1.value": { code: "required" },
      "reward.2.cost": { code: "range", vars: { min: 1, max: 1_000_000 } },
      "reward.2.minimumOrder": { code: "decimals", vars: { decimals: 2 } },
      "reward.3.tiers": { code: "choice" },
    });
    expect(
      errorsOf(
        parseRewards(
          form({
            ...fields,
            "reward.1.value": "5",
            "reward.2.cost": "1",
            "reward.2.minimumOrder": "",
            "reward.3.tiers": [],
            "reward.0.kind": "free_shipping",
            "reward.1.id": "free-shipping",
          }),
          "USD",
          DEFAULT_TIER_PROGRAM,
        ),
      ),
    ).toEqual({
      "reward.1.id": { code: "duplicate" },
    });
    expect(errorsOf(parseRewards(form({ rewardCount: "21" }), "USD", DEFAULT_TIER_PROGRAM))).toEqual({
      rewardCount: { code: "tooMany", vars: { max: 20 } },
    });
    expect(parseRewards(form({ rewardCount: "0" }), "USD", DEFAULT_TIER_PROGRAM)).toEqual({ ok: true, value: [] });
  });
});

describe("the tiers", () => {
  const catalog = defaultRewards("EUR");

  it("reads back the program it shows, and a program by spend in the shop's money", () => {
    expect(parseTierProgram(form(tierProgramFields(DEFAULT_TIER_PROGRAM, "EUR")), "EUR", catalog)).toEqual({
      ok: true,
      value: DEFAULT_TIER_PROGRAM,
    });
    const bySpend: TierProgram = {
      basis: "spend",
      period: "rolling12",
      tiers: [
        { id: "member", name: "Member", threshold: 0, earnMultiplier: 1, welcomeRewardId: null },
        { id: "vip", name: "VIP", threshold: 50_050, earnMultiplier: 1.5, welcomeRewardId: "amount-5" },
      ],
    };
    const fields = tierProgramFields(bySpend, "EUR");
    expect(fields["tier.1.threshold"]).toBe("500.50");
    expect(parseTierProgram(form(fields), "EUR", catalog)).toEqual({ ok: true, value: bySpend });
    // What processing then reads from it: 500.49 spent is not yet VIP, with 0.01 to go.
    expect(tierStanding(50_049, bySpend)).toMatchObject({ name: "Member", next: { name: "VIP", needed: 1 } });
  });

  it("gives a new tier an id from its name, and keeps the ids rewards name", () => {
    const fields = {
      ...tierProgramFields(DEFAULT_TIER_PROGRAM, "USD"),
      tierCount: "4",
      "tier.3.name": "Platino Élite",
      "tier.3.threshold": "10000",
      "tier.3.multiplier": "2",
      "tier.3.welcomeReward": "store-credit-10",
      "tier.1.name": "Plata",
    };
    const parsed = parseTierProgram(form(fields), "USD", defaultRewards("USD"));
    expect(parsed.ok && parsed.value.tiers.map((t) => [t.id, t.name])).toEqual([
      ["bronze", "Bronze"],
      ["silver", "Plata"],
      ["gold", "Gold"],
      ["platino-elite", "Platino Élite"],
    ]);
    expect(parsed.ok && parsed.value.tiers[3]).toMatchObject({ threshold: 10000, earnMultiplier: 2, welcomeRewardId: "store-credit-10" });
  });

  it("says which tier and field is wrong, and changes nothing", () => {
    const fields = {
      ...tierProgramFields(DEFAULT_TIER_PROGRAM, "USD"),
      "tier.0.threshold": "10",
      "tier.1.name": "gold",
      "tier.2.threshold": "900",
      "tier.2.multiplier": "11",
      "tier.1.welcomeReward": "nope",
      basis: "visits",
    };
    expect(errorsOf(parseTierProgram(form(fields), "USD", catalog))).toEqual({
      basis: { code: "choice" },
      "tier.0.threshold": { code: "firstTierZero" }, // the others wait for a basis that says their unit
      "tier.2.multiplier": { code: "range", vars: { min: 1, max: 10 } },
      "tier.1.welcomeReward": { code: "choice" },
      "tier.2.name": { code: "duplicate" },
    });
    const ordered = { ...tierProgramFields(DEFAULT_TIER_PROGRAM, "USD"), "tier.2.threshold": "1000", "tier.1.threshold": "2,5" };
    expect(errorsOf(parseTierProgram(form(ordered), "USD", catalog))).toEqual({ "tier.1.threshold": { code: "integer" } });
    expect(errorsOf(parseTierProgram(form({ ...ordered, "tier.1.threshold": "1000" }), "USD", catalog))).toEqual({
      "tier.2.threshold": { code: "ascending" },
    });
    // By spend, a threshold is an amount in the shop's money.
    const spend = { ...tierProgramFields(DEFAULT_TIER_PROGRAM, "JPY"), basis: "spend", "tier.1.threshold": "1000.5" };
    expect(errorsOf(parseTierProgram(form(spend), "JPY", catalog))).toEqual({
      "tier.1.threshold": { code: "decimals", vars: { decimals: 0 } },
    });
    expect(errorsOf(parseTierProgram(form({ basis: "points", period: "lifetime", tierCount: "0" }), "USD", catalog))).toEqual({
      tierCount: { code: "noTiers" },
    });
    expect(errorsOf(parseTierProgram(form({ basis: "points", period: "lifetime", tierCount: "11" }), "USD", catalog))).toEqual({
      tierCount: { code: "tooMany", vars: { max: 10 } },
    });
  });

  it("keeps a tier a reward is limited to, and a reward a tier welcomes with", () => {
    const limited = catalog.map((w) => (w.id === "amount-15" ? { ...w, tiers: ["gold"] } : w));
    const withoutGold = { ...tierProgramFields(DEFAULT_TIER_PROGRAM, "EUR"), tierCount: "2" };
    expect(errorsOf(parseTierProgram(form(withoutGold), "EUR", limited))).toEqual({
      tierCount: { code: "tierInUse", vars: { reward: "amount-15" } },
    });
    // A catalog saved before tiers had ids named them: "Gold" is the gold tier.
    const byName = catalog.map((w) => (w.id === "amount-15" ? { ...w, tiers: ["Gold"] } : w));
    expect(parseTierProgram(form(tierProgramFields(DEFAULT_TIER_PROGRAM, "EUR")), "EUR", byName).ok).toBe(true);
    expect(errorsOf(parseTierProgram(form(withoutGold), "EUR", byName))).toMatchObject({ tierCount: { code: "tierInUse" } });

    const welcoming: TierProgram = {
      ...DEFAULT_TIER_PROGRAM,
      tiers: DEFAULT_TIER_PROGRAM.tiers.map((t) => (t.id === "gold" ? { ...t, welcomeRewardId: "amount-5" } : t)),
    };
    const fields = rewardsFields(
      catalog.filter((w) => w.id !== "amount-5"),
      "EUR",
    );
    expect(errorsOf(parseRewards(form(fields), "EUR", welcoming))).toEqual({
      rewardCount: { code: "rewardInUse", vars: { tier: "Gold" } },
    });
  });
});

describe("a percentage-off reward", () => {
  const row = (value: string, extra: SettingsFields = {}) => ({
    ...rewardsFields(defaultRewards("EUR"), "EUR"),
    rewardCount: "5",
    "reward.4.kind": "percentage_off",
    "reward.4.cost": "800",
    "reward.4.value": value,
    "reward.4.minimumOrder": "40",
    "reward.4.validDays": "60",
    ...extra,
  });

  it("takes its value as a whole percent, with a minimum order and tiers as the others, and reads back what it shows", () => {
    const parsed = parseRewards(form(row("15", { "reward.4.tiers": ["gold"] })), "EUR", DEFAULT_TIER_PROGRAM);
    expect(parsed.ok && parsed.value[4]).toEqual({
      id: "percentage-off-1",
      kind: "percentage_off",
      cost: 800,
      valueMinor: null,
      percent: 15,
      minimumOrderMinor: 4000,
      validDays: 60,
      tiers: ["gold"],
    });
    const catalog = parsed.ok ? parsed.value : [];
    expect(rewardsFields(catalog, "EUR")["reward.4.value"]).toBe("15");
    expect(parseRewards(form(rewardsFields(catalog, "EUR")), "EUR", DEFAULT_TIER_PROGRAM)).toEqual({ ok: true, value: catalog });
    // The other kinds carry no percent: catalogs stored before the kind existed read as they were.
    expect(catalog.slice(0, 4).every((r) => !("percent" in r))).toBe(true);
  });

  it("refuses a percent that is not a whole number from 1 to 100, on that row's value", () => {
    const error = (value: string) => errorsOf(parseRewards(form(row(value)), "EUR", DEFAULT_TIER_PROGRAM));
    expect(error("0")).toEqual({ "reward.4.value": { code: "range", vars: { min: 1, max: 100 } } });
    expect(error("101")).toEqual({ "reward.4.value": { code: "range", vars: { min: 1, max: 100 } } });
    expect(error("12,5")).toEqual({ "reward.4.value": { code: "integer" } });
    expect(error("12.5")).toEqual({ "reward.4.value": { code: "integer" } });
    expect(error("10%")).toEqual({ "reward.4.value": { code: "number" } });
    expect(error("")).toEqual({ "reward.4.value": { code: "required" } });
    expect(error("-5")).toEqual({ "reward.4.value": { code: "range", vars: { min: 1, max: 100 } } });
    expect(parseRewards(form(row("100")), "EUR", DEFAULT_TIER_PROGRAM)).toMatchObject({ ok: true });
    expect(parseRewards(form(row("1")), "EUR", DEFAULT_TIER_PROGRAM)).toMatchObject({ ok: true });
  });
});

describe("the warranty policy", () => {
  it("reads back the policy it shows, with overrides that coverage then applies", () => {
    expect(parseWarrantyPolicy(form(warrantyPolicyFields(DEFAULT_WARRANTY_POLICY)))).toEqual({ ok: true, value: DEFAULT_WARRANTY_POLICY });
    const parsed = parseWarrantyPolicy(
      form({
        defaultMonths: "24",
        startsAt: "purchase",
        overrideCount: "2",
        "override.0.match": "vendor",
        "override.0.value": " Baratza ",
        "override.0.months": "36",
        "override.1.match": "tag",
        "override.1.value": "outlet",
        "override.1.months": "0",
      }),
    );
    expect(parsed.ok && parsed.value).toEqual({
      defaultMonths: 24,
      startsAt: "purchase",
      overrides: [
        { match: "vendor", value: "Baratza", months: 36 },
        { match: "tag", value: "outlet", months: 0 },
      ],
    });
    const product = { productId: "1", productType: null, vendor: "Baratza", tags: ["Outlet"] };
    expect(parsed.ok && coverageMonths(parsed.value, product, null)).toBe(0);
    expect(parsed.ok && coverageMonths(parsed.value, { ...product, tags: [] }, null)).toBe(36);
  });

  it("refuses empty, duplicate and out-of-range overrides", () => {
    const errors = errorsOf(
      parseWarrantyPolicy(
        form({
          defaultMonths: "121",
          startsAt: "shipping",
          overrideCount: "3",
          "override.0.match": "tag",
          "override.0.value": "Outlet",
          "override.0.months": "6",
          "override.1.match": "tag",
          "override.1.value": "outlet",
          "override.1.months": "-1",
          "override.2.match": "sku",
          "override.2.value": "",
          "override.2.months": "6",
        }),
      ),
    );
    expect(errors).toEqual({
      defaultMonths: { code: "range", vars: { min: 0, max: 120 } },
      startsAt: { code: "choice" },
      "override.1.value": { code: "duplicate" },
      "override.1.months": { code: "range", vars: { min: 0, max: 120 } },
      "override.2.match": { code: "choice" },
      "override.2.value": { code: "required" },
    });
  });
});
