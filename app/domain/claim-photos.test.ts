import { describe, expect, it } from "vitest";
import { checkClaimPhoto, MAX_CLAIM_PHOTO_BYTES, MAX_CLAIM_PHOTOS, sniffPhotoType, takesPhotos } from "./claim-photos";

const bytes = (...parts: Array<number[] | string>) =>
  Uint8Array.from(parts.flatMap((p) => (typeof p === "string" ? Array.from(p, (c) => c.charCodeAt(0)) : p)));
const JPEG = bytes([0xff, 0xd8, 0xff, 0xe0, 0, 0x10], "JFIF");
const PNG = bytes([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d], "IHDR");
const WEBP = bytes("RIFF", [0x24, 0, 0, 0], "WEBPVP8 ");

describe("a claim photo's kind comes from its bytes", () => {
  it("knows JPEG, PNG and WebP by their magic numbers", () => {
    expect(sniffPhotoType(JPEG)).toBe("image/jpeg");
    expect(sniffPhotoType(PNG)).toBe("image/png");
    expect(sniffPhotoType(WEBP)).toBe("image/webp");
  });

  it("refuses what only looks like a photo by name or by a part of a signature", () => {
    expect(sniffPhotoType(bytes("<html><script>alert(1)</script>"))).toBeNull();
    expect(sniffPhotoType(bytes("GIF89a"))).toBeNull();
    expect(sniffPhotoType(bytes("RIFF", [0, 0, 0, 0], "WAVEfmt "))).toBeNull(); // a RIFF that is not WebP
    expect(sniffPhotoType(bytes([0xff, 0xd8]))).toBeNull(); // cut short
    expect(sniffPhotoType(bytes([0x89], "PNG"))).toBeNull();
    expect(sniffPhotoType(new Uint8Array())).toBeNull();
  });
});

const open = (photos: number) => ({ status: "in_review" as const, photos });

describe("checkClaimPhoto", () => {
  it("accepts a photo up to the size and count limits", () => {
    expect(checkClaimPhoto(JPEG, open(0))).toEqual({ ok: true, type: "image/jpeg" });
    expect(checkClaimPhoto(PNG, open(MAX_CLAIM_PHOTOS - 1))).toEqual({ ok: true, type: "image/png" });
    expect(checkClaimPhoto(WEBP, { status: "approved", photos: 0 })).toEqual({ ok: true, type: "image/webp" });
    const largest = new Uint8Array(MAX_CLAIM_PHOTO_BYTES);
    largest.set(JPEG);
    expect(checkClaimPhoto(largest, open(0))).toEqual({ ok: true, type: "image/jpeg" });
  });

  it("says what is wrong: empty, too large, not a photo, one too many, a closed claim", () => {
    expect(checkClaimPhoto(new Uint8Array(), open(0))).toEqual({ ok: false, error: "photo_empty" });
    const over = new Uint8Array(MAX_CLAIM_PHOTO_BYTES + 1);
    over.set(JPEG);
    expect(checkClaimPhoto(over, open(0))).toEqual({ ok: false, error: "photo_too_large" });
    expect(checkClaimPhoto(bytes("%PDF-1.7"), open(0))).toEqual({ ok: false, error: "photo_type" });
    expect(checkClaimPhoto(WEBP, open(MAX_CLAIM_PHOTOS))).toEqual({ ok: false, error: "photo_too_many" });
    expect(checkClaimPhoto(JPEG, { status: "resolved", photos: 0 })).toEqual({ ok: false, error: "photo_claim_closed" });
    expect(checkClaimPhoto(JPEG, { status: "rejected", photos: 0 })).toEqual({ ok: false, error: "photo_claim_closed" });
  });

  it("tells the shopper's page whether a claim takes more photos", () => {
    expect(takesPhotos(open(MAX_CLAIM_PHOTOS - 1))).toBe(true);
    expect(takesPhotos(open(MAX_CLAIM_PHOTOS))).toBe(false);
    expect(takesPhotos({ status: "resolved", photos: 0 })).toBe(false);
  });
});
