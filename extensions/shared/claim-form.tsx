// The "Claim warranty" button and its form (an s-modal) for one unit, used by the rewards page and
// the order status block: what is wrong, and up to three photos. POST /api/claims, then each photo
// to POST /api/claims/:id/photos. The chrome is the extension's locales (`warranties.claim`,
// `claim.*`); refusals are the API's sentences.
import { useRef, useState } from "preact/hooks";
import type { ClaimRequest, ClaimView, WarrantyItem } from "../../app/shopper/views.ts";
import { ApiError, callApi, type ApiContext } from "./api.ts";
import type { I18nLike } from "./format.ts";
import { MAX_DESCRIPTION, MAX_PHOTO_BYTES, MAX_PHOTOS, MIN_DESCRIPTION, PHOTO_TYPES } from "./claim-limits.ts";
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

/** A picked photo with the id its upload keeps through every resend. */
interface Photo {
  clientId: string;
  file: File;
}

type Submit =
  | { status: "idle" }
  | { status: "sending" }
  | { status: "refused"; text: string | null }
  | { status: "failed"; request: ClaimRequest }
  // The claim exists; some photos did not get there. `retry`: those a resend may still add.
  | { status: "photos"; claim: ClaimView; retry: Photo[]; text: string | null };

export function ClaimForm({ i18n, api, onStale, warranty, onClaimed }: ClaimFormProps) {
  const t = i18n.translate;
  const id = `claim-${warranty.id}`;
  const modalRef = useRef<HTMLElementTagNameMap["s-modal"]>(null);
  const [description, setDescription] = useState("");
  const [checked, setChecked] = useState(false); // the length message shows once Send was pressed
  const [photos, setPhotos] = useState<Photo[]>([]);
  const [photoError, setPhotoError] = useState<string | null>(null);
  const [pickerKey, setPickerKey] = useState(0); // a new drop zone after each pick: it starts empty
  const [submit, setSubmit] = useState<Submit>({ status: "idle" });
  // Refs, not state: two clicks in one tick both see the same state, but not the same ref.
  const inFlightRef = useRef(false);
  const photosRef = useRef<Photo[]>([]);
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

  const setPicked = (next: Photo[]) => {
    photosRef.current = next;
    setPhotos(next);
  };
  // The declared type and size are checked here to say so at once; the server checks the bytes.
  const pick = (files: readonly File[]) => {
    let error: string | null = null;
    const next = [...photosRef.current];
    for (const file of files) {
      if (!PHOTO_TYPES.includes(file.type)) error = t("claim.photos.type", { name: file.name });
      else if (file.size > MAX_PHOTO_BYTES) error = t("claim.photos.tooLarge", { name: file.name });
      else if (next.length >= MAX_PHOTOS) error = t("claim.photos.tooMany", { max: i18n.formatNumber(MAX_PHOTOS) });
      else next.push({ clientId: newRedemptionId(), file });
    }
    setPicked(next);
    setPhotoError(error);
    setPickerKey((k) => k + 1);
  };

  const finish = (claim: ClaimView) => {
    unfinishedRef.current = null;
    modalRef.current?.hideOverlay?.();
    setSubmit({ status: "idle" });
    type("");
    setChecked(false);
    setPicked([]);
    setPhotoError(null);
    onClaimed(claim);
  };

  // Each photo after the claim exists, one at a time, each resent with its own clientId.
  const upload = async (claim: ClaimView, pending: Photo[]) => {
    let latest = claim;
    const retry: Photo[] = [];
    let text: string | null = null;
    for (const photo of pending) {
      const path = `/api/claims/${encodeURIComponent(claim.id)}/photos?clientId=${photo.clientId}`;
      try {
        latest = await withRetries(() => callApi<ClaimView>(api, path, { method: "POST", file: photo.file }));
      } catch (error) {
        if (error instanceof ApiError && !error.retryable) text = error.serverText ?? t("claim.photos.refused");
        else retry.push(photo);
      }
    }
    if (retry.length === 0 && text === null) return finish(latest);
    unfinishedRef.current = latest;
    setSubmit({ status: "photos", claim: latest, retry, text });
  };

  // One claim per submission: its requestId is made when Send is accepted, and every retry of it
  // (inside withRetries, or "Try again" after they ran out) sends the same one.
  const send = async (request: ClaimRequest) => {
    if (inFlightRef.current) return;
    inFlightRef.current = true;
    setSubmit({ status: "sending" });
    try {
      const claim = await withRetries(() => callApi<ClaimView>(api, "/api/claims", { method: "POST", body: request }));
      await upload(claim, photosRef.current);
    } catch (error) {
      if (error instanceof ApiError && !error.retryable) {
        setSubmit({ status: "refused", text: error.serverText });
        onStale(); // e.g. a claim opened meanwhile: the page then shows it
      } else setSubmit({ status: "failed", request });
    } finally {
      inFlightRef.current = false;
    }
  };
  const resendPhotos = async (claim: ClaimView, retry: Photo[]) => {
    if (inFlightRef.current) return;
    inFlightRef.current = true;
    setSubmit({ status: "sending" });
    try {
      await upload(claim, retry);
    } finally {
      inFlightRef.current = false;
    }
  };
  const onSend = () => {
    if (inFlightRef.current) return;
    if (submit.status === "photos") return finish(submit.claim); // "Done": the claim stands without them
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
            <s-banner tone="warning" heading={t("claim.photos.failedHeading")}>
              <s-stack gap="base">
                {submit.text ? <s-text>{submit.text}</s-text> : null}
                {submit.retry.length ? (
                  <>
                    <s-text>{t("claim.photos.failed", { count: submit.retry.length })}</s-text>
                    <s-button
                      variant="secondary"
                      onClick={() => submit.status === "photos" && void resendPhotos(submit.claim, submit.retry)}
                    >
                      {t("claim.retry")}
                    </s-button>
                  </>
                ) : null}
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
              disabled={submit.status === "photos"}
              error={checked && problem ? problem : undefined}
              onInput={(e: Event) => type((e.currentTarget as HTMLElement & { value: string }).value)}
            />
            <s-text color="subdued">
              {t("claim.counter", { length: i18n.formatNumber(length), max: i18n.formatNumber(MAX_DESCRIPTION) })}
            </s-text>
          </s-stack>
          <s-stack gap="small-200">
            <s-drop-zone
              key={pickerKey}
              label={t("claim.photos.label")}
              accept={PHOTO_TYPES.join(",")}
              multiple
              disabled={photos.length >= MAX_PHOTOS || submit.status === "sending" || submit.status === "photos"}
              error={photoError ?? undefined}
              onInput={(e: Event) => pick((e.currentTarget as HTMLElement & { files?: readonly File[] }).files ?? [])}
              onDropRejected={() => setPhotoError(t("claim.photos.typeAny"))}
            />
            <s-text color="subdued">
              {t("claim.photos.limit", { picked: i18n.formatNumber(photos.length), max: i18n.formatNumber(MAX_PHOTOS) })}
            </s-text>
            {photos.map((p) => (
              <s-stack key={p.clientId} direction="inline" gap="small-200" alignItems="center">
                <s-text>{p.file.name}</s-text>
                {submit.status !== "sending" && submit.status !== "photos" ? (
                  <s-button
                    variant="secondary"
                    accessibilityLabel={t("claim.photos.removeLabel", { name: p.file.name })}
                    onClick={() => {
                      setPicked(photosRef.current.filter((q) => q.clientId !== p.clientId));
                      setPhotoError(null);
                    }}
                  >
                    {t("claim.photos.remove")}
                  </s-button>
                ) : null}
              </s-stack>
            ))}
          </s-stack>
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
