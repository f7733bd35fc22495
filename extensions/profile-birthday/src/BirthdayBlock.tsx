// customer-account.profile.block.render: the shopper's birthday, month and day (no year), to set,
// change or clear. GET and POST /api/birthday. The month and day are checked here before sending
// (29 February is a birthday); the server's refusal is shown as it words it.
import "@shopify/ui-extensions/preact";
import { render } from "preact";
import { useState } from "preact/hooks";
import type { Birthday } from "../../../app/shopper/views.ts";
import { ApiError, apiLocale, callApi, type ApiContext } from "../../shared/api.ts";
import type { I18nLike } from "../../shared/format.ts";
import { withRetries } from "../../shared/redemption.ts";
import { ErrorState, Skeleton, useResource } from "../../shared/ui.tsx";

export default async () => {
  render(<BirthdayBlock />, document.body);
};

type Answer = { birthday: Birthday | null };

/** Days in a month of a leap year: every real birthday, 29 February included. */
export const daysIn = (month: number) => new Date(Date.UTC(2000, month, 0)).getUTCDate();

/** What is wrong with a chosen month and day (a translation key), or null when they make a birthday. */
export function invalidBirthday(month: number | null, day: number | null): string | null {
  if (month === null || day === null) return "form.missing";
  if (!Number.isInteger(month) || month < 1 || month > 12) return "form.missing";
  if (!Number.isInteger(day) || day < 1 || day > daysIn(month)) return "form.noSuchDay";
  return null;
}

const at = (month: number, day = 1) => new Date(Date.UTC(2000, month - 1, day));

function BirthdayBlock() {
  const i18n = shopify.i18n as I18nLike;
  const t = i18n.translate;
  const locale = apiLocale(shopify.localization.language.value?.isoCode);
  const api: ApiContext = { token: () => shopify.sessionToken.get(), locale };
  const stored = useResource(() => callApi<Answer>(api, "/api/birthday"), locale);
  const [editing, setEditing] = useState(false);
  const [saved, setSaved] = useState(false);

  const save = async (birthday: Birthday | null) => {
    const answer = await withRetries(() => callApi<Answer>(api, "/api/birthday", { method: "POST", body: { birthday } }));
    stored.replace(answer);
    setEditing(false);
    setSaved(true);
  };

  const state = stored.state;
  return (
    <s-section heading={t("heading")}>
      {state.status === "error" ? (
        <ErrorState i18n={i18n} error={state.error} onRetry={stored.retry} />
      ) : state.status === "loading" ? (
        <Skeleton lines={["14 March", "Change birthday"]} />
      ) : editing ? (
        <BirthdayForm i18n={i18n} initial={state.data.birthday} onSave={save} onCancel={() => setEditing(false)} />
      ) : (
        <Shown
          i18n={i18n}
          birthday={state.data.birthday}
          saved={saved}
          onEdit={() => {
            setSaved(false);
            setEditing(true);
          }}
          onClear={() => save(null)}
        />
      )}
    </s-section>
  );
}

function Shown({
  i18n,
  birthday,
  saved,
  onEdit,
  onClear,
}: {
  i18n: I18nLike;
  birthday: Birthday | null;
  saved: boolean;
  onEdit: () => void;
  onClear: () => Promise<void>;
}) {
  const t = i18n.translate;
  const [clearing, setClearing] = useState(false);
  const [failure, setFailure] = useState<string | null>(null);
  const clear = async () => {
    if (clearing) return;
    setClearing(true);
    setFailure(null);
    try {
      await onClear();
    } catch (error) {
      setFailure(failureText(i18n, error));
    } finally {
      setClearing(false);
    }
  };
  return (
    <s-stack gap="base">
      {birthday ? (
        <s-text type="strong">
          {i18n.formatDate(at(birthday.month, birthday.day), { month: "long", day: "numeric", timeZone: "UTC" })}
        </s-text>
      ) : (
        <s-text color="subdued">{t("empty")}</s-text>
      )}
      {saved ? <s-text tone="success">{t("saved")}</s-text> : null}
      {failure ? <s-banner tone="critical">{failure}</s-banner> : null}
      <s-stack direction="inline" gap="base">
        <s-button variant="secondary" onClick={onEdit} disabled={clearing}>
          {t(birthday ? "change" : "add")}
        </s-button>
        {birthday ? (
          <s-button variant="secondary" tone="critical" loading={clearing} onClick={clear}>
            {t("remove")}
          </s-button>
        ) : null}
      </s-stack>
    </s-stack>
  );
}

function failureText(i18n: I18nLike, error: unknown) {
  return error instanceof ApiError && error.serverText ? error.serverText : i18n.translate("form.failed");
}

function BirthdayForm({
  i18n,
  initial,
  onSave,
  onCancel,
}: {
  i18n: I18nLike;
  initial: Birthday | null;
  onSave: (birthday: Birthday) => Promise<void>;
  onCancel: () => void;
}) {
  const t = i18n.translate;
  const [month, setMonth] = useState(initial ? String(initial.month) : "");
  const [day, setDay] = useState(initial ? String(initial.day) : "");
  const [invalid, setInvalid] = useState<string | null>(null);
  const [failure, setFailure] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const value = (event: Event) => (event.currentTarget as HTMLElement & { value: string }).value;

  const submit = async () => {
    if (saving) return;
    const m = month ? Number(month) : null;
    const d = day ? Number(day) : null;
    const problem = invalidBirthday(m, d);
    setInvalid(problem);
    setFailure(null);
    if (problem || m === null || d === null) return;
    setSaving(true);
    try {
      await onSave({ month: m, day: d });
    } catch (error) {
      setFailure(failureText(i18n, error));
      setSaving(false);
    }
  };

  return (
    <s-stack gap="base">
      <s-stack direction="inline" gap="base">
        <s-select label={t("form.month")} value={month} onChange={(e: Event) => setMonth(value(e))}>
          <s-option value="">{t("form.choose")}</s-option>
          {Array.from({ length: 12 }, (_, i) => (
            <s-option key={i + 1} value={String(i + 1)}>
              {i18n.formatDate(at(i + 1), { month: "long", timeZone: "UTC" })}
            </s-option>
          ))}
        </s-select>
        <s-select
          label={t("form.day")}
          value={day}
          error={invalid ? t(invalid, { max: month ? daysIn(Number(month)) : 31 }) : undefined}
          onChange={(e: Event) => setDay(value(e))}
        >
          <s-option value="">{t("form.choose")}</s-option>
          {Array.from({ length: 31 }, (_, i) => (
            <s-option key={i + 1} value={String(i + 1)}>
              {i18n.formatNumber(i + 1)}
            </s-option>
          ))}
        </s-select>
      </s-stack>
      {failure ? <s-banner tone="critical">{failure}</s-banner> : null}
      <s-stack direction="inline" gap="base">
        <s-button variant="primary" loading={saving} onClick={submit}>
          {t("form.save")}
        </s-button>
        <s-button variant="secondary" disabled={saving} onClick={onCancel}>
          {t("form.cancel")}
        </s-button>
      </s-stack>
    </s-stack>
  );
}
