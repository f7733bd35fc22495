// A claim approved as a replacement: where its draft order stands in Shopify, a link to it once
// created, and "Try again" after a failure (posted to the claim page's own action).
import { useFetcher } from "@remix-run/react";
import { Banner, BlockStack, Button, Card, Link, Text } from "@shopify/polaris";
import type { Locale } from "../i18n";
import type { ReplacementView } from "../warranty/replacement.server";
import type { ClaimActionResult } from "../warranty/merchant-claims";
import type { Tr } from "./claims";

export function ReplacementCard({
  claimId,
  replacement,
  locale,
  tr,
}: {
  claimId: string;
  replacement: ReplacementView;
  locale: Locale;
  tr: Tr;
}) {
  const fetcher = useFetcher<ClaimActionResult>();
  const answer = fetcher.state === "idle" ? fetcher.data : undefined;
  const name = replacement.draftOrderName ?? "";
  return (
    <Card>
      <BlockStack gap="200">
        <Text as="h2" variant="headingMd">
          {tr("claims.replacement.title")}
        </Text>
        {replacement.status === "creating" && (
          <Text as="p" tone="subdued">
            {tr("claims.replacement.creating")}
          </Text>
        )}
        {replacement.status === "created" && (
          <>
            <Text as="p">{tr("claims.replacement.created", { name })}</Text>
            {/* App Bridge opens shopify://admin links in the admin around the app. */}
            <Link url={`shopify://admin/draft_orders/${replacement.draftOrderId}`} target="_top">
              {tr("claims.replacement.open", { name })}
            </Link>
          </>
        )}
        {replacement.status === "failed" && (
          <Banner tone="critical">
            <BlockStack gap="200">
              <Text as="p">{tr("claims.replacement.failed", { failure: replacement.failure ?? "" })}</Text>
              <fetcher.Form method="post" action={`/app/claims/${claimId}?locale=${locale}`}>
                <input type="hidden" name="intent" value="retry_replacement" />
                <Button submit loading={fetcher.state !== "idle"}>
                  {tr("claims.replacement.retry")}
                </Button>
              </fetcher.Form>
            </BlockStack>
          </Banner>
        )}
        {answer && !answer.ok && <Banner tone="critical">{answer.error}</Banner>}
      </BlockStack>
    </Card>
  );
}
