import type { HeadersFunction, LoaderFunctionArgs } from "@remix-run/node";
import { Link, Outlet, useLoaderData, useRouteError } from "@remix-run/react";
import { NavMenu } from "@shopify/app-bridge-react";
import { AppProvider } from "@shopify/shopify-app-remix/react";
import { boundary } from "@shopify/shopify-app-remix/server";
import polarisStyles from "@shopify/polaris/build/esm/styles.css?url";
import polarisEn from "@shopify/polaris/locales/en.json";
import polarisEs from "@shopify/polaris/locales/es.json";
import { authenticate } from "../shopify.server";
import { config } from "../config.server";
import { localeFrom, t } from "../i18n";

export const links = () => [{ rel: "stylesheet", href: polarisStyles }];

export const loader = async ({ request }: LoaderFunctionArgs) => {
  await authenticate.admin(request);
  const locale = localeFrom(request);
  return {
    apiKey: config().SHOPIFY_API_KEY,
    // Polaris's own words (select all, pagination, badges' hidden labels) in the merchant's language.
    polarisTranslations: locale === "es" ? polarisEs : polarisEn,
    nav: {
      home: t(locale, "nav.home"),
      claims: t(locale, "nav.claims"),
      returns: t(locale, "nav.returns"),
      notices: t(locale, "nav.notices"),
      settings: t(locale, "nav.settings"),
      hubspot: t(locale, "nav.hubspot"),
    },
  };
};

export default function AppLayout() {
  const { apiKey, polarisTranslations, nav } = useLoaderData<typeof loader>();
  return (
    <AppProvider isEmbeddedApp apiKey={apiKey} i18n={polarisTranslations}>
      <NavMenu>
        <Link to="/app" rel="home">
          {nav.home}
        </Link>
        <Link to="/app/claims">{nav.claims}</Link>
        <Link to="/app/returns">{nav.returns}</Link>
        <Link to="/app/notices">{nav.notices}</Link>
        <Link to="/app/settings">{nav.settings}</Link>
        <Link to="/app/hubspot">{nav.hubspot}</Link>
      </NavMenu>
      <Outlet />
    </AppProvider>
  );
}

export function ErrorBoundary() {
  return boundary.error(useRouteError());
}
export const headers: HeadersFunction = (args) => boundary.headers(args);
