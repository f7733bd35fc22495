// Where HubSpot sends the merchant's browser after the OAuth consent screen. Outside /app: there
// is no Shopify session here; the state, spent once and only by the browser that started the flow,
// says which shop asked (app/hubspot/oauth-state.server.ts).
import { redirect, type LoaderFunctionArgs } from "@remix-run/node";
import { completeOAuth, ConnectError } from "../hubspot/connection.server";
import { adminPageUrl, OAUTH_HEADERS, oauthPage } from "../hubspot/oauth-page.server";
import { clearOAuthCookie, consumeOAuthState } from "../hubspot/oauth-state.server";
import { localeFrom, t } from "../i18n";
import { log } from "../log.server";

// HubSpot's codes are short URL-safe tokens; anything else is refused before HubSpot is asked.
const CODE = /^[A-Za-z0-9._~-]{1,512}$/;

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const params = new URL(request.url).searchParams;
  const locale = localeFrom(request);
  const code = params.get("code");
  const error = params.get("error");
  const fail = (message: string, backTo?: string | null) => oauthPage(400, locale, message, { backTo, setCookie: clearOAuthCookie });

  const state = params.get("state") ?? "";
  const cookie = request.headers.get("Cookie");
  if (error) {
    // error_description is HubSpot's (or anyone's) free text: logged, not reflected into the page.
    log.warn("hubspot oauth refused", { error: error.slice(0, 100), description: params.get("error_description")?.slice(0, 300) });
    const known = /^[a-z_]{1,64}$/.test(error) ? error : "unknown";
    // The flow is over either way; the way back is offered only for this browser's own state.
    const shop = await consumeOAuthState(state, cookie).catch((e) => (e instanceof ConnectError ? null : Promise.reject(e)));
    return fail(known === "access_denied" ? t(locale, "callback.denied") : t(locale, "callback.hubspotError", { error: known }), shop);
  }
  if (!code) return fail(t(locale, "callback.missingCode"));
  if (!CODE.test(code)) return fail(t(locale, "callback.badCode"));

  let shop: string | null = null;
  try {
    shop = await consumeOAuthState(state, cookie);
    await completeOAuth(shop, code);
  } catch (e) {
    if (e instanceof ConnectError) return fail(t(locale, `connectError.${e.code}`, { detail: e.detail }), shop);
    log.error("hubspot oauth callback failed", { error: (e as Error).message });
    return oauthPage(500, locale, t(locale, "callback.unexpected"), { backTo: shop });
  }
  return redirect(adminPageUrl(shop), { headers: { ...OAUTH_HEADERS, "Set-Cookie": clearOAuthCookie } });
};
