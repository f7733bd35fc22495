// What the Returns queue and a return's page share: the status badge, the reason and outcome in
// the merchant's language, a timeline line, and the merchant's actions (approve, the decline dialog,
// the answer as a banner). Every action posts to the queue route's action (app/routes/app.returns.tsx).
import { useState } from "react";
import { useFetcher } from "@remix-run/react";
import { Badge, Banner, BlockStack, Button, ButtonGroup, Modal, Select, TextField } from "@shopify/polaris";
import type { ReturnStatus } from "../domain/returns";
import { returnReasonText } from "../domain/shopper-text";
import type { Locale, MessageKey } from "../i18n";
import {
  DECLINE_NOTE_MAX,
  DECLINE_REASONS,
  merchantReturnActions,
  type DeclineReason,
  type ReturnActionResult,
  type ReturnIntent,
} from "../returns/merchant-returns";

export type ReturnKey = Extract<MessageKey, `returns.${string}`>;
export type ReturnTr = (key: ReturnKey, vars?: Record<string, string | number>) => string;

const TONES: Record<
  ReturnStatus,
  { tone?: "attention" | "info" | "success" | "critical"; progress: "incomplete" | "partiallyComplete" | "complete" }
> = {
  requesting: { tone: "info", progress: "incomplete" },
  failed: { tone: "critical", progress: "complete" },
  requested: { tone: "attention", progress: "incomplete" },
  open: { tone: "success", progress: "partiallyComplete" },
  declined: { tone: "critical", progress: "complete" },
  canceled: { progress: "complete" },
  closed: { progress: "complete" },
};

export function ReturnStatusBadge({ status, tr }: { status: ReturnStatus; tr: ReturnTr }) {
  return (
    <Badge tone={TONES[status].tone} progress={TONES[status].progress}>
      {tr(`returns.status.${status}`)}
    </Badge>
  );
}

/** The reason a shopper gave, as the shopper picked it (the same words their page offers). */
export const reasonLabel = (reason: string, locale: Locale) => returnReasonText(reason, locale);

export function outcomeLabel(outcome: "refund" | "store_credit" | null, bonusPercent: number, tr: ReturnTr): string {
  if (!outcome) return tr("returns.outcome.none");
  if (outcome === "store_credit" && bonusPercent > 0) return tr("returns.outcome.store_creditBonus", { bonus: bonusPercent });
  return tr(`returns.outcome.${outcome}`);
}

export function declineReasonLabel(reason: string, tr: ReturnTr): string {
  return DECLINE_REASONS.includes(reason as DeclineReason) ? tr(`returns.declineReason.${reason as DeclineReason}`) : reason;
}

/** One line of the timeline: what happened, said of its actor. */
export function eventText(e: { kind: string; actor: string; params: { reason?: string } }, tr: ReturnTr): string {
  switch (e.kind) {
    case "submitted":
    case "canceled":
    case "closed":
    case "reopened":
    case "processed":
    case "failed":
      return tr(`returns.event.${e.kind}`);
    case "requested":
      return tr(e.actor === "shopify" ? "returns.event.requestedShopify" : "returns.event.requested");
    case "approved":
      return tr(e.actor === "system" ? "returns.event.approvedAuto" : "returns.event.approved");
    case "declined":
      return tr("returns.event.declined", { reason: e.params.reason ? declineReasonLabel(e.params.reason, tr) : "—" });
    default:
      return tr("returns.event.other", { kind: e.kind });
  }
}

/**
 * The merchant's actions on returns: `buttons(ret)` offers approve and decline while the return is
 * requested, `submit` posts one (or a bulk approve), `dialogs` asks for the decline's reason and
 * note, and `banner` shows the answer. Remix revalidates the page's data after each answer.
 */
export function useReturnActions(locale: Locale, tr: ReturnTr, onDone?: () => void) {
  const fetcher = useFetcher<ReturnActionResult>();
  const [declining, setDeclining] = useState<string | null>(null);
  const [reason, setReason] = useState<DeclineReason>("OTHER");
  const [note, setNote] = useState("");

  const pending = fetcher.state !== "idle";
  const pendingIntent = pending ? String(fetcher.formData?.get("intent") ?? "") : null;
  const pendingIds = pending ? (fetcher.formData?.getAll("returnId").map(String) ?? []) : [];
  const result = fetcher.state === "idle" ? fetcher.data : undefined;

  // A new answer closes the dialog it answers, if it succeeded (during render, as React advises for
  // state that follows a changed value).
  const [answered, setAnswered] = useState(result);
  if (result !== answered) {
    setAnswered(result);
    if (result?.ok) {
      setDeclining(null);
      setNote("");
      onDone?.();
    }
  }

  const submit = (intent: ReturnIntent, returnIds: string[], fields: Record<string, string> = {}) => {
    const body = new FormData();
    body.set("intent", intent);
    for (const id of returnIds) body.append("returnId", id);
    for (const [k, v] of Object.entries(fields)) body.set(k, v);
    // The locale rides along so the action answers in the page's language.
    fetcher.submit(body, { method: "post", action: `/app/returns?locale=${locale}` });
  };

  const buttons = (ret: { id: string; status: ReturnStatus }) => {
    const allowed = merchantReturnActions(ret.status);
    if (allowed.length === 0) return null;
    return (
      <ButtonGroup>
        {allowed.map((intent) => (
          <Button
            key={intent}
            size="slim"
            variant={intent === "approve" ? "primary" : "secondary"}
            tone={intent === "decline" ? "critical" : undefined}
            disabled={pending}
            loading={pendingIntent === intent && pendingIds.includes(ret.id)}
            onClick={() => (intent === "decline" ? setDeclining(ret.id) : submit("approve", [ret.id]))}
          >
            {tr(`returns.action.${intent}`)}
          </Button>
        ))}
      </ButtonGroup>
    );
  };

  const noteMissing = reason === "OTHER" && !note.trim();
  const dialogs = (
    <Modal
      open={declining !== null}
      onClose={() => setDeclining(null)}
      title={tr("returns.decline.title")}
      primaryAction={{
        content: tr("returns.decline.submit"),
        destructive: true,
        disabled: noteMissing,
        loading: pendingIntent === "decline",
        onAction: () => declining && submit("decline", [declining], { declineReason: reason, note }),
      }}
      secondaryActions={[{ content: tr("returns.action.cancel"), onAction: () => setDeclining(null) }]}
    >
      <Modal.Section>
        <BlockStack gap="300">
          {declining && result && !result.ok ? <Banner tone="critical">{result.error}</Banner> : null}
          <Select
            label={tr("returns.decline.reason")}
            options={DECLINE_REASONS.map((r) => ({ value: r, label: declineReasonLabel(r, tr) }))}
            value={reason}
            onChange={(value) => setReason(value as DeclineReason)}
            helpText={tr("returns.decline.reasonHelp")}
          />
          <TextField
            label={tr("returns.decline.note")}
            value={note}
            onChange={setNote}
            multiline={4}
            maxLength={DECLINE_NOTE_MAX}
            showCharacterCount
            requiredIndicator={reason === "OTHER"}
            autoComplete="off"
            helpText={tr("returns.decline.noteHelp")}
          />
        </BlockStack>
      </Modal.Section>
    </Modal>
  );

  const banner =
    result && !declining ? (
      result.ok ? (
        <BlockStack gap="200">
          {result.message && <Banner tone="success">{result.message}</Banner>}
          {result.warning && <Banner tone="warning">{result.warning}</Banner>}
        </BlockStack>
      ) : (
        <Banner tone="critical">{result.error}</Banner>
      )
    ) : null;

  return { submit, buttons, dialogs, banner, pending };
}
