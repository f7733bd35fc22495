// Lint rules, starting from Shopify's Remix template (recommended JS/TS and React hooks rules,
// Prettier for formatting), plus the architecture written as import rules:
// - app/domain/** is plain TypeScript: it imports nothing outside itself;
// - outside services' SDKs are imported only under integrations/** (and by the tests' stand-ins);
// - extensions/** (Shopify UI extensions, bundled for the shopper's browser) import nothing of the
//   app but `import type` from app/shopper/views.ts, and no Node, React or admin packages.
import js from "@eslint/js";
import prettier from "eslint-config-prettier";
import reactHooks from "eslint-plugin-react-hooks";
import globals from "globals";
import tseslint from "typescript-eslint";

const SDKS = ["@hubspot/*", "graphql-request", "lossless-json"];

export default tseslint.config(
  { ignores: ["build/", ".data/", ".cache/", "node_modules/", "extensions/*/dist/", "**/*.d.ts"] },
  js.configs.recommended,
  tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
    plugins: { "react-hooks": reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_", caughtErrors: "none" }],
      "no-restricted-imports": [
        "error",
        { patterns: [{ group: SDKS, message: "Outside services are reached only through integrations/." }] },
      ],
    },
  },
  {
    files: ["app/domain/**/*.ts"],
    ignores: ["app/domain/**/*.test.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            {
              regex: "^(?!\\./)",
              message: "app/domain is plain TypeScript: it imports only its own modules (no framework, database or SDK).",
            },
          ],
        },
      ],
    },
  },
  { files: ["integrations/**", "test/**", "bench/**"], rules: { "no-restricted-imports": "off" } },
  {
    files: ["extensions/**/*.{ts,tsx}"],
    languageOptions: { globals: { ...globals.browser, shopify: "readonly" } },
    rules: {
      // The Shopify CLI bakes every `process.env.X` of its environment and the app's .env (secrets
      // included) into the public bundle: extensions read APP_URL only.
      "no-restricted-syntax": [
        "error",
        {
          selector: "MemberExpression[object.object.name='process'][object.property.name='env'][computed=false][property.name!='APP_URL']",
          message: "Extensions read only process.env.APP_URL: the CLI would bake any other variable, secrets included, into the bundle.",
        },
        {
          selector: "MemberExpression[object.object.name='process'][object.property.name='env'][computed=true]",
          message: "Extensions read only process.env.APP_URL: the CLI would bake any other variable, secrets included, into the bundle.",
        },
      ],
      "no-restricted-imports": "off",
      "@typescript-eslint/no-restricted-imports": [
        "error",
        {
          patterns: [
            {
              regex: "(^|/)app/shopper/views(\\.ts)?$",
              allowTypeImports: true,
              message: 'Extensions take only types from the app: `import type { ... } from ".../app/shopper/views.ts"`.',
            },
            {
              regex: "^(~/|(\\.\\./)+(app|integrations|server|prisma|scripts|test)/)(?!shopper/views(\\.ts)?$)",
              message: "Extensions run in the shopper's browser: they import nothing of the app but types from app/shopper/views.ts.",
            },
            {
              regex: "^(node:|react$|react-dom|@remix-run/|@shopify/(polaris|app-bridge|shopify-)|@prisma/|@hubspot/|pg$)",
              message: "Extensions are Preact + Polaris web components in a web worker: no Node, React, admin or server packages.",
            },
          ],
        },
      ],
    },
  },
  // Fuzzers and stand-ins walk arbitrary JSON.
  { files: ["**/*.test.ts", "test/**"], rules: { "@typescript-eslint/no-explicit-any": "off" } },
  prettier,
);
