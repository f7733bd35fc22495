// What a shopper reads about a survey, in Spanish or English: the question, the scale's ends, the
// public page's sentences and the refusals. Pure; the shopper API and the public page share it.
import type { SurveyAbout, SurveyKind } from "./feedback";
import type { TextLocale } from "./shopper-text";

export function aboutText(about: SurveyAbout, name: string | null, locale: TextLocale): string {
  const es = locale === "es";
  const n = name ? ` ${name}` : "";
  switch (about) {
    case "order":
      return es ? `tu pedido${n}` : `your order${n}`;
    case "claim":
      return es ? `tu reclamación de garantía${name ? ` (${name})` : ""}` : `your warranty claim${name ? ` (${name})` : ""}`;
    case "return":
      return es ? `tu devolución${n}` : `your return${n}`;
  }
}

export function surveyQuestion(
  kind: SurveyKind,
  about: SurveyAbout,
  aboutName: string | null,
  shopName: string | null,
  locale: TextLocale,
): string {
  const es = locale === "es";
  const shop = shopName || (es ? "esta tienda" : "this store");
  if (kind === "nps")
    return es
      ? `Después de ${aboutText(about, aboutName, locale)}, ¿qué probabilidad hay de que recomiendes ${shop} a un amigo?`
      : `After ${aboutText(about, aboutName, locale)}, how likely are you to recommend ${shop} to a friend?`;
  return es
    ? `¿Qué tan satisfecho estás con cómo gestionamos ${aboutText(about, aboutName, locale)}?`
    : `How satisfied are you with how we handled ${aboutText(about, aboutName, locale)}?`;
}

export function scaleLabels(kind: SurveyKind, locale: TextLocale): { low: string; high: string } {
  const es = locale === "es";
  if (kind === "nps") return es ? { low: "Nada probable", high: "Muy probable" } : { low: "Not at all likely", high: "Extremely likely" };
  return es ? { low: "Muy insatisfecho", high: "Muy satisfecho" } : { low: "Very unsatisfied", high: "Very satisfied" };
}

export const SURVEY_ERRORS = {
  survey_not_found: { es: "No encontramos esa encuesta en tu cuenta.", en: "We could not find that survey in your account." },
  survey_answered: { es: "Ya respondiste esta encuesta. ¡Gracias!", en: "You already answered this survey. Thank you!" },
  survey_closed: { es: "Esta encuesta ya se cerró.", en: "This survey has closed." },
  score: {
    es: "Elige una puntuación de {min} a {max}.",
    en: "Choose a score from {min} to {max}.",
  },
  comment_too_long: { es: "El comentario puede tener como mucho {max} caracteres.", en: "The comment can be at most {max} characters." },
  bad_comment: { es: "El comentario debe ser texto.", en: "The comment must be text." },
} as const;
export type SurveyErrorCode = keyof typeof SURVEY_ERRORS;

export function surveyErrorText(code: SurveyErrorCode, locale: TextLocale, vars: Record<string, number> = {}): string {
  return SURVEY_ERRORS[code][locale].replace(/\{(\w+)\}/g, (_m, k: string) => String(vars[k] ?? ""));
}

// The public page (/survey/:token).
export function pageText(locale: TextLocale) {
  return locale === "es"
    ? {
        title: "Tu opinión",
        comment: "¿Quieres contarnos algo más? (opcional)",
        send: "Enviar",
        thanks: "¡Gracias por tu respuesta!",
        thanksBody: "La hemos recibido. Nos ayuda a mejorar.",
        expired: "Esta encuesta ya se cerró. Gracias de todos modos por querer ayudarnos.",
        answered: "Ya respondiste esta encuesta. ¡Gracias!",
        unknown: "No encontramos esta encuesta. Puede que el enlace esté incompleto; cópialo entero desde el email.",
      }
    : {
        title: "Your opinion",
        comment: "Anything else you'd like to tell us? (optional)",
        send: "Send",
        thanks: "Thank you for your answer!",
        thanksBody: "We received it. It helps us do better.",
        expired: "This survey has closed. Thank you for wanting to help all the same.",
        answered: "You already answered this survey. Thank you!",
        unknown: "We could not find this survey. The link may be incomplete; copy all of it from the email.",
      };
}
