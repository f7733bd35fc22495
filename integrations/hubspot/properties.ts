import type { TicketStage } from "../../app/domain/tickets";

// The contact properties marketers segment on, as HubSpot expects them: numbers, dates and
// enumerations with options, so they work in list filters and workflows. Plain data, no SDK.
export const PROPERTY_GROUP = { name: "postventa", label: "Postventa", displayOrder: -1 } as const;

export interface ContactPropertyDefinition {
  name: string;
  label: string;
  type: "number" | "date" | "enumeration" | "string";
  fieldType: "number" | "date" | "select" | "text";
  description: string;
  options?: Array<{ label: string; value: string; displayOrder: number; hidden: boolean }>; // HubSpot's OptionInput requires `hidden`
}

const number = (name: string, label: string, description: string): ContactPropertyDefinition => ({
  name,
  label,
  type: "number",
  fieldType: "number",
  description,
});
const date = (name: string, label: string, description: string): ContactPropertyDefinition => ({
  name,
  label,
  type: "date",
  fieldType: "date",
  description,
});

const text = (name: string, label: string, description: string): ContactPropertyDefinition => ({
  name,
  label,
  type: "string",
  fieldType: "text",
  description,
});
const enumeration = (name: string, label: string, description: string, options: Array<[string, string]>): ContactPropertyDefinition => ({
  name,
  label,
  type: "enumeration",
  fieldType: "select",
  description,
  options: options.map(([label, value], displayOrder) => ({ label, value, displayOrder, hidden: false })),
});

export const CONTACT_PROPERTIES: ContactPropertyDefinition[] = [
  number("postventa_points_balance", "Points balance", "Loyalty points the shopper can spend now."),
  number("postventa_lifetime_points", "Lifetime points", "Points earned over time, net of refunds."),
  { name: "postventa_tier", label: "Loyalty tier", type: "string", fieldType: "text", description: "The shopper's loyalty tier." },
  number("postventa_orders_count", "Orders count", "Paid orders in the store."),
  number("postventa_total_spent", "Total spent", "Amount of paid orders, in the shop currency."),
  date("postventa_first_order_date", "First order date", "Date of the first paid order."),
  date("postventa_last_order_date", "Last order date", "Date of the latest paid order."),
  number("postventa_active_warranties", "Active warranties", "Purchased units under warranty today."),
  number("postventa_open_warranty_claims", "Open warranty claims", "Warranty claims not yet closed (resolved or rejected)."),
  number(
    "postventa_returns_count",
    "Returns count",
    "Returns requested through Postventa or recorded from Shopify, whatever their outcome.",
  ),
  number("postventa_last_nps_score", "Last NPS score", "Latest answer to 'how likely are you to recommend us' (0–10)."),
  {
    name: "postventa_nps_category",
    label: "NPS category",
    type: "enumeration",
    fieldType: "select",
    description: "Promoter (9–10), passive (7–8) or detractor (0–6).",
    options: [
      { label: "Promoter", value: "promoter", displayOrder: 0, hidden: false },
      { label: "Passive", value: "passive", displayOrder: 1, hidden: false },
      { label: "Detractor", value: "detractor", displayOrder: 2, hidden: false },
    ],
  },
  date("postventa_last_nps_date", "Last NPS date", "When the latest NPS answer was given."),
  number("postventa_last_csat", "Last CSAT", "Latest satisfaction score (1–5)."),
  // After the sale, on time (app/domain/lifecycle.ts, owner-notices.ts): refreshed by the daily job.
  date("postventa_next_maintenance_date", "Next maintenance date", "The soonest care due on a product the shopper owns."),
  text("postventa_next_maintenance_product", "Next maintenance product", "The product that next maintenance date is for."),
  date("postventa_next_birthday", "Next birthday", "The shopper's next birthday (HubSpot dates need a year: the coming one)."),
  date("postventa_next_anniversary", "Next purchase anniversary", "The next anniversary of the shopper's first purchase."),
  date("postventa_points_expiry_date", "Points expiry date", "When the points balance expires if the shopper neither buys nor redeems."),
  date("postventa_points_expiry_warning_date", "Points expiry warning date", "30 days before the points expiry date."),
  enumeration(
    "postventa_churn_risk",
    "Churn risk",
    "Low, medium or high, from recency against the shopper's own rhythm, open cases, NPS and unused points.",
    [
      ["Low", "low"],
      ["Medium", "medium"],
      ["High", "high"],
    ],
  ),
  text("postventa_churn_reason", "Churn reason", "Why the churn risk is what it is, in words."),
  enumeration("postventa_owner_notice", "Owner notice", "The kind of the newest notice on a product the shopper owns.", [
    ["Recall", "recall"],
    ["Update", "update"],
    ["New accessory", "accessory"],
  ]),
  text("postventa_owner_notice_title", "Owner notice title", "The title of that notice."),
  date("postventa_owner_notice_date", "Owner notice date", "When that notice was published."),
  // Feedback (app/domain/feedback.ts feedbackProperties): surveys and what the answers ask of marketers.
  {
    name: "postventa_last_nps_comment",
    label: "Last NPS comment",
    type: "string",
    fieldType: "text",
    description: "The comment given with the latest NPS answer, if any.",
  },
  date("postventa_last_csat_date", "Last CSAT date", "When the latest CSAT answer was given."),
  date(
    "postventa_review_invite_due",
    "Review invite due",
    "Set to the day a promoter (NPS 9–10) answered, at most once a year: enrol these contacts in a review-request workflow.",
  ),
  {
    name: "postventa_survey_link",
    label: "Survey link",
    type: "string",
    fieldType: "text",
    description: "The link to the customer's open survey (no login, answered once, expires). Empty when none is open.",
  },
  date("postventa_survey_due_date", "Survey due date", "When the customer's open survey became due. Empty when none is open."),
  {
    name: "postventa_survey_kind",
    label: "Survey kind",
    type: "enumeration",
    fieldType: "select",
    description: "Which survey the link asks: NPS (after delivery) or CSAT (after a claim or return is closed).",
    options: [
      { label: "NPS", value: "nps", displayOrder: 0, hidden: false },
      { label: "CSAT", value: "csat", displayOrder: 1, hidden: false },
    ],
  },
];

// Where Postventa's tickets go: a ticket pipeline and, for each of our stages, one of its stages
// (HubSpot ids). A connection may name its own (HubSpotConnection.ticketPipeline); without one,
// HubSpot's default support pipeline "0" and its four stages. The sync reads the pipeline before
// writing tickets and waits, saying why, if a stage named here is not in it.
export interface TicketPipeline {
  pipelineId: string;
  stages: Record<TicketStage, string>;
}
export const DEFAULT_TICKET_PIPELINE: TicketPipeline = {
  pipelineId: "0",
  stages: { new: "1", waiting_on_contact: "2", waiting_on_us: "3", closed: "4" },
};
