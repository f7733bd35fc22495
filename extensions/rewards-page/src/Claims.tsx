// Warranty claims on the rewards page: each warranty's "Claim warranty" form (a modal, shared with
// the order status block: ../../shared/claim-form.tsx) and the shopper's claims with their photos
// ("Add photos" while open), timeline and reopen. POST /api/claims/:id/photos, POST /api/claims/:id/reopen.
// Sentences (coverage, why a unit cannot be claimed, a claim's status and events, refusals) are the
// API's; labels, buttons, the counter and the form's own checks are this extension's locales.
import { useRef, useState } from "preact/hooks";
import type { ClaimStatus, ClaimView, WarrantyItem } from "../../../app/shopper/views.ts";
import { ApiError, callApi, type ApiContext } from "../../shared/api.ts";
import { ClaimForm } from "../../shared/claim-form.tsx";
import { MAX_PHOTOS } from "../../shared/claim-limits.ts";
import { PhotosMissing, uploadPhotos, usePhotoPicker, type Photo, type Uploaded } from "../../shared/claim-photos.tsx";
import { formatDay, type I18nLike } from "../../shared/format.ts";
import { WarrantyList } from "../../shared/ui.tsx";

interface Shared {
  i18n: I18nLike;
  api: ApiContext;
  /** The server's state may differ from what the page shows (a refusal, a lost answer): reload quietly. */
  onStale: () => void;
}

/** The warranties shown, each with its claim button and form, or why it cannot be claimed; care and notices (../../shared/ui.tsx). */
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
        <WarrantyList
          i18n={shared.i18n}
          warranties={warranties}
          action={(w) => {
            const open = w.openClaimId ? claims.find((c) => c.id === w.openClaimId) : undefined;
            return (
              <>
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
              </>
            );
          }}
        />
      </s-stack>
    </s-section>
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
      {claim.photos.length ? (
        <s-stack gap="small-100">
          <s-text color="subdued">{t("claims.photos")}</s-text>
          <s-stack direction="inline" gap="small-200">
            {claim.photos.map((p, i) => (
              <s-box key={p.id} inlineSize="96px" blockSize="96px" borderRadius="base" overflow="hidden">
                <s-image src={p.url} alt={t("claims.photoAlt", { n: i + 1 })} aspectRatio="1" objectFit="cover" inlineSize="fill" />
              </s-box>
            ))}
          </s-stack>
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
      {claim.canAddPhotos ? <AddPhotos i18n={i18n} api={api} claim={claim} onChanged={onChanged} /> : null}
    </s-stack>
  );
}

type Adding = { status: "idle" } | { status: "sending" } | { status: "empty" } | { status: "missing"; missing: Uploaded };

/** "Add photos" to an open claim that has fewer than three (the ones the claim form could not send, or more). */
function AddPhotos({
  i18n,
  api,
  claim,
  onChanged,
}: Pick<Shared, "i18n" | "api"> & { claim: ClaimView; onChanged: (claim: ClaimView) => void }) {
  const t = i18n.translate;
  const id = `claim-photos-${claim.id}`;
  const modalRef = useRef<HTMLElementTagNameMap["s-modal"]>(null);
  const picker = usePhotoPicker(i18n, MAX_PHOTOS - claim.photos.length);
  const [adding, setAdding] = useState<Adding>({ status: "idle" });
  const inFlightRef = useRef(false);
  // The claim as the last photo sent left it, until the page hears of it when the form closes.
  const unfinishedRef = useRef<ClaimView | null>(null);

  const finish = (updated: ClaimView) => {
    unfinishedRef.current = null;
    modalRef.current?.hideOverlay?.();
    setAdding({ status: "idle" });
    picker.clear();
    onChanged(updated);
  };
  const send = async (photos: Photo[]) => {
    if (inFlightRef.current) return;
    if (!photos.length) return setAdding({ status: "empty" });
    inFlightRef.current = true;
    setAdding({ status: "sending" });
    try {
      const done = await uploadPhotos(api, i18n, unfinishedRef.current ?? claim, photos);
      if (!done.retry.length && !done.refusal) return finish(done.claim);
      unfinishedRef.current = done.claim;
      setAdding({ status: "missing", missing: done });
    } finally {
      inFlightRef.current = false;
    }
  };

  return (
    <>
      <s-stack direction="inline">
        <s-button variant="secondary" commandFor={id} command="--show">
          {t("claims.addPhotos")}
        </s-button>
      </s-stack>
      <s-modal
        ref={modalRef}
        id={id}
        heading={t("claims.addPhotosHeading", { product: claim.product })}
        onHide={() => unfinishedRef.current && finish(unfinishedRef.current)}
      >
        <s-stack gap="base">
          {adding.status === "missing" ? (
            <PhotosMissing
              i18n={i18n}
              heading={t("claims.photosMissingHeading")}
              missing={adding.missing}
              onRetry={() => adding.status === "missing" && void send(adding.missing.retry)}
            />
          ) : adding.status === "empty" ? (
            <s-text color="subdued">{t("claims.choosePhoto")}</s-text>
          ) : null}
          {picker.view(adding.status === "sending" || adding.status === "missing")}
        </s-stack>
        <s-button
          slot="primary-action"
          variant="primary"
          loading={adding.status === "sending"}
          onClick={() => (adding.status === "missing" ? finish(adding.missing.claim) : void send(picker.current()))}
        >
          {t(adding.status === "missing" ? "claim.photos.done" : "claims.sendPhotos")}
        </s-button>
        <s-button slot="secondary-actions" variant="secondary" commandFor={id} command="--hide">
          {t("claim.cancel")}
        </s-button>
      </s-modal>
    </>
  );
}
