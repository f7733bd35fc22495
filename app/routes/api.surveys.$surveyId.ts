// POST /api/surveys/:surveyId: the shopper answers one of their surveys, once.
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { authenticateShopper, otherMethod, shopperBody, shopperJson } from "../shopper/auth.server";
import { answerSurvey, SurveyRefusal } from "../feedback/surveys.server";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export async function action({ request, params }: ActionFunctionArgs) {
  const shopper = await authenticateShopper(request, "customerAccount");
  if (request.method !== "POST") return otherMethod(request, "POST");
  const refused = (r: SurveyRefusal) => shopperJson({ error: r.text(shopper.locale), code: r.code }, r.status);
  if (!UUID.test(params.surveyId ?? "")) return refused(new SurveyRefusal("survey_not_found", 404));
  const body = await shopperBody(request, shopper.locale);
  const input = body && typeof body === "object" && !Array.isArray(body) ? (body as Record<string, unknown>) : {};
  try {
    const channel = input.channel === "order_status" ? "order_status" : "account";
    const answered = await answerSurvey(shopper.shop, params.surveyId!.toLowerCase(), input, channel, {
      shopifyCustomerId: shopper.shopifyCustomerId!,
    });
    return shopperJson(answered, 201);
  } catch (error) {
    if (error instanceof SurveyRefusal) return refused(error);
    throw error;
  }
}

export const loader = ({ request }: LoaderFunctionArgs) => otherMethod(request, "POST");
