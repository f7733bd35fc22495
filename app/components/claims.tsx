// What the Claims queue and a claim's page share: the status badge, dates and durations in the
// merchant's language, and the merchant's actions (buttons, the approve and reject dialogs, the
// answer as a banner). Every action posts to the queue route's action (app/routes/app.claims.tsx).
import { useState } from "react";
import { useFetcher } from "@remix-run/react";
import { Badge, Banner, BlockStack, Button, ButtonGroup, Modal, Select, TextField } from "@shopify/polaris";
import { CLAIM_RESOLUTIONS, type ClaimResolution, type ClaimState, type ClaimStatus } from "../domain/claims";
import { interpolate, type Locale, type MessageKey, type Messages } from "../i18n";
import { MAX_REJECTION_REASON, merchantActions, type ClaimActionResult, type MerchantIntent } from "../warranty/merchant-claims";

export type ClaimKey = Extract<MessageKey, `claims.${string}`>;
export type Tr = (key: ClaimKey, vars?: Record<string, string | number>) => string;

/** A page's `t`, over the strings its loader handed down (the Claims pages', or another page's with its keys). */
export const translator =
  <K extends MessageKey = ClaimKey>(strings: Pick<Messages, K>) =>
  (key: K, vars?: Record<string, string | number>): string =>
    interpolate(strings[key], vars);

const TONES: Record<
  ClaimStatus,
  { tone?: "attention" | "info" | "success" | "critical"; progress: "incomplete" | "partiallyComplete" | "complete" }
> = {
  submitted: { tone: "attention", progress: "incomplete" },
  in_review: { tone: "info", progress: "partiallyComplete" },
  approved: { tone: "success", progress: "partiallyComplete" },
  rejected: { tone: "critical", progress: "complete" },
  resolved: { progress: "complete" },
};

export function StatusBadge({ status, tr }: { status: ClaimStatus; tr: Tr }) {
  return (
    <Badge tone={TONES[status].tone} progress={TONES[status].progress}>
      {tr(`claims.status.${status}`)}
    </Badge>
  );
}

const tag = (locale: Locale) => (locale === "es" ? "es-ES" : "en-US");

/** "3 nov 2026 10:42" / "Nov 3, 2026 10:42 AM" (the date alone without `time`). */
export function formatWhen(iso: string, locale: Locale, time = true): string {
  const d = new Date(iso);
  const date = new Intl.DateTimeFormat(tag(locale), { day: "numeric", month: "short", year: "numeric" }).format(d);
  return time ? `${date} ${new Intl.DateTimeFormat(tag(locale), { hour: "2-digit", minute: "2-digit" }).format(d)}` : date;
}

// The server renders its own time zone and the browser then its own: the mismatch is expected.
export function When({ iso, locale, time = true }: { iso: string; locale: Locale; time?: boolean }) {
  return (
    <time dateTime={iso} suppressHydrationWarning>
      {formatWhen(iso, locale, time)}
    </time>
  );
}

/** A sentence with a {when} in it (its other placeholders already filled). */
export function WithWhen({ template, iso, locale }: { template: string; iso: string; locale: Locale }) {
  const [before, after = ""] = template.split("{when}");
  return (
    <>
      {before}
      <When iso={iso} locale={locale} />
      {after}
    </>
  );
}

export function formatDuration(ms: number, tr: Tr): string {
  const minutes = Math.floor(ms / 60_000);
  if (minutes < 1) return tr("claims.duration.underMinute");
  if (minutes < 60) return tr("claims.duration.minutes", { m: minutes });
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return tr("claims.duration.hours", { h: hours, m: minutes % 60 });
  return tr("claims.duration.days", { d: Math.floor(hours / 24), h: hours % 24 });
}

export const resolutionLabel = (resolution: ClaimResolution, tr: Tr) => tr(`claims.resolution.${resolution}`);

type Dialog = { kind: "approve" | "reject"; claimId: string };

/**
 * The merchant's actions on claims: `buttons(claim)` offers those the workflow allows now,
 * `submit` posts one (or a bulk review), `dialogs` asks for the resolution or the reason, and
 * `banner` shows the answer. Remix revalidates the page's data after each answer.
 */
export function useClaimActions(locale: Locale, tr: Tr, onDone?: () => void) {
  const fetcher = useFetcher<ClaimActionResult>();
  const [dialog, setDialog] = useState<Dialog | null>(null);
  const [resolution, setResolution] = useState<ClaimResolution>("repair");
  const [reason, setReason] = useState("");
  const [reasonTouched, setReasonTouched] = useState(false);

  const pending = fetcher.state !== "idle";
  const pendingIntent = pending ? String(fetcher.formData?.get("intent") ?? "") : null;
  const pendingIds = pending ? (fetcher.formData?.getAll("claimId").map(String) ?? []) : [];
  const result = fetcher.state === "idle" ? fetcher.data : undefined;

  // A new answer closes the dialog it answers, if it succeeded (during render, as React advises for
  // state that follows a changed value).
  const [answered, setAnswered] = useState(result);
  if (result !== answered) {
    setAnswered(result);
    if (result?.ok) {
      setDialog(null);
      setReason("");
      setReasonTouched(false);
      onDone?.();
    }
  }

  const submit = (intent: MerchantIntent, claimIds: string[], fields: Record<string, string> = {}) => {
    const body = new FormData();
    body.set("intent", intent);
    for (const id of claimIds) body.append("claimId", id);
    for (const [k, v] of Object.entries(fields)) body.set(k, v);
    // The locale rides along so the action answers in the page's language.
    fetcher.submit(body, { method: "post", action: `/app/claims?locale=${locale}` });
  };

  const buttons = (claim: ClaimState & { id: string }) => {
    const allowed = merchantActions(claim);
    if (allowed.length === 0) return null;
    return (
      <ButtonGroup>
        {allowed.map((intent) => (
          <Button
            key={intent}
            size="slim"
            variant={intent === allowed[0] ? "primary" : "secondary"}
            tone={intent === "reject" ? "critical" : undefined}
            disabled={pending}
            loading={pendingIntent === intent && pendingIds.includes(claim.id)}
            onClick={() =>
              intent === "approve" || intent === "reject" ? setDialog({ kind: intent, claimId: claim.id }) : submit(intent, [claim.id])
            }
          >
            {tr(`claims.action.${intent}`)}
          </Button>
        ))}
      </ButtonGroup>
    );
  };

  const close = () => {
    setDialog(null);
    setReasonTouched(false);
  };
  const dialogError = dialog && result && !result.ok ? <Banner tone="critical">{result.error}</Banner> : null;
  const reasonMissing = !reason.trim();

  const dialogs = (
    <>
      <Modal
        open={dialog?.kind === "approve"}
        onClose={close}
        title={tr("claims.approve.title")}
        primaryAction={{
          content: tr("claims.approve.submit"),
          loading: pendingIntent === "approve",
          onAction: () => dialog && submit("approve", [dialog.claimId], { resolution }),
        }}
        secondaryActions={[{ content: tr("claims.action.cancel"), onAction: close }]}
      >
        <Modal.Section>
          <BlockStack gap="300">
            {dialogError}
            <Select
              label={tr("claims.approve.resolution")}
              options={CLAIM_RESOLUTIONS.map((r) => ({ value: r, label: resolutionLabel(r, tr) }))}
              value={resolution}
              onChange={(value) => setResolution(value as ClaimResolution)}
              helpText={tr("claims.approve.help")}
            />
          </BlockStack>
        </Modal.Section>
      </Modal>
      <Modal
        open={dialog?.kind === "reject"}
        onClose={close}
        title={tr("claims.reject.title")}
        primaryAction={{
          content: tr("claims.reject.submit"),
          destructive: true,
          disabled: reasonMissing,
          loading: pendingIntent === "reject",
          onAction: () => dialog && submit("reject", [dialog.claimId], { reason }),
        }}
        secondaryActions={[{ content: tr("claims.action.cancel"), onAction: close }]}
      >
        <Modal.Section>
          <BlockStack gap="300">
            {dialogError}
            <TextField
              label={tr("claims.reject.reason")}
              value={reason}
              onChange={setReason}
              onBlur={() => setReasonTouched(true)}
              multiline={4}
              maxLength={MAX_REJECTION_REASON}
              showCharacterCount
              requiredIndicator
              autoComplete="off"
              helpText={tr("claims.reject.help")}
              error={reasonTouched && reasonMissing ? tr("claims.error.reasonRequired") : undefined}
            />
          </BlockStack>
        </Modal.Section>
      </Modal>
    </>
  );

  const banner =
    result && !dialog ? (
      result.ok ? (
        <BlockStack gap="200">
          <Banner tone="success">{result.message}</Banner>
          {result.warning && <Banner tone="warning">{result.warning}</Banner>}
        </BlockStack>
      ) : (
        <Banner tone="critical">{result.error}</Banner>
      )
    ) : null;

  return { submit, buttons, dialogs, banner, pending };
}
