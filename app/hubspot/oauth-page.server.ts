// The bare pages of the HubSpot OAuth round trip (/hubspot/start, /hubspot/callback): outside the
// admin there is no App Bridge, so no Polaris; a message and, when the shop is known, the way back.
import { t, type Locale } from "../i18n";
import { config } from "../config.server";
import { escapeHtml } from "../domain/html";

export function adminPageUrl(shop: string): string {
  return `https://${shop}/admin/apps/${config().SHOPIFY_API_KEY}/app/hubspot`;
}

// The URL holds a one-time state or code: kept out of caches and out of any Referer.
export const OAUTH_HEADERS = { "Cache-Control": "no-store", "Referrer-Policy": "no-referrer" };

// `backTo`: the shop the state was issued to, only once this browser's state was verified, so a
// forged link cannot point the merchant elsewhere.
export function oauthPage(
  status: number,
  locale: Locale,
  message: string,
  opts: { backTo?: string | null; setCookie?: string } = {},
): Response {
  const back = opts.backTo ? `<p><a href="${escapeHtml(adminPageUrl(opts.backTo))}">${escapeHtml(t(locale, "callback.back"))}</a></p>` : "";
  const title = escapeHtml(t(locale, "callback.title"));
  const body = `<!doctype html>
<html lang="${locale}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>${title}</title>
<style>body{font-family:system-ui,sans-serif;max-width:36rem;margin:4rem auto;padding:0 1rem;line-height:1.5;color:#303030}</style></head>
<body><h1>${title}</h1><p>${escapeHtml(message)}</p>${back}</body></html>`;
  const headers = new Headers({ ...OAUTH_HEADERS, "Content-Type": "text/html; charset=utf-8", "X-Content-Type-Options": "nosniff" });
  if (opts.setCookie) headers.append("Set-Cookie", opts.setCookie);
  return new Response(body, { status, headers });
}
