// The first top-level stop of "Connect with HubSpot": binds the flow's state to this browser with a
// cookie, then sends it on to HubSpot's consent screen (app/hubspot/oauth-state.server.ts).
import { redirect, type LoaderFunctionArgs } from "@remix-run/node";
import { beginOAuth, ConnectError } from "../hubspot/connection.server";
import { OAUTH_HEADERS, oauthPage } from "../hubspot/oauth-page.server";
import { localeFrom, t } from "../i18n";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const locale = localeFrom(request);
  try {
    const { location, setCookie } = await beginOAuth(new URL(request.url).searchParams.get("state") ?? "");
    return redirect(location, { headers: { ...OAUTH_HEADERS, "Set-Cookie": setCookie } });
  } catch (e) {
    if (e instanceof ConnectError) return oauthPage(400, locale, t(locale, `connectError.${e.code}`, { detail: e.detail }));
    throw e;
  }
};
