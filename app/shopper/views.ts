// What the shopper API answers: the contract between app/routes/api.* and extensions/*. Types only
// (extensions import them with `import type`, so nothing of the app reaches their bundles).
// Every sentence a shopper reads is already rendered in the request's locale (`?locale=es|en`,
// else Accept-Language); extensions translate only their own chrome (headings, buttons).
//
// Endpoints (all answer JSON with `Access-Control-Allow-Origin: *`; errors are ShopperError):
//   GET  /api/account            customer-account token  → AccountView
//   GET  /api/orders/:orderId    customer-account token  → OrderView (orderId: numeric id or Order gid)
//   POST /api/thank-you          checkout token, body ThankYouRequest → ThankYouView (a guest has no `sub`)
//   GET  /api/birthday           customer-account token  → { birthday: Birthday | null }
//   POST /api/birthday           customer-account token, body { birthday: Birthday | null } → same
//   POST /api/redeem             customer-account token, body RedeemRequest → RedeemAnswer
//   GET  /api/claims             customer-account token  → { claims: ClaimView[] }
//   POST /api/claims             customer-account token, body ClaimRequest → ClaimView (201; the same click again: 200)
//   POST /api/claims/:id/reopen  customer-account token  → ClaimView (once per claim, after it was resolved or rejected)
//   POST /api/claims/:id/photos?clientId=<uuid>  customer-account token, body: the image's bytes (JPEG, PNG or WebP,
//                                at most 5 MiB; 3 per open claim) → ClaimView (201; the same clientId again: 200)
//   GET  /api/claims/:id/photos/:photoId?…  no token: the signed link in ClaimView.photos[].url (an <img> sends none)
//   GET  /api/orders/:orderId/returns  customer-account token → ReturnOptionsView (someone else's order: 404, like an unknown one)
//   GET  /api/returns            customer-account token  → { returns: ReturnView[] }
//   POST /api/returns            customer-account token, body ReturnRequest → ReturnView (201; the same requestId again: 200;
//                                202 while it is being sent to the store; 409 when the store refused it)
//   GET  /api/surveys            customer-account token  → { surveys: SurveyView[] } (due, unanswered, still open)
//   POST /api/surveys/:surveyId  customer-account token, body SurveyAnswerRequest → SurveyAnswered (201; someone else's or
//                                unknown: 404; answered already: 409; closed: 409; bad score or comment: 400)
// Only GET and POST: Shopify's library answers the CORS preflight without Allow-Methods.

export type ShopperLocale = "es" | "en";

export interface Money {
  amount: string; // decimal string in the currency's minor-unit precision, e.g. "12.50"
  currency: string;
}

export interface TierProgress {
  name: string;
  basis: "points" | "spend" | "orders"; // what the shop's tiers are climbed by
  // What is left to the next tier, in the basis's unit; null at the top tier.
  next: { name: string; points?: number; spend?: Money; orders?: number } | null;
  progress: number; // 0..1 of the way from this tier's threshold to the next one's
  earnMultiplier: number; // the tier's points multiplier (1: none)
  text: string; // "120 points to Silver" / "Te faltan 120 puntos para Silver"
  benefitsText: string | null; // "As Gold, you earn 1.5× points on every order", or null
}

export interface HistoryItem {
  id: string;
  at: string; // ISO date-time
  kind: "earned" | "reversed" | "claimed" | "redeemed" | "restored" | "expired" | "gift" | "adjusted"; // gift: birthday and anniversary points; adjusted: a kind this version does not know
  points: number; // signed
  text: string; // "Earned on order #1042" / "Ganados en el pedido #1042"
}

export interface RewardOffer {
  id: string;
  kind: "amount_off" | "percentage_off" | "free_shipping" | "store_credit";
  title: string; // "$5.00 off your next order" / "10% off your next order"
  cost: number; // points
  value: Money | null; // null for free shipping and percentage off
  percent: number | null; // percentage off: 10 for 10 % off; null for the other kinds
  minimumOrder: Money | null;
  canRedeem: boolean;
  unavailableText: string | null; // why not, when canRedeem is false: "You need 80 more points"
}

export type RewardCodeStatus = "pending" | "unused" | "used" | "expired" | "failed";

export interface IssuedReward {
  redemptionId: string;
  title: string;
  code: string | null; // null for store credit, and until Shopify holds the code
  status: RewardCodeStatus;
  statusText: string; // "Unused — expires 12 March 2027" / "Used on order #1051"
  usedOnOrder: string | null; // order name
  expiresAt: string | null;
  createdAt: string;
}

export interface WarrantyItem {
  id: string;
  product: string;
  orderName: string;
  quantity: number;
  status: "pending_fulfillment" | "active" | "expired" | "voided";
  coverageEnd: string | null; // ISO date; null until fulfilled
  daysLeft: number | null;
  text: string; // "Covered until 3 May 2027 (161 days left)" / "Coverage starts when it ships"
  canClaim: boolean;
  claimUnavailableText: string | null; // why not, when canClaim is false: "Coverage ended on 3 May 2027"
  openClaimId: string | null;
  // After the sale: the merchant's care guide and the unit's next maintenance (null: no care rule
  // for this product), and the notices the merchant published for its owners.
  care: UnitCare | null;
  notices: OwnerNoticeView[]; // newest first
}

export interface UnitCare {
  guide: string | null; // the merchant's text, as written
  nextMaintenance: string | null; // ISO date; null when not shipped yet or no maintenance is due any more
  maintenanceText: string | null; // "Next maintenance: 3 May 2027" / "Próximo mantenimiento: 3 de mayo de 2027"
}

export interface OwnerNoticeView {
  id: string;
  kind: "recall" | "update" | "accessory";
  title: string; // the merchant's words
  body: string;
  publishedAt: string; // ISO date-time
}

export interface PointsExpiry {
  expiresOn: string; // ISO date: the balance expires then unless the shopper orders or redeems before
  warnOn: string; // ISO date, 30 days before
  warning: boolean; // today is on or after warnOn: show it prominently
  text: string; // "Your 420 points expire on 3 May 2027 unless you order or redeem before then"
}

export interface AccountView {
  locale: ShopperLocale;
  shopName: string | null;
  firstName: string | null;
  points: { balance: number; lifetime: number };
  tier: TierProgress;
  history: HistoryItem[]; // newest first, at most 50
  rewards: RewardOffer[];
  issued: IssuedReward[]; // newest first
  warranties: WarrantyItem[]; // active and awaiting fulfilment first
  birthday: Birthday | null;
  claims: ClaimView[]; // newest first
  returns: ReturnView[]; // newest first
  pointsExpiry: PointsExpiry | null; // null: the shop's points do not expire, or there are none
  surveys: SurveyView[]; // open surveys, newest first: the rewards page shows a survey block for each
}

export type ClaimStatus = "submitted" | "in_review" | "approved" | "rejected" | "resolved";

export interface ClaimView {
  id: string;
  requestId: string;
  warrantyId: string;
  product: string;
  orderName: string;
  status: ClaimStatus;
  statusText: string; // "In review" / "Aprobada: te enviamos un repuesto" / "Rechazada: <the store's reason>"
  description: string | null;
  submittedAt: string;
  events: Array<{ at: string; text: string }>; // oldest first: "You sent the claim", "The store started reviewing it"…
  canReopen: boolean;
  photos: Array<{ id: string; url: string }>; // oldest first; `url` is a signed link to the image, valid for 15 minutes
  canAddPhotos: boolean; // open, with fewer than 3 photos
}

export interface ClaimRequest {
  warrantyId: string;
  requestId: string; // a UUID made once per submission: a retry does not open a second claim
  description: string; // what is wrong, 10–2000 characters
}

export type ReturnStatus = "requesting" | "failed" | "requested" | "open" | "declined" | "canceled" | "closed";
export type ReturnOutcome = "refund" | "store_credit";

/** What one order offers to return: its lines, the reasons and outcomes offered, and its returns so far. */
export interface ReturnOptionsView {
  locale: ShopperLocale;
  orderId: string;
  orderName: string;
  lines: ReturnableLine[];
  canRequest: boolean; // some unit can go back now
  reasons: Array<{ handle: string; label: string }>; // in the merchant's order; label in the shopper's language
  outcomes: Array<{ kind: ReturnOutcome; label: string; text: string | null }>; // "Store credit" / "Get 10% more when you choose store credit"
  noteMaxLength: number;
  returns: ReturnView[]; // this order's, newest first
}

export interface ReturnableLine {
  lineItemId: string;
  product: string;
  quantity: number; // bought
  returnableQuantity: number; // 0 when none can go back now
  deadline: string | null; // ISO date: the last day of the return window; null until it ships
  canReturn: boolean;
  text: string; // "Returnable until 3 May 2027" / "Final sale: it cannot be returned" / "The return window ended on …"
}

export interface ReturnView {
  id: string;
  requestId: string | null; // the extension's id for the submission; null for a return the store made in Shopify
  orderId: string;
  orderName: string;
  name: string | null; // the store's reference ("#1001-R1") once Shopify holds the return
  status: ReturnStatus;
  statusText: string; // "Requested: the store will review it soon" / "Aprobada: envía los artículos a la tienda"
  outcome: ReturnOutcome | null; // the shopper's preference; null for a return the store made
  outcomeText: string | null;
  note: string | null; // the shopper's own note
  lines: Array<{ lineItemId: string; product: string; quantity: number; reason: string; reasonText: string }>;
  requestedAt: string;
  updatedAt: string;
  events: Array<{ at: string; text: string }>; // oldest first: "You asked for the return", "Approved automatically"…
}

export interface ReturnRequest {
  orderId: string; // numeric id or Order gid
  requestId: string; // a UUID made once per submission: a retry does not request a second return
  lines: Array<{ lineItemId: string; quantity: number; reason: string }>; // reason: one of ReturnOptionsView.reasons' handles
  note?: string | null; // at most ReturnOptionsView.noteMaxLength characters, shown to the store
  outcome: ReturnOutcome;
}

export interface OrderView {
  locale: ShopperLocale;
  orderName: string | null; // null when the order is not known to Postventa yet
  points: {
    status: "earned" | "pending_payment" | "pending_fulfillment" | "reversed" | "none" | "unknown";
    points: number;
    text: string;
  };
  warranties: WarrantyItem[];
  survey: SurveyView | null; // this order's open NPS survey (the order status block shows it), null when none
}

export interface ThankYouView {
  locale: ShopperLocale;
  points: number; // what this order earns under the shop's rule (an estimate until the order is processed)
  text: string; // "This order earns 120 points" / "Este pedido te da 120 puntos"
  guest: boolean; // no logged-in customer: the points wait for an account with the order's email
  guestText: string | null;
  tier: TierProgress | null; // logged-in customers only
}

export interface ThankYouRequest {
  orderId: string | null; // the order confirmation's Order gid, when the page has it
  subtotal: Money; // the checkout's subtotal: the estimate's base until the order is processed
}

export interface Birthday {
  month: number; // 1..12
  day: number; // 1..31, valid for the month (29 February allowed)
}

export interface RedeemRequest {
  rewardId: string;
  redemptionId: string; // a UUID the extension makes once per click: a retry or double click redeems once
}

export interface RedeemAnswer {
  issued: IssuedReward;
  balance: number;
}

/** Every 4xx answer of the shopper API. */
export interface ShopperError {
  error: string; // a sentence in the request's locale
  code: string; // machine-readable: "unauthenticated", "not_enough_points", ...
}

// A survey the shopper can answer now: NPS (0–10) about an order, CSAT (1–5) about a closed warranty
// claim or return. Answered with POST /api/surveys/:id.
export interface SurveyView {
  id: string;
  kind: "nps" | "csat";
  about: { type: "order" | "claim" | "return"; id: string; name: string | null }; // order "#1001", claim "C-1A2B3C4D", return "#1001-R1"
  question: string; // in the shopper's language
  scale: { min: number; max: number; lowLabel: string; highLabel: string };
  commentMax: number; // characters
  expiresAt: string; // ISO date-time: it can be answered until then
}

export interface SurveyAnswerRequest {
  score: number;
  comment?: string | null;
  channel?: "account" | "order_status"; // where it was answered (default account)
}

export interface SurveyAnswered {
  surveyId: string;
  kind: "nps" | "csat";
  score: number;
  category: "promoter" | "passive" | "detractor" | null; // NPS only
  answeredAt: string;
}
