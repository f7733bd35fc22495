/**
 * A realistic week of a coffee-equipment store, as Shopify would deliver it by webhook:
 * REST-shaped payloads (webhook API version ADMIN_API_VERSION) with 64-bit ids written as bare JSON numbers, refunds
 * (partial, full, in parts), cancellations (with their refunds), fulfillments (some in two
 * parts), guest checkouts, and deliveries that are duplicated and out of order, as Shopify's
 * at-least-once, unordered delivery makes them. Deterministic for a seed.
 */
import { mulberry32 } from "../../random.ts";
import type { SandboxProduct } from "./admin-graphql.ts";
import { stringifyShopifyJson, webhookHeaders } from "./signing.ts";

export type WeekTopic =
  "customers/create" | "customers/update" | "orders/paid" | "orders/fulfilled" | "refunds/create" | "orders/cancelled";

export interface WeekEvent {
  topic: WeekTopic;
  /** Object with bigint ids. */
  body: unknown;
  /** stringifyShopifyJson(body): ids as bare numbers, digits intact. */
  rawBody: string;
  eventId: string;
  triggeredAt: string;
}

export interface Delivery extends WeekEvent {
  webhookId: string;
  /** A redelivery of an event already delivered earlier (same eventId and body). */
  duplicate: boolean;
  /** Delivered after at least one event that happened later. */
  outOfOrder: boolean;
}

export interface WeekCustomer {
  id: bigint;
  email: string;
  firstName: string;
  lastName: string;
}

export interface StoreWeekStats {
  orders: number;
  guestOrders: number;
  /** refunds/create events (including those that come with cancellations). */
  refunds: number;
  /** Orders fully refunded without being cancelled. */
  fullRefunds: number;
  /** Orders left partially refunded. */
  partialRefunds: number;
  cancellations: number;
  /** orders/fulfilled events. */
  fulfillments: number;
  duplicates: number;
  outOfOrder: number;
}

export interface StoreWeek {
  shop: string;
  currency: "USD";
  products: SandboxProduct[];
  customers: WeekCustomer[];
  events: WeekEvent[];
  deliveries: Delivery[];
  stats: StoreWeekStats;
}

export interface StoreWeekOptions {
  shop: string;
  seed?: number;
  /** Default 220. */
  orders?: number;
  /** Default 50. */
  customers?: number;
  /** ISO; default "2026-11-02T09:00:00Z". */
  start?: string;
}

// ---------------------------------------------------------------------------------------------
// PRNG and helpers
// ---------------------------------------------------------------------------------------------

class Rng {
  private r: () => number;
  constructor(seed: number) {
    this.r = mulberry32(seed);
  }
  next(): number {
    return this.r();
  }
  int(min: number, max: number): number {
    return min + Math.floor(this.r() * (max - min + 1));
  }
  chance(p: number): boolean {
    return this.r() < p;
  }
  pick<T>(a: readonly T[]): T {
    return a[Math.floor(this.r() * a.length)]!;
  }
  shuffle<T>(a: T[]): T[] {
    for (let i = a.length - 1; i > 0; i--) {
      const j = Math.floor(this.r() * (i + 1));
      [a[i], a[j]] = [a[j]!, a[i]!];
    }
    return a;
  }
  hex(n: number): string {
    let s = "";
    for (let i = 0; i < n; i++) s += Math.floor(this.r() * 16).toString(16);
    return s;
  }
  uuid(): string {
    const h = this.hex(32);
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${((parseInt(h[16]!, 16) & 3) | 8).toString(16)}${h.slice(17, 20)}-${h.slice(20, 32)}`;
  }
  alnum(n: number): string {
    const abc = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    let s = "";
    for (let i = 0; i < n; i++) s += abc[Math.floor(this.r() * abc.length)];
    return s;
  }
}

/**
 * 2^53 + 1. Every generated id is ID_BASE + an even offset, so it is odd and above 2^53: no
 * JavaScript number can hold it, and plain JSON.parse corrupts every single one (not just half).
 */
export const ID_BASE = 9007199254740993n;
const KIND_OFFSET: Record<string, bigint> = {
  product: 0n,
  variant: 1_000_000n,
  customer: 2_000_000n,
  order: 3_000_000n,
  line: 4_000_000n,
  refund: 5_000_000n,
  refundLine: 6_000_000n,
  transaction: 7_000_000n,
  fulfillment: 8_000_000n,
  adjustment: 9_000_000n,
  address: 10_000_000n,
  shipping: 11_000_000n,
  checkout: 12_000_000n,
};

function money(cents: number): string {
  const neg = cents < 0;
  const c = Math.abs(Math.round(cents));
  return `${neg ? "-" : ""}${Math.trunc(c / 100)}.${String(c % 100).padStart(2, "0")}`;
}

function cents(decimal: string): number {
  const [i, f = ""] = decimal.split(".");
  return Number(i) * 100 + Number((f + "00").slice(0, 2));
}

function moneySet(c: number) {
  return {
    shop_money: { amount: money(c), currency_code: "USD" },
    presentment_money: { amount: money(c), currency_code: "USD" },
  };
}

const SHOP_OFFSET_MIN = -5 * 60; // America/New_York in November (EST)

/** Shopify writes body timestamps in the shop's time zone: 2026-11-02T04:00:00-05:00 */
function shopTime(ms: number): string {
  const d = new Date(ms + SHOP_OFFSET_MIN * 60_000);
  return d.toISOString().replace(/\.\d{3}Z$/, "") + "-05:00";
}

function gid(type: string, id: bigint): string {
  return `gid://shopify/${type}/${id}`;
}

// ---------------------------------------------------------------------------------------------
// Catalogue
// ---------------------------------------------------------------------------------------------

interface CatVariant {
  id: bigint;
  title: string;
  sku: string;
  price: number; // cents
  grams: number;
}
interface CatProduct {
  id: bigint;
  title: string;
  productType: string;
  vendor: string;
  tags: string[];
  giftCard: boolean;
  variants: CatVariant[];
  weight: number; // pick weight
}

function catalogue(): CatProduct[] {
  let p = 0n;
  let v = 0n;
  const P = (
    title: string,
    productType: string,
    vendor: string,
    tags: string[],
    variants: Array<[string, string, number, number]>,
    weight: number,
    giftCard = false,
  ): CatProduct => ({
    id: ID_BASE + KIND_OFFSET.product! + 2n * p++,
    title,
    productType,
    vendor,
    tags,
    giftCard,
    weight,
    variants: variants.map(([t, sku, price, grams]) => ({
      id: ID_BASE + KIND_OFFSET.variant! + 2n * v++,
      title: t,
      sku,
      price,
      grams,
    })),
  });
  return [
    P(
      "Breville Barista Express",
      "Espresso Machine",
      "Breville",
      ["espresso", "warranty-24m"],
      [
        ["Brushed Stainless Steel", "BES870XL", 69995, 10400],
        ["Black Truffle", "BES870BTR", 69995, 10400],
      ],
      6,
    ),
    P(
      "Gaggia Classic Pro",
      "Espresso Machine",
      "Gaggia",
      ["espresso", "warranty-24m"],
      [
        ["Cherry Red", "RI9380/49", 44900, 9000],
        ["Industrial Grey", "RI9380/51", 44900, 9000],
      ],
      5,
    ),
    P(
      "Rancilio Silvia Pro X",
      "Espresso Machine",
      "Rancilio",
      ["espresso", "dual-boiler", "warranty-24m"],
      [["Default Title", "SILVIA-PRO-X", 199000, 22000]],
      2,
    ),
    P(
      "Baratza Encore ESP",
      "Grinder",
      "Baratza",
      ["grinder", "warranty-12m"],
      [
        ["Black", "ENCORE-ESP-BLK", 19995, 3200],
        ["White", "ENCORE-ESP-WHT", 19995, 3200],
      ],
      6,
    ),
    P("Baratza Sette 270", "Grinder", "Baratza", ["grinder", "warranty-12m"], [["Default Title", "SETTE-270", 39995, 3400]], 3),
    P(
      "Fellow Stagg EKG Electric Kettle",
      "Kettle",
      "Fellow",
      ["kettle", "warranty-12m"],
      [
        ["Matte Black", "STAGG-EKG-MB", 19500, 1300],
        ["Polished Steel", "STAGG-EKG-PS", 21500, 1300],
      ],
      5,
    ),
    P("Hario V60 Paper Filters 02 (100)", "Filters", "Hario", ["filters", "no-warranty"], [["Default Title", "VCF-02-100W", 750, 150]], 10),
    P(
      "Chemex Bonded Filters (100)",
      "Filters",
      "Chemex",
      ["filters", "no-warranty"],
      [
        ["Square", "FS-100", 1295, 400],
        ["Circle", "FC-100", 1295, 400],
      ],
      7,
    ),
    P(
      "Descaling Solution 2-pack",
      "Maintenance",
      "Postventa Supply",
      ["maintenance", "no-warranty"],
      [["Default Title", "DESCALE-2", 1499, 600]],
      8,
    ),
    P("Espresso Tamper 58mm", "Accessory", "Normcore", ["accessory", "no-warranty"], [["Default Title", "TAMP-58", 3900, 450]], 5),
    P("Milk Frothing Pitcher 600ml", "Accessory", "Rhino", ["accessory", "no-warranty"], [["Default Title", "PITCHER-600", 2400, 300]], 5),
    P(
      "Postventa Gift Card",
      "Gift Card",
      "Postventa Coffee Co",
      ["gift-card"],
      [
        ["$25", "", 2500, 0],
        ["$50", "", 5000, 0],
        ["$100", "", 10000, 0],
      ],
      0,
      true,
    ),
  ];
}

function toSandboxProducts(cat: CatProduct[]): SandboxProduct[] {
  return cat.map((p) => ({
    id: p.id.toString(),
    title: p.title,
    productType: p.productType,
    vendor: p.vendor,
    tags: [...p.tags],
    variants: p.variants.map((v) => ({ id: v.id.toString(), title: v.title, sku: v.sku, price: money(v.price) })),
  }));
}

// ---------------------------------------------------------------------------------------------
// People and places
// ---------------------------------------------------------------------------------------------

const FIRST = [
  "Ava",
  "Liam",
  "Mia",
  "Noah",
  "Emma",
  "Lucas",
  "Sofia",
  "Ethan",
  "Chloe",
  "Mateo",
  "Grace",
  "Owen",
  "Zoe",
  "Leo",
  "Nora",
  "Elijah",
  "Ruby",
  "Caleb",
  "Iris",
  "Julian",
  "Hazel",
  "Miles",
  "Layla",
  "Theo",
  "Stella",
];
const LAST = [
  "Garcia",
  "Nguyen",
  "Patel",
  "Kim",
  "Johnson",
  "Okafor",
  "Rossi",
  "Müller",
  "Silva",
  "Cohen",
  "Brown",
  "Tanaka",
  "Lopez",
  "Murphy",
  "Khan",
  "Schmidt",
  "Novak",
  "Dubois",
  "Wright",
  "Ali",
];
const PLACES: Array<{ city: string; province: string; code: string; zip: string; rate: number; tax: string }> = [
  { city: "Brooklyn", province: "New York", code: "NY", zip: "11201", rate: 0.08875, tax: "NY State Tax" },
  { city: "Portland", province: "Oregon", code: "OR", zip: "97205", rate: 0, tax: "OR State Tax" },
  { city: "Austin", province: "Texas", code: "TX", zip: "78701", rate: 0.0625, tax: "TX State Tax" },
  { city: "Seattle", province: "Washington", code: "WA", zip: "98101", rate: 0.065, tax: "WA State Tax" },
  { city: "Chicago", province: "Illinois", code: "IL", zip: "60601", rate: 0.0625, tax: "IL State Tax" },
  { city: "Denver", province: "Colorado", code: "CO", zip: "80202", rate: 0.029, tax: "CO State Tax" },
  { city: "Oakland", province: "California", code: "CA", zip: "94612", rate: 0.0725, tax: "CA State Tax" },
  { city: "Boston", province: "Massachusetts", code: "MA", zip: "02108", rate: 0.0625, tax: "MA State Tax" },
];

interface Person {
  first: string;
  last: string;
  email: string;
  phone: string | null;
  place: (typeof PLACES)[number];
  street: string;
  addressId: bigint;
}

function address(p: Person, withId: boolean, customerId?: bigint) {
  return {
    ...(withId ? { id: p.addressId, customer_id: customerId ?? null } : {}),
    first_name: p.first,
    last_name: p.last,
    company: null,
    address1: p.street,
    address2: null,
    city: p.place.city,
    province: p.place.province,
    country: "United States",
    zip: p.place.zip,
    phone: p.phone,
    name: `${p.first} ${p.last}`,
    province_code: p.place.code,
    country_code: "US",
    country_name: "United States",
    ...(withId ? { default: true } : { latitude: null, longitude: null }),
  };
}

// ---------------------------------------------------------------------------------------------
// Generator
// ---------------------------------------------------------------------------------------------

interface Cust {
  id: bigint;
  person: Person;
  createdMs: number;
  isNew: boolean; // customers/create during the week
  fromGuest: boolean;
  tags: string[];
  marketing: "subscribed" | "not_subscribed";
  marketingUpdatedMs: number | null;
  updatedMs: number;
}

interface LineState {
  id: bigint;
  product: CatProduct;
  variant: CatVariant;
  quantity: number;
  alloc: number; // discount allocation cents
  tax: number; // tax cents
  rate: number;
  taxTitle: string;
  refundedQty: number;
  refundedSubtotal: number;
  refundedTax: number;
  refundedAlloc: number;
  fulfilledQty: number;
}

interface RefundRec {
  body: Record<string, unknown>;
  amount: number;
}

interface OrderState {
  id: bigint;
  number: number;
  createdMs: number;
  customer: Cust | null;
  person: Person;
  email: string;
  lines: LineState[];
  discount: { code: string; pct: number } | null;
  shipping: { id: bigint; title: string; code: string; price: number } | null;
  shippingRefunded: number;
  saleTxnId: bigint;
  token: string;
  confirmation: string;
  checkoutId: bigint;
  fulfillments: Array<Record<string, unknown>>;
  refunds: RefundRec[];
  cancelledMs: number | null;
  cancelReason: string | null;
  updatedMs: number;
}

type Pending = { ms: number; seq: number; topic: WeekTopic; body: unknown };

export function generateStoreWeek(opts: StoreWeekOptions): StoreWeek {
  const seed = opts.seed ?? 20261102;
  const rng = new Rng(seed);
  const nOrders = opts.orders ?? 220;
  const nCustomers = opts.customers ?? 50;
  const startMs = Date.parse(opts.start ?? "2026-11-02T09:00:00Z");
  if (Number.isNaN(startMs)) throw new Error(`generateStoreWeek: bad start ${opts.start}`);
  const DAY = 86_400_000;
  const MIN = 60_000;
  const shop = opts.shop;

  const counters: Record<string, bigint> = {};
  const nextId = (kind: string): bigint => {
    const k = counters[kind] ?? 0n;
    counters[kind] = k + 1n;
    // odd ids above 2^53 are never representable as a JS number: JSON.parse always corrupts them
    return ID_BASE + KIND_OFFSET[kind]! + 2n * k;
  };

  const cat = catalogue();
  const pickable = cat.filter((p) => !p.giftCard);
  const giftCard = cat.find((p) => p.giftCard)!;
  const weighted: CatProduct[] = pickable.flatMap((p) => Array.from({ length: p.weight }, () => p));

  // People -------------------------------------------------------------------------------
  const usedEmails = new Set<string>();
  const makePerson = (): Person => {
    for (;;) {
      const first = rng.pick(FIRST);
      const last = rng.pick(LAST);
      const ascii = last
        .normalize("NFD")
        .replace(/[\u0300-\u036f]/g, "")
        .toLowerCase();
      const email = `${first.toLowerCase()}.${ascii}${rng.int(1, 99)}@example.com`;
      if (usedEmails.has(email)) continue;
      usedEmails.add(email);
      return {
        first,
        last,
        email,
        phone: rng.chance(0.5) ? `+1555${String(rng.int(1000000, 9999999))}` : null,
        place: rng.pick(PLACES),
        street: `${rng.int(10, 999)} ${rng.pick(["Maple", "Oak", "Pine", "Cedar", "Elm", "Birch", "Walnut"])} ${rng.pick(["St", "Ave", "Rd", "Blvd"])}`,
        addressId: nextId("address"),
      };
    }
  };

  const nNew = Math.max(4, Math.round(nCustomers * 0.3));
  const nFromGuest = Math.min(nNew, Math.max(2, Math.round(nCustomers * 0.08)));
  const customers: Cust[] = [];
  for (let i = 0; i < nCustomers; i++) {
    const isNew = i >= nCustomers - nNew;
    const fromGuest = isNew && i >= nCustomers - nFromGuest;
    const created = isNew ? 0 : startMs - rng.int(20, 900) * DAY;
    customers.push({
      id: nextId("customer"),
      person: makePerson(),
      createdMs: created,
      isNew,
      fromGuest,
      tags: rng.chance(0.2) ? ["vip"] : [],
      marketing: rng.chance(0.55) ? "subscribed" : "not_subscribed",
      marketingUpdatedMs: null,
      updatedMs: created,
    });
  }

  // Order times ---------------------------------------------------------------------------
  const times: number[] = [];
  for (let i = 0; i < nOrders; i++) times.push(startMs + Math.floor(rng.next() * 6.3 * DAY));
  times.sort((a, b) => a - b);

  // Who buys: every customer at least once; ~12% guests, some of whose emails later sign up.
  const nGuests = Math.max(3, Math.round(nOrders * 0.12));
  const slots: Array<{ kind: "guest" | "cust"; cust?: Cust; guestOf?: Cust }> = [];
  const order: Cust[] = rng.shuffle([...customers]);
  for (const c of order) slots.push({ kind: "cust", cust: c });
  while (slots.length < nOrders - nGuests) slots.push({ kind: "cust", cust: rng.pick(customers.filter((c) => !c.fromGuest)) });
  const fromGuests = customers.filter((c) => c.fromGuest);
  for (let g = 0; g < nGuests; g++) slots.push({ kind: "guest", guestOf: g < fromGuests.length ? fromGuests[g] : undefined });
  rng.shuffle(slots);

  // Ensure converted guests: their guest order comes before their first customer order,
  // and brand-new customers' first order is preceded by customers/create.
  const firstSlotIdx = new Map<Cust, number>();
  slots.forEach((s, i) => {
    if (s.kind === "cust" && !firstSlotIdx.has(s.cust!)) firstSlotIdx.set(s.cust!, i);
  });
  for (const c of fromGuests) {
    const gi = slots.findIndex((s) => s.guestOf === c);
    const ci = firstSlotIdx.get(c)!;
    if (gi > ci) {
      [slots[gi], slots[ci]] = [slots[ci]!, slots[gi]!];
    }
  }
  // Recompute and make the customer order strictly later than the guest one.
  const pending: Pending[] = [];
  let seq = 0;
  const push = (ms: number, topic: WeekTopic, body: unknown) => pending.push({ ms, seq: seq++, topic, body });

  const customerBody = (c: Cust, atMs: number, forOrder: boolean) => {
    const p = c.person;
    const base: Record<string, unknown> = {
      id: c.id,
      email: p.email,
      created_at: shopTime(c.createdMs),
      updated_at: shopTime(Math.max(c.updatedMs, c.createdMs)),
      first_name: p.first,
      last_name: p.last,
      state: c.isNew && !forOrder ? "disabled" : "enabled",
      note: null,
      verified_email: true,
      multipass_identifier: null,
      tax_exempt: false,
      phone: p.phone,
      email_marketing_consent: {
        state: c.marketing,
        opt_in_level: c.marketing === "subscribed" ? "single_opt_in" : null,
        consent_updated_at: c.marketingUpdatedMs
          ? shopTime(c.marketingUpdatedMs)
          : c.marketing === "subscribed"
            ? shopTime(c.createdMs)
            : null,
      },
      sms_marketing_consent: p.phone
        ? { state: "not_subscribed", opt_in_level: "single_opt_in", consent_updated_at: null, consent_collected_from: "OTHER" }
        : null,
      tags: c.tags.join(", "),
      currency: "USD",
      tax_exemptions: [],
      admin_graphql_api_id: gid("Customer", c.id),
      default_address: address(p, true, c.id),
    };
    if (!forOrder) base.addresses = [address(p, true, c.id)];
    void atMs;
    return base;
  };

  const orders: OrderState[] = [];
  let orderNumber = 1000;
  const customerFirstOrderMs = new Map<Cust, number>();
  const guestOrderMs = new Map<Cust, number>();
  const guestEmailOrders: Array<{ email: string; ms: number }> = [];

  for (let i = 0; i < nOrders; i++) {
    const slot = slots[i]!;
    let ms = times[i]!;
    let cust: Cust | null = null;
    let person: Person;
    if (slot.kind === "cust") {
      cust = slot.cust!;
      if (cust.fromGuest) {
        const gms = guestOrderMs.get(cust);
        if (gms !== undefined && ms <= gms + 2 * 60 * MIN) ms = gms + rng.int(3 * 60, 20 * 60) * MIN;
      }
      person = cust.person;
    } else if (slot.guestOf) {
      person = slot.guestOf.person;
      guestOrderMs.set(slot.guestOf, ms);
    } else {
      person = makePerson();
    }
    orderNumber += 1;
    const lines: LineState[] = [];
    const nLines = rng.chance(0.45) ? 1 : rng.chance(0.55) ? 2 : rng.chance(0.6) ? 3 : 4;
    const usedVariants = new Set<bigint>();
    const place = person.place;
    const wantsGift = rng.chance(0.07);
    for (let l = 0; l < nLines; l++) {
      const prod = wantsGift && l === 0 ? giftCard : rng.pick(weighted);
      const variant = rng.pick(prod.variants);
      if (usedVariants.has(variant.id)) continue;
      usedVariants.add(variant.id);
      const expensive = variant.price >= 15000;
      const quantity = prod.giftCard ? 1 : expensive ? (rng.chance(0.9) ? 1 : 2) : rng.int(1, 3);
      lines.push({
        id: nextId("line"),
        product: prod,
        variant,
        quantity,
        alloc: 0,
        tax: 0,
        rate: prod.giftCard ? 0 : place.rate,
        taxTitle: place.tax,
        refundedQty: 0,
        refundedSubtotal: 0,
        refundedTax: 0,
        refundedAlloc: 0,
        fulfilledQty: 0,
      });
    }
    // Discounts (percentage codes across non-gift-card lines).
    const discount = rng.chance(0.22)
      ? rng.pick([
          { code: "WELCOME10", pct: 10 },
          { code: "BREW15", pct: 15 },
          { code: "LOYAL5", pct: 5 },
        ])
      : null;
    const discountable = lines.filter((l) => !l.product.giftCard);
    if (discount && discountable.length) {
      const base = discountable.reduce((s, l) => s + l.variant.price * l.quantity, 0);
      const total = Math.round((base * discount.pct) / 100);
      let left = total;
      discountable.forEach((l, idx) => {
        const share = idx === discountable.length - 1 ? left : Math.round((total * l.variant.price * l.quantity) / base);
        l.alloc = share;
        left -= share;
      });
    }
    for (const l of lines) l.tax = Math.round((l.variant.price * l.quantity - l.alloc) * l.rate);
    const shippable = lines.some((l) => !l.product.giftCard);
    const sub = lines.reduce((s, l) => s + l.variant.price * l.quantity - l.alloc, 0);
    let shipping: OrderState["shipping"] = null;
    if (shippable) {
      const express = rng.chance(0.15);
      shipping = express
        ? { id: nextId("shipping"), title: "Express", code: "EXPRESS", price: 2499 }
        : sub >= 15000
          ? { id: nextId("shipping"), title: "Free Shipping", code: "FREE", price: 0 }
          : { id: nextId("shipping"), title: "Standard", code: "STANDARD", price: 999 };
    }
    const o: OrderState = {
      id: nextId("order"),
      number: orderNumber,
      createdMs: ms,
      customer: cust,
      person,
      email: person.email,
      lines,
      discount: discount && discountable.length ? discount : null,
      shipping,
      shippingRefunded: 0,
      saleTxnId: nextId("transaction"),
      token: rng.hex(32),
      confirmation: rng.alnum(9),
      checkoutId: nextId("checkout"),
      fulfillments: [],
      refunds: [],
      cancelledMs: null,
      cancelReason: null,
      updatedMs: ms,
    };
    orders.push(o);
    if (cust) customerFirstOrderMs.set(cust, Math.min(customerFirstOrderMs.get(cust) ?? Infinity, ms));
    if (!cust) guestEmailOrders.push({ email: person.email, ms });
  }
  orders.sort((a, b) => a.createdMs - b.createdMs || Number(a.id - b.id));
  // Names follow time order, like Shopify's.
  orders.forEach((o, i) => (o.number = 1001 + i));

  // Customers: creation for new ones (before their first order, after their guest order).
  for (const c of customers) {
    if (!c.isNew) continue;
    const first = customerFirstOrderMs.get(c) ?? startMs + rng.int(1, 6 * 24 * 60) * MIN;
    const guest = guestOrderMs.get(c);
    let created = first - rng.int(2, 40) * MIN;
    if (guest !== undefined) created = Math.max(created, guest + rng.int(30, 90) * MIN);
    if (created >= first) created = first - MIN;
    c.createdMs = created;
    c.updatedMs = created;
    push(created, "customers/create", customerBody(c, created, false));
  }
  // Some customers update their profile / marketing consent during the week.
  for (const c of customers) {
    if (!rng.chance(0.3)) continue;
    const ms = Math.max(c.createdMs + 30 * MIN, startMs + rng.int(30, 7 * 24 * 60 - 60) * MIN);
    if (rng.chance(0.5)) {
      c.marketing = c.marketing === "subscribed" ? "not_subscribed" : "subscribed";
      c.marketingUpdatedMs = ms;
    } else if (!c.tags.includes("newsletter")) {
      c.tags = [...c.tags, "newsletter"];
    }
    c.updatedMs = ms;
    push(ms, "customers/update", customerBody(c, ms, false));
  }

  // Order bodies --------------------------------------------------------------------------
  const lineBody = (o: OrderState, l: LineState) => {
    const current = l.quantity - l.refundedQty;
    const fulfillable = o.cancelledMs ? 0 : Math.max(0, current - l.fulfilledQty);
    const fstatus = l.fulfilledQty === 0 ? null : l.fulfilledQty >= current ? "fulfilled" : "partial";
    return {
      id: l.id,
      admin_graphql_api_id: gid("LineItem", l.id),
      attributed_staffs: [],
      current_quantity: current,
      fulfillable_quantity: fulfillable,
      fulfillment_service: l.product.giftCard ? "gift_card" : "manual",
      fulfillment_status: fstatus,
      gift_card: l.product.giftCard,
      grams: l.variant.grams,
      name: l.variant.title === "Default Title" ? l.product.title : `${l.product.title} - ${l.variant.title}`,
      price: money(l.variant.price),
      price_set: moneySet(l.variant.price),
      product_exists: true,
      product_id: l.product.id,
      properties: [],
      quantity: l.quantity,
      requires_shipping: !l.product.giftCard,
      sku: l.variant.sku || null,
      taxable: !l.product.giftCard,
      title: l.product.title,
      total_discount: "0.00",
      total_discount_set: moneySet(0),
      variant_id: l.variant.id,
      variant_inventory_management: l.product.giftCard ? null : "shopify",
      variant_title: l.variant.title === "Default Title" ? null : l.variant.title,
      vendor: l.product.vendor,
      tax_lines: l.product.giftCard
        ? []
        : [{ channel_liable: false, price: money(l.tax), price_set: moneySet(l.tax), rate: l.rate, title: l.taxTitle }],
      duties: [],
      discount_allocations: l.alloc ? [{ amount: money(l.alloc), amount_set: moneySet(l.alloc), discount_application_index: 0 }] : [],
    };
  };

  const orderTotals = (o: OrderState) => {
    const lineItems = o.lines.reduce((s, l) => s + l.variant.price * l.quantity, 0);
    const disc = o.lines.reduce((s, l) => s + l.alloc, 0);
    const tax = o.lines.reduce((s, l) => s + l.tax, 0);
    const ship = o.shipping?.price ?? 0;
    const subtotal = lineItems - disc;
    const total = subtotal + ship + tax;
    const rSub = o.lines.reduce((s, l) => s + l.refundedSubtotal, 0);
    const rTax = o.lines.reduce((s, l) => s + l.refundedTax, 0);
    const rAlloc = o.lines.reduce((s, l) => s + l.refundedAlloc, 0);
    const refunded = o.refunds.reduce((s, r) => s + r.amount, 0);
    return { lineItems, disc, tax, ship, subtotal, total, rSub, rTax, rAlloc, refunded };
  };

  const orderBody = (o: OrderState, atMs: number) => {
    const t = orderTotals(o);
    const fullyRefunded = t.refunded >= t.total && t.total > 0;
    const financial = o.refunds.length === 0 ? "paid" : fullyRefunded ? "refunded" : "partially_refunded";
    const active = o.lines.filter((l) => l.quantity - l.refundedQty > 0);
    const allFulfilled = active.length > 0 && active.every((l) => l.fulfilledQty >= l.quantity - l.refundedQty);
    const anyFulfilled = o.lines.some((l) => l.fulfilledQty > 0);
    const fulfillment = allFulfilled ? "fulfilled" : anyFulfilled ? "partial" : null;
    const taxLines = new Map<string, { rate: number; price: number }>();
    for (const l of o.lines) {
      if (l.product.giftCard) continue;
      const e = taxLines.get(l.taxTitle) ?? { rate: l.rate, price: 0 };
      e.price += l.tax;
      taxLines.set(l.taxTitle, e);
    }
    const currentTax = t.tax - t.rTax;
    const currentSub = t.subtotal - t.rSub;
    const currentTotal = t.total - t.refunded;
    const p = o.person;
    return {
      id: o.id,
      admin_graphql_api_id: gid("Order", o.id),
      app_id: 580111,
      browser_ip: `203.0.113.${Number(o.id % 200n) + 1}`,
      buyer_accepts_marketing: o.customer?.marketing === "subscribed",
      cancel_reason: o.cancelReason,
      cancelled_at: o.cancelledMs ? shopTime(o.cancelledMs) : null,
      cart_token: null,
      checkout_id: o.checkoutId,
      checkout_token: o.token.slice(0, 32),
      client_details: {
        accept_language: "en-US",
        browser_height: null,
        browser_ip: null,
        browser_width: null,
        session_hash: null,
        user_agent: "Mozilla/5.0",
      },
      closed_at: null,
      confirmation_number: o.confirmation,
      confirmed: true,
      contact_email: o.email,
      created_at: shopTime(o.createdMs),
      currency: "USD",
      current_subtotal_price: money(currentSub),
      current_subtotal_price_set: moneySet(currentSub),
      current_total_additional_fees_set: null,
      current_total_discounts: money(t.disc - t.rAlloc),
      current_total_discounts_set: moneySet(t.disc - t.rAlloc),
      current_total_duties_set: null,
      current_total_price: money(currentTotal),
      current_total_price_set: moneySet(currentTotal),
      current_total_tax: money(currentTax),
      current_total_tax_set: moneySet(currentTax),
      customer_locale: "en-US",
      device_id: null,
      discount_codes: o.discount ? [{ code: o.discount.code, amount: money(t.disc), type: "percentage" }] : [],
      duties_included: false,
      email: o.email,
      estimated_taxes: false,
      financial_status: financial,
      fulfillment_status: fulfillment,
      landing_site: "/",
      location_id: null,
      merchant_of_record_app_id: null,
      name: `#${o.number}`,
      note: null,
      note_attributes: [],
      number: o.number - 1000,
      order_number: o.number,
      order_status_url: `https://${shop}/${Number(o.id % 100000000n)}/orders/${o.token}/authenticate?key=${o.token.slice(0, 16)}`,
      original_total_additional_fees_set: null,
      original_total_duties_set: null,
      payment_gateway_names: ["shopify_payments"],
      phone: null,
      po_number: null,
      presentment_currency: "USD",
      processed_at: shopTime(o.createdMs),
      reference: null,
      referring_site: null,
      source_identifier: null,
      source_name: "web",
      source_url: null,
      subtotal_price: money(t.subtotal),
      subtotal_price_set: moneySet(t.subtotal),
      tags: "",
      tax_exempt: false,
      tax_lines: [...taxLines.entries()].map(([title, e]) => ({
        price: money(e.price),
        rate: e.rate,
        title,
        price_set: moneySet(e.price),
        channel_liable: false,
      })),
      taxes_included: false,
      test: false,
      token: o.token,
      total_cash_rounding_payment_adjustment_set: moneySet(0),
      total_cash_rounding_refund_adjustment_set: moneySet(0),
      total_discounts: money(t.disc),
      total_discounts_set: moneySet(t.disc),
      total_line_items_price: money(t.lineItems),
      total_line_items_price_set: moneySet(t.lineItems),
      total_outstanding: "0.00",
      total_price: money(t.total),
      total_price_set: moneySet(t.total),
      total_shipping_price_set: moneySet(t.ship),
      total_tax: money(t.tax),
      total_tax_set: moneySet(t.tax),
      total_tip_received: "0.00",
      total_weight: o.lines.reduce((s, l) => s + l.variant.grams * l.quantity, 0),
      updated_at: shopTime(Math.max(o.updatedMs, atMs)),
      user_id: null,
      billing_address: address(p, false),
      customer: o.customer ? customerBody(o.customer, atMs, true) : null,
      discount_applications: o.discount
        ? [
            {
              target_type: "line_item",
              type: "discount_code",
              value: `${o.discount.pct}.0`,
              value_type: "percentage",
              allocation_method: "across",
              target_selection: "all",
              code: o.discount.code,
            },
          ]
        : [],
      fulfillments: o.fulfillments.map((f) => ({ ...f })),
      line_items: o.lines.map((l) => lineBody(o, l)),
      payment_terms: null,
      refunds: o.refunds.map((r) => r.body),
      shipping_address: o.shipping ? address(p, false) : null,
      shipping_lines: o.shipping
        ? [
            {
              id: o.shipping.id,
              carrier_identifier: null,
              code: o.shipping.code,
              discounted_price: money(o.shipping.price),
              discounted_price_set: moneySet(o.shipping.price),
              is_removed: false,
              phone: null,
              price: money(o.shipping.price),
              price_set: moneySet(o.shipping.price),
              requested_fulfillment_service_id: null,
              source: "shopify",
              title: o.shipping.title,
              tax_lines: [],
              discount_allocations: [],
            },
          ]
        : [],
    };
  };

  const fulfill = (o: OrderState, ms: number, lines: Array<{ l: LineState; qty: number }>, giftCardOnly = false) => {
    const id = nextId("fulfillment");
    for (const { l, qty } of lines) l.fulfilledQty += qty;
    o.updatedMs = ms;
    o.fulfillments.push({
      id,
      admin_graphql_api_id: gid("Fulfillment", id),
      created_at: shopTime(ms),
      location_id: null,
      name: `#${o.number}.${o.fulfillments.length + 1}`,
      order_id: o.id,
      origin_address: {},
      receipt: {},
      service: giftCardOnly ? "gift_card" : "manual",
      shipment_status: null,
      status: "success",
      tracking_company: giftCardOnly ? null : "UPS",
      tracking_number: giftCardOnly ? null : `1Z${o.token.slice(0, 16).toUpperCase()}`,
      tracking_numbers: giftCardOnly ? [] : [`1Z${o.token.slice(0, 16).toUpperCase()}`],
      tracking_url: giftCardOnly
        ? null
        : `https://www.ups.com/WebTracking?loc=en_US&requester=ST&trackNums=1Z${o.token.slice(0, 16).toUpperCase()}`,
      tracking_urls: [],
      updated_at: shopTime(ms),
      line_items: lines.map(({ l, qty }) => ({ ...lineBody(o, l), quantity: qty })),
    });
  };

  /** Creates a refund of the given quantities (and optionally the remaining shipping). */
  const refund = (
    o: OrderState,
    ms: number,
    items: Array<{ l: LineState; qty: number }>,
    opts2: { shipping: boolean; restockType: "return" | "cancel" | "no_restock"; note: string | null },
  ) => {
    const refundId = nextId("refund");
    let amount = 0;
    const rli = items.map(({ l, qty }) => {
      const remainingQty = l.quantity - l.refundedQty;
      const lineNet = l.variant.price * l.quantity - l.alloc;
      const last = qty === remainingQty;
      const subtotal = last ? lineNet - l.refundedSubtotal : Math.round((lineNet * qty) / l.quantity);
      const tax = last ? l.tax - l.refundedTax : Math.round((l.tax * qty) / l.quantity);
      const alloc = last ? l.alloc - l.refundedAlloc : Math.round((l.alloc * qty) / l.quantity);
      const lineSnapshot = lineBody(o, l);
      l.refundedQty += qty;
      l.refundedSubtotal += subtotal;
      l.refundedTax += tax;
      l.refundedAlloc += alloc;
      amount += subtotal + tax;
      const id = nextId("refundLine");
      return {
        id,
        line_item_id: l.id,
        location_id: null,
        quantity: qty,
        restock_type: opts2.restockType,
        subtotal: money(subtotal),
        subtotal_set: moneySet(subtotal),
        total_tax: money(tax),
        total_tax_set: moneySet(tax),
        line_item: lineSnapshot,
      };
    });
    const adjustments: Array<Record<string, unknown>> = [];
    if (opts2.shipping && o.shipping && o.shipping.price - o.shippingRefunded > 0) {
      const ship = o.shipping.price - o.shippingRefunded;
      o.shippingRefunded += ship;
      amount += ship;
      const aid = nextId("adjustment");
      adjustments.push({
        id: aid,
        order_id: o.id,
        refund_id: refundId,
        amount: money(-ship),
        amount_set: moneySet(-ship),
        tax_amount: "0.00",
        tax_amount_set: moneySet(0),
        kind: "shipping_refund",
        reason: "Shipping refund",
      });
    }
    const txnId = nextId("transaction");
    const body = {
      id: refundId,
      admin_graphql_api_id: gid("Refund", refundId),
      created_at: shopTime(ms),
      duties: [],
      note: opts2.note,
      order_id: o.id,
      processed_at: shopTime(ms),
      restock: opts2.restockType !== "no_restock",
      total_duties_set: moneySet(0),
      user_id: null,
      order_adjustments: adjustments,
      transactions: [
        {
          id: txnId,
          admin_graphql_api_id: gid("OrderTransaction", txnId),
          amount: money(amount),
          authorization: null,
          created_at: shopTime(ms),
          currency: "USD",
          device_id: null,
          error_code: null,
          gateway: "shopify_payments",
          kind: "refund",
          location_id: null,
          message: "Transaction approved",
          order_id: o.id,
          parent_id: o.saleTxnId,
          payment_id: `${o.confirmation}.${o.refunds.length + 2}`,
          processed_at: shopTime(ms),
          receipt: {},
          source_name: "web",
          status: "success",
          test: false,
          user_id: null,
        },
      ],
      refund_line_items: rli,
    };
    o.refunds.push({ body, amount });
    o.updatedMs = ms;
    return body;
  };

  // Decide each order's fate --------------------------------------------------------------
  const fates = new Map<OrderState, "partial" | "full" | "full2" | "cancel" | "cancelAfterPartial" | "none">();
  const idx = rng.shuffle(orders.map((_, i) => i));
  const nPartial = Math.round(nOrders * 0.1);
  const nFull = Math.max(2, Math.round(nOrders * 0.04));
  const nCancel = Math.max(2, Math.round(nOrders * 0.03));
  const refundable = (o: OrderState) => o.lines.some((l) => !l.product.giftCard);
  const partialable = (o: OrderState) =>
    o.lines.filter((l) => !l.product.giftCard).reduce((s, l) => s + l.quantity, 0) + o.lines.filter((l) => l.product.giftCard).length > 1;
  let cP = 0,
    cF = 0,
    cC = 0;
  for (const i of idx) {
    const o = orders[i]!;
    if (!refundable(o)) continue;
    if (cC < nCancel && o.lines.every((l) => !l.product.giftCard)) {
      fates.set(o, cC % 3 === 1 && partialable(o) ? "cancelAfterPartial" : "cancel");
      cC++;
    } else if (cF < nFull) {
      fates.set(o, cF % 2 === 0 && partialable(o) ? "full2" : "full");
      cF++;
    } else if (cP < nPartial && partialable(o)) {
      fates.set(o, "partial");
      cP++;
    }
  }

  const stats: StoreWeekStats = {
    orders: orders.length,
    guestOrders: orders.filter((o) => !o.customer).length,
    refunds: 0,
    fullRefunds: 0,
    partialRefunds: 0,
    cancellations: 0,
    fulfillments: 0,
    duplicates: 0,
    outOfOrder: 0,
  };

  // Simulate each order in time order (orders are independent of each other).
  for (const o of orders) {
    const fate = fates.get(o) ?? "none";
    let t = o.createdMs + rng.int(1, 4) * MIN + rng.int(0, 59) * 1000;
    push(t, "orders/paid", orderBody(o, t));
    const giftLines = o.lines.filter((l) => l.product.giftCard);
    const physLines = o.lines.filter((l) => !l.product.giftCard);
    if (giftLines.length) {
      t += rng.int(1, 3) * MIN;
      fulfill(
        o,
        t,
        giftLines.map((l) => ({ l, qty: l.quantity })),
        true,
      );
      if (!physLines.length) {
        push(t + 1000, "orders/fulfilled", orderBody(o, t + 1000));
        stats.fulfillments++;
        continue;
      }
    }
    const pickPartial = () => {
      const cands = physLines.filter((l) => l.quantity - l.refundedQty > 0);
      const totalUnits = o.lines.reduce((s, l) => s + (l.quantity - l.refundedQty), 0);
      const l = rng.pick(cands);
      const rem = l.quantity - l.refundedQty;
      // leave something unrefunded on the order
      const maxQty = totalUnits - rem > 0 ? rem : rem - 1;
      return { l, qty: Math.max(1, rng.int(1, Math.max(1, maxQty))) };
    };
    if (fate === "cancel" || fate === "cancelAfterPartial") {
      if (fate === "cancelAfterPartial") {
        t += rng.int(20, 300) * MIN;
        const item = pickPartial();
        push(
          t,
          "refunds/create",
          refund(o, t, [item], { shipping: false, restockType: "cancel", note: "Customer changed mind about one item" }),
        );
        stats.refunds++;
      }
      t += rng.int(30, 18 * 60) * MIN;
      const remaining = physLines.filter((l) => l.quantity - l.refundedQty > 0).map((l) => ({ l, qty: l.quantity - l.refundedQty }));
      o.cancelledMs = t;
      o.cancelReason = rng.pick(["customer", "customer", "inventory", "fraud", "other"]);
      const rb = refund(o, t, remaining, { shipping: true, restockType: "cancel", note: null });
      push(t, "refunds/create", rb);
      stats.refunds++;
      push(t + rng.int(1, 4) * 1000, "orders/cancelled", orderBody(o, t));
      stats.cancellations++;
      continue;
    }
    // Fulfillment: most orders; some in two shipments.
    const fulfilledAt = t + rng.int(6 * 60, 3 * 24 * 60) * MIN;
    const willFulfill = rng.chance(0.9);
    let shipped = false;
    const doFulfill = (at: number) => {
      const open = physLines.filter((l) => l.quantity - l.refundedQty - l.fulfilledQty > 0);
      if (!open.length) return;
      const units = open.reduce((s, l) => s + (l.quantity - l.refundedQty - l.fulfilledQty), 0);
      if (units > 1 && rng.chance(0.15)) {
        // first shipment: part of the lines/quantities, then the rest a day or two later
        const first =
          open.length > 1
            ? open.slice(0, Math.ceil(open.length / 2)).map((l) => ({ l, qty: l.quantity - l.refundedQty - l.fulfilledQty }))
            : [{ l: open[0]!, qty: 1 }];
        fulfill(o, at, first);
        at += rng.int(12 * 60, 48 * 60) * MIN;
        const rest = physLines
          .filter((l) => l.quantity - l.refundedQty - l.fulfilledQty > 0)
          .map((l) => ({ l, qty: l.quantity - l.refundedQty - l.fulfilledQty }));
        fulfill(o, at, rest);
      } else {
        fulfill(
          o,
          at,
          open.map((l) => ({ l, qty: l.quantity - l.refundedQty - l.fulfilledQty })),
        );
      }
      push(at + 1000, "orders/fulfilled", orderBody(o, at + 1000));
      stats.fulfillments++;
      shipped = true;
      return at;
    };
    if (fate === "none") {
      if (willFulfill) doFulfill(fulfilledAt);
      continue;
    }
    // Refund fates: before or after shipping.
    const beforeShipping = rng.chance(0.3);
    let fulfilledTime = fulfilledAt;
    if (!beforeShipping && willFulfill) fulfilledTime = doFulfill(fulfilledAt) ?? fulfilledAt;
    let rt = (shipped ? fulfilledTime : t) + rng.int(2 * 60, 3 * 24 * 60) * MIN;
    const restockType = shipped ? "return" : "cancel";
    if (fate === "partial") {
      push(
        rt,
        "refunds/create",
        refund(o, rt, [pickPartial()], {
          shipping: false,
          restockType,
          note: shipped ? "Returned: damaged in transit" : "Item no longer wanted",
        }),
      );
      stats.refunds++;
      stats.partialRefunds++;
    } else {
      if (fate === "full2") {
        push(rt, "refunds/create", refund(o, rt, [pickPartial()], { shipping: false, restockType, note: "First part of return" }));
        stats.refunds++;
        rt += rng.int(60, 36 * 60) * MIN;
      }
      const remaining = o.lines.filter((l) => l.quantity - l.refundedQty > 0).map((l) => ({ l, qty: l.quantity - l.refundedQty }));
      push(
        rt,
        "refunds/create",
        refund(o, rt, remaining, {
          shipping: true,
          restockType: remaining.every((x) => x.l.product.giftCard) ? "no_restock" : restockType,
          note: "Full refund",
        }),
      );
      stats.refunds++;
      stats.fullRefunds++;
    }
    if (beforeShipping && willFulfill && fate === "partial") doFulfill(rt + rng.int(6 * 60, 48 * 60) * MIN);
  }

  // Canonical event order ------------------------------------------------------------------
  pending.sort((a, b) => a.ms - b.ms || a.seq - b.seq);
  // Distinct trigger timestamps (Shopify's have sub-second precision).
  let lastMs = -Infinity;
  const events: WeekEvent[] = pending.map((p) => {
    let ms = p.ms;
    if (ms <= lastMs) ms = lastMs + 1;
    lastMs = ms;
    return {
      topic: p.topic,
      body: p.body,
      rawBody: stringifyShopifyJson(p.body),
      eventId: rng.uuid(),
      triggeredAt: new Date(ms).toISOString(),
    };
  });

  // Deliveries: some late (out of order), some duplicated ------------------------------------
  const keyed: Array<{ e: WeekEvent; key: number; delayed: boolean; duplicate: boolean; trueIdx: number }> = [];
  const n = events.length;
  // Force the interesting reorderings at least once: an orders/paid after its refund, and a
  // cancellation refund after its orders/cancelled.
  const forced = new Map<number, number>();
  const orderIdOf = (e: WeekEvent): bigint | undefined => {
    const b = e.body as { id?: bigint; order_id?: bigint };
    return e.topic === "refunds/create" ? b.order_id : e.topic.startsWith("orders/") ? b.id : undefined;
  };
  let forcedPaid = 0;
  let forcedCancel = 0;
  for (let i = 0; i < n && (forcedPaid < 2 || forcedCancel < 1); i++) {
    const e = events[i]!;
    if (e.topic === "refunds/create") {
      const oid = orderIdOf(e);
      const paidIdx = events.findIndex((x) => x.topic === "orders/paid" && orderIdOf(x) === oid);
      const cancelIdx = events.findIndex((x, j) => j > i && x.topic === "orders/cancelled" && orderIdOf(x) === oid);
      if (cancelIdx >= 0 && forcedCancel < 1 && !forced.has(i)) {
        forced.set(i, cancelIdx + 0.5); // refund delivered after the cancellation
        forcedCancel++;
      } else if (cancelIdx < 0 && forcedPaid < 2 && paidIdx >= 0 && !forced.has(paidIdx)) {
        forced.set(paidIdx, i + 0.5); // orders/paid delivered after its refund
        forcedPaid++;
      }
    }
  }
  for (let i = 0; i < n; i++) {
    let key = i;
    let delayed = false;
    if (forced.has(i)) {
      key = forced.get(i)!;
      delayed = true;
    } else if (rng.chance(0.08) && i < n - 1) {
      key = i + rng.int(2, 40) + 0.5;
      delayed = true;
    }
    keyed.push({ e: events[i]!, key, delayed, duplicate: false, trueIdx: i });
  }
  for (let i = 0; i < n; i++) {
    if (!rng.chance(0.1)) continue;
    const orig = keyed[i]!;
    keyed.push({ e: events[i]!, key: Math.max(orig.key, i) + rng.int(1, 60) + 0.25, delayed: false, duplicate: true, trueIdx: i });
  }
  keyed.sort((a, b) => a.key - b.key || Number(a.duplicate) - Number(b.duplicate));
  // outOfOrder: an original delivery that arrives after some event that happened later.
  let maxTrueSeen = -1;
  const deliveries: Delivery[] = keyed.map((k) => {
    const outOfOrder = !k.duplicate && k.trueIdx < maxTrueSeen;
    if (!k.duplicate) maxTrueSeen = Math.max(maxTrueSeen, k.trueIdx);
    return { ...k.e, webhookId: rng.uuid(), duplicate: k.duplicate, outOfOrder };
  });
  stats.duplicates = deliveries.filter((d) => d.duplicate).length;
  stats.outOfOrder = deliveries.filter((d) => d.outOfOrder).length;

  return {
    shop,
    currency: "USD",
    products: toSandboxProducts(cat),
    customers: customers.map((c) => ({ id: c.id, email: c.person.email, firstName: c.person.first, lastName: c.person.last })),
    events,
    deliveries,
    stats,
  };
}

export interface DeliverAllOptions {
  secret: string;
  shop: string;
  /** Default 4. */
  concurrency?: number;
  /** X-Shopify-API-Version; default ADMIN_API_VERSION. */
  apiVersion?: string;
  onResponse?: (d: Delivery, res: Response) => void | Promise<void>;
  /** Per-request timeout in ms (Shopify waits 5 s); default 5000. */
  timeoutMs?: number;
}

/**
 * POSTs every delivery, signed as Shopify signs it, with bounded concurrency in array order.
 * A non-2xx answer (or a timeout / connection error, status 0) lands in `failed`.
 */
export async function deliverAll(
  url: string,
  deliveries: Delivery[],
  opts: DeliverAllOptions,
): Promise<{ ok: number; failed: Array<{ delivery: Delivery; status: number; body: string }> }> {
  const concurrency = Math.max(1, opts.concurrency ?? 4);
  let next = 0;
  let ok = 0;
  const failed: Array<{ delivery: Delivery; status: number; body: string }> = [];
  const worker = async () => {
    for (;;) {
      const i = next++;
      if (i >= deliveries.length) return;
      const d = deliveries[i]!;
      const headers = webhookHeaders({
        secret: opts.secret,
        topic: d.topic,
        shop: opts.shop,
        rawBody: d.rawBody,
        apiVersion: opts.apiVersion,
        webhookId: d.webhookId,
        eventId: d.eventId,
        triggeredAt: d.triggeredAt,
      });
      try {
        const res = await fetch(url, {
          method: "POST",
          headers,
          body: d.rawBody,
          signal: AbortSignal.timeout(opts.timeoutMs ?? 5000),
        });
        if (opts.onResponse) await opts.onResponse(d, res.clone());
        const text = await res.text();
        if (res.status >= 200 && res.status < 300) ok++;
        else failed.push({ delivery: d, status: res.status, body: text });
      } catch (e) {
        failed.push({ delivery: d, status: 0, body: String((e as Error)?.message ?? e) });
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, deliveries.length) }, worker));
  return { ok, failed };
}

export { cents as parseCents, money as formatCents };
