// Test helpers for the extensions' tests (never imported by an extension's source, so never
// bundled): a translator that reads an extension's locale file as Shopify's does, a fake shopper
// API for the harness's `fetch`, and ways to read what was rendered.
import { render } from "preact";
import { vi } from "vitest";

type Messages = { [key: string]: string | Messages };

/**
 * `shopify.i18n.translate` over a locale file: dotted keys, `{{name}}` replacements, and plural
 * forms ({ one, other, ... }) chosen by `count` with the language's plural rules. A missing key
 * throws, so a test fails when the locale file lacks a string the extension uses.
 */
export function translator(messages: Messages, language: string) {
  const plural = new Intl.PluralRules(language);
  return (key: string, options: Record<string, unknown> = {}): string => {
    let node: string | Messages | undefined = messages;
    for (const part of key.split(".")) node = typeof node === "object" ? node[part] : undefined;
    if (typeof node === "object" && node !== null && typeof options.count === "number") {
      const forms: Messages = node;
      node = forms[plural.select(options.count)] ?? forms.other;
    }
    if (typeof node !== "string") throw new Error(`missing translation ${language}:${key}`);
    return node.replace(/\{\{(\w+)\}\}/g, (_, name: string) => String(options[name] ?? `{{${name}}}`));
  };
}

export interface ApiCall {
  method: string;
  path: string;
  locale: string | null;
  authorization: string | null;
  contentType: string | null;
  body: unknown;
  file?: Blob; // a photo sent as its bytes
  query?: Record<string, string>; // the query's parameters other than `locale`, when there are any
}

type Answer = Response | Promise<Response>;
type Handler = (call: ApiCall) => Answer;

export const json = (body: unknown, status = 200) =>
  new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json", "Access-Control-Allow-Origin": "*" } });

/** A request that never gets an answer (to look at the loading state); `resolve` answers it. */
export function deferred() {
  let resolve!: (r: Response) => void;
  const promise = new Promise<Response>((r) => (resolve = r));
  return { promise, resolve };
}

/**
 * A stand-in for the app: routes "GET /api/account" etc. to handlers, records every call, and
 * throws a TypeError (what fetch does without an answer) for anything else. Requests must go to
 * the app's URL (APP_URL in vitest.config.ts).
 */
export function fakeApi(routes: Record<string, Handler>) {
  const calls: ApiCall[] = [];
  const fetch = vi.fn(async (input: RequestInfo | URL, init: RequestInit = {}) => {
    const url = new URL(String(input));
    const headers = new Headers(init.headers);
    const call: ApiCall = {
      method: init.method ?? "GET",
      path: url.pathname,
      locale: url.searchParams.get("locale"),
      authorization: headers.get("Authorization"),
      contentType: headers.get("Content-Type"),
      body: typeof init.body === "string" ? JSON.parse(init.body) : null,
      ...(init.body instanceof Blob ? { file: init.body } : {}),
    };
    const query = Object.fromEntries([...url.searchParams].filter(([name]) => name !== "locale"));
    if (Object.keys(query).length) call.query = query;
    if (url.origin !== "https://postventa.example") throw new TypeError(`fetch to ${url.origin}`);
    calls.push(call);
    const handler = routes[`${call.method} ${call.path}`];
    if (!handler) throw new TypeError(`no route for ${call.method} ${call.path}`);
    return handler(call);
  });
  return { fetch: fetch as unknown as typeof globalThis.fetch, calls, mock: fetch };
}

/** Everything a shopper reads: text content plus the headings carried as attributes. */
export function shown(root: ParentNode = document.body): string {
  const headings = Array.from(root.querySelectorAll("[heading]"), (el) => el.getAttribute("heading"));
  return [...headings, root.textContent ?? ""].join("\n");
}

/** The s-button whose text is `label`. */
export function button(label: string, root: ParentNode = document.body): HTMLElement {
  const found = Array.from(root.querySelectorAll<HTMLElement>("s-button")).filter((b) => b.textContent?.trim() === label);
  if (found.length !== 1) throw new Error(`${found.length} buttons labelled "${label}": ${shown(root)}`);
  return found[0];
}

/** Unmounts the Preact tree, before the tester's tearDown (which falls back to emptying the body when it cannot load preact). */
export function unmount() {
  render(null, document.body);
}
