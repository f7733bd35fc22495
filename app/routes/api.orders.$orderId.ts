// GET /api/orders/:orderId: points and warranty coverage of one of the shopper's orders.
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { authenticateShopper, otherMethod, shopperError, shopperJson } from "../shopper/auth.server";
import { orderView } from "../shopper/account.server";
import { parseOrderId } from "../shopper/requests";

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
  return shopperJson(await orderView(shopper.shop, shopper.shopifyCustomerId!, orderId, shopper.locale));
}

export const action = ({ request }: ActionFunctionArgs) => otherMethod(request, "GET");
