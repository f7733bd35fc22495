// One warranty claim for the merchant (/app/claims/:claimId): the shopper's words, the unit and
// order, the customer, the status with the actions the workflow allows now, the timeline and the
// response times. Its actions post to the queue's action (app.claims.tsx). The `_` in the file name
// keeps this page out of the queue's layout: it is a page of its own, not an outlet of the queue.
import { json, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { isRouteErrorResponse, useLoaderData, useRouteError } from "@remix-run/react";
import { useEffect, useState } from "react";
import { boundary } from "@shopify/shopify-app-remix/server";
import { Banner, BlockStack, Box, Card, Divider, InlineGrid, InlineStack, Layout, Page, Text } from "@shopify/polaris";
import { authenticate } from "../shopify.server";
import { localeFrom, messages, t, type Locale } from "../i18n";
import { claimDetail, type ClaimDetail } from "../warranty/claims-queue.server";
import { queueFilter, queuePage, type ClaimActionResult } from "../warranty/merchant-claims";
import { retryReplacement } from "../warranty/replacement.server";
import { ReplacementCard } from "../components/replacement";
import { formatDuration, resolutionLabel, StatusBadge, translator, useClaimActions, When, WithWhen, type Tr } from "../components/claims";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const loader = async ({ request, params }: LoaderFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const locale = localeFrom(request);
  const claim = UUID.test(params.claimId ?? "") ? await claimDetail(session.shop, params.claimId!) : null;
  // Another shop's claim is "not found", exactly like one that never existed.
  if (!claim) throw json({ error: t(locale, "claims.error.notFound"), back: t(locale, "claims.detail.back"), locale }, { status: 404 });
  // Back to the queue's tab and page the merchant came from (nothing else of `from` travels).
  const from = new URLSearchParams(new URL(request.url).searchParams.get("from") ?? "");
  const back = new URLSearchParams({ locale, status: queueFilter(from.get("status")), page: String(queuePage(from.get("page"))) });
  return json({ claim, locale, backUrl: `/app/claims?${back}`, strings: messages(locale, "claims.") });
};

// The claim's own action: trying a failed replacement's draft order again (the workflow's actions
// post to the queue's action).
export const action = async ({ request, params }: ActionFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const locale = localeFrom(request);
  const form = await request.formData();
  if (form.get("intent") !== "retry_replacement")
    return json<ClaimActionResult>(
      { ok: false, error: t(locale, "claims.error.unknownIntent", { intent: String(form.get("intent") ?? "") }) },
      { status: 400 },
    );
  const retried = UUID.test(params.claimId ?? "") && (await retryReplacement(session.shop, params.claimId!));
  if (!retried) return json<ClaimActionResult>({ ok: false, error: t(locale, "claims.replacement.notFailed") }, { status: 409 });
  return json<ClaimActionResult>({ ok: true, message: t(locale, "claims.replacement.retried") });
};

type Event = ClaimDetail["events"][number];

function eventLine(e: Event, tr: Tr, reason: string | null): string {
  switch (e.type) {
    case "submitted":
    case "review_started":
    case "resolved":
    case "reopened":
      return tr(`claims.event.${e.type}`);
    case "approved":
      return e.params.resolution
        ? tr("claims.event.approved", { resolution: resolutionLabel(e.params.resolution, tr).toLocaleLowerCase() })
        : tr("claims.event.approvedPlain");
    case "rejected":
      return reason ? tr("claims.event.rejectedReason", { reason }) : tr("claims.event.rejected");
    case "replacement_created":
      return tr("claims.event.replacement_created", { name: e.params.draftOrderName ?? "" });
    case "replacement_failed":
      return tr("claims.event.replacement_failed");
    default:
      return tr("claims.event.other", { type: e.type });
  }
}

export default function ClaimPage() {
  const { claim, locale, backUrl, strings } = useLoaderData<typeof loader>();
  const tr = translator(strings);
  const { buttons, dialogs, banner } = useClaimActions(locale, tr);
  const actions = buttons(claim);
  const closed = claim.status === "resolved" || claim.status === "rejected";
  // The reason is kept on the claim, not on its event: it belongs to the last rejection while the claim stays rejected.
  const lastRejection = claim.status === "rejected" ? claim.events.map((e) => e.type).lastIndexOf("rejected") : -1;
  const customerName =
    claim.customer.name ?? claim.customer.email ?? tr(claim.customer.redacted ? "claims.customer.redacted" : "claims.customer.unnamed");

  return (
    <Page
      backAction={{ content: tr("claims.detail.back"), url: backUrl }}
      title={tr("claims.detail.title", { product: claim.unit.product })}
      titleMetadata={<StatusBadge status={claim.status} tr={tr} />}
      subtitle={[customerName, claim.unit.orderName].filter(Boolean).join(" · ")}
    >
      <BlockStack gap="400">
        {banner}
        <Layout>
          <Layout.Section>
            <BlockStack gap="400">
              <Card>
                <BlockStack gap="200">
                  <Text as="h2" variant="headingMd">
                    {tr("claims.detail.description")}
                  </Text>
                  <Text as="p" tone="subdued" variant="bodySm">
                    <WithWhen template={strings["claims.detail.submittedAt"]} iso={claim.submittedAt} locale={locale} />
                  </Text>
                  {claim.description === null ? (
                    <Text as="p" tone="subdued">
                      {tr("claims.detail.descriptionRedacted")}
                    </Text>
                  ) : (
                    <Box paddingBlockStart="100">
                      <p style={{ whiteSpace: "pre-wrap", margin: 0 }}>{claim.description}</p>
                    </Box>
                  )}
                </BlockStack>
              </Card>
              <ClaimPhotos claimId={claim.id} photos={claim.photos} tr={tr} />
              <Card>
                <BlockStack gap="300">
                  <Text as="h2" variant="headingMd">
                    {tr("claims.detail.timeline")}
                  </Text>
                  <ol style={{ listStyle: "none", margin: 0, padding: 0 }}>
                    {claim.events.map((e, i) => (
                      <li key={i}>
                        <Box paddingBlock="150">
                          <Text as="p">
                            <Text as="span" fontWeight="semibold">
                              {tr(`claims.actor.${e.actor}`)}
                            </Text>
                            {" · "}
                            <When iso={e.at} locale={locale} />
                            {` — ${eventLine(e, tr, i === lastRejection ? claim.rejectionReason : null)}`}
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
                      {tr("claims.detail.status")}
                    </Text>
                    <StatusBadge status={claim.status} tr={tr} />
                  </InlineStack>
                  {claim.resolution && claim.status !== "rejected" && (
                    <Text as="p">{tr("claims.detail.resolution", { resolution: resolutionLabel(claim.resolution, tr) })}</Text>
                  )}
                  {claim.status === "rejected" && claim.rejectionReason && (
                    <Text as="p">{tr("claims.detail.rejectionReason", { reason: claim.rejectionReason })}</Text>
                  )}
                  {claim.reopenCount > 0 && (
                    <Text as="p" tone="subdued">
                      {tr("claims.detail.reopened")}
                    </Text>
                  )}
                  {actions}
                  {closed && (
                    <Text as="p" tone="subdued">
                      {tr(claim.reopenCount === 0 ? "claims.detail.canReopen" : "claims.detail.closed")}
                    </Text>
                  )}
                </BlockStack>
              </Card>
              {claim.replacement && <ReplacementCard claimId={claim.id} replacement={claim.replacement} locale={locale} tr={tr} />}
              <Card>
                <BlockStack gap="200">
                  <Text as="h2" variant="headingMd">
                    {tr("claims.detail.customer")}
                  </Text>
                  <Text as="p">{customerName}</Text>
                  {claim.customer.name && claim.customer.email && (
                    <Text as="p" tone="subdued">
                      {claim.customer.email}
                    </Text>
                  )}
                </BlockStack>
              </Card>
              <Card>
                <BlockStack gap="200">
                  <Text as="h2" variant="headingMd">
                    {tr("claims.detail.unit")}
                  </Text>
                  <Text as="p" fontWeight="semibold">
                    {claim.unit.product}
                  </Text>
                  <Text as="p">
                    {claim.unit.orderName ? tr("claims.detail.order", { name: claim.unit.orderName }) : tr("claims.detail.noOrder")}
                  </Text>
                  {claim.unit.quantity > 1 && <Text as="p">{tr("claims.detail.quantity", { count: claim.unit.quantity })}</Text>}
                  <Divider />
                  <Text as="p">{unitStatus(claim.unit.status, tr)}</Text>
                  <Text as="p" tone="subdued">
                    {claim.unit.coverageStart && claim.unit.coverageEnd
                      ? coverage(claim.unit.coverageStart, claim.unit.coverageEnd, locale, tr)
                      : tr("claims.detail.coverageNone")}
                  </Text>
                  {claim.unit.awaitingDelivery && (
                    <Text as="p" tone="subdued">
                      {tr("claims.detail.coverageAwaitingDelivery")}
                    </Text>
                  )}
                </BlockStack>
              </Card>
              <Card>
                <BlockStack gap="200">
                  <Text as="h2" variant="headingMd">
                    {tr("claims.detail.measures")}
                  </Text>
                  <InlineGrid columns={2} gap="200">
                    <Text as="p">{tr("claims.detail.firstResponse")}</Text>
                    <Text as="p" alignment="end" fontWeight="semibold">
                      {claim.measures.firstResponseMs === null
                        ? tr("claims.detail.pending")
                        : formatDuration(claim.measures.firstResponseMs, tr)}
                    </Text>
                    <Text as="p">{tr("claims.detail.resolutionTime")}</Text>
                    <Text as="p" alignment="end" fontWeight="semibold">
                      {claim.measures.resolutionMs === null ? tr("claims.detail.pending") : formatDuration(claim.measures.resolutionMs, tr)}
                    </Text>
                  </InlineGrid>
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

// The photos are fetched with App Bridge's fetch, which adds the session token (an <img src> would
// send none), and shown from object URLs; never cached (the route answers no-store).
function ClaimPhotos({ claimId, photos, tr }: { claimId: string; photos: ClaimDetail["photos"]; tr: Tr }) {
  const [urls, setUrls] = useState<Array<string | null | undefined>>([]); // undefined: loading; null: failed
  useEffect(() => {
    const made: string[] = [];
    let current = true;
    photos.forEach((p, i) => {
      fetch(`/app/claims/${claimId}/photos/${p.id}`)
        .then((res) => (res.ok ? res.blob() : Promise.reject(new Error(String(res.status)))))
        .then(
          (blob) => {
            const url = URL.createObjectURL(blob);
            made.push(url);
            if (current) setUrls((u) => Object.assign([...u], { [i]: url }));
          },
          () => current && setUrls((u) => Object.assign([...u], { [i]: null })),
        );
    });
    return () => {
      current = false;
      made.forEach((url) => URL.revokeObjectURL(url));
    };
  }, [claimId, photos]);
  return (
    <Card>
      <BlockStack gap="300">
        <Text as="h2" variant="headingMd">
          {tr("claims.detail.photos")}
        </Text>
        {photos.length === 0 ? (
          <Text as="p" tone="subdued">
            {tr("claims.detail.photosNone")}
          </Text>
        ) : (
          <InlineStack gap="300">
            {photos.map((p, i) => {
              const label = tr("claims.detail.photo", { n: i + 1, count: photos.length });
              const url = urls[i];
              return url ? (
                <a key={p.id} href={url} target="_blank" rel="noreferrer">
                  <img src={url} alt={label} style={{ width: 160, height: 160, objectFit: "cover", borderRadius: 8, display: "block" }} />
                </a>
              ) : url === null ? (
                <Text key={p.id} as="p" tone="critical">
                  {tr("claims.detail.photoFailed", { n: i + 1 })}
                </Text>
              ) : (
                <div
                  key={p.id}
                  role="img"
                  aria-label={label}
                  style={{ width: 160, height: 160, borderRadius: 8, background: "var(--p-color-bg-fill-secondary)" }}
                />
              );
            })}
          </InlineStack>
        )}
      </BlockStack>
    </Card>
  );
}

function unitStatus(status: string, tr: Tr): string {
  switch (status) {
    case "active":
    case "expired":
    case "voided":
    case "pending_fulfillment":
      return tr(`claims.detail.unitStatus.${status}`);
    default:
      return status;
  }
}

// Coverage dates are calendar days: shown in UTC, where they were computed.
function coverage(start: string, end: string, locale: Locale, tr: Tr): string {
  const day = (iso: string) =>
    new Intl.DateTimeFormat(locale === "es" ? "es-ES" : "en-US", {
      day: "numeric",
      month: "short",
      year: "numeric",
      timeZone: "UTC",
    }).format(new Date(iso));
  return tr("claims.detail.coverage", { start: day(start), end: day(end) });
}

// Our 404 (a claim this shop does not have) in the merchant's language; anything else is Shopify's
// library's to answer (a bounce to re-authenticate, a 401).
export function ErrorBoundary() {
  const error = useRouteError();
  if (isRouteErrorResponse(error) && error.status === 404 && typeof error.data?.error === "string") {
    const data = error.data as { error: string; back: string; locale: Locale };
    return (
      <Page backAction={{ content: data.back, url: `/app/claims?locale=${data.locale}` }} title={data.back}>
        <Banner tone="critical">{data.error}</Banner>
      </Page>
    );
  }
  return boundary.error(error);
}
