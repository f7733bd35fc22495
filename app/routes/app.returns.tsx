// The merchant's Returns queue: the shop's returns by status (those waiting for the merchant
// first) and by reason, newest first, 50 a page, with approve and decline on each requested one and
// a bulk approve. The action here is the one every return action posts to (this page and a
// return's page). The work is in app/returns/returns-queue.server.ts; this module only wires it.
import { json, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { useLoaderData, useSearchParams } from "@remix-run/react";
import { BlockStack, Box, Card, EmptyState, IndexTable, Link, Page, Select, Tabs, Text, useIndexResourceState } from "@shopify/polaris";
import { authenticate } from "../shopify.server";
import { localeFrom, messages, t } from "../i18n";
import { log } from "../log.server";
import { actOnReturns, returnsQueue } from "../returns/returns-queue.server";
import {
  FILTER_REASONS,
  parseReturnForm,
  RETURN_QUEUE_FILTERS,
  RETURNS_PAGE_SIZE,
  returnActionAnswer,
  returnQueueFilter,
  returnQueueReason,
  type ReturnActionResult,
} from "../returns/merchant-returns";
import { queuePage } from "../warranty/merchant-claims";
import { translator, When } from "../components/claims";
import { outcomeLabel, reasonLabel, ReturnStatusBadge, useReturnActions, type ReturnKey } from "../components/returns";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const locale = localeFrom(request);
  const url = new URL(request.url);
  // An unknown tab, reason or page shows the default (Needs action, all reasons, page 1): these come from the page's own links.
  const queue = await returnsQueue(session.shop, {
    status: returnQueueFilter(url.searchParams.get("status")),
    reason: returnQueueReason(url.searchParams.get("reason")),
    page: queuePage(url.searchParams.get("page")),
    pageSize: RETURNS_PAGE_SIZE,
  });
  return json({ queue, locale, strings: messages(locale, "returns.") });
};

export const action = async ({ request }: ActionFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const locale = localeFrom(request);
  const form = parseReturnForm(await request.formData());
  if (!form.ok) return json<ReturnActionResult>({ ok: false, error: t(locale, form.key, form.vars) }, { status: 400 });
  try {
    const { status, body } = returnActionAnswer(locale, form.intent, await actOnReturns(session.shop, form.returnIds, form.action));
    return json<ReturnActionResult>(body, { status });
  } catch (e) {
    // Returned, not thrown: the page keeps its state and shows the message instead of the error boundary.
    log.error("returns action failed", { shop: session.shop, intent: form.intent, error: (e as Error).message });
    return json<ReturnActionResult>({ ok: false, error: t(locale, "returns.error.unexpected") }, { status: 500 });
  }
};

const EMPTY_IMAGE = "https://cdn.shopify.com/s/files/1/0262/4071/2726/files/emptystate-files.png";

export default function ReturnsQueuePage() {
  const { queue, locale, strings } = useLoaderData<typeof loader>();
  const tr = translator<ReturnKey>(strings);
  const [, setSearchParams] = useSearchParams();
  const { selectedResources, allResourcesSelected, handleSelectionChange, clearSelection } = useIndexResourceState(queue.rows);
  const { submit, buttons, dialogs, banner } = useReturnActions(locale, tr, clearSelection);

  // Only the page's own parameters travel: the admin's first-load ones (id_token, host…) stay behind.
  const view = { status: queue.filter, reason: queue.reason ?? "", page: String(queue.page) };
  const go = (changes: Partial<typeof view>) => {
    clearSelection();
    const next = { ...view, ...changes };
    setSearchParams(
      new URLSearchParams({
        locale,
        status: next.status,
        ...(next.reason ? { reason: next.reason } : {}),
        ...(next.page === "1" ? {} : { page: next.page }),
      }),
    );
  };
  const tabs = RETURN_QUEUE_FILTERS.map((f) => ({
    id: `returns-${f}`,
    content: tr(`returns.tab.${f}`),
    badge: String(queue.counts[f]),
    accessibilityLabel: `${tr(`returns.tab.${f}`)} (${queue.counts[f]})`,
  }));
  const requestedSelected = queue.rows.filter((r) => r.status === "requested" && selectedResources.includes(r.id)).map((r) => r.id);
  const from = new URLSearchParams(Object.entries(view).filter(([, v]) => v !== "")).toString();
  const detailUrl = (id: string) => `/app/returns/${id}?${new URLSearchParams({ locale, from })}`;

  const rows = queue.rows.map((r, i) => (
    <IndexTable.Row id={r.id} key={r.id} position={i} selected={selectedResources.includes(r.id)}>
      <IndexTable.Cell>
        <Link url={detailUrl(r.id)} dataPrimaryLink removeUnderline monochrome>
          <Text as="span" fontWeight="semibold">
            {r.reference}
          </Text>
        </Link>
      </IndexTable.Cell>
      <IndexTable.Cell>{r.orderName ?? "—"}</IndexTable.Cell>
      <IndexTable.Cell>
        <BlockStack gap="050">
          <Text as="span">
            {r.customerName ??
              r.customerEmail ??
              tr(r.customerRedacted ? "returns.customer.redacted" : r.hasCustomer ? "returns.customer.unnamed" : "returns.customer.none")}
          </Text>
          {r.customerName && r.customerEmail && (
            <Text as="span" variant="bodySm" tone="subdued">
              {r.customerEmail}
            </Text>
          )}
        </BlockStack>
      </IndexTable.Cell>
      <IndexTable.Cell>
        <Text as="span" alignment="end" numeric>
          {r.units}
        </Text>
      </IndexTable.Cell>
      <IndexTable.Cell>{r.reasons.map((reason) => reasonLabel(reason, locale)).join(", ") || "—"}</IndexTable.Cell>
      <IndexTable.Cell>{outcomeLabel(r.outcome, r.storeCreditBonusPercent, tr)}</IndexTable.Cell>
      <IndexTable.Cell>
        <ReturnStatusBadge status={r.status} tr={tr} />
      </IndexTable.Cell>
      <IndexTable.Cell>
        <When iso={r.requestedAt} locale={locale} time={false} />
      </IndexTable.Cell>
      <IndexTable.Cell>
        {/* A click on a button is the button's, not the row's (which opens the return). */}
        <div onClick={(e) => e.stopPropagation()}>{buttons(r)}</div>
      </IndexTable.Cell>
    </IndexTable.Row>
  ));

  return (
    <Page title={tr("returns.title")} fullWidth>
      <BlockStack gap="400">
        {banner}
        {queue.counts.all === 0 && !queue.reason ? (
          <Card>
            <EmptyState heading={tr("returns.empty.heading")} image={EMPTY_IMAGE}>
              <p>{tr("returns.empty.body")}</p>
            </EmptyState>
          </Card>
        ) : (
          <Card padding="0">
            <Tabs
              tabs={tabs}
              selected={RETURN_QUEUE_FILTERS.indexOf(queue.filter)}
              onSelect={(i) => go({ status: RETURN_QUEUE_FILTERS[i], page: "1" })}
            />
            <Box padding="300">
              <Select
                label={tr("returns.filter.reason")}
                labelInline
                options={[
                  { value: "", label: tr("returns.filter.anyReason") },
                  ...FILTER_REASONS.map((reason) => ({ value: reason, label: reasonLabel(reason, locale) })),
                ]}
                value={queue.reason ?? ""}
                onChange={(reason) => go({ reason, page: "1" })}
              />
            </Box>
            <IndexTable
              resourceName={{ singular: tr("returns.resource.singular"), plural: tr("returns.resource.plural") }}
              itemCount={queue.rows.length}
              selectedItemsCount={allResourcesSelected ? "All" : selectedResources.length}
              onSelectionChange={handleSelectionChange}
              promotedBulkActions={[
                {
                  content: tr("returns.bulk.approve"),
                  disabled: requestedSelected.length === 0,
                  onAction: () => submit("approve", requestedSelected),
                },
              ]}
              headings={[
                { title: tr("returns.col.return") },
                { title: tr("returns.col.order") },
                { title: tr("returns.col.customer") },
                { title: tr("returns.col.units"), alignment: "end" },
                { title: tr("returns.col.reason") },
                { title: tr("returns.col.outcome") },
                { title: tr("returns.col.status") },
                { title: tr("returns.col.requested") },
                { title: tr("returns.col.actions") },
              ]}
              emptyState={
                <BlockStack inlineAlign="center">
                  <Text as="p" tone="subdued">
                    {tr("returns.emptyTab", { tab: tr(`returns.tab.${queue.filter}`) })}
                  </Text>
                </BlockStack>
              }
              pagination={{
                hasPrevious: queue.page > 1,
                hasNext: queue.hasNext,
                onPrevious: () => go({ page: String(queue.page - 1) }),
                onNext: () => go({ page: String(queue.page + 1) }),
                label: tr("returns.page", { page: queue.page }),
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
