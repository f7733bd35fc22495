// GET /api/surveys: the shopper's open surveys (NPS after an order arrived, CSAT after a claim or return closed).
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { authenticateShopper, otherMethod, shopperJson } from "../shopper/auth.server";
import { surveysOf } from "../feedback/surveys.server";

export async function loader({ request }: LoaderFunctionArgs) {
  const shopper = await authenticateShopper(request, "customerAccount");
  return shopperJson({ surveys: await surveysOf(shopper.shop, shopper.shopifyCustomerId!, shopper.locale) });
}

export const action = ({ request }: ActionFunctionArgs) => otherMethod(request, "GET");
