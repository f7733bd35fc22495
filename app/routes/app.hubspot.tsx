// The merchant's HubSpot page: connection state, what is waiting, what HubSpot refused, and
// connecting/disconnecting. The work is in app/hubspot/*.server.ts; this module only wires it.
import { useEffect, useRef, useState, type ReactNode } from "react";
import { json, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { useFetcher, useLoaderData, useRevalidator } from "@remix-run/react";
import {
  Badge,
  Banner,
  BlockStack,
  Box,
  Button,
  Card,
  Checkbox,
  DataTable,
  Divider,
  Form,
  FormLayout,
  InlineGrid,
  InlineStack,
  Page,
  ProgressBar,
  Select,
  Text,
  TextField,
} from "@shopify/polaris";
import { authenticate } from "../shopify.server";
import { hubspotStatus, retryFailures } from "../hubspot/status.server";
import { checkConnection, ConnectError, connectPrivateApp, disconnect, setEraseOnRedact, startOAuth } from "../hubspot/connection.server";
import { interpolate, localeFrom, messages, t, type Locale } from "../i18n";
import { log } from "../log.server";

type ActionResult = { ok: boolean; error?: string; redirectTo?: string; checks?: string[] };

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const locale = localeFrom(request);
  // hubspotStatus holds no token; nothing else from the connection row is added here.
  return json({ status: await hubspotStatus(session.shop), locale, strings: messages(locale, "hubspot.") });
};

export const action = async ({ request }: ActionFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const locale = localeFrom(request);
  const form = await request.formData();
  const intent = String(form.get("intent") ?? "");
  try {
    switch (intent) {
      case "connect_private":
        await connectPrivateApp(session.shop, String(form.get("token") ?? ""), Number(form.get("rollingLimit")));
        return json<ActionResult>({ ok: true });
      case "connect_oauth":
        return json<ActionResult>({ ok: true, redirectTo: await startOAuth(session.shop) });
      case "disconnect":
        await disconnect(session.shop);
        return json<ActionResult>({ ok: true });
      case "check":
        return json<ActionResult>({ ok: true, checks: await checkConnection(session.shop) });
      case "erase_on_redact":
        await setEraseOnRedact(session.shop, form.get("enabled") === "true");
        return json<ActionResult>({ ok: true });
      case "retry":
        await retryFailures(session.shop);
        return json<ActionResult>({ ok: true });
      default:
        return json<ActionResult>(
          { ok: false, error: t(locale, "hubspot.error.unknownIntent", { intent: intent.slice(0, 40) }) },
          { status: 400 },
        );
    }
  } catch (e) {
    if (e instanceof ConnectError)
      return json<ActionResult>({ ok: false, error: t(locale, `connectError.${e.code}`, { detail: e.detail }) }, { status: 400 });
    // Returned, not thrown: the page keeps its state and shows the message instead of the error boundary.
    log.error("hubspot page action failed", { shop: session.shop, intent, error: (e as Error).message });
    return json<ActionResult>({ ok: false, error: t(locale, "hubspot.error.unexpected") }, { status: 500 });
  }
};

const REFRESH_MS = 5000;
const PAUSED_TITLES: Record<string, "hubspot.paused.daily_limit" | "hubspot.paused.auth" | "hubspot.paused.scopes"> = {
  daily_limit: "hubspot.paused.daily_limit",
  auth: "hubspot.paused.auth",
  scopes: "hubspot.paused.scopes",
};

export default function HubSpotPage() {
  const { status, locale, strings } = useLoaderData<typeof loader>();
  const tr = (key: keyof typeof strings, vars?: Record<string, string | number>) => interpolate(strings[key], vars);
  const fetcher = useFetcher<typeof action>();
  const revalidator = useRevalidator();
  const [token, setToken] = useState("");
  const [rollingLimit, setRollingLimit] = useState("100");
  const [confirmingDisconnect, setConfirmingDisconnect] = useState(false);
  const [lastIntent, setLastIntent] = useState<string | null>(null);

  const c = status.connection;
  const paused = c?.state === "paused";
  // Connecting again is also how a missing "tickets" permission is granted.
  const needsConnect = !c || (paused && c.pausedReason !== "daily_limit") || status.tickets.waiting === "scopes";
  const pending = fetcher.state !== "idle" ? String(fetcher.formData?.get("intent") ?? "") : null;
  const result = fetcher.state === "idle" ? fetcher.data : undefined;

  const submit = (intent: string, fields: Record<string, string> = {}) => {
    setLastIntent(intent);
    // The locale rides along so the action answers in the page's language.
    fetcher.submit({ intent, ...fields }, { method: "post", action: `/app/hubspot?locale=${locale}` });
  };

  // A new answer from the action resets the form it answers (during render, as React advises for
  // state that follows a changed value).
  const [answered, setAnswered] = useState(result);
  if (result !== answered) {
    setAnswered(result);
    if (result?.ok && lastIntent === "connect_private") setToken("");
    if (result?.ok && lastIntent === "disconnect") setConfirmingDisconnect(false);
  }
  useEffect(() => {
    // App Bridge turns a _top open into a navigation of the admin window (HubSpot cannot be framed):
    // our /hubspot/start sets the browser-binding cookie there, first-party, then goes on to HubSpot.
    if (result?.redirectTo) open(result.redirectTo, "_top");
  }, [result]);

  // Refresh while the sync is moving. A paused or absent connection does not move by itself,
  // except a daily pause, which ends at pausedUntil (the minute sweep then resumes it).
  const revalidatorRef = useRef(revalidator);
  useEffect(() => {
    revalidatorRef.current = revalidator;
  });
  const ticketsMoving = !status.tickets.waiting && status.backlog.tickets > 0;
  const moving = c?.state === "active" && (status.backlog.contacts + status.backlog.notes > 0 || ticketsMoving || status.backfill.running);
  useEffect(() => {
    if (!moving) return;
    const id = setInterval(() => {
      if (document.visibilityState === "visible" && revalidatorRef.current.state === "idle") revalidatorRef.current.revalidate();
    }, REFRESH_MS);
    return () => clearInterval(id);
  }, [moving]);
  const resumesAt = paused && c.pausedReason === "daily_limit" && c.pausedUntil ? Date.parse(c.pausedUntil) : null;
  useEffect(() => {
    if (resumesAt === null) return;
    const wait = Math.max(resumesAt - Date.now(), 0) + 65_000;
    if (wait > 2 ** 31 - 1) return;
    const id = setTimeout(() => revalidatorRef.current.revalidate(), wait);
    return () => clearTimeout(id);
  }, [resumesAt]);

  const badge = !c ? (
    <Badge>{tr("hubspot.badge.notConnected")}</Badge>
  ) : paused ? (
    <Badge tone={c.pausedReason === "daily_limit" ? "warning" : "critical"}>{tr("hubspot.badge.paused")}</Badge>
  ) : (
    <Badge tone="success">{tr("hubspot.badge.connected")}</Badge>
  );

  const success =
    result?.ok && !result.redirectTo
      ? lastIntent === "connect_private"
        ? tr("hubspot.connect.done")
        : lastIntent === "disconnect"
          ? tr("hubspot.disconnect.done")
          : lastIntent === "retry"
            ? tr("hubspot.failures.retried")
            : null
      : null;

  const n = (v: number) => v.toLocaleString(locale);

  return (
    <Page title={tr("hubspot.title")}>
      <BlockStack gap="500">
        {result?.error && <Banner tone="critical">{result.error}</Banner>}
        {success && <Banner tone="success">{success}</Banner>}

        {paused && (
          <Banner
            tone={c.pausedReason === "daily_limit" ? "warning" : "critical"}
            title={tr(PAUSED_TITLES[c.pausedReason ?? ""] ?? "hubspot.paused.other")}
          >
            <BlockStack gap="100">
              {c.lastError && <Text as="p">{tr("hubspot.paused.lastError", { error: c.lastError })}</Text>}
              {c.pausedReason === "daily_limit" && c.pausedUntil ? (
                <Text as="p">{withWhen(strings["hubspot.paused.resumesAt"], c.pausedUntil, locale)}</Text>
              ) : (
                <Text as="p">{tr("hubspot.paused.reconnect")}</Text>
              )}
            </BlockStack>
          </Banner>
        )}

        {c && status.tickets.waiting && (
          <Banner
            tone="warning"
            title={tr(status.tickets.waiting === "scopes" ? "hubspot.tickets.waiting.scopes" : "hubspot.tickets.waiting.pipeline")}
          >
            <BlockStack gap="100">
              <Text as="p">{tr("hubspot.tickets.waiting.help")}</Text>
              {status.tickets.reason && <Text as="p">{tr("hubspot.tickets.waiting.reason", { reason: status.tickets.reason })}</Text>}
              {status.tickets.waiting === "scopes" && <Text as="p">{tr("hubspot.tickets.waiting.reconnect")}</Text>}
              {status.tickets.retryAt && (
                <Text as="p">{withWhen(strings["hubspot.tickets.waiting.retryAt"], status.tickets.retryAt, locale)}</Text>
              )}
            </BlockStack>
          </Banner>
        )}

        <Card>
          <BlockStack gap="300">
            <InlineStack gap="200" blockAlign="center">
              <Text as="h2" variant="headingMd">
                {tr("hubspot.connection")}
              </Text>
              {badge}
            </InlineStack>
            {c ? (
              <BlockStack gap="100">
                <Text as="p">
                  {tr("hubspot.account", { portalId: c.portalId })} ·{" "}
                  {tr(c.authType === "oauth" ? "hubspot.auth.oauth" : "hubspot.auth.private_app")}
                </Text>
                <Text as="p" tone="subdued">
                  {tr("hubspot.rollingLimit", { limit: c.rollingLimit })}
                </Text>
                <Text as="p">{c.lastSyncAt ? withWhen(strings["hubspot.lastSync"], c.lastSyncAt, locale) : tr("hubspot.neverSynced")}</Text>
                <Checkbox
                  label={tr("hubspot.eraseOnRedact")}
                  helpText={tr("hubspot.eraseOnRedact.help")}
                  checked={c.eraseOnRedact}
                  disabled={pending === "erase_on_redact"}
                  onChange={(checked) => submit("erase_on_redact", { enabled: String(checked) })}
                />
              </BlockStack>
            ) : (
              <Text as="p">{tr("hubspot.notConnected")}</Text>
            )}
            {c &&
              (confirmingDisconnect ? (
                <Box background="bg-surface-critical" padding="300" borderRadius="200">
                  <BlockStack gap="200">
                    <Text as="p">{tr("hubspot.disconnect.confirm")}</Text>
                    <InlineStack gap="200">
                      <Button variant="primary" tone="critical" loading={pending === "disconnect"} onClick={() => submit("disconnect")}>
                        {tr("hubspot.disconnect.yes")}
                      </Button>
                      <Button onClick={() => setConfirmingDisconnect(false)} disabled={pending === "disconnect"}>
                        {tr("hubspot.disconnect.cancel")}
                      </Button>
                    </InlineStack>
                  </BlockStack>
                </Box>
              ) : (
                <BlockStack gap="200">
                  <InlineStack gap="200">
                    <Button onClick={() => submit("check")} loading={pending === "check"}>
                      {tr("hubspot.check")}
                    </Button>
                    <Button tone="critical" variant="secondary" onClick={() => setConfirmingDisconnect(true)}>
                      {tr("hubspot.disconnect")}
                    </Button>
                  </InlineStack>
                  <Text as="p" tone="subdued">
                    {tr("hubspot.check.help")}
                  </Text>
                  {result?.checks?.map((line) => (
                    <Text as="p" key={line} tone={line.startsWith("PASS") ? "success" : line.startsWith("SKIP") ? "subdued" : "critical"}>
                      {line}
                    </Text>
                  ))}
                </BlockStack>
              ))}
          </BlockStack>
        </Card>

        {c && (
          <Card>
            <BlockStack gap="300">
              <Text as="h2" variant="headingMd">
                {tr("hubspot.backlog")}
              </Text>
              <InlineGrid columns={{ xs: 1, sm: 4 }} gap="300">
                <Figure label={tr("hubspot.backlog.contacts")} value={n(status.backlog.contacts)} />
                <Figure label={tr("hubspot.backlog.notes")} value={n(status.backlog.notes)} />
                <Figure label={tr("hubspot.backlog.tickets")} value={n(status.backlog.tickets)} />
                <Figure label={tr("hubspot.backlog.waiting")} value={n(status.backlog.waiting)} help={tr("hubspot.backlog.waitingHelp")} />
              </InlineGrid>
              {status.backlog.contacts + status.backlog.notes + status.backlog.tickets === 0 && (
                <Text as="p" tone="success">
                  {tr("hubspot.backlog.upToDate")}
                </Text>
              )}
              {status.skipped > 0 && (
                <Text as="p" tone="subdued">
                  {tr("hubspot.backlog.skipped", { count: n(status.skipped) })}
                </Text>
              )}
              {status.backfill.running && (
                <>
                  <Divider />
                  <Text as="h3" variant="headingSm">
                    {tr("hubspot.backfill")}
                  </Text>
                  <ProgressBar
                    progress={status.backfill.total ? Math.round((status.backfill.done / status.backfill.total) * 100) : 0}
                    size="small"
                    tone="primary"
                  />
                  <Text as="p" tone="subdued">
                    {tr("hubspot.backfill.progress", { done: n(status.backfill.done), total: n(status.backfill.total) })}
                  </Text>
                </>
              )}
            </BlockStack>
          </Card>
        )}

        {c && (
          <Card>
            <BlockStack gap="300">
              <InlineStack align="space-between" blockAlign="center">
                <Text as="h2" variant="headingMd">
                  {tr("hubspot.failures")}
                </Text>
                {status.failures.length > 0 && (
                  <Button onClick={() => submit("retry")} loading={pending === "retry"}>
                    {tr("hubspot.failures.retry")}
                  </Button>
                )}
              </InlineStack>
              {status.failures.length > 0 ? (
                <DataTable
                  columnContentTypes={["text", "text", "text"]}
                  headings={[tr("hubspot.failures.type"), tr("hubspot.failures.what"), tr("hubspot.failures.reason")]}
                  rows={status.failures.map((f) => [
                    tr(
                      f.type === "contact"
                        ? "hubspot.failures.contact"
                        : f.type === "note"
                          ? "hubspot.failures.note"
                          : "hubspot.failures.ticket",
                    ),
                    f.what,
                    f.reason,
                  ])}
                  verticalAlign="top"
                />
              ) : (
                <Text as="p" tone="subdued">
                  {tr("hubspot.failures.none")}
                </Text>
              )}
            </BlockStack>
          </Card>
        )}

        {needsConnect && (
          <Card>
            <BlockStack gap="400">
              <Text as="h2" variant="headingMd">
                {tr(c ? "hubspot.reconnect" : "hubspot.connect")}
              </Text>
              <Text as="p">{tr("hubspot.connect.intro")}</Text>
              <BlockStack gap="200">
                <InlineStack>
                  <Button variant="primary" onClick={() => submit("connect_oauth")} loading={pending === "connect_oauth"}>
                    {tr("hubspot.connect.oauth")}
                  </Button>
                </InlineStack>
                <Text as="p" tone="subdued">
                  {tr("hubspot.connect.oauthHelp")}
                </Text>
              </BlockStack>
              <Divider />
              <Form onSubmit={() => submit("connect_private", { token, rollingLimit })}>
                <FormLayout>
                  <Text as="h3" variant="headingSm">
                    {tr("hubspot.connect.private")}
                  </Text>
                  <TextField
                    label={tr("hubspot.connect.token")}
                    type="password"
                    autoComplete="off"
                    value={token}
                    onChange={setToken}
                    helpText={tr("hubspot.connect.tokenHelp")}
                  />
                  <Select
                    label={tr("hubspot.connect.limit")}
                    options={[
                      { label: tr("hubspot.connect.limit100"), value: "100" },
                      { label: tr("hubspot.connect.limit190"), value: "190" },
                    ]}
                    value={rollingLimit}
                    onChange={setRollingLimit}
                  />
                  <Button submit disabled={!token.trim()} loading={pending === "connect_private"}>
                    {tr("hubspot.connect.submit")}
                  </Button>
                </FormLayout>
              </Form>
            </BlockStack>
          </Card>
        )}
      </BlockStack>
    </Page>
  );
}

function Figure({ label, value, help }: { label: string; value: string; help?: string }) {
  return (
    <BlockStack gap="100">
      <Text as="h3" variant="headingSm">
        {label}
      </Text>
      <Text as="p" variant="headingXl">
        {value}
      </Text>
      {help && (
        <Text as="p" variant="bodySm" tone="subdued">
          {help}
        </Text>
      )}
    </BlockStack>
  );
}

// A sentence with a {when} date in the reader's time zone. The server renders its own zone, the
// browser then its own: the mismatch is expected, hence suppressHydrationWarning.
function withWhen(template: string, iso: string, locale: Locale): ReactNode {
  const [before, after = ""] = template.split("{when}");
  const text = new Intl.DateTimeFormat(locale === "es" ? "es-ES" : "en-US", { dateStyle: "medium", timeStyle: "short" }).format(
    new Date(iso),
  );
  return (
    <>
      {before}
      <time dateTime={iso} suppressHydrationWarning>
        {text}
      </time>
      {after}
    </>
  );
}
