// The public survey page a HubSpot email links to (/survey/:token): plain HTML, no login, no
// script, in the shopper's language. It answers through the same answerSurvey as the shopper API.
import { escapeHtml } from "../domain/html";
import { pageText, scaleLabels, surveyQuestion } from "../domain/survey-text";
import type { TextLocale } from "../domain/shopper-text";
import { SCALE, COMMENT_MAX } from "../domain/feedback";
import { answerSurvey, linkSurvey, SurveyRefusal } from "./surveys.server";
import { invitationIdOf } from "./links.server";

const STYLE = `body{font-family:system-ui,sans-serif;max-width:36rem;margin:2rem auto;padding:0 1rem;color:#1a1a1a}
h1{font-size:1.3rem}.scale{display:flex;flex-wrap:wrap;gap:.4rem;margin:1rem 0 .3rem}
.scale button{min-width:2.6rem;min-height:2.6rem;font-size:1rem;border:1px solid #888;border-radius:.4rem;background:#fff;cursor:pointer}
.ends{display:flex;justify-content:space-between;font-size:.85rem;color:#555}textarea{width:100%;min-height:6rem;margin:.3rem 0 1rem}
.error{color:#a40000}`;

function page(status: number, locale: TextLocale, title: string, body: string): Response {
  const html = `<!doctype html><html lang="${locale}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<meta name="robots" content="noindex"><title>${escapeHtml(title)}</title><style>${STYLE}</style></head><body>${body}</body></html>`;
  return new Response(html, {
    status,
    headers: {
      "Content-Type": "text/html; charset=utf-8",
      "Cache-Control": "no-store",
      // The token is in the URL: no referrer carries it elsewhere; nothing here runs script or is framed.
      "Referrer-Policy": "no-referrer",
      "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'",
      "X-Content-Type-Options": "nosniff",
    },
  });
}

const message = (status: number, locale: TextLocale, text: string) =>
  page(status, locale, pageText(locale).title, `<h1>${escapeHtml(pageText(locale).title)}</h1><p>${escapeHtml(text)}</p>`);

async function find(token: string | undefined) {
  const id = invitationIdOf(token ?? "");
  return id ? linkSurvey(id) : null;
}

export async function surveyPage(token: string | undefined, locale: TextLocale, error: string | null = null): Promise<Response> {
  const t = pageText(locale);
  const s = await find(token);
  if (!s) return message(404, locale, t.unknown);
  if (s.state === "answered") return message(410, locale, t.answered);
  if (s.state === "closed") return message(410, locale, t.expired);
  const { kind, about, aboutName } = s.row;
  const { min, max } = SCALE[kind];
  const labels = scaleLabels(kind, locale);
  const question = surveyQuestion(kind, about, aboutName, s.shopName, locale);
  const buttons = Array.from({ length: max - min + 1 }, (_, i) => min + i)
    .map((n) => `<button type="submit" name="score" value="${n}">${n}</button>`)
    .join("");
  // The comment box comes first in the form, so a click on a score sends it too.
  const body = `<h1>${escapeHtml(question)}</h1>${error ? `<p class="error" role="alert">${escapeHtml(error)}</p>` : ""}
<form method="post"><label for="comment">${escapeHtml(t.comment)}</label>
<textarea id="comment" name="comment" maxlength="${COMMENT_MAX}"></textarea>
<div class="scale" role="group" aria-label="${escapeHtml(question)}">${buttons}</div>
<div class="ends"><span>${min}: ${escapeHtml(labels.low)}</span><span>${max}: ${escapeHtml(labels.high)}</span></div></form>`;
  return page(error ? 400 : 200, locale, t.title, body);
}

const FORM_MAX_BYTES = 16_384;

export async function answerFromPage(token: string | undefined, request: Request, locale: TextLocale): Promise<Response> {
  const t = pageText(locale);
  const id = invitationIdOf(token ?? "");
  if (!id) return message(404, locale, t.unknown);
  const raw = await request.text();
  if (raw.length > FORM_MAX_BYTES) return surveyPage(token, locale, t.unknown);
  const form = new URLSearchParams(raw);
  const s = await linkSurvey(id);
  if (!s) return message(404, locale, t.unknown);
  try {
    await answerSurvey(s.shop, id, { score: form.get("score") ?? undefined, comment: form.get("comment") }, "link", "link");
  } catch (error) {
    if (!(error instanceof SurveyRefusal)) throw error;
    if (error.code === "survey_answered") return message(409, locale, t.answered);
    if (error.code === "survey_closed") return message(410, locale, t.expired);
    if (error.code === "survey_not_found") return message(404, locale, t.unknown);
    return surveyPage(token, locale, error.text(locale));
  }
  return page(200, locale, t.thanks, `<h1>${escapeHtml(t.thanks)}</h1><p>${escapeHtml(t.thanksBody)}</p>`);
}
