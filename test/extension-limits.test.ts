// The claim form's limits (extensions/shared/claim-limits.ts, a copy: extensions cannot import the
// app) are the server's.
import { describe, expect, it } from "vitest";
import * as form from "../extensions/shared/claim-limits.ts";
import { MAX_CLAIM_DESCRIPTION, MIN_CLAIM_DESCRIPTION } from "../app/domain/claims.ts";
import { CLAIM_PHOTO_TYPES, MAX_CLAIM_PHOTO_BYTES, MAX_CLAIM_PHOTOS } from "../app/domain/claim-photos.ts";

describe("the claim form checks what the server checks", () => {
  it("has the server's description, photo count, size and kinds", () => {
    expect([form.MIN_DESCRIPTION, form.MAX_DESCRIPTION]).toEqual([MIN_CLAIM_DESCRIPTION, MAX_CLAIM_DESCRIPTION]);
    expect([form.MAX_PHOTOS, form.MAX_PHOTO_BYTES]).toEqual([MAX_CLAIM_PHOTOS, MAX_CLAIM_PHOTO_BYTES]);
    expect(form.PHOTO_TYPES).toEqual([...CLAIM_PHOTO_TYPES]);
  });
});
