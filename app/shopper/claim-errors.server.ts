// A claim refused answers a 4xx with a sentence in the shopper's language; anything else is a bug.
import { claimUnavailableText, errorText, type TextLocale } from "../domain/shopper-text";
import { ClaimInputError } from "../warranty/claims.server";
import { shopperError, shopperJson } from "./auth.server";

export function claimErrorResponse(error: unknown, locale: TextLocale): Response {
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
