// The Claims queue in a real browser (chromium): the merchant opens it in Spanish inside the admin,
// opens a claim, rejects it with a reason through the dialog, and starts the review of two claims at
// once from the table's checkboxes — every action a Remix fetcher authenticated by the App Bridge
// stand-in, checked on the page and in the database. Screenshots: test-artifacts/screenshots/.
import { afterAll, beforeAll, expect, it } from "vitest";
import { startStack, type Stack } from "./stack.ts";
import { claimAll, shippedOrder } from "./claims-helpers.ts";
import { adminBrowser, describeBrowser } from "./browser.ts";

const SHOP = "browser-claims.myshopify.com";
const OTHER = "browser-claims-other.myshopify.com";
const ANA = 9007199254780001n;
const BEA = 9007199254780002n;
const CARLA = 9007199254780003n;
let stack: Stack;
let claims: Record<string, string>;

const claimRow = async (id: string) =>
  (await stack.pool.query(`SELECT status, "rejectionReason", "firstResponseAt" FROM "WarrantyClaim" WHERE id = $1`, [id])).rows[0];
const eventTypes = async (id: string) =>
  (await stack.pool.query(`SELECT actor || ':' || type AS e FROM "WarrantyClaimEvent" WHERE "claimId" = $1 ORDER BY id`, [id])).rows.map(
    (r) => r.e,
  );

describeBrowser("the Claims queue in a browser", () => {
  beforeAll(async () => {
    stack = await startStack({ database: "postventa_test_browser_claims" });
    for (const shop of [SHOP, OTHER]) await stack.installShop(shop);
    await shippedOrder(stack, SHOP, 9501n, { id: ANA, email: "ana@example.com", firstName: "Ana", lastName: "García" }, [
      "Molinillo Encore",
      "Cafetera Moka",
    ]);
    await shippedOrder(stack, SHOP, 9502n, { id: BEA, email: "bea@example.com", firstName: "Beatriz", lastName: "López" }, [
      "Báscula Acaia",
    ]);
    await shippedOrder(stack, OTHER, 9601n, { id: CARLA, email: "carla@example.com", firstName: "Carla", lastName: "Ruiz" }, [
      "Tostador Ajeno",
    ]);
    await stack.waitForDrain();
    claims = {
      ...(await claimAll(stack, SHOP, ANA, {
        "Molinillo Encore": "El molinillo dejó de girar a las dos semanas.",
        "Cafetera Moka": "La junta de la cafetera pierde agua.",
      })),
      ...(await claimAll(stack, SHOP, BEA, { "Báscula Acaia": "La báscula marca mal el peso." })),
    };
    await claimAll(stack, OTHER, CARLA, { "Tostador Ajeno": "El tostador de otra tienda se quemó." });
  });
  afterAll(async () => stack?.stop());

  const admin = adminBrowser(() => stack, { shop: SHOP, locale: "es" });

  it("shows the queue in Spanish, styled by Polaris, with only this shop's claims", async () => {
    const page = await admin.openAdmin("/app/claims");
    await expect.poll(() => page.getByRole("heading", { level: 1 }).textContent()).toBe("Reclamaciones de garantía");
    const rows = page.locator(".Polaris-IndexTable__TableRow");
    await expect.poll(() => rows.count()).toBe(3);
    const table = await page.locator(".Polaris-IndexTable").innerText();
    for (const text of ["Ana García", "Beatriz López", "Molinillo Encore", "Cafetera Moka", "Báscula Acaia", "#9501", "Enviada"])
      expect(table).toContain(text);
    expect(table).not.toContain("Tostador");
    const body = await page.locator("body").innerText();
    for (const english of ["Open", "Customer", "Start review", "Reject"]) expect(body).not.toMatch(new RegExp(`\\b${english}\\b`));
    expect(body).not.toMatch(/claims\.[a-z]/); // no raw message keys

    // Polaris's stylesheet is linked, loaded from our server and applied (tokens defined, the page's layout styled).
    const css = await page.evaluate(() => ({
      links: [...document.querySelectorAll<HTMLLinkElement>('link[rel="stylesheet"]')].map((l) => l.href),
      token: getComputedStyle(document.documentElement).getPropertyValue("--p-color-bg").trim(),
      tableDisplay: getComputedStyle(document.querySelector(".Polaris-IndexTable__Table")!).display,
      badgeRadius: getComputedStyle(document.querySelector(".Polaris-Badge")!).borderRadius,
    }));
    expect(css.links.some((h) => /\/assets\/styles-[\w-]+\.css$/.test(h) && h.startsWith(stack.url))).toBe(true);
    expect(css.token).not.toBe("");
    expect(css.tableDisplay).toBe("table");
    expect(css.badgeRadius).not.toBe("0px");
    // The only thing asked of another origin: the App Bridge script, served by the stand-in.
    expect(admin.outside).toEqual([]);
  });

  it("opens a claim and rejects it with a reason through the dialog", async () => {
    const id = claims["Cafetera Moka"];
    const page = await admin.openAdmin("/app/claims");
    await page.locator(".Polaris-IndexTable__TableRow", { hasText: "Cafetera Moka" }).getByRole("link", { name: "Ana García" }).click();
    await page.waitForURL(new RegExp(`/app/claims/${id}\\?`));
    await expect.poll(() => page.getByRole("heading", { level: 1 }).textContent()).toBe("Reclamación: Cafetera Moka");
    await expect.poll(() => page.locator("body").innerText()).toContain("La junta de la cafetera pierde agua.");
    await admin.screenshot("claim-page-before-rejecting");

    await page.getByRole("button", { name: "Rechazar…" }).click();
    const dialog = page.getByRole("dialog");
    await dialog.waitFor();
    const reason = dialog.getByLabel("Motivo del rechazo");
    const send = dialog.getByRole("button", { name: "Rechazar", exact: true });
    // Empty: the dialog says in Spanish what is missing, and will not send.
    await reason.focus();
    await reason.blur();
    await expect.poll(() => dialog.innerText()).toContain("Escribe el motivo del rechazo: el cliente lo verá en su cuenta.");
    expect(await send.isDisabled()).toBe(true);
    await admin.screenshot("claim-reject-dialog-reason-missing");

    const why = "La junta es una pieza de desgaste que la garantía no cubre.";
    await reason.fill(why);
    expect(await send.isDisabled()).toBe(false);
    await send.click();
    await dialog.waitFor({ state: "detached" });
    await expect
      .poll(() => page.locator(".Polaris-Banner").first().innerText())
      .toContain("Reclamación rechazada. El cliente verá el motivo en su cuenta.");
    const body = await page.locator("body").innerText();
    expect(body).toContain(`La rechazó: «${why}»`);
    // The status badges (beside the title and in the status card) say it, and no action is left.
    const badges = await page.locator(".Polaris-Badge").allInnerTexts();
    expect(badges).toHaveLength(2);
    for (const badge of badges) expect(badge).toContain("Rechazada");
    expect(await page.getByRole("button", { name: "Rechazar…" }).count()).toBe(0);

    expect(await claimRow(id)).toMatchObject({ status: "rejected", rejectionReason: why });
    expect(await eventTypes(id)).toEqual(["shopper:submitted", "merchant:rejected"]);
  });

  it("starts the review of the selected claims at once from the table's checkboxes", async () => {
    const page = await admin.openAdmin("/app/claims");
    const rows = page.locator(".Polaris-IndexTable__TableRow");
    await expect.poll(() => rows.count()).toBe(2); // Open: the rejected one has left this tab
    for (const product of ["Molinillo Encore", "Báscula Acaia"])
      await rows.filter({ hasText: product }).locator(".Polaris-IndexTable__TableCell--first").getByRole("checkbox").check();
    await admin.screenshot("claims-queue-two-selected");
    await page.getByRole("button", { name: "Empezar revisión de las enviadas" }).click();
    await expect.poll(() => page.locator(".Polaris-Banner").first().innerText()).toContain("2 reclamaciones están en revisión.");
    await expect.poll(() => rows.filter({ hasText: "En revisión" }).count()).toBe(2);
    expect(await page.getByRole("tab", { name: "En revisión (2)" }).count()).toBe(1);

    for (const product of ["Molinillo Encore", "Báscula Acaia"]) {
      const row = await claimRow(claims[product]);
      expect(row.status).toBe("in_review");
      expect(row.firstResponseAt).not.toBeNull();
    }
    expect((await claimRow(claims["Cafetera Moka"])).status).toBe("rejected");
    // Every request of the page after its first load was authenticated by App Bridge's token.
    expect(admin.bridge.tokensIssued).toBeGreaterThanOrEqual(2);
  });
});
