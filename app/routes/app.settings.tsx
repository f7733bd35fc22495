// The merchant's Settings: the loyalty earn rule, the tiers, the rewards catalog, the warranty
// policy and the return rules, and after the sale the points calendar, care guides, surveys and
// churn risk; a card and a Save each. The work is in app/settings.server.ts (rules and history)
// and app/domain/settings.ts (fields and validation); this module only wires them.
import { json, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { BlockStack, Page } from "@shopify/polaris";
import { authenticate } from "../shopify.server";
import { localeFrom, messages, t } from "../i18n";
import { log } from "../log.server";
import { saveSettings, shopSettings } from "../settings.server";
import { fieldErrorText, settingsSection, type SettingsAnswer } from "../settings";
import { LoyaltyCard, ReturnsCard, RewardsCard, TiersCard, WarrantyCard } from "../components/settings";
import { CalendarCard, CareCard, ChurnCard, SurveysCard } from "../components/settings";
import { translator } from "../components/claims";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const locale = localeFrom(request);
  const settings = await shopSettings(session.shop);
  if (!settings) throw json({ message: t(locale, "settings.error.notFound") }, { status: 404 });
  return json({ settings, locale, strings: messages(locale, "settings.") });
};

export const action = async ({ request }: ActionFunctionArgs) => {
  const { session, sessionToken } = await authenticate.admin(request);
  const locale = localeFrom(request);
  const form = await request.formData();
  const section = settingsSection(form.get("intent"));
  const refuse = (status: number, message: string, fieldErrors: Record<string, string> = {}) =>
    json<SettingsAnswer>({ ok: false, section, message, fieldErrors }, { status });
  if (!section) return refuse(400, t(locale, "settings.error.unknownSection", { section: String(form.get("intent") ?? "").slice(0, 40) }));
  try {
    // Who changed it: the admin user the session token names (Shopify's staff id), else the online session's.
    const user = sessionToken?.sub ?? session.onlineAccessInfo?.associated_user?.id?.toString() ?? null;
    const saved = await saveSettings(session.shop, section, form, user);
    if (!saved.ok)
      return "notFound" in saved
        ? refuse(404, t(locale, "settings.error.notFound"))
        : refuse(
            400,
            t(locale, "settings.invalid"),
            Object.fromEntries(Object.entries(saved.errors).map(([field, e]) => [field, fieldErrorText(locale, e)])),
          );
    return json<SettingsAnswer>({
      ok: true,
      section,
      changed: saved.changed,
      message: t(locale, saved.changed ? "settings.saved" : "settings.unchanged"),
    });
  } catch (e) {
    log.error("settings save failed", { shop: session.shop, section, error: (e as Error).message });
    return refuse(500, t(locale, "settings.error.unexpected"));
  }
};

export default function SettingsPage() {
  const { settings, locale, strings } = useLoaderData<typeof loader>();
  const tr = translator(strings);
  const common = { locale, tr, currency: settings.currency, tiers: settings.tiers, rewards: settings.rewards };
  return (
    <Page title={tr("settings.title")}>
      <BlockStack gap="500">
        <LoyaltyCard {...common} initial={settings.fields.loyalty} change={settings.changes.loyalty} />
        <TiersCard {...common} initial={settings.fields.tiers} change={settings.changes.tiers} />
        <CalendarCard {...common} initial={settings.fields.calendar} change={settings.changes.calendar} />
        <RewardsCard {...common} initial={settings.fields.rewards} change={settings.changes.rewards} />
        <WarrantyCard {...common} initial={settings.fields.warranty} change={settings.changes.warranty} />
        <CareCard {...common} initial={settings.fields.care} change={settings.changes.care} />
        <ReturnsCard {...common} initial={settings.fields.returns} change={settings.changes.returns} />
        <SurveysCard {...common} initial={settings.fields.surveys} change={settings.changes.surveys} />
        <ChurnCard {...common} initial={settings.fields.churn} change={settings.changes.churn} />
      </BlockStack>
    </Page>
  );
}
