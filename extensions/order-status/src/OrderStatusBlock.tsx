// customer-account.order-status.block.render: the order's open survey when it has one
// (../../shared/survey.tsx), the points this order earned (or will earn) and the warranty of each
// unit with its notices and care, with "Claim warranty" (the same form as the rewards page:
// ../../shared/claim-form.tsx) where the API allows it, or its reason why not.
// GET /api/orders/<numeric id of shopify.order>. The sentences are the API's; the heading, the
// form's chrome, empty and error states are this extension's locales.
import "@shopify/ui-extensions/preact";
import { render } from "preact";
import { useState } from "preact/hooks";
import type { ClaimView, OrderView } from "../../../app/shopper/views.ts";
import { apiLocale, callApi, type ApiContext } from "../../shared/api.ts";
import { ClaimForm } from "../../shared/claim-form.tsx";
import { numericId, type I18nLike } from "../../shared/format.ts";
import { SurveyBlock } from "../../shared/survey.tsx";
import { ErrorState, Skeleton, useResource, WarrantyList } from "../../shared/ui.tsx";

export default async () => {
  render(<OrderStatusBlock />, document.body);
};

function OrderStatusBlock() {
  const order = shopify.order.value;
  // Without an order there is nothing to say (the page always has one; a preview may not).
  return order ? <OrderRewards orderId={numericId(order.id)} /> : null;
}

function OrderRewards({ orderId }: { orderId: string }) {
  const i18n = shopify.i18n as I18nLike;
  const t = i18n.translate;
  const locale = apiLocale(shopify.localization.language.value?.isoCode);
  const api: ApiContext = { token: () => shopify.sessionToken.get(), locale };
  const order = useResource(() => callApi<OrderView>(api, `/api/orders/${encodeURIComponent(orderId)}`), `${locale} ${orderId}`);
  const { state, retry } = order;
  const [sent, setSent] = useState(false);

  // A claim made: its unit shows it at once, then the order reloads quietly so why the unit
  // cannot be claimed again is the server's sentence.
  const onClaimed = (claim: ClaimView) => {
    setSent(true);
    if (state.status === "ready") {
      const warranties = state.data.warranties.map((w) =>
        w.id === claim.warrantyId ? { ...w, canClaim: false, claimUnavailableText: null, openClaimId: claim.id } : w,
      );
      order.replace({ ...state.data, warranties });
    }
    order.refresh();
  };

  return (
    <s-section heading={t("heading")}>
      {state.status === "error" ? (
        <ErrorState i18n={i18n} error={state.error} onRetry={retry} />
      ) : state.status === "loading" ? (
        <Skeleton lines={["This order earned 120 points", "Espresso machine", "Covered until 3 May 2027 (161 days left)"]} />
      ) : (
        <s-stack gap="base">
          {state.data.survey ? (
            <SurveyBlock key={state.data.survey.id} i18n={i18n} api={api} survey={state.data.survey} channel="order_status" />
          ) : null}
          <s-text type={state.data.points.points > 0 ? "strong" : "generic"}>{state.data.points.text}</s-text>
          <s-stack gap="small-200">
            <s-heading>{t("warranties.heading")}</s-heading>
            {sent ? (
              <s-banner tone="success" heading={t("claim.sentHeading")}>
                <s-text>{t("claim.sent")}</s-text>
              </s-banner>
            ) : null}
            {state.data.warranties.length ? (
              <WarrantyList
                i18n={i18n}
                warranties={state.data.warranties}
                action={(w) =>
                  w.canClaim ? (
                    <ClaimForm i18n={i18n} api={api} onStale={order.refresh} warranty={w} onClaimed={onClaimed} />
                  ) : w.claimUnavailableText ? (
                    <s-text color="subdued">{w.claimUnavailableText}</s-text>
                  ) : null
                }
              />
            ) : (
              <s-text color="subdued">{t("warranties.empty")}</s-text>
            )}
          </s-stack>
        </s-stack>
      )}
    </s-section>
  );
}
