// One open survey (NPS about an order, CSAT about a closed claim or return), shared by the rewards
// page and the order status block: the API's question, a score button per point of the API's scale
// with its low and high labels, an optional comment, Send, then thanks. POST /api/surveys/:id.
// The chrome is the extension's locales (`survey.*`); the question, labels and refusals are the API's.
import { useRef, useState } from "preact/hooks";
import type { SurveyAnswered, SurveyAnswerRequest, SurveyView } from "../../app/shopper/views.ts";
import { ApiError, callApi, type ApiContext } from "./api.ts";
import type { I18nLike } from "./format.ts";
import { withRetries } from "./redemption.ts";

type Submit =
  | { status: "idle" }
  | { status: "sending" }
  | { status: "done" }
  | { status: "refused"; text: string | null }
  | { status: "failed"; request: SurveyAnswerRequest };

export interface SurveyBlockProps {
  i18n: I18nLike;
  api: ApiContext;
  survey: SurveyView;
  channel: NonNullable<SurveyAnswerRequest["channel"]>;
}

export function SurveyBlock({ i18n, api, survey, channel }: SurveyBlockProps) {
  const t = i18n.translate;
  const [score, setScore] = useState<number | null>(null);
  const [comment, setComment] = useState("");
  const [checked, setChecked] = useState(false); // the form's messages show once Send was pressed
  const [submit, setSubmit] = useState<Submit>({ status: "idle" });
  // A ref, not state: two clicks in one tick both see the same state, but not the same ref.
  const inFlightRef = useRef(false);
  // What was last chosen and typed, for a Send pressed before the re-render that shows it.
  const latestRef = useRef<{ score: number | null; comment: string }>({ score: null, comment: "" });

  // Counted as the server counts it: trimmed.
  const length = comment.trim().length;
  const tooLong = length > survey.commentMax;
  const problem = score === null ? t("survey.chooseScore") : null;

  // Set once a send got no answer or a 5xx: it may have reached the server all the same. The server
  // keeps one answer per survey and refuses any other with 409 "answered", so after such a send that
  // refusal means this shopper's answer got there.
  const unconfirmedRef = useRef(false);
  const post = async (request: SurveyAnswerRequest) => {
    try {
      return await callApi<SurveyAnswered>(api, `/api/surveys/${encodeURIComponent(survey.id)}`, { method: "POST", body: request });
    } catch (error) {
      if (error instanceof ApiError && error.retryable) unconfirmedRef.current = true;
      throw error;
    }
  };
  const send = async (request: SurveyAnswerRequest) => {
    if (inFlightRef.current) return;
    inFlightRef.current = true;
    setSubmit({ status: "sending" });
    try {
      await withRetries(() => post(request));
      setSubmit({ status: "done" });
    } catch (error) {
      if (error instanceof ApiError && !error.retryable) {
        const landed = unconfirmedRef.current && error.code === "survey_answered";
        setSubmit(landed ? { status: "done" } : { status: "refused", text: error.serverText });
      } else setSubmit({ status: "failed", request });
    } finally {
      inFlightRef.current = false;
    }
  };
  const onSend = () => {
    if (inFlightRef.current || submit.status === "done") return;
    setChecked(true);
    const { score, comment } = latestRef.current;
    if (score === null || comment.trim().length > survey.commentMax) return;
    void send({ score, comment: comment.trim() || null, channel });
  };

  if (submit.status === "done") {
    return (
      <s-banner tone="success" heading={t("survey.thanksHeading")}>
        <s-text>{t("survey.thanks")}</s-text>
      </s-banner>
    );
  }

  const { min, max, lowLabel, highLabel } = survey.scale;
  const points = Array.from({ length: Math.max(0, max - min + 1) }, (_, i) => min + i);
  const busy = submit.status === "sending";
  return (
    <s-section heading={t("survey.heading")}>
      <s-stack gap="base">
        {submit.status === "refused" ? (
          <s-banner tone="critical" heading={t("survey.refusedHeading")}>
            <s-text>{submit.text ?? t("survey.refused")}</s-text>
          </s-banner>
        ) : submit.status === "failed" ? (
          <s-banner tone="warning" heading={t("survey.failedHeading")}>
            <s-stack gap="base">
              <s-text>{t("survey.failed")}</s-text>
              <s-button variant="secondary" onClick={() => submit.status === "failed" && void send(submit.request)}>
                {t("survey.retry")}
              </s-button>
            </s-stack>
          </s-banner>
        ) : null}
        <s-text type="strong">{survey.question}</s-text>
        <s-stack gap="small-200">
          <s-stack direction="inline" gap="small-200">
            {points.map((n) => (
              <s-press-button
                key={n}
                pressed={score === n}
                disabled={busy}
                accessibilityLabel={t("survey.score", {
                  score: i18n.formatNumber(n),
                  min: i18n.formatNumber(min),
                  max: i18n.formatNumber(max),
                })}
                onClick={() => {
                  latestRef.current = { ...latestRef.current, score: n };
                  setScore(n);
                }}
              >
                {i18n.formatNumber(n)}
              </s-press-button>
            ))}
          </s-stack>
          <s-stack direction="inline" justifyContent="space-between">
            <s-text color="subdued">{lowLabel}</s-text>
            <s-text color="subdued">{highLabel}</s-text>
          </s-stack>
          {checked && problem ? <s-text tone="critical">{problem}</s-text> : null}
        </s-stack>
        <s-stack gap="small-200">
          <s-text-area
            label={t("survey.comment")}
            rows={3}
            maxLength={survey.commentMax}
            value={comment}
            disabled={busy}
            error={checked && tooLong ? t("survey.tooLong", { max: i18n.formatNumber(survey.commentMax) }) : undefined}
            onInput={(e: Event) => {
              const text = (e.currentTarget as HTMLElement & { value: string }).value;
              latestRef.current = { ...latestRef.current, comment: text };
              setComment(text);
            }}
          />
          <s-text color="subdued">
            {t("survey.counter", { length: i18n.formatNumber(length), max: i18n.formatNumber(survey.commentMax) })}
          </s-text>
        </s-stack>
        <s-stack direction="inline">
          <s-button variant="primary" loading={busy} onClick={onSend}>
            {t("survey.send")}
          </s-button>
        </s-stack>
      </s-stack>
    </s-section>
  );
}
