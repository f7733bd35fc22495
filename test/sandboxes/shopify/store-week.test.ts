import { createServer } from "node:http";
import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { parse as losslessParse, isLosslessNumber, type LosslessNumber } from "lossless-json";
import { deliverAll, generateStoreWeek, type StoreWeek } from "./store-week.ts";

const SHOP = "coffee-corner.myshopify.com";
const TWO53 = 2n ** 53n;
const week: StoreWeek = generateStoreWeek({ shop: SHOP, seed: 42 });

type Json = any;
const parseRaw = (raw: string): Json => losslessParse(raw);
const big = (v: unknown): bigint => BigInt(String(v as LosslessNumber));

/** Walk a lossless-parsed body and yield [key, value] for numeric id fields. */
function* numericIds(v: Json, key = ""): Generator<[string, LosslessNumber]> {
  if (Array.isArray(v)) for (const x of v) yield* numericIds(x, key);
  else if (v && typeof v === "object" && !isLosslessNumber(v)) {
    for (const [k, x] of Object.entries(v)) yield* numericIds(x, k);
  } else if (isLosslessNumber(v) && (key === "id" || key.endsWith("_id"))) {
    yield [key, v as LosslessNumber];
  }
}

describe("generateStoreWeek", () => {
  it("is deterministic for a seed and differs across seeds", () => {
    const again = generateStoreWeek({ shop: SHOP, seed: 42 });
    expect(again.deliveries.map((d) => [d.topic, d.eventId, d.webhookId, d.rawBody])).toEqual(
      week.deliveries.map((d) => [d.topic, d.eventId, d.webhookId, d.rawBody]),
    );
    expect(again.stats).toEqual(week.stats);
    const other = generateStoreWeek({ shop: SHOP, seed: 43 });
    expect(other.events.map((e) => e.rawBody)).not.toEqual(week.events.map((e) => e.rawBody));
  });

  it("meets the minimum counts", () => {
    const s = week.stats;
    expect(s.orders).toBeGreaterThanOrEqual(200);
    expect(week.customers).toHaveLength(50);
    expect(s.guestOrders).toBeGreaterThanOrEqual(15);
    expect(s.partialRefunds).toBeGreaterThanOrEqual(15);
    expect(s.fullRefunds).toBeGreaterThanOrEqual(5);
    expect(s.cancellations).toBeGreaterThanOrEqual(4);
    expect(s.fulfillments).toBeGreaterThan(s.orders * 0.7);
    expect(s.duplicates / week.events.length).toBeGreaterThan(0.06);
    expect(s.duplicates / week.events.length).toBeLessThan(0.15);
    expect(s.outOfOrder).toBeGreaterThan(0);
    const paid = week.events.filter((e) => e.topic === "orders/paid");
    expect(paid).toHaveLength(s.orders);
    expect(week.events.filter((e) => e.topic === "refunds/create")).toHaveLength(s.refunds);
    expect(week.events.filter((e) => e.topic === "orders/cancelled")).toHaveLength(s.cancellations);
    expect(week.deliveries.filter((d) => d.duplicate)).toHaveLength(s.duplicates);
    expect(week.deliveries.filter((d) => !d.duplicate)).toHaveLength(week.events.length);
    expect(week.products.length).toBeGreaterThanOrEqual(10);
    expect(week.products.some((p) => p.productType === "Espresso Machine" && p.tags.includes("warranty-24m"))).toBe(true);
    expect(week.products.some((p) => p.vendor === "Baratza")).toBe(true);
    expect(week.products.some((p) => p.tags.includes("no-warranty"))).toBe(true);
  });

  it("writes every id above 2^53, verbatim, as bare JSON numbers", () => {
    let checked = 0;
    for (const e of week.events) {
      for (const [key, n] of numericIds(parseRaw(e.rawBody))) {
        if (key === "app_id") continue; // the sales channel app's id (Online Store: 580111) is small in Shopify, too
        expect(big(n) > TWO53, `${e.topic} ${key}=${n}`).toBe(true);
        expect(e.rawBody).toContain(`"${key}":${String(n)}`);
        expect(BigInt(Number(String(n))), "plain JSON.parse must corrupt every id").not.toBe(big(n));
        checked++;
      }
      // admin_graphql_api_id carries the same digits
      const b = parseRaw(e.rawBody);
      if (b.admin_graphql_api_id) expect(b.admin_graphql_api_id.endsWith(`/${String(b.id)}`)).toBe(true);
    }
    expect(checked).toBeGreaterThan(5000);
    for (const c of week.customers) expect(c.id > TWO53).toBe(true);
    // JSON.parse really does lose them (that is the point)
    for (const e of week.events.slice(0, 50)) {
      expect(String(JSON.parse(e.rawBody).id)).not.toBe(String(parseRaw(e.rawBody).id));
    }
  });

  it("refunds reference existing orders and line items, never refunding more than was bought", () => {
    const orders = new Map<string, Json>();
    for (const e of week.events)
      if (e.topic === "orders/paid") {
        const b = parseRaw(e.rawBody);
        orders.set(String(b.id), b);
      }
    const refunded = new Map<string, number>();
    let refunds = 0;
    for (const e of week.events) {
      if (e.topic !== "refunds/create") continue;
      refunds++;
      const r = parseRaw(e.rawBody);
      const order = orders.get(String(r.order_id));
      expect(order, `refund ${r.id} for unknown order ${r.order_id}`).toBeDefined();
      let sum = 0;
      for (const rli of r.refund_line_items) {
        const li = order.line_items.find((l: Json) => String(l.id) === String(rli.line_item_id));
        expect(li, `line ${rli.line_item_id}`).toBeDefined();
        const key = String(rli.line_item_id);
        refunded.set(key, (refunded.get(key) ?? 0) + Number(String(rli.quantity)));
        expect(refunded.get(key)!).toBeLessThanOrEqual(Number(String(li.quantity)));
        expect(rli.subtotal).toMatch(/^\d+\.\d{2}$/);
        sum += Math.round(Number(rli.subtotal) * 100) + Math.round(Number(rli.total_tax) * 100);
      }
      for (const a of r.order_adjustments) {
        expect(a.kind).toBe("shipping_refund");
        sum -= Math.round(Number(a.amount) * 100); // negative amount: money back for shipping
      }
      expect(r.transactions).toHaveLength(1);
      expect(r.transactions[0]).toMatchObject({ kind: "refund", status: "success", currency: "USD" });
      expect(Math.round(Number(r.transactions[0].amount) * 100)).toBe(sum);
      expect(String(r.transactions[0].order_id)).toBe(String(r.order_id));
    }
    expect(refunds).toBe(week.stats.refunds);
  });

  it("order bodies are internally consistent Shopify orders", () => {
    for (const e of week.events) {
      if (!e.topic.startsWith("orders/")) continue;
      const o = parseRaw(e.rawBody);
      const c = (s: string) => Math.round(Number(s) * 100);
      expect(o.name).toBe(`#${String(o.order_number)}`);
      const lines = o.line_items.reduce((s: number, l: Json) => s + c(l.price) * Number(String(l.quantity)), 0);
      expect(c(o.total_line_items_price)).toBe(lines);
      const disc = o.line_items.reduce(
        (s: number, l: Json) => s + l.discount_allocations.reduce((t: number, a: Json) => t + c(a.amount), 0),
        0,
      );
      expect(c(o.total_discounts)).toBe(disc);
      expect(c(o.subtotal_price)).toBe(lines - disc);
      expect(c(o.total_price)).toBe(c(o.subtotal_price) + c(o.total_tax) + c(o.total_shipping_price_set.shop_money.amount));
      if (e.topic === "orders/paid") expect(o.financial_status).toBe("paid");
      if (e.topic === "orders/fulfilled") {
        expect(o.fulfillment_status).toBe("fulfilled");
        expect(o.fulfillments.length).toBeGreaterThan(0);
        for (const f of o.fulfillments) expect(f.status).toBe("success");
      }
      if (e.topic === "orders/cancelled") {
        expect(o.cancelled_at).not.toBeNull();
        expect(o.financial_status).toBe("refunded");
        expect(o.refunds.length).toBeGreaterThan(0);
        expect(c(o.current_total_price)).toBe(0);
      }
      if (o.customer === null) expect(o.email).toMatch(/@/);
    }
  });

  it("has guests who later become customers, and customers created before they order", () => {
    const created = new Map<string, string>();
    for (const e of week.events)
      if (e.topic === "customers/create") {
        const b = parseRaw(e.rawBody);
        created.set(b.email, e.triggeredAt);
      }
    const guestThenCustomer = week.events.filter((e) => {
      if (e.topic !== "orders/paid") return false;
      const o = parseRaw(e.rawBody);
      return o.customer === null && created.has(o.email) && created.get(o.email)! > e.triggeredAt;
    });
    expect(guestThenCustomer.length).toBeGreaterThan(0);
    for (const e of week.events) {
      if (e.topic !== "orders/paid") continue;
      const o = parseRaw(e.rawBody);
      if (o.customer && created.has(o.customer.email)) expect(created.get(o.customer.email)! < e.triggeredAt).toBe(true);
    }
  });

  it("deliveries: duplicates repeat the same event and body later; some arrive before what caused them", () => {
    const firstSeen = new Map<string, number>();
    week.deliveries.forEach((d, i) => {
      if (!d.duplicate) firstSeen.set(d.eventId, i);
    });
    const webhookIds = new Set(week.deliveries.map((d) => d.webhookId));
    expect(webhookIds.size).toBe(week.deliveries.length);
    week.deliveries.forEach((d, i) => {
      if (!d.duplicate) return;
      const orig = week.deliveries[firstSeen.get(d.eventId)!]!;
      expect(firstSeen.get(d.eventId)!).toBeLessThan(i);
      expect(d.rawBody).toBe(orig.rawBody);
      expect(d.triggeredAt).toBe(orig.triggeredAt);
    });
    // a refund delivered before its order's orders/paid
    const pos = (pred: (d: (typeof week.deliveries)[number]) => boolean) => week.deliveries.findIndex(pred);
    const refundFirst = week.deliveries.some((d, i) => {
      if (d.topic !== "refunds/create") return false;
      const oid = String(parseRaw(d.rawBody).order_id);
      return pos((x) => !x.duplicate && x.topic === "orders/paid" && String(parseRaw(x.rawBody).id) === oid) > i;
    });
    expect(refundFirst).toBe(true);
    const cancelFirst = week.deliveries.some((d, i) => {
      if (d.topic !== "orders/cancelled") return false;
      const oid = String(parseRaw(d.rawBody).id);
      return week.deliveries.some(
        (x, j) => j > i && !x.duplicate && x.topic === "refunds/create" && String(parseRaw(x.rawBody).order_id) === oid,
      );
    });
    expect(cancelFirst).toBe(true);
  });
});

describe("deliverAll", () => {
  it("posts every delivery signed, with bounded concurrency, and reports failures", async () => {
    const secret = "shpss_week_secret";
    const got: Array<{ topic: string; eventId: string; ok: boolean }> = [];
    let inFlight = 0;
    let maxInFlight = 0;
    const server = createServer((req, res) => {
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        const raw = Buffer.concat(chunks);
        const ok = createHmac("sha256", secret).update(raw).digest("base64") === req.headers["x-shopify-hmac-sha256"];
        got.push({ topic: String(req.headers["x-shopify-topic"]), eventId: String(req.headers["x-shopify-event-id"]), ok });
        setTimeout(() => {
          inFlight--;
          // refuse one topic to check failure reporting
          res.writeHead(req.headers["x-shopify-topic"] === "orders/cancelled" ? 500 : 200).end("x");
        }, 1);
      });
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const url = `http://127.0.0.1:${(server.address() as { port: number }).port}/webhooks`;
    try {
      const sample = week.deliveries.slice(0, 120);
      const result = await deliverAll(url, sample, { secret, shop: SHOP, concurrency: 3 });
      expect(got).toHaveLength(sample.length);
      expect(got.every((g) => g.ok)).toBe(true);
      expect(maxInFlight).toBeLessThanOrEqual(3);
      const cancelled = sample.filter((d) => d.topic === "orders/cancelled").length;
      expect(result.ok).toBe(sample.length - cancelled);
      expect(result.failed).toHaveLength(cancelled);
      expect(result.failed.every((f) => f.status === 500)).toBe(true);
    } finally {
      await new Promise((r) => server.close(r));
    }
  });
});
