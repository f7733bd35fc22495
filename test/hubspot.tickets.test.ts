// HubSpot tickets end to end: cases recorded with recordTicket in a transaction (as the warranty
// claims and returns code will), the outbox, the queue's sync job, @hubspot/api-client, and the
// local HubSpot sandbox holding what arrived. Exactly once through lost answers, late writes, 5xx,
// 429 and a killed worker; on hold without the tickets scope or the pipeline's stages.
import type { ChildProcess } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startHubSpotSandbox, type HubSpotSandbox } from "./sandboxes/hubspot/server.ts";
import { spawnWorkerProcess, startStack, type Stack, DEV_HUBSPOT_CLIENT } from "./stack.ts";
import { approveOAuth, deliver, hubspotHoldings, paidOrder, waitForHubSpot, waitForSyncIdle } from "./hubspot-helpers.ts";
import { tuneHubSpotSync } from "../app/hubspot/tuning.server.ts";
import type { TicketRecord } from "../app/hubspot/outbox.server.ts";
import type { WarrantyClaimParams } from "../app/domain/tickets.ts";
import { eventIdOf } from "../integrations/hubspot/client.server.ts";

const TUNING = { coalesceMs: 300, requestTimeoutMs: 1500, landingGraceMs: 500 };
const CONTACT_SCOPES = [
  "crm.objects.contacts.read",
  "crm.objects.contacts.write",
  "crm.schemas.contacts.read",
  "crm.schemas.contacts.write",
];
let stack: Stack;
let sandbox: HubSpotSandbox;
let connection: typeof import("../app/hubspot/connection.server.ts");
let status: typeof import("../app/hubspot/status.server.ts");
let outbox: typeof import("../app/hubspot/outbox.server.ts");
let db: typeof import("../app/db.server.ts");
const workers: ChildProcess[] = [];

beforeAll(async () => {
  sandbox = await startHubSpotSandbox({ rollingLimit: 190 });
  process.env.HUBSPOT_BASE_URL = sandbox.url;
  tuneHubSpotSync(TUNING);
  sandbox.oauthClient({ ...DEV_HUBSPOT_CLIENT, redirectUri: "http://localhost:3000/hubspot/callback" });
  stack = await startStack({ database: "postventa_test_hubspot_tickets", build: false });
  connection = await import("../app/hubspot/connection.server.ts");
  status = await import("../app/hubspot/status.server.ts");
  outbox = await import("../app/hubspot/outbox.server.ts");
  db = await import("../app/db.server.ts");
});
afterAll(async () => {
  for (const w of workers) w.kill("SIGKILL");
  await stack?.stop();
  await sandbox?.close();
});

const sent = (path: RegExp) => sandbox.requestLog.filter((r) => path.test(r.path));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

// A shop with a HubSpot account (a private app with every scope unless told) and customers who
// bought something, so their contacts exist.
async function shopWithCustomers(shop: string, emails: string[], opts: { scopes?: string[]; firstOrder: number }) {
  await stack.installShop(shop);
  const portal = sandbox.createPortal({ rollingLimit: 190, scopes: opts.scopes });
  await connection.connectPrivateApp(shop, portal.privateAppToken, 190);
  const ids: Record<string, string> = {};
  for (const [i, email] of emails.entries()) {
    const shopifyId = BigInt(opts.firstOrder + i);
    await deliver(stack.url, shop, "orders/paid", paidOrder(shopifyId, { id: shopifyId + 1_000_000n, email }));
  }
  await waitForHubSpot(stack.pool, shop);
  const { rows } = await stack.pool.query(`SELECT id, email FROM "Customer" WHERE shop = $1`, [shop]);
  for (const r of rows) ids[r.email] = r.id;
  return { portal, ids };
}

// As the claims and returns code will: in its own transaction, then a sync request once committed.
async function record(shop: string, customerId: string, ...tickets: TicketRecord[]) {
  await db.transaction(async (tx) => {
    for (const t of tickets) await outbox.recordTicket(tx, shop, customerId, t);
  });
  await connection.requestSync(shop);
}

const claimParams = (over: Partial<WarrantyClaimParams> = {}): WarrantyClaimParams => ({
  reference: "C-1",
  productTitle: "Molinillo Baratza",
  orderName: "#1001",
  description: "The burr stopped turning after two weeks.",
  photos: 2,
  status: "submitted",
  ...over,
});
const claim = (key: string, stage: TicketRecord["stage"], over: Partial<WarrantyClaimParams> = {}): TicketRecord => ({
  key,
  kind: "warranty_claim",
  stage,
  params: claimParams({ reference: key.slice(-6), ...over }),
});
const aReturn = (key: string, stage: TicketRecord["stage"], openTicket = true): TicketRecord => ({
  key,
  kind: "return",
  stage,
  openTicket,
  params: {
    reference: `#1001-R${key.slice(-1)}`,
    orderName: "#1001",
    items: [{ title: "Molinillo Baratza", quantity: 1, reason: "Defective" }],
    status: "requested",
  },
});

const rowsOf = async (shop: string) =>
  (await stack.pool.query(`SELECT key, state, stage, "hubspotTicketId", reason FROM "HubSpotTicket" WHERE shop = $1 ORDER BY key`, [shop]))
    .rows;

describe("a ticket per case", () => {
  const SHOP = "tickets-test.myshopify.com";
  let portalId: number;
  let ana: string;
  let contactId: string;

  beforeAll(async () => {
    const s = await shopWithCustomers(SHOP, ["ana@example.com"], { firstOrder: 11_001 });
    portalId = s.portal.portalId;
    ana = s.ids["ana@example.com"];
    contactId = hubspotHoldings(sandbox, portalId).contactsByEmail.get("ana@example.com")![0].id;
  });

  it("creates each ticket once, in the stage asked for, on the customer's contact, and the contact counts the cases", async () => {
    await record(
      SHOP,
      ana,
      claim("claim:00000000-0000-4000-8000-000000000001", "new"),
      aReturn("return:00000000-0000-4000-8000-000000000001", "waiting_on_us"),
      aReturn("return:00000000-0000-4000-8000-000000000002", "closed", false), // counted, no ticket
    );
    await waitForHubSpot(stack.pool, SHOP);
    const h = hubspotHoldings(sandbox, portalId);
    const [ticket] = h.ticketsByKey.get("claim:00000000-0000-4000-8000-000000000001")!;
    expect(h.ticketsByKey.get("claim:00000000-0000-4000-8000-000000000001")).toHaveLength(1);
    expect(ticket.properties).toMatchObject({
      subject: "Warranty claim 000001: Molinillo Baratza",
      hs_pipeline: "0",
      hs_pipeline_stage: "1",
    });
    expect(ticket.properties.content).toContain("Status: Submitted, waiting for review.");
    expect(ticket.properties.content).toContain("The burr stopped turning after two weeks.");
    expect(ticket.properties.content).toMatch(/\n\nPostventa ref: claim:00000000-0000-4000-8000-000000000001$/);
    expect(h.ticketContacts.get(ticket.id)).toEqual([contactId]);
    const [ret] = h.ticketsByKey.get("return:00000000-0000-4000-8000-000000000001")!;
    expect(ret.properties).toMatchObject({ subject: "Return #1001-R1 for order #1001", hs_pipeline_stage: "3" });
    expect(ret.properties.content).toContain("- 1 × Molinillo Baratza (reason: Defective)");
    expect(h.ticketsByKey.has("return:00000000-0000-4000-8000-000000000002")).toBe(false);
    expect(h.state.tickets).toHaveLength(2);

    const contact = h.contactsByEmail.get("ana@example.com")![0];
    expect(contact.properties).toMatchObject({ postventa_open_warranty_claims: "1", postventa_returns_count: "2" });
    const rows = await rowsOf(SHOP);
    expect(rows.map((r) => [r.key.split(":")[0], r.state])).toEqual([
      ["claim", "synced"],
      ["return", "synced"],
      ["return", "local"],
    ]);
    expect(rows[0].hubspotTicketId).toBe(ticket.id);
  });

  it("adds nothing when the same case is recorded again, and opens a counted case's ticket when asked", async () => {
    await waitForSyncIdle(stack.pool, SHOP);
    sandbox.resetLog();
    await record(SHOP, ana, claim("claim:00000000-0000-4000-8000-000000000001", "new"));
    await waitForHubSpot(stack.pool, SHOP);
    expect(sent(/tickets/)).toHaveLength(0);

    await record(SHOP, ana, aReturn("return:00000000-0000-4000-8000-000000000002", "waiting_on_us", true));
    await waitForHubSpot(stack.pool, SHOP);
    const h = hubspotHoldings(sandbox, portalId);
    expect(h.ticketsByKey.get("return:00000000-0000-4000-8000-000000000002")).toHaveLength(1);
    expect(h.contactsByEmail.get("ana@example.com")![0].properties.postventa_returns_count).toBe("2");
  });

  it("moves the ticket's stage on every transition, closes it, reopens it, and the open-claims count follows", async () => {
    const key = "claim:00000000-0000-4000-8000-000000000001";
    const id = hubspotHoldings(sandbox, portalId).ticketsByKey.get(key)![0].id;
    const steps: Array<[TicketRecord["stage"], Partial<WarrantyClaimParams>, string, string]> = [
      ["waiting_on_us", { status: "in_review" }, "3", "In review."],
      ["waiting_on_contact", { status: "in_review" }, "2", "In review."],
      ["waiting_on_us", { status: "approved", resolution: "replacement" }, "3", "Approved: replacement."],
      ["closed", { status: "resolved", resolution: "replacement" }, "4", "Resolved: replacement."],
    ];
    sandbox.resetLog();
    for (const [stage, params, stageId, sentence] of steps) {
      await record(SHOP, ana, claim(key, stage, params));
      await waitForHubSpot(stack.pool, SHOP);
      const tickets = hubspotHoldings(sandbox, portalId).ticketsByKey.get(key)!;
      expect(tickets.map((t) => [t.id, t.properties.hs_pipeline_stage])).toEqual([[id, stageId]]);
      expect(tickets[0].properties.content).toContain(`Status: ${sentence}`);
    }
    expect(sent(/tickets\/batch\/create/)).toHaveLength(0);
    expect(sent(/tickets\/batch\/update/).length).toBeGreaterThanOrEqual(steps.length);
    let contact = hubspotHoldings(sandbox, portalId).contactsByEmail.get("ana@example.com")![0];
    expect(contact.properties.postventa_open_warranty_claims).toBe("0");

    // Reopened: open again, and counted again.
    await record(SHOP, ana, claim(key, "new", { status: "in_review", reopened: true }));
    await waitForHubSpot(stack.pool, SHOP);
    const [reopened] = hubspotHoldings(sandbox, portalId).ticketsByKey.get(key)!;
    expect(reopened.properties.hs_pipeline_stage).toBe("1");
    expect(reopened.properties.content).toContain("Reopened by the customer.");
    contact = hubspotHoldings(sandbox, portalId).contactsByEmail.get("ana@example.com")![0];
    expect(contact.properties.postventa_open_warranty_claims).toBe("1");
  });

  it("writes only the latest of several transitions recorded between two syncs", async () => {
    const key = "claim:00000000-0000-4000-8000-000000000002";
    await record(SHOP, ana, claim(key, "new"));
    await waitForHubSpot(stack.pool, SHOP);
    await waitForSyncIdle(stack.pool, SHOP);
    sandbox.resetLog();
    // "Between two syncs": the test holds the shop's sync lock while it records, so a sync started by
    // the first record cannot run before the last (on a loaded machine one did, and wrote twice).
    // A sync that finds the lock busy asks again, and runs once the lock is free.
    const hold = await stack.pool.connect();
    await hold.query("SELECT pg_advisory_lock(7412, hashtext($1))", [SHOP]);
    try {
      for (const stage of ["waiting_on_us", "waiting_on_contact", "closed"] as const)
        await record(SHOP, ana, claim(key, stage, { status: stage === "closed" ? "rejected" : "in_review", rejectionReason: null }));
    } finally {
      await hold.query("SELECT pg_advisory_unlock(7412, hashtext($1))", [SHOP]);
      hold.release();
    }
    await waitForHubSpot(stack.pool, SHOP);
    expect(
      hubspotHoldings(sandbox, portalId)
        .ticketsByKey.get(key)!
        .map((t) => t.properties.hs_pipeline_stage),
    ).toEqual(["4"]);
    expect(sent(/tickets\/batch\/update/)).toHaveLength(1);
  });

  it("sends at most 100 tickets a request", async () => {
    sandbox.resetLog();
    const many = Array.from({ length: 250 }, (_, i) => claim(`claim:bulk-${String(i).padStart(4, "0")}`, "new"));
    await record(SHOP, ana, ...many);
    await waitForHubSpot(stack.pool, SHOP, 60_000);
    // Batches of up to 100 (the lanes share the rows out between them), each ticket in one of them.
    const creates = sent(/tickets\/batch\/create/);
    expect(Math.max(...creates.map((c) => c.inputs ?? 0))).toBeLessThanOrEqual(100);
    expect(creates.length).toBeLessThanOrEqual(6);
    expect(creates.reduce((n, c) => n + (c.inputs ?? 0), 0)).toBe(250);
    const h = hubspotHoldings(sandbox, portalId);
    for (const t of many) expect(h.ticketsByKey.get(t.key)).toHaveLength(1);
  });

  it("recognises its own ticket by the last marker, whatever the shopper wrote", async () => {
    // The shopper quotes another case's marker in their description: both tickets are still created once.
    const quoted = "claim:00000000-0000-4000-8000-00000000quot";
    const other = "claim:00000000-0000-4000-8000-00000000othr";
    await record(SHOP, ana, claim(quoted, "new", { description: `It broke. Postventa ref: ${other}` }), claim(other, "new"));
    await waitForHubSpot(stack.pool, SHOP);
    const h = hubspotHoldings(sandbox, portalId);
    expect(h.ticketsByKey.get(quoted)).toHaveLength(1);
    expect(h.ticketsByKey.get(other)).toHaveLength(1);
  });

  it("refuses a case it could not tell HubSpot about, in the caller's transaction", async () => {
    await expect(record(SHOP, ana, { ...claim("claim:bad", "new"), stage: "later" as never })).rejects.toThrow(/unknown ticket stage/);
    await expect(
      record(SHOP, ana, { ...claim("claim:bad", "new"), params: claimParams({ description: "" }) } as TicketRecord),
    ).rejects.toThrow(/params.description/);
    await expect(record(SHOP, ana, { ...aReturn("claim:00000000-0000-4000-8000-000000000001", "new") })).rejects.toThrow(
      /already recorded as a warranty_claim/,
    );
    expect((await rowsOf(SHOP)).some((r) => r.key === "claim:bad")).toBe(false);
  });
});

describe("exactly once through faults", () => {
  const SHOP = "tickets-faults.myshopify.com";
  let portalId: number;
  let ids: Record<string, string>;
  const holdingsOf = (key: string) => hubspotHoldings(sandbox, portalId).ticketsByKey.get(key) ?? [];

  beforeAll(async () => {
    const s = await shopWithCustomers(SHOP, ["lento@example.com", "borrado@example.com", "bien@example.com"], { firstOrder: 12_001 });
    portalId = s.portal.portalId;
    ids = s.ids;
  });

  it("asks HubSpot before creating again a batch whose answer was lost", async () => {
    sandbox.resetLog();
    sandbox.faults.slowAnswers(2500, /tickets\/batch\/create/); // HubSpot creates them; the answer comes after our 1.5 s timeout
    const keys = ["claim:lost-1", "claim:lost-2", "claim:lost-3"];
    await record(SHOP, ids["lento@example.com"], ...keys.map((k) => claim(k, "waiting_on_us")));
    const deadline = Date.now() + 30_000;
    while (!holdingsOf(keys[0]).length && Date.now() < deadline) await sleep(50);
    await sleep(1600); // the timeout fires: the rows stay `sending`
    expect((await rowsOf(SHOP)).filter((r) => r.state === "sending")).toHaveLength(3);
    sandbox.faults.clear();
    await waitForHubSpot(stack.pool, SHOP);
    for (const k of keys) expect(holdingsOf(k)).toHaveLength(1);
    await sleep(1000); // the sandbox logs a held answer when it finally goes out
    // Each was sent once (the lanes may share them out): found afterwards, not sent again.
    expect(sent(/tickets\/batch\/create/).reduce((n, c) => n + (c.inputs ?? 0), 0)).toBe(3);
    // Looked up on the contact (strongly consistent), never by search (eventually consistent).
    expect(sent(/associations\/contacts\/tickets\/batch\/read/).length).toBeGreaterThan(0);
    expect(sent(/search/)).toHaveLength(0);
    expect((await rowsOf(SHOP)).filter((r) => keys.includes(r.key)).map((r) => r.state)).toEqual(["synced", "synced", "synced"]);
  });

  it("waits out a create that lands after the request was given up, then finds it instead of creating it again", async () => {
    sandbox.faults.slowWrites(1700, /tickets\/batch\/create/); // applied 1.7 s after it arrives; we abort at 1.5 s
    await record(SHOP, ids["lento@example.com"], claim("claim:late-1", "new"));
    const deadline = Date.now() + 30_000;
    while (!holdingsOf("claim:late-1").length && Date.now() < deadline) await sleep(50);
    sandbox.faults.clear();
    await waitForHubSpot(stack.pool, SHOP);
    expect(holdingsOf("claim:late-1")).toHaveLength(1);
  });

  it("sends a change recorded while the ticket's create or update is in flight right after it", async () => {
    const key = "claim:in-flight-1";
    sandbox.faults.slowAnswers(800, /tickets\/batch\/(create|update)/); // answered within our 1.5 s timeout, but late
    await record(SHOP, ids["bien@example.com"], claim(key, "new"));
    const waitFor = async (check: () => Promise<boolean>) => {
      const deadline = Date.now() + 30_000;
      while (!(await check()) && Date.now() < deadline) await sleep(20);
    };
    await waitFor(async () => (await rowsOf(SHOP)).some((r) => r.key === key && r.state === "sending"));
    await record(SHOP, ids["bien@example.com"], claim(key, "waiting_on_us", { status: "in_review" }));
    expect((await rowsOf(SHOP)).find((r) => r.key === key)?.state).toBe("sending"); // stays claimed by the create
    await waitForHubSpot(stack.pool, SHOP);
    expect(holdingsOf(key).map((t) => t.properties.hs_pipeline_stage)).toEqual(["3"]);

    // The same while an update is on its way.
    sandbox.resetLog();
    await record(SHOP, ids["bien@example.com"], claim(key, "waiting_on_contact", { status: "in_review" }));
    await waitFor(async () =>
      sandbox.state(portalId).tickets.some((t) => eventIdOf(t.properties.content) === key && t.properties.hs_pipeline_stage === "2"),
    );
    await record(SHOP, ids["bien@example.com"], claim(key, "closed", { status: "rejected" }));
    await waitForHubSpot(stack.pool, SHOP);
    sandbox.faults.clear();
    expect(holdingsOf(key).map((t) => t.properties.hs_pipeline_stage)).toEqual(["4"]);
    expect((await rowsOf(SHOP)).find((r) => r.key === key)?.state).toBe("synced");
  });

  it("goes through 5xx and 429 answers on creates and updates, and writes each ticket once in its last stage", async () => {
    sandbox.resetLog();
    sandbox.faults.failNext(2, 503, { path: /tickets\/batch\/create/ });
    sandbox.faults.failNext(1, 429, { path: /tickets\/batch\/create/ });
    await record(SHOP, ids["bien@example.com"], claim("claim:fault-1", "new"), claim("claim:fault-2", "new"));
    await waitForHubSpot(stack.pool, SHOP, 60_000);
    sandbox.faults.failNext(1, 502, { path: /tickets\/batch\/update/ });
    sandbox.faults.failNext(1, 429, { path: /tickets\/batch\/update/ });
    await record(SHOP, ids["bien@example.com"], claim("claim:fault-1", "closed", { status: "resolved", resolution: "repair" }));
    await waitForHubSpot(stack.pool, SHOP, 60_000);
    expect(holdingsOf("claim:fault-1").map((t) => t.properties.hs_pipeline_stage)).toEqual(["4"]);
    expect(holdingsOf("claim:fault-2").map((t) => t.properties.hs_pipeline_stage)).toEqual(["1"]);
    expect(sent(/tickets\/batch\/(create|update)/).filter((r) => r.status === 503 || r.status === 502 || r.status === 429)).toHaveLength(5);
  });

  it("moves what HubSpot accepts from a 207, lists the ticket it no longer has, and creates it again on retry", async () => {
    await record(SHOP, ids["bien@example.com"], claim("claim:keep-1", "new"), claim("claim:deleted-1", "new"));
    await waitForHubSpot(stack.pool, SHOP);
    // The merchant deletes one of the two tickets in HubSpot.
    const gone = holdingsOf("claim:deleted-1")[0].id;
    const enc = (await stack.pool.query(`SELECT "accessTokenEnc" FROM "HubSpotConnection" WHERE shop = $1`, [SHOP])).rows[0].accessTokenEnc;
    const { decryptSecret } = await import("../app/secrets.server.ts");
    const token = decryptSecret(enc, { shop: SHOP, field: "HubSpotConnection.accessToken" });
    await fetch(`${sandbox.url}/crm/v3/objects/tickets/${gone}`, { method: "DELETE", headers: { Authorization: `Bearer ${token}` } });
    await waitForSyncIdle(stack.pool, SHOP);
    sandbox.resetLog();
    await record(SHOP, ids["bien@example.com"], claim("claim:keep-1", "waiting_on_us"), claim("claim:deleted-1", "waiting_on_us"));
    await waitForHubSpot(stack.pool, SHOP);
    expect(holdingsOf("claim:keep-1").map((t) => t.properties.hs_pipeline_stage)).toEqual(["3"]);
    expect(holdingsOf("claim:deleted-1")).toHaveLength(0);
    // Refused inside the batch, then sent alone to learn why; refused alone, it is listed and left.
    expect(sent(/tickets\/batch\/update/).map((c) => [c.inputs, c.status])).toEqual([
      [2, 207],
      [1, 404],
    ]);
    const s = await status.hubspotStatus(SHOP);
    expect(s.failures).toContainEqual(
      expect.objectContaining({ type: "ticket", what: "claim:deleted-1", reason: expect.stringMatching(/no longer has this ticket/) }),
    );
    await sleep(1000);
    expect(sent(/tickets\/batch/)).toHaveLength(2); // not retried without the merchant

    await status.retryFailures(SHOP);
    await waitForHubSpot(stack.pool, SHOP);
    expect(holdingsOf("claim:deleted-1").map((t) => t.properties.hs_pipeline_stage)).toEqual(["3"]);
    expect((await status.hubspotStatus(SHOP)).failures).toEqual([]);
  });

  it("survives a worker killed while HubSpot creates its batch: nothing lost, nothing twice", async () => {
    await waitForSyncIdle(stack.pool, SHOP);
    await stack.stopWorker();
    const keys = Array.from({ length: 150 }, (_, i) => `claim:kill-${String(i).padStart(3, "0")}`);
    await record(SHOP, ids["lento@example.com"], ...keys.map((k) => claim(k, "waiting_on_us")));
    sandbox.faults.slowAnswers(3000, /tickets\/batch\/create/); // HubSpot creates at once, answers 3 s later
    const spawn = () => {
      const child = spawnWorkerProcess(stack.databaseUrl, { logLevel: "warn", stdio: "ignore", tuning: TUNING });
      workers.push(child);
      return child;
    };
    const first = spawn();
    const deadline = Date.now() + 60_000;
    while (!keys.some((k) => holdingsOf(k).length) && Date.now() < deadline) await sleep(20);
    first.kill("SIGKILL");
    await new Promise((r) => first.once("exit", r));
    expect((await rowsOf(SHOP)).filter((r) => r.state === "sending").length).toBeGreaterThan(0);
    sandbox.faults.clear();
    const second = spawn();
    await waitForHubSpot(stack.pool, SHOP, 120_000);
    second.kill("SIGKILL");
    await new Promise((r) => second.once("exit", r));
    await stack.startWorker();
    for (const k of keys) expect(holdingsOf(k), k).toHaveLength(1);
    const rows = (await rowsOf(SHOP)).filter((r) => keys.includes(r.key));
    expect(rows.every((r) => r.state === "synced")).toBe(true);
  }, 180_000);
});

describe("on hold while the account cannot take tickets", () => {
  it("waits without the tickets scope (private app) and says so, then sends after connecting with it", async () => {
    const SHOP = "tickets-noscope.myshopify.com";
    const { portal, ids } = await shopWithCustomers(SHOP, ["sin@example.com"], { scopes: CONTACT_SCOPES, firstOrder: 13_001 });
    await record(SHOP, ids["sin@example.com"], claim("claim:noscope-1", "new"));
    await waitForHubSpot(stack.pool, SHOP);
    let s = await status.hubspotStatus(SHOP);
    expect(s.connection?.state).toBe("active"); // contacts and notes go on
    expect(s.tickets).toMatchObject({ waiting: "scopes", reason: expect.stringMatching(/tickets/) });
    expect(s.tickets.retryAt).not.toBeNull();
    expect(s.backlog.tickets).toBe(1);
    expect(hubspotHoldings(sandbox, portal.portalId).state.tickets).toHaveLength(0);
    const contact = hubspotHoldings(sandbox, portal.portalId).contactsByEmail.get("sin@example.com")![0];
    expect(contact.properties.postventa_open_warranty_claims).toBe("1");
    // This portal's ticket requests only: the earlier tests' shops may still be syncing theirs.
    const mine = () => sent(/tickets/).filter((r) => r.portalId === portal.portalId).length;
    const before = mine();
    await connection.sweep(); // the sweep does not come back for tickets on hold
    await sleep(800);
    expect(mine()).toBe(before);

    // The merchant gives the private app the scope (a new token here) and connects again.
    const full = sandbox.addPrivateApp(portal.portalId);
    await connection.connectPrivateApp(SHOP, full.privateAppToken, 190);
    await waitForHubSpot(stack.pool, SHOP);
    s = await status.hubspotStatus(SHOP);
    expect(s.tickets.waiting).toBeNull();
    expect(hubspotHoldings(sandbox, portal.portalId).ticketsByKey.get("claim:noscope-1")).toHaveLength(1);
  });

  it("knows an OAuth connection approved without tickets, asks HubSpot nothing, and sends once approved", async () => {
    const SHOP = "tickets-oauth.myshopify.com";
    await stack.installShop(SHOP);
    const portal = sandbox.createPortal({ rollingLimit: 110 });
    const first = await approveOAuth(connection, sandbox, SHOP, portal.portalId);
    await connection.completeOAuth(SHOP, first.code);
    await deliver(stack.url, SHOP, "orders/paid", paidOrder(14_001n, { id: 14_002n, email: "oauth@example.com" }));
    await waitForHubSpot(stack.pool, SHOP);
    const { rows } = await stack.pool.query(`SELECT id FROM "Customer" WHERE shop = $1`, [SHOP]);
    sandbox.resetLog();
    await record(SHOP, rows[0].id, claim("claim:oauth-1", "new"));
    await waitForHubSpot(stack.pool, SHOP);
    const s = await status.hubspotStatus(SHOP);
    expect(s.tickets).toMatchObject({ waiting: "scopes", retryAt: null, reason: expect.stringMatching(/Connect with HubSpot again/) });
    expect(sent(/tickets|pipelines/)).toHaveLength(0);

    const again = await approveOAuth(connection, sandbox, SHOP, portal.portalId, { extraScopes: ["tickets"] });
    await connection.completeOAuth(SHOP, again.code);
    await waitForHubSpot(stack.pool, SHOP);
    expect((await status.hubspotStatus(SHOP)).tickets.waiting).toBeNull();
    expect(hubspotHoldings(sandbox, portal.portalId).ticketsByKey.get("claim:oauth-1")).toHaveLength(1);
  });

  it("waits, naming the stage, when the pipeline lacks one of ours, and uses the pipeline the connection names", async () => {
    const SHOP = "tickets-pipeline.myshopify.com";
    const { portal, ids } = await shopWithCustomers(SHOP, ["pipe@example.com"], { firstOrder: 15_001 });
    sandbox.setTicketPipelines(portal.portalId, [
      {
        id: "0",
        label: "Support Pipeline",
        stages: [
          { id: "1", label: "New" },
          { id: "2", label: "Waiting on contact" },
          { id: "4", label: "Closed", closed: true },
        ],
      },
      {
        id: "880",
        label: "After-sales",
        stages: [
          { id: "8801", label: "Received" },
          { id: "8802", label: "With the customer" },
          { id: "8803", label: "With us" },
          { id: "8804", label: "Done", closed: true },
        ],
      },
    ]);
    await record(SHOP, ids["pipe@example.com"], claim("claim:pipe-1", "waiting_on_us"));
    await waitForHubSpot(stack.pool, SHOP);
    const s = await status.hubspotStatus(SHOP);
    expect(s.tickets.waiting).toBe("pipeline");
    expect(s.tickets.reason).toContain(`has no stage "3" (for waiting on us)`);
    expect(hubspotHoldings(sandbox, portal.portalId).state.tickets).toHaveLength(0);

    // The account's own pipeline, named on the connection; looked at again when it is due.
    await stack.pool.query(`UPDATE "HubSpotConnection" SET "ticketPipeline" = $2, "ticketsRetryAt" = now() WHERE shop = $1`, [
      SHOP,
      JSON.stringify({ pipelineId: "880", stages: { new: "8801", waiting_on_contact: "8802", waiting_on_us: "8803", closed: "8804" } }),
    ]);
    await connection.sweep();
    await waitForHubSpot(stack.pool, SHOP);
    expect((await status.hubspotStatus(SHOP)).tickets.waiting).toBeNull();
    expect(
      hubspotHoldings(sandbox, portal.portalId)
        .ticketsByKey.get("claim:pipe-1")!
        .map((t) => t.properties),
    ).toEqual([expect.objectContaining({ hs_pipeline: "880", hs_pipeline_stage: "8803" })]);
  });
});

describe("customers/redact", () => {
  it("archives the tickets Postventa wrote on a redacted customer's contact, and forgets their cases", async () => {
    const SHOP = "tickets-redact.myshopify.com";
    const { portal, ids } = await shopWithCustomers(SHOP, ["olvido@example.com", "queda@example.com"], { firstOrder: 16_001 });
    await record(SHOP, ids["olvido@example.com"], claim("claim:redact-1", "new"));
    await record(SHOP, ids["queda@example.com"], claim("claim:stays-1", "new"));
    await waitForHubSpot(stack.pool, SHOP);
    expect(hubspotHoldings(sandbox, portal.portalId).state.tickets).toHaveLength(2);
    await deliver(stack.url, SHOP, "customers/redact", {
      shop_id: 1,
      shop_domain: SHOP,
      customer: { id: 1_016_001, email: "olvido@example.com", phone: null },
      orders_to_redact: [16_001],
    });
    const deadline = Date.now() + 30_000;
    while (hubspotHoldings(sandbox, portal.portalId).ticketsByKey.has("claim:redact-1") && Date.now() < deadline) await sleep(100);
    const h = hubspotHoldings(sandbox, portal.portalId);
    expect(h.ticketsByKey.has("claim:redact-1")).toBe(false);
    expect(h.ticketsByKey.get("claim:stays-1")).toHaveLength(1);
    expect((await rowsOf(SHOP)).map((r) => r.key)).toEqual(["claim:stays-1"]);
  });
});
