import { spawn } from "node:child_process";
import { createCipheriv, randomBytes } from "node:crypto";
import path from "node:path";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { decryptSecret, encryptSecret, needsReencryption } from "./secrets.server";
import { readConfig } from "./config.server";

const token = "pat-na1-11111111-2222-3333-4444-555555555555";
const ctx = { shop: "a.myshopify.com", field: "HubSpotConnection.accessToken" };
const newKey = () => randomBytes(32).toString("base64");
beforeEach(() => {
  process.env.POSTVENTA_ENCRYPTION_KEY = newKey();
  delete process.env.POSTVENTA_ENCRYPTION_KEYS_PREVIOUS;
});

// The format stored before key ids and associated data: "v1:<iv>:<tag>:<data>" under the raw key.
function v1(plain: string, key: string): string {
  const iv = randomBytes(12);
  const c = createCipheriv("aes-256-gcm", Buffer.from(key, "base64"), iv);
  const data = Buffer.concat([c.update(plain, "utf8"), c.final()]);
  return ["v1", iv.toString("base64"), c.getAuthTag().toString("base64"), data.toString("base64")].join(":");
}

describe("secrets at rest", () => {
  it("round-trips, and the stored form never contains the token", () => {
    const stored = encryptSecret(token, ctx);
    expect(stored).not.toContain(token);
    expect(stored).not.toContain(Buffer.from(token).toString("base64"));
    expect(decryptSecret(stored, ctx)).toBe(token);
    expect(encryptSecret(token, ctx)).not.toBe(stored); // fresh IV each time
  });

  it("refuses a tampered value and a different key", () => {
    const stored = encryptSecret(token, ctx);
    const parts = stored.split(":");
    const flipped = Buffer.from(parts[4], "base64");
    flipped[0] ^= 1;
    expect(() => decryptSecret([...parts.slice(0, 4), flipped.toString("base64")].join(":"), ctx)).toThrow();
    process.env.POSTVENTA_ENCRYPTION_KEY = newKey();
    expect(() => decryptSecret(stored, ctx)).toThrow(/not configured/);
  });

  it("a value copied to another shop's row or another column does not decrypt", () => {
    const stored = encryptSecret(token, ctx);
    expect(() => decryptSecret(stored, { ...ctx, shop: "b.myshopify.com" })).toThrow();
    expect(() => decryptSecret(stored, { ...ctx, field: "HubSpotConnection.refreshToken" })).toThrow();
  });

  it("refuses a truncated authentication tag (GCM would otherwise accept 4 bytes)", () => {
    const parts = encryptSecret(token, ctx).split(":");
    const short = Buffer.from(parts[3], "base64").subarray(0, 4).toString("base64");
    expect(() => decryptSecret([...parts.slice(0, 3), short, parts[4]].join(":"), ctx)).toThrow(/tag length/);
    const old = v1(token, process.env.POSTVENTA_ENCRYPTION_KEY!).split(":");
    expect(() =>
      decryptSecret([...old.slice(0, 2), Buffer.from(old[2], "base64").subarray(0, 4).toString("base64"), old[3]].join(":"), ctx),
    ).toThrow();
  });

  it("rotates: the current key encrypts, previous keys still decrypt, and an old-format value too", () => {
    const oldKey = process.env.POSTVENTA_ENCRYPTION_KEY!;
    const before = encryptSecret(token, ctx);
    const legacy = v1(token, oldKey);
    expect(needsReencryption(before)).toBe(false);
    expect(needsReencryption(legacy)).toBe(true);

    process.env.POSTVENTA_ENCRYPTION_KEY = newKey();
    process.env.POSTVENTA_ENCRYPTION_KEYS_PREVIOUS = oldKey;
    expect(decryptSecret(before, ctx)).toBe(token);
    expect(decryptSecret(legacy, ctx)).toBe(token);
    expect(needsReencryption(before)).toBe(true);
    const after = encryptSecret(token, ctx);
    expect(after.split(":")[1]).not.toBe(before.split(":")[1]); // a new key id
    expect(needsReencryption(after)).toBe(false);

    delete process.env.POSTVENTA_ENCRYPTION_KEYS_PREVIOUS;
    expect(() => decryptSecret(before, ctx)).toThrow(/POSTVENTA_ENCRYPTION_KEYS_PREVIOUS/);
    expect(decryptSecret(after, ctx)).toBe(token);
  });

  it("a customer redacted before a key rotation is still recognised after it (tombstone hashes keep their key)", async () => {
    // A fresh module each time, as a restarted process after the rotation would load it.
    const emailHash = async (shop: string, email: string) => {
      vi.resetModules();
      return (await import("./privacy/tombstone.server")).emailHash(shop, email);
    };
    const original = process.env.POSTVENTA_ENCRYPTION_KEY!;
    const tombstone = await emailHash(ctx.shop, "Gone@Example.com");
    const second = newKey();
    process.env.POSTVENTA_ENCRYPTION_KEY = second;
    process.env.POSTVENTA_ENCRYPTION_KEYS_PREVIOUS = original;
    expect(await emailHash(ctx.shop, "gone@example.com ")).toBe(tombstone);
    process.env.POSTVENTA_ENCRYPTION_KEY = newKey();
    process.env.POSTVENTA_ENCRYPTION_KEYS_PREVIOUS = `${second},${original}`;
    expect(await emailHash(ctx.shop, "gone@example.com")).toBe(tombstone);
    expect(await emailHash("other.myshopify.com", "gone@example.com")).not.toBe(tombstone);
  });

  it("the start check explains a missing or malformed key and how to make one", () => {
    const check = (env: Record<string, string | undefined>) => () => readConfig({ ...process.env, ...env });
    expect(check({})).not.toThrow();
    expect(check({ POSTVENTA_ENCRYPTION_KEY: undefined })).toThrow(/POSTVENTA_ENCRYPTION_KEY: is not set/);
    for (const bad of ["short", randomBytes(16).toString("base64"), randomBytes(32).toString("hex"), `${newKey().slice(0, 40)}!!!=`])
      expect(check({ POSTVENTA_ENCRYPTION_KEY: bad })).toThrow(
        /POSTVENTA_ENCRYPTION_KEY: must be 32 random bytes in base64.*openssl rand -base64 32/,
      );
    expect(check({ POSTVENTA_ENCRYPTION_KEYS_PREVIOUS: `${newKey()},nope` })).toThrow(
      /POSTVENTA_ENCRYPTION_KEYS_PREVIOUS: entry 2 must be 32 random bytes/,
    );
  });
});

describe("at start", () => {
  // The entry points as `npm start` and `npm run worker` run them; an unreachable database, so a
  // process that got past the check would fail differently.
  const run = (entry: string, key: string | undefined) =>
    new Promise<{ code: number | null; stderr: string }>((resolve) => {
      const env = { ...process.env, DATABASE_URL: "postgresql://postgres:postgres@127.0.0.1:1/none", POSTVENTA_ENCRYPTION_KEY: key };
      if (key === undefined) delete env.POSTVENTA_ENCRYPTION_KEY;
      const child = spawn(path.resolve("node_modules/.bin/node"), ["--import", "tsx", entry], { env, stdio: ["ignore", "ignore", "pipe"] });
      let stderr = "";
      child.stderr.on("data", (d) => (stderr += d));
      child.on("exit", (code) => resolve({ code, stderr }));
    });

  it("the web process and the worker refuse a missing or malformed key, saying how to make one", async () => {
    for (const entry of ["server/main.ts", "server/worker-main.ts"]) {
      const missing = await run(entry, undefined);
      expect(missing.code).toBe(78);
      expect(missing.stderr).toMatch(/POSTVENTA_ENCRYPTION_KEY: is not set/);
      const malformed = await run(entry, "not-a-key");
      expect(malformed.code).toBe(78);
      expect(malformed.stderr).toMatch(/POSTVENTA_ENCRYPTION_KEY: must be 32 random bytes in base64.*openssl rand -base64 32/);
    }
  }, 60_000);
});
