// POST /api/claims/:claimId/reopen: the shopper reopens a resolved or rejected claim (once).
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { authenticateShopper, otherMethod, shopperError, shopperJson } from "../shopper/auth.server";
import { actOnClaim, claimView } from "../warranty/claims.server";
import { claimErrorResponse } from "../shopper/claim-errors.server";
import { isUuid } from "../shopper/requests";

export async function action({ request, params }: ActionFunctionArgs) {
  const shopper = await authenticateShopper(request, "customerAccount");
  if (request.method !== "POST") return otherMethod(request, "POST");
  if (!isUuid(params.claimId)) return shopperError(404, "claim_not_found", shopper.locale);
  try {
    const claim = await actOnClaim(shopper.shop, params.claimId!, { type: "reopen" }, "shopper", {
      shopifyCustomerId: shopper.shopifyCustomerId!,
    });
    return shopperJson(claimView(claim, shopper.locale));
  } catch (error) {
    return claimErrorResponse(error, shopper.locale);
  }
}

export const loader = ({ request }: LoaderFunctionArgs) => otherMethod(request, "POST");
