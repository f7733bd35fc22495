// Benchmarks' child processes and cleanup: whatever way the bench ends — done, a thrown error,
// Ctrl-C / SIGTERM / SIGHUP, or one of its children dying — every child's whole process group is
// stopped (SIGTERM, then SIGKILL after a grace period) and the registered cleanups (an embedded
// Postgres, pools) run, newest first. Children are spawned detached, in a process group of their own,
// with an IPC channel and bench/exit-with-parent.ts preloaded: even if this process is SIGKILLed,
// they end themselves when the channel closes. No orphan server is left holding a core.
//
//   const sup = supervise();
//   sup.defer(() => db.stop());
//   const server = sup.spawnNode("server", ["server/main.ts"], { env });
//   await sup.run(async () => { ... });   // cleans up and exits 0, or 1 on a throw
import { spawn, type ChildProcess, type SpawnOptions } from "node:child_process";
import path from "node:path";

const ROOT = path.resolve(import.meta.dirname, "..");
export const NODE = path.join(ROOT, "node_modules/.bin/node");

interface Tracked {
  name: string;
  child: ChildProcess;
  group: boolean; // detached: signal the whole process group
  mayExit: boolean; // a clean exit (code 0) is expected, not a crash
  exited: Promise<void>;
  done: boolean;
}

export interface Supervisor {
  /** Spawns `command` detached in its own process group; its death before cleanup fails the bench unless `mayExit` and code 0. */
  spawn(name: string, command: string, args: string[], options?: SpawnOptions & { mayExit?: boolean }): ChildProcess;
  /** Node 24 with tsx and the exit-with-parent guard; stdio: ignore, stdout piped, stderr inherited, IPC. */
  spawnNode(
    name: string,
    args: string[],
    options?: { env?: NodeJS.ProcessEnv; mayExit?: boolean; stdout?: "pipe" | "inherit" | "ignore" },
  ): ChildProcess;
  /** A child spawned elsewhere (e.g. test/stack.ts spawnWorkerProcess): stopped at cleanup (its group only if it leads one). */
  adopt(name: string, child: ChildProcess, opts?: { mayExit?: boolean }): ChildProcess;
  /** Stops one child now (its group, SIGTERM then SIGKILL); no failure is raised for its exit. */
  stop(child: ChildProcess): Promise<void>;
  /** Runs at cleanup after the children are stopped, last registered first. */
  defer(fn: () => unknown): void;
  /** Idempotent. */
  cleanup(): Promise<void>;
  /** Prints the reason, cleans up, exits 1. */
  fail(reason: unknown): Promise<never>;
  /** Runs the bench body, then cleans up and exits 0; a throw → fail. */
  run(main: () => Promise<unknown>): Promise<never>;
}

export function supervise(opts: { graceMs?: number } = {}): Supervisor {
  const graceMs = opts.graceMs ?? 5000;
  const tracked: Tracked[] = [];
  const deferred: (() => unknown)[] = [];
  let cleaning: Promise<void> | null = null;
  let failing = false;

  const signalGroup = (t: Tracked, signal: NodeJS.Signals) => {
    const pid = t.child.pid;
    if (pid === undefined) return;
    try {
      process.kill(t.group ? -pid : pid, signal);
    } catch {
      // already gone
    }
  };

  const stopOne = async (t: Tracked) => {
    if (!t.done) {
      t.done = true; // its exit is ours, not a crash
      signalGroup(t, "SIGTERM");
      const timer = new Promise<"timeout">((r) => setTimeout(() => r("timeout"), graceMs).unref());
      if ((await Promise.race([t.exited.then(() => "exited" as const), timer])) === "timeout") signalGroup(t, "SIGKILL");
      await Promise.race([t.exited, new Promise((r) => setTimeout(r, 1000).unref())]);
    }
    // The leader is gone; anything it left in its group goes too.
    signalGroup(t, "SIGKILL");
  };

  const track = (name: string, child: ChildProcess, group: boolean, mayExit: boolean) => {
    const t: Tracked = {
      name,
      child,
      group,
      mayExit,
      done: false,
      exited: new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) resolve();
        else child.once("exit", () => resolve());
      }),
    };
    tracked.push(t);
    child.once("error", (error) => {
      if (!t.done && !cleaning) void sup.fail(new Error(`${name}: ${error.message}`));
    });
    child.once("exit", (code, signal) => {
      if (t.done || cleaning) return;
      t.done = true;
      signalGroup(t, "SIGKILL");
      if (t.mayExit && code === 0) return;
      void sup.fail(new Error(`${name} (pid ${child.pid}) exited unexpectedly: ${signal ?? `code ${code}`}`));
    });
    return child;
  };

  const sup: Supervisor = {
    spawn(name, command, args, options = {}) {
      const { mayExit = false, ...spawnOptions } = options;
      const child = spawn(command, args, { ...spawnOptions, detached: true });
      return track(name, child, true, mayExit);
    },
    spawnNode(name, args, options = {}) {
      return sup.spawn(name, NODE, ["--import", "tsx", "--import", "./bench/exit-with-parent.ts", ...args], {
        cwd: ROOT,
        env: options.env ?? process.env,
        stdio: ["ignore", options.stdout ?? "pipe", "inherit", "ipc"],
        mayExit: options.mayExit,
      });
    },
    adopt(name, child, o = {}) {
      return track(name, child, false, o.mayExit ?? false);
    },
    async stop(child) {
      const t = tracked.find((x) => x.child === child);
      if (t) await stopOne(t);
    },
    defer(fn) {
      deferred.push(fn);
    },
    cleanup() {
      cleaning ??= (async () => {
        await Promise.all(tracked.map(stopOne));
        for (const fn of deferred.reverse()) {
          try {
            await fn();
          } catch (error) {
            console.error(`bench cleanup: ${error instanceof Error ? error.message : String(error)}`);
          }
        }
      })();
      return cleaning;
    },
    async fail(reason) {
      if (failing) return new Promise<never>(() => {});
      failing = true;
      console.error(`bench failed: ${reason instanceof Error ? (reason.stack ?? reason.message) : String(reason)}`);
      const hardStop = setTimeout(() => process.exit(1), graceMs + 30_000);
      hardStop.unref();
      await sup.cleanup();
      process.exit(1);
    },
    async run(main) {
      try {
        await main();
      } catch (error) {
        return sup.fail(error);
      }
      await sup.cleanup();
      process.exit(0);
    },
  };

  for (const [signal, code] of [
    ["SIGINT", 130],
    ["SIGTERM", 143],
    ["SIGHUP", 129],
  ] as const) {
    process.on(signal, () => {
      if (failing) return;
      failing = true;
      console.error(`bench: ${signal}, stopping children…`);
      setTimeout(() => process.exit(code), graceMs + 30_000).unref();
      void sup.cleanup().finally(() => process.exit(code));
    });
  }
  process.on("uncaughtException", (error) => void sup.fail(error));
  process.on("unhandledRejection", (error) => void sup.fail(error));
  // Last resort (process.exit from anywhere): no time for anything asynchronous, but no child survives.
  process.on("exit", () => {
    for (const t of tracked) signalGroup(t, "SIGKILL");
  });
  return sup;
}

/** Resolves with the first stdout line of `child` containing `marker`; rejects after timeoutMs. Later output is passed to `rest`. */
export function waitForLine(
  child: ChildProcess,
  marker: string,
  timeoutMs: number,
  rest: (line: string) => void = () => {},
): Promise<string> {
  return new Promise((resolve, reject) => {
    let buffered = "";
    let found = false;
    const timer = setTimeout(() => reject(new Error(`no "${marker}" from pid ${child.pid} after ${timeoutMs} ms`)), timeoutMs);
    child.stdout!.setEncoding("utf8");
    child.stdout!.on("data", (chunk: string) => {
      buffered += chunk;
      let nl: number;
      while ((nl = buffered.indexOf("\n")) >= 0) {
        const line = buffered.slice(0, nl);
        buffered = buffered.slice(nl + 1);
        if (!found && line.includes(marker)) {
          found = true;
          clearTimeout(timer);
          resolve(line);
        } else rest(line);
      }
    });
  });
}
