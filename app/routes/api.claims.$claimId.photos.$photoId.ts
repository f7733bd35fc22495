// GET /api/claims/:claimId/photos/:photoId?shop&expires&signature: one photo of a shopper's claim,
// opened by the signed link in ClaimView.photos (the customer account's <img> sends no token).
import type { LoaderFunctionArgs } from "@remix-run/node";
import { requestLocale, shopperError } from "../shopper/auth.server";
import { isUuid } from "../shopper/requests";
import { photoResponse, shopperClaimPhoto } from "../warranty/claim-photos.server";

export async function loader({ request, params }: LoaderFunctionArgs) {
  const photo =
    isUuid(params.claimId) && isUuid(params.photoId)
      ? await shopperClaimPhoto(params.claimId, params.photoId, new URL(request.url).searchParams)
      : null;
  // A forged or expired link, and a photo gone with a redaction, all look the same.
  if (!photo) return shopperError(404, "claim_not_found", requestLocale(request));
  // The customer account's page (another origin) shows it.
  return photoResponse(photo, { "Access-Control-Allow-Origin": "*", "Cross-Origin-Resource-Policy": "cross-origin" });
}
