// The machine's ceiling for bench/webhooks.ts: a bare node:http server doing only what any webhook
// receiver must — read the raw body, HMAC-SHA256 it with the app secret, compare with
// X-Shopify-Hmac-Sha256 in constant time — and answer 200 (401 on a mismatch). No framework, no
// parsing, no database. One process, like the real server. Env: SHOPIFY_API_SECRET, PORT (0 = any), HOST.
import { createHmac, timingSafeEqual } from "node:crypto";
import http from "node:http";

const secret = process.env.SHOPIFY_API_SECRET;
if (!secret) throw new Error("SHOPIFY_API_SECRET is required");

const server = http.createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on("data", (c: Buffer) => chunks.push(c));
  req.on("end", () => {
    const digest = Buffer.from(
      createHmac("sha256", secret)
        .update(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks))
        .digest("base64"),
    );
    const header = req.headers["x-shopify-hmac-sha256"];
    const given = Buffer.from(typeof header === "string" ? header : "");
    const ok = given.length === digest.length && timingSafeEqual(given, digest);
    res.writeHead(ok ? 200 : 401, { "Content-Type": "text/plain", "Content-Length": ok ? 2 : 12 });
    res.end(ok ? "OK" : "Unauthorized");
  });
});
server.keepAliveTimeout = 65_000;
server.listen(Number(process.env.PORT ?? 0), process.env.HOST ?? "127.0.0.1", () => {
  const a = server.address();
  console.log(`ceiling listening on http://${process.env.HOST ?? "127.0.0.1"}:${typeof a === "object" && a ? a.port : "?"}`);
});
process.on("SIGTERM", () => process.exit(0));
