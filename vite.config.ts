import { vitePlugin as remix } from "@remix-run/dev";
import { defineConfig, type UserConfig } from "vite";
import tsconfigPaths from "vite-tsconfig-paths";

// As in Shopify's Remix template: under `shopify app dev` the app is reached through a tunnel
// (SHOPIFY_APP_URL), so Vite must accept that host and serve HMR over wss on 443; on localhost it
// uses a fixed local port.
const host = new URL(process.env.SHOPIFY_APP_URL || process.env.HOST || "http://localhost").hostname;
const hmr =
  host === "localhost"
    ? { protocol: "ws", host: "localhost", port: 64999, clientPort: 64999 }
    : { protocol: "wss", host, port: Number(process.env.FRONTEND_PORT) || 8002, clientPort: 443 };

export default defineConfig({
  server: {
    allowedHosts: [host],
    cors: { preflightContinue: true },
    hmr,
    fs: { allow: ["app", "node_modules"] },
  },
  plugins: [remix({ ignoredRouteFiles: ["**/.*", "**/*.test.*"] }), tsconfigPaths()],
  build: { assetsInlineLimit: 0 },
  optimizeDeps: { include: ["@shopify/app-bridge-react", "@shopify/polaris"] },
}) satisfies UserConfig;
