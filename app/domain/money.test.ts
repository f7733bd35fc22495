import { describe, expect, it } from "vitest";
import { mulberry32 } from "../../test/random";
import { fromMinor, toMinor } from "./money";

describe("fromMinor", () => {
  it("writes minor units as the currency's decimal string", () => {
    expect(fromMinor(123450, "USD")).toBe("1234.50");
    expect(fromMinor(5, "USD")).toBe("0.05");
    expect(fromMinor(0, "EUR")).toBe("0.00");
    expect(fromMinor(1500, "CLP")).toBe("1500");
    expect(fromMinor(1, "KWD")).toBe("0.001");
    expect(fromMinor(-250, "USD")).toBe("-2.50");
  });

  it("is exact where float division is not, and toMinor reads back what it wrote", () => {
    expect(fromMinor(Number.MAX_SAFE_INTEGER, "USD")).toBe("90071992547409.91");
    const rand = mulberry32(11);
    for (let i = 0; i < 2000; i++) {
      const currency = ["USD", "JPY", "KWD"][i % 3];
      const minor = Math.floor(rand() * Number.MAX_SAFE_INTEGER) * (rand() < 0.2 ? -1 : 1);
      expect(toMinor(fromMinor(minor, currency), currency)).toBe(minor);
    }
  });
});
