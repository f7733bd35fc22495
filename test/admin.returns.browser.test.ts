// The Returns queue in a real browser (chromium): the merchant approves a return from its row and
// declines another through the dialog, in Spanish — each action a Remix fetcher authenticated by the
// App Bridge stand-in, checked on the page, in Shopify (the Admin sandbox) and in what the shopper reads.
// Screenshots: test-artifacts/screenshots/.
import { afterAll, beforeAll, expect, it } from "vitest";
import { startStack, type Stack } from "./stack.ts";
import { DEV_SECRET } from "./dev-env.ts";
import { returnsKit, type ReturnsKit } from "./returns-helpers.ts";
import { adminBrowser, describeBrowser } from "./browser.ts";

const SHOP = "browser-returns.myshopify.com";
const ANA = 9007199254840001n;
const BEA = 9007199254840002n;
let stack: Stack;
let kit: ReturnsKit;
const made: Record<string, { id: string; name: string }> = {};

// A return that waits for the merchant ("defective" is not approved by the shop's rules).
async function waitingReturn(customer: bigint, name: { first: string; last: string }, title: string) {
  const o = await kit.order(customer, [{ title, qty: 1 }], { name });
  const res = await kit.requestReturn(customer, { orderId: o.id, lines: [{ lineItemId: o.lines[0], quantity: 1, reason: "defective" }] });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  expect(res.body.status).toBe("requested");
  made[title] = { id: res.body.id, name: res.body.name };
}

describeBrowser("the Returns queue in a browser", () => {
  beforeAll(async () => {
    stack = await startStack({ database: "postventa_test_browser_returns" });
    await stack.installShop(SHOP);
    stack.admin.sendWebhooksTo(`${stack.url}/webhooks`, DEV_SECRET);
    kit = returnsKit(stack, SHOP, 9007199254850000n);
    await waitingReturn(ANA, { first: "Ana", last: "García" }, "Molinillo Encore");
    await waitingReturn(BEA, { first: "Beatriz", last: "López" }, "Báscula Acaia");
    await stack.waitForDrain();
  });
  afterAll(async () => {
    stack?.admin.sendWebhooksTo(null);
    await stack?.stop();
  });

  const admin = adminBrowser(() => stack, { shop: SHOP, locale: "es" });
  const shopifyStatus = (name: string) => stack.admin.returnsOf(SHOP).find((r) => r.name === name)?.status;

  it("approves a return from its row", async () => {
    const page = await admin.openAdmin("/app/returns");
    await expect.poll(() => page.getByRole("heading", { level: 1 }).textContent()).toBe("Devoluciones");
    const row = page.locator(".Polaris-IndexTable__TableRow", { hasText: made["Molinillo Encore"].name });
    await expect.poll(() => row.innerText()).toContain("Ana García");
    await admin.screenshot("returns-queue");
    await row.getByRole("button", { name: "Aprobar", exact: true }).click();
    await expect
      .poll(() => page.locator(".Polaris-Banner").first().innerText())
      .toContain("Devolución aprobada. Shopify avisa al cliente.");
    expect(shopifyStatus(made["Molinillo Encore"].name)).toBe("OPEN");
    // It leaves "Por revisar" for "Abiertas", with the status Abierta.
    await expect.poll(() => row.count()).toBe(0);
    await page.getByRole("tab", { name: /^Abiertas/ }).click();
    await expect
      .poll(() => page.locator(".Polaris-IndexTable__TableRow", { hasText: made["Molinillo Encore"].name }).innerText())
      .toContain("Abierta");
    const mine = await kit.myReturns(ANA, "es");
    expect(mine.find((r: { id: string }) => r.id === made["Molinillo Encore"].id).status).toBe("open");
  });

  it("declines a return with a reason and a note for the customer, through the dialog", async () => {
    const page = await admin.openAdmin("/app/returns");
    const row = page.locator(".Polaris-IndexTable__TableRow", { hasText: made["Báscula Acaia"].name });
    await row.getByRole("button", { name: "Rechazar…" }).click();
    const dialog = page.getByRole("dialog");
    await dialog.waitFor();
    await dialog.getByLabel("Motivo del rechazo").selectOption({ label: "Otro motivo" });
    const note = "La báscula llegó bien: envíala al servicio técnico con tu garantía.";
    await dialog.getByLabel("Nota para el cliente").fill(note);
    await admin.screenshot("returns-decline-dialog");
    await dialog.getByRole("button", { name: "Rechazar", exact: true }).click();
    await dialog.waitFor({ state: "detached" });
    await expect
      .poll(() => page.locator(".Polaris-Banner").first().innerText())
      .toContain("Devolución rechazada. El cliente verá la nota en su cuenta.");
    expect(shopifyStatus(made["Báscula Acaia"].name)).toBe("DECLINED");
    const mine = await kit.myReturns(BEA, "es");
    expect(mine.find((r: { id: string }) => r.id === made["Báscula Acaia"].id).statusText).toBe(`Rechazada: ${note}`);
  });
});
