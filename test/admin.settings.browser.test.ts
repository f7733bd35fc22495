// The Settings page in a real browser (chromium), in Spanish inside the admin: the merchant changes
// the return window and sees it saved after a reload; an invalid window shows its Spanish field
// error and changes nothing; a percentage-off reward takes a whole percent. Screenshots:
// test-artifacts/screenshots/.
import { afterAll, beforeAll, expect, it } from "vitest";
import { startStack, type Stack } from "./stack.ts";
import { adminBrowser, describeBrowser } from "./browser.ts";

const SHOP = "browser-settings.myshopify.com";
let stack: Stack;

const returnRules = async () => (await stack.pool.query(`SELECT "returnRules" FROM "Shop" WHERE domain = $1`, [SHOP])).rows[0].returnRules;
const rewards = async () => (await stack.pool.query(`SELECT rewards FROM "Shop" WHERE domain = $1`, [SHOP])).rows[0].rewards;
const changes = async () =>
  (await stack.pool.query(`SELECT section, "changedBy" FROM "ShopRulesChange" WHERE shop = $1 ORDER BY id`, [SHOP])).rows;

describeBrowser("the Settings page in a browser", () => {
  beforeAll(async () => {
    stack = await startStack({ database: "postventa_test_browser_settings" });
    await stack.installShop(SHOP);
  });
  afterAll(async () => stack?.stop());

  const admin = adminBrowser(() => stack, { shop: SHOP, locale: "es" });
  const windowField = (page: Awaited<ReturnType<typeof admin.openAdmin>>) => page.getByLabel("Plazo de devolución (días)");
  const saveReturns = (page: Awaited<ReturnType<typeof admin.openAdmin>>) => page.getByRole("button", { name: "Guardar: Devoluciones" });

  it("changes the return window and shows it saved after a reload", async () => {
    const page = await admin.openAdmin("/app/settings");
    await expect.poll(() => page.getByRole("heading", { level: 1 }).textContent()).toBe("Ajustes");
    for (const card of [
      "Programa de puntos",
      "Cumpleaños, aniversarios y caducidad de puntos",
      "Catálogo de recompensas",
      "Garantías",
      "Guías de cuidado y mantenimiento",
      "Devoluciones",
      "Encuestas",
      "Riesgo de abandono",
    ])
      expect(await page.getByRole("heading", { level: 2, name: card }).count()).toBe(1);
    expect(await windowField(page).inputValue()).toBe("30");
    const body = await page.locator("body").innerText();
    expect(body).not.toMatch(/settings\.[a-z]/); // no raw message keys
    expect(body).toContain("Sin cambios: se aplican los valores predeterminados.");

    await windowField(page).fill("45");
    await saveReturns(page).click();
    await expect
      .poll(() => page.locator(".Polaris-Banner").first().innerText())
      .toContain("Cambios guardados. Se aplican desde ahora; lo ya ganado conserva la regla de su momento.");
    expect((await returnRules()).windowDays).toBe(45);
    expect(await changes()).toEqual([{ section: "returns", changedBy: "42" }]);
    await admin.screenshot("returns-window-saved");

    const again = await admin.openAdmin("/app/settings");
    await expect.poll(() => windowField(again).inputValue()).toBe("45");
    expect(await again.locator("body").innerText()).toMatch(/Último cambio: .+, por el usuario 42/);
  });

  it("shows an invalid window's error in Spanish under the field and saves nothing", async () => {
    // The action's answer to the invalid form, as the network and the console report it.
    admin.allow(/HTTP 400: POST .*\/app\/settings\?/);
    admin.allow(/status of 400 .*\/app\/settings\?/);
    const page = await admin.openAdmin("/app/settings");
    await expect.poll(() => windowField(page).inputValue()).toBe("45");
    await windowField(page).fill("400");
    await saveReturns(page).click();
    await expect
      .poll(() => page.locator(".Polaris-Banner").first().innerText())
      .toContain("Revisa los campos marcados: no se ha guardado nada.");
    // The error is the field's own: Polaris ties it to the input (aria-describedby) and marks it invalid.
    const field = windowField(page);
    expect(await field.getAttribute("aria-invalid")).toBe("true");
    const errorId = (await field.getAttribute("aria-describedby"))!.split(" ").find((id) => id.endsWith("Error"))!;
    expect(await page.locator(`[id="${errorId}"]`).innerText()).toBe("Escribe un valor entre 1 y 365.");
    await admin.screenshot("returns-window-invalid");
    expect((await returnRules()).windowDays).toBe(45);
    expect(await changes()).toHaveLength(1);
  });

  it("adds a tier with a points multiplier and a welcome reward, and shows it saved", async () => {
    const page = await admin.openAdmin("/app/settings");
    await expect.poll(() => page.getByRole("heading", { level: 2, name: "Niveles" }).count()).toBe(1);
    await page.getByRole("button", { name: "Añadir nivel" }).click();
    await page.getByLabel("Nombre").nth(3).fill("Platino");
    await page.getByLabel("Desde (puntos)").nth(3).fill("10000");
    await page.getByLabel("Multiplicador de puntos").nth(3).fill("1,5");
    await page.getByLabel("Regalo de bienvenida").nth(3).selectOption("amount-5");
    await page.getByRole("button", { name: "Guardar: Niveles" }).click();
    await expect.poll(() => page.locator(".Polaris-Banner").first().innerText()).toContain("Cambios guardados.");
    const { rows } = await stack.pool.query(`SELECT "tierProgram" FROM "Shop" WHERE domain = $1`, [SHOP]);
    expect(rows[0].tierProgram.tiers[3]).toEqual({
      id: "platino",
      name: "Platino",
      threshold: 10000,
      earnMultiplier: 1.5,
      welcomeRewardId: "amount-5",
    });
    await admin.screenshot("tiers-saved");
    const again = await admin.openAdmin("/app/settings");
    await expect.poll(() => again.getByLabel("Nombre").nth(3).inputValue()).toBe("Platino");
    // The catalog now offers the new tier for tier-only rewards.
    expect(await again.getByRole("checkbox", { name: "Platino" }).count()).toBe(4);
  });

  it("adds a percentage-off reward: its value is a whole percent, refused in Spanish otherwise, then saved", async () => {
    admin.allow(/HTTP 400: POST .*\/app\/settings\?/);
    admin.allow(/status of 400 .*\/app\/settings\?/);
    const page = await admin.openAdmin("/app/settings");
    await page.getByRole("button", { name: "Añadir recompensa" }).click();
    // The new row is the last one: a percentage asks for a percent, not an amount in the shop's currency.
    await page.getByLabel("Tipo", { exact: true }).last().selectOption({ label: "Descuento porcentual" });
    const percent = page.getByLabel("Descuento (%)");
    await percent.waitFor();
    expect(await page.getByLabel("Importe (USD)").count()).toBe(3); // the default amount-off and store-credit rows, not the new one
    await page.getByLabel("Coste en puntos").last().fill("800");
    await percent.fill("12,5");
    const saveRewards = page.getByRole("button", { name: "Guardar: Catálogo de recompensas" });
    await saveRewards.click();
    await expect.poll(() => page.locator(".Polaris-Banner").first().innerText()).toContain("Revisa los campos marcados");
    const errorId = (await percent.getAttribute("aria-describedby"))!.split(" ").find((id) => id.endsWith("Error"))!;
    expect(await page.locator(`[id="${errorId}"]`).innerText()).toBe("Escribe un número entero, sin decimales.");
    expect(await rewards()).toBeNull();

    await percent.fill("15");
    await saveRewards.click();
    await expect.poll(() => page.locator(".Polaris-Banner").first().innerText()).toContain("Cambios guardados.");
    expect((await rewards()).at(-1)).toMatchObject({
      id: "percentage-off-1",
      kind: "percentage_off",
      percent: 15,
      valueMinor: null,
      cost: 800,
    });
    await admin.screenshot("rewards-percentage-saved");
  });

  it("adds a care guide with its maintenance reminder, saved as processing reads it", async () => {
    const page = await admin.openAdmin("/app/settings");
    await expect.poll(() => page.getByText("Sin guías de cuidado", { exact: false }).count()).toBe(1);
    await page.getByRole("button", { name: "Añadir guía" }).click();
    await page.getByLabel("Valor", { exact: true }).fill("Cafetera");
    await page.getByLabel("Instrucciones de cuidado").fill("Descalcifique con ácido cítrico cada tres meses.");
    await page.getByLabel("Primer mantenimiento (meses)").fill("3");
    await page.getByLabel("Después, cada (meses)").fill("3");
    await page.getByRole("button", { name: "Guardar: Guías de cuidado y mantenimiento" }).click();
    await expect.poll(() => page.locator(".Polaris-Banner").first().innerText()).toContain("Cambios guardados.");
    const { rows } = await stack.pool.query(`SELECT "lifecycleRules" FROM "Shop" WHERE domain = $1`, [SHOP]);
    expect(rows[0].lifecycleRules.care).toEqual([
      {
        match: "productType",
        value: "Cafetera",
        guide: "Descalcifique con ácido cítrico cada tres meses.",
        firstAfterMonths: 3,
        everyMonths: 3,
      },
    ]);
    expect((await changes()).at(-1)).toEqual({ section: "care", changedBy: "42" });
    await admin.screenshot("care-guide-saved");
  });
});
