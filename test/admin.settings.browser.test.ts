// The Settings page in a real browser (chromium), in Spanish inside the admin: the merchant changes
// the return window and sees it saved after a reload; an invalid window shows its Spanish field
// error and changes nothing. Screenshots: test-artifacts/screenshots/.
import { afterAll, beforeAll, expect, it } from "vitest";
import { startStack, type Stack } from "./stack.ts";
import { adminBrowser, describeBrowser } from "./browser.ts";

const SHOP = "browser-settings.myshopify.com";
let stack: Stack;

const returnRules = async () => (await stack.pool.query(`SELECT "returnRules" FROM "Shop" WHERE domain = $1`, [SHOP])).rows[0].returnRules;
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
      .toContain("Revise los campos marcados: no se ha guardado nada.");
    // The error is the field's own: Polaris ties it to the input (aria-describedby) and marks it invalid.
    const field = windowField(page);
    expect(await field.getAttribute("aria-invalid")).toBe("true");
    const errorId = (await field.getAttribute("aria-describedby"))!.split(" ").find((id) => id.endsWith("Error"))!;
    expect(await page.locator(`[id="${errorId}"]`).innerText()).toBe("Escriba un valor entre 1 y 365.");
    await admin.screenshot("returns-window-invalid");
    expect((await returnRules()).windowDays).toBe(45);
    expect(await changes()).toHaveLength(1);
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
    expect((await changes()).map((c) => c.section)).toEqual(["returns", "care"]);
    await admin.screenshot("care-guide-saved");
  });
});
