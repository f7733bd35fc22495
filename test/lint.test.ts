// The architecture's import rules (eslint.config.js) do fire: a domain module that reaches for the
// database or a framework, and app code that imports a service's SDK, are refused.
import path from "node:path";
import { ESLint } from "eslint";
import { describe, expect, it } from "vitest";

const ROOT = path.resolve(import.meta.dirname, "..");
const eslint = new ESLint({ cwd: ROOT });
const lint = async (file: string, code: string) =>
  (await eslint.lintText(code, { filePath: path.join(ROOT, file) }))[0].messages
    .filter((m) => m.ruleId === "no-restricted-imports")
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
});
