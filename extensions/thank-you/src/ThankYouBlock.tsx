// purchase.thank-you.block.render: what this order earns, and the tier progress of a logged-in
// shopper or, for a guest, that the points wait for an account with the order's email.
// POST /api/thank-you {orderId, subtotal} from the order confirmation and cost APIs.
import "@shopify/ui-extensions/preact";
import { render } from "preact";
import type { ThankYouRequest, ThankYouView } from "../../../app/shopper/views.ts";
import { apiLocale, callApi, type ApiContext } from "../../shared/api.ts";
import { decimalAmount, type I18nLike } from "../../shared/format.ts";
import { ErrorState, Skeleton, TierBar, useResource } from "../../shared/ui.tsx";

export default async () => {
  render(<ThankYouBlock />, document.body);
};

function ThankYouBlock() {
  const i18n = shopify.i18n as I18nLike;
  const t = i18n.translate;
  const locale = apiLocale(shopify.localization.language.value?.isoCode);
  const api: ApiContext = { token: () => shopify.sessionToken.get(), locale };
  const { state, retry } = useResource(() => {
    const subtotal = shopify.cost.subtotalAmount.value;
    const request: ThankYouRequest = {
      orderId: shopify.orderConfirmation.value?.order?.id ?? null,
      subtotal: { amount: decimalAmount(subtotal.amount, subtotal.currencyCode), currency: subtotal.currencyCode },
    };
    return callApi<ThankYouView>(api, "/api/thank-you", { method: "POST", body: request });
  }, locale);

  return (
    <s-section heading={t("heading")}>
      {state.status === "error" ? (
        <ErrorState i18n={i18n} error={state.error} onRetry={retry} />
      ) : state.status === "loading" ? (
        <Skeleton lines={["This order earns 120 points", "Silver", "380 points to Gold"]} />
      ) : (
        <s-stack gap="base">
          <s-text type="strong">{state.data.text}</s-text>
          {state.data.guest ? (
            state.data.guestText ? (
              <s-text>{state.data.guestText}</s-text>
            ) : null
          ) : state.data.tier ? (
            <TierBar tier={state.data.tier} />
          ) : null}
        </s-stack>
      )}
    </s-section>
  );
}
