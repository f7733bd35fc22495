// A claim refused answers a 4xx with a sentence in the shopper's language; anything else is a bug.
import { claimUnavailableText, type TextLocale } from "../domain/shopper-text";
import { ClaimInputError } from "../warranty/claims.server";
import { shopperError } from "./auth.server";

export function claimErrorResponse(error: unknown, locale: TextLocale): Response {
  if (!(error instanceof ClaimInputError)) throw error;
  switch (error.code) {
    case "bad_request":
      return shopperError(400, "bad_request", locale, error.message);
    case "not_found":
      return shopperError(404, "claim_not_found", locale);
    case "not_claimable": {
      const reason = error.message as Parameters<typeof claimUnavailableText>[0];
      return shopperError(409, "not_claimable", locale, claimUnavailableText(reason, null, locale).toLowerCase());
    }
    default:
      return shopperError(409, error.message === "reopened_already" ? "reopened_already" : "claim_not_allowed", locale);
  }
}
