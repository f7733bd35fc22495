import { spawnSync } from "node:child_process";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { readConfig } from "./config.server";

const ROOT = path.resolve(import.meta.dirname, "..");
const KEY = Buffer.alloc(32, 1).toString("base64");
const minimal = { SHOPIFY_API_KEY: "k", SHOPIFY_API_SECRET: "s", POSTVENTA_ENCRYPTION_KEY: KEY };
const production = {
  ...minimal,
  NODE_ENV: "production",
  DATABASE_URL: "postgresql://u:p@db:5432/postventa",
  SHOPIFY_APP_URL: "https://app.example.com",
};
const problems = (env: Record<string, string | undefined>) => {
  try {
    readConfig(env);
    return "";
  } catch (error) {
    return (error as Error).message;
  }
};

describe("configuration", () => {
  it("gives development defaults", () => {
    expect(readConfig(minimal)).toMatchObject({
      NODE_ENV: "development",
      PORT: 3000,
      RUN_WORKER: true,
      WORKER_CONCURRENCY: 4,
      SHOPIFY_APP_URL: "http://localhost:3000",
      POSTVENTA_PG_PORT: 54329,
    });
  });

  it("names every missing or malformed variable at once", () => {
    const message = problems({ POSTVENTA_ENCRYPTION_KEY: "short", PORT: "eighty", WORKER_CONCURRENCY: "0" });
    expect(message).toMatch(/SHOPIFY_API_KEY: is not set/);
    expect(message).toMatch(/SHOPIFY_API_SECRET: is not set/);
    expect(message).toMatch(/POSTVENTA_ENCRYPTION_KEY: must be 32 random bytes in base64.*openssl rand -base64 32/);
    expect(message).toMatch(/PORT:/);
    expect(message).toMatch(/WORKER_CONCURRENCY:/);
  });

  it("takes an empty variable as unset", () => {
    expect(problems({ ...minimal, SHOPIFY_API_SECRET: "" })).toMatch(/SHOPIFY_API_SECRET: is not set/);
    expect(readConfig({ ...minimal, DATABASE_URL: "" }).DATABASE_URL).toBeUndefined();
  });

  it("in production requires a database and the app URL, and refuses the local stand-ins", () => {
    expect(readConfig(production).DATABASE_URL).toBe(production.DATABASE_URL);
    expect(problems({ ...production, DATABASE_URL: undefined })).toMatch(/DATABASE_URL: is required in production/);
    expect(problems({ ...production, SHOPIFY_APP_URL: undefined })).toMatch(/SHOPIFY_APP_URL: is required in production/);
    expect(problems({ ...production, HUBSPOT_BASE_URL: "http://127.0.0.1:9" })).toMatch(/HUBSPOT_BASE_URL: points at a local stand-in/);
  });

  it("wants both HubSpot app credentials or neither", () => {
    expect(problems({ ...minimal, HUBSPOT_CLIENT_ID: "id" })).toMatch(/HUBSPOT_CLIENT_SECRET: is needed with the other/);
  });

  it("takes the tunnel URL the Shopify CLI passes as HOST", () => {
    expect(readConfig({ ...minimal, HOST: "https://abc.trycloudflare.com" }).SHOPIFY_APP_URL).toBe("https://abc.trycloudflare.com");
    expect(
      readConfig({ ...minimal, HOST: "https://abc.trycloudflare.com", SHOPIFY_APP_URL: "https://app.example.com" }).SHOPIFY_APP_URL,
    ).toBe("https://app.example.com");
  });

  it("a production start without DATABASE_URL stops at once with the reason, starting no Postgres", () => {
    for (const entry of ["server/main.ts", "server/worker-main.ts"]) {
      const env: NodeJS.ProcessEnv = { ...process.env, ...minimal, NODE_ENV: "production", SHOPIFY_APP_URL: "https://app.example.com" };
      delete env.DATABASE_URL;
      const run = spawnSync(path.join(ROOT, "node_modules/.bin/node"), ["--import", "tsx", entry], {
        cwd: ROOT,
        env,
        encoding: "utf8",
        timeout: 30_000,
      });
      expect(run.status, run.stderr).toBe(78);
      expect(run.stderr).toMatch(/DATABASE_URL: is required in production/);
      expect(run.stderr).not.toMatch(/at .*\.ts:\d+/); // a message, not a stack trace
    }
  });
});
