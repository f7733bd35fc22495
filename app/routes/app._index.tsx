// The home page: the after-sales dashboard for a range of days, each metric as a figure and a chart.
// The metrics and what they mean: app/domain/dashboard.ts; the read: app/dashboard.server.ts.
import { useState } from "react";
import { json, type LoaderFunctionArgs } from "@remix-run/node";
import { useLoaderData, useSearchParams } from "@remix-run/react";
import { Banner, BlockStack, Button, Card, EmptyState, InlineGrid, InlineStack, Page, Select, Text, TextField } from "@shopify/polaris";
import { THEMES } from "../domain/feedback";
import { authenticate } from "../shopify.server";
import { interpolate, localeFrom, messages, t, type Locale, type MessageKey, type Messages } from "../i18n";
import { shopDashboard } from "../dashboard.server";
import { RANGE_PRESETS, type Metric } from "../domain/dashboard";
import { minorUnitExponent } from "../domain/money";
import { BarChart, LineChart } from "../components/chart";

type DashboardKey = Extract<MessageKey, `dashboard.${string}`>;

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const locale = localeFrom(request);
  const strings = messages(locale, "dashboard.");
  const q = new URL(request.url).searchParams;
  const result = await shopDashboard(session.shop, { preset: q.get("range"), from: q.get("from"), to: q.get("to") });
  if (!result.ok)
    return json(
      { locale, strings, error: t(locale, `dashboard.error.${result.error}`, { value: result.value ?? "" }), preset: null, data: null },
      { status: 400 },
    );
  return json({ locale, strings, error: null, preset: result.preset, data: result.data });
};

function formats(locale: Locale, currency: string) {
  const percent = new Intl.NumberFormat(locale, { style: "percent", maximumFractionDigits: 1 });
  const number = new Intl.NumberFormat(locale, { maximumFractionDigits: 0 });
  const money = new Intl.NumberFormat(locale, { style: "currency", currency });
  const scale = 10 ** minorUnitExponent(currency);
  const day = new Intl.DateTimeFormat(locale, { day: "numeric", month: "short", year: "numeric", timeZone: "UTC" });
  const month = new Intl.DateTimeFormat(locale, { month: "short", year: "numeric", timeZone: "UTC" });
  return {
    percent: (n: number) => percent.format(n),
    number: (n: number) => number.format(n),
    money: (minor: number) => money.format(minor / scale),
    day: (iso: string) => day.format(new Date(`${iso}T00:00:00Z`)),
    month: (iso: string) => month.format(new Date(`${iso}T00:00:00Z`)),
  };
}

export default function Dashboard() {
  const { locale, strings, error, preset, data } = useLoaderData<typeof loader>();
  const tr = (key: DashboardKey, vars?: Record<string, string | number>) =>
    interpolate((strings as Pick<Messages, DashboardKey>)[key], vars);
  const [params, setParams] = useSearchParams();
  const [custom, setCustom] = useState({
    from: params.get("from") ?? data?.range.from ?? "",
    to: params.get("to") ?? data?.range.to ?? "",
  });
  const [choice, setChoice] = useState(preset === null ? "custom" : String(preset));
  const go = (next: Record<string, string>) => setParams(new URLSearchParams({ locale, ...next }));

  const picker = (
    <Card>
      <InlineStack gap="300" blockAlign="end" wrap>
        <Select
          label={tr("dashboard.range.label")}
          options={[
            ...RANGE_PRESETS.map((n) => ({ label: tr(`dashboard.range.${n}`), value: String(n) })),
            { label: tr("dashboard.range.custom"), value: "custom" },
          ]}
          value={choice}
          onChange={(v) => {
            setChoice(v);
            if (v !== "custom") go({ range: v });
          }}
        />
        {choice === "custom" && (
          <>
            <TextField
              label={tr("dashboard.range.from")}
              type="date"
              autoComplete="off"
              value={custom.from}
              onChange={(from) => setCustom({ ...custom, from })}
            />
            <TextField
              label={tr("dashboard.range.to")}
              type="date"
              autoComplete="off"
              value={custom.to}
              onChange={(to) => setCustom({ ...custom, to })}
            />
            <Button onClick={() => go(custom)}>{tr("dashboard.range.apply")}</Button>
          </>
        )}
      </InlineStack>
    </Card>
  );

  if (!data)
    return (
      <Page title={tr("dashboard.title")}>
        <BlockStack gap="400">
          <Banner tone="critical">{error}</Banner>
          {picker}
        </BlockStack>
      </Page>
    );

  const f = formats(locale, data.currency);
  const themeLabel = (theme: string) =>
    (THEMES as readonly string[]).includes(theme) ? tr(`dashboard.theme.${theme as (typeof THEMES)[number]}`) : theme;
  const label = data.granularity === "month" ? f.month : f.day;
  const granularity = tr(`dashboard.granularity.${data.granularity}`);
  const duration = (hours: number) =>
    hours < 48
      ? tr("dashboard.metric.resolution.hours", { hours: f.number(hours) })
      : tr("dashboard.metric.resolution.days", { days: f.number(hours / 24) });
  const outstanding = f.number(data.pointsOutstanding.value ?? 0);

  const card = (id: string, title: DashboardKey, help: string, metric: Metric, format: (n: number) => string, byMonth = false) => (
    <Card key={id}>
      <BlockStack gap="200">
        <Text as="h2" variant="headingSm">
          {tr(title)}
        </Text>
        <Text as="p" variant="heading2xl">
          {metric.value === null ? "—" : format(metric.value)}
        </Text>
        <Text as="p" variant="bodySm" tone="subdued">
          {help}
        </Text>
        {metric.series.some((p) => p.value !== null) ? (
          <LineChart
            testId={`chart-${id}`}
            label={tr("dashboard.chart.label", {
              metric: tr(title),
              granularity: byMonth ? tr("dashboard.granularity.month") : granularity,
              from: f.day(data.range.from),
              to: f.day(data.range.to),
            })}
            format={format}
            points={metric.series.map((p) => ({ label: byMonth ? f.month(p.bucket) : label(p.bucket), value: p.value }))}
          />
        ) : (
          <Text as="p" tone="subdued">
            {tr("dashboard.noData")}
          </Text>
        )}
      </BlockStack>
    </Card>
  );

  const hasData = data.orders > 0 || data.pointsOutstanding.value !== 0 || data.repurchaseRate.value !== null;
  return (
    <Page
      title={tr("dashboard.title")}
      subtitle={tr("dashboard.range.summary", { from: f.day(data.range.from), to: f.day(data.range.to), granularity })}
    >
      <BlockStack gap="400">
        {picker}
        {!hasData ? (
          <Card>
            <EmptyState heading={tr("dashboard.empty.heading")} image="">
              <p>{tr("dashboard.empty.body")}</p>
            </EmptyState>
          </Card>
        ) : (
          <>
            <Text as="p" tone="subdued">
              {tr("dashboard.orders", { count: f.number(data.orders) })}
            </Text>
            <InlineGrid columns={{ xs: 1, md: 2, lg: 3 }} gap="400">
              {card("retention", "dashboard.metric.retention", tr("dashboard.metric.retention.help"), data.retentionRate, f.percent, true)}
              {card("repurchase", "dashboard.metric.repurchase", tr("dashboard.metric.repurchase.help"), data.repurchaseRate, f.percent)}
              {card("clv", "dashboard.metric.clv", tr("dashboard.metric.clv.help"), data.lifetimeValueMinor, f.money)}
              {data.pointsLiabilityMinor.value === null
                ? card(
                    "liability",
                    "dashboard.metric.liability",
                    tr("dashboard.metric.liability.noValue", { points: outstanding }),
                    data.pointsOutstanding,
                    f.number,
                  )
                : card(
                    "liability",
                    "dashboard.metric.liability",
                    tr("dashboard.metric.liability.help", { points: outstanding }),
                    data.pointsLiabilityMinor,
                    f.money,
                  )}
              {card("redemption", "dashboard.metric.redemption", tr("dashboard.metric.redemption.help"), data.redemptionRate, f.percent)}
              {card("return-rate", "dashboard.metric.returnRate", tr("dashboard.metric.returnRate.help"), data.returnRate, f.percent)}
              <Card>
                <BlockStack gap="200">
                  <Text as="h2" variant="headingSm">
                    {tr("dashboard.metric.reasons")}
                  </Text>
                  {data.topReasons.length ? (
                    <BarChart
                      testId="chart-return-reasons"
                      label={tr("dashboard.metric.reasons")}
                      bars={data.topReasons.map((r) => ({
                        label: r.reason,
                        value: r.units,
                        text: tr("dashboard.metric.reasons.units", { units: f.number(r.units), share: f.percent(r.share) }),
                      }))}
                    />
                  ) : (
                    <Text as="p" tone="subdued">
                      {tr("dashboard.noData")}
                    </Text>
                  )}
                </BlockStack>
              </Card>
              {card("claim-rate", "dashboard.metric.claimRate", tr("dashboard.metric.claimRate.help"), data.claimRate, f.percent)}
              {card("resolution", "dashboard.metric.resolution", tr("dashboard.metric.resolution.help"), data.resolutionHours, duration)}
              {card("fcr", "dashboard.metric.fcr", tr("dashboard.metric.fcr.help"), data.firstContactResolution, f.percent)}
              <Card>
                <BlockStack gap="300">
                  {data.surveys === null ? (
                    <>
                      <Text as="h2" variant="headingSm">
                        {tr("dashboard.metric.surveys")}
                      </Text>
                      <div data-testid="surveys-empty">
                        <Text as="p" tone="subdued">
                          {tr("dashboard.surveys.empty")}
                        </Text>
                      </div>
                    </>
                  ) : (
                    <>
                      <InlineGrid columns={2} gap="400">
                        <BlockStack gap="100">
                          <Text as="h2" variant="headingSm">
                            {tr("dashboard.metric.nps")}
                          </Text>
                          <Text as="p" variant="heading2xl">
                            {data.surveys.nps === null ? "—" : f.number(data.surveys.nps)}
                          </Text>
                        </BlockStack>
                        <BlockStack gap="100">
                          <Text as="h2" variant="headingSm">
                            {tr("dashboard.metric.csat")}
                          </Text>
                          <Text as="p" variant="heading2xl">
                            {data.surveys.csat === null ? "—" : f.percent(data.surveys.csat)}
                          </Text>
                        </BlockStack>
                      </InlineGrid>
                      <Text as="p" tone="subdued">
                        {tr("dashboard.surveys.help", { count: f.number(data.surveys.answers) })}
                      </Text>
                      <Text as="h3" variant="headingSm">
                        {tr("dashboard.themes.title")}
                      </Text>
                      {data.surveys.themes.length ? (
                        <div data-testid="themes">
                          <Text as="p">
                            {data.surveys.themes
                              .slice(0, 5)
                              .map((t) => `${themeLabel(t.theme)} (${f.number(t.count)})`)
                              .join(" · ")}
                          </Text>
                        </div>
                      ) : (
                        <Text as="p" tone="subdued">
                          {tr("dashboard.noData")}
                        </Text>
                      )}
                    </>
                  )}
                </BlockStack>
              </Card>
            </InlineGrid>
          </>
        )}
      </BlockStack>
    </Page>
  );
}
