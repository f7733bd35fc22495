// A shop's install state, which decides what intake accepts for it (app/webhooks/topics.ts).
import { pool } from "./db.server";

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
