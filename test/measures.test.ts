// The dashboard's after-sales measures read from the database as the app writes it: claims with their
// timings, units per product, orders' units and returns by reason, for one shop and one period.
// Rows are written directly: what is measured here is the reading, not how the rows came to be.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startStack, type Stack } from "./stack.ts";

const SHOP = "measures.myshopify.com";
const OTHER = "measures-other.myshopify.com";
const HOUR = 3_600_000;
const FROM = new Date("2026-10-01T00:00:00Z");
const TO = new Date("2026-11-01T00:00:00Z");
const at = (iso: string, plusHours = 0) => new Date(new Date(iso).getTime() + plusHours * HOUR);
let stack: Stack;
let afterSalesMeasures: typeof import("../app/dashboard.server.ts").afterSalesMeasures;

async function seed(shop: string) {
  const q = (text: string, values: unknown[]) => stack.pool.query(text, values);
  const [{ id: customer }] = (
    await q(
      `INSERT INTO "Customer" (id, shop, "shopifyCustomerId", "updatedAt") VALUES (gen_random_uuid()::text, $1, '1', now()) RETURNING id`,
      [shop],
    )
  ).rows;
  const order = (id: string, createdAt: string, lines: Array<{ quantity: number; giftCard?: boolean }>, cancelled = false) =>
    q(
      `INSERT INTO "Order" (shop, "shopifyOrderId", gid, name, currency, facts, "cancelledAt", "updatedAt")
       VALUES ($1, $2, 'gid://shopify/Order/' || $2, '#' || $2, 'EUR', $3, $4, now())`,
      [shop, id, JSON.stringify({ createdAt, lineItems: lines.map((l) => ({ giftCard: false, ...l })) }), cancelled ? createdAt : null],
    );
  await order("1", "2026-10-03T10:00:00Z", [{ quantity: 3 }, { quantity: 1, giftCard: true }]);
  await order("2", "2026-10-20T10:00:00Z", [{ quantity: 2 }]);
  await order("3", "2026-10-21T10:00:00Z", [{ quantity: 5 }], true); // cancelled
  await order("4", "2026-09-30T23:59:00Z", [{ quantity: 4 }]); // before the period

  const unit = async (product: string, quantity: number, status = "active") =>
    (
      await q(
        `INSERT INTO "WarrantyRegistration" (id, shop, key, "shopifyOrderId", "lineItemId", "unitIndex", quantity, "customerId", "productId", title, months, status, "updatedAt")
         VALUES (gen_random_uuid()::text, $1, gen_random_uuid()::text, '1', '1', 0, $2, $3, $4, $5, 12, $6, now()) RETURNING id`,
        [shop, quantity, customer, product === "Molinillo" ? "11" : "22", product, status],
      )
    ).rows[0].id as string;
  const [a1, a2, b1] = [await unit("Molinillo", 2), await unit("Molinillo", 2), await unit("Cafetera", 1)];
  await unit("Molinillo", 3, "voided");
  const claim = (
    warranty: string,
    submittedAt: Date,
    status: string,
    firstResponseH: number | null,
    closedH: number | null,
    reopenCount = 0,
  ) =>
    q(
      `INSERT INTO "WarrantyClaim" (id, shop, "customerId", "warrantyId", "requestId", status, "reopenCount", "submittedAt", "firstResponseAt", "closedAt", "updatedAt")
       VALUES (gen_random_uuid()::text, $1, $2, $3, gen_random_uuid()::text, $4, $5, $6, $7, $8, now())`,
      [
        shop,
        customer,
        warranty,
        status,
        reopenCount,
        submittedAt,
        firstResponseH === null ? null : at(submittedAt.toISOString(), firstResponseH),
        closedH === null ? null : at(submittedAt.toISOString(), closedH),
      ],
    );
  await claim(a1, at("2026-10-05T09:00:00Z"), "resolved", 1, 48);
  await claim(a2, at("2026-10-06T09:00:00Z"), "resolved", 3, 96, 1);
  await claim(b1, at("2026-08-01T09:00:00Z"), "in_review", 5, null); // before the period: rates only

  const ret = async (createdAt: string, status: string, lines: Array<[string, number]>) => {
    const [{ id }] = (
      await q(
        `INSERT INTO "ReturnRequest" (id, shop, "customerId", "shopifyOrderId", "requestId", status, origin, "createdAt", "updatedAt")
         VALUES (gen_random_uuid()::text, $1, $2, '1', gen_random_uuid()::text, $3, 'shopper', $4, now()) RETURNING id`,
        [shop, customer, status, createdAt],
      )
    ).rows;
    for (const [reason, quantity] of lines)
      await q(`INSERT INTO "ReturnRequestLine" ("returnId", "lineItemId", quantity, reason) VALUES ($1, '1', $2, $3)`, [
        id,
        quantity,
        reason,
      ]);
  };
  await ret("2026-10-04T10:00:00Z", "open", [["size_too_small", 2]]);
  await ret("2026-10-22T10:00:00Z", "requested", [
    ["defective", 1],
    ["size_too_small", 1],
  ]);
  await ret("2026-10-23T10:00:00Z", "declined", [["unwanted", 1]]);
  await ret("2026-10-24T10:00:00Z", "failed", [["unwanted", 4]]);
  await ret("2026-11-02T10:00:00Z", "open", [["wrong_item", 1]]); // after the period
}

beforeAll(async () => {
  stack = await startStack({ database: "postventa_test_measures" });
  await seed(SHOP);
  await seed(OTHER);
  await stack.pool.query(`DELETE FROM "ReturnRequest" WHERE shop = $1 AND status = 'open'`, [OTHER]); // the shops differ
  ({ afterSalesMeasures } = await import("../app/dashboard.server.ts"));
});
afterAll(async () => stack?.stop());

describe("afterSalesMeasures", () => {
  it("measures the period's claims, every product's claim rate, and the period's returns against its ordered units", async () => {
    expect(await afterSalesMeasures(SHOP, { from: FROM, to: TO })).toEqual({
      from: FROM.toISOString(),
      to: TO.toISOString(),
      claims: {
        claims: 2,
        medianFirstResponseMs: 2 * HOUR,
        medianResolutionMs: 72 * HOUR,
        resolved: 2,
        firstContactResolutionRate: 0.5,
      },
      claimRates: [
        { product: "Cafetera", units: 1, claims: 1, rate: 1 },
        { product: "Molinillo", units: 4, claims: 2, rate: 0.5 },
      ],
      returns: {
        requests: 2,
        units: 4,
        unitsOrdered: 5,
        rate: 0.8,
        topReasons: [
          { reason: "size_too_small", units: 3, share: 0.75 },
          { reason: "defective", units: 1, share: 0.25 },
        ],
      },
    });
  });

  it("reads only the shop's own rows", async () => {
    const other = await afterSalesMeasures(OTHER, { from: FROM, to: TO });
    expect(other.returns).toMatchObject({
      requests: 1,
      units: 2,
      topReasons: [
        { reason: "defective", units: 1, share: 0.5 },
        { reason: "size_too_small", units: 1, share: 0.5 },
      ],
    });
  });

  it("says nothing rather than zero for a period without orders", async () => {
    const empty = await afterSalesMeasures(SHOP, { from: new Date("2020-01-01T00:00:00Z"), to: new Date("2020-02-01T00:00:00Z") });
    expect(empty.returns).toEqual({ requests: 0, units: 0, unitsOrdered: 0, rate: null, topReasons: [] });
    expect(empty.claims).toEqual({
      claims: 0,
      medianFirstResponseMs: null,
      medianResolutionMs: null,
      resolved: 0,
      firstContactResolutionRate: null,
    });
  });
});
