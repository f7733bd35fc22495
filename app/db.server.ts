// The app's single database handles: one pg pool, shared by Prisma (through its driver adapter)
// and by the few hot paths written in SQL (the webhook inbox).
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "@prisma/client";
import pg from "pg";

declare global {
  // Survives Vite's dev-mode module reloads.
  var __postventaDb: { pool: pg.Pool; prisma: PrismaClient } | undefined;
}

function connect() {
  const url = process.env.DATABASE_URL;
  if (!url) throw new Error("DATABASE_URL is not set: start the app through server/main.ts or set it");
  const pool = new pg.Pool({ connectionString: url, max: Number(process.env.DATABASE_POOL_SIZE ?? 20) });
  // An idle connection dropped by the server (restart, failover) must not crash the process.
  pool.on("error", (error) => console.error(JSON.stringify({ level: "warn", msg: "idle database connection lost", error: error.message })));
  const prisma = new PrismaClient({ adapter: new PrismaPg(pool) });
  return { pool, prisma };
}

globalThis.__postventaDb ??= connect();

export const pool: pg.Pool = globalThis.__postventaDb.pool;
const prisma: PrismaClient = globalThis.__postventaDb.prisma;
export default prisma;

export async function disconnectDb() {
  await prisma.$disconnect();
  await pool.end();
}
