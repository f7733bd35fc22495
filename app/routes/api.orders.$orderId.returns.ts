// GET /api/orders/:orderId/returns: what one of the shopper's orders offers to return.
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { authenticateShopper, otherMethod, shopperError, shopperJson } from "../shopper/auth.server";
import { parseOrderId } from "../shopper/requests";
import { returnOptions } from "../returns/views.server";

export async function loader({ request, params }: LoaderFunctionArgs) {
  const shopper = await authenticateShopper(request, "customerAccount");
  const orderId = parseOrderId(decodeURIComponent(params.orderId ?? ""));
  if (!orderId)
    return shopperError(
      400,
      "bad_request",
      shopper.locale,
      shopper.locale === "es" ? "el id del pedido no es válido" : "the order id is not valid",
    );
  // Someone else's order answers exactly like one we do not know: 404, nothing about it.
  const view = await returnOptions(shopper.shop, shopper.shopifyCustomerId!, orderId, shopper.locale);
  return view ? shopperJson(view) : shopperError(404, "not_found", shopper.locale);
}

export const action = ({ request }: ActionFunctionArgs) => otherMethod(request, "GET");
