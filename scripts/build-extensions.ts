// npm run build:extensions — bundles every UI extension with the Shopify CLI's offline
// `shopify app build` (no login, no network) and prints each one's compressed size against the
// goals: blocks < 32 KB, the full page < 64 KB. The last line is
// `extensions_max_block_kb=<n> page_kb=<n> goal=met|missed`; the exit code is 0 only when every
// extension built and the goal is met.
//
// The CLI runs as a child in its own process group, under a timeout (BUILD_EXTENSIONS_TIMEOUT_MS,
// default 180 s): a build that never exits (seen with a React extension missing a dependency: one
// error printed thousands of times) is killed, and so is the child if this script is stopped.
//
// APP_URL: the CLI bakes `process.env.APP_URL` into the bundles (extensions/shared/api.ts). When
// it is not set, this script sets it to shopify.app.toml's application_url, as a deploy would.
import { spawn } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { GOALS, isFullPage, parseSizes, targetsOf, verdict } from "./extension-sizes.ts";

const ROOT = path.resolve(import.meta.dirname, "..");
const TIMEOUT_MS = Number(process.env.BUILD_EXTENSIONS_TIMEOUT_MS ?? 180_000);
const CLI = path.join(ROOT, "node_modules", "@shopify", "cli", "bin", "run.js");
const KEEP = 1 << 20; // the last 1 MiB of output is enough to read the sizes and any error

function extensions(): Map<string, string[]> {
  const dir = path.join(ROOT, "extensions");
  const found = new Map<string, string[]>();
  for (const name of readdirSync(dir)) {
    const toml = path.join(dir, name, "shopify.extension.toml");
    if (!existsSync(toml)) continue;
    const text = readFileSync(toml, "utf8");
    const handle = /^\s*handle\s*=\s*"([^"]+)"/m.exec(text)?.[1] ?? name;
    found.set(handle, targetsOf(text));
  }
  return found;
}

function applicationUrl(): string | undefined {
  const toml = readFileSync(path.join(ROOT, "shopify.app.toml"), "utf8");
  return /^\s*application_url\s*=\s*"([^"]+)"/m.exec(toml)?.[1];
}

function runCli(env: NodeJS.ProcessEnv): Promise<{ code: number | null; output: string; timedOut: boolean }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, "app", "build", "--skip-dependencies-installation", "--no-color", "--path", ROOT], {
      cwd: ROOT,
      env,
      detached: true, // its own process group: killing the group ends whatever the CLI started
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    let timedOut = false;
    const take = (chunk: Buffer) => {
      output = (output + chunk.toString("utf8")).slice(-KEEP);
    };
    child.stdout.on("data", take);
    child.stderr.on("data", take);
    const killGroup = (signal: NodeJS.Signals) => {
      try {
        if (child.pid) process.kill(-child.pid, signal);
      } catch {
        // already gone
      }
    };
    const onExit = () => killGroup("SIGKILL");
    const onSignal = (signal: NodeJS.Signals) => {
      killGroup("SIGKILL");
      process.exit(signal === "SIGINT" ? 130 : 143);
    };
    process.on("exit", onExit);
    // `on`, not `once`: under `node --import tsx` a `once` SIGTERM listener was not called (seen here).
    process.on("SIGINT", onSignal);
    process.on("SIGTERM", onSignal);
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup("SIGTERM");
      setTimeout(() => killGroup("SIGKILL"), 5_000).unref();
    }, TIMEOUT_MS);
    child.on("close", (code) => {
      clearTimeout(timer);
      killGroup("SIGKILL"); // anything the CLI left running in its group
      process.off("exit", onExit);
      process.off("SIGINT", onSignal);
      process.off("SIGTERM", onSignal);
      resolve({ code, output, timedOut });
    });
  });
}

async function main() {
  const expected = extensions();
  const env: NodeJS.ProcessEnv = { ...process.env, SHOPIFY_CLI_NO_ANALYTICS: "1", CI: process.env.CI ?? "1" };
  if (!env.APP_URL) env.APP_URL = applicationUrl();
  console.log(`shopify app build (offline) of ${expected.size} extensions; APP_URL baked in: ${env.APP_URL ?? "(none)"}`);

  const started = Date.now();
  const { code, output, timedOut } = await runCli(env);
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  const sizes = parseSizes(output);
  const pages = new Set([...expected].filter(([, targets]) => isFullPage(targets)).map(([handle]) => handle));

  let ok = code === 0 && !timedOut;
  if (!ok) {
    console.log(output.trim().split("\n").slice(-40).join("\n"));
    console.log(timedOut ? `shopify app build did not finish in ${TIMEOUT_MS / 1000} s: killed` : `shopify app build exited with ${code}`);
  }
  for (const [handle, targets] of expected) {
    const size = sizes.find((s) => s.handle === handle);
    const goal = pages.has(handle) ? GOALS.pageKb : GOALS.blockKb;
    if (!size) {
      ok = false;
      console.log(`${handle.padEnd(18)} ${targets.join(", ")}: no size reported (not built)`);
      continue;
    }
    console.log(
      `${handle.padEnd(18)} ${targets.join(", ").padEnd(44)} ${size.originalKb.toFixed(1).padStart(6)} KB original ` +
        `~${size.compressedKb.toFixed(1).padStart(5)} KB compressed (goal < ${goal} KB: ${size.compressedKb < goal ? "ok" : "over"})`,
    );
  }
  console.log(`built in ${seconds} s`);
  const result = verdict(sizes, pages, ok);
  console.log(result.line);
  process.exitCode = result.met ? 0 : 1;
}

await main();
