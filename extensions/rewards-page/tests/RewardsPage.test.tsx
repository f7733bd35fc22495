/// <reference types="@shopify/ui-extensions/customer-account.page.render" />
import { getExtension } from "@shopify/ui-extensions-tester";
import { afterEach, beforeEach, describe, expect, it, onTestFinished, vi } from "vitest";
import type { ClaimRequest, RedeemRequest } from "../../../app/shopper/views.ts";
import { button, deferred, fakeApi, json, shown, translator, unmount } from "../../shared/testing.ts";
import en from "../locales/en.default.json";
import es from "../locales/es.json";
import { account, claim, emptyAccount, issued, percentOff, withWarranty } from "./fixtures.ts";

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
/** The s-section headed `heading`. */
const section = (heading: string) => {
  const found = document.querySelector<HTMLElement>(`s-section[heading="${heading}"]`);
  if (!found) throw new Error(`no section "${heading}": ${shown()}`);
  return found;
};
const badges = (root: ParentNode = document.body) => Array.from(root.querySelectorAll("s-badge"), (b) => b.textContent);
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
    expect(text).toContain("As Silver, you earn 1.5× points on every order");
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
    // Warranties: the active ones and the one awaiting fulfilment, not the expired one.
    const warranties = shown(section("Warranties"));
    expect(warranties).toContain("Espresso machine");
    expect(warranties).toContain("Covered until 3 May 2027 (161 days left)");
    expect(warranties).toContain("Coverage starts when it ships");
    expect(warranties).not.toContain("Old grinder");

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
    expect(text).toContain("Como Silver, ganas 1,5 veces los puntos en cada pedido");
    expect(text).toContain("Canjear");
    expect(text).toContain("Te faltan 1380 puntos");
    expect(text).not.toContain("Redeem");
    // Claims: the chrome from es.json, the API's sentences as sent.
    expect(text).toContain("Reclamar garantía: Espresso machine");
    expect(button("Reclamar garantía")).toBeDefined();
    expect(button("Enviar reclamación")).toBeDefined();
    expect(button("Cancelar", document.querySelector("s-modal#claim-w1")!)).toBeDefined();
    expect(button("Reabrir")).toBeDefined();
    expect(button("Añadir fotos")).toBeDefined();
    expect(text).toContain("Tus fotos");
    expect(text).toContain("0 / 2000 caracteres");
    expect(text).toContain("Ya hay una reclamación abierta para esta unidad");
    expect(text).toContain("Ver tu reclamación");
    expect(section("Mis reclamaciones")).not.toBeNull();
    expect(badges(section("Mis reclamaciones"))).toEqual(["En revisión", "Rechazada"]);
    expect(text).toContain("Rechazada: el motor tiene daños por agua");
    expect(text).toContain("La tienda empezó a revisarla");
    expect(text).not.toMatch(/Claim warranty|My claims|Reopen|characters/);
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
    expect(shown()).toContain("«warranties.claim»");
    expect(shown()).toContain("«claims.reopen»");
    expect(badges()).toContain("«claims.status.rejected»");
  });

  it("shows skeletons under the real headings while loading, then the content", async () => {
    const pending = deferred();
    extension.fetch = fakeApi({ "GET /api/account": () => pending.promise }).fetch;
    await extension.render();
    await settle(() => expect(document.querySelectorAll("s-skeleton-paragraph").length).toBeGreaterThan(4));
    const headings = Array.from(document.querySelectorAll("s-section"), (s) => s.getAttribute("heading"));
    expect(headings).toEqual(["Points", "Rewards", "Your codes", "Warranties", "My claims", "My returns", "History"]);

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

  it("shows empty states: no points yet, no codes, no warranties, no claims", async () => {
    extension.fetch = fakeApi({ "GET /api/account": () => json(emptyAccount()) }).fetch;
    await extension.render();
    await settle(() => expect(shown()).toContain("No points yet"));
    const text = shown();
    expect(text).toContain("0 points");
    expect(text).toContain("You have no reward codes yet");
    expect(text).toContain("You have no active warranties.");
    expect(shown(section("My claims"))).toContain("You have not made any warranty claims.");
    expect(document.querySelectorAll("s-text-area, s-modal, s-badge")).toHaveLength(0);
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

describe("a percentage-off reward", () => {
  for (const locale of ["en", "es"] as const)
    it(`offers it, redeems it and lists its code, as the API words it (${locale})`, async () => {
      if (locale === "es") {
        extension.shopify.localization.language.value = { isoCode: "es-ES" };
        extension.shopify.i18n.translate = translator(es, "es") as typeof extension.shopify.i18n.translate;
      }
      const { offer, issued: code } = percentOff(locale);
      let redeemed = false;
      const view = () => account(locale, { rewards: [offer], issued: redeemed ? [code] : [] });
      const api = fakeApi({
        "GET /api/account": () => json(view()),
        "POST /api/redeem": () => ((redeemed = true), json({ issued: code, balance: 220 })),
      });
      extension.fetch = api.fetch;
      await extension.render();
      const title = locale === "es" ? "10 % de descuento en pedidos desde 40,00 US$" : "10% off orders from $40.00";
      await settle(() => expect(shown()).toContain(title));
      const rewards = shown(section(locale === "es" ? "Recompensas" : "Rewards"));
      expect(rewards).toContain(locale === "es" ? "400 puntos" : "400 points");

      redeemButton(title).click();
      await settle(() => expect(shown()).toContain(locale === "es" ? "Tu recompensa está lista" : "Your reward is ready"));
      expect(api.calls.find((c) => c.method === "POST")?.body).toMatchObject({ rewardId: "percentage-off-1" });
      const banner = shown(document.querySelector("s-banner[tone=success]")!);
      expect(banner).toContain(title);
      expect(banner).toContain("PV-10PCT-OFF");
      const codes = section(locale === "es" ? "Tus códigos" : "Your codes");
      await settle(() => expect(shown(codes)).toContain("PV-10PCT-OFF"));
      expect(shown(codes)).toContain(title);
      expect(shown(codes)).toContain(locale === "es" ? "Sin usar: caduca el 20 de mayo de 2027" : "Unused: expires May 20, 2027");
    });
});

describe("warranty claims", () => {
  const created = claim();
  const OPEN_TEXT = "There is already an open claim for this unit";
  /** What GET /api/account answers once the claim on the espresso machine exists. */
  const claimed = () => {
    const view = withWarranty(account(), "w1", { canClaim: false, claimUnavailableText: OPEN_TEXT, openClaimId: created.id });
    return { ...view, claims: [created, ...view.claims] };
  };

  /** Renders the page; GET /api/account answers `after()` once a POST of `routes` succeeded. */
  async function renderClaims(routes: Record<string, (call: { body: unknown }) => Response | Promise<Response>>, after = claimed) {
    let done = false;
    const api = fakeApi({
      "GET /api/account": () => json(done ? after() : account()),
      ...Object.fromEntries(
        Object.entries(routes).map(([route, answer]) => [
          route,
          async (call: { body: unknown }) => {
            const response = await answer(call);
            if (response.ok) done = true;
            return response;
          },
        ]),
      ),
    });
    extension.fetch = api.fetch;
    await extension.render();
    await settle(() => expect(shown()).toContain("Earned on order #1042"));
    return api;
  }
  const posts = (api: ReturnType<typeof fakeApi>) => api.calls.filter((c) => c.method === "POST");
  const gets = (api: ReturnType<typeof fakeApi>) => api.calls.filter((c) => c.method === "GET");
  const form = () => {
    const modal = document.querySelector<HTMLElement & { hideOverlay?: () => void }>("s-modal#claim-w1");
    if (!modal) throw new Error(`no claim form: ${shown()}`);
    return modal;
  };
  const describeProblem = (text: string) => {
    const area = form().querySelector<HTMLElement & { value: string }>("s-text-area")!;
    area.value = text;
    area.dispatchEvent(new Event("input"));
  };
  const PROBLEM = "The pump makes a rattling noise and no coffee comes out.";

  it("offers a claim where the API allows it, says why not elsewhere, and links an open claim", async () => {
    await renderClaims({});
    const warranties = section("Warranties");
    // Only the espresso machine can be claimed: one button, opening its own form.
    const claimButton = button("Claim warranty", warranties);
    expect(claimButton.getAttribute("commandfor")).toBe("claim-w1");
    expect(claimButton.getAttribute("command")).toBe("--show");
    expect(form().getAttribute("heading")).toBe("Claim warranty: Espresso machine");
    expect(form().querySelector("s-text-area")?.getAttribute("label")).toBe("What is wrong?");
    expect(form().querySelector("s-text-area")?.getAttribute("maxlength")).toBe("2000");
    expect(shown(form())).toContain("0 / 2000 characters");
    expect(button("Send claim", form()).getAttribute("slot")).toBe("primary-action");
    const cancel = button("Cancel", form());
    expect(cancel.getAttribute("slot")).toBe("secondary-actions");
    expect([cancel.getAttribute("commandfor"), cancel.getAttribute("command")]).toEqual(["claim-w1", "--hide"]);
    expect(document.querySelectorAll("s-text-area")).toHaveLength(1);
    // The others: the API's reason, as sent.
    expect(shown(warranties)).toContain(OPEN_TEXT);
    expect(shown(warranties)).toContain("You can claim it once it ships");
    // The frother's open claim: a link that shows it (status and timeline) over the page.
    const link = warranties.querySelector("s-link")!;
    expect(link.textContent).toBe("View your claim");
    expect([link.getAttribute("commandfor"), link.getAttribute("command")]).toEqual(["claim-view-c2", "--show"]);
    const view = warranties.querySelector("s-modal#claim-view-c2")!;
    expect(view.getAttribute("heading")).toBe("Your claim: Milk frother");
    expect(badges(view)).toEqual(["In review"]);
    expect(shown(view)).toContain("The store started reviewing it");
    expect(warranties.querySelectorAll("s-link")).toHaveLength(1);
  });

  it("posts {warrantyId, requestId, description} once, then shows the claim and the warranty as claimed", async () => {
    const slow = deferred();
    const api = await renderClaims({ "POST /api/claims": () => slow.promise });
    const hideOverlay = vi.fn();
    form().hideOverlay = hideOverlay;
    describeProblem(`  ${PROBLEM}\r\n`);
    const send = button("Send claim", form());
    send.click();
    send.click();
    await settle(() => expect(send.hasAttribute("loading")).toBe(true));
    send.click();
    expect(posts(api)).toHaveLength(1);
    slow.resolve(json(created, 201));
    await settle(() => expect(shown()).toContain("Claim sent"));

    const [post] = posts(api);
    expect(post.path).toBe("/api/claims");
    expect(post.locale).toBe("en");
    expect(post.authorization).toBe("Bearer mock-session-token");
    expect(post.contentType).toBe("application/json");
    const body = post.body as ClaimRequest;
    expect(Object.keys(body).sort()).toEqual(["description", "requestId", "warrantyId"]);
    expect(body.warrantyId).toBe("w1");
    expect(body.requestId).toMatch(UUID);
    expect(body.description).toBe(PROBLEM);
    expect(hideOverlay).toHaveBeenCalledOnce();

    // The claim heads "My claims"; the espresso machine now links it and offers no second claim.
    const claims = section("My claims");
    expect(badges(claims)).toEqual(["Sent", "In review", "Not accepted"]);
    expect(shown(claims)).toContain("Sent: the store will review it soon");
    expect(shown(claims)).toContain(PROBLEM);
    expect(() => button("Claim warranty")).toThrow();
    expect(document.querySelectorAll("s-text-area")).toHaveLength(0);
    expect(section("Warranties").querySelector(`s-link[commandfor="claim-view-${created.id}"]`)).not.toBeNull();
    // Then the page reloads quietly: why it cannot be claimed again is the server's sentence.
    await settle(() => expect(gets(api)).toHaveLength(2));
    await settle(() => expect(shown(section("Warranties"))).toContain(OPEN_TEXT));
    expect(section("Warranties").querySelectorAll("s-link")).toHaveLength(2);
    expect(posts(api)).toHaveLength(1);
  });

  it("retries a submission with the same requestId, and 'Try again' resends it", async () => {
    let answers = [() => json({ error: "unavailable" }, 503), () => Promise.reject(new TypeError("Failed to fetch"))];
    const api = await renderClaims({
      "POST /api/claims": () => {
        const next = answers.shift();
        if (next) return next();
        throw new TypeError("Failed to fetch");
      },
    });
    describeProblem(PROBLEM);
    button("Send claim", form()).click();
    await settle(() => expect(shown(form())).toContain("We could not confirm your claim"));
    const ids = () => posts(api).map((c) => (c.body as ClaimRequest).requestId);
    expect(ids()).toHaveLength(3); // the submission and two automatic retries
    expect(new Set(ids()).size).toBe(1);
    expect(form().querySelector("s-banner")?.getAttribute("tone")).toBe("warning");

    answers = [() => json(created, 201)];
    button("Try again", form()).click();
    await settle(() => expect(shown()).toContain("Claim sent"));
    expect(ids()).toHaveLength(4);
    expect(new Set(ids()).size).toBe(1);
    expect((posts(api)[3].body as ClaimRequest).description).toBe(PROBLEM);
  });

  it("stops a description that is too short or too long before sending, and says so", async () => {
    const api = await renderClaims({ "POST /api/claims": () => json(created, 201) });
    const area = () => form().querySelector("s-text-area")!;
    describeProblem("  broken   ");
    await settle(() => expect(shown(form())).toContain("6 / 2000 characters"));
    expect(area().hasAttribute("error")).toBe(false); // not before Send
    button("Send claim", form()).click();
    await settle(() => expect(area().getAttribute("error")).toBe("Tell us a little more: at least 10 characters."));
    describeProblem("x".repeat(2001));
    await settle(() => expect(area().getAttribute("error")).toBe("Keep it to 2000 characters or fewer."));
    button("Send claim", form()).click();
    expect(posts(api)).toHaveLength(0);

    describeProblem(PROBLEM);
    await settle(() => expect(area().hasAttribute("error")).toBe(false));
    button("Send claim", form()).click();
    await settle(() => expect(posts(api)).toHaveLength(1));
  });

  it("shows the server's sentence when it refuses (409), does not retry, and a new Send is a new submission", async () => {
    const refusal = "This unit cannot be claimed: there is already an open claim for this unit.";
    const api = await renderClaims({ "POST /api/claims": () => json({ error: refusal, code: "not_claimable" }, 409) });
    describeProblem(PROBLEM);
    button("Send claim", form()).click();
    await settle(() => expect(shown(form())).toContain(refusal));
    const banner = form().querySelector("s-banner")!;
    expect(banner.getAttribute("tone")).toBe("critical");
    expect(banner.getAttribute("heading")).toBe("Your claim could not be sent");
    expect(posts(api)).toHaveLength(1);
    await settle(() => expect(gets(api)).toHaveLength(2)); // the page reloads to show what the server holds

    button("Send claim", form()).click();
    await settle(() => expect(posts(api)).toHaveLength(2));
    const [first, second] = posts(api).map((c) => (c.body as ClaimRequest).requestId);
    expect(second).toMatch(UUID);
    expect(second).not.toBe(first);
  });

  it("lists each claim with its status, description and timeline, oldest event first", async () => {
    await renderClaims({});
    const claims = section("My claims");
    expect(badges(claims)).toEqual(["In review", "Not accepted"]);
    expect(Array.from(claims.querySelectorAll("s-badge"), (b) => b.getAttribute("tone"))).toEqual(["auto", "critical"]);
    const text = shown(claims);
    expect(text).toContain("Milk frother#1031");
    expect(text).toContain("Old grinder#900");
    expect(text).toContain("Not accepted: the motor shows water damage");
    expect(text).toContain("The steam wand stopped heating after two weeks.");
    expect(text).toContain("What you told us");
    const order = ["You sent the claim", "The store started reviewing it"].map((e) => text.indexOf(e));
    expect(order[0]).toBeGreaterThanOrEqual(0);
    expect(order[0]).toBeLessThan(order[1]);
    expect(text).toContain(new Date("2026-10-04T15:30:00Z").toISOString()); // the mock's formatDate
    expect(text.split("In review")).toHaveLength(2); // the API's "In review" is not repeated beside the badge
    // Only the rejected one can be reopened; only the open one takes more photos.
    expect(button("Reopen", claims)).toBeDefined();
    expect(button("Add photos", claims).getAttribute("commandfor")).toBe("claim-photos-c2");
    expect(Array.from(claims.querySelectorAll(":scope s-button:not(s-modal s-button)"), (b) => b.textContent)).toEqual([
      "Add photos",
      "Reopen",
    ]);
    expect(claims.querySelectorAll("s-divider")).toHaveLength(1);
  });

  it("reopens with one POST to /api/claims/<id>/reopen and shows the claim in review", async () => {
    const slow = deferred();
    const rejected = account().claims[1];
    const reopened = {
      ...rejected,
      status: "in_review" as const,
      statusText: "In review",
      canReopen: false,
      events: [...rejected.events, { at: "2026-11-24T10:00:00Z", text: "You reopened it" }],
    };
    const api = await renderClaims({ "POST /api/claims/c1/reopen": () => slow.promise }, () => ({
      ...account(),
      claims: [account().claims[0], reopened],
    }));
    const reopen = button("Reopen", section("My claims"));
    reopen.click();
    reopen.click();
    await settle(() => expect(reopen.hasAttribute("loading")).toBe(true));
    reopen.click();
    slow.resolve(json(reopened));
    await settle(() => expect(shown(section("My claims"))).toContain("You reopened it"));
    await settle(() => expect(gets(api)).toHaveLength(2)); // then the page reloads quietly
    expect(shown(section("My claims"))).toContain("You reopened it");
    expect(posts(api)).toHaveLength(1);
    expect(posts(api)[0]).toMatchObject({ path: "/api/claims/c1/reopen", locale: "en", body: null });
    expect(badges(section("My claims"))).toEqual(["In review", "In review"]);
    expect(() => button("Reopen")).toThrow();
  });

  it("shows the server's sentence when a reopen is refused", async () => {
    const api = await renderClaims({
      "POST /api/claims/c1/reopen": () => json({ error: "This claim was reopened once already.", code: "reopened_already" }, 409),
    });
    button("Reopen", section("My claims")).click();
    await settle(() => expect(shown(section("My claims"))).toContain("This claim was reopened once already."));
    const banner = section("My claims").querySelector("s-banner")!;
    expect(banner.getAttribute("tone")).toBe("critical");
    expect(banner.getAttribute("heading")).toBe("This claim could not be reopened");
    expect(posts(api)).toHaveLength(1);
  });

  const photo = (name: string, size = 1000, type = "image/jpeg") => new File([new Uint8Array(size)], name, { type });
  /** Picks files in the form's drop zone as the host hands them over: the element's `files`, then `input`. */
  const pickPhotos = (...files: File[]) => {
    const zone = form().querySelector("s-drop-zone")!;
    Object.defineProperty(zone, "files", { value: files, configurable: true });
    zone.dispatchEvent(new Event("input"));
  };
  const photoPosts = (api: ReturnType<typeof fakeApi>) => posts(api).filter((c) => c.path.endsWith("/photos"));
  const PHOTOS = `/api/claims/${created.id}/photos`;
  const withPhotos = (n: number) => ({
    ...created,
    photos: Array.from({ length: n }, (_, i) => ({ id: `p${i}`, url: `https://postventa.example/api/claims/x/photos/p${i}` })),
  });

  it("offers up to three photos, says the limit, and refuses a wrong kind, a large one and a fourth before sending", async () => {
    await renderClaims({});
    const zone = form().querySelector("s-drop-zone")!;
    expect(zone.getAttribute("label")).toBe("Photos (optional)");
    expect(zone.getAttribute("accept")).toBe("image/jpeg,image/png,image/webp");
    expect(zone.hasAttribute("multiple")).toBe(true);
    expect(shown(form())).toContain("0 of 3 photos · JPEG, PNG or WebP, up to 5 MB each");

    pickPhotos(photo("a.jpg"), photo("notes.pdf", 100, "application/pdf"));
    await settle(() => expect(shown(form())).toContain("1 of 3 photos ·"));
    expect(form().querySelector("s-drop-zone")!.getAttribute("error")).toBe("notes.pdf is not a JPEG, PNG or WebP photo.");
    pickPhotos(photo("huge.jpg", 5 * 1024 * 1024 + 1));
    await settle(() => expect(form().querySelector("s-drop-zone")!.getAttribute("error")).toBe("huge.jpg is larger than 5 MB."));
    pickPhotos(photo("b.png", 10, "image/png"), photo("c.webp", 10, "image/webp"), photo("d.jpg"));
    await settle(() => expect(shown(form())).toContain("3 of 3 photos ·"));
    expect(form().querySelector("s-drop-zone")!.getAttribute("error")).toBe("You can add at most 3 photos.");
    expect(form().querySelector("s-drop-zone")!.hasAttribute("disabled")).toBe(true);
    expect(shown(form())).toContain("a.jpg");
    expect(shown(form())).not.toContain("d.jpg");

    button("Remove", form().querySelector("s-stack:has(> s-text + s-button)")!).click(); // a.jpg
    await settle(() => expect(shown(form())).toContain("2 of 3 photos ·"));
    expect(shown(form())).not.toContain("a.jpg");
    expect(form().querySelector("s-drop-zone")!.hasAttribute("disabled")).toBe(false);
  });

  it("sends the claim, then each photo as its bytes with its own clientId, and closes when all are in", async () => {
    const api = await renderClaims({
      "POST /api/claims": () => json(created, 201),
      [`POST ${PHOTOS}`]: () => json(withPhotos(photoPosts(api).length), 201),
    });
    const hideOverlay = vi.fn();
    form().hideOverlay = hideOverlay;
    describeProblem(PROBLEM);
    const a = photo("a.jpg", 1200);
    const b = photo("b.png", 800, "image/png");
    pickPhotos(a, b);
    button("Send claim", form()).click();
    await settle(() => expect(shown()).toContain("Claim sent"));
    expect(posts(api).map((c) => c.path)).toEqual(["/api/claims", PHOTOS, PHOTOS]);
    const [first, second] = photoPosts(api);
    expect([first.file, second.file]).toEqual([a, b]);
    expect([first.contentType, second.contentType]).toEqual(["image/jpeg", "image/png"]);
    expect(first.query?.clientId).toMatch(UUID);
    expect(second.query?.clientId).toMatch(UUID);
    expect(first.query?.clientId).not.toBe(second.query?.clientId);
    expect(first.authorization).toBe("Bearer mock-session-token");
    expect(hideOverlay).toHaveBeenCalledOnce();
  });

  it("resends a photo with the same clientId, and when some are still missing says so, retries only those, or finishes", async () => {
    let failing = true;
    const api = await renderClaims({
      "POST /api/claims": () => json(created, 201),
      [`POST ${PHOTOS}`]: (call) => {
        if (failing && (call as { file?: File }).file?.name === "b.jpg") return json({ error: "unavailable" }, 503);
        return json(withPhotos(1), 201);
      },
    });
    const hideOverlay = vi.fn();
    form().hideOverlay = hideOverlay;
    describeProblem(PROBLEM);
    pickPhotos(photo("a.jpg"), photo("b.jpg"));
    button("Send claim", form()).click();
    await settle(() => expect(shown(form())).toContain("1 photo could not be sent. Try again, or finish without it."));
    expect(form().querySelector("s-banner")?.getAttribute("heading")).toBe("Your claim was sent, but not every photo");
    const ids = (name: string) =>
      photoPosts(api)
        .filter((c) => (c.file as File).name === name)
        .map((c) => c.query?.clientId);
    expect(ids("a.jpg")).toHaveLength(1);
    expect(ids("b.jpg")).toHaveLength(3); // the upload and two automatic retries
    expect(new Set(ids("b.jpg")).size).toBe(1);
    expect(posts(api).filter((c) => c.path === "/api/claims")).toHaveLength(1);
    expect(hideOverlay).not.toHaveBeenCalled();

    failing = false;
    button("Try again", form()).click();
    await settle(() => expect(shown()).toContain("Claim sent"));
    expect(ids("a.jpg")).toHaveLength(1); // not sent again
    expect(ids("b.jpg")).toHaveLength(4);
    expect(new Set(ids("b.jpg")).size).toBe(1);
    expect(posts(api).filter((c) => c.path === "/api/claims")).toHaveLength(1);
    expect(hideOverlay).toHaveBeenCalledOnce();
  });

  it("shows the server's sentence for a photo it refuses, does not resend it, and 'Done' keeps the claim", async () => {
    const refusal = "Only JPEG, PNG or WebP photos are accepted.";
    const api = await renderClaims({
      "POST /api/claims": () => json(created, 201),
      [`POST ${PHOTOS}`]: () => json({ error: refusal, code: "photo_type" }, 415),
    });
    const hideOverlay = vi.fn();
    form().hideOverlay = hideOverlay;
    describeProblem(PROBLEM);
    pickPhotos(photo("renamed.jpg"));
    button("Send claim", form()).click();
    await settle(() => expect(shown(form())).toContain(refusal));
    expect(photoPosts(api)).toHaveLength(1);
    expect(() => button("Try again", form())).toThrow();
    button("Done", form()).click();
    await settle(() => expect(shown()).toContain("Claim sent"));
    expect(hideOverlay).toHaveBeenCalledOnce();
    expect(photoPosts(api)).toHaveLength(1);
  });

  it("keeps the claim without its missing photos when the shopper closes the form", async () => {
    // Shopify's s-modal declares `onhide` (its `hide` event); jsdom's stand-in element does not, and
    // Preact names the listener after what the element declares.
    Object.defineProperty(HTMLElement.prototype, "onhide", { value: null, writable: true, configurable: true });
    onTestFinished(() => void delete (HTMLElement.prototype as { onhide?: unknown }).onhide);
    const api = await renderClaims({
      "POST /api/claims": () => json(created, 201),
      [`POST ${PHOTOS}`]: () => Promise.reject(new TypeError("Failed to fetch")),
    });
    describeProblem(PROBLEM);
    pickPhotos(photo("a.jpg"));
    button("Send claim", form()).click();
    await settle(() => expect(shown(form())).toContain("1 photo could not be sent."));
    expect(() => button("Claim sent")).toThrow();
    form().dispatchEvent(new Event("hide")); // closed by Cancel, Escape or the close button
    await settle(() => expect(shown()).toContain("Claim sent"));
    await settle(() => expect(gets(api)).toHaveLength(2));
    expect(posts(api).filter((c) => c.path === "/api/claims")).toHaveLength(1);
  });

  it("adds photos to an open claim from My claims, as many as it has room for", async () => {
    const open = account().claims[0];
    const third = { id: "p3", url: "https://postventa.example/api/claims/c2/photos/p3?expires=1&signature=c" };
    const api = await renderClaims({
      "POST /api/claims/c2/photos": () => json({ ...open, photos: [...open.photos, third], canAddPhotos: false }, 201),
    });
    const modal = document.querySelector<HTMLElement & { hideOverlay?: () => void }>("s-modal#claim-photos-c2")!;
    const hideOverlay = vi.fn();
    modal.hideOverlay = hideOverlay;
    expect(modal.getAttribute("heading")).toBe("Add photos: Milk frother");
    expect(shown(modal)).toContain("2 of 3 photos ·");
    button("Send photos", modal).click();
    await settle(() => expect(shown(modal)).toContain("Choose a photo first."));
    expect(posts(api)).toHaveLength(0);

    const zone = modal.querySelector("s-drop-zone")!;
    const file = photo("wand.jpg");
    Object.defineProperty(zone, "files", { value: [file, photo("more.jpg")], configurable: true });
    zone.dispatchEvent(new Event("input"));
    await settle(() => expect(shown(modal)).toContain("3 of 3 photos ·"));
    expect(modal.querySelector("s-drop-zone")!.getAttribute("error")).toBe("You can add at most 3 photos.");
    button("Send photos", modal).click();
    await settle(() => expect(hideOverlay).toHaveBeenCalledOnce());
    expect(posts(api)).toHaveLength(1);
    expect(posts(api)[0]).toMatchObject({ path: "/api/claims/c2/photos", file });
    expect(posts(api)[0].query?.clientId).toMatch(UUID);
    await settle(() => expect(section("My claims").querySelectorAll("s-image")).toHaveLength(3));
    expect(() => button("Add photos")).toThrow();
  });

  it("shows a claim's photos from the API's links in My claims", async () => {
    await renderClaims({});
    const images = Array.from(section("My claims").querySelectorAll("s-image"));
    expect(images.map((i) => [i.getAttribute("src"), i.getAttribute("alt")])).toEqual([
      ["https://postventa.example/api/claims/c2/photos/p1?expires=1&signature=a", "Photo 1"],
      ["https://postventa.example/api/claims/c2/photos/p2?expires=1&signature=b", "Photo 2"],
    ]);
    expect(shown(section("My claims"))).toContain("Your photos");
  });

  it("speaks Spanish in the form's checks and banners", async () => {
    extension.shopify.localization.language.value = { isoCode: "es-ES" };
    extension.shopify.i18n.translate = translator(es, "es") as typeof extension.shopify.i18n.translate;
    await renderClaims({ "POST /api/claims": () => json(created, 201) });
    describeProblem("roto");
    button("Enviar reclamación", form()).click();
    await settle(() =>
      expect(form().querySelector("s-text-area")?.getAttribute("error")).toBe("Cuéntanos un poco más: al menos 10 caracteres."),
    );
    expect(form().querySelector("s-text-area")?.getAttribute("label")).toBe("¿Qué le pasa?");
    expect(shown(form())).toContain("4 / 2000 caracteres");
    expect(form().querySelector("s-drop-zone")?.getAttribute("label")).toBe("Fotos (opcional)");
    expect(shown(form())).toContain("0 de 3 fotos · JPEG, PNG o WebP, hasta 5 MB cada una");
    describeProblem(PROBLEM);
    button("Enviar reclamación", form()).click();
    await settle(() => expect(shown()).toContain("Reclamación enviada"));
    expect(shown()).toContain("La tienda la revisará. Puedes seguirla en Mis reclamaciones.");
  });
});
