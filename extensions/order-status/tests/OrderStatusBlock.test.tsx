/// <reference types="@shopify/ui-extensions/customer-account.order-status.block.render" />
import { getExtension } from "@shopify/ui-extensions-tester";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { OrderView, ShopperLocale } from "../../../app/shopper/views.ts";
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
      },
    ],
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
