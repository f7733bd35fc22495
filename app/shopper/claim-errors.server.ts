// A claim or a photo refused answers a 4xx with a sentence in the shopper's language; anything else is a bug.
import { claimUnavailableText, errorText, type TextLocale } from "../domain/shopper-text";
import { ClaimInputError } from "../warranty/claims.server";
import { PhotoInputError } from "../warranty/claim-photos.server";
import { shopperError, shopperJson } from "./auth.server";

// A photo's refusals: too large is 413, a kind we do not take 415, the claim's state 409.
const PHOTO_STATUS = { photo_empty: 400, photo_too_large: 413, photo_type: 415, photo_too_many: 409, photo_claim_closed: 409 } as const;

export function claimErrorResponse(error: unknown, locale: TextLocale): Response {
  if (error instanceof PhotoInputError) return shopperError(PHOTO_STATUS[error.error], error.error, locale);
  if (!(error instanceof ClaimInputError)) throw error;
  const r = error.refusal;
  switch (r.code) {
    case "description":
      return shopperJson({ error: errorText(r.error, locale), code: r.error }, 400);
    case "not_found":
      return shopperError(404, "claim_not_found", locale);
    case "not_claimable":
      return shopperJson({ error: `${claimUnavailableText(r.reason, r.coverageEnd, locale)}.`, code: "not_claimable" }, 409);
    default:
      return shopperError(409, r.error === "reopened_already" ? "reopened_already" : "claim_not_allowed", locale);
  }
}
