// The embedded PostgreSQL launcher shares a cluster only with itself: the test cluster (started by
// global-setup on this run's port) is reused by a start with the same data directory, and refused
// to a start with another one — another clone's tests would otherwise drop databases under it.
import { describe, expect, it } from "vitest";
import { startEmbeddedPostgres } from "../server/database.server.ts";

const port = Number(process.env.POSTVENTA_PG_PORT);

describe.skipIf(!!process.env.DATABASE_URL)("startEmbeddedPostgres on a port already in use", () => {
  it("reuses the cluster when it is this data directory's", async () => {
    const db = await startEmbeddedPostgres({ dataDir: process.env.POSTVENTA_PG_DATA, port, database: "postgres" });
    expect(db.url).toBe(`postgresql://postgres:postgres@127.0.0.1:${port}/postgres`);
    await db.stop(); // reused: stopping it is not ours to do, and leaves the cluster up
    const again = await startEmbeddedPostgres({ dataDir: process.env.POSTVENTA_PG_DATA, port, database: "postgres" });
    await again.stop();
  });

  it("refuses another clone's cluster, saying whose it is and what to do", async () => {
    await expect(startEmbeddedPostgres({ dataDir: ".data/another-clone", port, database: "postgres" })).rejects.toThrow(
      new RegExp(
        `Port ${port} is already used by another PostgreSQL \\(its data is in .*test-postgres; this clone's is in .*another-clone\\)`,
      ),
    );
  });
});
