// The lifecycle part of a batch of contacts, for the HubSpot sync: the dated properties the daily
// job last computed, and the owner notices on products each customer owns (read live, so
// publishing or withdrawing one reaches HubSpot with the next sync, not the next day). A customer
// who owns nothing that ever had a notice carries no notice properties at all.
import { pool } from "../db.server";
import { ownerNoticeProperties, type PublishedNotice } from "../domain/owner-notices";
import type { ProfileInput } from "../domain/customer-profile";

export async function lifecycleProfiles(
  shop: string,
  ids: string[],
): Promise<Map<string, Pick<ProfileInput, "lifecycle" | "ownerNotice">>> {
  const { rows } = await pool.query<{
    customerId: string;
    properties: Record<string, string> | null;
    notices: Array<Omit<PublishedNotice, "publishedAt"> & { publishedAt: string | null }> | null;
  }>(
    `SELECT c.id AS "customerId", l.properties,
       (SELECT json_agg(json_build_object('kind', n.kind, 'title', n.title, 'publishedAt', n."publishedAt"))
         FROM "OwnerNotice" n WHERE n.shop = c.shop AND n."productId" IN (
           SELECT w."productId" FROM "WarrantyRegistration" w WHERE w.shop = c.shop AND w."customerId" = c.id AND w.status <> 'voided')) AS notices
     FROM "Customer" c LEFT JOIN "CustomerLifecycle" l ON l."customerId" = c.id
     WHERE c.shop = $1 AND c.id = ANY($2)`,
    [shop, ids],
  );
  return new Map(
    rows.map((r) => [
      r.customerId,
      {
        lifecycle: r.properties ?? undefined,
        ownerNotice: r.notices
          ? ownerNoticeProperties(r.notices.flatMap((n) => (n.publishedAt ? [{ ...n, publishedAt: n.publishedAt }] : [])))
          : undefined,
      },
    ]),
  );
}
