// The dashboard in a real browser (chromium): the merchant opens the app's home page in Spanish over
// a shop with a few weeks of orders and repeat customers, and every chart with data is
// drawn — an SVG image labelled with what it shows, with a line or bars in it. Its screenshot is the
// README's picture (docs/images/dashboard.png is refreshed from it by hand: see DEVELOPERS.md).
import { afterAll, beforeAll, expect, it } from "vitest";
import { startStack, type Stack } from "./stack.ts";
import { deliver, paidOrder } from "./hubspot-helpers.ts";
import { adminBrowser, describeBrowser } from "./browser.ts";

const SHOP = "browser-dashboard.myshopify.com";
const DAY = 86_400_000;
let stack: Stack;

describeBrowser("the dashboard in a browser", () => {
  beforeAll(async () => {
    stack = await startStack({ database: "postventa_test_browser_dashboard" });
    await stack.installShop(SHOP);
    // Twelve customers over eight weeks; every third comes back two weeks later.
    let id = 9_601_000n;
    for (let c = 0; c < 12; c++) {
      const customer = { id: 9_007_199_254_860_000n + BigInt(c), email: `c${c}@example.com`, firstName: "Cliente", lastName: String(c) };
      const visits = c % 3 === 0 ? [56 - c * 4, 42 - c * 3] : [50 - c * 4];
      for (const daysAgo of visits) {
        const order = paidOrder(++id, customer, `${40 + c * 7}.00`);
        const at = new Date(Date.now() - daysAgo * DAY).toISOString();
        order.created_at = at;
        order.processed_at = at;
        await deliver(stack.url, SHOP, "orders/paid", order);
      }
    }
    await stack.waitForDrain();
  });
  afterAll(async () => stack?.stop());

  const admin = adminBrowser(() => stack, { shop: SHOP, locale: "es" });

  it("draws every chart of the dashboard, in Spanish", async () => {
    const page = await admin.openAdmin("/app");
    await expect.poll(() => page.getByRole("heading", { level: 1 }).textContent()).toBe("Panel");
    const charts = page.locator('svg[role="img"][data-testid^="chart-"]');
    // Orders only, here: the seven order and points charts are drawn; the claim-time, first-contact
    // and reasons cards say there is nothing to show yet.
    await expect.poll(() => charts.count()).toBe(7);
    expect(await page.getByText("Sin datos en este periodo").count()).toBe(3);
    for (const chart of await charts.all()) {
      const label = await chart.getAttribute("aria-label");
      expect(label, (await chart.getAttribute("data-testid")) ?? "a chart").toBeTruthy();
      // Something is drawn: a line through the buckets, or bars.
      const drawn = await chart.locator("polyline, rect").count();
      expect(drawn, label!).toBeGreaterThan(0);
    }
    const body = await page.locator("body").innerText();
    for (const figure of ["Tasa de recompra", "Tasa de retención"]) expect(body).toContain(figure);
    expect(body).not.toMatch(/dashboard\.[a-z]/); // no raw message keys
    await admin.screenshot("dashboard");
  });
});
