// Every extension test file: Preact runs effects after a paint, on requestAnimationFrame raced by a
// 35 ms timeout that cancels the other. One still pending when the file's jsdom is torn down calls
// a cancelAnimationFrame that no longer exists (seen on a loaded machine as an uncaught
// ReferenceError, which fails the run). The trees are unmounted after each test; this lets their
// last timers fire before the environment goes.
import { afterAll, vi } from "vitest";

afterAll(() => {
  vi.useRealTimers(); // a test left on fake timers would never let this wait end
  return new Promise<void>((resolve) => setTimeout(resolve, 60));
});
