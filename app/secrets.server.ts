// Secrets at rest (HubSpot tokens): AES-256-GCM with a key from the environment
// (POSTVENTA_ENCRYPTION_KEY, 32 bytes base64). Stored as "v1:<iv>:<tag>:<ciphertext>" so the key
// or algorithm can be rotated later. A tampered value or a wrong key fails loudly.
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from "node:crypto";

function key(): Buffer {
  const raw = process.env.POSTVENTA_ENCRYPTION_KEY;
  if (!raw) throw new Error("POSTVENTA_ENCRYPTION_KEY is not set: generate one with `openssl rand -base64 32`");
  const k = Buffer.from(raw, "base64");
  if (k.length !== 32) throw new Error("POSTVENTA_ENCRYPTION_KEY must be 32 bytes, base64-encoded");
  return k;
}

export function encryptSecret(plain: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", key(), iv);
  const data = Buffer.concat([cipher.update(plain, "utf8"), cipher.final()]);
  return ["v1", iv.toString("base64"), cipher.getAuthTag().toString("base64"), data.toString("base64")].join(":");
}

export function decryptSecret(stored: string): string {
  const [version, iv, tag, data] = stored.split(":");
  if (version !== "v1" || !iv || !tag || !data) throw new Error("not an encrypted secret");
  const decipher = createDecipheriv("aes-256-gcm", key(), Buffer.from(iv, "base64"));
  decipher.setAuthTag(Buffer.from(tag, "base64"));
  return Buffer.concat([decipher.update(Buffer.from(data, "base64")), decipher.final()]).toString("utf8");
}

// A key for one purpose only, derived from the same secret, so no two uses share key material.
export function derivedKey(purpose: string): Buffer {
  return Buffer.from(hkdfSync("sha256", key(), Buffer.alloc(0), `postventa/${purpose}`, 32));
}
