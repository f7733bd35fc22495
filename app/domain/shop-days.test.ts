import { describe, expect, it } from "vitest";
import { dayIn } from "./shop-days";

describe("dayIn", () => {
  it("is the shop's calendar day, not UTC's", () => {
    // 19:00 on Monday 23 Nov in Mexico City (UTC-6) is already Tuesday in UTC.
    expect(dayIn(new Date("2026-11-24T01:00:00Z"), "America/Mexico_City")).toBe("2026-11-23");
    expect(dayIn(new Date("2026-11-24T05:30:00Z"), "America/Mexico_City")).toBe("2026-11-23"); // 23:30 local
    expect(dayIn(new Date("2026-11-24T06:00:00Z"), "America/Mexico_City")).toBe("2026-11-24");
    // Auckland is UTC+13 in (southern) summer: its Tuesday starts on Monday 11:00 UTC.
    expect(dayIn(new Date("2026-11-23T11:30:00Z"), "Pacific/Auckland")).toBe("2026-11-24");
    expect(dayIn(new Date("2026-11-23T10:30:00Z"), "Pacific/Auckland")).toBe("2026-11-23");
  });

  it("reads an unknown or missing zone as UTC", () => {
    const at = new Date("2026-11-24T01:00:00Z");
    expect(dayIn(at, null)).toBe("2026-11-24");
    expect(dayIn(at, "Mars/Olympus_Mons")).toBe("2026-11-24");
    expect(dayIn(at, "UTC")).toBe("2026-11-24");
  });
});
