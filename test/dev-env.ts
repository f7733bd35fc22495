// Dev/test only: the credentials the demo, the benchmarks and the tests run the app with. Fixed, so
// a local database (its encrypted tokens) stays readable across runs.
export const DEV_SECRET = "postventa-dev-secret";
export const DEV_API_KEY = "postventa-dev-api-key";
export const DEV_ENCRYPTION_KEY = Buffer.alloc(32, 7).toString("base64");
export const DEV_HUBSPOT_CLIENT = { clientId: "postventa-dev-hubspot-client", clientSecret: "postventa-dev-hubspot-secret" };

export const DEV_ENV = {
  SHOPIFY_API_KEY: DEV_API_KEY,
  SHOPIFY_API_SECRET: DEV_SECRET,
  SCOPES:
    "read_orders,read_customers,read_products,write_discounts,read_store_credit_accounts,write_store_credit_account_transactions,read_returns,write_returns,write_draft_orders,read_fulfillments",
  POSTVENTA_ENCRYPTION_KEY: DEV_ENCRYPTION_KEY,
  HUBSPOT_CLIENT_ID: DEV_HUBSPOT_CLIENT.clientId,
  HUBSPOT_CLIENT_SECRET: DEV_HUBSPOT_CLIENT.clientSecret,
};

// Fills in what the environment does not already say.
export function applyDevEnv() {
  for (const [name, value] of Object.entries(DEV_ENV)) process.env[name] ??= value;
}
