// GET /app/claims/:claimId/photos/:photoId: a photo of one of the shop's claims, for its admin page
// (fetched with App Bridge's session token). Another shop's photo is "not found".
import type { LoaderFunctionArgs } from "@remix-run/node";
import { authenticate } from "../shopify.server";
import { isUuid } from "../shopper/requests";
import { merchantClaimPhoto, photoResponse } from "../warranty/claim-photos.server";

export const loader = async ({ request, params }: LoaderFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const photo =
    isUuid(params.claimId) && isUuid(params.photoId) ? await merchantClaimPhoto(session.shop, params.claimId, params.photoId) : null;
  if (!photo)
    return new Response("Not found", {
      status: 404,
      headers: { "Content-Type": "text/plain; charset=utf-8", "Cache-Control": "no-store" },
    });
  return photoResponse(photo);
};
