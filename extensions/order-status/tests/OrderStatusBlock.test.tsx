/// <reference types="@shopify/ui-extensions/customer-account.order-status.block.render" />
import { getExtension } from "@shopify/ui-extensions-tester";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { ClaimRequest, ClaimView, OrderView, ShopperLocale, SurveyAnswerRequest } from "../../../app/shopper/views.ts";
import { survey, surveyError } from "../../shared/survey-fixtures.ts";
import { button, deferred, fakeApi, json, shown, translator, unmount } from "../../shared/testing.ts";
import en from "../locales/en.default.json";
import es from "../locales/es.json";

const extension = getExtension("customer-account.order-status.block.render");
const settle = (check: () => void) => vi.waitFor(check, { timeout: 3000, interval: 10 });

function order(locale: ShopperLocale = "en", over: Partial<OrderView> = {}): OrderView {
  const es = locale === "es";
  return {
    locale,
    orderName: "#1042",
    points: { status: "earned", points: 120, text: es ? "Este pedido te dio 120 puntos" : "This order earned 120 points" },
    warranties: [
      {
        id: "w1",
        product: "Espresso machine",
        orderName: "#1042",
        quantity: 1,
        status: "active",
        coverageEnd: "2027-05-03",
        daysLeft: 161,
        text: es ? "Cubierta hasta el 3 de mayo de 2027 (quedan 161 días)" : "Covered until 3 May 2027 (161 days left)",
        canClaim: true,
        claimUnavailableText: null,
        openClaimId: null,
        care: null,
        notices: [],
      },
      {
        id: "w2",
        product: "Milk jug",
        orderName: "#1042",
        quantity: 2,
        status: "pending_fulfillment",
        coverageEnd: null,
        daysLeft: null,
        text: es ? "La cobertura empieza cuando se envíe" : "Coverage starts when it ships",
        canClaim: false,
        claimUnavailableText: es ? "Podrás reclamar cuando se envíe" : "You can claim it once it ships",
        openClaimId: null,
        care: null,
        notices: [],
      },
    ],
    survey: null,
    ...over,
  };
}

beforeEach(() => {
  extension.setUp();
  extension.shopify.order.value = { id: "gid://shopify/Order/5551234", name: "#1042" };
  extension.shopify.i18n.translate = translator(en, "en") as typeof extension.shopify.i18n.translate;
});
afterEach(() => {
  unmount();
  extension.tearDown();
});

describe("order status block", () => {
  it("asks for the page's order and shows its points and each unit's warranty", async () => {
    const api = fakeApi({ "GET /api/orders/5551234": () => json(order()) });
    extension.fetch = api.fetch;
    await extension.render();
    await settle(() => expect(shown()).toContain("This order earned 120 points"));

    const text = shown();
    expect(text).toContain("Rewards and warranty");
    expect(text).toContain("Espresso machine");
    expect(text).toContain("Covered until 3 May 2027 (161 days left)");
    expect(text).toContain("Milk jug");
    expect(text).toContain("× 2");
    expect(text).toContain("Coverage starts when it ships");
    expect(api.calls).toEqual([
      {
        method: "GET",
        path: "/api/orders/5551234",
        locale: "en",
        authorization: "Bearer mock-session-token",
        contentType: null,
        body: null,
      },
    ]);
  });

  it("asks in Spanish for a Spanish-speaking shopper; its own chrome comes from its translations", async () => {
    extension.shopify.localization.language.value = { isoCode: "es" };
    extension.shopify.i18n.translate = translator(es, "es") as typeof extension.shopify.i18n.translate;
    const api = fakeApi({ "GET /api/orders/5551234": (call) => json(order(call.locale as ShopperLocale)) });
    extension.fetch = api.fetch;
    await extension.render();
    await settle(() => expect(shown()).toContain("Este pedido te dio 120 puntos"));
    expect(api.calls[0].locale).toBe("es");
    expect(shown()).toContain("Recompensas y garantía");
    expect(shown()).toContain("La cobertura empieza cuando se envíe");

    unmount();
    extension.shopify.localization.language.value = { isoCode: "pt-BR" };
    extension.shopify.i18n.translate = ((key: string) => `«${key}»`) as typeof extension.shopify.i18n.translate;
    await extension.render();
    await settle(() => expect(shown()).toContain("This order earned 120 points"));
    expect(api.calls[1].locale).toBe("en");
    expect(document.querySelector("s-section")?.getAttribute("heading")).toBe("«heading»");
  });

  it("shows skeletons under its heading while loading", async () => {
    const pending = deferred();
    extension.fetch = fakeApi({ "GET /api/orders/5551234": () => pending.promise }).fetch;
    await extension.render();
    await settle(() => expect(document.querySelectorAll("s-skeleton-paragraph")).toHaveLength(3));
    expect(document.querySelector("s-section")?.getAttribute("heading")).toBe("Rewards and warranty");
    pending.resolve(json(order()));
    await settle(() => expect(shown()).toContain("This order earned 120 points"));
    expect(document.querySelectorAll("s-skeleton-paragraph")).toHaveLength(0);
  });

  it.each([
    ["a 500", () => json({}, 500), "Something went wrong on our side."],
    [
      "no answer",
      () => {
        throw new TypeError("Failed to fetch");
      },
      "We could not reach the rewards service. Check your connection.",
    ],
  ])("shows an error with a retry after %s, and the retry works", async (_, failure, sentence) => {
    let fail = true;
    const api = fakeApi({ "GET /api/orders/5551234": () => (fail ? failure() : json(order())) });
    extension.fetch = api.fetch;
    await extension.render();
    await settle(() => expect(shown()).toContain(sentence));
    expect(shown()).toContain("Rewards and warranty could not be loaded");
    fail = false;
    button("Try again").click();
    await settle(() => expect(shown()).toContain("This order earned 120 points"));
    expect(api.calls).toHaveLength(2);
  });

  it("says when no product of the order has a warranty, with the API's points sentence", async () => {
    const notYet = order("en", {
      orderName: null,
      points: { status: "pending_payment", points: 0, text: "Points are added once the order is paid" },
      warranties: [],
    });
    extension.fetch = fakeApi({ "GET /api/orders/5551234": () => json(notYet) }).fetch;
    await extension.render();
    await settle(() => expect(shown()).toContain("Points are added once the order is paid"));
    expect(shown()).toContain("No product in this order has a warranty.");
  });

  it("renders nothing and asks nothing without an order", async () => {
    extension.shopify.order.value = undefined;
    const api = fakeApi({});
    extension.fetch = api.fetch;
    await extension.render();
    await new Promise((r) => setTimeout(r, 50));
    expect(document.body.children).toHaveLength(0);
    expect(api.calls).toHaveLength(0);
  });
});

describe("claiming from the order", () => {
  const CLAIM_ID = "33333333-3333-4333-8333-333333333333";
  const claim: ClaimView = {
    id: CLAIM_ID,
    requestId: "44444444-4444-4444-8444-444444444444",
    warrantyId: "w1",
    product: "Espresso machine",
    orderName: "#1042",
    status: "submitted",
    statusText: "Sent: the store will review it soon",
    description: "The pump rattles and no coffee comes out.",
    submittedAt: "2026-11-24T10:00:00Z",
    events: [{ at: "2026-11-24T10:00:00Z", text: "You sent the claim" }],
    canReopen: false,
    photos: [],
    canAddPhotos: true,
  };
  const OPEN_TEXT = "There is already an open claim for this unit";
  const form = () => {
    const modal = document.querySelector<HTMLElement & { hideOverlay?: () => void }>("s-modal#claim-w1");
    if (!modal) throw new Error(`no claim form: ${shown()}`);
    return modal;
  };

  it("offers the claim form where the API allows it and the API's reason elsewhere, in the shopper's language", async () => {
    extension.shopify.localization.language.value = { isoCode: "es" };
    extension.shopify.i18n.translate = translator(es, "es") as typeof extension.shopify.i18n.translate;
    extension.fetch = fakeApi({ "GET /api/orders/5551234": (call) => json(order(call.locale as ShopperLocale)) }).fetch;
    await extension.render();
    await settle(() => expect(shown()).toContain("Este pedido te dio 120 puntos"));
    const claimButton = button("Reclamar garantía");
    expect([claimButton.getAttribute("commandfor"), claimButton.getAttribute("command")]).toEqual(["claim-w1", "--show"]);
    expect(form().getAttribute("heading")).toBe("Reclamar garantía: Espresso machine");
    expect(form().querySelector("s-drop-zone")?.getAttribute("label")).toBe("Fotos (opcional)");
    expect(shown()).toContain("Podrás reclamar cuando se envíe");
    expect(document.querySelectorAll("s-modal")).toHaveLength(1); // the milk jug has none
  });

  it("sends the claim and its photo, shows it sent, and reloads quietly for the server's word", async () => {
    let claimed = false;
    const api = fakeApi({
      "GET /api/orders/5551234": () =>
        json(
          claimed
            ? order("en", {
                warranties: order().warranties.map((w) =>
                  w.id === "w1" ? { ...w, canClaim: false, claimUnavailableText: OPEN_TEXT, openClaimId: CLAIM_ID } : w,
                ),
              })
            : order(),
        ),
      "POST /api/claims": () => {
        claimed = true;
        return json(claim, 201);
      },
      [`POST /api/claims/${CLAIM_ID}/photos`]: () => json({ ...claim, photos: [{ id: "p1", url: "https://postventa.example/p1" }] }, 201),
    });
    extension.fetch = api.fetch;
    await extension.render();
    await settle(() => expect(shown()).toContain("This order earned 120 points"));
    const hideOverlay = vi.fn();
    form().hideOverlay = hideOverlay;
    const area = form().querySelector<HTMLElement & { value: string }>("s-text-area")!;
    area.value = claim.description!;
    area.dispatchEvent(new Event("input"));
    const file = new File([new Uint8Array(64)], "pump.jpg", { type: "image/jpeg" });
    const zone = form().querySelector("s-drop-zone")!;
    Object.defineProperty(zone, "files", { value: [file], configurable: true });
    zone.dispatchEvent(new Event("input"));
    await settle(() => expect(shown(form())).toContain("pump.jpg"));
    button("Send claim", form()).click();
    await settle(() => expect(shown()).toContain("Claim sent"));
    expect(shown()).toContain("The store will review it. You can follow it on the rewards page of your account.");
    const posts = api.calls.filter((c) => c.method === "POST");
    expect(posts.map((c) => c.path)).toEqual(["/api/claims", `/api/claims/${CLAIM_ID}/photos`]);
    expect(Object.keys(posts[0].body as ClaimRequest).sort()).toEqual(["description", "requestId", "warrantyId"]);
    expect(posts[1].file).toBe(file);
    expect(posts[1].query?.clientId).toMatch(/^[0-9a-f-]{36}$/);
    expect(hideOverlay).toHaveBeenCalledOnce();
    expect(() => button("Claim warranty")).toThrow();
    await settle(() => expect(shown()).toContain(OPEN_TEXT));
    expect(api.calls.filter((c) => c.method === "GET")).toHaveLength(2);
  });
});

describe("the order's survey, care and notices", () => {
  const SURVEY = survey().id;
  const block = () => {
    const found = document.querySelector<HTMLElement>('s-section[heading="Your opinion"], s-section[heading="Tu opinión"]');
    if (!found) throw new Error(`no survey block: ${shown()}`);
    return found;
  };
  const score = (n: string) => Array.from(block().querySelectorAll<HTMLElement>("s-press-button")).find((b) => b.textContent === n)!;
  const answered = { surveyId: SURVEY, kind: "nps", score: 2, category: "detractor", answeredAt: "2026-11-24T10:00:00Z" };
  const withNotices = (locale: ShopperLocale) => {
    const view = order(locale, { survey: survey(locale) });
    const es = locale === "es";
    view.warranties[0] = {
      ...view.warranties[0],
      care: {
        guide: es ? "Descalcifícala cada tres meses." : "Descale it every three months.",
        nextMaintenance: "2027-02-03",
        maintenanceText: es ? "Próximo mantenimiento: 3 de febrero de 2027" : "Next maintenance: 3 February 2027",
      },
      notices: [
        {
          id: "n1",
          kind: "recall",
          title: es ? "La bomba puede calentarse" : "The pump may overheat",
          body: es ? "Desenchúfala; te enviamos una bomba nueva." : "Unplug it; we will send a new pump.",
          publishedAt: "2026-11-20T09:00:00Z",
        },
      ],
    };
    return view;
  };

  it("shows the order's survey above the rest and sends its answer once from the order status page", async () => {
    const slow = deferred();
    const api = fakeApi({ "GET /api/orders/5551234": () => json(withNotices("en")), [`POST /api/surveys/${SURVEY}`]: () => slow.promise });
    extension.fetch = api.fetch;
    await extension.render();
    await settle(() => expect(shown()).toContain("This order earned 120 points"));

    expect(shown(block())).toContain("How likely are you to recommend Cafetera Co to a friend, after your order #1042?");
    expect(block().querySelectorAll("s-press-button")).toHaveLength(11);
    score("2").click();
    const send = button("Send", block());
    send.click();
    send.click();
    await settle(() => expect(send.hasAttribute("loading")).toBe(true));
    send.click();
    slow.resolve(json(answered, 201));
    await settle(() => expect(shown()).toContain("Thank you for your answer"));
    expect(api.calls.filter((c) => c.method === "POST")).toEqual([
      {
        method: "POST",
        path: `/api/surveys/${SURVEY}`,
        locale: "en",
        authorization: "Bearer mock-session-token",
        contentType: "application/json",
        body: { score: 2, comment: null, channel: "order_status" } satisfies SurveyAnswerRequest,
      },
    ]);
    expect(shown()).toContain("Covered until 3 May 2027 (161 days left)");
  });

  it("shows no survey when the order has none", async () => {
    extension.fetch = fakeApi({ "GET /api/orders/5551234": () => json(order()) }).fetch;
    await extension.render();
    await settle(() => expect(shown()).toContain("This order earned 120 points"));
    expect(document.querySelectorAll("s-press-button")).toHaveLength(0);
    expect(shown()).not.toContain("Your opinion");
  });

  it("takes an 'answered' to a resend as done, and shows the API's sentence to a first send's refusal", async () => {
    const refusals = [() => json({}, 502), () => json(surveyError("survey_answered"), 409), () => json(surveyError("score"), 400)];
    const api = fakeApi({
      "GET /api/orders/5551234": () => json(withNotices("en")),
      [`POST /api/surveys/${SURVEY}`]: () => refusals.shift()!(),
    });
    extension.fetch = api.fetch;
    await extension.render();
    await settle(() => expect(shown()).toContain("This order earned 120 points"));
    score("2").click();
    button("Send", block()).click();
    await settle(() => expect(shown()).toContain("Thank you for your answer"));
    expect(api.calls.filter((c) => c.method === "POST")).toHaveLength(2);

    unmount();
    await extension.render();
    await settle(() => expect(shown()).toContain("This order earned 120 points"));
    score("5").click();
    button("Send", block()).click();
    await settle(() => expect(shown(block())).toContain("Choose a score from 0 to 10."));
    expect(block().querySelector("s-banner")?.getAttribute("tone")).toBe("critical");
    expect(api.calls.filter((c) => c.method === "POST")).toHaveLength(3);
  });

  it("shows each unit's care and notices, a recall as a critical banner", async () => {
    extension.fetch = fakeApi({ "GET /api/orders/5551234": () => json(withNotices("en")) }).fetch;
    await extension.render();
    await settle(() => expect(shown()).toContain("This order earned 120 points"));
    const text = shown();
    expect(text).toContain("Care and maintenance");
    expect(text).toContain("Next maintenance: 3 February 2027");
    expect(text).toContain("Descale it every three months.");
    const recall = document.querySelector('s-banner[heading="Safety recall: The pump may overheat"]');
    expect(recall?.getAttribute("tone")).toBe("critical");
    expect(shown(recall!)).toContain("Unplug it; we will send a new pump.");
    expect(text.match(/Care and maintenance/g)).toHaveLength(1);
  });

  it("shows the survey, care and notices in Spanish", async () => {
    extension.shopify.localization.language.value = { isoCode: "es-AR" };
    extension.shopify.i18n.translate = translator(es, "es") as typeof extension.shopify.i18n.translate;
    const api = fakeApi({
      "GET /api/orders/5551234": (call) => json(withNotices(call.locale as ShopperLocale)),
      [`POST /api/surveys/${SURVEY}`]: () => json(answered, 201),
    });
    extension.fetch = api.fetch;
    await extension.render();
    await settle(() => expect(shown()).toContain("Este pedido te dio 120 puntos"));
    const text = shown();
    expect(text).toContain("Tu opinión");
    expect(text).toContain("Nada probable");
    expect(text).toContain("Cuidado y mantenimiento");
    expect(text).toContain("Próximo mantenimiento: 3 de febrero de 2027");
    expect(text).toContain("Aviso de seguridad: La bomba puede calentarse");
    score("9").click();
    button("Enviar", block()).click();
    await settle(() => expect(shown()).toContain("Gracias por tu respuesta"));
    expect(api.calls.map((c) => c.locale)).toEqual(["es", "es"]);
    expect(shown()).not.toMatch(/Your opinion|Care and maintenance|Safety recall/);
  });
});
