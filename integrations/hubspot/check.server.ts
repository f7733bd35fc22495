// `npm run hubspot:check`: checks, against a real HubSpot account (a developer test account), every
// behaviour the sync relies on, through the same functions the sync uses. One line per check,
// `PASS <name>` or `FAIL <name>: <why>` (`SKIP <name>: <why>` for the ticket checks when the token
// lacks the optional tickets scope); it deletes the contact, note and ticket it wrote. The contact
// property group and properties it creates stay: they are the app's own definitions, the ones
// connecting a shop creates anyway. Talks to HubSpot only (no database).
import { randomBytes } from "node:crypto";
import {
  accountDetails,
  archiveContact,
  archiveNote,
  archiveTickets,
  createNotes,
  createTickets,
  pipelineProblem,
  ticketPipeline,
  ticketsOnContacts,
  ensureContactProperties,
  HubSpotFailure,
  hubspotClient,
  notesOnContacts,
  postventaContactProperties,
  rateLimitHeaders,
  writeContacts,
} from "./client.server";
import { CONTACT_PROPERTIES, DEFAULT_TICKET_PIPELINE, PROPERTY_GROUP } from "./properties";

export type CheckLog = (line: string) => void;

const HINTS: Partial<Record<HubSpotFailure["kind"], string>> = {
  auth: "HubSpot does not accept this token (revoked, mistyped, or not a private app token)",
  scopes: "the private app lacks a scope: it needs crm.objects.contacts.read/write and crm.schemas.contacts.read/write",
  daily_limit: "the account's daily API limit is spent; try again tomorrow",
  rate_limited: "the account's 10-second limit is spent; try again in a moment",
};
function why(e: unknown): string {
  if (e instanceof HubSpotFailure) {
    const answer = `${e.message}${e.status ? ` (HTTP ${e.status})` : ""}`;
    const hint = HINTS[e.kind];
    return hint ? `${hint}: ${answer}` : answer;
  }
  return e instanceof Error ? e.message : String(e);
}

/** Runs every check once and says whether all passed. */
export async function runHubSpotCheck(token: string, log: CheckLog = console.log): Promise<boolean> {
  const client = hubspotClient(token);
  let allPassed = true;
  const pass = (name: string, detail?: string) => log(`PASS ${name}${detail ? ` (${detail})` : ""}`);
  const fail = (name: string, reason: string) => {
    allPassed = false;
    log(`FAIL ${name}: ${reason}`);
  };
  // Runs a check unless one it needs failed; returns its value, or undefined when it failed.
  async function check<T>(name: string, needs: unknown, run: () => Promise<{ value: T; detail?: string } | string>) {
    if (needs === undefined) {
      fail(name, "not run: a check it depends on failed");
      return undefined;
    }
    try {
      const outcome = await run();
      if (typeof outcome === "string") {
        fail(name, outcome);
        return undefined;
      }
      pass(name, outcome.detail);
      return outcome.value;
    } catch (e) {
      fail(name, why(e));
      return undefined;
    }
  }

  const account = await check("token", true, async () => {
    const a = await accountDetails(client);
    return { value: a, detail: `portal ${a.portalId}, time zone ${a.timeZone ?? "not given"}` };
  });

  const properties = await check("contact properties", account, async () => {
    const created = await ensureContactProperties(client);
    const again = await ensureContactProperties(client);
    if (again.length) return `a second run created ${again.join(", ")} again`;
    const held = await postventaContactProperties(client);
    const wrong = CONTACT_PROPERTIES.filter(
      (p) => held.get(p.name)?.type !== p.type || held.get(p.name)?.groupName !== PROPERTY_GROUP.name,
    );
    if (wrong.length)
      return `HubSpot holds ${wrong.map((p) => `${p.name} as ${JSON.stringify(held.get(p.name) ?? null)}`).join(", ")}, not as defined`;
    return { value: true, detail: `${created.length} created, ${CONTACT_PROPERTIES.length} present, a second run created none` };
  });

  const email = `postventa-check-${randomBytes(6).toString("hex")}@example.com`;
  const contactId = await check("contact upsert by email", properties, async () => {
    const out = await writeContacts(client, [
      { email, properties: { email, postventa_orders_count: "1", postventa_nps_category: "promoter" } },
    ]);
    const id = out.written.get(email);
    if (!id) return `HubSpot did not upsert ${email}: ${out.errors.map((e) => e.message).join("; ") || "no result"}`;
    return { value: id, detail: `${email} is contact ${id}` };
  });

  const eventId = `check-${randomBytes(6).toString("hex")}`;
  const noteId = await check("note with association 202 and marker", contactId, async () => {
    const out = await createNotes(client, [
      { eventId, contactId: contactId!, timestamp: new Date(), body: "<p>Postventa self-check: this note is deleted at once.</p>" },
    ]);
    const id = out.written.get(eventId);
    if (!id)
      return `the note was not created, or came back without our marker: ${out.errors.map((e) => e.message).join("; ") || "no result"}`;
    return { value: id, detail: `note ${id}` };
  });

  await check("consistent note lookup", noteId, async () => {
    const found = await notesOnContacts(client, [contactId!]);
    const id = found.get(eventId);
    if (id !== noteId) return `the contact's note associations and a batch read did not find note ${noteId} (event ${eventId}) right away`;
    return { value: true, detail: `found ${eventId} as note ${id}` };
  });

  // Tickets need the optional `tickets` scope: without it, these checks are skipped, not failed.
  const pipelineOk = await check("ticket pipeline", account, async () => {
    const found = await ticketPipeline(client, DEFAULT_TICKET_PIPELINE.pipelineId);
    const problem = pipelineProblem(DEFAULT_TICKET_PIPELINE, found);
    if (problem) return `${problem} Name this account's pipeline and stages on its connection (decision 0014).`;
    return {
      value: true,
      detail: `pipeline "${found!.label}" (${found!.id}) has stages ${Object.values(DEFAULT_TICKET_PIPELINE.stages).join(", ")}`,
    };
  });
  const ticketKey = `check-${randomBytes(6).toString("hex")}`;
  const ticketCheck = "ticket with association 16 and marker";
  let ticketId: string | undefined;
  let ticketsSkipped = false;
  if (!contactId || !pipelineOk) fail(ticketCheck, "not run: a check it depends on failed");
  else {
    try {
      const out = await createTickets(client, [
        {
          key: ticketKey,
          contactId,
          properties: {
            subject: "Postventa self-check",
            content: "This ticket is deleted at once.",
            hs_pipeline: DEFAULT_TICKET_PIPELINE.pipelineId,
            hs_pipeline_stage: DEFAULT_TICKET_PIPELINE.stages.new,
          },
        },
      ]);
      ticketId = out.written.get(ticketKey);
      if (ticketId) pass(ticketCheck, `ticket ${ticketId}`);
      else
        fail(
          ticketCheck,
          `the ticket was not created, or came back without our marker: ${out.errors.map((e) => e.message).join("; ") || "no result"}`,
        );
    } catch (e) {
      if (!(e instanceof HubSpotFailure && e.kind === "scopes")) fail(ticketCheck, why(e));
      else {
        ticketsSkipped = true;
        log(`SKIP ${ticketCheck}: the token lacks the optional "tickets" scope`);
      }
    }
  }
  if (ticketsSkipped) log(`SKIP consistent ticket lookup: the token lacks the optional "tickets" scope`);
  else
    await check("consistent ticket lookup", ticketId, async () => {
      const found = await ticketsOnContacts(client, [contactId!]);
      if (found.get(ticketKey) !== ticketId)
        return `the contact's ticket associations and a batch read did not find ticket ${ticketId} (key ${ticketKey}) right away`;
      return { value: true, detail: `found ${ticketKey} as ticket ${ticketId}` };
    });

  await check("rate-limit headers", account, async () => {
    const h = await rateLimitHeaders(token);
    const missing = (
      [
        ["X-HubSpot-RateLimit-Max", h.max],
        ["X-HubSpot-RateLimit-Remaining", h.remaining],
        ["X-HubSpot-RateLimit-Interval-Milliseconds", h.intervalMs],
      ] as const
    ).filter(([, v]) => v === null || !/^\d+$/.test(v));
    if (missing.length) return `missing or not a number: ${missing.map(([n]) => n).join(", ")}`;
    return { value: true, detail: `max ${h.max} per ${h.intervalMs} ms, ${h.remaining} remaining` };
  });

  // Whatever was written is deleted, whichever checks failed.
  const problems: string[] = [];
  if (ticketId) await archiveTickets(client, [ticketId]).catch((e) => problems.push(`ticket ${ticketId}: ${why(e)}`));
  if (noteId) await archiveNote(client, noteId).catch((e) => problems.push(`note ${noteId}: ${why(e)}`));
  if (contactId) await archiveContact(client, contactId).catch((e) => problems.push(`contact ${contactId}: ${why(e)}`));
  if (problems.length) fail("cleanup", `could not delete ${problems.join("; ")}`);
  else
    pass(
      "cleanup",
      contactId ? `deleted ${ticketId ? "the ticket, " : ""}${noteId ? "the note and " : ""}the contact` : "nothing was written",
    );

  return allPassed;
}
