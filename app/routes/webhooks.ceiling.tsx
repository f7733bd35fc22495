import type { ActionFunctionArgs } from "@remix-run/node";
import { authenticate } from "../shopify.server";

// Benchmark only (POSTVENTA_BENCH_CEILING=1): the same server's bare ceiling — HMAC check and 200,
// no database — to compare the real webhook route against. 404 otherwise.
export const action = async ({ request }: ActionFunctionArgs) => {
  if (process.env.POSTVENTA_BENCH_CEILING !== "1") return new Response("Not found", { status: 404 });
  try {
    await authenticate.webhook(request);
  } catch (error) {
    if (error instanceof Response) return error;
    throw error;
  }
  return new Response("OK", { status: 200 });
};
