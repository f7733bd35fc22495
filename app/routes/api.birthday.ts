// GET/POST /api/birthday: the shopper's birthday (month and day), from the profile block.
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { authenticateShopper, otherMethod, shopperBody, shopperError, shopperJson } from "../shopper/auth.server";
import { birthdayOf, setBirthday, ShopperInputError } from "../shopper/account.server";

export async function loader({ request }: LoaderFunctionArgs) {
  const shopper = await authenticateShopper(request, "customerAccount");
  return shopperJson({ birthday: await birthdayOf(shopper.shop, shopper.shopifyCustomerId!) });
}

export async function action({ request }: ActionFunctionArgs) {
  const shopper = await authenticateShopper(request, "customerAccount");
  if (request.method !== "POST") return otherMethod(request, "GET, POST");
  try {
    return shopperJson({
      birthday: await setBirthday(shopper.shop, shopper.shopifyCustomerId!, await shopperBody(request, shopper.locale)),
    });
  } catch (error) {
    if (error instanceof ShopperInputError) return shopperError(400, "bad_request", shopper.locale, error.message);
    throw error;
  }
}
