// Webhook signature check, kept apart from the intake so it can be compared with the Shopify library.
import { createHmac, timingSafeEqual } from "node:crypto";

// As @shopify/shopify-api compares: the base64 digest of the raw bytes against the header string,
// exactly, in constant time. A header of another length (or non-ASCII) is simply a mismatch.
export function hmacMatches(secret: string, body: Buffer, given: string): boolean {
  const expected = Buffer.from(createHmac("sha256", secret).update(body).digest("base64"));
  const actual = Buffer.from(given);
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}
