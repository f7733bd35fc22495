// customers/redact reaches HubSpot: the notes Postventa wrote on the customer's contact are deleted
// and Postventa's properties emptied, once no send about them can still land; the contact itself
// (the merchant's) stays, and other customers' notes are untouched.
import { afterAll, beforeAll, expect, it } from "vitest";
import { startHubSpotSandbox, type HubSpotSandbox } from "./sandboxes/hubspot/server.ts";
import { startStack, type Stack } from "./stack.ts";
import { deliver, hubspotHoldings, paidOrder, waitForHubSpot } from "./hubspot-helpers.ts";
import { tuneHubSpotSync } from "../app/hubspot/tuning.server.ts";
import { eventIdOf } from "../integrations/hubspot/client.server.ts";

const SHOP = "redact-hubspot.myshopify.com";
let stack: Stack;
let sandbox: HubSpotSandbox;

beforeAll(async () => {
  sandbox = await startHubSpotSandbox();
  process.env.HUBSPOT_BASE_URL = sandbox.url;
  tuneHubSpotSync({ coalesceMs: 200, requestTimeoutMs: 1000, landingGraceMs: 300 });
  stack = await startStack({ database: "postventa_test_hubspot_redact", build: false });
  await stack.installShop(SHOP);
});
afterAll(async () => {
  await stack?.stop();
  await sandbox?.close();
});

it("erases what Postventa wrote about a redacted customer from HubSpot, and keeps their contact", async () => {
  const portal = sandbox.createPortal();
  const { connectPrivateApp } = await import("../app/hubspot/connection.server.ts");
  await connectPrivateApp(SHOP, portal.privateAppToken, 190);
  await deliver(stack.url, SHOP, "orders/paid", paidOrder(7001n, { id: 97001n, email: "olvido@example.com", firstName: "Olvido" }));
  await deliver(stack.url, SHOP, "orders/paid", paidOrder(7002n, { id: 97002n, email: "queda@example.com", firstName: "Queda" }));
  await waitForHubSpot(stack.pool, SHOP);

  const before = hubspotHoldings(sandbox, portal.portalId);
  const gone = before.contactsByEmail.get("olvido@example.com")![0];
  const stays = before.contactsByEmail.get("queda@example.com")![0];
  const notesOf = (h: typeof before, contactId: string) =>
    h.state.notes.filter((n) => h.noteContact.get(n.id) === contactId && eventIdOf(n.properties.hs_note_body));
  expect(notesOf(before, gone.id).length).toBeGreaterThan(0);
  expect(gone.properties.postventa_points_balance).toBeTruthy();

  await deliver(stack.url, SHOP, "customers/redact", {
    shop_id: 1,
    shop_domain: SHOP,
    customer: { id: 97001, email: "olvido@example.com", phone: null },
    orders_to_redact: [7001],
  });
  const deadline = Date.now() + 30_000;
  let after = hubspotHoldings(sandbox, portal.portalId);
  const erasures = async () => (await stack.pool.query(`SELECT count(*)::int AS n FROM "HubSpotErasure"`)).rows[0].n as number;
  // Done when the notes are gone and the erasure is recorded as carried out (after the properties).
  while ((notesOf(after, gone.id).length > 0 || (await erasures()) > 0) && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 100));
    after = hubspotHoldings(sandbox, portal.portalId);
  }
  await waitForHubSpot(stack.pool, SHOP);
  after = hubspotHoldings(sandbox, portal.portalId);
  expect(notesOf(after, gone.id)).toEqual([]);
  const contact = after.state.contacts.find((c) => c.id === gone.id)!;
  expect(contact).toBeDefined(); // the merchant's contact stays
  for (const [name, value] of Object.entries(contact.properties)) if (name.startsWith("postventa_")) expect(value || "", name).toBe("");
  // Someone else's story is untouched.
  expect(notesOf(after, stays.id).length).toBe(notesOf(before, stays.id).length);
  expect(after.state.contacts.find((c) => c.id === stays.id)!.properties.postventa_points_balance).toBeTruthy();
  expect((await stack.pool.query(`SELECT count(*)::int AS n FROM "HubSpotErasure"`)).rows[0].n).toBe(0);
});

it("leaves HubSpot as it is when the merchant turned erasing off on the HubSpot page", async () => {
  const { setEraseOnRedact } = await import("../app/hubspot/connection.server.ts");
  await setEraseOnRedact(SHOP, false);
  await deliver(stack.url, SHOP, "orders/paid", paidOrder(7003n, { id: 97003n, email: "recuerdo@example.com", firstName: "Recuerdo" }));
  await waitForHubSpot(stack.pool, SHOP);
  const portalId = Number((await stack.pool.query(`SELECT "portalId" FROM "HubSpotConnection" WHERE shop = $1`, [SHOP])).rows[0].portalId);
  const before = hubspotHoldings(sandbox, portalId);
  const contact = before.contactsByEmail.get("recuerdo@example.com")![0];
  const notes = before.state.notes.filter((n) => before.noteContact.get(n.id) === contact.id).length;
  expect(notes).toBeGreaterThan(0);

  await deliver(stack.url, SHOP, "customers/redact", {
    shop_id: 1,
    shop_domain: SHOP,
    customer: { id: 97003, email: "recuerdo@example.com", phone: null },
    orders_to_redact: [7003],
  });
  await waitForHubSpot(stack.pool, SHOP);
  await new Promise((r) => setTimeout(r, 2000)); // past the landing grace and a sync
  const after = hubspotHoldings(sandbox, portalId);
  expect(after.state.notes.filter((n) => after.noteContact.get(n.id) === contact.id)).toHaveLength(notes);
  expect((await stack.pool.query(`SELECT count(*)::int AS n FROM "HubSpotErasure"`)).rows[0].n).toBe(0);
});
