// customer-account.page.render: the shopper's loyalty page. GET /api/account, POST /api/redeem,
// warranty claims (./Claims.tsx: POST /api/claims, POST /api/claims/:id/reopen) and open surveys
// (../../shared/survey.tsx: POST /api/surveys/:id).
// Sentences (tier, points expiry, history, unavailable rewards, code status, warranty coverage, care,
// claims, survey questions, errors) are
// the API's, in the shopper's locale; headings, buttons and empty states are this extension's locales.
import "@shopify/ui-extensions/preact";
import { render } from "preact";
import { useRef, useState } from "preact/hooks";
import type { AccountView, ClaimView, IssuedReward, RedeemAnswer, RedeemRequest, RewardOffer } from "../../../app/shopper/views.ts";
import { ApiError, apiLocale, callApi, type ApiContext } from "../../shared/api.ts";
import { formatDay, formatMoney, signedPoints, type I18nLike } from "../../shared/format.ts";
import { newRedemptionId, withRetries } from "../../shared/redemption.ts";
import { SurveyBlock } from "../../shared/survey.tsx";
import { ErrorState, Skeleton, TierBar, useResource } from "../../shared/ui.tsx";
import { Claims, Warranties } from "./Claims.tsx";
import { MyReturns } from "./Returns.tsx";

export default async () => {
  render(<RewardsPage />, document.body);
};

type Redeem =
  | { status: "idle" }
  | { status: "sending"; request: RedeemRequest }
  | { status: "done"; answer: RedeemAnswer }
  | { status: "refused"; text: string | null }
  | { status: "failed"; request: RedeemRequest };

function RewardsPage() {
  const i18n = shopify.i18n as I18nLike;
  const t = i18n.translate;
  const locale = apiLocale(shopify.localization.language.value?.isoCode);
  const api: ApiContext = { token: () => shopify.sessionToken.get(), locale };
  const account = useResource(() => callApi<AccountView>(api, "/api/account"), locale);

  const [redeem, setRedeem] = useState<Redeem>({ status: "idle" });
  // A ref, not state: two clicks in one tick both see the same state, but not the same ref.
  const inFlightRef = useRef(false);

  // One request per click: the id is made when the click is accepted; a retry of that click (the
  // automatic ones inside withRetries, or "Try again" after they ran out) sends the same id.
  const send = async (request: RedeemRequest) => {
    if (inFlightRef.current) return;
    inFlightRef.current = true;
    setRedeem({ status: "sending", request });
    try {
      const answer = await withRetries(() => callApi<RedeemAnswer>(api, "/api/redeem", { method: "POST", body: request }));
      setRedeem({ status: "done", answer });
      if (account.state.status === "ready") {
        const view = account.state.data;
        const issued = [answer.issued, ...view.issued.filter((r) => r.redemptionId !== answer.issued.redemptionId)];
        account.replace({ ...view, points: { ...view.points, balance: answer.balance }, issued });
      }
      // What can be redeemed now, and why not, is the server's to say.
      account.refresh();
    } catch (error) {
      if (error instanceof ApiError && !error.retryable) setRedeem({ status: "refused", text: error.serverText });
      else setRedeem({ status: "failed", request });
    } finally {
      inFlightRef.current = false;
    }
  };
  const onRedeem = (rewardId: string) => {
    if (inFlightRef.current) return;
    void send({ rewardId, redemptionId: newRedemptionId() });
  };

  // A claim sent or reopened: shown at once (in "My claims", and its warranty as claimed), then the
  // page reloads quietly so which units can be claimed, and why not, is the server's to say.
  const [claimSent, setClaimSent] = useState(false);
  const onClaim = (claim: ClaimView, sent: boolean) => {
    if (sent) setClaimSent(true);
    if (account.state.status === "ready") {
      const view = account.state.data;
      const claims = sent
        ? [claim, ...view.claims.filter((c) => c.id !== claim.id)]
        : view.claims.map((c) => (c.id === claim.id ? claim : c));
      const warranties = view.warranties.map((w) =>
        w.id === claim.warrantyId && sent ? { ...w, canClaim: false, claimUnavailableText: null, openClaimId: claim.id } : w,
      );
      account.replace({ ...view, claims, warranties });
    }
    account.refresh();
  };

  const state = account.state;
  return (
    <s-page heading={t("page.heading")}>
      {state.status === "error" ? (
        <ErrorState i18n={i18n} error={state.error} onRetry={account.retry} />
      ) : state.status === "loading" ? (
        <Loading i18n={i18n} />
      ) : (
        <s-stack gap="large">
          {state.data.surveys.map((survey) => (
            <SurveyBlock key={survey.id} i18n={i18n} api={api} survey={survey} channel="account" />
          ))}
          <Balance i18n={i18n} view={state.data} />
          <RedeemOutcome i18n={i18n} redeem={redeem} onRetry={() => redeem.status === "failed" && void send(redeem.request)} />
          <Rewards i18n={i18n} rewards={state.data.rewards} redeem={redeem} onRedeem={onRedeem} />
          <Codes i18n={i18n} issued={state.data.issued} />
          <Warranties
            i18n={i18n}
            api={api}
            onStale={account.refresh}
            warranties={active(state.data)}
            claims={state.data.claims}
            sent={claimSent}
            onClaimed={(claim) => onClaim(claim, true)}
          />
          <Claims i18n={i18n} api={api} onStale={account.refresh} claims={state.data.claims} onChanged={(claim) => onClaim(claim, false)} />
          <MyReturns i18n={i18n} returns={state.data.returns} />
          <History i18n={i18n} view={state.data} />
        </s-stack>
      )}
    </s-page>
  );
}

// A unit out of coverage still shows while the store has a notice for its owners (a recall matters after the warranty).
const active = (view: AccountView) =>
  view.warranties.filter((w) => w.status === "active" || w.status === "pending_fulfillment" || w.notices.length > 0);

function points(i18n: I18nLike, key: string, count: number) {
  return i18n.translate(key, { count, points: i18n.formatNumber(count) });
}

function Loading({ i18n }: { i18n: I18nLike }) {
  const t = i18n.translate;
  return (
    <s-stack gap="large">
      <s-section heading={t("balance.heading")}>
        <Skeleton lines={["1,250 points", "3,400 points earned in total", "Gold", "250 points to Platinum"]} />
      </s-section>
      <s-section heading={t("rewards.heading")}>
        <Skeleton lines={["$5.00 off your next order", "500 points", "Free shipping on your next order", "800 points"]} />
      </s-section>
      <s-section heading={t("codes.heading")}>
        <Skeleton lines={["$5.00 off your next order", "Unused — expires 12 March 2027"]} />
      </s-section>
      <s-section heading={t("warranties.heading")}>
        <Skeleton lines={["Espresso machine  #1042", "Covered until 3 May 2027 (161 days left)", "Claim warranty"]} />
      </s-section>
      <s-section heading={t("claims.heading")}>
        <Skeleton
          lines={[
            "Milk frother  #1031",
            "In review",
            "What you told us",
            "The steam wand stopped heating after two weeks.",
            "2 Oct 2026  You sent the claim",
            "4 Oct 2026  The store started reviewing it",
          ]}
        />
      </s-section>
      <s-section heading={t("returns.heading")}>
        <Skeleton
          lines={[
            "To return items, open the order.  Your orders",
            "Approved  #1042-R1  #1042",
            "Milk jug × 1  Too small",
            "Requested 14 Nov 2026",
          ]}
        />
      </s-section>
      <s-section heading={t("history.heading")}>
        <Skeleton lines={["Earned on order #1042 · 12 Nov 2026  +120", "Earned on order #1031 · 2 Oct 2026  +85"]} />
      </s-section>
    </s-stack>
  );
}

function Balance({ i18n, view }: { i18n: I18nLike; view: AccountView }) {
  return (
    <s-section heading={i18n.translate("balance.heading")}>
      <s-stack gap="base">
        <s-stack gap="small-100">
          <s-heading>{points(i18n, "balance.value", view.points.balance)}</s-heading>
          <s-text color="subdued">{points(i18n, "balance.lifetime", view.points.lifetime)}</s-text>
        </s-stack>
        {view.pointsExpiry?.warning ? (
          <s-banner tone="warning" heading={i18n.translate("balance.expiryHeading")}>
            <s-text>{view.pointsExpiry.text}</s-text>
          </s-banner>
        ) : view.pointsExpiry ? (
          <s-text color="subdued">{view.pointsExpiry.text}</s-text>
        ) : null}
        <TierBar tier={view.tier} />
      </s-stack>
    </s-section>
  );
}

function RedeemOutcome({ i18n, redeem, onRetry }: { i18n: I18nLike; redeem: Redeem; onRetry: () => void }) {
  const t = i18n.translate;
  if (redeem.status === "done") {
    const { issued, balance } = redeem.answer;
    return (
      <s-banner tone="success" heading={t("redeem.done")}>
        <s-stack gap="base">
          <s-text>{issued.title}</s-text>
          {issued.code ? <Code i18n={i18n} id={`new-${issued.redemptionId}`} code={issued.code} /> : <s-text>{issued.statusText}</s-text>}
          <s-text>{points(i18n, "redeem.balance", balance)}</s-text>
        </s-stack>
      </s-banner>
    );
  }
  if (redeem.status === "refused") {
    return (
      <s-banner tone="critical" heading={t("redeem.refusedHeading")}>
        <s-text>{redeem.text ?? t("redeem.refused")}</s-text>
      </s-banner>
    );
  }
  if (redeem.status === "failed") {
    return (
      <s-banner tone="warning" heading={t("redeem.failedHeading")}>
        <s-stack gap="base">
          <s-text>{t("redeem.failed")}</s-text>
          <s-button variant="secondary" onClick={onRetry}>
            {t("redeem.retry")}
          </s-button>
        </s-stack>
      </s-banner>
    );
  }
  return null;
}

function Rewards({
  i18n,
  rewards,
  redeem,
  onRedeem,
}: {
  i18n: I18nLike;
  rewards: RewardOffer[];
  redeem: Redeem;
  onRedeem: (rewardId: string) => void;
}) {
  const t = i18n.translate;
  const busy = redeem.status === "sending";
  return (
    <s-section heading={t("rewards.heading")}>
      {rewards.length === 0 ? (
        <s-text color="subdued">{t("rewards.empty")}</s-text>
      ) : (
        <s-stack gap="base">
          {rewards.map((offer) => (
            <s-stack key={offer.id} direction="inline" gap="base" justifyContent="space-between" alignItems="center">
              <s-stack gap="small-100">
                <s-text type="strong">{offer.title}</s-text>
                <s-text color="subdued">{points(i18n, "rewards.cost", offer.cost)}</s-text>
                {offer.minimumOrder ? (
                  <s-text color="subdued">{t("rewards.minimum", { amount: formatMoney(i18n, offer.minimumOrder) })}</s-text>
                ) : null}
                {!offer.canRedeem && offer.unavailableText ? <s-text color="subdued">{offer.unavailableText}</s-text> : null}
              </s-stack>
              <s-button
                variant="primary"
                disabled={!offer.canRedeem || busy}
                loading={busy && redeem.request.rewardId === offer.id}
                accessibilityLabel={offer.canRedeem ? undefined : (offer.unavailableText ?? undefined)}
                onClick={() => offer.canRedeem && onRedeem(offer.id)}
              >
                {t("rewards.redeem")}
              </s-button>
            </s-stack>
          ))}
        </s-stack>
      )}
    </s-section>
  );
}

function Code({ i18n, id, code }: { i18n: I18nLike; id: string; code: string }) {
  const [copied, setCopied] = useState(false);
  return (
    <s-stack direction="inline" gap="base" alignItems="center">
      <s-text type="strong">{code}</s-text>
      <s-clipboard-item id={id} text={code} onCopy={() => setCopied(true)} />
      <s-button variant="secondary" commandFor={id} command="--copy">
        {i18n.translate(copied ? "codes.copied" : "codes.copy")}
      </s-button>
    </s-stack>
  );
}

function Codes({ i18n, issued }: { i18n: I18nLike; issued: IssuedReward[] }) {
  const t = i18n.translate;
  return (
    <s-section heading={t("codes.heading")}>
      {issued.length === 0 ? (
        <s-text color="subdued">{t("codes.empty")}</s-text>
      ) : (
        <s-stack gap="base">
          {issued.map((r) => (
            <s-stack key={r.redemptionId} gap="small-100">
              <s-text type="strong">{r.title}</s-text>
              {r.code && (r.status === "unused" || r.status === "pending") ? (
                <Code i18n={i18n} id={`code-${r.redemptionId}`} code={r.code} />
              ) : r.code ? (
                <s-text>{r.code}</s-text>
              ) : null}
              <s-text color="subdued">{r.statusText}</s-text>
            </s-stack>
          ))}
        </s-stack>
      )}
    </s-section>
  );
}

function History({ i18n, view }: { i18n: I18nLike; view: AccountView }) {
  const t = i18n.translate;
  return (
    <s-section heading={t("history.heading")}>
      {view.history.length === 0 ? (
        <s-text color="subdued">{t("history.empty")}</s-text>
      ) : (
        <s-stack gap="base">
          {view.history.map((item) => (
            <s-stack key={item.id} direction="inline" gap="base" justifyContent="space-between">
              <s-stack gap="small-100">
                <s-text>{item.text}</s-text>
                <s-text color="subdued">{formatDay(i18n, item.at)}</s-text>
              </s-stack>
              <s-text type="strong" tone={item.points < 0 ? "critical" : "auto"}>
                {signedPoints(i18n, item.points)}
              </s-text>
            </s-stack>
          ))}
        </s-stack>
      )}
    </s-section>
  );
}
