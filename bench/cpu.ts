// CPU used between two moments, read from Linux's /proc (nothing to add to the measured processes):
// per process group (a spawned child and whatever it started), per process tree one level deep (a
// Postgres postmaster and its backends), and the whole machine. Elsewhere: samples are empty, figures NaN.
import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";

const TICK = (() => {
  try {
    return Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim()) || 100;
  } catch {
    return 100;
  }
})();

interface Proc {
  comm: string;
  ppid: number;
  pgrp: number;
  ticks: number; // utime + stime
}

export interface CpuSample {
  at: number; // ms
  procs: Map<number, Proc>;
  busy: number; // machine ticks, all cores
  total: number;
  ok: boolean;
}

function readProc(pid: number): Proc | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const f = stat.slice(stat.lastIndexOf(")") + 2).split(" "); // f[0] is field 3 (state)
    const comm = stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")"));
    return { comm, ppid: Number(f[1]), pgrp: Number(f[2]), ticks: Number(f[11]) + Number(f[12]) };
  } catch {
    return null;
  }
}

export function sampleCpu(): CpuSample {
  const procs = new Map<number, Proc>();
  try {
    for (const name of readdirSync("/proc")) {
      if (!/^\d+$/.test(name)) continue;
      const p = readProc(Number(name));
      if (p) procs.set(Number(name), p);
    }
    const cpu = readFileSync("/proc/stat", "utf8").split("\n")[0].trim().split(/\s+/).slice(1, 9).map(Number);
    const [user, nice, system, idle, iowait, irq, softirq, steal] = cpu;
    return {
      at: performance.now(),
      procs,
      busy: user + nice + system + irq + softirq + steal,
      total: user + nice + system + idle + iowait + irq + softirq + steal,
      ok: true,
    };
  } catch {
    return { at: performance.now(), procs, busy: NaN, total: NaN, ok: false };
  }
}

/** Average cores used between a and b by the processes `keep` selects (in b; a process started in between counts from zero). */
function cores(a: CpuSample, b: CpuSample, keep: (pid: number, p: Proc) => boolean) {
  if (!a.ok || !b.ok) return NaN;
  let ticks = 0;
  for (const [pid, p] of b.procs) if (keep(pid, p)) ticks += p.ticks - (a.procs.get(pid)?.ticks ?? 0);
  return ticks / TICK / ((b.at - a.at) / 1000);
}

export const groupCores = (a: CpuSample, b: CpuSample, pgid: number) => cores(a, b, (_pid, p) => p.pgrp === pgid);
export const processCores = (a: CpuSample, b: CpuSample, pid: number) => cores(a, b, (p) => p === pid);
export const treeCores = (a: CpuSample, b: CpuSample, root: number) => cores(a, b, (pid, p) => pid === root || p.ppid === root);
/** Cores busy on the whole machine, and how many it has (as /proc/stat counts them). */
export function machineCores(a: CpuSample, b: CpuSample) {
  const seconds = (b.at - a.at) / 1000;
  return { busy: (b.busy - a.busy) / TICK / seconds, of: (b.total - a.total) / TICK / seconds };
}
/** The busiest processes between a and b that `skip` does not exclude (what "others" were), busiest first. */
export function busiest(a: CpuSample, b: CpuSample, skip: (pid: number, p: Proc) => boolean, n = 3, atLeast = 0.05) {
  if (!a.ok || !b.ok) return [];
  const seconds = (b.at - a.at) / 1000;
  return [...b.procs]
    .filter(([pid, p]) => !skip(pid, p))
    .map(([pid, p]) => ({ pid, comm: p.comm, cores: (p.ticks - (a.procs.get(pid)?.ticks ?? 0)) / TICK / seconds }))
    .filter((x) => x.cores >= atLeast)
    .sort((x, y) => y.cores - x.cores)
    .slice(0, n);
}
export const parentPid = (pid: number) => readProc(pid)?.ppid ?? NaN;

/** A thread's scheduler times (Linux /proc/<pid>/schedstat, ns): on a CPU, and runnable but waiting for one. */
export interface SchedSample {
  at: number; // ms
  running: number;
  waiting: number;
}
export function sampleSched(pid: number | undefined): SchedSample | null {
  try {
    const [running, waiting] = readFileSync(`/proc/${pid}/schedstat`, "utf8").trim().split(/\s+/).map(Number);
    return { at: performance.now(), running: running / 1e6, waiting: waiting / 1e6 };
  } catch {
    return null;
  }
}
/** Shares of the wall time between a and b that the thread spent on a CPU, and waiting for one. */
export function schedShares(a: SchedSample | null, b: SchedSample | null) {
  if (!a || !b) return null;
  const wall = b.at - a.at;
  return { running: (b.running - a.running) / wall, waiting: (b.waiting - a.waiting) / wall };
}
