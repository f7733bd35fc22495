import { defineConfig } from "vitest/config";
import { DEV_ENV } from "./test/dev-env.ts";

export default defineConfig({
  test: {
    include: ["app/**/*.test.ts", "integrations/**/*.test.ts", "test/**/*.test.ts"],
    // Builds the app once and starts the shared embedded Postgres (each HTTP test file then uses
    // its own database in it).
    globalSetup: ["test/global-setup.ts"],
    // The app's configuration is checked as in production (app/config.server.ts); tests run it
    // with the development credentials.
    env: DEV_ENV,
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
