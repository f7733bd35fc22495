// Renders every document, as in Shopify's Remix template. addDocumentResponseHeaders sets the
// Content-Security-Policy frame-ancestors Shopify requires of embedded pages (only the shop's
// admin may frame them) and the Link preload headers.
import { PassThrough } from "node:stream";
import { renderToPipeableStream } from "react-dom/server";
import { RemixServer } from "@remix-run/react";
import { createReadableStreamFromReadable, type EntryContext } from "@remix-run/node";
import { isbot } from "isbot";
import { addDocumentResponseHeaders } from "./shopify.server";

export const streamTimeout = 5000;

export default async function handleRequest(request: Request, status: number, headers: Headers, remixContext: EntryContext) {
  addDocumentResponseHeaders(request, headers);
  // Crawlers get the whole document at once; browsers get the shell as soon as it is ready.
  const ready = isbot(request.headers.get("user-agent") ?? "") ? "onAllReady" : "onShellReady";
  return new Promise<Response>((resolve, reject) => {
    const { pipe, abort } = renderToPipeableStream(<RemixServer context={remixContext} url={request.url} />, {
      [ready]: () => {
        const body = new PassThrough();
        headers.set("Content-Type", "text/html; charset=utf-8");
        resolve(new Response(createReadableStreamFromReadable(body), { headers, status }));
        pipe(body);
      },
      onShellError: reject,
      onError(error: unknown) {
        status = 500;
        console.error(error);
      },
    });
    // Leaves React time to send the error boundary of a rejected loader before giving up.
    setTimeout(abort, streamTimeout + 1000);
  });
}
