// A benchmark that fails, or is killed outright, leaves no child process running (seen before: an
// orphan server/main.ts holding a core after a crash).
import { spawn } from "node:child_process";
import path from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = path.resolve(import.meta.dirname, "..");
const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

async function runBench(mode: "throw" | "wait") {
  const parent = spawn(path.join(ROOT, "node_modules/.bin/node"), ["--import", "tsx", "test/fixtures/bench-parent.ts", mode], {
    cwd: ROOT,
    stdio: ["ignore", "pipe", "ignore"],
  });
  const childPid = await new Promise<number>((resolve, reject) => {
    let out = "";
    parent.stdout!.on("data", (d) => {
      out += d;
      const m = /child (\d+)/.exec(out);
      if (m) resolve(Number(m[1]));
    });
    parent.on("exit", () => reject(new Error(`bench exited before starting its child: ${out}`)));
  });
  await new Promise((r) => setTimeout(r, 500)); // the child is up
  expect(alive(childPid)).toBe(true);
  return { parent, childPid, exited: new Promise<number | null>((r) => parent.on("exit", (code) => r(code))) };
}

async function gone(pid: number, withinMs: number) {
  const deadline = Date.now() + withinMs;
  while (alive(pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  return !alive(pid);
}

describe("benchmark children", () => {
  it("are stopped when the bench fails, and the bench exits 1", async () => {
    const { childPid, exited } = await runBench("throw");
    expect(await exited).toBe(1);
    expect(await gone(childPid, 5000)).toBe(true);
  });

  it("stop themselves when the bench is killed with SIGKILL", async () => {
    const { parent, childPid } = await runBench("wait");
    parent.kill("SIGKILL"); // no handler runs: the child notices its parent is gone
    expect(await gone(childPid, 15_000)).toBe(true);
  }, 30_000);
});
