import { defineConfig } from "vitest/config";
import { DEV_ENV } from "./test/dev-env.ts";

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: "app",
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
      },
      {
        // The UI extensions (extensions/*), rendered with @shopify/ui-extensions-tester: Preact in a
        // jsdom document, each test file in its own environment (the tester needs isolation: the
        // `shopify` global). No app build, no database: `npx vitest run --project extensions`.
        esbuild: { jsx: "automatic", jsxImportSource: "preact" },
        test: {
          name: "extensions",
          include: ["extensions/**/*.test.{ts,tsx}"],
          environment: "jsdom",
          isolate: true,
          // The tester imports the extension's module (a .tsx) itself: it must go through Vite.
          server: { deps: { inline: ["@shopify/ui-extensions-tester"] } },
          // What the Shopify CLI would bake in as the app's URL (extensions/shared/api.ts).
          env: { APP_URL: "https://postventa.example" },
          setupFiles: ["extensions/shared/test-setup.ts"],
        },
      },
    ],
  },
});
