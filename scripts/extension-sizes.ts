// Reading `shopify app build`'s output: each UI extension's bundle size, and the size goals.
// The CLI prints "<handle> successfully built in 229ms (31.6 KB original, ~10.6 KB compressed)",
// wrapped at its terminal width and with escape codes, one line per extension.

export interface ExtensionSize {
  handle: string;
  originalKb: number;
  compressedKb: number;
}

/** Goals in KB compressed (Shopify's caps, enforced at deploy, are 64 KB a block and 128 KB a full page). */
export const GOALS = { blockKb: 32, pageKb: 64 };

const UNIT_KB: Record<string, number> = { B: 1 / 1024, KB: 1, MB: 1024 };

export function parseSizes(output: string): ExtensionSize[] {
  const flat = output
    .replace(new RegExp(String.fromCharCode(27) + "\\[[0-9;?]*[A-Za-z]", "g"), "") // colours and cursor moves
    .replace(/\s+/g, " ");
  const sizes = new Map<string, ExtensionSize>();
  const line = /([\w-]+) successfully built in [\d.]+ ?m?s \(([\d.]+) ?(B|KB|MB) original, ~([\d.]+) ?(B|KB|MB) compressed\)/g;
  for (const m of flat.matchAll(line)) {
    sizes.set(m[1], { handle: m[1], originalKb: Number(m[2]) * UNIT_KB[m[3]], compressedKb: Number(m[4]) * UNIT_KB[m[5]] });
  }
  return [...sizes.values()];
}

/** The target of each extension, from the `target = "..."` lines of its shopify.extension.toml. */
export function targetsOf(toml: string): string[] {
  return Array.from(toml.matchAll(/^\s*target\s*=\s*"([^"]+)"/gm), (m) => m[1]);
}

export const isFullPage = (targets: string[]) => targets.some((t) => /\.page\.render$/.test(t));

export interface Verdict {
  maxBlockKb: number;
  pageKb: number;
  met: boolean;
  line: string;
}

/**
 * The summary line: the largest block, the largest full page, and whether both are under their
 * goals — never "met" when the build was not complete (`complete` false: an extension missing).
 */
export function verdict(sizes: ExtensionSize[], pages: Set<string>, complete = true): Verdict {
  const round = (kb: number) => Math.round(kb * 10) / 10;
  const blocks = sizes.filter((s) => !pages.has(s.handle)).map((s) => s.compressedKb);
  const fullPages = sizes.filter((s) => pages.has(s.handle)).map((s) => s.compressedKb);
  const maxBlockKb = round(Math.max(0, ...blocks));
  const pageKb = round(Math.max(0, ...fullPages));
  const met = complete && sizes.length > 0 && maxBlockKb < GOALS.blockKb && pageKb < GOALS.pageKb;
  return { maxBlockKb, pageKb, met, line: `extensions_max_block_kb=${maxBlockKb} page_kb=${pageKb} goal=${met ? "met" : "missed"}` };
}
