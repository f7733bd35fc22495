// What the shopper API answers about returns, for the order-returns and rewards-page tests (never
// imported by an extension's source, so never bundled). Sentences in the request's locale, as the
// API renders them (app/domain/shopper-text.ts).
import type { ReturnOptionsView, ReturnView, ShopperLocale } from "../../app/shopper/views.ts";

/** A return of the espresso machine order, requested and then approved by the shop's rules. */
export function returnView(locale: ShopperLocale = "en", over: Partial<ReturnView> = {}): ReturnView {
  const es = locale === "es";
  return {
    id: "r1",
    requestId: "3f1c2b7e-8a4d-4c6e-9b1a-2d3e4f5a6b7c",
    orderId: "5001",
    orderName: "#1042",
    name: "#1042-R1",
    status: "open",
    statusText: es ? "Aprobada: envía los artículos a la tienda" : "Approved: send the items back to the store",
    outcome: "store_credit",
    outcomeText: es ? "Saldo en la tienda" : "Store credit",
    note: null,
    lines: [
      { lineItemId: "701", product: "Milk jug", quantity: 1, reason: "too_small", reasonText: es ? "Demasiado pequeño" : "Too small" },
    ],
    requestedAt: "2026-11-14T09:00:00.000Z",
    updatedAt: "2026-11-14T09:00:05.000Z",
    events: [
      { at: "2026-11-14T09:00:00.000Z", text: es ? "Solicitaste la devolución" : "You asked for the return" },
      { at: "2026-11-14T09:00:05.000Z", text: es ? "Aprobada automáticamente" : "Approved automatically" },
    ],
    ...over,
  };
}

/**
 * GET /api/orders/5001/returns: an espresso machine that can go back (2 of 2), a milk jug of which one
 * unit is already in a return, and a final-sale grinder.
 */
export function returnOptions(locale: ShopperLocale = "en", over: Partial<ReturnOptionsView> = {}): ReturnOptionsView {
  const es = locale === "es";
  return {
    locale,
    orderId: "5001",
    orderName: "#1042",
    lines: [
      {
        lineItemId: "700",
        product: "Espresso cup",
        quantity: 2,
        returnableQuantity: 2,
        deadline: "2026-12-14",
        canReturn: true,
        text: es ? "Se puede devolver hasta el 14 dic 2026" : "Returnable until 14 Dec 2026",
      },
      {
        lineItemId: "701",
        product: "Milk jug",
        quantity: 1,
        returnableQuantity: 0,
        deadline: "2026-12-14",
        canReturn: false,
        text: es ? "Ya está en una devolución" : "Already in a return",
      },
      {
        lineItemId: "702",
        product: "Burr grinder",
        quantity: 1,
        returnableQuantity: 0,
        deadline: null,
        canReturn: false,
        text: es ? "Venta final: no se puede devolver" : "Final sale: it cannot be returned",
      },
    ],
    canRequest: true,
    reasons: [
      { handle: "too_small", label: es ? "Demasiado pequeño" : "Too small" },
      { handle: "defective", label: es ? "Dañado o defectuoso" : "Damaged or defective" },
    ],
    outcomes: [
      { kind: "refund", label: es ? "Reembolso" : "Refund", text: es ? "Al método de pago original" : "To your original payment method" },
      {
        kind: "store_credit",
        label: es ? "Saldo en la tienda" : "Store credit",
        text: es ? "Recibe un 10 % más si eliges saldo en la tienda" : "Get 10% more when you choose store credit",
      },
    ],
    noteMaxLength: 480,
    returns: [returnView(locale)],
    ...over,
  };
}
