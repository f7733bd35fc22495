/// <reference types="@shopify/ui-extensions/customer-account.order.action.render" />
import { getExtension } from "@shopify/ui-extensions-tester";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { ReturnOptionsView, ReturnRequest } from "../../../app/shopper/views.ts";
import { returnOptions, returnView } from "../../shared/return-fixtures.ts";
import { button, deferred, fakeApi, json, shown, translator, unmount } from "../../shared/testing.ts";
import en from "../locales/en.default.json";
import es from "../locales/es.json";

const extension = getExtension("customer-account.order.action.render");
const settle = (check: () => void) => vi.waitFor(check, { timeout: 4000, interval: 10 });
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const OPTIONS = "GET /api/orders/5001/returns";

let close: ReturnType<typeof vi.fn<() => void>>;
beforeEach(() => {
  extension.setUp();
  extension.shopify.orderId = "gid://shopify/Order/5001";
  extension.shopify.i18n.translate = translator(en, "en") as typeof extension.shopify.i18n.translate;
  close = vi.fn<() => void>();
  extension.shopify.close = close;
});
afterEach(() => {
  unmount();
  extension.tearDown();
});

const action = () => {
  const found = document.querySelector<HTMLElement>("body > s-customer-account-action");
  if (!found) throw new Error(`no s-customer-account-action: ${shown()}`);
  return found;
};
/** The form's field for a line, found by the line's product. */
const lineOf = (product: string) => {
  const line = Array.from(action().querySelectorAll("s-stack")).find(
    (s) => s.querySelector(":scope > s-stack > s-text[type=strong]")?.textContent === product,
  );
  if (!line) throw new Error(`no line for ${product}: ${shown()}`);
  return line;
};
const type = (el: HTMLElement | null, value: string, event = "input") => {
  if (!el) throw new Error(`no field: ${shown()}`);
  (el as HTMLElement & { value: string }).value = value;
  el.dispatchEvent(new Event(event));
};
const setUnits = (product: string, n: string) => type(lineOf(product).querySelector<HTMLElement>("s-number-field"), n);
const setReason = (product: string, handle: string) => type(lineOf(product).querySelector<HTMLElement>("s-select"), handle, "change");
const setNote = (text: string) => type(action().querySelector<HTMLElement>("s-text-area"), text);
const setOutcome = (kind: string) => {
  const list = action().querySelector<HTMLElement & { values: string[] }>("s-choice-list")!;
  list.values = [kind];
  list.dispatchEvent(new Event("change"));
};

/** Renders the modal; GET answers `after()` once a POST succeeded. */
async function renderModal(post?: (call: { body: unknown }) => Response | Promise<Response>, after = () => returnOptions()) {
  let done = false;
  const api = fakeApi({
    [OPTIONS]: () => json(done ? after() : returnOptions()),
    ...(post
      ? {
          "POST /api/returns": async (call: { body: unknown }) => {
            const response = await post(call);
            if (response.ok) done = true;
            return response;
          },
        }
      : {}),
  });
  extension.fetch = api.fetch;
  await extension.render();
  await settle(() => expect(shown()).toContain("Returnable until 14 Dec 2026"));
  return api;
}
const posts = (api: ReturnType<typeof fakeApi>) => api.calls.filter((c) => c.method === "POST");
const gets = (api: ReturnType<typeof fakeApi>) => api.calls.filter((c) => c.method === "GET");
const sendButton = () => button("Request return", action());

describe("return modal", () => {
  it("lists each line with a quantity picker for eligible units and the API's reason for the others", async () => {
    const api = await renderModal();
    expect(action().getAttribute("heading")).toBe("Return items from #1042");
    expect(api.calls[0]).toMatchObject({ path: "/api/orders/5001/returns", locale: "en", authorization: "Bearer mock-session-token" });

    // The cups: up to 2 units, and a reason only once a unit is picked.
    const cups = lineOf("Espresso cup");
    const field = cups.querySelector("s-number-field")!;
    expect(field.getAttribute("label")).toBe("Units to return (up to 2)");
    expect([field.getAttribute("min"), field.getAttribute("max"), field.getAttribute("step")]).toEqual(["0", "2", "1"]);
    expect(cups.querySelector("s-select")).toBeNull();
    setUnits("Espresso cup", "1");
    await settle(() => expect(lineOf("Espresso cup").querySelector("s-select")).not.toBeNull());
    const reasons = Array.from(lineOf("Espresso cup").querySelectorAll("s-option"), (o) => [o.getAttribute("value"), o.textContent]);
    expect(reasons).toEqual([
      ["", "Choose a reason"],
      ["too_small", "Too small"],
      ["defective", "Damaged or defective"],
    ]);
    // The others: no picker, the API's sentence.
    expect(lineOf("Milk jug").querySelector("s-number-field")).toBeNull();
    expect(shown(lineOf("Milk jug"))).toContain("Already in a return");
    expect(lineOf("Burr grinder").querySelector("s-number-field")).toBeNull();
    expect(shown(lineOf("Burr grinder"))).toContain("Final sale: it cannot be returned");
    expect(action().querySelectorAll("s-number-field")).toHaveLength(1);

    // Note (the server's limit) and outcomes with the API's bonus sentence; refund chosen first.
    const note = action().querySelector("s-text-area")!;
    expect(note.getAttribute("label")).toBe("Note for the store (optional)");
    expect(note.getAttribute("maxlength")).toBe("480");
    expect(shown(action())).toContain("0 / 480 characters");
    const choices = Array.from(action().querySelectorAll("s-choice"), (c) => [c.getAttribute("value"), shown(c)]);
    expect(choices).toEqual([
      ["refund", "RefundTo your original payment method"],
      ["store_credit", "Store creditGet 10% more when you choose store credit"],
    ]);
    expect(action().querySelector("s-choice-list")?.getAttribute("values")).toBe("refund");

    // The order's returns so far: status badge, the API's sentence, units, outcome, dates, timeline.
    const returns = shown(action());
    expect(Array.from(action().querySelectorAll("s-badge"), (b) => [b.textContent, b.getAttribute("tone")])).toEqual([
      ["Approved", "auto"],
    ]);
    expect(returns).toContain("Returns of this order");
    expect(returns).toContain("Approved: send the items back to the store");
    expect(returns).toContain("#1042-R1");
    expect(returns).toContain("Too small");
    expect(returns).toContain("You asked for: Store credit");
    expect(returns).toContain(`Requested ${new Date("2026-11-14T09:00:00.000Z").toISOString()}`); // the mock's formatDate
    expect(returns.indexOf("You asked for the return")).toBeLessThan(returns.indexOf("Approved automatically"));

    // Actions in the modal's slots; Cancel closes it.
    expect(sendButton().getAttribute("slot")).toBe("primary-action");
    const cancel = button("Cancel", action());
    expect(cancel.getAttribute("slot")).toBe("secondary-actions");
    cancel.click();
    expect(close).toHaveBeenCalledOnce();
    expect(posts(api)).toHaveLength(0);
  });

  it("shows skeletons under its heading while loading, then the form", async () => {
    const pending = deferred();
    extension.fetch = fakeApi({ [OPTIONS]: () => pending.promise }).fetch;
    await extension.render();
    await settle(() => expect(document.querySelectorAll("s-skeleton-paragraph").length).toBeGreaterThan(2));
    expect(action().getAttribute("heading")).toBe("Return items");
    expect(() => sendButton()).toThrow();
    pending.resolve(json(returnOptions()));
    await settle(() => expect(shown()).toContain("Returnable until 14 Dec 2026"));
    expect(document.querySelectorAll("s-skeleton-paragraph")).toHaveLength(0);
  });

  it.each([
    ["the API answers 500", () => json({ error: "boom" }, 500), "Something went wrong on our side."],
    [
      "there is no answer",
      () => Promise.reject(new TypeError("Failed to fetch")),
      "We could not reach the returns service. Check your connection.",
    ],
    [
      "the API refuses (404)",
      () => json({ error: "We could not find this order.", code: "not_found" }, 404),
      "We could not find this order.",
    ],
  ])("shows an error with a retry when %s", async (_, failure, sentence) => {
    let fail = true;
    const api = fakeApi({ [OPTIONS]: () => (fail ? failure() : json(returnOptions())) });
    extension.fetch = api.fetch;
    await extension.render();
    await settle(() => expect(shown()).toContain("Returns could not be loaded"));
    expect(shown()).toContain(sentence);
    fail = false;
    button("Try again").click();
    await settle(() => expect(shown()).toContain("Returnable until 14 Dec 2026"));
    expect(api.calls).toHaveLength(2);
  });

  it("says so when nothing in the order can go back, and offers only Close", async () => {
    extension.fetch = fakeApi({
      [OPTIONS]: () => json(returnOptions("en", { canRequest: false, lines: returnOptions().lines.slice(1) })),
    }).fetch;
    await extension.render();
    await settle(() => expect(shown()).toContain("Nothing in this order can be returned now."));
    expect(shown()).toContain("Final sale: it cannot be returned");
    expect(action().querySelectorAll("s-number-field, s-text-area, s-choice-list")).toHaveLength(0);
    expect(() => sendButton()).toThrow();
    button("Close", action()).click();
    expect(close).toHaveBeenCalledOnce();
    expect(shown()).toContain("Approved: send the items back to the store"); // its returns still show
  });

  it("checks the form before sending, and says what to fix where", async () => {
    const api = await renderModal(() => json(returnView(), 201));
    const cups = () => lineOf("Espresso cup");

    sendButton().click();
    await settle(() => expect(shown(action())).toContain("Choose at least one unit to return."));

    setUnits("Espresso cup", "3");
    await settle(() => expect(cups().querySelector("s-number-field")?.getAttribute("error")).toBe("Enter a whole number from 0 to 2."));
    expect(shown(action())).not.toContain("Choose at least one unit to return.");
    setUnits("Espresso cup", "1.5");
    sendButton().click();
    await settle(() => expect(cups().querySelector("s-number-field")?.getAttribute("error")).toBe("Enter a whole number from 0 to 2."));

    setUnits("Espresso cup", "2");
    await settle(() => expect(cups().querySelector("s-select")?.getAttribute("error")).toBe("Choose why you are returning it."));
    expect(cups().querySelector("s-number-field")?.hasAttribute("error")).toBe(false);

    setReason("Espresso cup", "defective");
    setNote(`  ${"x".repeat(481)}  `);
    await settle(() =>
      expect(action().querySelector("s-text-area")?.getAttribute("error")).toBe("Keep the note to 480 characters or fewer."),
    );
    expect(shown(action())).toContain("481 / 480 characters");
    sendButton().click();
    expect(posts(api)).toHaveLength(0);

    setNote("  The handle is chipped.  ");
    await settle(() => expect(action().querySelector("s-text-area")?.hasAttribute("error")).toBe(false));
    expect(shown(action())).toContain("22 / 480 characters");
    sendButton().click();
    await settle(() => expect(posts(api)).toHaveLength(1));
  });

  it("posts the request once with a requestId, then shows the new return's status and closes on Done", async () => {
    const slow = deferred();
    const created = returnView("en", {
      id: "r2",
      name: null,
      status: "requested",
      statusText: "Requested: the store will review it soon",
      lines: [{ lineItemId: "700", product: "Espresso cup", quantity: 2, reason: "defective", reasonText: "Damaged or defective" }],
      note: "The handle is chipped.",
      events: [{ at: "2026-11-23T10:00:00.000Z", text: "You asked for the return" }],
    });
    const after = (): ReturnOptionsView => {
      const options = returnOptions();
      return {
        ...options,
        canRequest: false,
        lines: options.lines.map((l) => ({ ...l, canReturn: false, returnableQuantity: 0 })),
        returns: [created, ...options.returns],
      };
    };
    const api = await renderModal(() => slow.promise, after);
    setUnits("Espresso cup", "2");
    await settle(() => expect(lineOf("Espresso cup").querySelector("s-select")).not.toBeNull());
    setReason("Espresso cup", "defective");
    setNote("  The handle is chipped.\n");
    setOutcome("store_credit");
    const send = sendButton();
    send.click();
    send.click();
    await settle(() => expect(send.hasAttribute("loading")).toBe(true));
    send.click();
    expect(posts(api)).toHaveLength(1);
    slow.resolve(json(created, 201));
    await settle(() => expect(shown()).toContain("Return requested"));

    const [post] = posts(api);
    expect(post).toMatchObject({
      path: "/api/returns",
      locale: "en",
      authorization: "Bearer mock-session-token",
      contentType: "application/json",
    });
    const body = post.body as ReturnRequest;
    expect(Object.keys(body).sort()).toEqual(["lines", "note", "orderId", "outcome", "requestId"]);
    expect(body.requestId).toMatch(UUID);
    expect(body).toMatchObject({
      orderId: "5001",
      lines: [{ lineItemId: "700", quantity: 2, reason: "defective" }],
      note: "The handle is chipped.",
      outcome: "store_credit",
    });

    // The new return's status, above the order's returns; then the options reload quietly.
    expect(shown(action().querySelector("s-banner[tone=success]")!)).toContain("Requested: the store will review it soon");
    expect(Array.from(action().querySelectorAll("s-badge"), (b) => b.textContent)).toEqual(["Requested", "Approved"]);
    expect(action().querySelectorAll("s-number-field")).toHaveLength(0);
    await settle(() => expect(gets(api)).toHaveLength(2));
    expect(posts(api)).toHaveLength(1);
    const done = button("Done", action());
    expect(done.getAttribute("slot")).toBe("primary-action");
    done.click();
    expect(close).toHaveBeenCalledOnce();
  });

  it("sends a note left empty as null, and the refund when nothing else was chosen", async () => {
    const api = await renderModal(() => json(returnView(), 201));
    setUnits("Espresso cup", "1");
    await settle(() => expect(lineOf("Espresso cup").querySelector("s-select")).not.toBeNull());
    setReason("Espresso cup", "too_small");
    setNote("   ");
    sendButton().click();
    await settle(() => expect(posts(api)).toHaveLength(1));
    expect(posts(api)[0].body).toMatchObject({
      lines: [{ lineItemId: "700", quantity: 1, reason: "too_small" }],
      note: null,
      outcome: "refund",
    });
  });

  it("retries a submission with the same requestId, and 'Try again' resends it", async () => {
    let answers: Array<() => Response | Promise<Response>> = [
      () => json({ error: "unavailable" }, 503),
      () => Promise.reject(new TypeError("Failed to fetch")),
    ];
    const api = await renderModal(() => {
      const next = answers.shift();
      if (next) return next();
      throw new TypeError("Failed to fetch");
    });
    setUnits("Espresso cup", "1");
    await settle(() => expect(lineOf("Espresso cup").querySelector("s-select")).not.toBeNull());
    setReason("Espresso cup", "too_small");
    sendButton().click();
    await settle(() => expect(shown(action())).toContain("We could not confirm your return"));
    const ids = () => posts(api).map((c) => (c.body as ReturnRequest).requestId);
    expect(ids()).toHaveLength(3); // the submission and two automatic retries
    expect(new Set(ids()).size).toBe(1);
    expect(action().querySelector("s-banner")?.getAttribute("tone")).toBe("warning");

    answers = [() => json(returnView("en", { status: "requesting", statusText: "Being sent to the store…" }), 202)];
    button("Try again", action()).click();
    await settle(() => expect(shown()).toContain("Return requested"));
    expect(shown()).toContain("Being sent to the store…");
    expect(ids()).toHaveLength(4);
    expect(new Set(ids()).size).toBe(1);
  });

  it("shows the server's sentence when it refuses (409), does not retry, and a new Send is a new submission", async () => {
    const refusal = "Already in a return.";
    const api = await renderModal(() => json({ error: refusal, code: "not_returnable" }, 409));
    setUnits("Espresso cup", "1");
    await settle(() => expect(lineOf("Espresso cup").querySelector("s-select")).not.toBeNull());
    setReason("Espresso cup", "too_small");
    sendButton().click();
    await settle(() => expect(shown(action())).toContain(refusal));
    const banner = action().querySelector("s-banner")!;
    expect(banner.getAttribute("tone")).toBe("critical");
    expect(banner.getAttribute("heading")).toBe("Your return could not be requested");
    expect(posts(api)).toHaveLength(1);
    await settle(() => expect(gets(api)).toHaveLength(2)); // the options reload: a line may say why now

    sendButton().click();
    await settle(() => expect(posts(api)).toHaveLength(2));
    const [first, second] = posts(api).map((c) => (c.body as ReturnRequest).requestId);
    expect(second).toMatch(UUID);
    expect(second).not.toBe(first);
  });

  it("asks in Spanish and speaks Spanish: chrome, checks and the API's sentences", async () => {
    extension.shopify.localization.language.value = { isoCode: "es-ES" };
    extension.shopify.i18n.translate = translator(es, "es") as typeof extension.shopify.i18n.translate;
    const api = fakeApi({ [OPTIONS]: (call) => json(returnOptions(call.locale === "es" ? "es" : "en")) });
    extension.fetch = api.fetch;
    await extension.render();
    await settle(() => expect(shown()).toContain("Se puede devolver hasta el 14 dic 2026"));
    expect(api.calls.map((c) => c.locale)).toEqual(["es"]);
    expect(action().getAttribute("heading")).toBe("Devolver artículos de #1042");
    const text = shown(action());
    expect(text).toContain("Venta final: no se puede devolver");
    expect(text).toContain("Recibe un 10 % más si eliges saldo en la tienda");
    expect(text).toContain("Aprobada: envía los artículos a la tienda");
    expect(text).toContain("0 / 480 caracteres");
    expect(button("Solicitar devolución", action())).toBeDefined();
    expect(button("Cancelar", action())).toBeDefined();
    expect(lineOf("Espresso cup").querySelector("s-number-field")?.getAttribute("label")).toBe("Unidades a devolver (hasta 2)");
    button("Solicitar devolución", action()).click();
    await settle(() => expect(shown(action())).toContain("Elige al menos una unidad para devolver."));
    expect(text).not.toMatch(/Return items|Request return|characters|Units to return/);
  });

  it("takes its chrome from the extension's translations", async () => {
    extension.shopify.i18n.translate = ((key: string) => `«${key}»`) as typeof extension.shopify.i18n.translate;
    extension.fetch = fakeApi({ [OPTIONS]: () => json(returnOptions()) }).fetch;
    await extension.render();
    await settle(() => expect(shown()).toContain("Returnable until 14 Dec 2026"));
    expect(action().getAttribute("heading")).toBe("«action.orderHeading»");
    expect(shown()).toContain("«action.send»");
    expect(Array.from(action().querySelectorAll("s-badge"), (b) => b.textContent)).toEqual(["«returns.status.open»"]);
  });
});
