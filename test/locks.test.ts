// Transactions that touch the same customer from different sides take their locks in one order
// (db.server.ts says which), so none waits on another in a circle. Here a guest's sign-up (which
// claims the guest's points) races refunds of the guest's order and of the customer's own order:
// every transaction commits the first time, and the balance is what the rules say.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startStack, type Stack } from "./stack.ts";

const SHOP = "locks-test.myshopify.com";
let stack: Stack;
let orders: typeof import("../app/orders/orders.server.ts");
let customers: typeof import("../app/customers/customers.server.ts");
let payloads: typeof import("../integrations/shopify/payloads.ts");

beforeAll(async () => {
  stack = await startStack({ database: "postventa_test_locks", build: false, worker: false });
  await stack.installShop(SHOP);
  orders = await import("../app/orders/orders.server.ts");
  customers = await import("../app/customers/customers.server.ts");
  payloads = await import("../integrations/shopify/payloads.ts");
});
afterAll(async () => stack?.stop());

const order = (id: number, email: string, customer: number | null) =>
  JSON.stringify({
    id,
    admin_graphql_api_id: `gid://shopify/Order/${id}`,
    name: `#${id}`,
    email,
    created_at: new Date().toISOString(),
    processed_at: null,
    currency: "USD",
    financial_status: "paid",
    cancelled_at: null,
    taxes_included: false,
    total_tax: "0.00",
    customer: customer ? { id: customer, email, first_name: "Ana", last_name: "García" } : null,
    line_items: [
      {
        id: id * 10 + 1,
        product_id: null,
        variant_id: null,
        title: "Molinillo",
        vendor: "Lucca",
        quantity: 2,
        price: "50.00",
        total_discount: "0.00",
        discount_allocations: [],
        gift_card: false,
        tax_lines: [],
      },
    ],
    fulfillments: [],
  });
const refund = (id: number, orderId: number) =>
  JSON.stringify({
    id,
    order_id: orderId,
    created_at: new Date().toISOString(),
    refund_line_items: [{ id: id + 1, line_item_id: orderId * 10 + 1, quantity: 1, subtotal: "50.00", total_tax: "0.00" }],
    transactions: [],
    order_adjustments: [],
  });

async function balanceOf(customerId: number) {
  const { rows } = await stack.pool.query(
    `SELECT a.balance FROM "Customer" c JOIN "PointsAccount" a ON a."customerId" = c.id WHERE c.shop = $1 AND c."shopifyCustomerId" = $2`,
    [SHOP, String(customerId)],
  );
  return Number(rows[0]?.balance ?? 0);
}

describe("lock order", () => {
  it("a guest claim racing refunds of the guest's and the customer's orders never deadlocks", async () => {
    const errors: string[] = [];
    const ROUNDS = 24;
    const round = async (i: number) => {
      const email = `guest${i}@example.com`;
      const guestOrder = 1000 + i * 2,
        ownOrder = 1001 + i * 2,
        customer = 5000 + i;
      await orders.recordOrderEvent(SHOP, payloads.parseOrder(order(guestOrder, email, null)), { paid: true });
      await orders.recordOrderEvent(SHOP, payloads.parseOrder(order(ownOrder, email, customer)), { paid: true });
      const attempt = (work: Promise<void>) =>
        work.catch((e: Error) => {
          errors.push(e.message);
        });
      // Three transactions about one person at once, as three webhooks processed side by side.
      await Promise.all([
        attempt(orders.recordRefund(SHOP, refund(90_000 + i * 10, guestOrder))),
        attempt(orders.recordRefund(SHOP, refund(90_005 + i * 10, ownOrder))),
        attempt(
          customers.recordCustomer(
            SHOP,
            payloads.parseCustomer(JSON.stringify({ id: customer, email, first_name: "Ana", state: "enabled" })),
          ),
        ),
      ]);
    };
    for (let i = 0; i < ROUNDS; i += 6) await Promise.all([0, 1, 2, 3, 4, 5].map((k) => round(i + k)));
    expect(errors).toEqual([]);
    // Each order earned 100 points and lost half to its refund; the claim moved the guest's 50.
    for (let i = 0; i < ROUNDS; i++) expect(await balanceOf(5000 + i)).toBe(100);
  });
});
