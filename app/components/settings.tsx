// The Settings page's cards: each holds its section's fields as the loader gave them, posts them
// with `intent=<section>` to the page's action, and shows the answer: a banner, and each field
// error under its field. Field names are the domain's (app/domain/settings.ts).
import { useState, type ReactNode } from "react";
import { useFetcher } from "@remix-run/react";
import {
  Banner,
  BlockStack,
  Box,
  Button,
  Card,
  Checkbox,
  ChoiceList,
  Divider,
  FormLayout,
  InlineError,
  InlineStack,
  Select,
  Text,
  TextField,
} from "@shopify/polaris";
import {
  CARE_MATCHES,
  EARN_ON,
  OVERRIDE_MATCHES,
  REWARD_KINDS,
  ROUNDINGS,
  WARRANTY_STARTS,
  WINDOW_FROM,
  type SettingsFields,
  type SettingsSection,
} from "../domain/settings";
import { RETURN_REASONS } from "../domain/returns";
import { returnReasonText, rewardTitle } from "../domain/shopper-text";
import { TIER_BASES, TIER_PERIODS } from "../domain/tiers";
import type { Reward } from "../domain/rewards";
import type { Locale, MessageKey } from "../i18n";
import type { SectionChange, SettingsAnswer } from "../settings";
import { WithWhen } from "./claims";

type SettingsKey = Extract<MessageKey, `settings.${string}`>;
type Tr = (key: SettingsKey, vars?: Record<string, string | number>) => string;
interface CardProps {
  locale: Locale;
  tr: Tr;
  currency: string;
  initial: SettingsFields;
  change: SectionChange | null;
  // As saved: the tiers a reward may be limited to, the rewards a tier may give on reaching it.
  tiers: Array<{ id: string; name: string }>;
  rewards: Reward[];
}
type Form = {
  fields: SettingsFields;
  set: (name: string, value: string | string[]) => void;
  replace: (fields: SettingsFields) => void;
  error: (name: string) => string | undefined;
};

const text = (v: string | string[] | undefined) => (Array.isArray(v) ? (v[0] ?? "") : (v ?? ""));
const list = (v: string | string[] | undefined) => (Array.isArray(v) ? v : v ? [v] : []);

function useSectionForm(section: SettingsSection, initial: SettingsFields, locale: Locale) {
  const fetcher = useFetcher<SettingsAnswer>();
  const [fields, setFields] = useState(initial);
  // After a save the loader's values come back normalised (trimmed, deduplicated, new ids): show
  // them (during render, as React advises for state that follows a changed value).
  const saved = JSON.stringify(initial);
  const [shown, setShown] = useState(saved);
  if (saved !== shown) {
    setShown(saved);
    setFields(initial);
  }
  const answer = fetcher.state === "idle" ? fetcher.data : undefined;
  const errors = answer && !answer.ok ? answer.fieldErrors : {};
  const submit = () => {
    const body = new FormData();
    body.set("intent", section);
    for (const [name, value] of Object.entries(fields)) for (const one of list(value)) body.append(name, one);
    // The locale rides along so the action answers in the page's language.
    fetcher.submit(body, { method: "post", action: `/app/settings?locale=${locale}` });
  };
  const form: Form = {
    fields,
    set: (name, value) => setFields((f) => ({ ...f, [name]: value })),
    replace: setFields,
    error: (name) => errors[name],
  };
  return { form, submit, answer, pending: fetcher.state !== "idle" };
}

function SectionCard({ section, props, children }: { section: SettingsSection; props: CardProps; children: (form: Form) => ReactNode }) {
  const { tr, locale, change } = props;
  const { form, submit, answer, pending } = useSectionForm(section, props.initial, locale);
  return (
    <Card>
      <BlockStack gap="400">
        <BlockStack gap="100">
          <Text as="h2" variant="headingMd">
            {tr(`settings.${section}.title`)}
          </Text>
          <Text as="p" tone="subdued">
            {tr(`settings.${section}.description`)}
          </Text>
        </BlockStack>
        {answer && (
          <Banner tone={answer.ok ? (answer.changed ? "success" : "info") : "critical"}>
            <p>{answer.message}</p>
          </Banner>
        )}
        {children(form)}
        <Divider />
        <InlineStack align="space-between" blockAlign="center">
          <Text as="p" tone="subdued" variant="bodySm">
            {change ? (
              <WithWhen
                template={change.by ? tr("settings.lastChangedBy", { user: change.by, when: "{when}" }) : tr("settings.lastChanged")}
                iso={change.at}
                locale={locale}
              />
            ) : (
              tr("settings.neverChanged")
            )}
          </Text>
          <Button
            variant="primary"
            onClick={submit}
            loading={pending}
            accessibilityLabel={`${tr("settings.save")}: ${tr(`settings.${section}.title`)}`}
          >
            {tr("settings.save")}
          </Button>
        </InlineStack>
      </BlockStack>
    </Card>
  );
}

const options = <T extends string>(values: readonly T[], label: (v: T) => string) =>
  values.map((value) => ({ value, label: label(value) }));

function Field({
  form,
  name,
  label,
  help,
  type = "text",
}: {
  form: Form;
  name: string;
  label: string;
  help?: string;
  type?: "text" | "number";
}) {
  return (
    <TextField
      label={label}
      name={name}
      inputMode={type === "number" ? "decimal" : undefined}
      autoComplete="off"
      value={text(form.fields[name])}
      onChange={(v) => form.set(name, v)}
      helpText={help}
      error={form.error(name)}
    />
  );
}

function Choice<T extends string>({
  form,
  name,
  label,
  values,
  labelOf,
}: {
  form: Form;
  name: string;
  label: string;
  values: readonly T[];
  labelOf: (v: T) => string;
}) {
  return (
    <Select
      label={label}
      name={name}
      options={options(values, labelOf)}
      value={text(form.fields[name])}
      onChange={(v) => form.set(name, v)}
      error={form.error(name)}
    />
  );
}

function Flag({ form, name, label }: { form: Form; name: string; label: string }) {
  return (
    <Checkbox
      label={label}
      checked={text(form.fields[name]) === "true"}
      onChange={(checked) => form.set(name, String(checked))}
      error={form.error(name)}
    />
  );
}

export function LoyaltyCard(props: CardProps) {
  const { tr, currency } = props;
  return (
    <SectionCard section="loyalty" props={props}>
      {(form) => (
        <FormLayout>
          <FormLayout.Group>
            <Field form={form} name="pointsPerUnit" label={tr("settings.loyalty.pointsPerUnit", { currency })} type="number" />
            <Choice
              form={form}
              name="rounding"
              label={tr("settings.loyalty.rounding")}
              values={ROUNDINGS}
              labelOf={(v) => tr(`settings.loyalty.rounding.${v}`)}
            />
          </FormLayout.Group>
          <BlockStack gap="100">
            <Text as="p">{tr("settings.loyalty.counts")}</Text>
            {(["earnOnDiscountedPrice", "includeShipping", "includeTaxes", "includeGiftCards"] as const).map((name) => (
              <Flag key={name} form={form} name={name} label={tr(`settings.loyalty.${name}`)} />
            ))}
          </BlockStack>
          <Choice
            form={form}
            name="earnOn"
            label={tr("settings.loyalty.earnOn")}
            values={EARN_ON}
            labelOf={(v) => tr(`settings.loyalty.earnOn.${v}`)}
          />
        </FormLayout>
      )}
    </SectionCard>
  );
}

const TIER_FIELDS = ["id", "name", "threshold", "multiplier", "welcomeReward"] as const;

// The ladder as a table of rows: the first is where everyone starts (its threshold fixed at 0).
export function TiersCard(props: CardProps) {
  const { tr, currency, locale } = props;
  const welcomeChoices = [
    { value: "", label: tr("settings.tiers.welcome.none") },
    ...props.rewards.map((w) => ({ value: w.id, label: rewardTitle(w, currency, locale) })),
  ];
  return (
    <SectionCard section="tiers" props={props}>
      {(form) => {
        const rows = rowsOf(form.fields, "tier", "tierCount", TIER_FIELDS);
        const setRows = (next: SettingsFields[]) => form.replace(withRows(form.fields, "tier", "tierCount", next));
        const basis = text(form.fields.basis) as (typeof TIER_BASES)[number];
        return (
          <FormLayout>
            <FormLayout.Group>
              <Choice
                form={form}
                name="basis"
                label={tr("settings.tiers.basis")}
                values={TIER_BASES}
                labelOf={(v) => tr(`settings.tiers.basis.${v}`)}
              />
              <Choice
                form={form}
                name="period"
                label={tr("settings.tiers.period")}
                values={TIER_PERIODS}
                labelOf={(v) => tr(`settings.tiers.period.${v}`)}
              />
            </FormLayout.Group>
            {rows.map((_, i) => {
              const f = (name: string) => `tier.${i}.${name}`;
              return (
                <RowBox
                  key={i}
                  title={i === 0 ? tr("settings.tiers.first") : tr("settings.tiers.row", { n: i + 1 })}
                  removeLabel={tr("settings.tiers.remove")}
                  onRemove={i === 0 ? null : () => setRows(rows.filter((__, j) => j !== i))}
                >
                  <FormLayout.Group condensed>
                    <Field form={form} name={f("name")} label={tr("settings.tiers.name")} />
                    {i === 0 ? (
                      <TextField
                        label={tr(`settings.tiers.threshold.${basis}`, { currency })}
                        autoComplete="off"
                        value="0"
                        disabled
                        helpText={tr("settings.tiers.first.help")}
                        error={form.error(f("threshold"))}
                      />
                    ) : (
                      <Field
                        form={form}
                        name={f("threshold")}
                        label={tr(`settings.tiers.threshold.${basis}`, { currency })}
                        type="number"
                      />
                    )}
                    <Field
                      form={form}
                      name={f("multiplier")}
                      label={tr("settings.tiers.multiplier")}
                      help={tr("settings.tiers.multiplier.help")}
                      type="number"
                    />
                    <Select
                      label={tr("settings.tiers.welcome")}
                      name={f("welcomeReward")}
                      options={welcomeChoices}
                      value={text(form.fields[f("welcomeReward")])}
                      onChange={(v) => form.set(f("welcomeReward"), v)}
                      error={form.error(f("welcomeReward"))}
                    />
                  </FormLayout.Group>
                </RowBox>
              );
            })}
            {form.error("tierCount") && <InlineError message={form.error("tierCount")!} fieldID="tierCount" />}
            <InlineStack>
              <Button onClick={() => setRows([...rows, { id: "", name: "", threshold: "", multiplier: "1", welcomeReward: "" }])}>
                {tr("settings.tiers.add")}
              </Button>
            </InlineStack>
            <Text as="p" tone="subdued" variant="bodySm">
              {tr("settings.tiers.help")}
            </Text>
          </FormLayout>
        );
      }}
    </SectionCard>
  );
}

export function ReturnsCard(props: CardProps) {
  const { tr, locale } = props;
  const reasonChoices = RETURN_REASONS.map((value) => ({ value, label: returnReasonText(value, locale) }));
  return (
    <SectionCard section="returns" props={props}>
      {(form) => (
        <FormLayout>
          <FormLayout.Group>
            <Field form={form} name="windowDays" label={tr("settings.returns.windowDays")} type="number" />
            <Choice
              form={form}
              name="windowFrom"
              label={tr("settings.returns.windowFrom")}
              values={WINDOW_FROM}
              labelOf={(v) => tr(`settings.returns.windowFrom.${v}`)}
            />
          </FormLayout.Group>
          <FormLayout.Group>
            <Field
              form={form}
              name="finalSaleTags"
              label={tr("settings.returns.finalSaleTags")}
              help={tr("settings.returns.finalSaleTags.help")}
            />
            <Field
              form={form}
              name="finalSaleProductTypes"
              label={tr("settings.returns.finalSaleProductTypes")}
              help={tr("settings.returns.finalSaleProductTypes.help")}
            />
          </FormLayout.Group>
          <ChoiceList
            allowMultiple
            title={tr("settings.returns.reasons")}
            choices={reasonChoices}
            selected={list(form.fields.reasons)}
            onChange={(v) => form.set("reasons", v)}
            error={form.error("reasons")}
          />
          <Flag form={form} name="autoApprove" label={tr("settings.returns.autoApprove")} />
          {text(form.fields.autoApprove) === "true" && (
            <Box paddingInlineStart="600">
              <ChoiceList
                allowMultiple
                title={tr("settings.returns.autoApproveExcept")}
                choices={reasonChoices}
                selected={list(form.fields.autoApproveExcept)}
                onChange={(v) => form.set("autoApproveExcept", v)}
                error={form.error("autoApproveExcept")}
              />
            </Box>
          )}
          <Field
            form={form}
            name="storeCreditBonusPercent"
            label={tr("settings.returns.storeCreditBonusPercent")}
            help={tr("settings.returns.storeCreditBonusPercent.help")}
            type="number"
          />
        </FormLayout>
      )}
    </SectionCard>
  );
}

// Rows of a list section (`<prefix>.<i>.<field>` with a `<countField>`), to add and remove.
function rowsOf(fields: SettingsFields, prefix: string, countField: string, names: readonly string[]) {
  const count = Number(text(fields[countField])) || 0;
  return Array.from({ length: count }, (_, i) => Object.fromEntries(names.map((n) => [n, fields[`${prefix}.${i}.${n}`] ?? ""])));
}
function withRows(fields: SettingsFields, prefix: string, countField: string, rows: SettingsFields[]): SettingsFields {
  const kept = Object.fromEntries(Object.entries(fields).filter(([k]) => !k.startsWith(`${prefix}.`)));
  rows.forEach((row, i) => Object.entries(row).forEach(([n, v]) => (kept[`${prefix}.${i}.${n}`] = v)));
  return { ...kept, [countField]: String(rows.length) };
}

/** One row of a list section: its title, a Remove button (none for a row that must stay) and its fields. */
function RowBox({
  title,
  removeLabel,
  onRemove,
  children,
}: {
  title: string;
  removeLabel: string;
  onRemove: (() => void) | null;
  children: ReactNode;
}) {
  return (
    <Box padding="300" borderWidth="025" borderColor="border" borderRadius="200">
      <BlockStack gap="300">
        <InlineStack align="space-between" blockAlign="center">
          <Text as="h3" variant="headingSm">
            {title}
          </Text>
          {onRemove && (
            <Button variant="plain" tone="critical" onClick={onRemove}>
              {removeLabel}
            </Button>
          )}
        </InlineStack>
        {children}
      </BlockStack>
    </Box>
  );
}

const REWARD_FIELDS = ["id", "kind", "cost", "value", "minimumOrder", "validDays", "tiers"] as const;

export function RewardsCard(props: CardProps) {
  const { tr, currency } = props;
  return (
    <SectionCard section="rewards" props={props}>
      {(form) => {
        const rows = rowsOf(form.fields, "reward", "rewardCount", REWARD_FIELDS);
        const setRows = (next: SettingsFields[]) => form.replace(withRows(form.fields, "reward", "rewardCount", next));
        return (
          <BlockStack gap="400">
            {rows.length === 0 && <Text as="p">{tr("settings.rewards.empty")}</Text>}
            {rows.map((row, i) => {
              const f = (name: string) => `reward.${i}.${name}`;
              return (
                <RowBox
                  key={i}
                  title={tr("settings.rewards.row", { n: i + 1 })}
                  removeLabel={tr("settings.rewards.remove")}
                  onRemove={() => setRows(rows.filter((_, j) => j !== i))}
                >
                  <FormLayout>
                    <FormLayout.Group condensed>
                      <Choice
                        form={form}
                        name={f("kind")}
                        label={tr("settings.rewards.kind")}
                        values={REWARD_KINDS}
                        labelOf={(v) => tr(`settings.rewards.kind.${v}`)}
                      />
                      <Field form={form} name={f("cost")} label={tr("settings.rewards.cost")} type="number" />
                      {text(row.kind) === "percentage_off" ? (
                        <Field
                          form={form}
                          name={f("value")}
                          label={tr("settings.rewards.percent")}
                          help={tr("settings.rewards.percent.help")}
                          type="number"
                        />
                      ) : (
                        text(row.kind) !== "free_shipping" && (
                          <Field form={form} name={f("value")} label={tr("settings.rewards.value", { currency })} type="number" />
                        )
                      )}
                    </FormLayout.Group>
                    <FormLayout.Group condensed>
                      <Field
                        form={form}
                        name={f("minimumOrder")}
                        label={tr("settings.rewards.minimumOrder", { currency })}
                        help={tr("settings.rewards.minimumOrder.help")}
                        type="number"
                      />
                      <Field form={form} name={f("validDays")} label={tr("settings.rewards.validDays")} type="number" />
                    </FormLayout.Group>
                    <ChoiceList
                      allowMultiple
                      title={tr("settings.rewards.tiers")}
                      choices={props.tiers.map((t) => ({ value: t.id, label: t.name }))}
                      selected={list(row.tiers)}
                      onChange={(v) => form.set(f("tiers"), v)}
                      error={form.error(f("tiers"))}
                    />
                    <Text as="p" tone="subdued" variant="bodySm">
                      {tr("settings.rewards.tiers.help")}
                    </Text>
                    {form.error(f("id")) && <InlineError message={form.error(f("id"))!} fieldID={f("id")} />}
                  </FormLayout>
                </RowBox>
              );
            })}
            {form.error("rewardCount") && <InlineError message={form.error("rewardCount")!} fieldID="rewardCount" />}
            <InlineStack>
              <Button
                onClick={() =>
                  setRows([...rows, { id: "", kind: "amount_off", cost: "", value: "", minimumOrder: "", validDays: "90", tiers: [] }])
                }
              >
                {tr("settings.rewards.add")}
              </Button>
            </InlineStack>
          </BlockStack>
        );
      }}
    </SectionCard>
  );
}

const OVERRIDE_FIELDS = ["match", "value", "months"] as const;

export function WarrantyCard(props: CardProps) {
  const { tr } = props;
  return (
    <SectionCard section="warranty" props={props}>
      {(form) => {
        const rows = rowsOf(form.fields, "override", "overrideCount", OVERRIDE_FIELDS);
        const setRows = (next: SettingsFields[]) => form.replace(withRows(form.fields, "override", "overrideCount", next));
        return (
          <FormLayout>
            <FormLayout.Group>
              <Field
                form={form}
                name="defaultMonths"
                label={tr("settings.warranty.defaultMonths")}
                help={tr("settings.warranty.defaultMonths.help")}
                type="number"
              />
              <Choice
                form={form}
                name="startsAt"
                label={tr("settings.warranty.startsAt")}
                values={WARRANTY_STARTS}
                labelOf={(v) => tr(`settings.warranty.startsAt.${v}`)}
              />
            </FormLayout.Group>
            <Text as="h3" variant="headingSm">
              {tr("settings.warranty.overrides")}
            </Text>
            {rows.length === 0 && (
              <Text as="p" tone="subdued">
                {tr("settings.warranty.empty")}
              </Text>
            )}
            {rows.map((_, i) => {
              const f = (name: string) => `override.${i}.${name}`;
              return (
                <FormLayout.Group key={i} condensed>
                  <Choice
                    form={form}
                    name={f("match")}
                    label={tr("settings.warranty.match")}
                    values={OVERRIDE_MATCHES}
                    labelOf={(v) => tr(`settings.warranty.match.${v}`)}
                  />
                  <Field form={form} name={f("value")} label={tr("settings.warranty.value")} />
                  <Field form={form} name={f("months")} label={tr("settings.warranty.months")} type="number" />
                  <Box paddingBlockStart="600">
                    <Button variant="plain" tone="critical" onClick={() => setRows(rows.filter((__, j) => j !== i))}>
                      {tr("settings.warranty.remove")}
                    </Button>
                  </Box>
                </FormLayout.Group>
              );
            })}
            {form.error("overrideCount") && <InlineError message={form.error("overrideCount")!} fieldID="overrideCount" />}
            <InlineStack>
              <Button onClick={() => setRows([...rows, { match: "tag", value: "", months: "" }])}>{tr("settings.warranty.add")}</Button>
            </InlineStack>
          </FormLayout>
        );
      }}
    </SectionCard>
  );
}

// ---- after the sale ----------------------------------------------------------------------------

// Points expiry sits with the birthday and anniversary gifts, shown right after the points program:
// all three move a customer's points by the calendar, which is how a merchant looks for them.
export function CalendarCard(props: CardProps) {
  const { tr } = props;
  return (
    <SectionCard section="calendar" props={props}>
      {(form) => (
        <FormLayout>
          <FormLayout.Group>
            <Field
              form={form}
              name="birthdayPoints"
              label={tr("settings.calendar.birthdayPoints")}
              help={tr("settings.calendar.birthdayPoints.help")}
              type="number"
            />
            <Field
              form={form}
              name="anniversaryPoints"
              label={tr("settings.calendar.anniversaryPoints")}
              help={tr("settings.calendar.anniversaryPoints.help")}
              type="number"
            />
          </FormLayout.Group>
          <Field
            form={form}
            name="pointsExpiryMonths"
            label={tr("settings.calendar.pointsExpiryMonths")}
            help={tr("settings.calendar.pointsExpiryMonths.help")}
            type="number"
          />
        </FormLayout>
      )}
    </SectionCard>
  );
}

const CARE_FIELDS = ["match", "value", "guide", "firstAfterMonths", "everyMonths"] as const;

export function CareCard(props: CardProps) {
  const { tr } = props;
  return (
    <SectionCard section="care" props={props}>
      {(form) => {
        const rows = rowsOf(form.fields, "care", "careCount", CARE_FIELDS);
        const setRows = (next: SettingsFields[]) => form.replace(withRows(form.fields, "care", "careCount", next));
        return (
          <BlockStack gap="400">
            {rows.length === 0 && (
              <Text as="p" tone="subdued">
                {tr("settings.care.empty")}
              </Text>
            )}
            {rows.map((_, i) => {
              const f = (name: string) => `care.${i}.${name}`;
              return (
                <RowBox
                  key={i}
                  title={tr("settings.care.row", { n: i + 1 })}
                  removeLabel={tr("settings.care.remove")}
                  onRemove={() => setRows(rows.filter((__, j) => j !== i))}
                >
                  <FormLayout>
                    <FormLayout.Group condensed>
                      <Choice
                        form={form}
                        name={f("match")}
                        label={tr("settings.care.match")}
                        values={CARE_MATCHES}
                        labelOf={(v) => tr(`settings.care.match.${v}`)}
                      />
                      <Field form={form} name={f("value")} label={tr("settings.care.value")} />
                    </FormLayout.Group>
                    <TextField
                      label={tr("settings.care.guide")}
                      name={f("guide")}
                      multiline={3}
                      autoComplete="off"
                      value={text(form.fields[f("guide")])}
                      onChange={(v) => form.set(f("guide"), v)}
                      error={form.error(f("guide"))}
                    />
                    <FormLayout.Group condensed>
                      <Field
                        form={form}
                        name={f("firstAfterMonths")}
                        label={tr("settings.care.firstAfterMonths")}
                        help={tr("settings.care.firstAfterMonths.help")}
                        type="number"
                      />
                      <Field
                        form={form}
                        name={f("everyMonths")}
                        label={tr("settings.care.everyMonths")}
                        help={tr("settings.care.everyMonths.help")}
                        type="number"
                      />
                    </FormLayout.Group>
                  </FormLayout>
                </RowBox>
              );
            })}
            {form.error("careCount") && <InlineError message={form.error("careCount")!} fieldID="careCount" />}
            <InlineStack>
              <Button
                onClick={() => setRows([...rows, { match: "productType", value: "", guide: "", firstAfterMonths: "0", everyMonths: "0" }])}
              >
                {tr("settings.care.add")}
              </Button>
            </InlineStack>
          </BlockStack>
        );
      }}
    </SectionCard>
  );
}

export function ChurnCard(props: CardProps) {
  const { tr } = props;
  const field = (
    form: Form,
    name: "oneOrderGapDays" | "overdueRatio" | "longOverdueRatio" | "unusedPointsMin" | "mediumScore" | "highScore",
  ) => <Field form={form} name={name} label={tr(`settings.churn.${name}`)} type="number" />;
  return (
    <SectionCard section="churn" props={props}>
      {(form) => (
        <FormLayout>
          <FormLayout.Group>
            {field(form, "oneOrderGapDays")}
            {field(form, "unusedPointsMin")}
          </FormLayout.Group>
          <FormLayout.Group>
            {field(form, "overdueRatio")}
            {field(form, "longOverdueRatio")}
          </FormLayout.Group>
          <FormLayout.Group>
            {field(form, "mediumScore")}
            {field(form, "highScore")}
          </FormLayout.Group>
        </FormLayout>
      )}
    </SectionCard>
  );
}

export function SurveysCard(props: CardProps) {
  const { tr } = props;
  const field = (
    form: Form,
    name: "npsAfterDeliveryDays" | "npsAfterFulfillmentDays" | "npsQuietDays" | "openDays" | "reviewInviteEveryDays",
  ) => <Field form={form} name={name} label={tr(`settings.surveys.${name}`)} type="number" />;
  return (
    <SectionCard section="surveys" props={props}>
      {(form) => (
        <FormLayout>
          <FormLayout.Group>
            {field(form, "npsAfterDeliveryDays")}
            {field(form, "npsAfterFulfillmentDays")}
          </FormLayout.Group>
          <FormLayout.Group>
            {field(form, "npsQuietDays")}
            {field(form, "openDays")}
          </FormLayout.Group>
          <Flag form={form} name="csat" label={tr("settings.surveys.csat")} />
          {field(form, "reviewInviteEveryDays")}
        </FormLayout>
      )}
    </SectionCard>
  );
}
