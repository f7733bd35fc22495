// GET /api/claims: the shopper's warranty claims. POST /api/claims: a claim on one of their units.
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { authenticateShopper, otherMethod, shopperBody, shopperError, shopperJson } from "../shopper/auth.server";
import { parseClaimRequest } from "../shopper/requests";
import { claimsOf, claimView, submitClaim } from "../warranty/claims.server";
import { claimErrorResponse } from "../shopper/claim-errors.server";

export async function loader({ request }: LoaderFunctionArgs) {
  const shopper = await authenticateShopper(request, "customerAccount");
  return shopperJson({ claims: await claimsOf(shopper.shop, shopper.shopifyCustomerId!, shopper.locale) });
}

export async function action({ request }: ActionFunctionArgs) {
  const shopper = await authenticateShopper(request, "customerAccount");
  if (request.method !== "POST") return otherMethod(request, "GET, POST");
  const input = parseClaimRequest(await shopperBody(request, shopper.locale));
  if (!input.ok) return shopperError(400, "bad_request", shopper.locale, input.error);
  try {
    const { claim, created } = await submitClaim(shopper.shop, shopper.shopifyCustomerId!, input.value);
    return shopperJson(claimView(claim, shopper.locale), created ? 201 : 200);
  } catch (error) {
    return claimErrorResponse(error, shopper.locale);
  }
}
