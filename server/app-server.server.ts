// The HTTP server: POST /webhooks goes to the plain intake handler; everything else to Express
// serving the built Remix app. Used by `npm start`, the demo, the tests and the benchmark, so all
// of them exercise the real server.
import path from "node:path";
import { createServer, type Server } from "node:http";
import express from "express";
import { createRequestHandler } from "@remix-run/express";
import type { ServerBuild } from "@remix-run/node";

const ROOT = path.resolve(import.meta.dirname, "..");

// dev: Vite serves the app from source with HMR (`shopify app dev`); otherwise the built app.
export async function startAppServer(
  opts: { port?: number; host?: string; dev?: boolean } = {},
): Promise<{ url: string; close(): Promise<void> }> {
  const app = express();
  app.disable("x-powered-by");
  let closeVite = async () => {};
  if (opts.dev) {
    const vite = await import("vite").then((v) => v.createServer({ root: ROOT, server: { middlewareMode: true } }));
    closeVite = () => vite.close();
    app.use(vite.middlewares);
    app.all("*", createRequestHandler({ build: () => vite.ssrLoadModule("virtual:remix/server-build") as Promise<ServerBuild> }));
  } else {
    const build = (await import(path.join(ROOT, "build/server/index.js"))) as ServerBuild;
    app.use("/assets", express.static(path.join(ROOT, "build/client/assets"), { immutable: true, maxAge: "1y" }));
    const files = express.static(path.join(ROOT, "build/client"), { maxAge: "1h" });
    // The shopper API has no files: no disk lookup on each of its calls (a failed stat per request
    // was ~5 % of the rewards page's CPU).
    app.use((req, res, next) => (req.path.startsWith("/api/") ? next() : files(req, res, next)));
    app.all("*", createRequestHandler({ build }));
  }
  // Imported here: app modules open the database pool from DATABASE_URL when loaded.
  const { createWebhookIntake } = await import("../app/webhooks/intake.server.ts");
  const { config } = await import("../app/config.server.ts");
  const intake = createWebhookIntake(config().SHOPIFY_API_SECRET);
  const server: Server = createServer((req, res) => {
    if (req.url === "/webhooks" || req.url?.startsWith("/webhooks?")) intake(req, res);
    else app(req, res);
  });
  const host = opts.host ?? "127.0.0.1";
  await new Promise<void>((resolve) => server.listen(opts.port ?? 0, host, resolve));
  server.keepAliveTimeout = 65_000;
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : opts.port;
  return {
    url: `http://${host}:${port}`,
    close: async () => {
      await closeVite();
      await new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      });
    },
  };
}
