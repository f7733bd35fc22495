// GET /api/account: the shopper's rewards page (points, tier, history, rewards, codes, warranties).
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { authenticateShopper, otherMethod, shopperJson } from "../shopper/auth.server";
import { accountView } from "../shopper/account.server";

export async function loader({ request }: LoaderFunctionArgs) {
  const shopper = await authenticateShopper(request, "customerAccount");
  return shopperJson(await accountView(shopper.shop, shopper.shopifyCustomerId!, shopper.locale));
}

export const action = ({ request }: ActionFunctionArgs) => otherMethod(request, "GET");
