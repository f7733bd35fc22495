// Test fixtures for the survey block (tests only; never bundled): an open survey as GET /api/account
// lists it and GET /api/orders/:id carries it, and the errors POST /api/surveys/:id answers.
import type { ShopperError, ShopperLocale, SurveyView } from "../../app/shopper/views.ts";

/** An open survey as the API sends it: NPS about order #1042 unless overridden. */
export function survey(locale: ShopperLocale = "en", over: Partial<SurveyView> = {}): SurveyView {
  const es = locale === "es";
  return {
    id: "55555555-5555-4555-8555-555555555555",
    kind: "nps",
    about: { type: "order", id: "gid://shopify/Order/1042", name: "#1042" },
    question: es
      ? "Del 0 al 10, ¿con qué probabilidad recomendarías Cafetera Co a un amigo, después de tu pedido #1042?"
      : "How likely are you to recommend Cafetera Co to a friend, after your order #1042?",
    scale: es
      ? { min: 0, max: 10, lowLabel: "Nada probable", highLabel: "Muy probable" }
      : { min: 0, max: 10, lowLabel: "Not at all likely", highLabel: "Extremely likely" },
    commentMax: 1000,
    expiresAt: "2026-12-20T06:00:00Z",
    ...over,
  };
}

/** The API's refusals of an answer, as app/domain/survey-text.ts words them. */
export function surveyError(code: "survey_answered" | "survey_closed" | "score", locale: ShopperLocale = "en"): ShopperError {
  const es = locale === "es";
  const error = {
    survey_answered: es ? "Ya respondiste esta encuesta. ¡Gracias!" : "You already answered this survey. Thank you!",
    survey_closed: es ? "Esta encuesta ya se cerró." : "This survey has closed.",
    score: es ? "Elige una puntuación de 0 a 10." : "Choose a score from 0 to 10.",
  }[code];
  return { error, code };
}
