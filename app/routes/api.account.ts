// GET /api/account: the shopper's rewards page (points, tier, history, rewards, codes, warranties).
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { authenticateShopper, otherMethod, shopperError, shopperJson } from "../shopper/auth.server";
import { accountView } from "../shopper/account.server";

export async function loader({ request }: LoaderFunctionArgs) {
  // Every check of the token is made before any data is read; that the shop has the app installed
  // is checked by the view's own query (one round trip), which answers null when it is not.
  const shopper = await authenticateShopper(request, "customerAccount", { installed: "checked by the view" });
  const view = await accountView(shopper.shop, shopper.shopifyCustomerId!, shopper.locale);
  if (!view) throw shopperError(401, "not_installed", shopper.locale);
  return shopperJson(view);
}

export const action = ({ request }: ActionFunctionArgs) => otherMethod(request, "GET");
