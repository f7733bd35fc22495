/// <reference types="@shopify/ui-extensions/customer-account.profile.block.render" />
import { getExtension } from "@shopify/ui-extensions-tester";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { Birthday } from "../../../app/shopper/views.ts";
import { button, deferred, fakeApi, json, shown, translator, unmount, type ApiCall } from "../../shared/testing.ts";
import en from "../locales/en.default.json";
import es from "../locales/es.json";
import { invalidBirthday } from "../src/BirthdayBlock.tsx";

const extension = getExtension("customer-account.profile.block.render");
const settle = (check: () => void) => vi.waitFor(check, { timeout: 3000, interval: 10 });

function speak(language: "en" | "es") {
  extension.shopify.i18n.translate = translator(language === "es" ? es : en, language) as typeof extension.shopify.i18n.translate;
  extension.shopify.i18n.formatDate = (date: Date, options?: Intl.DateTimeFormatOptions) =>
    new Intl.DateTimeFormat(language, options).format(date);
}

/** A stand-in for GET/POST /api/birthday holding one shopper's birthday. */
function birthdayApi(initial: Birthday | null, refuse?: (call: ApiCall) => Response | null) {
  let stored = initial;
  return fakeApi({
    "GET /api/birthday": () => json({ birthday: stored }),
    "POST /api/birthday": (call) => {
      const refusal = refuse?.(call);
      if (refusal) return refusal;
      stored = (call.body as { birthday: Birthday | null }).birthday;
      return json({ birthday: stored });
    },
  });
}

/** Picks `value` in the select labelled `label`, as the host does, and lets Preact re-render. */
async function choose(label: string, value: string) {
  const select = Array.from(document.querySelectorAll<HTMLElement & { value: string }>("s-select")).find(
    (s) => s.getAttribute("label") === label,
  );
  if (!select) throw new Error(`no select labelled ${label}`);
  select.value = value;
  select.dispatchEvent(new Event("change"));
  await new Promise((resolve) => setTimeout(resolve, 0));
}

const posts = (api: ReturnType<typeof fakeApi>) => api.calls.filter((c) => c.method === "POST");

beforeEach(() => {
  extension.setUp();
  speak("en");
});
afterEach(() => {
  unmount();
  extension.tearDown();
});

describe("birthday block", () => {
  it("shows the stored birthday as month and day", async () => {
    const api = birthdayApi({ month: 3, day: 14 });
    extension.fetch = api.fetch;
    await extension.render();
    await settle(() => expect(shown()).toContain("March 14"));
    expect(shown()).toContain("Birthday");
    expect(shown()).toContain("Change birthday");
    expect(api.calls).toEqual([
      { method: "GET", path: "/api/birthday", locale: "en", authorization: "Bearer mock-session-token", contentType: null, body: null },
    ]);
  });

  it("lets a shopper without one add it, 29 February included", async () => {
    const api = birthdayApi(null);
    extension.fetch = api.fetch;
    await extension.render();
    await settle(() => expect(shown()).toContain("Not set yet."));
    button("Add birthday").click();
    await settle(() => expect(document.querySelectorAll("s-select")).toHaveLength(2));
    await choose("Month", "2");
    await choose("Day", "29");
    button("Save").click();
    await settle(() => expect(shown()).toContain("February 29"));
    expect(shown()).toContain("Saved.");
    expect(posts(api)).toEqual([
      {
        method: "POST",
        path: "/api/birthday",
        locale: "en",
        authorization: "Bearer mock-session-token",
        contentType: "application/json",
        body: { birthday: { month: 2, day: 29 } },
      },
    ]);
  });

  it("changes a stored birthday, starting from it", async () => {
    const api = birthdayApi({ month: 3, day: 14 });
    extension.fetch = api.fetch;
    await extension.render();
    await settle(() => expect(shown()).toContain("March 14"));
    button("Change birthday").click();
    await settle(() => expect(document.querySelectorAll("s-select")).toHaveLength(2));
    expect(Array.from(document.querySelectorAll("s-select"), (s) => s.getAttribute("value"))).toEqual(["3", "14"]);
    await choose("Day", "15");
    button("Save").click();
    await settle(() => expect(shown()).toContain("March 15"));
    expect(posts(api).map((c) => c.body)).toEqual([{ birthday: { month: 3, day: 15 } }]);
  });

  it("clears it", async () => {
    const api = birthdayApi({ month: 3, day: 14 });
    extension.fetch = api.fetch;
    await extension.render();
    await settle(() => expect(shown()).toContain("March 14"));
    button("Remove").click();
    await settle(() => expect(shown()).toContain("Not set yet."));
    expect(posts(api).map((c) => c.body)).toEqual([{ birthday: null }]);
    expect(shown()).toContain("Add birthday");
  });

  it("checks the month and day before sending anything", async () => {
    const api = birthdayApi(null);
    extension.fetch = api.fetch;
    await extension.render();
    await settle(() => expect(shown()).toContain("Add birthday"));
    button("Add birthday").click();
    await settle(() => expect(document.querySelectorAll("s-select")).toHaveLength(2));

    button("Save").click();
    await settle(() => expect(document.querySelectorAll("s-select")[1].getAttribute("error")).toBe("Choose a month and a day."));
    await choose("Month", "4");
    await choose("Day", "31");
    button("Save").click();
    await settle(() => expect(document.querySelectorAll("s-select")[1].getAttribute("error")).toBe("That month has only 30 days."));
    await choose("Month", "2");
    await choose("Day", "30");
    button("Save").click();
    await settle(() => expect(document.querySelectorAll("s-select")[1].getAttribute("error")).toBe("That month has only 29 days."));
    expect(posts(api)).toHaveLength(0);

    expect(invalidBirthday(2, 29)).toBeNull();
    expect(invalidBirthday(12, 31)).toBeNull();
    expect(invalidBirthday(1, 32)).toBe("form.noSuchDay");
    expect(invalidBirthday(13, 1)).toBe("form.missing");
    expect(invalidBirthday(6, 0)).toBe("form.noSuchDay");
  });

  it("shows the server's error text when it refuses", async () => {
    const api = birthdayApi(null, () => json({ error: "Birthdays can only be changed once every 30 days.", code: "too_soon" }, 409));
    extension.fetch = api.fetch;
    await extension.render();
    await settle(() => expect(shown()).toContain("Add birthday"));
    button("Add birthday").click();
    await settle(() => expect(document.querySelectorAll("s-select")).toHaveLength(2));
    await choose("Month", "7");
    await choose("Day", "4");
    button("Save").click();
    await settle(() => expect(shown()).toContain("Birthdays can only be changed once every 30 days."));
    expect(document.querySelector("s-banner")?.getAttribute("tone")).toBe("critical");
    expect(posts(api)).toHaveLength(1);
    expect(document.querySelectorAll("s-select")).toHaveLength(2); // still editing
  });

  it("speaks Spanish to a Spanish-speaking shopper: the API's locale, its chrome and the month names", async () => {
    extension.shopify.localization.language.value = { isoCode: "es-AR" };
    speak("es");
    const api = birthdayApi({ month: 3, day: 14 });
    extension.fetch = api.fetch;
    await extension.render();
    await settle(() => expect(shown()).toContain("14 de marzo"));
    expect(api.calls[0].locale).toBe("es");
    expect(shown()).toContain("Cumpleaños");
    button("Cambiar cumpleaños").click();
    await settle(() => expect(shown()).toContain("febrero"));

    unmount();
    extension.shopify.localization.language.value = { isoCode: "en-GB" };
    extension.shopify.i18n.translate = ((key: string) => `«${key}»`) as typeof extension.shopify.i18n.translate;
    await extension.render();
    await settle(() => expect(api.calls).toHaveLength(2));
    expect(api.calls[1].locale).toBe("en");
    await settle(() => expect(shown()).toContain("«change»"));
    expect(document.querySelector("s-section")?.getAttribute("heading")).toBe("«heading»");
  });

  it("shows skeletons under its heading while loading", async () => {
    const pending = deferred();
    extension.fetch = fakeApi({ "GET /api/birthday": () => pending.promise }).fetch;
    await extension.render();
    await settle(() => expect(document.querySelectorAll("s-skeleton-paragraph")).toHaveLength(2));
    expect(document.querySelector("s-section")?.getAttribute("heading")).toBe("Birthday");
    pending.resolve(json({ birthday: null }));
    await settle(() => expect(shown()).toContain("Not set yet."));
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
    const api = fakeApi({ "GET /api/birthday": () => (fail ? failure() : json({ birthday: { month: 3, day: 14 } })) });
    extension.fetch = api.fetch;
    await extension.render();
    await settle(() => expect(shown()).toContain(sentence));
    expect(shown()).toContain("Your birthday could not be loaded");
    fail = false;
    button("Try again").click();
    await settle(() => expect(shown()).toContain("March 14"));
    expect(api.calls).toHaveLength(2);
  });
});
