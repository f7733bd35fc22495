// POST /api/thank-you: what the order just placed earns, on the checkout's thank-you page.
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { authenticateShopper, otherMethod, shopperBody, shopperError, shopperJson } from "../shopper/auth.server";
import { ShopperInputError, thankYouView } from "../shopper/account.server";
import { parseThankYouRequest } from "../shopper/requests";

export async function action({ request }: ActionFunctionArgs) {
  const shopper = await authenticateShopper(request, "checkout", { guest: "allowed" });
  if (request.method !== "POST") return otherMethod(request, "POST");
  const input = parseThankYouRequest(await shopperBody(request, shopper.locale));
  if (!input.ok) return shopperError(400, "bad_request", shopper.locale, input.error);
  try {
    return shopperJson(await thankYouView(shopper.shop, shopper.shopifyCustomerId, input.value, shopper.locale));
  } catch (error) {
    if (error instanceof ShopperInputError) return shopperError(400, "bad_request", shopper.locale, error.message);
    throw error;
  }
}

export const loader = ({ request }: LoaderFunctionArgs) => otherMethod(request, "POST");
