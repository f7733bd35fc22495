import { randomBytes } from "node:crypto";
import { beforeEach, describe, expect, it } from "vitest";
import { decryptSecret, encryptSecret } from "./secrets.server";

const token = "pat-na1-11111111-2222-3333-4444-555555555555";
beforeEach(() => {
  process.env.POSTVENTA_ENCRYPTION_KEY = randomBytes(32).toString("base64");
});

describe("secrets at rest", () => {
  it("round-trips, and the stored form never contains the token", () => {
    const stored = encryptSecret(token);
    expect(stored).not.toContain(token);
    expect(stored).not.toContain(Buffer.from(token).toString("base64"));
    expect(decryptSecret(stored)).toBe(token);
    expect(encryptSecret(token)).not.toBe(stored); // fresh IV each time
  });
  it("refuses a tampered value and a different key", () => {
    const stored = encryptSecret(token);
    const parts = stored.split(":");
    const flipped = Buffer.from(parts[3], "base64");
    flipped[0] ^= 1;
    expect(() => decryptSecret([...parts.slice(0, 3), flipped.toString("base64")].join(":"))).toThrow();
    process.env.POSTVENTA_ENCRYPTION_KEY = randomBytes(32).toString("base64");
    expect(() => decryptSecret(stored)).toThrow();
  });
  it("explains a missing or malformed key", () => {
    delete process.env.POSTVENTA_ENCRYPTION_KEY;
    expect(() => encryptSecret(token)).toThrow(/POSTVENTA_ENCRYPTION_KEY is not set/);
    process.env.POSTVENTA_ENCRYPTION_KEY = "short";
    expect(() => encryptSecret(token)).toThrow(/32 bytes/);
  });
});
