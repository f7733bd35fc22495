// The "Claim warranty" button and its form (an s-modal) for one unit, used by the rewards page and
// the order status block: what is wrong, and up to three photos. POST /api/claims, then each photo
// to POST /api/claims/:id/photos (./claim-photos.tsx). The chrome is the extension's locales
// (`warranties.claim`, `claim.*`); refusals are the API's sentences.
import { useRef, useState } from "preact/hooks";
import type { ClaimRequest, ClaimView, WarrantyItem } from "../../app/shopper/views.ts";
import { ApiError, callApi, type ApiContext } from "./api.ts";
import { MAX_DESCRIPTION, MIN_DESCRIPTION } from "./claim-limits.ts";
import { PhotosMissing, uploadPhotos, usePhotoPicker, type Photo, type Uploaded } from "./claim-photos.tsx";
import type { I18nLike } from "./format.ts";
import { newRedemptionId, withRetries } from "./redemption.ts";

/** Description counted as the server counts it: CRLF as one, trimmed. */
const normalized = (text: string) => text.replace(/\r\n/g, "\n").trim();

export interface ClaimFormProps {
  i18n: I18nLike;
  api: ApiContext;
  /** The server's state may differ from what the page shows (a refusal, a lost answer): reload quietly. */
  onStale: () => void;
  warranty: WarrantyItem;
  /** The claim was made (with the photos that could be added). */
  onClaimed: (claim: ClaimView) => void;
}

type Submit =
  | { status: "idle" }
  | { status: "sending" }
  | { status: "refused"; text: string | null }
  | { status: "failed"; request: ClaimRequest }
  // The claim exists; some photos did not get there.
  | { status: "photos"; missing: Uploaded };

export function ClaimForm({ i18n, api, onStale, warranty, onClaimed }: ClaimFormProps) {
  const t = i18n.translate;
  const id = `claim-${warranty.id}`;
  const modalRef = useRef<HTMLElementTagNameMap["s-modal"]>(null);
  const [description, setDescription] = useState("");
  const [checked, setChecked] = useState(false); // the length message shows once Send was pressed
  const picker = usePhotoPicker(i18n);
  const [submit, setSubmit] = useState<Submit>({ status: "idle" });
  // A ref, not state: two clicks in one tick both see the same state, but not the same ref.
  const inFlightRef = useRef(false);
  // The claim made while some photos are still missing: closing the form in any way finishes it, once.
  const unfinishedRef = useRef<ClaimView | null>(null);

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

  const finish = (claim: ClaimView) => {
    unfinishedRef.current = null;
    modalRef.current?.hideOverlay?.();
    setSubmit({ status: "idle" });
    type("");
    setChecked(false);
    picker.clear();
    onClaimed(claim);
  };
  const upload = async (claim: ClaimView, photos: Photo[]) => {
    const done = await uploadPhotos(api, i18n, claim, photos);
    if (!done.retry.length && !done.refusal) return finish(done.claim);
    unfinishedRef.current = done.claim;
    setSubmit({ status: "photos", missing: done });
  };

  // One claim per submission: its requestId is made when Send is accepted, and every retry of it
  // (inside withRetries, or "Try again" after they ran out) sends the same one. The photos follow.
  const send = async (request: ClaimRequest) => {
    if (inFlightRef.current) return;
    inFlightRef.current = true;
    setSubmit({ status: "sending" });
    try {
      const claim = await withRetries(() => callApi<ClaimView>(api, "/api/claims", { method: "POST", body: request }));
      await upload(claim, picker.current());
    } catch (error) {
      if (error instanceof ApiError && !error.retryable) {
        setSubmit({ status: "refused", text: error.serverText });
        onStale(); // e.g. a claim opened meanwhile: the page then shows it
      } else setSubmit({ status: "failed", request });
    } finally {
      inFlightRef.current = false;
    }
  };
  const resendPhotos = async (missing: Uploaded) => {
    if (inFlightRef.current) return;
    inFlightRef.current = true;
    setSubmit({ status: "sending" });
    try {
      await upload(missing.claim, missing.retry);
    } finally {
      inFlightRef.current = false;
    }
  };
  const onSend = () => {
    if (inFlightRef.current) return;
    if (submit.status === "photos") return finish(submit.missing.claim); // "Done": the claim stands without them
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
      <s-modal
        ref={modalRef}
        id={id}
        heading={t("claim.heading", { product: warranty.product })}
        // Closed while some photos were missing: the claim was made all the same.
        onHide={() => unfinishedRef.current && finish(unfinishedRef.current)}
      >
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
          ) : submit.status === "photos" ? (
            <PhotosMissing
              i18n={i18n}
              heading={t("claim.photos.failedHeading")}
              missing={submit.missing}
              onRetry={() => submit.status === "photos" && void resendPhotos(submit.missing)}
            />
          ) : null}
          <s-text color="subdued">{t("claim.intro")}</s-text>
          <s-stack gap="small-200">
            <s-text-area
              label={t("claim.label")}
              rows={5}
              maxLength={MAX_DESCRIPTION}
              value={description}
              disabled={submit.status === "photos"}
              error={checked && problem ? problem : undefined}
              onInput={(e: Event) => type((e.currentTarget as HTMLElement & { value: string }).value)}
            />
            <s-text color="subdued">
              {t("claim.counter", { length: i18n.formatNumber(length), max: i18n.formatNumber(MAX_DESCRIPTION) })}
            </s-text>
          </s-stack>
          {picker.view(submit.status === "sending" || submit.status === "photos")}
        </s-stack>
        <s-button slot="primary-action" variant="primary" loading={submit.status === "sending"} onClick={onSend}>
          {t(submit.status === "photos" ? "claim.photos.done" : "claim.send")}
        </s-button>
        <s-button slot="secondary-actions" variant="secondary" commandFor={id} command="--hide">
          {t("claim.cancel")}
        </s-button>
      </s-modal>
    </>
  );
}
