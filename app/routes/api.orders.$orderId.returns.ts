// GET /api/orders/:orderId/returns: what one of the shopper's orders offers to return.
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { authenticateShopper, orderIdParam, otherMethod, shopperError, shopperJson } from "../shopper/auth.server";
import { returnOptions } from "../returns/views.server";

export async function loader({ request, params }: LoaderFunctionArgs) {
  const shopper = await authenticateShopper(request, "customerAccount");
  const orderId = orderIdParam(shopper, params.orderId);
  // Someone else's order answers exactly like one we do not know: 404, nothing about it.
  const view = await returnOptions(shopper.shop, shopper.shopifyCustomerId!, orderId, shopper.locale);
  return view ? shopperJson(view) : shopperError(404, "not_found", shopper.locale);
}

export const action = ({ request }: ActionFunctionArgs) => otherMethod(request, "GET");
