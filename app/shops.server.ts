// A shop's install state, which decides what intake accepts for it (app/webhooks/topics.ts), and
// what the app keeps of the shop itself (name, currency, time zone).
import { pool, transaction } from "./db.server";
import type { ShopProfile } from "./domain/facts";
import { fetchShopProfile, type AdminGraphql } from "../integrations/shopify/admin.server";

// After Shopify authenticates the shop's admin: it has the app now. installedAt moves only on a
// reinstall, so an uninstall delivered late (triggered before the reinstall) is recognised.
export async function markInstalled(shop: string): Promise<void> {
  await pool.query(
    `INSERT INTO "Shop" (domain, "updatedAt") VALUES ($1, now())
     ON CONFLICT (domain) DO UPDATE SET "installedAt" = CASE WHEN "Shop"."uninstalledAt" IS NULL THEN "Shop"."installedAt" ELSE now() END,
       "uninstalledAt" = NULL, "updatedAt" = now()`,
    [shop],
  );
}

/**
 * The shop's name, currency and time zone as Shopify last said (at install, by the shop_profile
 * job, or in a shop/update webhook). Deliveries are unordered: a profile older than the stored one
 * changes nothing. A zone Postgres does not know is stored as null (the dashboard then counts in
 * UTC). A new zone recounts the shop's dashboard in it (the dashboard_rebuild job, decision 0027).
 */
export async function recordShopProfile(shop: string, profile: ShopProfile): Promise<{ applied: boolean; zoneChanged: boolean }> {
  return transaction(async (tx) => {
    const [before] = await tx.rows<{
      zone: string | null;
    }>`SELECT "ianaTimezone" AS zone FROM "Shop" WHERE domain = ${shop} FOR NO KEY UPDATE`;
    const [after] = await tx.rows<{ zone: string | null }>`
      INSERT INTO "Shop" (domain, name, currency, "ianaTimezone", "profileAt", "updatedAt")
      VALUES (${shop}, ${profile.name}, ${profile.currency}, known_time_zone(${profile.ianaTimezone}), ${profile.updatedAt}::timestamptz, now())
      ON CONFLICT (domain) DO UPDATE SET name = COALESCE(EXCLUDED.name, "Shop".name), currency = EXCLUDED.currency, "ianaTimezone" = EXCLUDED."ianaTimezone",
        "profileAt" = EXCLUDED."profileAt", "updatedAt" = now()
      WHERE "Shop"."profileAt" IS NULL OR "Shop"."profileAt" <= EXCLUDED."profileAt"
      RETURNING "ianaTimezone" AS zone`;
    if (!after) return { applied: false, zoneChanged: false };
    // No row before: nothing was counted yet, its rows arrive in this zone.
    const zoneChanged = before !== undefined && before.zone !== after.zone;
    if (zoneChanged)
      await tx.run`SELECT graphile_worker.add_job('dashboard_rebuild', json_build_object('shop', ${shop}::text), job_key => ${`dashboard_rebuild:${shop}`})`;
    return { applied: true, zoneChanged };
  });
}

/** Reads the shop's profile from the Admin API and records it. */
export async function refreshShopProfile(shop: string, graphql: AdminGraphql): Promise<void> {
  await recordShopProfile(shop, await fetchShopProfile(graphql));
}

/** The Admin API could not be asked now (afterAuth failed to): the shop_profile job asks with the offline token, with retries. */
export async function queueShopProfile(shop: string): Promise<void> {
  await pool.query(`SELECT graphile_worker.add_job('shop_profile', json_build_object('shop', $1::text), job_key => $2)`, [
    shop,
    `shop_profile:${shop}`,
  ]);
}
