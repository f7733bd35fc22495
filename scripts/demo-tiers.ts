// The demo's tiers: the merchant sets a ladder by orders in Settings (through the same server
// function the page's Save calls), every customer is placed anew, and a shopper's next order
// lifts them a tier: the order earns with their tier's multiplier, Shopify holds their welcome
// code, and HubSpot's timeline says they moved up.
import type { Stack } from "../test/stack.ts";
import type { HubSpotSandbox } from "../test/sandboxes/hubspot/server.ts";
import { deliver, hubspotHoldings, paidOrder, waitForHubSpot } from "../test/hubspot-helpers.ts";
import { shopperCall, shopperToken } from "../test/shopper-helpers.ts";
import type { AccountView } from "../app/shopper/views.ts";

export async function demoTiers(opts: { stack: Stack; hubspot: HubSpotSandbox; portalId: number; shop: string }): Promise<boolean> {
  const { stack, shop } = opts;
  const q = async <T>(sql: string, params: unknown[] = []) => (await stack.pool.query(sql, params)).rows as T[];
  const { saveSettings, shopSettings } = await import("../app/settings.server.ts");
  const { fieldsForm } = await import("../app/domain/settings.ts");

  const fields = (await shopSettings(shop))!.fields.tiers;
  const saved = await saveSettings(
    shop,
    "tiers",
    fieldsForm({
      ...fields,
      basis: "orders",
      "tier.1.threshold": "2",
      "tier.1.multiplier": "1,25",
      "tier.1.welcomeReward": "free-shipping",
      "tier.2.threshold": "4",
      "tier.2.multiplier": "1,5",
      "tier.2.welcomeReward": "amount-5",
    }),
    "demo",
  );
  await stack.waitForDrain();
  const placed = await q<{ tier: string; n: number }>(
    `SELECT "tierId" AS tier, count(*)::int AS n FROM "CustomerTier" WHERE shop = $1 GROUP BY 1 ORDER BY 1`,
    [shop],
  );
  const welcomes = async () =>
    q<{ requestId: string; code: string; state: string }>(
      `SELECT "requestId", code, state FROM "Redemption" WHERE shop = $1 AND "requestId" LIKE 'welcome:%'`,
      [shop],
    );
  console.log(`\nThe merchant's tiers: by orders — Silver from 2 (×1.25 points, free shipping to welcome), Gold from 4 (×1.5, $5 off)`);
  console.log(
    `  Saved: ${saved.ok ? "yes" : "NO"}. Every customer placed anew: ${placed.map((p) => `${p.n} ${p.tier}`).join(", ")}; ${(await welcomes()).length} welcome codes for those the new ladder lifts.`,
  );

  // A Bronze shopper one order short of Silver buys again.
  const [next] = await q<{ id: string; email: string }>(
    `SELECT c."shopifyCustomerId" AS id, lower(c.email) AS email FROM "Customer" c JOIN "CustomerTier" t ON t."customerId" = c.id
      WHERE c.shop = $1 AND t."tierId" = 'bronze' AND c."shopifyCustomerId" IS NOT NULL AND c.email IS NOT NULL AND c."redactedAt" IS NULL
        AND (SELECT count(*) FROM "DashboardOrder" d WHERE d.shop = c.shop AND d."customerId" = c.id) = 1
      ORDER BY c."shopifyCustomerId" LIMIT 1`,
    [shop],
  );
  if (!next) {
    console.log("  No Bronze shopper one order short of Silver in this week's data.");
    return false;
  }
  const page = async (locale: string) =>
    (await shopperCall(stack.url, "/api/account", shopperToken(shop, next.id), { locale })).body as AccountView;
  const before = await page("es");
  console.log(`  ${next.email}: ${before.tier.name} — ${before.tier.text}`);
  await deliver(stack.url, shop, "orders/paid", paidOrder(990_001n, { id: BigInt(next.id), email: next.email }, "80.00"));
  await stack.waitForDrain();
  const second = (await page("es")).tier;
  console.log(`  After an $80 order: ${second.name} — ${second.text}. ${second.benefitsText ?? ""}`);
  await deliver(stack.url, shop, "orders/paid", paidOrder(990_002n, { id: BigInt(next.id), email: next.email }, "80.00"));
  await stack.waitForDrain();
  const after = await page("es");
  const earned = after.history.find((h) => h.kind === "earned");
  console.log(`  Their next $80 order, as Silver: ${earned ? `+${earned.points} — ${earned.text}` : "nothing earned"}`);
  const code = after.issued.find((i) => i.redemptionId === "welcome:silver");
  const held = stack.admin.discountsOf(shop).find((d) => d.code === code?.code);
  console.log(
    held
      ? `  Welcome code ${held.code} (${code!.title}): Shopify holds ${held.type}, once, for ${JSON.stringify(held.customers)}.`
      : "  Shopify holds NO welcome code for them.",
  );
  await waitForHubSpot(stack.pool, shop);
  const holdings = hubspotHoldings(opts.hubspot, opts.portalId);
  const contact = holdings.contactsByEmail.get(next.email)?.[0];
  const note = holdings.state.notes.find(
    (n) => holdings.noteContact.get(n.id) === contact?.id && (n.properties.hs_note_body?.includes("Reached the Silver tier") ?? false),
  );
  console.log(
    `  HubSpot: tier property “${contact?.properties.postventa_tier}”; timeline: ${note ? "“Reached the Silver tier”, with its welcome reward" : "no tier entry"}.`,
  );
  const all = await welcomes();
  const once = new Set(all.map((w) => w.code)).size === all.length && all.every((w) => w.state === "issued");
  return (
    saved.ok &&
    second.name === "Silver" &&
    !!earned?.text.includes("×1,25") &&
    !!held &&
    contact?.properties.postventa_tier === "Silver" &&
    !!note &&
    once
  );
}
