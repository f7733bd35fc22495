// The one Admin API version the app speaks: the library's client, webhook subscriptions
// (shopify.app.toml, checked by a test), the local sandboxes and the schema the tests validate
// every Admin document against (test/contracts/shopify-admin-2026-07.json.gz).
import { ApiVersion } from "@shopify/shopify-app-remix/server";

export const ADMIN_API_VERSION = ApiVersion.July26;
