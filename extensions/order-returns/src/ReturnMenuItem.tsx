// customer-account.order.action.menu-item.render: "Return items" in the order's action menu (order
// index and order status pages). The target renders a single s-button; without `href` it opens this
// extension's customer-account.order.action.render modal (./ReturnAction.tsx). The 2026-07 button
// offers `disabled` and `loading`, and no way to hide it: it is disabled when the API says nothing
// on the order can be returned and it has no returns to look at, or does not know the order (404).
import "@shopify/ui-extensions/preact";
import { render } from "preact";
import { apiLocale, type ApiContext } from "../../shared/api.ts";
import type { I18nLike } from "../../shared/format.ts";
import { useResource } from "../../shared/ui.tsx";
import { loadReturnOptions } from "./options.ts";

export default async () => {
  render(<ReturnMenuItem />, document.body);
};

function ReturnMenuItem() {
  const t = (shopify.i18n as I18nLike).translate;
  const locale = apiLocale(shopify.localization.language.value?.isoCode);
  const api: ApiContext = { token: () => shopify.sessionToken.get(), locale };
  const orderId = shopify.orderId;
  const { state } = useResource(() => loadReturnOptions(api, orderId), `${locale} ${orderId}`);

  if (state.status === "loading") return <s-button loading>{t("menu.return")}</s-button>;
  // Another failure (no answer, a 5xx, a shopper not logged in yet on the order status page): the
  // modal loads again, and says why if it still cannot.
  const nothing = state.status === "ready" ? !state.data.canRequest && state.data.returns.length === 0 : state.error.status === 404;
  if (nothing) {
    return (
      <s-button disabled accessibilityLabel={t("menu.nothing")}>
        {t("menu.return")}
      </s-button>
    );
  }
  const viewOnly = state.status === "ready" && !state.data.canRequest;
  return <s-button>{t(viewOnly ? "menu.view" : "menu.return")}</s-button>;
}
