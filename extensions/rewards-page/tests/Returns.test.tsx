/// <reference types="@shopify/ui-extensions/customer-account.page.render" />
import { getExtension } from "@shopify/ui-extensions-tester";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { ReturnView, ShopperLocale } from "../../../app/shopper/views.ts";
import { returnView } from "../../shared/return-fixtures.ts";
import { fakeApi, json, shown, translator, unmount } from "../../shared/testing.ts";
import en from "../locales/en.default.json";
import es from "../locales/es.json";
import { account } from "./fixtures.ts";

const extension = getExtension("customer-account.page.render");
const settle = (check: () => void) => vi.waitFor(check, { timeout: 4000, interval: 10 });

beforeEach(() => {
  extension.setUp();
  extension.shopify.i18n.translate = translator(en, "en") as typeof extension.shopify.i18n.translate;
});
afterEach(() => {
  unmount();
  extension.tearDown();
});

/** The shopper's returns, newest first: one waiting for the store, one the store declined, one it made itself. */
function returns(locale: ShopperLocale = "en"): ReturnView[] {
  const es = locale === "es";
  return [
    returnView(locale, {
      id: "r3",
      orderId: "5002",
      orderName: "#1051",
      name: "#1051-R1",
      status: "requested",
      statusText: es ? "Solicitada: la tienda la revisará pronto" : "Requested: the store will review it soon",
      outcome: "refund",
      outcomeText: es ? "Reembolso" : "Refund",
      note: "The box arrived crushed.",
      lines: [
        {
          lineItemId: "800",
          product: "Kettle",
          quantity: 1,
          reason: "defective",
          reasonText: es ? "Dañado o defectuoso" : "Damaged or defective",
        },
        { lineItemId: "801", product: "Filters", quantity: 2, reason: "other", reasonText: es ? "Otro motivo" : "Other" },
      ],
      requestedAt: "2026-11-20T08:00:00.000Z",
      updatedAt: "2026-11-20T08:00:02.000Z",
      events: [
        { at: "2026-11-20T08:00:00.000Z", text: es ? "Solicitaste la devolución" : "You asked for the return" },
        { at: "2026-11-20T08:00:02.000Z", text: es ? "La tienda recibió la solicitud" : "The store received the request" },
      ],
    }),
    returnView(locale, {
      id: "r2",
      status: "declined",
      statusText: es ? "Rechazada: el plazo de devolución había terminado" : "Declined: the return window had ended",
    }),
    returnView(locale, {
      id: "r1",
      requestId: null,
      name: "#1042-R0",
      status: "closed",
      statusText: es ? "Completada" : "Completed",
      outcome: null,
      outcomeText: null,
      events: [{ at: "2026-11-02T12:00:00.000Z", text: es ? "La tienda abrió una devolución" : "The store opened a return" }],
    }),
  ];
}

const section = () => {
  const found = Array.from(document.querySelectorAll("s-section")).find((s) =>
    ["My returns", "Mis devoluciones"].includes(s.getAttribute("heading")!),
  );
  if (!found) throw new Error(`no returns section: ${shown()}`);
  return found;
};

async function renderPage(locale: ShopperLocale = "en", list = returns(locale)) {
  const api = fakeApi({ "GET /api/account": () => json(account(locale, { returns: list })) });
  extension.fetch = api.fetch;
  await extension.render();
  await settle(() => expect(shown()).toContain(locale === "es" ? "Ganados en el pedido #1042" : "Earned on order #1042"));
  return api;
}

describe("my returns", () => {
  it("lists each return with its units, order, status badge, the API's sentences and dates, newest first", async () => {
    await renderPage();
    const s = section();
    const badges = Array.from(s.querySelectorAll("s-badge"), (b) => [b.textContent, b.getAttribute("tone")]);
    expect(badges).toEqual([
      ["Requested", "auto"],
      ["Declined", "critical"],
      ["Completed", "neutral"],
    ]);
    const text = shown(s);
    expect(text).toContain("Requested: the store will review it soon");
    expect(text).toContain("Declined: the return window had ended");
    expect(text.split("Completed")).toHaveLength(2); // the API's "Completed" is not repeated beside the badge
    expect(text).toContain("Kettle× 1Damaged or defective");
    expect(text).toContain("Filters× 2Other");
    expect(text).toContain("You asked for: Refund");
    expect(text).toContain("Your note: The box arrived crushed.");
    expect(text).toContain(
      `Requested ${new Date("2026-11-20T08:00:00.000Z").toISOString()} · updated ${new Date("2026-11-20T08:00:02.000Z").toISOString()}`,
    );
    expect(text.indexOf("You asked for the return")).toBeLessThan(text.indexOf("The store received the request"));
    expect(text.indexOf("#1051-R1")).toBeLessThan(text.indexOf("#1042-R0"));
    // A return the store made in Shopify: no preference of the shopper's to show.
    expect(text.split("You asked for:")).toHaveLength(3);
    expect(s.querySelectorAll("s-divider")).toHaveLength(2);

    // Each return links its order's page, where "Return items" lives; the section links the orders list.
    const links = Array.from(s.querySelectorAll("s-link"), (l) => [l.textContent, l.getAttribute("href")]);
    expect(links).toEqual([
      ["Your orders", "shopify:customer-account/orders"],
      ["#1051", "shopify:customer-account/orders/5002"],
      ["#1042", "shopify:customer-account/orders/5001"],
      ["#1042", "shopify:customer-account/orders/5001"],
    ]);
    expect(text).toContain("To return items, open the order and choose Return items.");
  });

  it("says so when there is no return, and still shows how to start one", async () => {
    await renderPage("en", []);
    const text = shown(section());
    expect(text).toContain("You have not returned anything.");
    expect(section().querySelector("s-link")?.getAttribute("href")).toBe("shopify:customer-account/orders");
    expect(section().querySelectorAll("s-badge")).toHaveLength(0);
  });

  it("speaks Spanish: its chrome from es.json, the API's sentences as sent", async () => {
    extension.shopify.localization.language.value = { isoCode: "es-MX" };
    extension.shopify.i18n.translate = translator(es, "es") as typeof extension.shopify.i18n.translate;
    await renderPage("es");
    const s = section();
    expect(Array.from(s.querySelectorAll("s-badge"), (b) => b.textContent)).toEqual(["Solicitada", "Rechazada", "Completada"]);
    const text = shown(s);
    expect(s.getAttribute("heading")).toBe("Mis devoluciones");
    expect(text).toContain("Rechazada: el plazo de devolución había terminado");
    expect(text).toContain("Pediste: Reembolso");
    expect(text).toContain("Para devolver artículos, abre el pedido y elige Devolver artículos.");
    expect(text).toContain("Tus pedidos");
    expect(text).not.toMatch(/My returns|You asked for|Your orders|Requested /);
  });
});
