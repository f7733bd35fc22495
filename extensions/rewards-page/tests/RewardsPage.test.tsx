/// <reference types="@shopify/ui-extensions/customer-account.page.render" />
import { getExtension } from "@shopify/ui-extensions-tester";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { RedeemRequest } from "../../../app/shopper/views.ts";
import { button, deferred, fakeApi, json, shown, translator, unmount } from "../../shared/testing.ts";
import en from "../locales/en.default.json";
import es from "../locales/es.json";
import { account, emptyAccount, issued } from "./fixtures.ts";

const extension = getExtension("customer-account.page.render");
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

beforeEach(() => {
  extension.setUp();
  extension.shopify.i18n.translate = translator(en, "en") as typeof extension.shopify.i18n.translate;
});
afterEach(() => {
  unmount();
  extension.tearDown();
});

const settle = (check: () => void) => vi.waitFor(check, { timeout: 4000, interval: 10 });
const redeemButton = (rewardTitle: string) => {
  const row = Array.from(document.querySelectorAll("s-stack")).find(
    (s) => s.querySelector(":scope > s-stack > s-text")?.textContent === rewardTitle && s.querySelector(":scope > s-button"),
  );
  if (!row) throw new Error(`no reward row for ${rewardTitle}`);
  return row.querySelector<HTMLElement>(":scope > s-button")!;
};

describe("rewards page", () => {
  it("shows balance, tier, history, rewards, codes and active warranties from the API", async () => {
    const api = fakeApi({ "GET /api/account": () => json(account()) });
    extension.fetch = api.fetch;
    await extension.render();
    await settle(() => expect(shown()).toContain("Earned on order #1042"));

    const text = shown();
    expect(text).toContain("620 points");
    expect(text).toContain("1340 points earned in total");
    expect(text).toContain("Silver");
    expect(text).toContain("380 points to Gold");
    expect(document.querySelector("s-progress")?.getAttribute("value")).toBe("0.62");
    // History: the API's sentence, the date and the signed points.
    expect(text).toContain("+120");
    expect(text).toContain("-45");
    expect(text).toContain("Reversed on order #1031");
    expect(text).toContain(new Date("2026-11-12T10:00:00Z").toISOString()); // the mock's formatDate
    // Rewards: cost and Redeem; the unavailable one disabled with the API's reason.
    expect(text).toContain("500 points");
    expect(redeemButton("$5.00 off your next order").hasAttribute("disabled")).toBe(false);
    const unavailable = redeemButton("$20.00 off");
    expect(unavailable.hasAttribute("disabled")).toBe(true);
    expect(text).toContain("You need 1380 more points");
    // Issued codes with copy and status.
    expect(text).toContain("PV-OLD-CODE");
    expect(document.querySelector("s-clipboard-item")?.getAttribute("text")).toBe("PV-OLD-CODE");
    expect(text).toContain("Unused — expires 12 March 2027");
    // Warranties: only the active one.
    expect(text).toContain("Espresso machine");
    expect(text).toContain("Covered until 3 May 2027 (161 days left)");
    expect(text).not.toContain("Old grinder");

    expect(api.calls).toEqual([
      { method: "GET", path: "/api/account", locale: "en", authorization: "Bearer mock-session-token", contentType: null, body: null },
    ]);
  });

  it("asks the API in Spanish for a Spanish-speaking shopper and shows its own chrome in Spanish", async () => {
    extension.shopify.localization.language.value = { isoCode: "es-MX" };
    extension.shopify.i18n.translate = translator(es, "es") as typeof extension.shopify.i18n.translate;
    const api = fakeApi({ "GET /api/account": (call) => json(account(call.locale === "es" ? "es" : "en")) });
    extension.fetch = api.fetch;
    await extension.render();
    await settle(() => expect(shown()).toContain("Ganados en el pedido #1042"));

    expect(api.calls.map((c) => c.locale)).toEqual(["es"]);
    const text = shown();
    expect(text).toContain("Tus recompensas");
    expect(text).toContain("620 puntos");
    expect(text).toContain("Te faltan 380 puntos para Gold");
    expect(text).toContain("Canjear");
    expect(text).toContain("Te faltan 1380 puntos");
    expect(text).not.toContain("Redeem");
  });

  it("takes its chrome from the extension's translations, and asks in English for any language but Spanish", async () => {
    extension.shopify.localization.language.value = { isoCode: "fr-CA" };
    extension.shopify.i18n.translate = ((key: string) => `«${key}»`) as typeof extension.shopify.i18n.translate;
    const api = fakeApi({ "GET /api/account": () => json(account()) });
    extension.fetch = api.fetch;
    await extension.render();
    await settle(() => expect(shown()).toContain("Earned on order #1042"));

    expect(api.calls[0].locale).toBe("en");
    expect(document.querySelector("s-page")?.getAttribute("heading")).toBe("«page.heading»");
    expect(shown()).toContain("«rewards.redeem»");
    expect(shown()).toContain("«balance.value»");
  });

  it("shows skeletons under the real headings while loading, then the content", async () => {
    const pending = deferred();
    extension.fetch = fakeApi({ "GET /api/account": () => pending.promise }).fetch;
    await extension.render();
    await settle(() => expect(document.querySelectorAll("s-skeleton-paragraph").length).toBeGreaterThan(4));
    const headings = Array.from(document.querySelectorAll("s-section"), (s) => s.getAttribute("heading"));
    expect(headings).toEqual(["Points", "Rewards", "Your codes", "Warranties", "History"]);

    pending.resolve(json(account()));
    await settle(() => expect(shown()).toContain("Earned on order #1042"));
    expect(document.querySelectorAll("s-skeleton-paragraph")).toHaveLength(0);
    expect(Array.from(document.querySelectorAll("s-section"), (s) => s.getAttribute("heading"))).toEqual(headings);
  });

  it.each([
    ["the API answers 500", () => json({ error: "boom" }, 500), "Something went wrong on our side."],
    [
      "there is no answer",
      () => {
        throw new TypeError("Failed to fetch");
      },
      "We could not reach the rewards service. Check your connection.",
    ],
  ])("shows an error with a retry when %s, and the retry loads the page", async (_, failure, sentence) => {
    let fail = true;
    const api = fakeApi({ "GET /api/account": () => (fail ? failure() : json(account())) });
    extension.fetch = api.fetch;
    await extension.render();
    await settle(() => expect(shown()).toContain("Your rewards could not be loaded"));
    expect(shown()).toContain(sentence);
    expect(document.querySelector("s-banner")?.getAttribute("tone")).toBe("critical");

    fail = false;
    button("Try again").click();
    await settle(() => expect(shown()).toContain("Earned on order #1042"));
    expect(shown()).not.toContain("Your rewards could not be loaded");
    expect(api.calls).toHaveLength(2);
  });

  it("shows the API's own sentence when it refuses (4xx)", async () => {
    extension.fetch = fakeApi({
      "GET /api/account": () => json({ error: "Log in to see your points.", code: "unauthenticated" }, 401),
    }).fetch;
    await extension.render();
    await settle(() => expect(shown()).toContain("Log in to see your points."));
  });

  it("shows empty states: no points yet, no codes, no warranties", async () => {
    extension.fetch = fakeApi({ "GET /api/account": () => json(emptyAccount()) }).fetch;
    await extension.render();
    await settle(() => expect(shown()).toContain("No points yet"));
    const text = shown();
    expect(text).toContain("0 points");
    expect(text).toContain("You have no reward codes yet");
    expect(text).toContain("You have no active warranties.");
    expect(document.querySelectorAll("s-clipboard-item")).toHaveLength(0);
  });

  it("says so when there is no reward to redeem", async () => {
    extension.fetch = fakeApi({ "GET /api/account": () => json(account("en", { rewards: [] })) }).fetch;
    await extension.render();
    await settle(() => expect(shown()).toContain("There are no rewards to redeem right now."));
  });
});

describe("redeeming", () => {
  const answer = { issued: issued(), balance: 120 };

  async function renderAccount(redeem: (call: { body: unknown }) => Response | Promise<Response>) {
    let redeemed = false;
    const api = fakeApi({
      "GET /api/account": () =>
        json(redeemed ? account("en", { points: { balance: 120, lifetime: 1340 }, issued: [issued(), ...account().issued] }) : account()),
      "POST /api/redeem": async (call) => {
        const response = await redeem(call);
        if (response.ok) redeemed = true;
        return response;
      },
    });
    extension.fetch = api.fetch;
    await extension.render();
    await settle(() => expect(shown()).toContain("Earned on order #1042"));
    return api;
  }
  const posts = (api: ReturnType<typeof fakeApi>) => api.calls.filter((c) => c.method === "POST");

  it("posts {rewardId, redemptionId} and shows the new code with copy, and the new balance", async () => {
    const api = await renderAccount(() => json(answer));
    redeemButton("$5.00 off your next order").click();
    await settle(() => expect(shown()).toContain("Your reward is ready"));

    const [post] = posts(api);
    expect(post.path).toBe("/api/redeem");
    expect(post.locale).toBe("en");
    expect(post.authorization).toBe("Bearer mock-session-token");
    expect(post.contentType).toBe("application/json");
    const body = post.body as RedeemRequest;
    expect(Object.keys(body).sort()).toEqual(["redemptionId", "rewardId"]);
    expect(body.rewardId).toBe("five-off");
    expect(body.redemptionId).toMatch(UUID);

    const banner = document.querySelector("s-banner[tone=success]")!;
    expect(shown(banner)).toContain("PV-5OFF-NEW");
    expect(shown(banner)).toContain("Your balance is now 120 points.");
    const copy = banner.querySelector("s-clipboard-item")!;
    expect(copy.getAttribute("text")).toBe("PV-5OFF-NEW");
    const copyButton = button("Copy code", banner);
    expect(copyButton.getAttribute("commandfor")).toBe(copy.id);
    expect(copyButton.getAttribute("command")).toBe("--copy");
    copy.dispatchEvent(new Event("copy"));
    await settle(() => expect(shown(banner)).toContain("Copied"));
    // The balance at the top and the codes list follow.
    await settle(() => expect(shown(document.querySelector("s-section")!)).toContain("120 points"));
    expect(Array.from(document.querySelectorAll("s-clipboard-item"), (c) => c.getAttribute("text"))).toEqual([
      "PV-5OFF-NEW",
      "PV-5OFF-NEW",
      "PV-OLD-CODE",
    ]);
  });

  it("sends one request for a double click", async () => {
    const slow = deferred();
    const api = await renderAccount(() => slow.promise);
    const redeem = redeemButton("$5.00 off your next order");
    redeem.click();
    redeem.click();
    await settle(() => expect(redeem.hasAttribute("loading")).toBe(true));
    redeem.click();
    redeemButton("$5.00 off your next order").click();
    slow.resolve(json(answer));
    await settle(() => expect(shown()).toContain("Your reward is ready"));
    expect(posts(api)).toHaveLength(1);
  });

  it("retries the same click with the same redemption id, and a new click gets a new one", async () => {
    let failures = 1;
    const api = await renderAccount(() => (failures-- > 0 ? json({ error: "unavailable" }, 503) : json(answer)));
    redeemButton("$5.00 off your next order").click();
    await settle(() => expect(shown()).toContain("Your reward is ready"));
    const [first, retry] = posts(api);
    expect(retry).toBeDefined();
    expect((retry.body as RedeemRequest).redemptionId).toBe((first.body as RedeemRequest).redemptionId);

    await settle(() => expect(redeemButton("$5.00 off your next order").hasAttribute("disabled")).toBe(false));
    redeemButton("$5.00 off your next order").click();
    await settle(() => expect(posts(api)).toHaveLength(3));
    expect((posts(api)[2].body as RedeemRequest).redemptionId).not.toBe((first.body as RedeemRequest).redemptionId);
  });

  it("offers 'Try again' when the retries run out, and it resends the same redemption id", async () => {
    let down = true;
    const api = await renderAccount(() => {
      if (down) throw new TypeError("Failed to fetch");
      return json(answer);
    });
    redeemButton("$5.00 off your next order").click();
    await settle(() => expect(shown()).toContain("We could not confirm your reward"));
    const ids = () => posts(api).map((c) => (c.body as RedeemRequest).redemptionId);
    expect(ids()).toHaveLength(3); // the click's own request and two automatic retries
    expect(new Set(ids()).size).toBe(1);

    down = false;
    button("Try again").click();
    await settle(() => expect(shown()).toContain("Your reward is ready"));
    expect(ids()).toHaveLength(4);
    expect(new Set(ids()).size).toBe(1);
  });

  it("shows the API's error in a banner on a 409 and keeps the page", async () => {
    const api = await renderAccount(() => json({ error: "You need 80 more points for this reward.", code: "not_enough_points" }, 409));
    redeemButton("$5.00 off your next order").click();
    await settle(() => expect(shown()).toContain("You need 80 more points for this reward."));
    const banner = document.querySelector("s-banner")!;
    expect(banner.getAttribute("tone")).toBe("critical");
    expect(banner.getAttribute("heading")).toBe("This reward could not be redeemed");
    expect(posts(api)).toHaveLength(1); // a refusal is final: not retried
    expect(shown()).toContain("Earned on order #1042");
    expect(shown()).not.toContain("Your reward is ready");
  });
});
