// The architecture's import rules (eslint.config.js) do fire: a domain module that reaches for the
// database or a framework, app code that imports a service's SDK, and an extension that imports
// anything of the app but the shopper API's types, are refused.
import path from "node:path";
import { ESLint } from "eslint";
import { describe, expect, it } from "vitest";

const ROOT = path.resolve(import.meta.dirname, "..");
const eslint = new ESLint({ cwd: ROOT });
const lint = async (file: string, code: string) =>
  (await eslint.lintText(code, { filePath: path.join(ROOT, file) }))[0].messages
    .filter((m) => ["no-restricted-imports", "@typescript-eslint/no-restricted-imports", "no-restricted-syntax"].includes(m.ruleId ?? ""))
    .map((m) => m.message);

describe("import rules", () => {
  it("app/domain imports only its own modules", async () => {
    expect(await lint("app/domain/probe.ts", `import { pool } from "../db.server";\nexport const p = pool;\n`)).toEqual([
      expect.stringMatching(/app\/domain is plain TypeScript/),
    ]);
    expect(await lint("app/domain/probe.ts", `import pg from "pg";\nexport const p = pg;\n`)).toHaveLength(1);
    expect(await lint("app/domain/probe.ts", `import { fromMinor } from "./money";\nexport const p = fromMinor;\n`)).toEqual([]);
  });

  it("service SDKs are imported only under integrations/", async () => {
    const sdk = `import { Client } from "@hubspot/api-client";\nexport const c = Client;\n`;
    expect(await lint("app/hubspot/probe.server.ts", sdk)).toEqual([expect.stringMatching(/only through integrations/)]);
    expect(await lint("server/probe.ts", sdk)).toHaveLength(1);
    expect(await lint("integrations/hubspot/probe.server.ts", sdk)).toEqual([]);
  });

  it("extensions take only types from app/shopper/views.ts, and no Node or React", async () => {
    const file = "extensions/rewards-page/src/Probe.tsx";
    const types = `import type { AccountView } from "../../../app/shopper/views.ts";\nexport type A = AccountView;\n`;
    expect(await lint(file, types)).toEqual([]);
    expect(await lint(file, `import { x } from "../../../app/shopper/views.ts";\nexport const p = x;\n`)).toEqual([
      expect.stringMatching(/only types from the app/),
    ]);
    expect(await lint(file, `import type { Config } from "../../../app/config.server.ts";\nexport type C = Config;\n`)).toEqual([
      expect.stringMatching(/import nothing of the app/),
    ]);
    expect(
      await lint(
        file,
        `import { ADMIN_API_VERSION } from "../../../integrations/shopify/api-version.ts";\nexport const v = ADMIN_API_VERSION;\n`,
      ),
    ).toHaveLength(1);
    expect(await lint(file, `import { useState } from "react";\nexport const u = useState;\n`)).toHaveLength(1);
    expect(await lint(file, `import fs from "node:fs";\nexport const f = fs;\n`)).toHaveLength(1);
    expect(
      await lint(
        file,
        `import { callApi } from "../../shared/api.ts";\nimport { render } from "preact";\nexport const c = [callApi, render];\n`,
      ),
    ).toEqual([]);
  });

  it("extensions read no environment variable but APP_URL (the CLI would bake it into the public bundle)", async () => {
    const file = "extensions/shared/probe.ts";
    expect(await lint(file, `declare const process: any;\nexport const u = process.env.APP_URL;\n`)).toEqual([]);
    expect(await lint(file, `declare const process: any;\nexport const s = process.env.SHOPIFY_API_SECRET;\n`)).toEqual([
      expect.stringMatching(/only process.env.APP_URL/),
    ]);
    expect(await lint(file, `declare const process: any;\nexport const s = process.env["DATABASE_URL"];\n`)).toHaveLength(1);
    expect(await lint("scripts/probe.ts", `export const s = process.env.DATABASE_URL;\n`)).toEqual([]);
  });
});
