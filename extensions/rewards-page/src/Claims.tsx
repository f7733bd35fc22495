// Warranty claims on the rewards page: each warranty's "Claim warranty" form (a modal) and the
// shopper's claims with their timeline and reopen. POST /api/claims, POST /api/claims/:id/reopen.
// Sentences (coverage, why a unit cannot be claimed, a claim's status and events, refusals) are the
// API's; labels, buttons, the counter and the form's own checks are this extension's locales.
import { useRef, useState } from "preact/hooks";
import type { ClaimRequest, ClaimStatus, ClaimView, WarrantyItem } from "../../../app/shopper/views.ts";
import { ApiError, callApi, type ApiContext } from "../../shared/api.ts";
import { formatDay, type I18nLike } from "../../shared/format.ts";
import { newRedemptionId, withRetries } from "../../shared/redemption.ts";

/** What the server accepts as a description (app/domain/claims.ts), counted as it counts: CRLF as one, trimmed. */
export const MIN_DESCRIPTION = 10;
export const MAX_DESCRIPTION = 2000;
const normalized = (text: string) => text.replace(/\r\n/g, "\n").trim();

interface Shared {
  i18n: I18nLike;
  api: ApiContext;
  /** The server's state may differ from what the page shows (a refusal, a lost answer): reload quietly. */
  onStale: () => void;
}

/** The active warranties, each with its claim button and form, or why it cannot be claimed. */
export function Warranties({
  warranties,
  claims,
  sent,
  onClaimed,
  ...shared
}: Shared & { warranties: WarrantyItem[]; claims: ClaimView[]; sent: boolean; onClaimed: (claim: ClaimView) => void }) {
  const t = shared.i18n.translate;
  return (
    <s-section heading={t("warranties.heading")}>
      <s-stack gap="base">
        {sent ? (
          <s-banner tone="success" heading={t("claim.sentHeading")}>
            <s-text>{t("claim.sent")}</s-text>
          </s-banner>
        ) : null}
        {warranties.length === 0 ? <s-text color="subdued">{t("warranties.empty")}</s-text> : null}
        {warranties.map((w) => {
          const open = w.openClaimId ? claims.find((c) => c.id === w.openClaimId) : undefined;
          return (
            <s-stack key={w.id} gap="small-100">
              <s-stack direction="inline" gap="small-200">
                <s-text type="strong">{w.product}</s-text>
                {w.quantity > 1 ? <s-text color="subdued">× {w.quantity}</s-text> : null}
                {w.orderName ? <s-text color="subdued">{w.orderName}</s-text> : null}
              </s-stack>
              <s-text>{w.text}</s-text>
              {w.canClaim ? (
                <ClaimForm {...shared} warranty={w} onClaimed={onClaimed} />
              ) : w.claimUnavailableText ? (
                <s-text color="subdued">{w.claimUnavailableText}</s-text>
              ) : null}
              {open ? (
                <>
                  <s-link commandFor={`claim-view-${open.id}`} command="--show">
                    {t("warranties.viewClaim")}
                  </s-link>
                  <s-modal id={`claim-view-${open.id}`} heading={t("claims.modalHeading", { product: open.product })}>
                    <ClaimDetails i18n={shared.i18n} claim={open} />
                  </s-modal>
                </>
              ) : null}
            </s-stack>
          );
        })}
      </s-stack>
    </s-section>
  );
}

type Submit =
  | { status: "idle" }
  | { status: "sending"; request: ClaimRequest }
  | { status: "refused"; text: string | null }
  | { status: "failed"; request: ClaimRequest };

function ClaimForm({
  i18n,
  api,
  onStale,
  warranty,
  onClaimed,
}: Shared & { warranty: WarrantyItem; onClaimed: (claim: ClaimView) => void }) {
  const t = i18n.translate;
  const id = `claim-${warranty.id}`;
  const modalRef = useRef<HTMLElementTagNameMap["s-modal"]>(null);
  const [description, setDescription] = useState("");
  const [checked, setChecked] = useState(false); // the length message shows once Send was pressed
  const [submit, setSubmit] = useState<Submit>({ status: "idle" });
  // A ref, not state: two clicks in one tick both see the same state, but not the same ref.
  const inFlightRef = useRef(false);

  // The text as last typed, for a Send pressed before the re-render that shows it.
  const latestRef = useRef("");
  const type = (text: string) => {
    latestRef.current = text;
    setDescription(text);
  };
  const problemOf = (text: string) => {
    const length = normalized(text).length;
    if (length < MIN_DESCRIPTION) return t("claim.tooShort", { min: i18n.formatNumber(MIN_DESCRIPTION) });
    if (length > MAX_DESCRIPTION) return t("claim.tooLong", { max: i18n.formatNumber(MAX_DESCRIPTION) });
    return null;
  };
  const length = normalized(description).length;
  const problem = problemOf(description);

  // One claim per submission: its requestId is made when Send is accepted, and every retry of it
  // (inside withRetries, or "Try again" after they ran out) sends the same one.
  const send = async (request: ClaimRequest) => {
    if (inFlightRef.current) return;
    inFlightRef.current = true;
    setSubmit({ status: "sending", request });
    try {
      const claim = await withRetries(() => callApi<ClaimView>(api, "/api/claims", { method: "POST", body: request }));
      modalRef.current?.hideOverlay?.();
      setSubmit({ status: "idle" });
      type("");
      setChecked(false);
      onClaimed(claim);
    } catch (error) {
      if (error instanceof ApiError && !error.retryable) {
        setSubmit({ status: "refused", text: error.serverText });
        onStale(); // e.g. a claim opened meanwhile: the page then shows it
      } else setSubmit({ status: "failed", request });
    } finally {
      inFlightRef.current = false;
    }
  };
  const onSend = () => {
    if (inFlightRef.current) return;
    setChecked(true);
    if (problemOf(latestRef.current)) return;
    void send({ warrantyId: warranty.id, requestId: newRedemptionId(), description: normalized(latestRef.current) });
  };

  return (
    <>
      <s-stack direction="inline">
        <s-button variant="secondary" commandFor={id} command="--show">
          {t("warranties.claim")}
        </s-button>
      </s-stack>
      <s-modal ref={modalRef} id={id} heading={t("claim.heading", { product: warranty.product })}>
        <s-stack gap="base">
          {submit.status === "refused" ? (
            <s-banner tone="critical" heading={t("claim.refusedHeading")}>
              <s-text>{submit.text ?? t("claim.refused")}</s-text>
            </s-banner>
          ) : submit.status === "failed" ? (
            <s-banner tone="warning" heading={t("claim.failedHeading")}>
              <s-stack gap="base">
                <s-text>{t("claim.failed")}</s-text>
                <s-button variant="secondary" onClick={() => submit.status === "failed" && void send(submit.request)}>
                  {t("claim.retry")}
                </s-button>
              </s-stack>
            </s-banner>
          ) : null}
          <s-text color="subdued">{t("claim.intro")}</s-text>
          <s-stack gap="small-200">
            <s-text-area
              label={t("claim.label")}
              rows={5}
              maxLength={MAX_DESCRIPTION}
              value={description}
              error={checked && problem ? problem : undefined}
              onInput={(e: Event) => type((e.currentTarget as HTMLElement & { value: string }).value)}
            />
            <s-text color="subdued">
              {t("claim.counter", { length: i18n.formatNumber(length), max: i18n.formatNumber(MAX_DESCRIPTION) })}
            </s-text>
          </s-stack>
        </s-stack>
        <s-button slot="primary-action" variant="primary" loading={submit.status === "sending"} onClick={onSend}>
          {t("claim.send")}
        </s-button>
        <s-button slot="secondary-actions" variant="secondary" commandFor={id} command="--hide">
          {t("claim.cancel")}
        </s-button>
      </s-modal>
    </>
  );
}

const BADGE_TONE: Record<ClaimStatus, "auto" | "neutral" | "critical"> = {
  submitted: "auto",
  in_review: "auto",
  approved: "auto",
  rejected: "critical",
  resolved: "neutral",
};

/** A claim's status (a badge, and the API's sentence when it says more), description and timeline. */
function ClaimDetails({ i18n, claim }: { i18n: I18nLike; claim: ClaimView }) {
  const t = i18n.translate;
  const label = t(`claims.status.${claim.status}`);
  return (
    <s-stack gap="small-200">
      <s-stack direction="inline" gap="small-200" alignItems="center">
        <s-badge tone={BADGE_TONE[claim.status] ?? "auto"}>{label}</s-badge>
        {claim.statusText !== label ? <s-text>{claim.statusText}</s-text> : null}
      </s-stack>
      {claim.description ? (
        <s-stack gap="small-100">
          <s-text color="subdued">{t("claims.description")}</s-text>
          <s-text>{claim.description}</s-text>
        </s-stack>
      ) : null}
      <s-stack gap="small-100">
        {claim.events.map((e, i) => (
          <s-stack key={i} direction="inline" gap="small-200">
            <s-text color="subdued">{formatDay(i18n, e.at)}</s-text>
            <s-text>{e.text}</s-text>
          </s-stack>
        ))}
      </s-stack>
    </s-stack>
  );
}

/** "My claims": every claim of the shopper, newest first, with Reopen when the API allows it. */
export function Claims({ claims, onChanged, ...shared }: Shared & { claims: ClaimView[]; onChanged: (claim: ClaimView) => void }) {
  const t = shared.i18n.translate;
  return (
    <s-section heading={t("claims.heading")}>
      {claims.length === 0 ? (
        <s-text color="subdued">{t("claims.empty")}</s-text>
      ) : (
        <s-stack gap="base">
          {claims.map((claim, i) => (
            <s-stack key={claim.id} gap="base">
              {i > 0 ? <s-divider /> : null}
              <ClaimCard {...shared} claim={claim} onChanged={onChanged} />
            </s-stack>
          ))}
        </s-stack>
      )}
    </s-section>
  );
}

type Reopen = { status: "idle" } | { status: "sending" } | { status: "refused"; text: string | null } | { status: "failed" };

function ClaimCard({ i18n, api, onStale, claim, onChanged }: Shared & { claim: ClaimView; onChanged: (claim: ClaimView) => void }) {
  const t = i18n.translate;
  const [reopen, setReopen] = useState<Reopen>({ status: "idle" });
  const inFlightRef = useRef(false);

  // Not retried on its own: a reopen carries no request id, so a resend after a lost answer would be
  // refused as "reopened already". After any failure the page reloads quietly to show where it is.
  const onReopen = async () => {
    if (inFlightRef.current) return;
    inFlightRef.current = true;
    setReopen({ status: "sending" });
    try {
      const updated = await callApi<ClaimView>(api, `/api/claims/${encodeURIComponent(claim.id)}/reopen`, { method: "POST" });
      setReopen({ status: "idle" });
      onChanged(updated);
    } catch (error) {
      setReopen(error instanceof ApiError && !error.retryable ? { status: "refused", text: error.serverText } : { status: "failed" });
      onStale();
    } finally {
      inFlightRef.current = false;
    }
  };

  return (
    <s-stack gap="small-200">
      <s-stack direction="inline" gap="small-200">
        <s-text type="strong">{claim.product}</s-text>
        {claim.orderName ? <s-text color="subdued">{claim.orderName}</s-text> : null}
      </s-stack>
      <ClaimDetails i18n={i18n} claim={claim} />
      {reopen.status === "refused" || reopen.status === "failed" ? (
        <s-banner tone={reopen.status === "refused" ? "critical" : "warning"} heading={t("claims.reopenRefusedHeading")}>
          <s-text>
            {(reopen.status === "refused" && reopen.text) ||
              t(reopen.status === "refused" ? "claims.reopenRefused" : "claims.reopenFailed")}
          </s-text>
        </s-banner>
      ) : null}
      {claim.canReopen ? (
        <s-stack direction="inline">
          <s-button variant="secondary" loading={reopen.status === "sending"} onClick={() => void onReopen()}>
            {t("claims.reopen")}
          </s-button>
        </s-stack>
      ) : null}
    </s-stack>
  );
}
