// Dev/test only: what the HubSpot tests, the demo and the benchmark share — order webhooks for a
// shop, waiting for the HubSpot outbox to drain, and reading back what the sandbox holds.
import { eventIdOf } from "../integrations/hubspot/client.server.ts";
import type pg from "pg";
import { stringifyShopifyJson, webhookHeaders } from "./sandboxes/shopify/signing.ts";
import type { HubSpotSandbox } from "./sandboxes/hubspot/server.ts";
import { DEV_HUBSPOT_CLIENT, DEV_SECRET } from "./stack.ts";

let seq = 0;

// One line at `price`, or (with `products`) one line per product id, each at `price`.
export function paidOrder(
  id: bigint,
  customer: { id: bigint | null; email: string | null; firstName?: string; lastName?: string },
  price = "120.00",
  products: Array<string | null> = [null],
) {
  const now = new Date().toISOString();
  return {
    id,
    admin_graphql_api_id: `gid://shopify/Order/${id}`,
    name: `#${Number(id % 100000n)}`,
    email: customer.email,
    created_at: now,
    processed_at: now,
    currency: "USD",
    financial_status: "paid",
    cancelled_at: null,
    taxes_included: false,
    total_tax: "0.00",
    total_shipping_price_set: { shop_money: { amount: "0.00", currency_code: "USD" } },
    customer: customer.id
      ? {
          id: customer.id,
          email: customer.email,
          first_name: customer.firstName ?? "Ana",
          last_name: customer.lastName ?? "García",
          phone: null,
        }
      : null,
    line_items: products.map((product, i) => ({
      id: id * 10n + BigInt(i + 1),
      product_id: product === null ? null : BigInt(product),
      variant_id: null,
      title: "Molinillo Baratza",
      vendor: "Baratza",
      quantity: 1,
      price,
      total_discount: "0.00",
      discount_allocations: [],
      gift_card: false,
      tax_lines: [],
    })),
    fulfillments: [],
  };
}

export function customerUpdate(id: bigint, email: string | null, firstName = "Ana", lastName = "García") {
  return {
    id,
    email,
    first_name: firstName,
    last_name: lastName,
    phone: null,
    state: "enabled",
    tags: "",
    email_marketing_consent: null,
    created_at: new Date().toISOString(),
    updated_at: new Date().toISOString(),
  };
}

export async function deliver(url: string, shop: string, topic: string, body: unknown): Promise<void> {
  const rawBody = stringifyShopifyJson(body);
  const headers = webhookHeaders({ secret: DEV_SECRET, topic, shop, rawBody, eventId: `hs-evt-${++seq}-${Date.now()}` });
  const res = await fetch(`${url}/webhooks`, { method: "POST", headers, body: rawBody });
  if (res.status !== 200) throw new Error(`delivery answered ${res.status}: ${await res.text()}`);
}

// No sync of `shop` is running (its advisory lock, sync.server.ts, is free): what arrives next
// waits for the coalescing window instead of being picked up by a sync that is still finishing.
export async function waitForSyncIdle(pool: pg.Pool, shop: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { rows } = await pool.query(
      `SELECT count(*)::int AS n FROM pg_locks WHERE locktype = 'advisory' AND classid = 7412 AND objid::int = hashtext($1)`,
      [shop],
    );
    if (rows[0].n === 0) return;
    if (Date.now() > deadline) throw new Error(`a HubSpot sync of ${shop} still runs after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

// Every delivery of `shop` is processed and its HubSpot outbox is empty (nothing pending or in
// flight), or the sync is paused.
export async function waitForHubSpot(pool: pg.Pool, shop: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    // Deliveries still to process, then what the merchant's page calls the backlog — in that order:
    // a delivery processed between the two reads has already written its outbox rows.
    const { rows } = await pool.query(
      `SELECT count(*)::int AS n FROM "WebhookDelivery" WHERE shop = $1 AND state NOT IN ('processed', 'skipped')`,
      [shop],
    );
    const { hubspotStatus } = await import("../app/hubspot/status.server.ts");
    const status = await hubspotStatus(shop);
    const c = status.connection;
    const paused = c?.state === "paused" && (!c.pausedUntil || new Date(c.pausedUntil) > new Date());
    // Tickets held back (a missing scope, a pipeline without our stages) are not on their way
    // until they are due to be tried again.
    const held = !!status.tickets.waiting && (!status.tickets.retryAt || new Date(status.tickets.retryAt) > new Date());
    const left = rows[0].n + status.backlog.contacts + status.backlog.notes + (held ? 0 : status.backlog.tickets);
    if (left === 0 || paused) return;
    if (Date.now() > deadline) {
      const detail = await pool.query(
        `SELECT 'interaction ' || i.state || ' / contact ' || s.state || ' id=' || COALESCE(s."hubspotContactId", '-') || ' attempts=' || i.attempts AS what, count(*)::int AS n
           FROM "HubSpotInteraction" i JOIN "HubSpotContactSync" s ON s."customerId" = i."customerId" WHERE i.shop = $1 AND i.state <> 'synced' GROUP BY 1
         UNION ALL SELECT 'contact ' || state || ' attempts=' || attempts, count(*)::int FROM "HubSpotContactSync" WHERE shop = $1 AND state <> 'synced' GROUP BY 1
         UNION ALL SELECT 'ticket ' || state || ' attempts=' || attempts, count(*)::int FROM "HubSpotTicket" WHERE shop = $1 AND state <> 'synced' GROUP BY 1`,
        [shop],
      );
      throw new Error(`HubSpot outbox of ${shop} not drained after ${timeoutMs} ms (${left} left): ${JSON.stringify(detail.rows)}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

// Notes per Postventa event id, and contacts per email, as the sandbox holds them.
export function hubspotHoldings(sandbox: HubSpotSandbox, portalId: number) {
  const s = sandbox.state(portalId);
  const notesByEvent = new Map<string, number>();
  for (const n of s.notes) {
    const k = eventIdOf(n.properties.hs_note_body);
    if (k) notesByEvent.set(k, (notesByEvent.get(k) ?? 0) + 1);
  }
  const contactsByEmail = new Map<string, typeof s.contacts>();
  for (const c of s.contacts) {
    const e = c.properties.email ?? "";
    contactsByEmail.set(e, [...(contactsByEmail.get(e) ?? []), c]);
  }
  const noteContact = new Map<string, string>();
  for (const a of s.associations) if (a.fromObjectType === "notes" && a.toObjectType === "contacts") noteContact.set(a.fromId, a.toId);
  // Tickets by the Postventa key their description names, and each ticket's contacts.
  const ticketsByKey = new Map<string, typeof s.tickets>();
  for (const t of s.tickets) {
    const k = eventIdOf(t.properties.content);
    if (k) ticketsByKey.set(k, [...(ticketsByKey.get(k) ?? []), t]);
  }
  const ticketContacts = new Map<string, string[]>();
  for (const a of s.associations)
    if (a.fromObjectType === "tickets" && a.toObjectType === "contacts")
      ticketContacts.set(a.fromId, [...(ticketContacts.get(a.fromId) ?? []), a.toId]);
  return { state: s, notesByEvent, contactsByEmail, noteContact, ticketsByKey, ticketContacts };
}

// "Connect with HubSpot" in-process, as the merchant's browser goes through it: the page's start
// link, /hubspot/start (binds the state to a cookie), HubSpot's consent screen approved.
export async function approveOAuth(
  connection: typeof import("../app/hubspot/connection.server.ts"),
  sandbox: HubSpotSandbox,
  shop: string,
  portalId: number,
  opts: { extraScopes?: string[]; redirectUri?: string } = {},
) {
  const start = new URL(await connection.startOAuth(shop));
  const { location, setCookie } = await connection.beginOAuth(start.searchParams.get("state")!);
  const authorize = new URL(location);
  const scopes = [...authorize.searchParams.get("scope")!.split(" "), ...(opts.extraScopes ?? [])];
  const { code } = sandbox.authorize(portalId, DEV_HUBSPOT_CLIENT.clientId, scopes, {
    redirectUri: opts.redirectUri ?? "http://localhost:3000/hubspot/callback",
  });
  return { start, authorize, code, state: authorize.searchParams.get("state")!, cookie: setCookie.split(";")[0] };
}
