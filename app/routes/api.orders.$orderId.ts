// GET /api/orders/:orderId: points and warranty coverage of one of the shopper's orders.
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { authenticateShopper, orderIdParam, otherMethod, shopperJson } from "../shopper/auth.server";
import { orderView } from "../shopper/account.server";

export async function loader({ request, params }: LoaderFunctionArgs) {
  const shopper = await authenticateShopper(request, "customerAccount");
  const orderId = orderIdParam(shopper, params.orderId);
  return shopperJson(await orderView(shopper.shop, shopper.shopifyCustomerId!, orderId, shopper.locale));
}

export const action = ({ request }: ActionFunctionArgs) => otherMethod(request, "GET");
