// npm run build:extensions reads the sizes from `shopify app build`'s output as the CLI prints it
// (wrapped at 80 columns, with cursor escapes), and judges the goals from them.
import { describe, expect, it } from "vitest";
import { isFullPage, parseSizes, targetsOf, verdict } from "../scripts/extension-sizes.ts";

// Captured from `shopify app build --skip-dependencies-installation` (CLI 4.8.2) on this repository.
const OUTPUT = [
  "             order-status │ Bundling UI extension order-status...",
  "",
  "\u001b[2K\u001b[1A\u001b[2K\u001b[G         profile-birthday │ profile-birthday successfully built in 237ms (27.0",
  "KB original, ~9.5 KB compressed)",
  "",
  "\u001b[2K\u001b[1A\u001b[2K\u001b[G             rewards-page │ rewards-page successfully built in 251ms (31.6 KB",
  "original, ~10.6 KB compressed)",
  "             order-status │ order-status successfully built in 514ms (25.2 KB",
  "original, ~9.0 KB compressed)",
  "                thank-you │ thank-you successfully built in 1.2s (980 B original, ~0.4 KB compressed)",
].join("\n");

describe("extension sizes", () => {
  it("reads every extension's sizes across wrapped lines and escapes", () => {
    expect(parseSizes(OUTPUT)).toEqual([
      { handle: "profile-birthday", originalKb: 27, compressedKb: 9.5 },
      { handle: "rewards-page", originalKb: 31.6, compressedKb: 10.6 },
      { handle: "order-status", originalKb: 25.2, compressedKb: 9 },
      { handle: "thank-you", originalKb: 980 / 1024, compressedKb: 0.4 },
    ]);
  });

  it("judges blocks against 32 KB and the full page against 64 KB", () => {
    const pages = new Set(["rewards-page"]);
    expect(verdict(parseSizes(OUTPUT), pages).line).toBe("extensions_max_block_kb=9.5 page_kb=10.6 goal=met");
    const big = [
      { handle: "rewards-page", originalKb: 200, compressedKb: 63.9 },
      { handle: "order-status", originalKb: 100, compressedKb: 32 },
    ];
    expect(verdict(big, pages).line).toBe("extensions_max_block_kb=32 page_kb=63.9 goal=missed");
    expect(verdict(big.slice(0, 1), pages).met).toBe(true);
    expect(verdict(big.slice(0, 1), pages, false).line).toBe("extensions_max_block_kb=0 page_kb=63.9 goal=missed");
    expect(verdict([], pages).met).toBe(false);
  });

  it("tells a full page from a block by its target", () => {
    const toml = `api_version = "2026-07"\n[[extensions.targeting]]\nmodule = "./src/A.tsx"\ntarget = "customer-account.page.render"\n`;
    expect(targetsOf(toml)).toEqual(["customer-account.page.render"]);
    expect(isFullPage(targetsOf(toml))).toBe(true);
    expect(isFullPage(["customer-account.order-status.block.render"])).toBe(false);
  });
});
