/// <reference types="@shopify/ui-extensions/purchase.thank-you.block.render" />
import { getExtension } from "@shopify/ui-extensions-tester";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { ShopperLocale, ThankYouView } from "../../../app/shopper/views.ts";
import { button, deferred, fakeApi, json, shown, translator, unmount } from "../../shared/testing.ts";
import en from "../locales/en.default.json";
import es from "../locales/es.json";

const extension = getExtension("purchase.thank-you.block.render");
const settle = (check: () => void) => vi.waitFor(check, { timeout: 3000, interval: 10 });

function member(locale: ShopperLocale = "en"): ThankYouView {
  const es = locale === "es";
  return {
    locale,
    points: 84,
    text: es ? "Este pedido te da 84 puntos" : "This order earns 84 points",
    guest: false,
    guestText: null,
    tier: {
      name: "Silver",
      basis: "points",
      next: { name: "Gold", points: 296 },
      progress: 0.4,
      earnMultiplier: 1,
      text: es ? "Te faltan 296 puntos para Gold" : "296 points to Gold",
      benefitsText: null,
    },
  };
}

function guest(locale: ShopperLocale = "en"): ThankYouView {
  const es = locale === "es";
  return {
    locale,
    points: 84,
    text: es ? "Este pedido te da 84 puntos" : "This order earns 84 points",
    guest: true,
    guestText: es
      ? "Crea una cuenta con ana@example.com para recibir tus puntos"
      : "Create an account with ana@example.com to collect your points",
    tier: null,
  };
}

beforeEach(() => {
  extension.setUp();
  extension.shopify.orderConfirmation.value = { order: { id: "gid://shopify/Order/777" }, isFirstOrder: true, number: "1042" };
  extension.shopify.cost.subtotalAmount.value = { amount: 84.5, currencyCode: "EUR" };
  extension.shopify.i18n.translate = translator(en, "en") as typeof extension.shopify.i18n.translate;
});
afterEach(() => {
  unmount();
  extension.tearDown();
});

describe("thank-you block", () => {
  it("posts the order and its subtotal, then shows the points and a logged-in shopper's tier progress", async () => {
    const api = fakeApi({ "POST /api/thank-you": () => json(member()) });
    extension.fetch = api.fetch;
    await extension.render();
    await settle(() => expect(shown()).toContain("This order earns 84 points"));

    expect(api.calls).toEqual([
      {
        method: "POST",
        path: "/api/thank-you",
        locale: "en",
        authorization: "Bearer mock-session-token",
        contentType: "application/json",
        body: { orderId: "gid://shopify/Order/777", subtotal: { amount: "84.50", currency: "EUR" } },
      },
    ]);
    expect(shown()).toContain("Silver");
    expect(shown()).toContain("296 points to Gold");
    expect(document.querySelector("s-progress")?.getAttribute("value")).toBe("0.4");
  });

  it("sends amounts in the currency's precision", async () => {
    extension.shopify.cost.subtotalAmount.value = { amount: 12000, currencyCode: "JPY" };
    const api = fakeApi({ "POST /api/thank-you": () => json(member()) });
    extension.fetch = api.fetch;
    await extension.render();
    await settle(() => expect(api.calls).toHaveLength(1));
    expect(api.calls[0].body).toMatchObject({ subtotal: { amount: "12000", currency: "JPY" } });
  });

  it("tells a guest that the points wait for an account with the order's email, without a tier", async () => {
    extension.fetch = fakeApi({ "POST /api/thank-you": () => json(guest()) }).fetch;
    await extension.render();
    await settle(() => expect(shown()).toContain("Create an account with ana@example.com to collect your points"));
    expect(shown()).toContain("This order earns 84 points");
    expect(document.querySelector("s-progress")).toBeNull();
  });

  it("asks in Spanish for a Spanish-speaking buyer and shows its chrome from its translations", async () => {
    extension.shopify.localization.language.value = { isoCode: "es-ES" };
    extension.shopify.i18n.translate = translator(es, "es") as typeof extension.shopify.i18n.translate;
    const api = fakeApi({ "POST /api/thank-you": (call) => json(guest(call.locale as ShopperLocale)) });
    extension.fetch = api.fetch;
    await extension.render();
    await settle(() => expect(shown()).toContain("Este pedido te da 84 puntos"));
    expect(api.calls[0].locale).toBe("es");
    expect(shown()).toContain("Tus recompensas");
    expect(shown()).toContain("Crea una cuenta con ana@example.com");

    unmount();
    extension.shopify.localization.language.value = { isoCode: "de" };
    extension.shopify.i18n.translate = ((key: string) => `«${key}»`) as typeof extension.shopify.i18n.translate;
    await extension.render();
    await settle(() => expect(api.calls).toHaveLength(2));
    expect(api.calls[1].locale).toBe("en");
    expect(document.querySelector("s-section")?.getAttribute("heading")).toBe("«heading»");
  });

  it("shows skeletons under its heading while loading", async () => {
    const pending = deferred();
    extension.fetch = fakeApi({ "POST /api/thank-you": () => pending.promise }).fetch;
    await extension.render();
    await settle(() => expect(document.querySelectorAll("s-skeleton-paragraph")).toHaveLength(3));
    expect(document.querySelector("s-section")?.getAttribute("heading")).toBe("Your rewards");
    pending.resolve(json(member()));
    await settle(() => expect(shown()).toContain("This order earns 84 points"));
    expect(document.querySelectorAll("s-skeleton-paragraph")).toHaveLength(0);
  });

  it.each([
    ["a 500", () => json({}, 500), "Something went wrong on our side."],
    [
      "no answer",
      () => {
        throw new TypeError("Failed to fetch");
      },
      "We could not reach the rewards service.",
    ],
  ])("shows an error with a retry after %s, and the retry works", async (_, failure, sentence) => {
    let fail = true;
    const api = fakeApi({ "POST /api/thank-you": () => (fail ? failure() : json(member())) });
    extension.fetch = api.fetch;
    await extension.render();
    await settle(() => expect(shown()).toContain(sentence));
    fail = false;
    button("Try again").click();
    await settle(() => expect(shown()).toContain("This order earns 84 points"));
    expect(api.calls).toHaveLength(2);
    expect(api.calls[1].body).toEqual(api.calls[0].body);
  });

  it("shows only the API's sentence when the order earns nothing and there is no tier to show", async () => {
    const none: ThankYouView = { ...member(), points: 0, text: "This order does not earn points", tier: null };
    extension.fetch = fakeApi({ "POST /api/thank-you": () => json(none) }).fetch;
    await extension.render();
    await settle(() => expect(shown()).toContain("This order does not earn points"));
    expect(document.querySelector("s-progress")).toBeNull();
  });
});
