import { describe, expect, it } from "vitest";
import { canRedeem, defaultRewards, issuedStatus, offeredRewards, rewardCode, rewardExpiry, type Reward } from "./rewards";
import { DEFAULT_TIER_PROGRAM, tierIndex, tierNames, tierProgramOf, tiersReached, tierStanding, type TierProgram } from "./tiers";
import { parseBirthday } from "./birthday";
import { historyText, pickLocale, rewardTitle, tierBenefitsText, tierText, warrantyText } from "./shopper-text";
import { countsTowardLifetime } from "./loyalty";
import { ledgerEntry } from "./interactions";

const fiveOff: Reward = {
  id: "amount-5",
  kind: "amount_off",
  cost: 500,
  valueMinor: 500,
  minimumOrderMinor: null,
  validDays: 90,
  tiers: null,
};

describe("rewards", () => {
  it("lets a shopper redeem only what their balance and tier allow", () => {
    const [bronze, silver, gold] = DEFAULT_TIER_PROGRAM.tiers;
    expect(canRedeem(fiveOff, { balance: 500, tier: bronze })).toEqual({ ok: true });
    expect(canRedeem(fiveOff, { balance: 420, tier: bronze })).toEqual({ ok: false, reason: "not_enough_points", missing: 80 });
    expect(canRedeem({ ...fiveOff, tiers: ["gold"] }, { balance: 9999, tier: silver })).toEqual({ ok: false, reason: "tier" });
    expect(canRedeem({ ...fiveOff, tiers: ["gold"] }, { balance: 9999, tier: gold })).toEqual({ ok: true });
    // Renamed since: the id still names it.
    expect(canRedeem({ ...fiveOff, tiers: ["gold"] }, { balance: 9999, tier: { ...gold, name: "Oro" } })).toEqual({ ok: true });
  });

  it("offers store credit only where the shop granted its scope", () => {
    const all = defaultRewards("USD");
    expect(offeredRewards(all, ["write_discounts"]).map((r) => r.kind)).not.toContain("store_credit");
    expect(offeredRewards(all, ["write_discounts", "write_store_credit_account_transactions"]).map((r) => r.kind)).toContain(
      "store_credit",
    );
    expect(offeredRewards(all, ["read_orders"])).toEqual([]);
  });

  it("offers a percentage off only with a whole percent from 1 to 100", () => {
    const pct = (percent?: number): Reward => ({ ...fiveOff, id: `pct-${percent}`, kind: "percentage_off", valueMinor: null, percent });
    const catalog = [pct(10), pct(100), pct(1), pct(0), pct(150), pct(12.5), pct(undefined)];
    expect(offeredRewards(catalog, ["write_discounts"]).map((r) => r.percent)).toEqual([10, 100, 1]);
    expect(offeredRewards(catalog, ["write_store_credit_account_transactions"])).toEqual([]);
  });

  it("scales default values to the currency's minor units", () => {
    expect(defaultRewards("JPY").find((r) => r.id === "amount-5")!.valueMinor).toBe(5);
    expect(defaultRewards("USD").find((r) => r.id === "amount-5")!.valueMinor).toBe(500);
  });

  it("makes codes a shopper can type, without look-alike characters", () => {
    const code = rewardCode(new Uint8Array([0, 1, 2, 3, 4, 250, 251, 252, 253, 254]));
    expect(code).toMatch(/^PV-[2-9A-HJKMNP-Z]{5}-[2-9A-HJKMNP-Z]{5}$/);
    expect(() => rewardCode(new Uint8Array(3))).toThrow();
  });

  it("tells pending, unused, used, expired and failed apart", () => {
    const now = new Date("2026-06-01T00:00:00Z");
    const later = new Date("2026-07-01T00:00:00Z");
    expect(issuedStatus({ state: "reserved", usedOrderName: null, expiresAt: later }, now)).toBe("pending");
    expect(issuedStatus({ state: "issued", usedOrderName: null, expiresAt: later }, now)).toBe("unused");
    expect(issuedStatus({ state: "issued", usedOrderName: "#1051", expiresAt: now }, later)).toBe("used");
    expect(issuedStatus({ state: "issued", usedOrderName: null, expiresAt: now }, later)).toBe("expired");
    expect(issuedStatus({ state: "released", usedOrderName: null, expiresAt: later }, now)).toBe("failed");
    expect(rewardExpiry(fiveOff, now)!.toISOString()).toBe("2026-08-30T00:00:00.000Z");
    expect(rewardExpiry({ ...fiveOff, kind: "store_credit" }, now)).toBeNull();
  });

  it("keeps spending out of lifetime points (tiers)", () => {
    expect(countsTowardLifetime("redeem")).toBe(false);
    expect(countsTowardLifetime("redeem_release")).toBe(false);
    expect(countsTowardLifetime("earn")).toBe(true);
    expect(countsTowardLifetime("refund_reversal")).toBe(true);
  });
});

describe("tiers", () => {
  const standing = (measure: number, program: TierProgram = DEFAULT_TIER_PROGRAM) => tierStanding(measure, program);

  it("measures progress from this tier's threshold to the next", () => {
    expect(standing(0)).toMatchObject({ id: "bronze", name: "Bronze", next: { name: "Silver", needed: 1000 }, progress: 0 });
    expect(standing(750)).toMatchObject({ name: "Bronze", next: { name: "Silver", needed: 250 }, progress: 0.75 });
    expect(standing(3000)).toMatchObject({ name: "Silver", next: { name: "Gold", needed: 2000 }, progress: 0.5 });
    expect(standing(9000)).toMatchObject({ name: "Gold", next: null, progress: 1 });
    expect(standing(-5)).toMatchObject({ name: "Bronze", progress: 0 });
    expect(tierText(standing(999), "EUR", "es")).toBe("Te falta 1 punto para Silver");
    expect(tierText(standing(9000), "EUR", "en")).toBe("You're at the top tier: Gold");
  });

  it("says what is left in the program's own unit, and the tier's multiplier", () => {
    const bySpend: TierProgram = {
      basis: "spend",
      period: "rolling12",
      tiers: [
        { id: "member", name: "Member", threshold: 0, earnMultiplier: 1, welcomeRewardId: null },
        { id: "vip", name: "VIP", threshold: 50_000, earnMultiplier: 1.5, welcomeRewardId: null },
      ],
    };
    expect(tierText(standing(45_500, bySpend), "EUR", "en")).toBe("Spend €45.00 more to reach VIP (in the last 12 months)");
    expect(tierText(standing(45_500, bySpend), "EUR", "es")).toBe("Te faltan 45,00\u00a0€ en compras para VIP (en los últimos 12 meses)");
    const byOrders: TierProgram = {
      ...bySpend,
      basis: "orders",
      period: "lifetime",
      tiers: [bySpend.tiers[0], { ...bySpend.tiers[1], threshold: 5 }],
    };
    expect(tierText(standing(4, byOrders), "EUR", "en")).toBe("1 more order to reach VIP");
    expect(tierText(standing(2, byOrders), "EUR", "es")).toBe("Te faltan 3 pedidos para VIP");
    expect(tierBenefitsText(standing(5, byOrders), "es")).toBe("Como VIP, ganas 1,5 veces los puntos en cada pedido");
    expect(tierBenefitsText(standing(5, byOrders), "en")).toBe("As VIP, you earn 1.5× points on every order");
    expect(tierBenefitsText(standing(0, byOrders), "en")).toBeNull();
  });

  it("welcomes each tier reached moving up, none moving down", () => {
    const ids = (from: number, to: number) => tiersReached(from, to, DEFAULT_TIER_PROGRAM).map((t) => t.id);
    expect(ids(0, 2)).toEqual(["silver", "gold"]);
    expect(ids(1, 2)).toEqual(["gold"]);
    expect(ids(2, 1)).toEqual([]);
    expect(ids(1, 1)).toEqual([]);
    expect(tierIndex(5000, DEFAULT_TIER_PROGRAM)).toBe(2);
    expect(tierIndex(4999, DEFAULT_TIER_PROGRAM)).toBe(1);
  });

  it("reads a stored program sorted by threshold, and nothing stored as the default", () => {
    expect(tierProgramOf(null)).toBe(DEFAULT_TIER_PROGRAM);
    expect(tierProgramOf({ basis: "points", period: "lifetime", tiers: [] })).toBe(DEFAULT_TIER_PROGRAM);
    const stored = { basis: "orders", period: "lifetime", tiers: [...DEFAULT_TIER_PROGRAM.tiers].reverse() };
    expect(tierProgramOf(stored).tiers.map((t) => t.id)).toEqual(["bronze", "silver", "gold"]);
    expect(tierNames(["gold", "Silver"], DEFAULT_TIER_PROGRAM)).toEqual(["Silver", "Gold"]);
  });
});

describe("birthday", () => {
  it("accepts month and day (29 February too) or null, and says what is wrong otherwise", () => {
    expect(parseBirthday({ birthday: { month: 2, day: 29 } })).toEqual({ ok: true, birthday: { month: 2, day: 29 } });
    expect(parseBirthday({ birthday: null })).toEqual({ ok: true, birthday: null });
    expect(parseBirthday({ birthday: { month: 2, day: 30 } })).toMatchObject({ ok: false, error: expect.stringMatching(/1 to 29/) });
    expect(parseBirthday({ birthday: { month: 13, day: 1 } })).toMatchObject({ ok: false });
    expect(parseBirthday({ birthday: { month: "5", day: 1 } })).toMatchObject({ ok: false });
    expect(parseBirthday({ birthday: { month: 5, day: 1.5 } })).toMatchObject({ ok: false });
    expect(parseBirthday({})).toMatchObject({ ok: false });
    expect(parseBirthday(null)).toMatchObject({ ok: false });
  });
});

describe("shopper text", () => {
  it("picks Spanish for any Spanish locale and English otherwise", () => {
    expect(pickLocale("es-MX", null)).toBe("es");
    expect(pickLocale(null, "es-AR,es;q=0.9")).toBe("es");
    expect(pickLocale("fr", "es")).toBe("en");
    expect(pickLocale(null, null)).toBe("en");
  });

  it("writes each ledger kind as a sentence in the reader's language", () => {
    expect(historyText("earn", { orderName: "#1042" }, "USD", "es")).toBe("Ganados en el pedido #1042");
    expect(historyText("refund_reversal", { orderName: "#1042" }, "USD", "en")).toBe("Reversed by a refund on order #1042");
    const reward = { id: "amount-5", kind: "amount_off" as const, valueMinor: 500, currency: "EUR" };
    expect(historyText("redeem", { reward }, "EUR", "en")).toBe("Redeemed for: €5.00 off your next order");
    expect(historyText("redeem", { reward }, "EUR", "es")).toMatch(/^Canjeados por: 5,00\s€ de descuento en tu próximo pedido$/);
    expect(rewardTitle({ kind: "free_shipping", valueMinor: null, minimumOrderMinor: 5000 }, "USD", "en")).toBe(
      "Free shipping on orders from $50.00",
    );
  });

  it("writes a percentage-off reward as a percent, in the title, the history and the HubSpot note", () => {
    const tenOff = { kind: "percentage_off" as const, valueMinor: null, percent: 10 };
    expect(rewardTitle(tenOff, "EUR", "en")).toBe("10% off your next order");
    expect(rewardTitle(tenOff, "EUR", "es")).toBe("10 % de descuento en tu próximo pedido");
    expect(rewardTitle({ ...tenOff, minimumOrderMinor: 5000 }, "USD", "en")).toBe("10% off orders from $50.00");
    expect(rewardTitle({ ...tenOff, minimumOrderMinor: 5000 }, "EUR", "es")).toMatch(/^10 % de descuento en pedidos desde 50,00\s€$/);
    const reward = { id: "percentage-off-1", ...tenOff, currency: "EUR" };
    expect(historyText("redeem", { reward }, "EUR", "es")).toBe("Canjeados por: 10 % de descuento en tu próximo pedido");
    expect(historyText("redeem_release", { reward }, "EUR", "en")).toBe("Returned: “10% off your next order” could not be created");
    const note = ledgerEntry({
      key: "redeem:r1",
      kind: "redeem",
      points: -800,
      balanceAfter: 200,
      params: { reward },
      currency: "EUR",
      at: "2026-11-24T10:00:00Z",
    });
    expect(note?.body).toContain("Redeemed for: 10% off your next order");
  });

  it("says how long a warranty still covers", () => {
    const end = new Date("2027-05-03T00:00:00Z");
    expect(warrantyText({ status: "active", coverageEnd: end, daysLeft: 161, voidReason: null }, "en")).toBe(
      "Covered until May 3, 2027 (161 days left)",
    );
    expect(warrantyText({ status: "active", coverageEnd: end, daysLeft: 1, voidReason: null }, "es")).toBe(
      "Cubierto hasta el 3 de mayo de 2027 (queda 1 día)",
    );
    expect(warrantyText({ status: "active", coverageEnd: end, daysLeft: 161, voidReason: null, awaitingDelivery: true }, "es")).toContain(
      "La garantía cuenta desde la entrega; hasta que se confirme, desde el envío",
    );
    expect(warrantyText({ status: "pending_fulfillment", coverageEnd: null, daysLeft: null, voidReason: null }, "es")).toBe(
      "La garantía empieza cuando se envíe",
    );
  });
});
