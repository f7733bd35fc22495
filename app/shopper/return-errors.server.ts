// A return refused answers a 4xx with a sentence in the shopper's language; anything else is a bug.
import { returnUnitText, type TextLocale } from "../domain/shopper-text";
import { ReturnInputError } from "../returns/returns.server";
import { shopperError, shopperJson } from "./auth.server";

export function returnErrorResponse(error: unknown, locale: TextLocale): Response {
  if (!(error instanceof ReturnInputError)) throw error;
  const r = error.refusal;
  switch (r.code) {
    case "not_found":
      return shopperError(404, "not_found", locale);
    case "bad_request":
      return shopperError(400, r.error, locale, r.max === undefined ? "" : String(r.max));
    default:
      // The unit's own sentence: "Final sale: it cannot be returned", "The return window ended on …".
      return shopperJson(
        { error: `${returnUnitText({ eligible: false, reason: r.reason, deadline: r.deadline }, locale)}.`, code: "not_returnable" },
        409,
      );
  }
}
