// Drains a shop's HubSpot outbox into its HubSpot account.
//
// One sync per shop at a time, across processes: the run holds a session advisory lock, which
// Postgres releases by itself if the process dies. Each request takes a slot of the account's
// rolling budget first (budget.server.ts). A run works in a few lanes at once; each takes a batch
// of up to 100 contacts if any wait, else up to 100 notes, else up to 100 tickets, whose contact
// HubSpot already holds.
//
// Never twice: before a batch of notes or of new tickets is sent its rows are marked `sending`. If
// the answer is lost (timeout, dropped connection, a killed worker), those rows stay `sending`, and
// the next run asks HubSpot which of their keys it already holds before sending the rest again.
import { setTimeout as sleep } from "node:timers/promises";
import type { HubSpotConnection } from "@prisma/client";
import prisma, { pool } from "../db.server";
import { log } from "../log.server";
import { contactProperties } from "../domain/customer-profile";
import { lifecycleProfiles } from "../lifecycle/profile.server";
import type { OrderFacts, RefundFacts } from "../domain/facts";
import { renderTicket, type TicketCase, type TicketStage } from "../domain/tickets";
import {
  createNotes,
  createTickets,
  notesOnContacts,
  pipelineProblem,
  ticketPipeline,
  ticketsOnContacts,
  uncertainAfterMs,
  updateTickets,
  archiveNotes,
  archiveTickets,
  clearPostventaProperties,
  ensureContactProperties,
  HubSpotFailure,
  hubspotClient,
  writeContacts,
  type BatchOutcome,
  type ContactWrite,
  type TicketWrite,
} from "../../integrations/hubspot/client.server";
import { DEFAULT_TICKET_PIPELINE, type TicketPipeline } from "../../integrations/hubspot/properties";
import { accessTokenFor, accountKey, refresh, requestSync } from "./connection.server";
import { takeRequestSlot } from "./budget.server";
import { tuning } from "./tuning.server";
import { placedTiers } from "../loyalty/tiers.server";
import { feedbackProfiles } from "../feedback/surveys.server";

export interface SyncRun {
  outcome: "done" | "busy" | "not_connected" | "paused" | "retry_later";
  contacts: number;
  notes: number;
  tickets: number;
  requests: number;
  rateLimited: number;
}

export async function syncShop(shop: string): Promise<SyncRun> {
  const lockClient = await pool.connect();
  const run: SyncRun = { outcome: "done", contacts: 0, notes: 0, tickets: 0, requests: 0, rateLimited: 0 };
  try {
    const { rows } = await lockClient.query<{ ok: boolean }>("SELECT pg_try_advisory_lock(7412, hashtext($1)) AS ok", [shop]);
    if (!rows[0].ok) {
      await requestSync(shop); // the running sync may finish just before our rows: look again shortly
      return { ...run, outcome: "busy" };
    }
    try {
      run.outcome = await drain(shop, run);
    } finally {
      await lockClient.query("SELECT pg_advisory_unlock(7412, hashtext($1))", [shop]);
    }
    return run;
  } finally {
    lockClient.release();
  }
}

// Contacts and ticket updates a lane of this run is writing (the run holds the shop's lock, so
// memory is enough; one written twice by a stale read is harmless: both writes are idempotent).
// Notes and new tickets are claimed in the database instead (claimNotes, claimTicketCreates),
// because one written twice is a duplicate.
interface Claims {
  contacts: Set<string>;
  written: Map<string, number>; // customer → version written in this pass: a stale read must not write it again
  tickets: Set<string>;
  ticketTarget?: Promise<TicketPipeline | null>; // read once a pass, when tickets are to be written; null: they wait
  busy: number;
  failed?: boolean; // a lane threw: the others stop
}

async function drain(shop: string, run: SyncRun): Promise<SyncRun["outcome"]> {
  for (;;) {
    // Redacted customers' contacts are cleared first, then notes left `sending` by a killed run, or
    // by a lane whose answer was lost, are looked up before anything is sent.
    const erased = await lane(shop, run, (ctx) => eraseRedacted(ctx));
    if (erased !== "done") return erased;
    const recovered = await lane(shop, run, (ctx) => recoverUncertainNotes(ctx));
    if (recovered !== "done") return recovered;
    const recoveredTickets = await lane(shop, run, (ctx) => recoverUncertainTickets(ctx));
    if (recoveredTickets !== "done") return recoveredTickets;
    const claims: Claims = { contacts: new Set(), written: new Map(), tickets: new Set(), busy: 0 };
    // Every lane ends before the run does (and before the shop's lock is released): one that fails
    // stops the others at their next step instead of leaving them sending unsupervised.
    const settled = await Promise.allSettled(
      Array.from({ length: tuning.lanes }, () =>
        lane(
          shop,
          run,
          async (ctx) => (await writeContactBatch(ctx, claims)) || (await writeNoteBatch(ctx)) || (await writeTicketBatch(ctx, claims)),
          claims,
        ).catch((e) => {
          claims.failed = true;
          throw e;
        }),
      ),
    );
    const failure = settled.find((r) => r.status === "rejected");
    if (failure) throw failure.reason;
    const outcomes = settled.map((r) => (r as PromiseFulfilledResult<SyncRun["outcome"]>).value);
    const stopped = outcomes.find((o) => o !== "done");
    if (stopped) return stopped;
    // Sends still uncertain, and erasures: done once HubSpot can no longer be applying a send.
    // (Tickets left `sending` while tickets wait are looked up once they no longer wait.)
    const { rows: uncertain } = await pool.query<{ waitMs: number | null }>(
      `SELECT ceil(extract(epoch FROM (least(
                (SELECT min("sendingAt") + $2 * interval '1 millisecond' FROM "HubSpotInteraction" WHERE shop = $1 AND state = 'sending'),
                (SELECT min(t."sendingAt") + $2 * interval '1 millisecond' FROM "HubSpotTicket" t
                  WHERE t.shop = $1 AND t.state = 'sending' AND ${TICKETS_NOT_WAITING}),
                (SELECT min("notBefore") FROM "HubSpotErasure" WHERE shop = $1)) - now())) * 1000)::int AS "waitMs"`,
      [shop, uncertainAfterMs()],
    );
    const waitMs = uncertain[0].waitMs;
    if (waitMs !== null && waitMs <= 0) continue;
    if (waitMs !== null) {
      await requestSync(shop, waitMs + 100);
      return "retry_later";
    }
    const conn = await prisma.hubSpotConnection.findUnique({ where: { shop } });
    if (!conn) return "not_connected";
    // Only an active connection: a pause set meanwhile (by another process) keeps its message.
    await prisma.hubSpotConnection.updateMany({
      where: { shop, state: "active" },
      data: { lastSyncAt: new Date(), lastError: null, backfillFinishedAt: conn.backfillFinishedAt ?? new Date() },
    });
    return "done";
  }
}

// Runs `step` until it finds nothing to do (and, with claims, no other lane is still working),
// handling HubSpot's answers that concern the whole account.
async function lane(shop: string, run: SyncRun, step: (ctx: Ctx) => Promise<boolean>, claims?: Claims): Promise<SyncRun["outcome"]> {
  let transientInARow = 0;
  let refreshed = false;
  for (;;) {
    if (claims?.failed) return "done";
    const conn = await prisma.hubSpotConnection.findUnique({ where: { shop } });
    if (!conn) return "not_connected";
    if (conn.state === "paused") {
      if (conn.pausedReason !== "daily_limit" || !conn.pausedUntil || conn.pausedUntil > new Date()) return "paused";
      await prisma.hubSpotConnection.updateMany({
        where: { shop, state: "paused" },
        data: { state: "active", pausedReason: null, pausedUntil: null, lastError: null },
      });
    }
    let token = "";
    try {
      token = await accessTokenFor(conn);
      const ctx: Ctx = { conn, run, client: hubspotClient(token) };
      if (claims) claims.busy++;
      let worked: boolean;
      try {
        worked = await step(ctx);
      } finally {
        if (claims) claims.busy--;
      }
      transientInARow = 0;
      refreshed = false;
      if (!worked) {
        // Another lane may be writing the contacts our notes wait for.
        if (claims && claims.busy > 0) {
          await sleep(25);
          continue;
        }
        return "done";
      }
    } catch (e) {
      if (!(e instanceof HubSpotFailure)) throw e;
      switch (e.kind) {
        case "rate_limited":
          // Another app on the account, or a clock edge: HubSpot asks for a pause, not a failure.
          run.rateLimited++;
          await sleep(1000);
          continue;
        case "daily_limit": {
          const until = nextMidnight(conn.timeZone);
          await pause(
            shop,
            "daily_limit",
            `HubSpot's daily API limit for this account is used up. Sync resumes at ${until.toISOString()}.`,
            until,
          );
          await requestSync(shop, 0, until);
          return "paused";
        }
        case "auth":
          if (conn.authType === "oauth" && !refreshed) {
            refreshed = true;
            try {
              await refresh(shop, token);
              continue;
            } catch (r) {
              if (!(r instanceof HubSpotFailure) || r.kind !== "auth") throw r;
              e.message = r.message;
            }
          } else if (conn.authType === "oauth") {
            // Refused again with a token just refreshed: HubSpot's 401 text would not tell the merchant what to do.
            e.message =
              "HubSpot refused Postventa's access even after renewing it (the app was uninstalled or its access revoked). Connect with HubSpot again.";
          }
          await pause(
            shop,
            "auth",
            conn.authType === "oauth"
              ? e.message
              : "HubSpot no longer accepts the private app token (expired, rotated or deleted). Paste a new one.",
          );
          return "paused";
        case "scopes":
          await pause(shop, "scopes", `HubSpot refused a call for a missing scope: ${e.message}`);
          return "paused";
        case "transient":
        case "invalid": // a whole request refused for a reason that is not the inputs' (they were checked one by one)
          transientInARow++;
          await prisma.hubSpotConnection.update({ where: { shop }, data: { lastError: e.message.slice(0, 500) } });
          log.warn("hubspot sync: request failed, backing off", { shop, error: e.message.slice(0, 200), inARow: transientInARow });
          if (transientInARow >= tuning.maxTransientInARow) {
            // A longer outage: give the worker back and come again in a minute.
            await requestSync(shop, 60_000);
            return "retry_later";
          }
          await sleep(Math.min(30_000, 250 * 2 ** transientInARow));
          continue;
      }
    }
  }
}

async function pause(shop: string, reason: string, message: string, until?: Date) {
  // updateMany: a shop disconnected meanwhile has no row left to pause; a pause another lane set
  // first keeps its message (it is the one closest to the cause).
  await prisma.hubSpotConnection.updateMany({
    where: { shop, state: "active" },
    data: { state: "paused", pausedReason: reason, pausedUntil: until ?? null, lastError: message },
  });
  log.warn("hubspot sync paused", { shop, reason });
}

// HubSpot's daily budget resets at midnight in the account's time zone.
export function nextMidnight(timeZone: string | null, now = new Date()): Date {
  const tz = timeZone || "UTC";
  const parts = new Intl.DateTimeFormat("en-US", {
    timeZone: tz,
    hourCycle: "h23",
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
    second: "2-digit",
  })
    .formatToParts(now)
    .reduce<Record<string, number>>((acc, p) => (p.type === "literal" ? acc : { ...acc, [p.type]: Number(p.value) }), {});
  const localAsUtc = Date.UTC(parts.year, parts.month - 1, parts.day, parts.hour, parts.minute, parts.second);
  const offset = localAsUtc - Math.floor(now.getTime() / 1000) * 1000;
  return new Date(Date.UTC(parts.year, parts.month - 1, parts.day + 1) - offset);
}

// ----------------------------------------------------------------------------------------------
// Steps: recover uncertain notes; write a batch of contacts; write a batch of notes
// ----------------------------------------------------------------------------------------------

type Ctx = { conn: HubSpotConnection; run: SyncRun; client: ReturnType<typeof hubspotClient> };

async function takeSlot(ctx: Ctx): Promise<void> {
  await takeRequestSlot(accountKey(ctx.conn), ctx.conn.rollingLimit);
  ctx.run.requests++;
}

async function send<T>(ctx: Ctx, work: () => Promise<T>): Promise<T> {
  await takeSlot(ctx);
  return work();
}

// Back to the queue: HubSpot did not write them (or recovery found they are not there).
async function releaseNotes(ids: string[]) {
  await pool.query(`UPDATE "HubSpotInteraction" SET state = 'pending', "sendingAt" = NULL WHERE id = ANY($1::bigint[])`, [ids]);
}

// A redacted customer's contact: the notes Postventa wrote on it (found by their marker) are
// deleted and Postventa's properties emptied; the contact stays, it is the merchant's. An erasure
// recorded for another HubSpot account than the one connected now cannot be carried out: dropped.
async function eraseRedacted(ctx: Ctx): Promise<boolean> {
  const { rows } = await pool.query<{ id: string; contactId: string; portalId: string }>(
    `SELECT id::text, "contactId", "portalId" FROM "HubSpotErasure" WHERE shop = $1 AND "notBefore" <= now() ORDER BY id LIMIT 100`,
    [ctx.conn.shop],
  );
  if (!rows.length) return false;
  const contactIds = [...new Set(rows.filter((r) => r.portalId === ctx.conn.portalId).map((r) => r.contactId))];
  if (contactIds.length) {
    const noteIds = [...(await notesOnContacts(ctx.client, contactIds, () => takeSlot(ctx))).values()];
    for (let i = 0; i < noteIds.length; i += 100) await send(ctx, () => archiveNotes(ctx.client, noteIds.slice(i, i + 100)));
    // Our tickets on them too, when the account takes tickets (without the scope none were written).
    if (ctx.conn.ticketsWaiting !== "scopes") {
      try {
        const ticketIds = [...(await ticketsOnContacts(ctx.client, contactIds, () => takeSlot(ctx))).values()];
        for (let i = 0; i < ticketIds.length; i += 100) await send(ctx, () => archiveTickets(ctx.client, ticketIds.slice(i, i + 100)));
      } catch (e) {
        if (!(e instanceof HubSpotFailure && e.kind === "scopes")) throw e;
      }
    }
    try {
      await send(ctx, () => clearPostventaProperties(ctx.client, contactIds));
    } catch (e) {
      // The merchant deleted the contact meanwhile: nothing of ours is left on it.
      if (!(e instanceof HubSpotFailure && e.kind === "invalid")) throw e;
    }
  }
  await pool.query(`DELETE FROM "HubSpotErasure" WHERE id = ANY($1::bigint[])`, [rows.map((r) => r.id)]);
  return true;
}

// Notes marked `sending` whose answer never came (a timeout, a 5xx, a killed worker), once HubSpot
// can no longer be applying them: the ones HubSpot holds are marked synced, the rest go back to
// the queue. Notes are looked up on their contacts (strongly consistent reads), never by search.
async function recoverUncertainNotes(ctx: Ctx): Promise<boolean> {
  const { rows } = await pool.query<{ id: string; key: string; contactId: string | null }>(
    `SELECT i.id::text, i.key, s."hubspotContactId" AS "contactId"
       FROM "HubSpotInteraction" i LEFT JOIN "HubSpotContactSync" s ON s."customerId" = i."customerId"
      WHERE i.shop = $1 AND i.state = 'sending' AND i."sendingAt" <= now() - $2 * interval '1 millisecond'
      ORDER BY i.id LIMIT $3`,
    [ctx.conn.shop, uncertainAfterMs(), tuning.batchSize],
  );
  if (!rows.length) return false;
  const contactIds = [...new Set(rows.filter((r) => r.contactId).map((r) => r.contactId!))];
  const found = contactIds.length ? await notesOnContacts(ctx.client, contactIds, () => takeSlot(ctx)) : new Map<string, string>();
  const held = rows.filter((r) => found.has(r.key));
  await markNotesSynced(
    ctx,
    held.map((r) => r.id),
    held.map((r) => found.get(r.key)!),
  );
  await releaseNotes(rows.filter((r) => !found.has(r.key)).map((r) => r.id));
  return true;
}

// ----------------------------------------------------------------------------------------------
// Contacts
// ----------------------------------------------------------------------------------------------

interface ContactRow {
  customerId: string;
  version: number;
  attempts: number;
  hubspotContactId: string | null;
  syncedEmail: string | null;
  syncedPortalId: string | null;
  email: string | null;
  firstName: string | null;
  lastName: string | null;
}

async function writeContactBatch(ctx: Ctx, claims: Claims): Promise<boolean> {
  const shop = ctx.conn.shop;
  // Inputs HubSpot refused inside a batch go alone next time, so its answer is about them only.
  const claim = (rows: ContactRow[]) =>
    rows.filter(
      (r) => !claims.contacts.has(r.customerId) && (claims.written.get(r.customerId) ?? 0) < r.version && claims.contacts.add(r.customerId),
    );
  let rows = claim(await pendingContacts(shop, "s.attempts = 0", tuning.batchSize, claims.contacts));
  if (!rows.length) rows = claim(await pendingContacts(shop, "s.attempts > 0", 1, claims.contacts));
  if (!rows.length) return false;
  try {
    await writeContactRows(ctx, rows, claims.written);
  } finally {
    for (const r of rows) claims.contacts.delete(r.customerId);
  }
  return true;
}

async function writeContactRows(ctx: Ctx, rows: ContactRow[], writtenInPass: Map<string, number>): Promise<void> {
  const shop = ctx.conn.shop;

  const noEmail = rows.filter((r) => !r.email);
  for (const r of noEmail) {
    await pool.query(
      `UPDATE "HubSpotContactSync" SET state = 'skipped', reason = 'No email address: HubSpot contacts are matched by email.', "syncedVersion" = $2 WHERE "customerId" = $1 AND version = $2`,
      [r.customerId, r.version],
    );
  }
  // One input per email in a batch (HubSpot refuses duplicates); a second one waits for the next.
  const seen = new Set<string>();
  const candidates = rows.filter((r) => r.email && !seen.has(r.email.toLowerCase()) && seen.add(r.email.toLowerCase()));
  if (!candidates.length) return;
  const properties = await profiles(shop, candidates);
  // A contact written before keeps its id, so a changed email updates it rather than making another.
  const known = (r: ContactRow) =>
    r.hubspotContactId && r.syncedPortalId === ctx.conn.portalId && r.syncedEmail?.toLowerCase() !== r.email!.toLowerCase();
  const byId = candidates.filter(known);
  const byEmail = candidates.filter((r) => !known(r));
  for (const group of [byEmail, byId]) {
    if (!group.length) continue;
    const inputs: ContactWrite[] = group.map((r) => ({
      email: r.email!.toLowerCase(),
      hubspotId: known(r) ? r.hubspotContactId! : undefined,
      properties: properties.get(r.customerId)!,
    }));
    let outcome: BatchOutcome;
    try {
      outcome = await send(ctx, () => writeContacts(ctx.client, inputs)).catch(async (e) => {
        // A property Postventa added after this account connected (properties are created when it
        // connects): create what is missing, once, then write again.
        if (!(e instanceof HubSpotFailure && e.kind === "invalid" && /PROPERTY_DOESNT_EXIST/.test(e.message))) throw e;
        await ensureContactProperties(ctx.client, () => takeSlot(ctx));
        return send(ctx, () => writeContacts(ctx.client, inputs));
      });
    } catch (e) {
      if (e instanceof HubSpotFailure && e.kind === "invalid" && group.length === 1)
        outcome = { written: new Map(), errors: [{ message: e.message, ids: [] }] };
      else if (e instanceof HubSpotFailure && e.kind === "invalid")
        outcome = { written: new Map(), errors: [] }; // every input refused: each goes alone next
      else throw e;
    }
    const written = group.filter((r) => outcome.written.has(r.email!.toLowerCase()));
    ctx.run.contacts += written.length;
    for (const r of written) writtenInPass.set(r.customerId, r.version);
    await pool.query(
      `UPDATE "HubSpotContactSync" s SET "syncedVersion" = u.version, state = CASE WHEN s.version = u.version THEN 'synced' ELSE 'pending' END,
         "hubspotContactId" = u.hid, "syncedEmail" = u.email, "syncedPortalId" = $5, attempts = 0, reason = NULL, "syncedAt" = now()
         FROM unnest($1::text[], $2::int[], $3::text[], $4::text[]) AS u(cid, version, hid, email) WHERE s."customerId" = u.cid`,
      [
        written.map((r) => r.customerId),
        written.map((r) => r.version),
        written.map((r) => outcome.written.get(r.email!.toLowerCase())),
        written.map((r) => r.email!.toLowerCase()),
        ctx.conn.portalId,
      ],
    );
    for (const r of group) {
      const email = r.email!.toLowerCase();
      if (outcome.written.has(email)) continue;
      const error =
        outcome.errors.find((e) => e.ids.some((i) => i.toLowerCase() === email || i === r.hubspotContactId)) ??
        (group.length === 1 ? outcome.errors[0] : undefined);
      await rejectContact(
        r,
        error?.message ?? "HubSpot refused this contact in a batch; sending it alone to learn why.",
        group.length === 1 || r.attempts > 0,
      );
    }
  }
}

// `final`: refused when sent alone, so to the failures list; otherwise it goes alone next time.
async function rejectContact(r: ContactRow, message: string, final: boolean) {
  await pool.query(
    `UPDATE "HubSpotContactSync" SET state = CASE WHEN $3 THEN 'dead' ELSE state END, reason = $2, attempts = attempts + 1 WHERE "customerId" = $1`,
    [r.customerId, message.slice(0, 1000), final],
  );
}

async function pendingContacts(shop: string, attemptsFilter: string, limit: number, claimed: Set<string>): Promise<ContactRow[]> {
  const { rows } = await pool.query<ContactRow>(
    `SELECT s."customerId", s.version, s.attempts, s."hubspotContactId", s."syncedEmail", s."syncedPortalId", c.email, c."firstName", c."lastName"
       FROM "HubSpotContactSync" s JOIN "Customer" c ON c.id = s."customerId"
      WHERE s.shop = $1 AND s.state = 'pending' AND ${attemptsFilter} AND NOT (s."customerId" = ANY($3::text[]))
      ORDER BY s."updatedAt", s."customerId" LIMIT $2`,
    [shop, limit, [...claimed]],
  );
  return rows;
}

// The contact properties of each customer, read in a handful of queries for the whole batch.
async function profiles(shop: string, rows: ContactRow[]): Promise<Map<string, Record<string, string>>> {
  const ids = rows.map((r) => r.customerId);
  const [accounts, orders, refunds, warranties, cases, lifecycle, feedback, tiers] = await Promise.all([
    pool.query<{ customerId: string; balance: number; lifetimeEarned: number }>(
      `SELECT "customerId", balance, "lifetimeEarned" FROM "PointsAccount" WHERE "customerId" = ANY($1)`,
      [ids],
    ),
    pool.query<{ customerId: string; shopifyOrderId: string; facts: OrderFacts; paidSeen: boolean; cancelledAt: Date | null }>(
      `SELECT "customerId", "shopifyOrderId", facts, "paidSeen", "cancelledAt" FROM "Order" WHERE shop = $1 AND "customerId" = ANY($2) AND facts IS NOT NULL`,
      [shop, ids],
    ),
    pool.query<{ shopifyOrderId: string; facts: RefundFacts }>(
      `SELECT r."shopifyOrderId", r.facts FROM "OrderRefund" r JOIN "Order" o ON o.shop = r.shop AND o."shopifyOrderId" = r."shopifyOrderId"
        WHERE r.shop = $1 AND o."customerId" = ANY($2)`,
      [shop, ids],
    ),
    pool.query<{ customerId: string; active: number }>(
      `SELECT "customerId", count(*)::int AS active FROM "WarrantyRegistration"
        WHERE shop = $1 AND "customerId" = ANY($2) AND status = 'active' AND "coverageEnd" > now() GROUP BY "customerId"`,
      [shop, ids],
    ),
    // Open warranty claims and returns, counted from the cases recordTicket holds (decision 0014).
    pool.query<{ customerId: string; openClaims: number; returns: number }>(
      `SELECT "customerId", count(*) FILTER (WHERE kind = 'warranty_claim' AND stage <> 'closed')::int AS "openClaims",
              count(*) FILTER (WHERE kind = 'return')::int AS returns
         FROM "HubSpotTicket" WHERE shop = $1 AND "customerId" = ANY($2) GROUP BY "customerId"`,
      [shop, ids],
    ),
    lifecycleProfiles(shop, ids),
    feedbackProfiles(shop, ids),
    placedTiers(shop, ids),
  ]);
  const refundsByOrder = new Map<string, RefundFacts[]>();
  for (const r of refunds.rows) refundsByOrder.set(r.shopifyOrderId, [...(refundsByOrder.get(r.shopifyOrderId) ?? []), r.facts]);
  const out = new Map<string, Record<string, string>>();
  for (const r of rows) {
    const account = accounts.rows.find((a) => a.customerId === r.customerId);
    const own = orders.rows.filter((o) => o.customerId === r.customerId);
    const counted = cases.rows.find((c) => c.customerId === r.customerId);
    out.set(
      r.customerId,
      contactProperties({
        email: r.email!.toLowerCase(),
        firstName: r.firstName,
        lastName: r.lastName,
        balance: account?.balance ?? 0,
        lifetimeEarned: account?.lifetimeEarned ?? 0,
        orders: own.map((o) => ({
          facts: o.facts,
          paid: o.paidSeen,
          cancelled: !!o.cancelledAt,
          refunds: refundsByOrder.get(o.shopifyOrderId) ?? [],
        })),
        activeWarranties: warranties.rows.find((w) => w.customerId === r.customerId)?.active ?? 0,
        openWarrantyClaims: counted?.openClaims ?? 0,
        returnsCount: counted?.returns ?? 0,
        tier: tiers.get(r.customerId)!,
        ...lifecycle.get(r.customerId),
        feedback: feedback.get(r.customerId),
      }),
    );
  }
  return out;
}

// ----------------------------------------------------------------------------------------------
// Notes
// ----------------------------------------------------------------------------------------------

interface NoteRow {
  id: string;
  key: string;
  title: string;
  occurredAt: Date;
  body: string;
  attempts: number;
  hubspotContactId: string;
}

async function writeNoteBatch(ctx: Ctx): Promise<boolean> {
  let rows = await claimNotes(ctx.conn, "i.attempts = 0", tuning.batchSize);
  if (!rows.length) rows = await claimNotes(ctx.conn, "i.attempts > 0", 1);
  if (!rows.length) return false;
  await writeNoteRows(ctx, rows);
  return true;
}

async function writeNoteRows(ctx: Ctx, rows: NoteRow[]): Promise<void> {
  const ids = rows.map((r) => r.id);
  let outcome: BatchOutcome;
  try {
    outcome = await send(ctx, () =>
      createNotes(
        ctx.client,
        rows.map((r) => ({ eventId: r.key, contactId: r.hubspotContactId, timestamp: r.occurredAt, body: r.body })),
      ),
    );
  } catch (e) {
    if (e instanceof HubSpotFailure && e.kind === "transient") throw e; // HubSpot may have written them: stay `sending`, checked next
    await releaseNotes(ids);
    if (e instanceof HubSpotFailure && e.kind === "invalid")
      outcome = { written: new Map(), errors: rows.length === 1 ? [{ message: e.message, ids: [] }] : [] };
    else throw e;
  }
  const synced = rows.filter((r) => outcome.written.has(r.key));
  ctx.run.notes += synced.length;
  await markNotesSynced(
    ctx,
    synced.map((r) => r.id),
    synced.map((r) => outcome.written.get(r.key)!),
  );
  for (const r of rows) {
    if (outcome.written.has(r.key)) continue;
    // HubSpot's per-input errors do not say which note they belong to: a note refused in a
    // batch is sent alone next time, and refused alone it goes to the failures list.
    const final = rows.length === 1;
    const message = final
      ? (outcome.errors[0]?.message ?? "refused")
      : "HubSpot refused this note in a batch; sending it alone to learn why.";
    await pool.query(`UPDATE "HubSpotInteraction" SET state = $2, reason = $3, attempts = attempts + 1, "sendingAt" = NULL WHERE id = $1`, [
      r.id,
      final ? "dead" : "pending",
      message.slice(0, 1000),
    ]);
  }
}

async function markNotesSynced(ctx: Ctx, ids: string[], noteIds: string[]) {
  if (!ids.length) return;
  await pool.query(
    `UPDATE "HubSpotInteraction" i SET state = 'synced', "hubspotObjectId" = u.hid, "syncedPortalId" = $3, "syncedAt" = now(), "sendingAt" = NULL, reason = NULL
       FROM unnest($1::bigint[], $2::text[]) AS u(id, hid) WHERE i.id = u.id`,
    [ids, noteIds, ctx.conn.portalId],
  );
}

// Takes notes to send and marks them `sending` in one statement, so two lanes never take the
// same note, and a note whose answer is lost stays marked for the next pass's recovery.
async function claimNotes(conn: HubSpotConnection, attemptsFilter: string, limit: number): Promise<NoteRow[]> {
  const { rows } = await pool.query<NoteRow>(
    `WITH picked AS (
       SELECT i.id, s."hubspotContactId"
         FROM "HubSpotInteraction" i JOIN "HubSpotContactSync" s ON s."customerId" = i."customerId"
        WHERE i.shop = $1 AND i.state = 'pending' AND ${attemptsFilter}
          AND s."hubspotContactId" IS NOT NULL AND s."syncedPortalId" = $2
        ORDER BY i.id LIMIT $3 FOR UPDATE OF i SKIP LOCKED)
     UPDATE "HubSpotInteraction" i SET state = 'sending', "sendingAt" = now() FROM picked WHERE i.id = picked.id
     RETURNING i.id::text, i.key, i.title, i."occurredAt", i.body, i.attempts, picked."hubspotContactId"`,
    [conn.shop, conn.portalId, limit],
  );
  return rows.sort((a, b) => Number(BigInt(a.id) - BigInt(b.id)));
}

// ----------------------------------------------------------------------------------------------
// Tickets
// ----------------------------------------------------------------------------------------------

// Tickets wait, and say why on the HubSpot page, while the account cannot take them (a missing
// `tickets` scope, a pipeline without our stages); contacts and notes go on meanwhile. They are
// tried again at `ticketsRetryAt` (null: only once the merchant connects again).
const TICKETS_NOT_WAITING = `NOT EXISTS (SELECT 1 FROM "HubSpotConnection" w WHERE w.shop = t.shop
  AND w."ticketsWaiting" IS NOT NULL AND (w."ticketsRetryAt" IS NULL OR w."ticketsRetryAt" > now()))`;
const ticketsWaitNow = (c: HubSpotConnection) => !!c.ticketsWaiting && (!c.ticketsRetryAt || c.ticketsRetryAt > new Date());

async function ticketsWait(shop: string, why: "scopes" | "pipeline", reason: string, retry: boolean) {
  await prisma.hubSpotConnection.updateMany({
    where: { shop },
    data: {
      ticketsWaiting: why,
      ticketsReason: reason.slice(0, 1000),
      ticketsRetryAt: retry ? new Date(Date.now() + tuning.ticketsRecheckMs) : null,
    },
  });
  log.warn("hubspot sync: tickets wait", { shop, why });
}

export function ticketPipelineFor(c: Pick<HubSpotConnection, "ticketPipeline">): TicketPipeline {
  return (c.ticketPipeline as TicketPipeline | null) ?? DEFAULT_TICKET_PIPELINE;
}

const missingScope = (e: unknown) => e instanceof HubSpotFailure && e.kind === "scopes";
const scopeReason = (e: HubSpotFailure) =>
  `HubSpot refused tickets for a missing permission (${e.message}). Give Postventa the "tickets" scope (connect again, or add it to the private app); Postventa looks again by itself every ${Math.round(tuning.ticketsRecheckMs / 60_000)} minutes.`;

// Where this pass writes tickets, or null while they wait. Read once a pass: the connection's
// scopes when HubSpot told them (OAuth), then the pipeline, whose stages must all be there.
async function ticketTarget(ctx: Ctx): Promise<TicketPipeline | null> {
  const c = ctx.conn;
  if (ticketsWaitNow(c)) return null;
  if (c.authType === "oauth" && !c.scopes.includes("tickets")) {
    await ticketsWait(
      c.shop,
      "scopes",
      'The HubSpot connection was approved without the "tickets" permission, so warranty claims and returns wait here. Connect with HubSpot again and approve it.',
      false,
    );
    return null;
  }
  const wanted = ticketPipelineFor(c);
  let problem: string | null;
  try {
    problem = pipelineProblem(wanted, await send(ctx, () => ticketPipeline(ctx.client, wanted.pipelineId)));
  } catch (e) {
    if (!missingScope(e)) throw e;
    await ticketsWait(c.shop, "scopes", scopeReason(e as HubSpotFailure), true);
    return null;
  }
  if (problem) {
    await ticketsWait(
      c.shop,
      "pipeline",
      `${problem} Tickets wait until it has them; Postventa looks again by itself every ${Math.round(tuning.ticketsRecheckMs / 60_000)} minutes.`,
      true,
    );
    return null;
  }
  if (c.ticketsWaiting)
    await prisma.hubSpotConnection.updateMany({
      where: { shop: c.shop },
      data: { ticketsWaiting: null, ticketsReason: null, ticketsRetryAt: null },
    });
  return wanted;
}

interface TicketRow {
  id: string;
  key: string;
  kind: TicketCase["kind"];
  stage: TicketStage;
  params: TicketCase["params"];
  version: number;
  attempts: number;
  contactId: string; // creates: the contact to associate
  hubspotTicketId: string | null;
}

function ticketWrite(r: TicketRow, target: TicketPipeline): TicketWrite {
  const { subject, content } = renderTicket({ kind: r.kind, params: r.params } as TicketCase);
  return {
    key: r.key,
    contactId: r.contactId,
    properties: { subject, content, hs_pipeline: target.pipelineId, hs_pipeline_stage: target.stages[r.stage] },
  };
}

async function writeTicketBatch(ctx: Ctx, claims: Claims): Promise<boolean> {
  const { conn } = ctx;
  if (ticketsWaitNow(conn)) return false;
  const { rows: due } = await pool.query(
    `SELECT 1 FROM "HubSpotTicket" t JOIN "HubSpotContactSync" s ON s."customerId" = t."customerId"
      WHERE t.shop = $1 AND t.state = 'pending' AND s."hubspotContactId" IS NOT NULL AND s."syncedPortalId" = $2 LIMIT 1`,
    [conn.shop, conn.portalId],
  );
  if (!due.length) return false; // nothing to write: no need to read the pipeline
  claims.ticketTarget ??= ticketTarget(ctx).catch((e) => {
    claims.ticketTarget = undefined; // a failed read is read again, not remembered
    throw e;
  });
  const target = await claims.ticketTarget;
  if (!target) return false;
  // New tickets first (a refused one goes alone next time), then changes to tickets HubSpot holds.
  let rows = await claimTicketCreates(conn, "t.attempts = 0", tuning.batchSize);
  if (!rows.length) rows = await claimTicketCreates(conn, "t.attempts > 0", 1);
  if (rows.length) {
    await createTicketRows(ctx, claims, rows, target);
    return true;
  }
  const claim = (rows: TicketRow[]) => rows.filter((r) => !claims.tickets.has(r.id) && claims.tickets.add(r.id));
  let updates = claim(await pendingTicketUpdates(conn, "t.attempts = 0", tuning.batchSize, claims.tickets));
  if (!updates.length) updates = claim(await pendingTicketUpdates(conn, "t.attempts > 0", 1, claims.tickets));
  if (!updates.length) return false;
  try {
    await updateTicketRows(ctx, claims, updates, target);
  } finally {
    for (const r of updates) claims.tickets.delete(r.id);
  }
  return true;
}

// Takes new tickets to create and marks them `sending` with the version they carry, in one
// statement, so two lanes never take the same one and one whose answer is lost stays marked.
async function claimTicketCreates(conn: HubSpotConnection, attemptsFilter: string, limit: number): Promise<TicketRow[]> {
  const { rows } = await pool.query<TicketRow>(
    `WITH picked AS (
       SELECT t.id, s."hubspotContactId"
         FROM "HubSpotTicket" t JOIN "HubSpotContactSync" s ON s."customerId" = t."customerId"
        WHERE t.shop = $1 AND t.state = 'pending' AND t."hubspotTicketId" IS NULL AND ${attemptsFilter}
          AND s."hubspotContactId" IS NOT NULL AND s."syncedPortalId" = $2
        ORDER BY t.id LIMIT $3 FOR UPDATE OF t SKIP LOCKED)
     UPDATE "HubSpotTicket" t SET state = 'sending', "sendingAt" = now(), "sendingVersion" = t.version FROM picked WHERE t.id = picked.id
     RETURNING t.id::text, t.key, t.kind, t.stage, t.params, t.version, t.attempts, picked."hubspotContactId" AS "contactId", t."hubspotTicketId"`,
    [conn.shop, conn.portalId, limit],
  );
  return rows.sort((a, b) => Number(BigInt(a.id) - BigInt(b.id)));
}

async function pendingTicketUpdates(conn: HubSpotConnection, attemptsFilter: string, limit: number, claimed: Set<string>) {
  const { rows } = await pool.query<TicketRow>(
    `SELECT t.id::text, t.key, t.kind, t.stage, t.params, t.version, t.attempts, '' AS "contactId", t."hubspotTicketId"
       FROM "HubSpotTicket" t
      WHERE t.shop = $1 AND t.state = 'pending' AND t."hubspotTicketId" IS NOT NULL AND t."syncedPortalId" = $2 AND ${attemptsFilter}
        AND NOT (t.id = ANY($4::bigint[]))
      ORDER BY t."updatedAt", t.id LIMIT $3`,
    [conn.shop, conn.portalId, limit, [...claimed]],
  );
  return rows;
}

// HubSpot holds these tickets at `version`: synced, unless a newer version was recorded meanwhile.
async function markTicketsSynced(ctx: Ctx, rows: Array<{ id: string; ticketId: string; version: number }>) {
  if (!rows.length) return;
  await pool.query(
    `UPDATE "HubSpotTicket" t SET "hubspotTicketId" = u.hid, "syncedPortalId" = $4, "syncedVersion" = u.version,
       state = CASE WHEN t.version = u.version THEN 'synced' ELSE 'pending' END,
       "sendingAt" = NULL, "sendingVersion" = NULL, attempts = 0, reason = NULL, "syncedAt" = now()
       FROM unnest($1::bigint[], $2::text[], $3::int[]) AS u(id, hid, version) WHERE t.id = u.id`,
    [rows.map((r) => r.id), rows.map((r) => r.ticketId), rows.map((r) => r.version), ctx.conn.portalId],
  );
}

async function releaseTickets(ids: string[]) {
  if (!ids.length) return;
  await pool.query(
    `UPDATE "HubSpotTicket" SET state = 'pending', "sendingAt" = NULL, "sendingVersion" = NULL WHERE id = ANY($1::bigint[]) AND state = 'sending'`,
    [ids],
  );
}

// `final`: refused when sent alone, so to the failures list; otherwise it goes alone next time.
async function rejectTicket(id: string, message: string, final: boolean, forgetTicket = false) {
  await pool.query(
    `UPDATE "HubSpotTicket" SET state = CASE WHEN $3 THEN 'dead' ELSE 'pending' END, reason = $2, attempts = attempts + 1,
       "sendingAt" = NULL, "sendingVersion" = NULL,
       "hubspotTicketId" = CASE WHEN $4 THEN NULL ELSE "hubspotTicketId" END, "syncedPortalId" = CASE WHEN $4 THEN NULL ELSE "syncedPortalId" END
     WHERE id = $1`,
    [id, message.slice(0, 1000), final, forgetTicket],
  );
}

// A ticket HubSpot refuses for a missing scope: not written, so back to the queue; tickets wait.
async function ticketsRefusedForScope(ctx: Ctx, claims: Claims, e: HubSpotFailure) {
  await ticketsWait(ctx.conn.shop, "scopes", scopeReason(e), true);
  claims.ticketTarget = Promise.resolve(null);
}

async function createTicketRows(ctx: Ctx, claims: Claims, rows: TicketRow[], target: TicketPipeline): Promise<void> {
  let outcome: BatchOutcome;
  try {
    outcome = await send(ctx, () =>
      createTickets(
        ctx.client,
        rows.map((r) => ticketWrite(r, target)),
      ),
    );
  } catch (e) {
    if (e instanceof HubSpotFailure && e.kind === "transient") throw e; // HubSpot may have created them: stay `sending`, looked up later
    await releaseTickets(rows.map((r) => r.id));
    if (missingScope(e)) return ticketsRefusedForScope(ctx, claims, e as HubSpotFailure);
    if (e instanceof HubSpotFailure && e.kind === "invalid")
      outcome = { written: new Map(), errors: rows.length === 1 ? [{ message: e.message, ids: [] }] : [] };
    else throw e;
  }
  const created = rows.filter((r) => outcome.written.has(r.key));
  ctx.run.tickets += created.length;
  await markTicketsSynced(
    ctx,
    created.map((r) => ({ id: r.id, ticketId: outcome.written.get(r.key)!, version: r.version })),
  );
  for (const r of rows) {
    if (outcome.written.has(r.key)) continue;
    // HubSpot's errors for new objects do not say which input they belong to: a ticket refused in
    // a batch is sent alone next time, and refused alone it goes to the failures list.
    const final = rows.length === 1;
    await rejectTicket(
      r.id,
      final ? (outcome.errors[0]?.message ?? "refused") : "HubSpot refused this ticket in a batch; sending it alone to learn why.",
      final,
    );
  }
}

async function updateTicketRows(ctx: Ctx, claims: Claims, rows: TicketRow[], target: TicketPipeline): Promise<void> {
  let outcome: BatchOutcome;
  try {
    outcome = await send(ctx, () =>
      updateTickets(
        ctx.client,
        rows.map((r) => ({ ...ticketWrite(r, target), ticketId: r.hubspotTicketId! })),
      ),
    );
  } catch (e) {
    // An update is idempotent (absolute values by id): whatever happened, it is simply sent again.
    if (missingScope(e)) return ticketsRefusedForScope(ctx, claims, e as HubSpotFailure);
    if (!(e instanceof HubSpotFailure && e.kind === "invalid")) throw e;
    outcome = {
      written: new Map(),
      errors: rows.length === 1 ? [{ message: e.message, ids: [], category: e.status === 404 ? "OBJECT_NOT_FOUND" : undefined }] : [],
    };
  }
  const updated = rows.filter((r) => outcome.written.has(r.key));
  ctx.run.tickets += updated.length;
  await markTicketsSynced(
    ctx,
    updated.map((r) => ({ id: r.id, ticketId: r.hubspotTicketId!, version: r.version })),
  );
  for (const r of rows) {
    if (outcome.written.has(r.key)) continue;
    const error = outcome.errors.find((e) => e.ids.includes(r.hubspotTicketId!)) ?? (rows.length === 1 ? outcome.errors[0] : undefined);
    const final = rows.length === 1 || r.attempts > 0;
    // Deleted or merged away in HubSpot: the merchant's choice stands until they press retry,
    // which creates the ticket again.
    if (final && error?.category === "OBJECT_NOT_FOUND")
      await rejectTicket(r.id, "HubSpot no longer has this ticket (it was deleted or merged there). Retry creates it again.", true, true);
    else
      await rejectTicket(r.id, error?.message ?? "HubSpot refused this ticket's change in a batch; sending it alone to learn why.", final);
  }
}

// New tickets marked `sending` whose answer never came, once HubSpot can no longer be creating
// them: looked up on their contacts (strongly consistent reads); the ones HubSpot holds are
// recorded, the rest go back to the queue. A contact this account does not hold (the shop
// connected another account meanwhile) cannot have them: released.
async function recoverUncertainTickets(ctx: Ctx): Promise<boolean> {
  if (ticketsWaitNow(ctx.conn)) return false;
  const { rows } = await pool.query<{ id: string; key: string; sendingVersion: number; contactId: string | null }>(
    `SELECT t.id::text, t.key, t."sendingVersion", CASE WHEN s."syncedPortalId" = $4 THEN s."hubspotContactId" END AS "contactId"
       FROM "HubSpotTicket" t LEFT JOIN "HubSpotContactSync" s ON s."customerId" = t."customerId"
      WHERE t.shop = $1 AND t.state = 'sending' AND t."sendingAt" <= now() - $2 * interval '1 millisecond'
      ORDER BY t.id LIMIT $3`,
    [ctx.conn.shop, uncertainAfterMs(), tuning.batchSize, ctx.conn.portalId],
  );
  if (!rows.length) return false;
  const contactIds = [...new Set(rows.filter((r) => r.contactId).map((r) => r.contactId!))];
  let found = new Map<string, string>();
  try {
    if (contactIds.length) found = await ticketsOnContacts(ctx.client, contactIds, () => takeSlot(ctx));
  } catch (e) {
    if (!missingScope(e)) throw e;
    await ticketsWait(ctx.conn.shop, "scopes", scopeReason(e as HubSpotFailure), true); // they stay `sending` until it can look
    return false;
  }
  const held = rows.filter((r) => r.contactId && found.has(r.key));
  await markTicketsSynced(
    ctx,
    held.map((r) => ({ id: r.id, ticketId: found.get(r.key)!, version: r.sendingVersion })),
  );
  await releaseTickets(rows.filter((r) => !held.includes(r)).map((r) => r.id));
  return true;
}
