// What Shopify's returnDeclineRequest takes (2026-07): one of three reasons, and a note to the
// customer of at most 500 characters. No server imports: the admin's Returns page offers them too.
export const DECLINE_REASONS = ["RETURN_PERIOD_ENDED", "FINAL_SALE", "OTHER"] as const;
export type DeclineReason = (typeof DECLINE_REASONS)[number];
/** Shopify's maximum for a decline note. */
export const DECLINE_NOTE_MAX = 500;
