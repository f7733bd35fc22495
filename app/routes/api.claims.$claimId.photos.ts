// POST /api/claims/:claimId/photos?clientId=<uuid>: the shopper adds a photo (the body is the
// image's bytes) to their own open claim. The same clientId again adds nothing and answers 200.
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { authenticateShopper, otherMethod, shopperBytes, shopperError, shopperJson } from "../shopper/auth.server";
import { isUuid } from "../shopper/requests";
import { claimErrorResponse } from "../shopper/claim-errors.server";
import { MAX_CLAIM_PHOTO_BYTES } from "../domain/claim-photos";
import { addClaimPhoto } from "../warranty/claim-photos.server";
import { claimView } from "../warranty/claims.server";

export async function action({ request, params }: ActionFunctionArgs) {
  const shopper = await authenticateShopper(request, "customerAccount");
  if (request.method !== "POST") return otherMethod(request, "POST");
  if (!isUuid(params.claimId)) return shopperError(404, "claim_not_found", shopper.locale);
  const clientId = new URL(request.url).searchParams.get("clientId");
  if (!isUuid(clientId)) {
    const detail =
      shopper.locale === "es" ? "clientId debe ser un UUID creado una vez por foto" : "clientId must be a UUID made once per photo";
    return shopperError(400, "bad_request", shopper.locale, detail);
  }
  const bytes = await shopperBytes(request, MAX_CLAIM_PHOTO_BYTES, () => shopperError(413, "photo_too_large", shopper.locale));
  try {
    const { claim, created } = await addClaimPhoto(shopper.shop, shopper.shopifyCustomerId!, params.claimId, clientId.toLowerCase(), bytes);
    return shopperJson(claimView(claim, shopper.locale), created ? 201 : 200);
  } catch (error) {
    return claimErrorResponse(error, shopper.locale);
  }
}

export const loader = ({ request }: LoaderFunctionArgs) => otherMethod(request, "POST");
