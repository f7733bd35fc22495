// `npm run hubspot:check` against the local HubSpot sandbox: every check passes and nothing it
// wrote is left; a token HubSpot does not accept fails the first check, readably, with exit code 1.
import { spawn } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startHubSpotSandbox, type HubSpotSandbox } from "./sandboxes/hubspot/server";
import { runHubSpotCheck } from "../integrations/hubspot/check.server";
import { CONTACT_PROPERTIES } from "../integrations/hubspot/properties";

let sandbox: HubSpotSandbox;
beforeAll(async () => {
  sandbox = await startHubSpotSandbox();
  process.env.HUBSPOT_BASE_URL = sandbox.url;
});
afterAll(async () => sandbox?.close());

const CHECKS = [
  "token",
  "contact properties",
  "contact upsert by email",
  "note with association 202 and marker",
  "consistent note lookup",
  "ticket pipeline",
  "ticket with association 16 and marker",
  "consistent ticket lookup",
  "rate-limit headers",
  "cleanup",
];

function runScript(token: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    // Only what the script needs: no Shopify credentials, no database (it fills placeholders).
    const env = { PATH: process.env.PATH, HOME: process.env.HOME, NODE_ENV: "test", HUBSPOT_BASE_URL: sandbox.url } as const;
    const child = spawn(process.execPath, ["--import", "tsx", "scripts/hubspot-check.ts", "--token", token], { env });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

describe("npm run hubspot:check", () => {
  it("passes every check on a HubSpot that behaves as the app relies on, and leaves nothing behind", async () => {
    const { portalId, privateAppToken } = sandbox.createPortal();
    for (const run of [1, 2]) {
      const lines: string[] = [];
      expect(await runHubSpotCheck(privateAppToken, (l) => lines.push(l))).toBe(true);
      expect(lines.map((l) => /^(PASS|FAIL) ([^(:]+?)(?: \(|:|$)/.exec(l)?.slice(1))).toEqual(CHECKS.map((c) => ["PASS", c]));
      expect(lines[0]).toContain(`portal ${portalId}`);
      // idempotent: the first run on this account created our properties, the second nothing
      expect(lines[1]).toContain(run === 1 ? `${CONTACT_PROPERTIES.length} created` : "0 created");
      expect(lines.find((l) => l.startsWith("PASS rate-limit headers"))).toMatch(/max \d+ per 10000 ms, \d+ remaining/);
    }
    const state = sandbox.state(portalId);
    expect(state.contacts).toEqual([]);
    expect(state.notes).toEqual([]);
    expect(state.tickets).toEqual([]);
    expect(state.associations).toEqual([]);
  });

  it("skips the ticket checks, without failing, for a token without the optional tickets scope; fails on a pipeline without our stages", async () => {
    const scopes = ["crm.objects.contacts.read", "crm.objects.contacts.write", "crm.schemas.contacts.read", "crm.schemas.contacts.write"];
    const { portalId, privateAppToken } = sandbox.createPortal({ scopes });
    const lines: string[] = [];
    expect(await runHubSpotCheck(privateAppToken, (l) => lines.push(l))).toBe(true);
    expect(lines.filter((l) => l.startsWith("SKIP "))).toEqual([
      'SKIP ticket with association 16 and marker: the token lacks the optional "tickets" scope',
      'SKIP consistent ticket lookup: the token lacks the optional "tickets" scope',
    ]);
    expect(sandbox.state(portalId).contacts).toEqual([]);

    sandbox.setTicketPipelines(portalId, [{ id: "0", label: "Support Pipeline", stages: [{ id: "1", label: "New" }] }]);
    const again: string[] = [];
    expect(await runHubSpotCheck(privateAppToken, (l) => again.push(l))).toBe(false);
    expect(again.find((l) => l.startsWith("FAIL ticket pipeline"))).toContain(`has no stage "2" (for waiting on contact)`);
  });

  it("sees the rate-limit headers the sandbox sends as HubSpot does", async () => {
    const { privateAppToken } = sandbox.createPortal();
    const res = await fetch(`${sandbox.url}/crm/v3/objects/contacts?limit=1`, { headers: { Authorization: `Bearer ${privateAppToken}` } });
    expect(res.status).toBe(200);
    expect(res.headers.get("X-HubSpot-RateLimit-Max")).toMatch(/^\d+$/);
    expect(res.headers.get("X-HubSpot-RateLimit-Remaining")).toMatch(/^\d+$/);
    expect(res.headers.get("X-HubSpot-RateLimit-Interval-Milliseconds")).toBe("10000");
  });

  it("fails the first check, readably, for an unknown token", async () => {
    const lines: string[] = [];
    expect(await runHubSpotCheck("pat-na1-not-a-token", (l) => lines.push(l))).toBe(false);
    expect(lines[0]).toMatch(/^FAIL token: HubSpot does not accept this token .*\(HTTP 401\)$/);
    expect(lines.slice(1, -1).every((l) => l.startsWith("FAIL ") && l.includes("not run"))).toBe(true);
    expect(lines.at(-1)).toBe("PASS cleanup (nothing was written)");
  });

  it("as a script: exits 1 with a revoked token, 0 with a good one", async () => {
    const { portalId, privateAppToken } = sandbox.createPortal();
    const good = await runScript(privateAppToken);
    expect(good.stderr).toBe("");
    expect(good.code).toBe(0);
    expect(good.stdout.split("\n").filter((l) => l.startsWith("PASS "))).toHaveLength(CHECKS.length);
    expect(sandbox.state(portalId).contacts).toEqual([]);

    sandbox.revoke(privateAppToken);
    const revoked = await runScript(privateAppToken);
    expect(revoked.code).toBe(1);
    expect(revoked.stdout).toMatch(/^FAIL token: HubSpot does not accept this token/m);
    expect(revoked.stdout).not.toContain(privateAppToken);
  }, 60_000);
});
