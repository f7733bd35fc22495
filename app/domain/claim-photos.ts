// Photos on a warranty claim: how many, how large, which kinds. Pure; the upload route, the server
// and the tests ask these (the extension keeps a copy of the numbers, checked against these in
// its tests). The kind comes from the bytes, never from what the sender declared: a browser shows
// a photo by its content, so an HTML page declared as "image/jpeg" must not be stored as one.
import { OPEN_CLAIM_STATUSES, type ClaimStatus } from "./claims";

export const MAX_CLAIM_PHOTOS = 3;
export const MAX_CLAIM_PHOTO_BYTES = 5 * 1024 * 1024; // a phone's JPEG is 2–4 MB
export const CLAIM_PHOTO_TYPES = ["image/jpeg", "image/png", "image/webp"] as const;
export type ClaimPhotoType = (typeof CLAIM_PHOTO_TYPES)[number];

const startsWith = (bytes: Uint8Array, at: number, signature: number[]) => signature.every((b, i) => bytes[at + i] === b);
const ascii = (s: string) => Array.from(s, (c) => c.charCodeAt(0));

/** The photo's kind by its first bytes (its magic number), or null when it is none we accept. */
export function sniffPhotoType(bytes: Uint8Array): ClaimPhotoType | null {
  if (startsWith(bytes, 0, [0xff, 0xd8, 0xff])) return "image/jpeg";
  if (startsWith(bytes, 0, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return "image/png";
  if (startsWith(bytes, 0, ascii("RIFF")) && startsWith(bytes, 8, ascii("WEBP"))) return "image/webp";
  return null;
}

export type PhotoRefusal = "photo_empty" | "photo_too_large" | "photo_type" | "photo_too_many" | "photo_claim_closed";

/** Whether a claim takes more photos: while it is open, up to MAX_CLAIM_PHOTOS. */
export function takesPhotos(claim: { status: ClaimStatus; photos: number }): boolean {
  return OPEN_CLAIM_STATUSES.includes(claim.status) && claim.photos < MAX_CLAIM_PHOTOS;
}

/**
 * Whether a photo of `bytes` may join `claim` (its status and how many photos it holds). A resend
 * of an upload the claim holds is answered before this is asked, so it never counts against the
 * limit.
 */
export function checkClaimPhoto(
  bytes: Uint8Array,
  claim: { status: ClaimStatus; photos: number },
): { ok: true; type: ClaimPhotoType } | { ok: false; error: PhotoRefusal } {
  if (!OPEN_CLAIM_STATUSES.includes(claim.status)) return { ok: false, error: "photo_claim_closed" };
  if (bytes.length === 0) return { ok: false, error: "photo_empty" };
  if (bytes.length > MAX_CLAIM_PHOTO_BYTES) return { ok: false, error: "photo_too_large" };
  const type = sniffPhotoType(bytes);
  if (!type) return { ok: false, error: "photo_type" };
  if (!takesPhotos(claim)) return { ok: false, error: "photo_too_many" };
  return { ok: true, type };
}
