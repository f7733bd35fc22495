// The app's configuration: every environment variable it reads, validated in one place. The web
// process and the worker call `checkConfig()` as they start, so a missing or malformed value stops
// them with a message naming it, not a failure deep in a job an hour later. `.env.example` lists
// the same variables. Test-only knobs are options passed by tests, never variables here.
import { z } from "zod";

const DEFAULT_SCOPES =
  "read_orders,read_customers,read_products,write_discounts,read_store_credit_accounts,write_store_credit_account_transactions,read_returns,write_returns,write_draft_orders,read_fulfillments"; // as shopify.app.toml

const optionalUrl = z.url({ protocol: /^https?$/ }).optional();
const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);
const HOW_TO_MAKE_A_KEY = "32 random bytes in base64 (44 characters); make one with `openssl rand -base64 32`";
const isKey = (v: string) => /^[A-Za-z0-9+/]{43}=$/.test(v) && Buffer.from(v, "base64").length === 32;
const key32 = z.string().refine(isKey, { message: `must be ${HOW_TO_MAKE_A_KEY}` });
// Older keys, newest first, comma-separated: they still decrypt after a rotation.
const previousKeys = z
  .string()
  .transform((v) => v.split(",").map((k) => k.trim()))
  .superRefine((keys, ctx) => {
    keys.forEach((k, i) => {
      if (!isKey(k)) ctx.addIssue({ code: "custom", message: `entry ${i + 1} must be ${HOW_TO_MAKE_A_KEY}` });
    });
  })
  .default([]);

const variables = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, "must be a postgresql:// URL")
    .optional(),
  DATABASE_POOL_SIZE: int(1, 500).default(20),
  PORT: int(0, 65535).default(3000),
  RUN_WORKER: z
    .enum(["true", "false"])
    .default("true")
    .transform((v) => v === "true"),
  WORKER_CONCURRENCY: int(1, 64).default(4),
  SHOPIFY_API_KEY: z.string().min(1, "is the app's client id (Partner dashboard; `shopify app dev` sets it)"),
  SHOPIFY_API_SECRET: z.string().min(1, "is the app's client secret (Partner dashboard; `shopify app dev` sets it)"),
  SHOPIFY_APP_URL: optionalUrl,
  // Shopify CLI passes the tunnel URL as HOST (Shopify's template reads it the same way).
  HOST: z.string().optional(),
  SCOPES: z
    .string()
    .regex(/^[a-z_]+(,[a-z_]+)*$/, "is a comma-separated list of access scopes")
    .default(DEFAULT_SCOPES),
  SHOP_CUSTOM_DOMAIN: z.string().optional(),
  // How long a shopper's redemption waits for Shopify to make the code; past it the request is
  // aborted and the reservation settled later (app/loyalty/redemption.server.ts).
  SHOPIFY_REWARD_TIMEOUT_MS: int(100, 60_000).default(10_000),
  // How long a shopper's return request waits for each Shopify call before it is aborted and the
  // request settled later (app/returns/returns.server.ts), and how long after an unanswered request
  // Shopify may still be creating the return: it is never sent again before then.
  SHOPIFY_RETURN_TIMEOUT_MS: int(100, 60_000).default(10_000),
  SHOPIFY_RETURN_LANDING_MS: int(1_000, 3_600_000).default(300_000),
  SHOPIFY_LOG_LEVEL: z.enum(["error", "warning", "info", "debug"]).optional(),
  LOG_LEVEL: z.enum(["debug", "info", "warn", "error"]).default("info"),
  POSTVENTA_ENCRYPTION_KEY: key32,
  POSTVENTA_ENCRYPTION_KEYS_PREVIOUS: previousKeys,
  HUBSPOT_CLIENT_ID: z.string().min(1).optional(),
  HUBSPOT_CLIENT_SECRET: z.string().min(1).optional(),
  HUBSPOT_REDIRECT_URI: optionalUrl,
  // Dev and tests only: the local stand-ins in test/sandboxes/ instead of Shopify and HubSpot.
  SHOPIFY_ADMIN_BASE_URL: optionalUrl,
  HUBSPOT_BASE_URL: optionalUrl,
  HUBSPOT_AUTH_URL: optionalUrl,
  // Embedded Postgres only (DATABASE_URL unset, not in production).
  POSTVENTA_PG_PORT: int(1, 65535).default(54329),
  POSTVENTA_PG_DATA: z.string().default(".data/postgres"),
});

const schema = variables
  .superRefine((env, ctx) => {
    const problem = (path: string, message: string) => ctx.addIssue({ code: "custom", path: [path], message });
    if (!!env.HUBSPOT_CLIENT_ID !== !!env.HUBSPOT_CLIENT_SECRET)
      problem(
        env.HUBSPOT_CLIENT_ID ? "HUBSPOT_CLIENT_SECRET" : "HUBSPOT_CLIENT_ID",
        "is needed with the other: both come from the HubSpot public app",
      );
    if (env.NODE_ENV !== "production") return;
    if (!env.DATABASE_URL) problem("DATABASE_URL", "is required in production (the embedded Postgres is for development and tests only)");
    if (!env.SHOPIFY_APP_URL) problem("SHOPIFY_APP_URL", "is required in production: the app's public https URL");
    for (const name of ["SHOPIFY_ADMIN_BASE_URL", "HUBSPOT_BASE_URL", "HUBSPOT_AUTH_URL"] as const)
      if (env[name]) problem(name, "points at a local stand-in and must not be set in production");
  })
  .transform(({ HOST, ...env }) => ({
    ...env,
    SHOPIFY_APP_URL: env.SHOPIFY_APP_URL ?? (HOST && /^https?:\/\//.test(HOST) ? HOST : "http://localhost:3000"),
  }));

export type Config = z.output<typeof schema>;

export class ConfigError extends Error {}

type Env = Record<string, string | undefined>;
// An empty variable is an unset one (as in `FOO= npm start`).
const present = (env: Env) => Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ""));

// Pure: the configuration an environment describes, or every problem with it at once.
export function readConfig(env: Env): Config {
  const given = present(env);
  const parsed = schema.safeParse(given);
  if (parsed.success) return parsed.data;
  const lines = parsed.error.issues.map(
    (i) => `  ${i.path.join(".")}: ${i.path.length && !given[String(i.path[0])] && i.code === "invalid_type" ? "is not set" : i.message}`,
  );
  throw new ConfigError(`The configuration is not usable (see .env.example):\n${lines.join("\n")}`);
}

const NAMES = [...Object.keys(variables.shape), "HOST"];
let cached: { signature: string; config: Config } | undefined;

// Read again only when a variable changed: the embedded Postgres sets DATABASE_URL after start, and
// tests point the app at their stand-ins as they go.
export function config(): Config {
  const signature = NAMES.map((name) => process.env[name] ?? "").join("\0");
  if (cached?.signature !== signature) cached = { signature, config: readConfig(process.env) };
  return cached.config;
}

// At start: stops the process with the list of problems instead of a stack trace.
export function checkConfig(): Config {
  try {
    return readConfig(process.env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(error.message);
    process.exit(78); // EX_CONFIG
  }
}

// Where the embedded Postgres listens and keeps its data: read before the rest of the app starts.
// Never in production, whatever the caller: there it would start with a default password.
export function embeddedPostgresSettings(env: Env = process.env) {
  if (env.NODE_ENV === "production")
    throw new ConfigError("DATABASE_URL is required in production (the embedded Postgres is for development and tests only)");
  return variables.pick({ POSTVENTA_PG_PORT: true, POSTVENTA_PG_DATA: true }).parse(present(env));
}
