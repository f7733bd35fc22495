// `npm run hubspot:check -- --token <private app token>`: checks, against a real HubSpot account
// (a developer test account), what the sync relies on; see integrations/hubspot/check.server.ts.
// Exits 0 only if every check passed, 1 if one failed, 2 when called wrongly.
import { randomBytes } from "node:crypto";

const args = process.argv.slice(2);
const at = args.findIndex((a) => a === "--token" || a.startsWith("--token="));
const token = at < 0 ? undefined : args[at].startsWith("--token=") ? args[at].slice("--token=".length) : args[at + 1];
if (!token) {
  console.error("Usage: npm run hubspot:check -- --token <private app token>");
  process.exit(2);
}

// This script talks to HubSpot only: no Shopify, no database, nothing encrypted. config() still
// demands the app's Shopify credentials and encryption key, so harmless placeholders stand in for
// them, and only when they are unset (a set value, even a wrong one, is left for config() to judge).
// HUBSPOT_BASE_URL is read as usual (unset: the real HubSpot).
process.env.SHOPIFY_API_KEY ||= "hubspot-check-placeholder";
process.env.SHOPIFY_API_SECRET ||= "hubspot-check-placeholder";
process.env.POSTVENTA_ENCRYPTION_KEY ||= randomBytes(32).toString("base64"); // used for nothing, kept nowhere

const { config } = await import("../app/config.server.ts");
const { runHubSpotCheck } = await import("../integrations/hubspot/check.server.ts");
try {
  config();
} catch (e) {
  console.error((e as Error).message);
  process.exit(78); // EX_CONFIG, as the app
}
console.log(`Checking HubSpot at ${config().HUBSPOT_BASE_URL ?? "https://api.hubapi.com"}`);
const ok = await runHubSpotCheck(token);
console.log(ok ? "All checks passed." : "Some checks failed.");
process.exitCode = ok ? 0 : 1;
