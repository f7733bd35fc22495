// Owner notices: the merchant publishes a recall, an update or a new accessory for everyone who owns
// a product, and withdraws it. The work is in app/lifecycle/notices.server.ts; this module wires it.
import { useState } from "react";
import { json, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { useFetcher, useLoaderData } from "@remix-run/react";
import { Badge, Banner, BlockStack, Button, Card, FormLayout, InlineStack, Page, Select, Text, TextField } from "@shopify/polaris";
import { authenticate } from "../shopify.server";
import { interpolate, localeFrom, messages, t, type MessageKey } from "../i18n";
import { NoticeInputError, noticeAction, noticesPage } from "../lifecycle/notices.server";
import { NOTICE_BODY_MAX, NOTICE_KINDS, NOTICE_TITLE_MAX } from "../domain/owner-notices";
import { formatWhen } from "../components/claims";

type Answer = { ok: true; message: string } | { ok: false; error: string };

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const locale = localeFrom(request);
  return json({ ...(await noticesPage(session.shop)), locale, strings: messages(locale, "notices.") });
};

export const action = async ({ request }: ActionFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const locale = localeFrom(request);
  const form = Object.fromEntries([...(await request.formData())].map(([k, v]) => [k, String(v)]));
  try {
    const { done, owners } = await noticeAction(session.shop, form);
    return json<Answer>({ ok: true, message: t(locale, `notices.done.${done}`, { owners }) });
  } catch (e) {
    if (e instanceof NoticeInputError) return json<Answer>({ ok: false, error: t(locale, `notices.error.${e.field}`) }, { status: 400 });
    throw e;
  }
};

export default function NoticesPage() {
  const { notices, products, locale, strings } = useLoaderData<typeof loader>();
  const tr = (key: Extract<MessageKey, `notices.${string}`>, vars?: Record<string, string | number>) => interpolate(strings[key], vars);
  const fetcher = useFetcher<Answer>();
  const [productId, setProductId] = useState(products[0]?.productId ?? "");
  const [kind, setKind] = useState<string>("recall");
  const [title, setTitle] = useState("");
  const [body, setBody] = useState("");
  const busy = fetcher.state !== "idle";
  const answer = fetcher.data;
  const post = (fields: Record<string, string>) => fetcher.submit(fields, { method: "post" });

  return (
    <Page title={tr("notices.title")}>
      <BlockStack gap="400">
        {answer && (answer.ok ? <Banner tone="success" title={answer.message} /> : <Banner tone="critical" title={answer.error} />)}
        <Text as="p" tone="subdued">
          {tr("notices.intro")}
        </Text>
        <Card>
          <BlockStack gap="300">
            <Text as="h2" variant="headingMd">
              {tr("notices.new")}
            </Text>
            {products.length === 0 ? (
              <Text as="p">{tr("notices.noProducts")}</Text>
            ) : (
              <FormLayout>
                <Select
                  label={tr("notices.field.product")}
                  options={products.map((p) => ({
                    value: p.productId,
                    label: tr("notices.product.option", { title: p.title, owners: p.owners }),
                  }))}
                  value={productId}
                  onChange={setProductId}
                />
                <Select
                  label={tr("notices.field.kind")}
                  options={NOTICE_KINDS.map((k) => ({ value: k, label: tr(`notices.kind.${k}`) }))}
                  value={kind}
                  onChange={setKind}
                />
                <TextField
                  label={tr("notices.field.title")}
                  value={title}
                  onChange={setTitle}
                  maxLength={NOTICE_TITLE_MAX}
                  autoComplete="off"
                />
                <TextField
                  label={tr("notices.field.body")}
                  value={body}
                  onChange={setBody}
                  multiline={4}
                  maxLength={NOTICE_BODY_MAX}
                  autoComplete="off"
                />
                <Button variant="primary" loading={busy} onClick={() => post({ intent: "publish", productId, kind, title, body })}>
                  {tr("notices.publish")}
                </Button>
              </FormLayout>
            )}
          </BlockStack>
        </Card>
        <Card>
          <BlockStack gap="300">
            <Text as="h2" variant="headingMd">
              {tr("notices.list")}
            </Text>
            {notices.length === 0 && <Text as="p">{tr("notices.empty")}</Text>}
            {notices.map((n) => (
              <BlockStack key={n.id} gap="100">
                <InlineStack gap="200" blockAlign="center">
                  <Badge tone={n.kind === "recall" ? "critical" : "info"}>{tr(`notices.kind.${n.kind}`)}</Badge>
                  <Text as="span" fontWeight="semibold">
                    {n.title}
                  </Text>
                  <Text as="span" tone="subdued">
                    {n.product}
                  </Text>
                </InlineStack>
                <Text as="p">{n.body}</Text>
                <InlineStack gap="200" blockAlign="center">
                  <Text as="span" tone="subdued">
                    {n.publishedAt
                      ? tr("notices.published", { date: formatWhen(n.publishedAt, locale, false), owners: n.owners })
                      : tr("notices.withdrawn", { owners: n.owners })}
                  </Text>
                  <Button disabled={busy} onClick={() => post({ intent: n.publishedAt ? "withdraw" : "republish", id: n.id })}>
                    {tr(n.publishedAt ? "notices.withdraw" : "notices.republish")}
                  </Button>
                </InlineStack>
              </BlockStack>
            ))}
          </BlockStack>
        </Card>
      </BlockStack>
    </Page>
  );
}
