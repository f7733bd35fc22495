// Owner notices: what the merchant tells everyone who owns a product (a recall, a firmware update, a
// new accessory). Shown on the owners' units and set on their HubSpot contacts. Pure.

export const NOTICE_KINDS = ["recall", "update", "accessory"] as const;
export type NoticeKind = (typeof NOTICE_KINDS)[number];

export interface OwnerNoticeInput {
  productId: string; // numeric Shopify product id
  kind: NoticeKind;
  title: string;
  body: string;
}

export const NOTICE_TITLE_MAX = 120;
export const NOTICE_BODY_MAX = 2000;

export type NoticeField = "productId" | "kind" | "title" | "body";
// `field` lets the admin say it in the merchant's language; `error` is the English sentence for API callers and logs.
export type NoticeParse = { ok: true; notice: OwnerNoticeInput } | { ok: false; field: NoticeField; error: string };

/** A notice as the merchant's form sends it; accepts a product gid or its numeric id. */
export function parseOwnerNotice(input: unknown): NoticeParse {
  if (!input || typeof input !== "object")
    return { ok: false, field: "productId", error: "send the notice's product, kind, title and text" };
  const { productId, kind, title, body } = input as Record<string, unknown>;
  const id = typeof productId === "string" ? productId.trim().replace(/^gid:\/\/shopify\/Product\//, "") : "";
  if (!/^\d{1,20}$/.test(id))
    return { ok: false, field: "productId", error: "productId must be a Shopify product id (a number or gid://shopify/Product/…)" };
  if (!NOTICE_KINDS.includes(kind as NoticeKind))
    return { ok: false, field: "kind", error: `kind must be one of ${NOTICE_KINDS.join(", ")}` };
  if (typeof title !== "string" || !title.trim() || title.trim().length > NOTICE_TITLE_MAX)
    return { ok: false, field: "title", error: `title must be text of 1 to ${NOTICE_TITLE_MAX} characters` };
  if (typeof body !== "string" || !body.trim() || body.trim().length > NOTICE_BODY_MAX)
    return { ok: false, field: "body", error: `body must be text of 1 to ${NOTICE_BODY_MAX} characters` };
  return { ok: true, notice: { productId: id, kind: kind as NoticeKind, title: title.trim(), body: body.trim() } };
}

export interface PublishedNotice {
  kind: NoticeKind;
  title: string;
  publishedAt: Date | string;
}

/**
 * What HubSpot holds for an owner: the newest published notice on any product they own (its kind,
 * to segment on, its title and date, to send on). "" clears them once no notice is published.
 */
export function ownerNoticeProperties(notices: PublishedNotice[]): Record<string, string> {
  const newest = [...notices].sort((a, b) => new Date(b.publishedAt).getTime() - new Date(a.publishedAt).getTime())[0];
  return {
    postventa_owner_notice: newest?.kind ?? "",
    postventa_owner_notice_title: newest?.title ?? "",
    postventa_owner_notice_date: newest ? new Date(newest.publishedAt).toISOString().slice(0, 10) : "",
  };
}
