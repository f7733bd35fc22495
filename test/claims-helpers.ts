// Claims made as shoppers make them, for the admin's tests (HTTP and browser): a paid order delivered
// as signed webhooks and fulfilled, then POST /api/claims with Shopify-signed customer tokens.
import { expect } from "vitest";
import { deliver, paidOrder } from "./hubspot-helpers.ts";
import { shopperCall, shopperToken } from "./shopper-helpers.ts";
import type { Stack } from "./stack.ts";

export interface Shopper {
  id: bigint;
  email: string;
  firstName: string;
  lastName: string;
}

// A paid and shipped order, one unit per title.
export async function shippedOrder(stack: Stack, shop: string, id: bigint, customer: Shopper, titles: string[]) {
  const order = paidOrder(
    id,
    customer,
    "200.00",
    titles.map(() => null),
  );
  order.line_items.forEach((l, i) => (l.title = titles[i]));
  await deliver(stack.url, shop, "orders/paid", order);
  const at = new Date(Date.now() - 3 * 86_400_000).toISOString();
  await deliver(stack.url, shop, "orders/fulfilled", {
    ...order,
    fulfillment_status: "fulfilled",
    fulfillments: [
      { id: id * 7n, status: "success", created_at: at, line_items: order.line_items.map((l) => ({ id: l.id, quantity: 1 })) },
    ],
  });
}

// A shopper claims each of their units, as the customer-account extension does; claim ids by product title.
export async function claimAll(
  stack: Stack,
  shop: string,
  customer: bigint,
  descriptions: Record<string, string>,
): Promise<Record<string, string>> {
  const token = shopperToken(shop, customer);
  const account = (await shopperCall(stack.url, "/api/account", token)).body;
  const ids: Record<string, string> = {};
  for (const [product, description] of Object.entries(descriptions)) {
    const unit = account.warranties.find((w: { product: string }) => w.product === product);
    expect(unit, `${product} among ${JSON.stringify(account.warranties)}`).toBeTruthy();
    const res = await shopperCall(stack.url, "/api/claims", token, {
      body: { warrantyId: unit.id, requestId: crypto.randomUUID(), description },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    ids[product] = res.body.id;
  }
  return ids;
}
