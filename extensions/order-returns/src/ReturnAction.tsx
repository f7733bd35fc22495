// customer-account.order.action.render: the one-step return modal (s-customer-account-action) that
// "Return items" opens. GET /api/orders/<id>/returns, POST /api/returns. Each line's sentence (until
// when, or why it cannot go back), the reasons, outcomes and bonus, statuses and refusals are the
// API's; labels, buttons and the form's own checks (./form.ts) are this extension's locales.
import "@shopify/ui-extensions/preact";
import { render } from "preact";
import { useRef, useState } from "preact/hooks";
import type { ReturnOptionsView, ReturnOutcome, ReturnRequest, ReturnView } from "../../../app/shopper/views.ts";
import { ApiError, apiLocale, callApi, type ApiContext } from "../../shared/api.ts";
import type { I18nLike } from "../../shared/format.ts";
import { newRedemptionId, withRetries } from "../../shared/redemption.ts";
import { ReturnList } from "../../shared/returns.tsx";
import { ErrorState, Skeleton, useResource } from "../../shared/ui.tsx";
import { checkReturnForm, noteLength, quantityOf, type FormProblems, type LinePick } from "./form.ts";
import { loadReturnOptions } from "./options.ts";

export default async () => {
  render(<ReturnAction />, document.body);
};

type Submit =
  | { status: "idle" }
  | { status: "sending"; request: ReturnRequest }
  | { status: "refused"; text: string | null }
  | { status: "failed"; request: ReturnRequest }
  | { status: "done"; view: ReturnView };

function ReturnAction() {
  const i18n = shopify.i18n as I18nLike;
  const t = i18n.translate;
  const locale = apiLocale(shopify.localization.language.value?.isoCode);
  const api: ApiContext = { token: () => shopify.sessionToken.get(), locale };
  const orderId = shopify.orderId;
  const options = useResource(() => loadReturnOptions(api, orderId), `${locale} ${orderId}`);
  const close = () => shopify.close();

  const [picks, setPicks] = useState<Record<string, LinePick>>({});
  const [note, setNote] = useState("");
  const [outcome, setOutcome] = useState<ReturnOutcome | null>(null);
  const [problems, setProblems] = useState<FormProblems | null>(null); // shown once Send was pressed
  const [submit, setSubmit] = useState<Submit>({ status: "idle" });
  // Refs, not state: two clicks in one tick both see the same state, and a Send pressed before the
  // re-render that shows the last keystroke must still read it.
  const inFlightRef = useRef(false);
  const formRef = useRef({ picks, note, outcome });

  const state = options.state;
  const view = state.status === "ready" ? state.data : null;
  const chosenOutcome = outcome ?? view?.outcomes[0]?.kind ?? null;
  const edit = (change: Partial<typeof formRef.current>) => {
    formRef.current = { ...formRef.current, ...change };
    if (change.picks) setPicks(change.picks);
    if (change.note !== undefined) setNote(change.note);
    if (change.outcome !== undefined) setOutcome(change.outcome);
    if (problems && view) {
      const check = checkReturnForm(view, { ...formRef.current, outcome: formRef.current.outcome ?? chosenOutcome });
      setProblems(check.ok ? null : check.problems);
    }
  };
  const pick = (lineItemId: string, change: Partial<LinePick>) => {
    const current = formRef.current.picks[lineItemId] ?? { quantity: "", reason: "" };
    edit({ picks: { ...formRef.current.picks, [lineItemId]: { ...current, ...change } } });
  };

  // One return per submission: its requestId is made when Send is accepted, and every retry of it
  // (inside withRetries, or "Try again" after they ran out) sends the same one.
  const send = async (request: ReturnRequest) => {
    if (inFlightRef.current) return;
    inFlightRef.current = true;
    setSubmit({ status: "sending", request });
    try {
      const created = await withRetries(() => callApi<ReturnView>(api, "/api/returns", { method: "POST", body: request }));
      setSubmit({ status: "done", view: created });
      if (options.state.status === "ready") {
        const current = options.state.data;
        options.replace({ ...current, returns: [created, ...current.returns.filter((r) => r.id !== created.id)] });
      }
      options.refresh(); // what can still go back, and why not, is the server's to say
    } catch (error) {
      if (error instanceof ApiError && !error.retryable) {
        setSubmit({ status: "refused", text: error.serverText });
        options.refresh(); // e.g. a unit returned meanwhile: its line then says so
      } else setSubmit({ status: "failed", request });
    } finally {
      inFlightRef.current = false;
    }
  };
  const onSend = () => {
    if (inFlightRef.current || !view) return;
    const check = checkReturnForm(view, { ...formRef.current, outcome: formRef.current.outcome ?? chosenOutcome });
    if (!check.ok) {
      setProblems(check.problems);
      return;
    }
    setProblems(null);
    void send({ ...check.request, requestId: newRedemptionId() });
  };

  if (state.status !== "ready") {
    return (
      <s-customer-account-action heading={t("action.heading")}>
        {state.status === "error" ? (
          <ErrorState i18n={i18n} error={state.error} onRetry={options.retry} />
        ) : (
          <Skeleton lines={["Espresso machine × 1", "Returnable until 3 May 2027", "Units to return", "Reason", "Refund"]} />
        )}
        <s-button slot="secondary-actions" variant="secondary" onClick={close}>
          {t("action.cancel")}
        </s-button>
      </s-customer-account-action>
    );
  }

  const data = state.data;
  const heading = t("action.orderHeading", { order: data.orderName });
  if (submit.status === "done") {
    return (
      <s-customer-account-action heading={heading}>
        <s-stack gap="base">
          <s-banner tone="success" heading={t("send.sentHeading")}>
            <s-text>{submit.view.statusText}</s-text>
          </s-banner>
          <Returns i18n={i18n} view={data} />
        </s-stack>
        <s-button slot="primary-action" onClick={close}>
          {t("action.done")}
        </s-button>
      </s-customer-account-action>
    );
  }

  return (
    <s-customer-account-action heading={heading}>
      <s-stack gap="large">
        {submit.status === "refused" ? (
          <s-banner tone="critical" heading={t("send.refusedHeading")}>
            <s-text>{submit.text ?? t("send.refused")}</s-text>
          </s-banner>
        ) : submit.status === "failed" ? (
          <s-banner tone="warning" heading={t("send.failedHeading")}>
            <s-stack gap="base">
              <s-text>{t("send.failed")}</s-text>
              <s-button variant="secondary" onClick={() => submit.status === "failed" && void send(submit.request)}>
                {t("send.retry")}
              </s-button>
            </s-stack>
          </s-banner>
        ) : null}
        {problems?.nothingPicked ? (
          <s-banner tone="critical">
            <s-text>{t("check.nothingPicked")}</s-text>
          </s-banner>
        ) : null}
        <s-text color="subdued">{t(data.canRequest ? "action.intro" : "action.nothing")}</s-text>
        <s-stack gap="base">
          {data.lines.map((line) => {
            const p = picks[line.lineItemId] ?? { quantity: "", reason: "" };
            const problem = problems?.lines[line.lineItemId];
            const quantity = quantityOf(p.quantity) ?? 0;
            return (
              <s-stack key={line.lineItemId} gap="small-200">
                <s-stack direction="inline" gap="small-200">
                  <s-text type="strong">{line.product}</s-text>
                  <s-text color="subdued">× {i18n.formatNumber(line.quantity)}</s-text>
                </s-stack>
                <s-text color={line.canReturn ? "subdued" : "base"}>{line.text}</s-text>
                {line.canReturn ? (
                  <>
                    <s-number-field
                      label={t("action.quantity", { max: i18n.formatNumber(line.returnableQuantity) })}
                      min={0}
                      max={line.returnableQuantity}
                      step={1}
                      controls="stepper"
                      inputMode="numeric"
                      value={p.quantity}
                      error={problem && "quantity" in problem ? t("check.quantity", { max: i18n.formatNumber(problem.max) }) : undefined}
                      onInput={(e: Event) => pick(line.lineItemId, { quantity: valueOf(e) })}
                      onChange={(e: Event) => pick(line.lineItemId, { quantity: valueOf(e) })}
                    />
                    {quantity > 0 ? (
                      <s-select
                        label={t("action.reason")}
                        value={p.reason}
                        error={problem && "reason" in problem ? t("check.reason") : undefined}
                        onChange={(e: Event) => pick(line.lineItemId, { reason: valueOf(e) })}
                      >
                        <s-option value="">{t("action.chooseReason")}</s-option>
                        {data.reasons.map((r) => (
                          <s-option key={r.handle} value={r.handle}>
                            {r.label}
                          </s-option>
                        ))}
                      </s-select>
                    ) : null}
                  </>
                ) : null}
              </s-stack>
            );
          })}
        </s-stack>
        {data.canRequest ? (
          <>
            <s-stack gap="small-200">
              <s-text-area
                label={t("action.note")}
                rows={3}
                maxLength={data.noteMaxLength}
                value={note}
                error={problems?.noteTooLong ? t("check.noteTooLong", { max: i18n.formatNumber(data.noteMaxLength) }) : undefined}
                onInput={(e: Event) => edit({ note: valueOf(e) })}
              />
              <s-text color="subdued">
                {t("action.counter", { length: i18n.formatNumber(noteLength(note)), max: i18n.formatNumber(data.noteMaxLength) })}
              </s-text>
            </s-stack>
            <s-choice-list
              label={t("action.outcome")}
              values={chosenOutcome ? [chosenOutcome] : []}
              error={problems?.outcome ? t("check.outcome") : undefined}
              onChange={(e: Event) => {
                const [value] = (e.currentTarget as HTMLElement & { values: string[] }).values;
                edit({ outcome: data.outcomes.find((o) => o.kind === value)?.kind ?? null });
              }}
            >
              {data.outcomes.map((o) => (
                <s-choice key={o.kind} value={o.kind}>
                  {o.label}
                  {o.text ? <s-text slot="details">{o.text}</s-text> : null}
                </s-choice>
              ))}
            </s-choice-list>
          </>
        ) : null}
        <Returns i18n={i18n} view={data} />
      </s-stack>
      {data.canRequest ? (
        <s-button slot="primary-action" loading={submit.status === "sending"} onClick={onSend}>
          {t("action.send")}
        </s-button>
      ) : null}
      <s-button slot="secondary-actions" variant="secondary" onClick={close}>
        {t(data.canRequest ? "action.cancel" : "action.close")}
      </s-button>
    </s-customer-account-action>
  );
}

const valueOf = (e: Event) => (e.currentTarget as HTMLElement & { value: string }).value;

/** The order's returns so far, when it has any. */
function Returns({ i18n, view }: { i18n: I18nLike; view: ReturnOptionsView }) {
  if (view.returns.length === 0) return null;
  return (
    <s-stack gap="small-200">
      <s-heading>{i18n.translate("returns.heading")}</s-heading>
      <ReturnList i18n={i18n} returns={view.returns} />
    </s-stack>
  );
}
