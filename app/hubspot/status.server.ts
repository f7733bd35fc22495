// What the HubSpot page shows: connection state, last sync, backlog, backfill progress and the
// failures list. Never a token.
import prisma, { pool } from "../db.server";
import { requestSync } from "./connection.server";

export interface HubSpotStatus {
  connection: {
    portalId: string;
    authType: string;
    state: string;
    pausedReason: string | null;
    pausedUntil: string | null;
    lastError: string | null;
    lastSyncAt: string | null;
    rollingLimit: number;
    connectedAt: string;
    eraseOnRedact: boolean;
  } | null;
  // notes and tickets: on their way; waiting: notes and tickets whose contact HubSpot refused or has no email.
  backlog: { contacts: number; notes: number; tickets: number; waiting: number };
  // Tickets held back while the account cannot take them (contacts and notes go on): why, in words.
  tickets: { waiting: "scopes" | "pipeline" | null; reason: string | null; retryAt: string | null };
  backfill: { running: boolean; done: number; total: number };
  skipped: number;
  failures: Array<{ id: string; type: "contact" | "note" | "ticket"; what: string; reason: string }>;
}

export async function hubspotStatus(shop: string): Promise<HubSpotStatus> {
  const c = await prisma.hubSpotConnection.findUnique({ where: { shop } });
  const { rows } = await pool.query<{
    contacts: number;
    notes: number;
    tickets: number;
    waiting: number;
    done: number;
    total: number;
    skipped: number;
  }>(
    `SELECT
       (SELECT count(*) FROM "HubSpotContactSync" WHERE shop = $1 AND state = 'pending')::int AS contacts,
       (SELECT count(*) FROM "HubSpotInteraction" i JOIN "HubSpotContactSync" s ON s."customerId" = i."customerId"
         WHERE i.shop = $1 AND i.state IN ('pending', 'sending') AND s.state NOT IN ('dead', 'skipped'))::int AS notes,
       (SELECT count(*) FROM "HubSpotTicket" t JOIN "HubSpotContactSync" s ON s."customerId" = t."customerId"
         WHERE t.shop = $1 AND t.state IN ('pending', 'sending') AND s.state NOT IN ('dead', 'skipped'))::int AS tickets,
       (SELECT count(*) FROM "HubSpotInteraction" i JOIN "HubSpotContactSync" s ON s."customerId" = i."customerId"
         WHERE i.shop = $1 AND i.state = 'pending' AND s.state IN ('dead', 'skipped'))::int
         + (SELECT count(*) FROM "HubSpotTicket" t JOIN "HubSpotContactSync" s ON s."customerId" = t."customerId"
         WHERE t.shop = $1 AND t.state = 'pending' AND s.state IN ('dead', 'skipped'))::int AS waiting,
       (SELECT count(*) FROM "HubSpotContactSync" WHERE shop = $1 AND state IN ('synced', 'dead', 'skipped'))::int
         + (SELECT count(*) FROM "HubSpotInteraction" WHERE shop = $1 AND state IN ('synced', 'dead'))::int
         + (SELECT count(*) FROM "HubSpotTicket" WHERE shop = $1 AND state IN ('synced', 'dead'))::int AS done,
       (SELECT count(*) FROM "HubSpotContactSync" WHERE shop = $1 AND state <> 'merged')::int
         + (SELECT count(*) FROM "HubSpotInteraction" WHERE shop = $1)::int
         + (SELECT count(*) FROM "HubSpotTicket" WHERE shop = $1 AND state <> 'local')::int AS total,
       (SELECT count(*) FROM "HubSpotContactSync" WHERE shop = $1 AND state = 'skipped')::int AS skipped`,
    [shop],
  );
  const failures = await pool.query<{ id: string; type: "contact" | "note" | "ticket"; what: string; reason: string }>(
    `(SELECT s."customerId" AS id, 'contact' AS type, COALESCE(c.email, c."firstName", s."customerId") AS what, COALESCE(s.reason, '') AS reason
        FROM "HubSpotContactSync" s JOIN "Customer" c ON c.id = s."customerId" WHERE s.shop = $1 AND s.state = 'dead' LIMIT 50)
     UNION ALL
     (SELECT i.id::text, 'note', i.title, COALESCE(i.reason, '') FROM "HubSpotInteraction" i WHERE i.shop = $1 AND i.state = 'dead' LIMIT 50)
     UNION ALL
     (SELECT t.id::text, 'ticket', t.key, COALESCE(t.reason, '') FROM "HubSpotTicket" t WHERE t.shop = $1 AND t.state = 'dead' LIMIT 50)`,
    [shop],
  );
  const r = rows[0];
  return {
    connection: c && {
      portalId: c.portalId,
      authType: c.authType,
      state: c.state,
      pausedReason: c.pausedReason,
      pausedUntil: c.pausedUntil?.toISOString() ?? null,
      lastError: c.lastError,
      lastSyncAt: c.lastSyncAt?.toISOString() ?? null,
      rollingLimit: c.rollingLimit,
      connectedAt: c.connectedAt.toISOString(),
      eraseOnRedact: c.eraseOnRedact,
    },
    backlog: { contacts: r.contacts, notes: r.notes, tickets: r.tickets, waiting: r.waiting },
    tickets: {
      waiting: (c?.ticketsWaiting as "scopes" | "pipeline" | null) ?? null,
      reason: c?.ticketsReason ?? null,
      retryAt: c?.ticketsRetryAt?.toISOString() ?? null,
    },
    backfill: { running: !!c && !c.backfillFinishedAt, done: r.done, total: r.total },
    skipped: r.skipped,
    failures: failures.rows,
  };
}

// The failures list's retry: each refused input is sent once more, alone.
export async function retryFailures(shop: string): Promise<void> {
  await pool.query(`UPDATE "HubSpotContactSync" SET state = 'pending', attempts = 1 WHERE shop = $1 AND state = 'dead'`, [shop]);
  await pool.query(`UPDATE "HubSpotInteraction" SET state = 'pending', attempts = 1 WHERE shop = $1 AND state = 'dead'`, [shop]);
  await pool.query(`UPDATE "HubSpotTicket" SET state = 'pending', attempts = 1 WHERE shop = $1 AND state = 'dead'`, [shop]);
  // Tickets waiting on a pipeline the merchant may just have fixed are looked at again now.
  await pool.query(`UPDATE "HubSpotConnection" SET "ticketsRetryAt" = now() WHERE shop = $1 AND "ticketsWaiting" = 'pipeline'`, [shop]);
  await requestSync(shop, 0);
}
