// Secrets at rest (HubSpot tokens): AES-256-GCM under keys from the environment.
// - POSTVENTA_ENCRYPTION_KEY: the current key (32 bytes, base64); everything is encrypted with it.
// - POSTVENTA_ENCRYPTION_KEYS_PREVIOUS: older keys, comma-separated, newest first; still accepted
//   for decryption so a key can rotate without losing what was stored under the old one.
// Stored as "v2:<key id>:<iv>:<tag>:<ciphertext>", with the shop and the field as associated data:
// a value copied to another shop's row or another column does not decrypt. "v1:<iv>:<tag>:<data>"
// (before key ids and associated data) still decrypts under any configured key.
import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes } from "node:crypto";
import { config } from "./config.server";

const TAG_BYTES = 16;

interface Key {
  id: string;
  raw: Buffer;
}

// The keys' format is checked with the rest of the configuration (config.server.ts) at start.
function key(value: string): Key {
  const raw = Buffer.from(value, "base64");
  // An id that names the key without revealing it.
  return { id: createHmac("sha256", raw).update("postventa/key-id").digest("base64url").slice(0, 8), raw };
}

// Read on every call (a rotation or a test changes the environment); cheap next to the IO.
// Derived again only when the configured keys change: intake hashes an email per delivery.
let derived: { from: string; current: Key; all: Key[]; permanent: Map<string, Buffer> } | undefined;
function keys() {
  const { POSTVENTA_ENCRYPTION_KEY, POSTVENTA_ENCRYPTION_KEYS_PREVIOUS } = config();
  const from = [POSTVENTA_ENCRYPTION_KEY, ...POSTVENTA_ENCRYPTION_KEYS_PREVIOUS].join(",");
  if (derived?.from !== from) {
    const current = key(POSTVENTA_ENCRYPTION_KEY);
    derived = { from, current, all: [current, ...POSTVENTA_ENCRYPTION_KEYS_PREVIOUS.map(key)], permanent: new Map() };
  }
  return derived;
}

export interface SecretContext {
  shop: string;
  field: string;
}

const aad = (ctx: SecretContext) => Buffer.from(`postventa/secret\n${ctx.shop}\n${ctx.field}`);
// The cipher key is derived, so the key material itself is used by no two purposes.
const cipherKey = (k: Key) => hkdf(k, "secrets-at-rest/v2");

export function encryptSecret(plain: string, ctx: SecretContext): string {
  const k = keys().current;
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", cipherKey(k), iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(aad(ctx));
  const data = Buffer.concat([cipher.update(plain, "utf8"), cipher.final()]);
  return ["v2", k.id, iv.toString("base64"), cipher.getAuthTag().toString("base64"), data.toString("base64")].join(":");
}

export function decryptSecret(stored: string, ctx: SecretContext): string {
  const parts = stored.split(":");
  const { all } = keys();
  if (parts[0] === "v2" && parts.length === 5) {
    const [, id, iv, tag, data] = parts;
    const k = all.find((x) => x.id === id);
    if (!k)
      throw new Error(`this secret was encrypted with key ${id}, which is not configured: add it to POSTVENTA_ENCRYPTION_KEYS_PREVIOUS`);
    return open(cipherKey(k), iv, tag, data, aad(ctx));
  }
  if (parts[0] === "v1" && parts.length === 4) {
    const [, iv, tag, data] = parts;
    for (const k of all) {
      try {
        return open(k.raw, iv, tag, data, null);
      } catch {
        // Not this key: try the next.
      }
    }
    throw new Error("this secret does not decrypt under any configured key");
  }
  throw new Error("not an encrypted secret");
}

/** True when the value should be written again: older format or not under the current key. */
export function needsReencryption(stored: string): boolean {
  const [version, id] = stored.split(":");
  return version !== "v2" || id !== keys().current.id;
}

function open(key: Buffer, iv: string, tag: string, data: string, associated: Buffer | null): string {
  const tagBytes = Buffer.from(tag, "base64");
  // GCM accepts tags as short as 4 bytes unless told otherwise; a short one would be forgeable.
  if (tagBytes.length !== TAG_BYTES) throw new Error("not an encrypted secret (bad tag length)");
  const decipher = createDecipheriv("aes-256-gcm", key, Buffer.from(iv, "base64"), { authTagLength: TAG_BYTES });
  if (associated) decipher.setAAD(associated);
  decipher.setAuthTag(tagBytes);
  return Buffer.concat([decipher.update(Buffer.from(data, "base64")), decipher.final()]).toString("utf8");
}

// A key for one purpose only, so no two uses share key material.
function hkdf(k: Key, purpose: string): Buffer {
  return Buffer.from(hkdfSync("sha256", k.raw, Buffer.alloc(0), `postventa/${purpose}`, 32));
}

// A key for values that are compared forever and cannot be re-computed (email hashes in redaction
// tombstones: the email itself is gone). Derived from the original key, the oldest configured —
// the last of POSTVENTA_ENCRYPTION_KEYS_PREVIOUS, or the current key before any rotation — so a
// rotation leaves it unchanged. That key must therefore stay configured.
export function permanentKey(purpose: string): Buffer {
  const { all, permanent } = keys();
  let k = permanent.get(purpose);
  if (!k) permanent.set(purpose, (k = hkdf(all[all.length - 1], purpose)));
  return k;
}
