/// <reference types="@shopify/ui-extensions/customer-account.page.render" />
// The rewards page after the sale: open surveys (../../shared/survey.tsx), the points expiry near the
// balance, each unit's care guide and owner notices, and the gift and expiry entries of the history.
import { getExtension } from "@shopify/ui-extensions-tester";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { AccountView, SurveyAnswerRequest } from "../../../app/shopper/views.ts";
import { survey, surveyError } from "../../shared/survey-fixtures.ts";
import { button, deferred, fakeApi, json, shown, translator, unmount, type ApiCall } from "../../shared/testing.ts";
import en from "../locales/en.default.json";
import es from "../locales/es.json";
import { account, withWarranty } from "./fixtures.ts";

const extension = getExtension("customer-account.page.render");
const SURVEY = survey().id;

beforeEach(() => {
  extension.setUp();
  extension.shopify.i18n.translate = translator(en, "en") as typeof extension.shopify.i18n.translate;
});
afterEach(() => {
  unmount();
  extension.tearDown();
});

const settle = (check: () => void) => vi.waitFor(check, { timeout: 4000, interval: 10 });
const section = (heading: string) => {
  const found = document.querySelector<HTMLElement>(`s-section[heading="${heading}"]`);
  if (!found) throw new Error(`no section "${heading}": ${shown()}`);
  return found;
};
const surveyBlocks = (heading = "Your opinion") => Array.from(document.querySelectorAll<HTMLElement>(`s-section[heading="${heading}"]`));
const scores = (root: ParentNode = document.body) => Array.from(root.querySelectorAll<HTMLElement>("s-press-button"));
const score = (n: string, root: ParentNode = document.body) => {
  const found = scores(root).find((b) => b.textContent === n);
  if (!found) throw new Error(`no score button ${n}: ${shown(root)}`);
  return found;
};
const pressed = (root: ParentNode = document.body) =>
  scores(root).filter((b) => b.hasAttribute("pressed") && b.getAttribute("pressed") !== "false");
const comment = (text: string, root: ParentNode = document.body) => {
  const area = root.querySelector<HTMLElement & { value: string }>("s-text-area")!;
  area.value = text;
  area.dispatchEvent(new Event("input"));
};
const answers = (api: ReturnType<typeof fakeApi>) => api.calls.filter((c) => c.method === "POST");

async function renderPage(view: AccountView, answer?: (call: ApiCall) => Response | Promise<Response>) {
  const api = fakeApi({
    "GET /api/account": () => json(view),
    [`POST /api/surveys/${SURVEY}`]:
      answer ?? (() => json({ surveyId: SURVEY, kind: "nps", score: 9, category: "promoter", answeredAt: "2026-11-24T10:00:00Z" }, 201)),
  });
  extension.fetch = api.fetch;
  await extension.render();
  await settle(() => expect(shown()).toContain("Earned on order #1042"));
  return api;
}

describe("surveys on the rewards page", () => {
  it("shows a block per open survey at the top: the API's question, its scale's buttons and labels, the comment", async () => {
    const csat = survey("en", {
      id: "66666666-6666-4666-8666-666666666666",
      kind: "csat",
      about: { type: "claim", id: "c1", name: "C-1A2B3C4D" },
      question: "How satisfied are you with how the store handled claim C-1A2B3C4D?",
      scale: { min: 1, max: 5, lowLabel: "Very unsatisfied", highLabel: "Very satisfied" },
      commentMax: 500,
    });
    await renderPage(account("en", { surveys: [survey(), csat] }));

    const headings = Array.from(document.querySelectorAll("s-section"), (s) => s.getAttribute("heading"));
    expect(headings.slice(0, 3)).toEqual(["Your opinion", "Your opinion", "Points"]);
    const [nps, satisfaction] = surveyBlocks();
    expect(shown(nps)).toContain("How likely are you to recommend Cafetera Co to a friend, after your order #1042?");
    expect(scores(nps).map((b) => b.textContent)).toEqual(["0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "10"]);
    expect(shown(nps)).toContain("Not at all likely");
    expect(shown(nps)).toContain("Extremely likely");
    expect(scores(nps)[7].getAttribute("accessibilityLabel")).toBe("7 on a scale from 0 to 10");
    expect(shown(nps)).toContain("0 / 1000 characters");
    expect(nps.querySelector("s-text-area")?.getAttribute("label")).toBe("Anything you would like to add? (optional)");
    expect(nps.querySelector("s-text-area")?.getAttribute("maxLength")).toBe("1000");
    expect(scores(satisfaction).map((b) => b.textContent)).toEqual(["1", "2", "3", "4", "5"]);
    expect(shown(satisfaction)).toContain("Very satisfied");
    expect(shown(satisfaction)).toContain("0 / 500 characters");

    // A pressed score is the selected one; pressing another moves the selection.
    expect(pressed(nps)).toHaveLength(0);
    score("9", nps).click();
    await settle(() => expect(pressed(nps).map((b) => b.textContent)).toEqual(["9"]));
    score("6", nps).click();
    await settle(() => expect(pressed(nps).map((b) => b.textContent)).toEqual(["6"]));
    expect(pressed(satisfaction)).toHaveLength(0);
  });

  it("shows no survey block when there is none", async () => {
    await renderPage(account());
    expect(surveyBlocks()).toHaveLength(0);
    expect(scores()).toHaveLength(0);
  });

  it("sends the answer once, with exactly the score, the trimmed comment and the channel, then thanks", async () => {
    const slow = deferred();
    const api = await renderPage(account("en", { surveys: [survey()] }), () => slow.promise);
    const block = surveyBlocks()[0];
    score("9", block).click();
    comment("  The machine is great.\n ", block);
    await settle(() => expect(shown(block)).toContain("21 / 1000 characters")); // counted trimmed, as the server counts
    const send = button("Send", block);
    send.click();
    send.click();
    await settle(() => expect(send.hasAttribute("loading")).toBe(true));
    send.click();
    slow.resolve(json({ surveyId: SURVEY, kind: "nps", score: 9, category: "promoter", answeredAt: "2026-11-24T10:00:00Z" }, 201));
    await settle(() => expect(shown()).toContain("Thank you for your answer"));

    expect(answers(api)).toEqual([
      {
        method: "POST",
        path: `/api/surveys/${SURVEY}`,
        locale: "en",
        authorization: "Bearer mock-session-token",
        contentType: "application/json",
        body: { score: 9, comment: "The machine is great.", channel: "account" } satisfies SurveyAnswerRequest,
      },
    ]);
    expect(document.querySelector("s-banner[heading='Thank you for your answer']")?.getAttribute("tone")).toBe("success");
    expect(scores()).toHaveLength(0);
  });

  it("asks for a score before sending, sends no comment as null, and stops a comment over the API's limit", async () => {
    const api = await renderPage(account("en", { surveys: [survey("en", { commentMax: 20 })] }));
    const block = surveyBlocks()[0];
    button("Send", block).click();
    await settle(() => expect(shown(block)).toContain("Choose a score first."));

    score("3", block).click();
    comment("This is far more than twenty characters.", block);
    button("Send", block).click();
    await settle(() => expect(block.querySelector("s-text-area")?.getAttribute("error")).toBe("Keep it to 20 characters or fewer."));
    expect(shown(block)).toContain("40 / 20 characters");
    expect(answers(api)).toHaveLength(0);

    comment("   ", block);
    button("Send", block).click();
    await settle(() => expect(shown()).toContain("Thank you for your answer"));
    expect(answers(api).map((c) => c.body)).toEqual([{ score: 3, comment: null, channel: "account" }]);
  });

  it("resends after a 5xx with the same answer, and takes the server's 'answered' to the resend as done", async () => {
    let sends = 0;
    const api = await renderPage(account("en", { surveys: [survey()] }), () =>
      sends++ === 0 ? json({ error: "unavailable" }, 503) : json(surveyError("survey_answered"), 409),
    );
    const block = surveyBlocks()[0];
    score("10", block).click();
    button("Send", block).click();
    await settle(() => expect(shown()).toContain("Thank you for your answer"));
    expect(answers(api).map((c) => c.body)).toEqual([
      { score: 10, comment: null, channel: "account" },
      { score: 10, comment: null, channel: "account" },
    ]);
    expect(shown()).not.toContain("You already answered this survey");
  });

  it("offers 'Try again' when no answer comes, resends the same answer, and an 'answered' then means done", async () => {
    let down = true;
    const api = await renderPage(account("en", { surveys: [survey()] }), () => {
      if (down) throw new TypeError("Failed to fetch");
      return json(surveyError("survey_answered"), 409);
    });
    const block = surveyBlocks()[0];
    score("4", block).click();
    comment("Slow delivery", block);
    button("Send", block).click();
    await settle(() => expect(shown(block)).toContain("We could not confirm your answer"));
    expect(answers(api)).toHaveLength(3); // the Send's own request and two automatic retries

    down = false;
    button("Try again", block).click();
    await settle(() => expect(shown()).toContain("Thank you for your answer"));
    expect(answers(api)).toHaveLength(4);
    expect(new Set(answers(api).map((c) => JSON.stringify(c.body)))).toEqual(
      new Set([JSON.stringify({ score: 4, comment: "Slow delivery", channel: "account" })]),
    );
  });

  it("takes 'answered' as done after a send that got no answer, even when the shopper sends again with another score", async () => {
    let down = true;
    const api = await renderPage(account("en", { surveys: [survey()] }), () => {
      if (down) throw new TypeError("Failed to fetch");
      return json(surveyError("survey_answered"), 409);
    });
    const block = surveyBlocks()[0];
    score("4", block).click();
    button("Send", block).click();
    await settle(() => expect(shown(block)).toContain("We could not confirm your answer"));

    down = false;
    score("5", block).click();
    button("Send", block).click();
    await settle(() => expect(shown()).toContain("Thank you for your answer"));
    expect(answers(api).map((c) => (c.body as SurveyAnswerRequest).score)).toEqual([4, 4, 4, 5]);
  });

  it.each([
    [
      "409 answered (elsewhere: its first send)",
      () => json(surveyError("survey_answered"), 409),
      "You already answered this survey. Thank you!",
    ],
    ["409 closed", () => json(surveyError("survey_closed"), 409), "This survey has closed."],
    ["400 score", () => json(surveyError("score"), 400), "Choose a score from 0 to 10."],
  ])("shows the API's sentence on a %s, keeps the form and does not resend", async (_, refusal, sentence) => {
    const api = await renderPage(account("en", { surveys: [survey()] }), refusal);
    const block = surveyBlocks()[0];
    score("8", block).click();
    button("Send", block).click();
    await settle(() => expect(shown(block)).toContain(sentence));
    const banner = block.querySelector("s-banner")!;
    expect(banner.getAttribute("tone")).toBe("critical");
    expect(banner.getAttribute("heading")).toBe("Your answer could not be sent");
    expect(shown()).not.toContain("Thank you for your answer");
    expect(pressed(block).map((b) => b.textContent)).toEqual(["8"]);
    expect(answers(api)).toHaveLength(1);
  });

  it("asks and answers in Spanish for a Spanish-speaking shopper", async () => {
    extension.shopify.localization.language.value = { isoCode: "es-ES" };
    extension.shopify.i18n.translate = translator(es, "es") as typeof extension.shopify.i18n.translate;
    const api = fakeApi({
      "GET /api/account": (call) =>
        json(account(call.locale === "es" ? "es" : "en", { surveys: [survey(call.locale === "es" ? "es" : "en")] })),
      [`POST /api/surveys/${SURVEY}`]: () => json(surveyError("survey_closed", "es"), 409),
    });
    extension.fetch = api.fetch;
    await extension.render();
    await settle(() => expect(shown()).toContain("Ganados en el pedido #1042"));

    const block = surveyBlocks("Tu opinión")[0];
    const text = shown(block);
    expect(text).toContain("¿con qué probabilidad recomendarías Cafetera Co");
    expect(text).toContain("Nada probable");
    expect(text).toContain("0 / 1000 caracteres");
    expect(block.querySelector("s-text-area")?.getAttribute("label")).toBe("¿Quieres añadir algo? (opcional)");
    expect(scores(block)[7].getAttribute("accessibilityLabel")).toBe("7 en una escala de 0 a 10");
    button("Enviar", block).click();
    await settle(() => expect(shown(block)).toContain("Elige una puntuación primero."));
    score("7", block).click();
    button("Enviar", block).click();
    await settle(() => expect(shown(block)).toContain("Esta encuesta ya se cerró."));
    expect(shown(block)).toContain("No se pudo enviar tu respuesta");
    expect(api.calls.map((c) => c.locale)).toEqual(["es", "es"]);
    expect(shown()).not.toMatch(/Your opinion|Send\b|characters/);
  });
});

describe("points expiry, care, notices and history", () => {
  it("shows the expiry date's sentence under the balance while it is not near", async () => {
    await renderPage(account());
    const points = section("Points");
    expect(shown(points)).toContain("Your 620 points expire on 3 May 2027 unless you order or redeem before then");
    expect(points.querySelector("s-banner")).toBeNull();
  });

  it("shows the expiry in a warning banner by the balance once it is near", async () => {
    const view = account();
    await renderPage({ ...view, pointsExpiry: { ...view.pointsExpiry!, warning: true } });
    const banner = section("Points").querySelector("s-banner");
    expect(banner?.getAttribute("tone")).toBe("warning");
    expect(banner?.getAttribute("heading")).toBe("Your points expire soon");
    expect(shown(banner!)).toContain("Your 620 points expire on 3 May 2027");
  });

  it("says nothing of expiry when the points do not expire", async () => {
    await renderPage(account("en", { pointsExpiry: null }));
    expect(shown(section("Points"))).not.toContain("expire");
  });

  it("shows each unit's care guide, next maintenance and notices; a recall as a critical banner", async () => {
    const recall = {
      id: "n2",
      kind: "recall" as const,
      title: "Frother lid may crack",
      body: "Stop using the lid and we will send a new one.",
      publishedAt: "2026-11-20T09:00:00Z",
    };
    await renderPage(withWarranty(account(), "w2", { notices: [recall] }));
    const warranties = section("Warranties");
    const text = shown(warranties);
    expect(text).toContain("Care and maintenance");
    expect(text).toContain("Next maintenance: 3 February 2027");
    expect(text).toContain("Descale it every three months with white vinegar.");
    const banners = Array.from(warranties.querySelectorAll("s-banner"), (b) => [
      b.getAttribute("tone"),
      b.getAttribute("heading"),
      b.textContent,
    ]);
    expect(banners).toEqual([
      ["info", "Accessory: New milk jug", `A steel jug that fits your machine.Published ${new Date("2026-11-01T09:00:00Z").toISOString()}`],
      [
        "critical",
        "Safety recall: Frother lid may crack",
        `Stop using the lid and we will send a new one.Published ${new Date("2026-11-20T09:00:00Z").toISOString()}`,
      ],
    ]);
    // Care shows once, on the unit that has it.
    expect(text.match(/Care and maintenance/g)).toHaveLength(1);
  });

  it("keeps showing a unit out of coverage while it has a notice for its owners", async () => {
    const notice = {
      id: "n3",
      kind: "update" as const,
      title: "New burrs",
      body: "Sharper burrs fit it.",
      publishedAt: "2026-11-02T09:00:00Z",
    };
    await renderPage(withWarranty(account(), "w0", { notices: [notice] }));
    const text = shown(section("Warranties"));
    expect(text).toContain("Old grinder");
    expect(text).toContain("Update: New burrs");
    expect(text).toContain("Coverage ended on 1 January 2025");
  });

  it("shows care and notices in Spanish", async () => {
    extension.shopify.localization.language.value = { isoCode: "es" };
    extension.shopify.i18n.translate = translator(es, "es") as typeof extension.shopify.i18n.translate;
    extension.fetch = fakeApi({ "GET /api/account": () => json(account("es")) }).fetch;
    await extension.render();
    await settle(() => expect(shown()).toContain("Ganados en el pedido #1042"));
    const text = shown(section("Garantías"));
    expect(text).toContain("Cuidado y mantenimiento");
    expect(text).toContain("Próximo mantenimiento: 3 de febrero de 2027");
    expect(text).toContain("Accesorio: Nueva jarra de leche");
    expect(text).toContain("Publicado el");
    expect(shown(section("Puntos"))).toContain("Tus 620 puntos caducan el 3 de mayo de 2027");
  });

  it("shows birthday gifts and expired points in the history as the API words them", async () => {
    const view = account();
    await renderPage({
      ...view,
      history: [
        { id: "h4", at: "2026-11-20T06:00:00Z", kind: "expired", points: -300, text: "300 points expired" },
        { id: "h3", at: "2026-11-15T06:00:00Z", kind: "gift", points: 50, text: "Birthday gift" },
        ...view.history,
      ],
    });
    const history = section("History");
    const entries = Array.from(history.querySelectorAll(":scope > s-stack > s-stack"), (e) => shown(e).replace(/\s+/g, " ").trim());
    expect(entries[0]).toContain("300 points expired");
    expect(entries[0]).toContain("-300");
    expect(entries[1]).toContain("Birthday gift");
    expect(entries[1]).toContain("+50");
    const expired = Array.from(history.querySelectorAll("s-text")).find((t) => t.textContent === "-300");
    expect(expired?.getAttribute("tone")).toBe("critical");
  });
});
