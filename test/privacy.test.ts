// GDPR redaction that sticks, over HTTP against the real server and Postgres: after each sequence,
// a text search of every table (ours and the queue's) finds none of the customer's personal data.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { stringifyShopifyJson, webhookHeaders } from "./sandboxes/shopify/signing.ts";
import { DEV_SECRET, startStack, type Stack } from "./stack.ts";
import { startWorker, type Worker } from "../server/worker.server.ts";

const SHOP = "privacy-test.myshopify.com";
let stack: Stack;
let seq = 0;

beforeAll(async () => {
  stack = await startStack({ database: "postventa_test_privacy", build: false });
  await stack.installShop(SHOP);
});
afterAll(async () => stack?.stop());

async function deliver(topic: string, body: unknown, eventId = `privacy-${++seq}`) {
  const rawBody = stringifyShopifyJson(body);
  const res = await fetch(`${stack.url}/webhooks`, {
    method: "POST",
    headers: webhookHeaders({ secret: DEV_SECRET, topic, shop: SHOP, rawBody, eventId }),
    body: rawBody,
  });
  expect(res.status).toBe(200);
  return res;
}

interface Person {
  id: bigint | null;
  email: string;
  first: string;
  last: string;
  phone: string;
  street: string;
}
const address = (p: Person) => ({
  first_name: p.first,
  last_name: p.last,
  name: `${p.first} ${p.last}`,
  address1: p.street,
  city: "Zaragoza",
  zip: "50001",
  phone: p.phone,
  country: "Spain",
});

let nextId = 9007199255100001n;
function order(p: Person, opts: { fulfilled?: boolean; id?: bigint } = {}) {
  const id = opts.id ?? (nextId += 10n);
  const created = new Date().toISOString();
  return {
    id,
    admin_graphql_api_id: `gid://shopify/Order/${id}`,
    name: `#P${id % 10000n}`,
    email: p.email,
    contact_email: p.email,
    phone: p.phone,
    created_at: created,
    processed_at: created,
    currency: "EUR",
    financial_status: "paid",
    cancelled_at: null,
    taxes_included: true,
    total_tax: "0.00",
    browser_ip: "203.0.113.7",
    note: `Call ${p.first} at ${p.phone}`,
    billing_address: address(p),
    shipping_address: address(p),
    customer: p.id
      ? { id: p.id, email: p.email, first_name: p.first, last_name: p.last, phone: p.phone, default_address: address(p) }
      : null,
    line_items: [
      {
        id: id + 1n,
        product_id: null,
        variant_id: null,
        title: "Cafetera",
        vendor: "Lucca",
        quantity: 1,
        price: "80.00",
        total_discount: "0.00",
        gift_card: false,
      },
    ],
    fulfillments: opts.fulfilled
      ? [{ id: id + 2n, status: "success", created_at: created, line_items: [{ id: id + 1n, quantity: 1 }] }]
      : [],
  };
}
const customer = (p: Person) => ({
  id: p.id,
  email: p.email,
  first_name: p.first,
  last_name: p.last,
  phone: p.phone,
  state: "enabled",
  tags: "vip",
  default_address: address(p),
  addresses: [address(p)],
});
const redact = (p: Person, ordersToRedact: bigint[] = []) => ({
  shop_id: 1,
  shop_domain: SHOP,
  customer: { id: p.id, email: p.email, phone: p.phone },
  orders_to_redact: ordersToRedact,
});

// Every row of every table in our schema and the queue's, as text.
async function everything(): Promise<string> {
  const { rows: tables } = await stack.pool.query<{ s: string; t: string }>(
    `SELECT table_schema s, table_name t FROM information_schema.tables WHERE table_schema IN ('public', 'graphile_worker') AND table_type = 'BASE TABLE'`,
  );
  let all = "";
  for (const { s, t } of tables) {
    const { rows } = await stack.pool.query(`SELECT COALESCE(string_agg(row_to_json(x)::text, ' '), '') AS all FROM "${s}"."${t}" x`);
    all += rows[0].all + "\n";
  }
  return all.toLowerCase();
}
const personalData = (p: Person) => [p.email, p.first, p.last, p.phone, p.street].map((s) => s.toLowerCase());
async function leaks(p: Person) {
  const dump = await everything();
  return personalData(p).filter((needle) => dump.includes(needle));
}

describe("customers/redact sticks", () => {
  it("an order event after the redaction brings none of the customer's data back", async () => {
    const p: Person = {
      id: 9007199255190001n,
      email: "lucia.redacted@example.com",
      first: "Lucía",
      last: "Olvidada",
      phone: "+34611222333",
      street: "Calle del Olvido 7",
    };
    const o = order(p);
    await deliver("orders/paid", o);
    await stack.waitForDrain();
    expect(await leaks(p)).not.toEqual([]); // the data was there
    await deliver("customers/redact", redact(p));
    await stack.waitForDrain();
    expect(await leaks(p)).toEqual([]);

    await deliver("orders/fulfilled", order(p, { id: o.id, fulfilled: true }));
    await deliver("customers/update", customer(p));
    await stack.waitForDrain();
    expect(await leaks(p)).toEqual([]);
    // Still processed: points kept, the warranty started on fulfillment.
    const { rows } = await stack.pool.query(
      `SELECT a.balance, w.status FROM "Customer" c JOIN "PointsAccount" a ON a."customerId" = c.id JOIN "WarrantyRegistration" w ON w."customerId" = c.id WHERE c."shopifyCustomerId" = $1`,
      [String(p.id)],
    );
    expect(rows).toEqual([{ balance: 80, status: "active" }]);
  });

  it("a survey comment and a carrier's delivery event keep none of the customer's data after the redaction", async () => {
    const p: Person = {
      id: 9007199255190201n,
      email: "rocio.encuesta@example.com",
      first: "Rocío",
      last: "Opinadora",
      phone: "+34611444555",
      street: "Calle de la Encuesta 9",
    };
    const o = order(p, { fulfilled: true });
    o.fulfillments[0].created_at = new Date(Date.now() - 12 * 86_400_000).toISOString(); // its NPS survey is due
    await deliver("orders/paid", o);
    await deliver("fulfillment_events/create", {
      id: o.id + 5n,
      fulfillment_id: o.id + 2n,
      order_id: o.id,
      status: "delivered",
      message: `Delivered to ${p.first} ${p.last}`,
      happened_at: new Date(Date.now() - 10 * 86_400_000).toISOString(),
      created_at: new Date().toISOString(),
      address1: p.street,
      city: "Zaragoza",
      zip: "50001",
      admin_graphql_api_id: `gid://shopify/FulfillmentEvent/${o.id + 5n}`,
    });
    await stack.waitForDrain();
    const { openDueSurveys, answerSurvey } = await import("../app/feedback/surveys.server.ts");
    await openDueSurveys(new Date());
    const { rows } = await stack.pool.query(
      `SELECT i.id FROM "SurveyInvitation" i JOIN "Customer" c ON c.id = i."customerId" WHERE c."shopifyCustomerId" = $1`,
      [String(p.id)],
    );
    expect(rows).toHaveLength(1);
    await answerSurvey(SHOP, rows[0].id, { score: 4, comment: `Soy ${p.first}, el repartidor no encontró ${p.street}` }, "link", "link");
    expect(await leaks(p)).toEqual(expect.arrayContaining([p.first.toLowerCase(), p.street.toLowerCase()]));
    await deliver("customers/redact", redact(p));
    await stack.waitForDrain();
    expect(await leaks(p)).toEqual([]);
  });

  it("a guest claimed by a sign-up, then redacted: no email stays in the ledger or anywhere", async () => {
    const p: Person = {
      id: 9007199255190101n,
      email: "guest.claimed@example.com",
      first: "Ginés",
      last: "Invitado",
      phone: "+34622333444",
      street: "Plaza Mayor 3",
    };
    await deliver("orders/paid", order({ ...p, id: null }));
    await stack.waitForDrain();
    await deliver("customers/create", customer(p));
    await stack.waitForDrain();
    const claimed = await stack.pool.query(`SELECT kind, params FROM "PointsLedgerEntry" WHERE kind = 'claim_in'`);
    expect(claimed.rows.length).toBeGreaterThan(0);
    await deliver("customers/redact", redact(p));
    await stack.waitForDrain();
    expect(await leaks(p)).toEqual([]);
    // A later guest order with the same email is processed without it.
    await deliver("orders/paid", order({ ...p, id: null }));
    await stack.waitForDrain();
    expect(await leaks(p)).toEqual([]);
  });

  it("matches waiting deliveries exactly: redacting ann@example.co leaves joann@example.com's order alone", async () => {
    const ann: Person = {
      id: 9007199255190201n,
      email: "ann@example.co",
      first: "Ann",
      last: "Short",
      phone: "+34633444555",
      street: "Calle Corta 1",
    };
    const joann: Person = {
      id: 9007199255190202n,
      email: "joann@example.com",
      first: "Joann",
      last: "Longer",
      phone: "+34644555666",
      street: "Calle Larga 2",
    };
    // With no worker running, both wait in the inbox; one worker then takes them in arrival order.
    await stack.stopWorker();
    await deliver("customers/redact", redact(ann));
    await deliver("orders/paid", order(joann));
    const worker: Worker = await startWorker(stack.databaseUrl, { concurrency: 1 });
    try {
      await stack.waitForDrain();
    } finally {
      await worker.stop();
      await stack.startWorker();
    }
    const { rows } = await stack.pool.query(`SELECT email, "firstName" FROM "Customer" WHERE "shopifyCustomerId" = $1`, [String(joann.id)]);
    expect(rows).toEqual([{ email: "joann@example.com", firstName: "Joann" }]);
  });

  it("orders_to_redact lose their personal data even when they are not the customer's", async () => {
    const buyer: Person = {
      id: null,
      email: "gift.buyer@example.com",
      first: "Regalo",
      last: "Comprador",
      phone: "+34655666777",
      street: "Avenida Regalo 9",
    };
    const o = order(buyer);
    await deliver("orders/paid", o);
    await stack.waitForDrain();
    await deliver("customers/redact", {
      shop_id: 1,
      shop_domain: SHOP,
      customer: { id: 9007199255190301n, email: "someone.else@example.com" },
      orders_to_redact: [o.id],
    });
    await stack.waitForDrain();
    const { rows } = await stack.pool.query(`SELECT facts->>'email' AS email FROM "Order" WHERE "shopifyOrderId" = $1`, [String(o.id)]);
    expect(rows).toEqual([{ email: null }]);
  });
});

describe("customers/data_request", () => {
  it("is idempotent and covers every table that holds the customer", async () => {
    const p: Person = {
      id: 9007199255190401n,
      email: "asks.for.data@example.com",
      first: "Datos",
      last: "Pedidos",
      phone: "+34666777888",
      street: "Calle Datos 4",
    };
    await deliver("orders/paid", order(p, { fulfilled: true }));
    await stack.waitForDrain();
    const request = {
      shop_id: 1,
      shop_domain: SHOP,
      customer: { id: p.id, email: p.email, phone: p.phone },
      orders_requested: [],
      data_request: { id: 9999 },
    };
    await deliver("customers/data_request", request);
    await deliver("customers/data_request", request); // Shopify's retry under a new event id
    await stack.waitForDrain();
    const { rows } = await stack.pool.query(`SELECT export FROM "ComplianceRequest" WHERE shop = $1 AND topic = 'customers/data_request'`, [
      SHOP,
    ]);
    expect(rows).toHaveLength(1);
    const exported = rows[0].export;
    expect(Object.keys(exported).sort()).toEqual(
      [
        "customers",
        "hubspotContact",
        "hubspotInteractions",
        "hubspotTickets",
        "lifecycle",
        "orders",
        "pointsAccounts",
        "pointsLedger",
        "redemptions",
        "refunds",
        "returns",
        "surveyAnswers",
        "surveyInvitations",
        "warranties",
        "warrantyClaims",
        "webhookDeliveries",
      ].sort(),
    );
    expect(exported.customers[0].email).toBe(p.email);
    expect(exported.pointsLedger).toHaveLength(1);
    expect(exported.warranties).toHaveLength(1);
    expect(exported.hubspotInteractions.length).toBeGreaterThan(0);
    expect(exported.webhookDeliveries.length).toBeGreaterThan(0);
  });
});
