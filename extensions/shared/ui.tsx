// Preact pieces shared by the extensions: loading a resource from the API with retry, the error
// state, the tier progress and the warranty list (with care and owner notices). Chrome text comes
// from the extension's own locales through `i18n.translate`; every extension's locales define the `error.*` keys used here.
import type { ComponentChildren } from "preact";
import { useCallback, useEffect, useRef, useState } from "preact/hooks";
import type { TierProgress, WarrantyItem } from "../../app/shopper/views.ts";
import { ApiError } from "./api.ts";
import { formatDay, type I18nLike } from "./format.ts";

export type Resource<T> = { status: "loading" } | { status: "ready"; data: T } | { status: "error"; error: ApiError };

/**
 * Loads `load()` when first rendered, again when `key` changes (the locale) and on `retry()`,
 * showing the loading state meanwhile. `refresh()` reloads quietly: the current content stays
 * until the new one arrives, and stays if the reload fails. `replace` swaps in newer data (after
 * a redeem or a save) without a request. An answer overtaken by a newer load is dropped.
 */
export function useResource<T>(
  load: () => Promise<T>,
  key: string,
): { state: Resource<T>; retry: () => void; refresh: () => void; replace: (data: T) => void } {
  const [state, setState] = useState<Resource<T>>({ status: "loading" });
  const [run, setRun] = useState({ n: 0, quiet: false });
  const loadRef = useRef(load);
  useEffect(() => {
    loadRef.current = load; // runs before the effect below: it always loads with this render's `load`
  });
  const loadedKeyRef = useRef(key);
  useEffect(() => {
    let current = true;
    const quiet = run.quiet && loadedKeyRef.current === key;
    loadedKeyRef.current = key;
    if (!quiet) setState({ status: "loading" });
    loadRef.current().then(
      (data) => current && setState({ status: "ready", data }),
      (error: unknown) => {
        if (!current || quiet) return;
        setState({ status: "error", error: error instanceof ApiError ? error : new ApiError("server", 0) });
      },
    );
    return () => {
      current = false;
    };
  }, [key, run]);
  const retry = useCallback(() => setRun((r) => ({ n: r.n + 1, quiet: false })), []);
  const refresh = useCallback(() => setRun((r) => ({ n: r.n + 1, quiet: true })), []);
  const replace = useCallback((data: T) => setState({ status: "ready", data }), []);
  return { state, retry, refresh, replace };
}

/** Why the content could not be loaded (the server's sentence when it gave one), with a retry. */
export function ErrorState({ i18n, error, onRetry }: { i18n: I18nLike; error: ApiError; onRetry: () => void }) {
  return (
    <s-banner tone="critical" heading={i18n.translate("error.heading")}>
      <s-stack gap="base">
        <s-text>{error.serverText ?? i18n.translate(error.kind === "network" ? "error.network" : "error.server")}</s-text>
        <s-button variant="secondary" onClick={onRetry}>
          {i18n.translate("error.retry")}
        </s-button>
      </s-stack>
    </s-banner>
  );
}

/** Placeholders shaped like the lines they stand for, so the content replaces them without a jump. */
export function Skeleton({ lines }: { lines: string[] }) {
  return (
    <s-stack gap="small-200">
      {lines.map((content, i) => (
        <s-skeleton-paragraph key={i} content={content} />
      ))}
    </s-stack>
  );
}

/** The tier, a bar of the way to the next one and the API's sentences about it and its benefits. */
export function TierBar({ tier }: { tier: TierProgress }) {
  const value = tier.next ? Math.min(1, Math.max(0, tier.progress)) : 1;
  return (
    <s-stack gap="small-200">
      <s-stack direction="inline" justifyContent="space-between">
        <s-text type="strong">{tier.name}</s-text>
        {tier.next ? <s-text color="subdued">{tier.next.name}</s-text> : null}
      </s-stack>
      <s-progress value={value} max={1} accessibilityLabel={tier.text} />
      <s-text color="subdued">{tier.text}</s-text>
      {tier.benefitsText ? <s-text>{tier.benefitsText}</s-text> : null}
    </s-stack>
  );
}

/**
 * Each warranty: the product (× quantity), its order, the notices its owners got (a recall as a
 * critical banner), the API's coverage sentence, `action`'s content, then the care guide and the
 * next maintenance. The extensions that show it define the `care.*` and `notices.*` keys.
 */
export function WarrantyList({
  i18n,
  warranties,
  action,
}: {
  i18n: I18nLike;
  warranties: WarrantyItem[];
  action?: (w: WarrantyItem) => ComponentChildren;
}) {
  const t = i18n.translate;
  return (
    <s-stack gap="base">
      {warranties.map((w) => (
        <s-stack key={w.id} gap="small-100">
          <s-stack direction="inline" gap="small-200">
            <s-text type="strong">{w.product}</s-text>
            {w.quantity > 1 ? <s-text color="subdued">× {w.quantity}</s-text> : null}
            {w.orderName ? <s-text color="subdued">{w.orderName}</s-text> : null}
          </s-stack>
          {w.notices.map((n) => (
            <s-banner key={n.id} tone={n.kind === "recall" ? "critical" : "info"} heading={t(`notices.${n.kind}`, { title: n.title })}>
              <s-stack gap="small-100">
                <s-text>{n.body}</s-text>
                <s-text color="subdued">{t("notices.published", { date: formatDay(i18n, n.publishedAt) })}</s-text>
              </s-stack>
            </s-banner>
          ))}
          <s-text>{w.text}</s-text>
          {action?.(w)}
          {w.care?.guide || w.care?.maintenanceText ? (
            <s-stack gap="small-100">
              <s-text type="strong">{t("care.heading")}</s-text>
              {w.care.maintenanceText ? <s-text>{w.care.maintenanceText}</s-text> : null}
              {w.care.guide ? <s-text color="subdued">{w.care.guide}</s-text> : null}
            </s-stack>
          ) : null}
        </s-stack>
      ))}
    </s-stack>
  );
}
