// Owner notices: the merchant publishes one for everyone who owns a product, or withdraws it. The
// owners' HubSpot contacts are marked changed in the same transaction (one statement for all of
// them), and the sync writes the "owner notice" properties (app/lifecycle/profile.server.ts).
import { pool, transaction, type Tx } from "../db.server";
import { parseOwnerNotice, type NoticeField, type NoticeKind } from "../domain/owner-notices";
import { markContactsChanged } from "../hubspot/outbox.server";
import { requestSync } from "../hubspot/connection.server";

export class NoticeInputError extends Error {
  constructor(
    message: string,
    readonly field: NoticeField | "id" | "intent",
  ) {
    super(message);
  }
}

export interface OwnerNoticeRow {
  id: string;
  productId: string;
  product: string;
  kind: NoticeKind;
  title: string;
  body: string;
  publishedAt: Date | null;
  owners: number;
}

// Owners: customers with a unit of the product that was not voided (refunded or cancelled).
const OWNERS = `SELECT DISTINCT w."customerId" FROM "WarrantyRegistration" w
  WHERE w.shop = $1 AND w."productId" = $2 AND w."customerId" IS NOT NULL AND w.status <> 'voided'`;

async function markOwners(tx: Tx, shop: string, productId: string): Promise<number> {
  const owners = await tx.query<{ customerId: string }>(OWNERS, [shop, productId]);
  await markContactsChanged(
    tx,
    shop,
    owners.map((o) => o.customerId),
  );
  return owners.length;
}

/** Publishes a new notice (input as the merchant's form sends it); throws NoticeInputError on bad input. */
export async function publishOwnerNotice(shop: string, input: unknown): Promise<{ id: string; owners: number }> {
  const parsed = parseOwnerNotice(input);
  if (!parsed.ok) throw new NoticeInputError(parsed.error, parsed.field);
  const n = parsed.notice;
  const result = await transaction(async (tx) => {
    const [row] = await tx.rows<{ id: string }>`
      INSERT INTO "OwnerNotice" (id, shop, "productId", kind, title, body, "publishedAt")
      VALUES (gen_random_uuid(), ${shop}, ${n.productId}, ${n.kind}, ${n.title}, ${n.body}, now()) RETURNING id`;
    return { id: row.id, owners: await markOwners(tx, shop, n.productId) };
  });
  await requestSync(shop);
  return result;
}

/** Withdraws a notice, or publishes it again (dated now). Throws NoticeInputError for a notice not of this shop. */
export async function setOwnerNoticePublished(shop: string, id: string, published: boolean): Promise<{ owners: number }> {
  const result = await transaction(async (tx) => {
    const [row] = await tx.rows<{ productId: string }>`
      UPDATE "OwnerNotice" SET "publishedAt" = CASE WHEN ${published} THEN now() ELSE NULL END, "updatedAt" = now()
      WHERE shop = ${shop} AND id::text = ${id} RETURNING "productId"`;
    if (!row) throw new NoticeInputError("There is no such notice in this shop.", "id");
    return { owners: await markOwners(tx, shop, row.productId) };
  });
  await requestSync(shop);
  return result;
}

export async function ownerNotices(shop: string): Promise<OwnerNoticeRow[]> {
  const { rows } = await pool.query<OwnerNoticeRow>(
    `SELECT n.id, n."productId", COALESCE((SELECT p.title FROM "Product" p WHERE p.shop = n.shop AND p."shopifyProductId" = n."productId"), n."productId") AS product,
       n.kind, n.title, n.body, n."publishedAt",
       (SELECT count(*) FROM (${OWNERS.replace("$2", 'n."productId"')}) o)::int AS owners
     FROM "OwnerNotice" n WHERE n.shop = $1 ORDER BY n."createdAt" DESC LIMIT 200`,
    [shop],
  );
  return rows;
}

/** The products a notice can be for: those with registered units, and how many customers own each. */
export async function noticeProducts(shop: string): Promise<Array<{ productId: string; title: string; owners: number }>> {
  const { rows } = await pool.query<{ productId: string; title: string; owners: number }>(
    `SELECT w."productId", COALESCE(max(p.title), max(w.title)) AS title, count(DISTINCT w."customerId")::int AS owners
       FROM "WarrantyRegistration" w LEFT JOIN "Product" p ON p.shop = w.shop AND p."shopifyProductId" = w."productId"
      WHERE w.shop = $1 AND w."productId" IS NOT NULL AND w."customerId" IS NOT NULL AND w.status <> 'voided'
      GROUP BY w."productId" ORDER BY 2 LIMIT 500`,
    [shop],
  );
  return rows;
}

/** The admin page: the shop's notices and the products a new one can be for. */
export async function noticesPage(shop: string) {
  const [notices, products] = await Promise.all([ownerNotices(shop), noticeProducts(shop)]);
  return { notices, products };
}

/**
 * The admin page's form: `intent` publish (productId, kind, title, body), withdraw or republish (id).
 * Throws NoticeInputError, naming the field to fix, on bad input.
 */
export async function noticeAction(
  shop: string,
  form: Record<string, string>,
): Promise<{ done: "published" | "withdrawn" | "republished"; owners: number }> {
  switch (form.intent) {
    case "publish":
      return { done: "published", owners: (await publishOwnerNotice(shop, form)).owners };
    case "withdraw":
    case "republish":
      return {
        done: form.intent === "withdraw" ? "withdrawn" : "republished",
        owners: (await setOwnerNoticePublished(shop, form.id ?? "", form.intent === "republish")).owners,
      };
    default:
      throw new NoticeInputError(`unknown intent ${JSON.stringify(form.intent ?? null)}: publish, withdraw or republish`, "intent");
  }
}
