// GET /api/returns: the shopper's returns. POST /api/returns: a return of units of one of their orders.
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { authenticateShopper, otherMethod, shopperBody, shopperError, shopperJson } from "../shopper/auth.server";
import { parseReturnRequest } from "../shopper/requests";
import { submitReturn } from "../returns/returns.server";
import { returnsOf, returnViewOf } from "../returns/views.server";
import { returnErrorResponse } from "../shopper/return-errors.server";

export async function loader({ request }: LoaderFunctionArgs) {
  const shopper = await authenticateShopper(request, "customerAccount");
  return shopperJson({ returns: await returnsOf(shopper.shop, shopper.shopifyCustomerId!, shopper.locale) });
}

export async function action({ request }: ActionFunctionArgs) {
  const shopper = await authenticateShopper(request, "customerAccount");
  if (request.method !== "POST") return otherMethod(request, "GET, POST");
  const input = parseReturnRequest(await shopperBody(request, shopper.locale));
  if (!input.ok) return shopperError(400, "bad_request", shopper.locale, input.error);
  try {
    const { returnId, created } = await submitReturn(shopper.shop, shopper.shopifyCustomerId!, {
      ...input.value,
      note: input.value.note ?? null,
    });
    const view = (await returnViewOf(returnId, shopper.locale))!;
    // Shopify refused it: final, as the same submission asked again is.
    if (view.status === "failed") return shopperError(409, "return_refused", shopper.locale);
    // Still being sent (Shopify did not answer yet): the page shows it as such.
    if (view.status === "requesting") return shopperJson(view, 202);
    return shopperJson(view, created ? 201 : 200);
  } catch (error) {
    return returnErrorResponse(error, shopper.locale);
  }
}
