// Dev/test only: what the returns tests share — an order both the app (as Shopify's signed
// orders/paid) and the Admin sandbox hold, the shopper's return calls as the extension makes them,
// and Shopify's recorded returns/* webhooks delivered again (a retry, a slow queue).
import { expect } from "vitest";
import type { Stack } from "./stack.ts";
import { DEV_SECRET } from "./dev-env.ts";
import { deliver } from "./hubspot-helpers.ts";
import { shopperCall, shopperToken } from "./shopper-helpers.ts";
import { webhookHeaders } from "./sandboxes/shopify/signing.ts";
import type { SandboxWebhook } from "./sandboxes/shopify/admin-graphql.ts";

const DAY = 86_400_000;

export interface OrderLine {
  title: string;
  qty: number;
  product?: string;
}

export type ReturnsKit = ReturnType<typeof returnsKit>;

/** Order ids count up from `firstOrderId` (one kit per test file and shop). */
export function returnsKit(stack: Stack, shop: string, firstOrderId: bigint) {
  let nextOrder = firstOrderId;
  let redelivery = 0;

  /**
   * An order delivered to the app as Shopify's signed orders/paid (paid, and shipped
   * `shippedDaysAgo` days ago as `shipped` says), and the same order in the Admin sandbox, shipped as
   * `sandboxShipped` says (by default the same: a test makes Shopify know less than we do).
   */
  async function order(
    customer: bigint,
    lines: OrderLine[],
    opts: {
      shipped?: Array<[number, number]>;
      sandboxShipped?: Array<[number, number]>;
      shippedDaysAgo?: number;
      name?: { first: string; last: string };
    } = {},
  ) {
    const id = nextOrder++;
    const withIds = lines.map((l, i) => ({ ...l, id: id * 10n + BigInt(i + 1) }));
    const shipped = (opts.shipped ?? withIds.map((l, i) => [i, l.qty] as [number, number])).map(([i, qty]) => ({ line: withIds[i]!, qty }));
    const sandboxShipped = opts.sandboxShipped ? opts.sandboxShipped.map(([i, qty]) => ({ line: withIds[i]!, qty })) : shipped;
    const at = new Date(Date.now() - (opts.shippedDaysAgo ?? 5) * DAY);
    const name = `#${Number(id % 100000n)}`;
    const email = `c${customer}@example.com`;
    const stored = stack.admin.addOrder(shop, {
      id: String(id),
      name,
      customerId: String(customer),
      lineItems: withIds.map((l) => ({ id: String(l.id), productId: l.product ?? null, quantity: l.qty, title: l.title })),
      fulfillments: sandboxShipped.length
        ? [{ id: String(id * 7n), lineItems: sandboxShipped.map((s) => ({ lineItemId: String(s.line.id), quantity: s.qty })) }]
        : [],
    });
    await deliver(stack.url, shop, "orders/paid", {
      id,
      admin_graphql_api_id: `gid://shopify/Order/${id}`,
      name,
      email,
      created_at: new Date(at.getTime() - DAY).toISOString(),
      processed_at: new Date(at.getTime() - DAY).toISOString(),
      currency: "USD",
      financial_status: "paid",
      cancelled_at: null,
      taxes_included: false,
      total_tax: "0.00",
      total_shipping_price_set: { shop_money: { amount: "0.00", currency_code: "USD" } },
      customer: { id: customer, email, first_name: opts.name?.first ?? "Ana", last_name: opts.name?.last ?? "García", phone: null },
      line_items: withIds.map((l) => ({
        id: l.id,
        product_id: l.product ? BigInt(l.product) : null,
        variant_id: null,
        title: l.title,
        vendor: "Baratza",
        quantity: l.qty,
        price: "50.00",
        total_discount: "0.00",
        discount_allocations: [],
        gift_card: false,
        tax_lines: [],
      })),
      fulfillment_status: shipped.length ? "fulfilled" : null,
      fulfillments: shipped.length
        ? [
            {
              id: id * 7n,
              status: "success",
              created_at: at.toISOString(),
              line_items: shipped.map((s) => ({ id: s.line.id, quantity: s.qty })),
            },
          ]
        : [],
    });
    await stack.waitForDrain();
    // `fli`: the fulfillment line item Shopify holds for the first line (what the merchant returns).
    return {
      id: String(id),
      name,
      lines: withIds.map((l) => String(l.id)),
      shippedAt: at,
      fli: stored.fulfillments[0]?.lineItems[0]?.id ?? "",
    };
  }

  return {
    order,
    options: (customer: bigint, orderId: string, locale = "en") =>
      shopperCall(stack.url, `/api/orders/${orderId}/returns`, shopperToken(shop, customer), { locale }),
    requestReturn: (customer: bigint, body: Record<string, unknown>, locale = "en") =>
      shopperCall(stack.url, "/api/returns", shopperToken(shop, customer), {
        body: { requestId: crypto.randomUUID(), outcome: "refund", ...body },
        locale,
      }),
    myReturns: async (customer: bigint, locale = "en") =>
      (await shopperCall(stack.url, "/api/returns", shopperToken(shop, customer), { locale })).body.returns,
    /** Shopify's numeric id of one of our returns. */
    async shopifyIdOf(returnId: string): Promise<string> {
      const { rows } = await stack.pool.query(`SELECT "shopifyReturnId" FROM "ReturnRequest" WHERE id = $1`, [returnId]);
      return rows[0].shopifyReturnId;
    },
    /** Recorded webhooks POSTed again, signed, with a new event id (intake would drop the same one) and Shopify's original time. */
    async redeliver(hooks: SandboxWebhook[]) {
      for (const h of hooks) {
        const headers = webhookHeaders({
          secret: DEV_SECRET,
          topic: h.topic,
          shop: h.shop,
          rawBody: h.body,
          eventId: `redelivery-${++redelivery}`,
          triggeredAt: h.triggeredAt,
        });
        const res = await fetch(`${stack.url}/webhooks`, { method: "POST", headers, body: h.body });
        expect(res.status).toBe(200);
      }
    },
  };
}

export const eventTexts = (r: { events: Array<{ text: string }> }) => r.events.map((e) => e.text);
