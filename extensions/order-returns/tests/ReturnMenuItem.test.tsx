/// <reference types="@shopify/ui-extensions/customer-account.order.action.menu-item.render" />
import { getExtension } from "@shopify/ui-extensions-tester";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { returnOptions } from "../../shared/return-fixtures.ts";
import { deferred, fakeApi, json, translator, unmount } from "../../shared/testing.ts";
import en from "../locales/en.default.json";
import es from "../locales/es.json";

const extension = getExtension("customer-account.order.action.menu-item.render");
const settle = (check: () => void) => vi.waitFor(check, { timeout: 3000, interval: 10 });
const ROUTE = "GET /api/orders/5001/returns";

beforeEach(() => {
  extension.setUp();
  extension.shopify.orderId = "gid://shopify/Order/5001";
  extension.shopify.i18n.translate = translator(en, "en") as typeof extension.shopify.i18n.translate;
});
afterEach(() => {
  unmount();
  extension.tearDown();
});

/** The one element the target renders. */
function menuButton() {
  const buttons = document.querySelectorAll<HTMLElement>("body > s-button");
  expect(buttons).toHaveLength(1);
  expect(document.body.children).toHaveLength(1);
  return buttons[0];
}

describe("return menu item", () => {
  it("asks for the order's options and offers Return items, opening the modal (no href)", async () => {
    const pending = deferred();
    const api = fakeApi({ [ROUTE]: () => pending.promise });
    extension.fetch = api.fetch;
    await extension.render();
    await settle(() => expect(menuButton().hasAttribute("loading")).toBe(true));
    expect(menuButton().textContent).toBe("Return items");

    pending.resolve(json(returnOptions()));
    await settle(() => expect(menuButton().hasAttribute("loading")).toBe(false));
    const item = menuButton();
    expect(item.textContent).toBe("Return items");
    expect(item.hasAttribute("disabled")).toBe(false);
    expect(item.hasAttribute("href")).toBe(false);
    expect(api.calls).toEqual([
      {
        method: "GET",
        path: "/api/orders/5001/returns",
        locale: "en",
        authorization: "Bearer mock-session-token",
        contentType: null,
        body: null,
      },
    ]);
  });

  it("offers View returns when nothing can go back but the order has returns", async () => {
    extension.fetch = fakeApi({ [ROUTE]: () => json(returnOptions("en", { canRequest: false })) }).fetch;
    await extension.render();
    await settle(() => expect(menuButton().textContent).toBe("View returns"));
    expect(menuButton().hasAttribute("disabled")).toBe(false);
  });

  it.each([
    ["nothing can go back and there is no return", () => json(returnOptions("en", { canRequest: false, returns: [] }))],
    ["the API does not know the order (404)", () => json({ error: "Not found.", code: "not_found" }, 404)],
  ])("is disabled, saying why to assistive technology, when %s", async (_, answer) => {
    extension.fetch = fakeApi({ [ROUTE]: answer }).fetch;
    await extension.render();
    await settle(() => expect(menuButton().hasAttribute("disabled")).toBe(true));
    expect(menuButton().textContent).toBe("Return items");
    expect(menuButton().getAttribute("accessibilitylabel")).toBe("Nothing in this order can be returned");
  });

  it.each([
    ["a 500", () => json({ error: "boom" }, 500)],
    ["no answer", () => Promise.reject(new TypeError("Failed to fetch"))],
    ["a shopper not logged in yet (401)", () => json({ error: "Log in.", code: "unauthenticated" }, 401)],
  ])("stays enabled after %s: the modal loads again and explains", async (_, answer) => {
    extension.fetch = fakeApi({ [ROUTE]: answer }).fetch;
    await extension.render();
    await settle(() => expect(menuButton().hasAttribute("loading")).toBe(false));
    expect(menuButton().hasAttribute("disabled")).toBe(false);
    expect(menuButton().textContent).toBe("Return items");
  });

  it("asks in Spanish and speaks Spanish for a Spanish-speaking shopper", async () => {
    extension.shopify.localization.language.value = { isoCode: "es-MX" };
    extension.shopify.i18n.translate = translator(es, "es") as typeof extension.shopify.i18n.translate;
    const api = fakeApi({ [ROUTE]: () => json(returnOptions("es")) });
    extension.fetch = api.fetch;
    await extension.render();
    await settle(() => expect(menuButton().hasAttribute("loading")).toBe(false));
    expect(menuButton().textContent).toBe("Devolver artículos");
    expect(api.calls.map((c) => c.locale)).toEqual(["es"]);
  });
});
