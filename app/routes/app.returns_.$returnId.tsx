// One return for the merchant (/app/returns/:returnId): its items and reasons, the shopper's note
// and preferred outcome, the customer and order, the status with approve and decline while it is
// requested, and the timeline (who did what, when). Its actions post to the queue's action
// (app.returns.tsx). The `_` in the file name keeps this page out of the queue's layout.
import { json, type LoaderFunctionArgs } from "@remix-run/node";
import { isRouteErrorResponse, useLoaderData, useRouteError } from "@remix-run/react";
import { boundary } from "@shopify/shopify-app-remix/server";
import { Banner, BlockStack, Box, Card, InlineStack, Layout, Page, Text } from "@shopify/polaris";
import { authenticate } from "../shopify.server";
import { localeFrom, messages, t, type Locale } from "../i18n";
import { returnDetail } from "../returns/returns-queue.server";
import { returnQueueFilter, returnQueueReason } from "../returns/merchant-returns";
import { queuePage } from "../warranty/merchant-claims";
import { translator, When, WithWhen } from "../components/claims";
import {
  declineReasonLabel,
  eventText,
  outcomeLabel,
  reasonLabel,
  ReturnStatusBadge,
  useReturnActions,
  type ReturnKey,
} from "../components/returns";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const loader = async ({ request, params }: LoaderFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const locale = localeFrom(request);
  const ret = UUID.test(params.returnId ?? "") ? await returnDetail(session.shop, params.returnId!) : null;
  // Another shop's return is "not found", exactly like one that never existed.
  if (!ret) throw json({ error: t(locale, "returns.error.notFound"), back: t(locale, "returns.detail.back"), locale }, { status: 404 });
  // Back to the queue's tab, reason and page the merchant came from (nothing else of `from` travels).
  const from = new URLSearchParams(new URL(request.url).searchParams.get("from") ?? "");
  const reason = returnQueueReason(from.get("reason"));
  const back = new URLSearchParams({
    locale,
    status: returnQueueFilter(from.get("status")),
    ...(reason ? { reason } : {}),
    page: String(queuePage(from.get("page"))),
  });
  return json({ ret, locale, backUrl: `/app/returns?${back}`, strings: messages(locale, "returns.") });
};

export default function ReturnPage() {
  const { ret, locale, backUrl, strings } = useLoaderData<typeof loader>();
  const tr = translator<ReturnKey>(strings);
  const { buttons, dialogs, banner } = useReturnActions(locale, tr);
  const customerName =
    ret.customer.name ??
    ret.customer.email ??
    tr(ret.customer.redacted ? "returns.customer.redacted" : ret.customer.exists ? "returns.customer.unnamed" : "returns.customer.none");

  return (
    <Page
      backAction={{ content: tr("returns.detail.back"), url: backUrl }}
      title={tr("returns.detail.title", { name: ret.reference })}
      titleMetadata={<ReturnStatusBadge status={ret.status} tr={tr} />}
      subtitle={[customerName, ret.orderName].filter(Boolean).join(" · ")}
    >
      <BlockStack gap="400">
        {banner}
        <Layout>
          <Layout.Section>
            <BlockStack gap="400">
              <Card>
                <BlockStack gap="300">
                  <Text as="h2" variant="headingMd">
                    {tr("returns.detail.items")}
                  </Text>
                  <Text as="p" tone="subdued" variant="bodySm">
                    <WithWhen template={strings["returns.detail.requestedAt"]} iso={ret.requestedAt} locale={locale} />
                    {` · ${tr(`returns.detail.origin.${ret.origin}`)}`}
                  </Text>
                  {ret.lines.map((l, i) => (
                    <BlockStack gap="050" key={i}>
                      <Text as="p" fontWeight="semibold">
                        {tr("returns.detail.item", { quantity: l.quantity, product: l.product ?? l.lineItemId })}
                      </Text>
                      <Text as="p" tone="subdued">
                        {tr("returns.detail.itemReason", { reason: reasonLabel(l.reason, locale) })}
                      </Text>
                    </BlockStack>
                  ))}
                  <Text as="p">
                    {tr("returns.detail.outcome", { outcome: outcomeLabel(ret.outcome, ret.storeCreditBonusPercent, tr) })}
                  </Text>
                </BlockStack>
              </Card>
              <Card>
                <BlockStack gap="200">
                  <Text as="h2" variant="headingMd">
                    {tr("returns.detail.note")}
                  </Text>
                  {ret.note === null ? (
                    <Text as="p" tone="subdued">
                      {tr("returns.detail.noteNone")}
                    </Text>
                  ) : (
                    <Box paddingBlockStart="100">
                      <p style={{ whiteSpace: "pre-wrap", margin: 0 }}>{ret.note}</p>
                    </Box>
                  )}
                </BlockStack>
              </Card>
              <Card>
                <BlockStack gap="300">
                  <Text as="h2" variant="headingMd">
                    {tr("returns.detail.timeline")}
                  </Text>
                  <ol style={{ listStyle: "none", margin: 0, padding: 0 }}>
                    {ret.events.map((e, i) => (
                      <li key={i}>
                        <Box paddingBlock="150">
                          <Text as="p">
                            <Text as="span" fontWeight="semibold">
                              {tr(`returns.actor.${e.actor}`)}
                            </Text>
                            {" · "}
                            <When iso={e.at} locale={locale} />
                            {` — ${eventText(e, tr)}`}
                          </Text>
                        </Box>
                      </li>
                    ))}
                  </ol>
                </BlockStack>
              </Card>
            </BlockStack>
          </Layout.Section>
          <Layout.Section variant="oneThird">
            <BlockStack gap="400">
              <Card>
                <BlockStack gap="300">
                  <InlineStack gap="200" blockAlign="center">
                    <Text as="h2" variant="headingMd">
                      {tr("returns.detail.status")}
                    </Text>
                    <ReturnStatusBadge status={ret.status} tr={tr} />
                  </InlineStack>
                  {ret.declineReason && (
                    <Text as="p">{tr("returns.detail.declined", { reason: declineReasonLabel(ret.declineReason, tr) })}</Text>
                  )}
                  {ret.declineNote && <Text as="p">{tr("returns.detail.declineNote", { note: ret.declineNote })}</Text>}
                  {buttons(ret)}
                </BlockStack>
              </Card>
              <Card>
                <BlockStack gap="200">
                  <Text as="h2" variant="headingMd">
                    {tr("returns.detail.customer")}
                  </Text>
                  <Text as="p">{customerName}</Text>
                  {ret.customer.name && ret.customer.email && (
                    <Text as="p" tone="subdued">
                      {ret.customer.email}
                    </Text>
                  )}
                  {ret.orderName && <Text as="p">{tr("returns.detail.order", { name: ret.orderName })}</Text>}
                </BlockStack>
              </Card>
            </BlockStack>
          </Layout.Section>
        </Layout>
      </BlockStack>
      {dialogs}
    </Page>
  );
}

// Our 404 (a return this shop does not have) in the merchant's language; anything else is Shopify's
// library's to answer (a bounce to re-authenticate, a 401).
export function ErrorBoundary() {
  const error = useRouteError();
  if (isRouteErrorResponse(error) && error.status === 404 && typeof error.data?.error === "string") {
    const data = error.data as { error: string; back: string; locale: Locale };
    return (
      <Page backAction={{ content: data.back, url: `/app/returns?locale=${data.locale}` }} title={data.back}>
        <Banner tone="critical">{data.error}</Banner>
      </Page>
    );
  }
  return boundary.error(error);
}
