// "My returns" on the rewards page: the account view's returns (units, order, status, dates, the
// API's sentences) and the way to start one. Returns are requested from the order's own page, where
// this app's "Return items" action lives (extensions/order-returns): each return links its order,
// and the section links the orders list.
import type { ReturnView } from "../../../app/shopper/views.ts";
import type { I18nLike } from "../../shared/format.ts";
import { ReturnList } from "../../shared/returns.tsx";

/** Customer accounts' own orders page (the Navigation API's `shopify:customer-account/` protocol). */
const ORDERS_PAGE = "shopify:customer-account/orders";

export function MyReturns({ i18n, returns }: { i18n: I18nLike; returns: ReturnView[] }) {
  const t = i18n.translate;
  return (
    <s-section heading={t("returns.heading")}>
      <s-stack gap="base">
        <s-stack direction="inline" gap="small-200">
          <s-text color="subdued">{t("returns.start")}</s-text>
          <s-link href={ORDERS_PAGE}>{t("returns.orders")}</s-link>
        </s-stack>
        {returns.length === 0 ? (
          <s-text color="subdued">{t("returns.empty")}</s-text>
        ) : (
          <ReturnList i18n={i18n} returns={returns} linkOrder />
        )}
      </s-stack>
    </s-section>
  );
}
