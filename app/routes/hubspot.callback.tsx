// Where HubSpot sends the merchant's browser after the OAuth consent screen. Outside /app: there
// is no Shopify session here; the signed `state` says which shop asked (see connection.server.ts).
import { redirect, type LoaderFunctionArgs } from "@remix-run/node";
import { ConnectError, completeOAuth, verifyOAuthState } from "../hubspot/connection.server";
import { localeFrom, t, type Locale } from "../i18n";
import { log } from "../log.server";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const params = new URL(request.url).searchParams;
  const locale = localeFrom(request);
  const code = params.get("code");
  const state = params.get("state") ?? "";
  const error = params.get("error");

  if (error) {
    // error_description is HubSpot's (or anyone's) free text: logged, not reflected into the page.
    log.warn("hubspot oauth refused", { error: error.slice(0, 100), description: params.get("error_description")?.slice(0, 300) });
    const known = /^[a-z_]{1,64}$/.test(error) ? error : "unknown";
    return page(400, locale, known === "access_denied" ? t(locale, "callback.denied") : t(locale, "callback.hubspotError", { error: known }), state);
  }
  if (!code) return page(400, locale, t(locale, "callback.missingCode"), state);

  let shop: string;
  try {
    shop = await completeOAuth(code, state);
  } catch (e) {
    if (e instanceof ConnectError) return page(400, locale, t(locale, `connectError.${e.code}`, { detail: e.detail }), state);
    log.error("hubspot oauth callback failed", { error: (e as Error).message });
    return page(500, locale, t(locale, "callback.unexpected"), state);
  }
  return redirect(adminPageUrl(shop), { headers: { "Cache-Control": "no-store", "Referrer-Policy": "no-referrer" } });
};

function adminPageUrl(shop: string): string {
  return `https://${shop}/admin/apps/${process.env.SHOPIFY_API_KEY}/app/hubspot`;
}

// A bare page (no Polaris: outside the admin there is no App Bridge). Offers the way back only
// when the state is genuinely ours, so a forged link cannot point the merchant elsewhere.
function page(status: number, locale: Locale, message: string, state: string): Response {
  let back = "";
  try {
    if (state) back = `<p><a href="${escapeHtml(adminPageUrl(verifyOAuthState(state)))}">${escapeHtml(t(locale, "callback.back"))}</a></p>`;
  } catch {
    // Invalid or expired state: no link.
  }
  const title = escapeHtml(t(locale, "callback.title"));
  const body = `<!doctype html>
<html lang="${locale}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>${title}</title>
<style>body{font-family:system-ui,sans-serif;max-width:36rem;margin:4rem auto;padding:0 1rem;line-height:1.5;color:#303030}</style></head>
<body><h1>${title}</h1><p>${escapeHtml(message)}</p>${back}</body></html>`;
  return new Response(body, {
    status,
    headers: {
      "Content-Type": "text/html; charset=utf-8",
      // The URL holds a one-time code: keep it out of caches and out of the Referer of the link.
      "Cache-Control": "no-store",
      "Referrer-Policy": "no-referrer",
      "X-Content-Type-Options": "nosniff",
    },
  });
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (ch) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[ch]!);
}
