// What the server accepts in a claim (app/domain/claims.ts, app/domain/claim-photos.ts), so the
// form can say so before sending. Extensions cannot import the app; test/extension-limits.test.ts
// holds these to the server's.
export const MIN_DESCRIPTION = 10;
export const MAX_DESCRIPTION = 2000;
export const MAX_PHOTOS = 3;
export const MAX_PHOTO_BYTES = 5 * 1024 * 1024;
export const PHOTO_TYPES = ["image/jpeg", "image/png", "image/webp"];
