// Prisma CLI configuration. engine "js" makes the CLI use its bundled WebAssembly schema
// engine (the native one would be downloaded from binaries.prisma.sh, unreachable here).
// The CLI is only used to *generate* the client and migration SQL (`npm run db:diff`);
// migrations are applied by server/migrate.server.ts. See docs/decisions/0003-migrations.md.
import { defineConfig } from "prisma/config";
import { PrismaPg } from "@prisma/adapter-pg";

// The schema reads env("DATABASE_URL"); without a value the CLI cannot parse it and falls back to
// downloading a native engine. Generation never connects, so a placeholder is enough.
process.env.DATABASE_URL ??= "postgresql://localhost:5432/postventa";

export default defineConfig({
  schema: "prisma/schema.prisma",
  experimental: { adapter: true },
  engine: "js",
  adapter: async () => new PrismaPg({ connectionString: process.env.DATABASE_URL }),
});
