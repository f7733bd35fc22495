import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["app/**/*.test.ts", "integrations/**/*.test.ts", "test/**/*.test.ts"],
    // Builds the app once and starts the shared embedded Postgres (each HTTP test file then uses
    // its own database in it).
    globalSetup: ["test/global-setup.ts"],
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
