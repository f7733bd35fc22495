// The shared pieces on their own: locale choice, the app URL, the API client's error kinds, the
// redemption id and the retry policy, and the formatting helpers.
import { afterEach, describe, expect, it, vi } from "vitest";
import { ApiError, apiLocale, appUrl, callApi } from "./api.ts";
import { decimalAmount, formatDay, numericId, signedPoints, type I18nLike } from "./format.ts";
import { newRedemptionId, withRetries } from "./redemption.ts";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const i18n: I18nLike = {
  translate: (key) => key,
  formatNumber: (n) => new Intl.NumberFormat("en").format(n),
  formatCurrency: (n, o) => new Intl.NumberFormat("en", { style: "currency", ...o }).format(n),
  formatDate: (d, o) => new Intl.DateTimeFormat("en", o).format(d),
};

afterEach(() => {
  vi.unstubAllGlobals();
  vi.unstubAllEnvs();
});

describe("api", () => {
  it("asks in Spanish for any Spanish, in English for anything else", () => {
    expect(["es", "es-ES", "es-419", "ES_mx"].map(apiLocale)).toEqual(["es", "es", "es", "es"]);
    expect(["en", "en-US", "fr", "pt-BR", "est", "", null, undefined].map(apiLocale)).toEqual(Array(8).fill("en"));
  });

  it("uses the app URL baked in at build time, without a trailing slash", () => {
    vi.stubEnv("APP_URL", "https://app.example.com/");
    expect(appUrl()).toBe("https://app.example.com");
    vi.stubEnv("APP_URL", undefined);
    expect(appUrl()).toBe("");
  });

  it("sorts failures: no answer, a 5xx or not JSON (retryable), a 4xx with the API's sentence (final)", async () => {
    const ctx = { token: async () => "t", locale: "es" as const };
    const answer = (response: Response | Error) =>
      vi.stubGlobal(
        "fetch",
        vi.fn(async () => {
          if (response instanceof Error) throw response;
          return response;
        }),
      );
    answer(new TypeError("Failed to fetch"));
    await expect(callApi(ctx, "/api/account")).rejects.toMatchObject({ kind: "network", retryable: true });
    answer(new Response("oops", { status: 502 }));
    await expect(callApi(ctx, "/api/account")).rejects.toMatchObject({ kind: "server", status: 502, retryable: true });
    answer(new Response("<html>", { status: 200 }));
    await expect(callApi(ctx, "/api/account")).rejects.toMatchObject({ kind: "server", status: 200 });
    answer(Response.json({ error: "No tienes puntos suficientes", code: "not_enough_points" }, { status: 409 }));
    await expect(callApi(ctx, "/api/redeem", { method: "POST", body: {} })).rejects.toMatchObject({
      kind: "refused",
      status: 409,
      serverText: "No tienes puntos suficientes",
      code: "not_enough_points",
      retryable: false,
    });
    answer(new Response("", { status: 401 }));
    await expect(callApi(ctx, "/api/account")).rejects.toMatchObject({ kind: "refused", serverText: null });
    const token = vi.fn(async () => {
      throw new Error("no token");
    });
    await expect(callApi({ ...ctx, token }, "/api/account")).rejects.toBeInstanceOf(ApiError);
  });

  it("adds the locale to a path that already has a query", async () => {
    const fetch = vi.fn(async () => Response.json({}));
    vi.stubGlobal("fetch", fetch);
    vi.stubEnv("APP_URL", "https://app.example.com");
    await callApi({ token: async () => "t", locale: "en" }, "/api/x?a=1");
    expect(fetch).toHaveBeenCalledWith("https://app.example.com/api/x?a=1&locale=en", expect.anything());
  });
});

describe("redemption ids", () => {
  it("are v4 UUIDs, from randomUUID or, where it is missing, from getRandomValues", () => {
    const a = newRedemptionId();
    expect(a).toMatch(UUID);
    expect(newRedemptionId()).not.toBe(a);
    const real = globalThis.crypto;
    vi.stubGlobal("crypto", { getRandomValues: <T extends ArrayBufferView>(b: T) => real.getRandomValues(b as never) as T });
    const ids = new Set(Array.from({ length: 50 }, newRedemptionId));
    expect(ids.size).toBe(50);
    for (const id of ids) expect(id).toMatch(UUID);
  });

  it("are resent only after failures a resend can fix, at most three times in all", async () => {
    const flaky = (failures: Error[]) => {
      const send = vi.fn(async () => {
        const failure = failures.shift();
        if (failure) throw failure;
        return "ok";
      });
      return send;
    };
    const twice = flaky([new ApiError("network", 0), new ApiError("server", 503)]);
    await expect(withRetries(twice, 3, 1)).resolves.toBe("ok");
    expect(twice).toHaveBeenCalledTimes(3);

    const down = flaky([new ApiError("network", 0), new ApiError("network", 0), new ApiError("network", 0), new ApiError("network", 0)]);
    await expect(withRetries(down, 3, 1)).rejects.toMatchObject({ kind: "network" });
    expect(down).toHaveBeenCalledTimes(3);

    const refused = flaky([new ApiError("refused", 409, "No")]);
    await expect(withRetries(refused, 3, 1)).rejects.toMatchObject({ kind: "refused" });
    expect(refused).toHaveBeenCalledTimes(1);
  });
});

describe("format", () => {
  it("signs points", () => {
    expect([1200, -45, 0].map((n) => signedPoints(i18n, n))).toEqual(["+1,200", "-45", "0"]);
  });

  it("sends amounts in the currency's precision", () => {
    expect(decimalAmount(12.5, "USD")).toBe("12.50");
    expect(decimalAmount(0.1 + 0.2, "EUR")).toBe("0.30");
    expect(decimalAmount(1.005, "USD")).toBe("1.01");
    expect(decimalAmount(1234567.5, "USD")).toBe("1234567.50");
    expect(decimalAmount(1200, "JPY")).toBe("1200");
    expect(decimalAmount(1.2345, "KWD")).toBe("1.235");
    expect(decimalAmount(3, "XXX_NOT_A_CURRENCY")).toBe("3.00");
  });

  it("shows a date-only value on its own day whatever the time zone", () => {
    expect(formatDay(i18n, "2027-05-03")).toBe("May 3, 2027");
    expect(formatDay(i18n, "not a date")).toBe("not a date");
  });

  it("takes the number out of a gid", () => {
    expect(numericId("gid://shopify/Order/5551234")).toBe("5551234");
    expect(numericId("5551234")).toBe("5551234");
  });
});
