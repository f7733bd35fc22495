// POST /api/redeem: spends points on a reward; the code (or store credit) comes back.
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { authenticateShopper, otherMethod, shopperBody, shopperError, shopperJson } from "../shopper/auth.server";
import { redeem } from "../loyalty/redemption.server";
import { parseRedeemRequest } from "../shopper/requests";
import type { RedeemAnswer } from "../shopper/views";

export async function action({ request }: ActionFunctionArgs) {
  const shopper = await authenticateShopper(request, "customerAccount");
  if (request.method !== "POST") return otherMethod(request, "POST");
  const input = parseRedeemRequest(await shopperBody(request, shopper.locale));
  if (!input.ok) return shopperError(400, "bad_request", shopper.locale, input.error);
  const result = await redeem(shopper.shop, shopper.shopifyCustomerId!, input.value, shopper.locale);
  if (!result.ok) return shopperError(result.status, result.code, shopper.locale);
  // Shopify refused the reward and the points are back: final, as the same click asked again is.
  if (result.issued.status === "failed") return shopperError(409, "refused", shopper.locale);
  const answer: RedeemAnswer = { issued: result.issued, balance: result.balance };
  // 202 while Shopify's answer is still being confirmed: the page shows it as pending.
  return shopperJson(answer, result.issued.status === "pending" ? 202 : 200);
}

export const loader = ({ request }: LoaderFunctionArgs) => otherMethod(request, "POST");
