// The machine's ceiling for bench/shopper.ts: a bare node:http server doing only what any endpoint
// answering a customer-account session token must — take the Bearer token, HMAC-SHA256 its header
// and payload with the app secret, compare with its signature in constant time, parse the claims and
// check them as the real one does (alg HS256, exp and nbf with the library's 10 s tolerance, `aud`
// the client id, `dest` a shop domain, `sub` a customer gid) — and answer a fixed JSON body (a real
// account view the parent took from the real server, so the same size) with the real answer's
// headers; 401 otherwise. No framework, no database. One process, like the real server.
// Env: SHOPIFY_API_KEY, SHOPIFY_API_SECRET, BENCH_CEILING_BODY, PORT (0 = any), HOST.
import { createHmac, timingSafeEqual } from "node:crypto";
import http from "node:http";

const apiKey = process.env.SHOPIFY_API_KEY;
const secret = process.env.SHOPIFY_API_SECRET;
const body = Buffer.from(process.env.BENCH_CEILING_BODY ?? "", "utf8");
if (!apiKey || !secret || !body.length) throw new Error("SHOPIFY_API_KEY, SHOPIFY_API_SECRET and BENCH_CEILING_BODY are required");
const CLOCK_TOLERANCE_S = 10; // @shopify/shopify-api's JWT_PERMITTED_CLOCK_TOLERANCE
const HS256_HEADER = /"alg"\s*:\s*"HS256"/;
const SHOP = /^[a-z0-9][a-z0-9-]*\.myshopify\.com$/;
const CUSTOMER_GID = /^gid:\/\/shopify\/Customer\/[1-9][0-9]{0,19}$/;
const unauthorized = Buffer.from(JSON.stringify({ error: "Sign in to see your rewards.", code: "unauthenticated" }));
const headers = (length: number) => ({
  "Content-Type": "application/json; charset=utf-8",
  "Content-Length": length,
  "Cache-Control": "no-store",
  "Access-Control-Allow-Origin": "*",
  "Access-Control-Allow-Headers": "Authorization, Content-Type",
  "Access-Control-Allow-Methods": "GET, POST, OPTIONS",
  "Access-Control-Max-Age": "7200",
  Vary: "Accept-Language",
});

function verified(authorization: string | undefined): boolean {
  if (!authorization?.startsWith("Bearer ")) return false;
  const token = authorization.slice(7);
  const dot1 = token.indexOf(".");
  const dot2 = token.indexOf(".", dot1 + 1);
  if (dot1 < 0 || dot2 < 0 || token.indexOf(".", dot2 + 1) >= 0) return false;
  const expected = createHmac("sha256", secret!).update(token.slice(0, dot2)).digest();
  const given = Buffer.from(token.slice(dot2 + 1), "base64url");
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return false;
  try {
    if (!HS256_HEADER.test(Buffer.from(token.slice(0, dot1), "base64url").toString("utf8"))) return false;
    const claims = JSON.parse(Buffer.from(token.slice(dot1 + 1, dot2), "base64url").toString("utf8")) as Record<string, unknown>;
    const now = Date.now() / 1000;
    if (typeof claims.exp !== "number" || claims.exp <= now - CLOCK_TOLERANCE_S) return false;
    if (typeof claims.nbf === "number" && claims.nbf > now + CLOCK_TOLERANCE_S) return false;
    const aud = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
    if (!aud.includes(apiKey)) return false;
    if (typeof claims.dest !== "string" || !SHOP.test(claims.dest)) return false;
    return typeof claims.sub === "string" && CUSTOMER_GID.test(claims.sub);
  } catch {
    return false;
  }
}

const server = http.createServer((req, res) => {
  const ok = verified(req.headers.authorization);
  res.writeHead(ok ? 200 : 401, headers(ok ? body.length : unauthorized.length));
  res.end(ok ? body : unauthorized);
  req.resume();
});
server.keepAliveTimeout = 65_000;
server.listen(Number(process.env.PORT ?? 0), process.env.HOST ?? "127.0.0.1", () => {
  const a = server.address();
  console.log(`ceiling listening on http://${process.env.HOST ?? "127.0.0.1"}:${typeof a === "object" && a ? a.port : "?"}`);
});
process.on("SIGTERM", () => process.exit(0));
