// Photos on a warranty claim, for the claim form (./claim-form.tsx) and for a claim already open
// ("Add photos" on the rewards page): picking them (s-drop-zone; the declared kind and size are
// checked here to say so at once, the server checks the bytes), sending each as its bytes to
// POST /api/claims/:id/photos with a clientId made when it was picked, so every resend of it adds
// it at most once, and saying what did not get there.
import type { JSX } from "preact";
import { useRef, useState } from "preact/hooks";
import type { ClaimView } from "../../app/shopper/views.ts";
import { ApiError, callApi, type ApiContext } from "./api.ts";
import { MAX_PHOTO_BYTES, MAX_PHOTOS, PHOTO_TYPES } from "./claim-limits.ts";
import type { I18nLike } from "./format.ts";
import { newRedemptionId, withRetries } from "./redemption.ts";

/** A picked photo with the id its upload keeps through every resend. */
export interface Photo {
  clientId: string;
  file: File;
}

export interface PhotoPicker {
  photos: Photo[];
  /** The photos as last picked, for a Send pressed before the re-render that shows them. */
  current: () => Photo[];
  clear: () => void;
  view: (disabled: boolean) => JSX.Element;
}

/** Up to `room` photos (MAX_PHOTOS less those the claim has), with the drop zone that picks them. */
export function usePhotoPicker(i18n: I18nLike, room = MAX_PHOTOS): PhotoPicker {
  const t = i18n.translate;
  const [photos, setPhotos] = useState<Photo[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [key, setKey] = useState(0); // a new drop zone after each pick: it starts empty
  const ref = useRef<Photo[]>([]);
  const set = (next: Photo[]) => {
    ref.current = next;
    setPhotos(next);
  };
  const pick = (files: readonly File[]) => {
    let problem: string | null = null;
    const next = [...ref.current];
    for (const file of files) {
      if (!PHOTO_TYPES.includes(file.type)) problem = t("claim.photos.type", { name: file.name });
      else if (file.size > MAX_PHOTO_BYTES) problem = t("claim.photos.tooLarge", { name: file.name });
      else if (next.length >= room) problem = t("claim.photos.tooMany", { max: i18n.formatNumber(MAX_PHOTOS) });
      else next.push({ clientId: newRedemptionId(), file });
    }
    set(next);
    setError(problem);
    setKey((k) => k + 1);
  };
  const view = (disabled: boolean) => (
    <s-stack gap="small-200">
      <s-drop-zone
        key={key}
        label={t("claim.photos.label")}
        accept={PHOTO_TYPES.join(",")}
        multiple
        disabled={disabled || photos.length >= room}
        error={error ?? undefined}
        onInput={(e: Event) => pick((e.currentTarget as HTMLElement & { files?: readonly File[] }).files ?? [])}
        onDropRejected={() => setError(t("claim.photos.typeAny"))}
      />
      <s-text color="subdued">
        {t("claim.photos.limit", { picked: i18n.formatNumber(MAX_PHOTOS - room + photos.length), max: i18n.formatNumber(MAX_PHOTOS) })}
      </s-text>
      {photos.map((p) => (
        <s-stack key={p.clientId} direction="inline" gap="small-200" alignItems="center">
          <s-text>{p.file.name}</s-text>
          {disabled ? null : (
            <s-button
              variant="secondary"
              accessibilityLabel={t("claim.photos.removeLabel", { name: p.file.name })}
              onClick={() => {
                set(ref.current.filter((q) => q.clientId !== p.clientId));
                setError(null);
              }}
            >
              {t("claim.photos.remove")}
            </s-button>
          )}
        </s-stack>
      ))}
    </s-stack>
  );
  return {
    photos,
    current: () => ref.current,
    clear: () => {
      set([]);
      setError(null);
    },
    view,
  };
}

/** What became of sending photos: the claim as the last answer left it, those a resend may add, a refusal's sentence. */
export interface Uploaded {
  claim: ClaimView;
  retry: Photo[];
  refusal: string | null;
}

/** Sends each photo to the claim, one at a time, each resent with its own clientId after no answer or a 5xx. */
export async function uploadPhotos(api: ApiContext, i18n: I18nLike, claim: ClaimView, photos: Photo[]): Promise<Uploaded> {
  const done: Uploaded = { claim, retry: [], refusal: null };
  for (const photo of photos) {
    const path = `/api/claims/${encodeURIComponent(claim.id)}/photos?clientId=${photo.clientId}`;
    try {
      done.claim = await withRetries(() => callApi<ClaimView>(api, path, { method: "POST", file: photo.file }));
    } catch (error) {
      if (error instanceof ApiError && !error.retryable) done.refusal = error.serverText ?? i18n.translate("claim.photos.refused");
      else done.retry.push(photo);
    }
  }
  return done;
}

/** Photos that did not get there: the server's refusal, and "Try again" for those a resend may add. */
export function PhotosMissing({
  i18n,
  heading,
  missing,
  onRetry,
}: {
  i18n: I18nLike;
  heading: string;
  missing: Uploaded;
  onRetry: () => void;
}) {
  const t = i18n.translate;
  return (
    <s-banner tone="warning" heading={heading}>
      <s-stack gap="base">
        {missing.refusal ? <s-text>{missing.refusal}</s-text> : null}
        {missing.retry.length ? (
          <>
            <s-text>{t("claim.photos.failed", { count: missing.retry.length })}</s-text>
            <s-button variant="secondary" onClick={onRetry}>
              {t("claim.retry")}
            </s-button>
          </>
        ) : null}
      </s-stack>
    </s-banner>
  );
}
