// The shopper's returns as the order's return modal (order-returns) and the rewards page show them:
// units, a status badge with the API's sentence, the preferred outcome, the dates and the timeline.
// Sentences are the API's; labels come from the extension's locales, which define every `returns.*`
// key used here.
import type { ReturnStatus, ReturnView } from "../../app/shopper/views.ts";
import { formatDay, numericId, type I18nLike } from "./format.ts";

/** The order's page in customer accounts (where its "Return items" action lives). */
export function orderPageUrl(orderId: string): string {
  return `shopify:customer-account/orders/${numericId(orderId)}`;
}

const BADGE_TONE: Record<ReturnStatus, "auto" | "neutral" | "critical"> = {
  requesting: "auto",
  failed: "critical",
  requested: "auto",
  open: "auto",
  declined: "critical",
  canceled: "neutral",
  closed: "neutral",
};

/** Each return, newest first as the API sends them; with `linkOrder`, each names its order with a link to it. */
export function ReturnList({ i18n, returns, linkOrder = false }: { i18n: I18nLike; returns: ReturnView[]; linkOrder?: boolean }) {
  return (
    <s-stack gap="base">
      {returns.map((r, i) => (
        <s-stack key={r.id} gap="base">
          {i > 0 ? <s-divider /> : null}
          <ReturnCard i18n={i18n} ret={r} linkOrder={linkOrder} />
        </s-stack>
      ))}
    </s-stack>
  );
}

function ReturnCard({ i18n, ret, linkOrder }: { i18n: I18nLike; ret: ReturnView; linkOrder: boolean }) {
  const t = i18n.translate;
  const label = t(`returns.status.${ret.status}`);
  return (
    <s-stack gap="small-200">
      <s-stack direction="inline" gap="small-200" alignItems="center">
        <s-badge tone={BADGE_TONE[ret.status] ?? "auto"}>{label}</s-badge>
        {ret.name ? <s-text color="subdued">{ret.name}</s-text> : null}
        {linkOrder && ret.orderName ? <s-link href={orderPageUrl(ret.orderId)}>{ret.orderName}</s-link> : null}
      </s-stack>
      {ret.statusText !== label ? <s-text>{ret.statusText}</s-text> : null}
      <s-stack gap="small-100">
        {ret.lines.map((l) => (
          <s-stack key={`${l.lineItemId}:${l.reason}`} direction="inline" gap="small-200">
            <s-text type="strong">{l.product}</s-text>
            <s-text color="subdued">× {i18n.formatNumber(l.quantity)}</s-text>
            <s-text color="subdued">{l.reasonText}</s-text>
          </s-stack>
        ))}
      </s-stack>
      {ret.outcomeText ? <s-text>{t("returns.outcome", { outcome: ret.outcomeText })}</s-text> : null}
      {ret.note ? <s-text color="subdued">{t("returns.note", { note: ret.note })}</s-text> : null}
      <s-text color="subdued">
        {t("returns.dates", { requested: formatDay(i18n, ret.requestedAt), updated: formatDay(i18n, ret.updatedAt) })}
      </s-text>
      <s-stack gap="small-100">
        {ret.events.map((e, i) => (
          <s-stack key={i} direction="inline" gap="small-200">
            <s-text color="subdued">{formatDay(i18n, e.at)}</s-text>
            <s-text>{e.text}</s-text>
          </s-stack>
        ))}
      </s-stack>
    </s-stack>
  );
}
