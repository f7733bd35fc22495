// GET/POST /survey/:token: the public survey page a HubSpot email links to (no login; the signed token is the key).
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { pickLocale } from "../domain/shopper-text";
import { answerFromPage, surveyPage } from "../feedback/survey-page.server";

const localeOf = (request: Request) => pickLocale(new URL(request.url).searchParams.get("locale"), request.headers.get("Accept-Language"));

export const loader = ({ request, params }: LoaderFunctionArgs) => surveyPage(params.token, localeOf(request));

export async function action({ request, params }: ActionFunctionArgs) {
  if (request.method !== "POST") return new Response("Use GET or POST.", { status: 405, headers: { Allow: "GET, POST" } });
  return answerFromPage(params.token, request, localeOf(request));
}
