// The merchant's Claims queue: the shop's warranty claims by status, newest first, 50 a page, with
// the actions the workflow allows on each and a bulk "start review". The action here is the one
// every claim action posts to (this page and a claim's page). The work is in
// app/warranty/claims-queue.server.ts; this module only wires it.
import { json, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { useLoaderData, useSearchParams } from "@remix-run/react";
import { BlockStack, Card, EmptyState, IndexTable, Link, Page, Tabs, Text, useIndexResourceState } from "@shopify/polaris";
import { authenticate } from "../shopify.server";
import { localeFrom, messages, t } from "../i18n";
import { log } from "../log.server";
import { actAsMerchant, claimsQueue } from "../warranty/claims-queue.server";
import {
  doneText,
  parseClaimForm,
  QUEUE_FILTERS,
  QUEUE_PAGE_SIZE,
  queueFilter,
  queuePage,
  refusalText,
  type ClaimActionResult,
} from "../warranty/merchant-claims";
import { StatusBadge, translator, useClaimActions, When } from "../components/claims";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const locale = localeFrom(request);
  const url = new URL(request.url);
  // An unknown tab or page shows the default (Open, page 1): these come from the page's own links.
  const queue = await claimsQueue(session.shop, {
    status: queueFilter(url.searchParams.get("status")),
    page: queuePage(url.searchParams.get("page")),
    pageSize: QUEUE_PAGE_SIZE,
  });
  return json({ queue, locale, strings: messages(locale, "claims.") });
};

export const action = async ({ request }: ActionFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const locale = localeFrom(request);
  const form = parseClaimForm(await request.formData());
  if (!form.ok) return json<ClaimActionResult>({ ok: false, error: t(locale, form.key, form.vars) }, { status: 400 });
  try {
    const { done, refused } = await actAsMerchant(session.shop, form.claimIds, form.action);
    if (done.length === 0) {
      // Nothing changed: the first refusal says why (all of a bulk review's are for the same reason or "not found").
      const { status, text } = refusalText(locale, form.intent, refused[0].refusal);
      return json<ClaimActionResult>({ ok: false, error: text }, { status });
    }
    return json<ClaimActionResult>({
      ok: true,
      message: doneText(locale, form.intent, form.action, done.length),
      ...(refused.length ? { warning: t(locale, "claims.bulk.skipped", { count: refused.length }) } : {}),
    });
  } catch (e) {
    // Returned, not thrown: the page keeps its state and shows the message instead of the error boundary.
    log.error("claims action failed", { shop: session.shop, intent: form.intent, error: (e as Error).message });
    return json<ClaimActionResult>({ ok: false, error: t(locale, "claims.error.unexpected") }, { status: 500 });
  }
};

const EMPTY_IMAGE = "https://cdn.shopify.com/s/files/1/0262/4071/2726/files/emptystate-files.png";

export default function ClaimsQueuePage() {
  const { queue, locale, strings } = useLoaderData<typeof loader>();
  const tr = translator(strings);
  const [, setSearchParams] = useSearchParams();
  const { selectedResources, allResourcesSelected, handleSelectionChange, clearSelection } = useIndexResourceState(queue.rows);
  const { submit, buttons, dialogs, banner } = useClaimActions(locale, tr, clearSelection);

  // Only the page's own parameters travel: the admin's first-load ones (id_token, host…) stay behind.
  const view = { status: queue.filter, page: String(queue.page) };
  const go = (changes: Partial<typeof view>) => {
    clearSelection();
    const next = { ...view, ...changes };
    setSearchParams(new URLSearchParams({ locale, status: next.status, ...(next.page === "1" ? {} : { page: next.page }) }));
  };
  const selectedTab = QUEUE_FILTERS.indexOf(queue.filter);
  const tabs = QUEUE_FILTERS.map((f) => ({
    id: `claims-${f}`,
    content: tr(`claims.tab.${f}`),
    badge: String(queue.counts[f]),
    accessibilityLabel: `${tr(`claims.tab.${f}`)} (${queue.counts[f]})`,
  }));
  const submittedSelected = queue.rows.filter((r) => r.status === "submitted" && selectedResources.includes(r.id)).map((r) => r.id);
  const detailUrl = (id: string) => `/app/claims/${id}?${new URLSearchParams({ locale, from: new URLSearchParams(view).toString() })}`;

  const rows = queue.rows.map((r, i) => (
    <IndexTable.Row id={r.id} key={r.id} position={i} selected={selectedResources.includes(r.id)}>
      <IndexTable.Cell>
        <BlockStack gap="050">
          <Link url={detailUrl(r.id)} dataPrimaryLink removeUnderline monochrome>
            <Text as="span" fontWeight="semibold">
              {r.customerName ?? r.customerEmail ?? tr(r.customerRedacted ? "claims.customer.redacted" : "claims.customer.unnamed")}
            </Text>
          </Link>
          {r.customerName && r.customerEmail && (
            <Text as="span" variant="bodySm" tone="subdued">
              {r.customerEmail}
            </Text>
          )}
        </BlockStack>
      </IndexTable.Cell>
      <IndexTable.Cell>{r.product}</IndexTable.Cell>
      <IndexTable.Cell>{r.orderName ?? "—"}</IndexTable.Cell>
      <IndexTable.Cell>
        <When iso={r.submittedAt} locale={locale} time={false} />
      </IndexTable.Cell>
      <IndexTable.Cell>
        <StatusBadge status={r.status} tr={tr} />
      </IndexTable.Cell>
      <IndexTable.Cell>
        <Text as="span" alignment="end" numeric>
          {r.daysOpen}
        </Text>
      </IndexTable.Cell>
      <IndexTable.Cell>
        {/* A click on a button is the button's, not the row's (which opens the claim). */}
        <div onClick={(e) => e.stopPropagation()}>{buttons(r)}</div>
      </IndexTable.Cell>
    </IndexTable.Row>
  ));

  return (
    <Page title={tr("claims.title")} fullWidth>
      <BlockStack gap="400">
        {banner}
        {queue.counts.all === 0 ? (
          <Card>
            <EmptyState heading={tr("claims.empty.heading")} image={EMPTY_IMAGE}>
              <p>{tr("claims.empty.body")}</p>
            </EmptyState>
          </Card>
        ) : (
          <Card padding="0">
            <Tabs tabs={tabs} selected={selectedTab} onSelect={(i) => go({ status: QUEUE_FILTERS[i], page: "1" })} />
            <IndexTable
              resourceName={{ singular: tr("claims.resource.singular"), plural: tr("claims.resource.plural") }}
              itemCount={queue.rows.length}
              selectedItemsCount={allResourcesSelected ? "All" : selectedResources.length}
              onSelectionChange={handleSelectionChange}
              promotedBulkActions={[
                {
                  content: tr("claims.bulk.review"),
                  disabled: submittedSelected.length === 0,
                  onAction: () => submit("review", submittedSelected),
                },
              ]}
              headings={[
                { title: tr("claims.col.customer") },
                { title: tr("claims.col.product") },
                { title: tr("claims.col.order") },
                { title: tr("claims.col.submitted") },
                { title: tr("claims.col.status") },
                { title: tr("claims.col.daysOpen"), alignment: "end" },
                { title: tr("claims.col.actions") },
              ]}
              emptyState={
                <BlockStack inlineAlign="center">
                  <Text as="p" tone="subdued">
                    {tr("claims.emptyTab", { tab: tr(`claims.tab.${queue.filter}`) })}
                  </Text>
                </BlockStack>
              }
              pagination={{
                hasPrevious: queue.page > 1,
                hasNext: queue.hasNext,
                onPrevious: () => go({ page: String(queue.page - 1) }),
                onNext: () => go({ page: String(queue.page + 1) }),
                label: tr("claims.page", { page: queue.page }),
              }}
            >
              {rows}
            </IndexTable>
          </Card>
        )}
      </BlockStack>
      {dialogs}
    </Page>
  );
}
