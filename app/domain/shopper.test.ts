import { describe, expect, it } from "vitest";
import { canRedeem, defaultRewards, issuedStatus, offeredRewards, rewardCode, rewardExpiry, type Reward } from "./rewards";
import { tierStanding } from "./tiers";
import { parseBirthday } from "./birthday";
import { historyText, pickLocale, rewardTitle, tierText, warrantyText } from "./shopper-text";
import { countsTowardLifetime } from "./loyalty";

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
    expect(canRedeem(fiveOff, { balance: 500, tier: "Bronze" })).toEqual({ ok: true });
    expect(canRedeem(fiveOff, { balance: 420, tier: "Bronze" })).toEqual({ ok: false, reason: "not_enough_points", missing: 80 });
    expect(canRedeem({ ...fiveOff, tiers: ["Gold"] }, { balance: 9999, tier: "Silver" })).toEqual({ ok: false, reason: "tier" });
  });

  it("offers store credit only where the shop granted its scope", () => {
    const all = defaultRewards("USD");
    expect(offeredRewards(all, ["write_discounts"]).map((r) => r.kind)).not.toContain("store_credit");
    expect(offeredRewards(all, ["write_discounts", "write_store_credit_account_transactions"]).map((r) => r.kind)).toContain(
      "store_credit",
    );
    expect(offeredRewards(all, ["read_orders"])).toEqual([]);
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
  it("measures progress from this tier's threshold to the next", () => {
    expect(tierStanding(0)).toEqual({ name: "Bronze", next: { name: "Silver", pointsNeeded: 1000 }, progress: 0 });
    expect(tierStanding(750)).toEqual({ name: "Bronze", next: { name: "Silver", pointsNeeded: 250 }, progress: 0.75 });
    expect(tierStanding(3000)).toEqual({ name: "Silver", next: { name: "Gold", pointsNeeded: 2000 }, progress: 0.5 });
    expect(tierStanding(9000)).toEqual({ name: "Gold", next: null, progress: 1 });
    expect(tierText(tierStanding(999), "es")).toBe("Te falta 1 punto para Silver");
    expect(tierText(tierStanding(9000), "en")).toBe("You're at the top tier: Gold");
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
