// Preloaded (`--import`) into every process bench/children.ts spawns: if the bench process goes away
// without stopping us (kill -9, a crash past its handlers), the IPC channel closes and we stop too —
// SIGTERM first, so a server shuts down as it normally would, then a hard exit.
if (process.send) {
  process.on("disconnect", () => {
    setTimeout(() => process.exit(1), 10_000).unref();
    process.kill(process.pid, "SIGTERM");
  });
}
