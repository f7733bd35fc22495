// The sentences a shopper reads, in their language, written at read time from what was stored
// (ledger kinds and parameters, reward definitions, coverage dates). HubSpot notes use the same
// sentences in English. Pure.
import type { LedgerParams } from "./loyalty";
import type { RewardKind, IssuedStatus } from "./rewards";
import type { TierStanding } from "./tiers";
import { fromMinor } from "./money";

export type TextLocale = "es" | "en";

export function pickLocale(requested: string | null | undefined, acceptLanguage: string | null | undefined): TextLocale {
  const first = (requested || acceptLanguage?.split(",")[0] || "").trim().toLowerCase();
  return first.startsWith("es") ? "es" : "en";
}

const tag = (locale: TextLocale) => (locale === "es" ? "es-ES" : "en-US");

// Intl formatters are costly to build (25–55 µs each, against ~1 µs to format with one: building one
// per date and number took ~45 % of the server's CPU on the rewards page) and immutable once built:
// one per locale (and currency), kept for the process.
const dateFormats = new Map<TextLocale, Intl.DateTimeFormat>();
const numberFormats = new Map<TextLocale, Intl.NumberFormat>();
const moneyFormats = new Map<string, Intl.NumberFormat | null>(); // null: a currency code Intl does not know

function moneyFormat(currency: string, locale: TextLocale): Intl.NumberFormat | null {
  const key = `${locale}:${currency}`;
  let format = moneyFormats.get(key);
  if (format === undefined) {
    try {
      format = new Intl.NumberFormat(tag(locale), { style: "currency", currency });
    } catch {
      format = null;
    }
    if (moneyFormats.size < 1000) moneyFormats.set(key, format);
  }
  return format;
}

export function formatMoney(minor: number, currency: string, locale: TextLocale): string {
  const format = moneyFormat(currency, locale);
  if (!format) return `${fromMinor(minor, currency)} ${currency}`; // a currency code Intl does not know
  return format.format(Number(fromMinor(minor, currency)));
}

export function formatDate(iso: string | Date, locale: TextLocale): string {
  let format = dateFormats.get(locale);
  if (!format) dateFormats.set(locale, (format = new Intl.DateTimeFormat(tag(locale), { dateStyle: "long", timeZone: "UTC" })));
  return format.format(new Date(iso));
}

const n = (value: number, locale: TextLocale) => {
  let format = numberFormats.get(locale);
  if (!format) numberFormats.set(locale, (format = new Intl.NumberFormat(tag(locale))));
  return format.format(value);
};
const pts = (value: number, locale: TextLocale) =>
  locale === "es" ? `${n(value, locale)} ${value === 1 ? "punto" : "puntos"}` : `${n(value, locale)} ${value === 1 ? "point" : "points"}`;

export function rewardTitle(
  reward: { kind: RewardKind; valueMinor: number | null; percent?: number; minimumOrderMinor?: number | null },
  currency: string,
  locale: TextLocale,
): string {
  // Spanish writes a space before the percent sign ("10 % de descuento"), as returnOutcomeText does.
  const value =
    reward.kind === "percentage_off"
      ? `${n(reward.percent ?? 0, locale)}${locale === "es" ? " " : ""}%`
      : reward.valueMinor === null
        ? ""
        : formatMoney(reward.valueMinor, currency, locale);
  const min = reward.minimumOrderMinor ? formatMoney(reward.minimumOrderMinor, currency, locale) : null;
  if (locale === "es") {
    if (reward.kind === "free_shipping") return min ? `Envío gratis en pedidos desde ${min}` : "Envío gratis en tu próximo pedido";
    if (reward.kind === "store_credit") return `${value} de saldo en la tienda`;
    return min ? `${value} de descuento en pedidos desde ${min}` : `${value} de descuento en tu próximo pedido`;
  }
  if (reward.kind === "free_shipping") return min ? `Free shipping on orders from ${min}` : "Free shipping on your next order";
  if (reward.kind === "store_credit") return `${value} store credit`;
  return min ? `${value} off orders from ${min}` : `${value} off your next order`;
}

export type HistoryKind = "earned" | "reversed" | "claimed" | "redeemed" | "restored" | "expired" | "gift" | "adjusted";

export function historyKind(ledgerKind: string): HistoryKind {
  switch (ledgerKind) {
    case "earn":
      return "earned";
    case "refund_reversal":
    case "cancel_reversal":
      return "reversed";
    case "claim_in":
    case "claim_out":
      return "claimed";
    case "redeem":
      return "redeemed";
    case "redeem_release":
      return "restored";
    case "birthday":
    case "anniversary":
      return "gift";
    case "expire":
      return "expired";
    default:
      // A kind written by a newer version than this one: never shown as something it is not.
      return "adjusted";
  }
}

export function historyText(kind: string, params: LedgerParams, currency: string, locale: TextLocale): string {
  const order = params.orderName ?? "";
  const reward = params.reward ? rewardTitle(params.reward, params.reward.currency || currency, locale) : "";
  const es = locale === "es";
  switch (kind) {
    case "earn": {
      // The tier multiplier the order earned with, when it had one.
      const x = params.multiplier && params.multiplier !== 1 ? ` (×${n(params.multiplier, locale)})` : "";
      return es ? `Ganados en el pedido ${order}${x}` : `Earned on order ${order}${x}`;
    }
    case "refund_reversal":
      return es ? `Descontados por un reembolso del pedido ${order}` : `Reversed by a refund on order ${order}`;
    case "cancel_reversal":
      return es ? `Descontados al cancelarse el pedido ${order}` : `Reversed: order ${order} was cancelled`;
    case "claim_in":
      return es ? "Puntos de tus compras como invitado" : "Points from your guest orders";
    case "claim_out":
      return es ? "Pasados a tu cuenta de cliente" : "Moved to your customer account";
    case "redeem":
      return es ? `Canjeados por: ${reward}` : `Redeemed for: ${reward}`;
    case "redeem_release":
      return es ? `Devueltos: no se pudo crear «${reward}»` : `Returned: “${reward}” could not be created`;
    case "birthday":
      return es ? "¡Feliz cumpleaños! Puntos de regalo" : "Happy birthday! Points on us";
    case "anniversary": {
      const n = params.years ?? 1;
      return es
        ? `${n} ${n === 1 ? "año" : "años"} desde tu primera compra: puntos de regalo`
        : `${n} ${n === 1 ? "year" : "years"} since your first purchase: points on us`;
    }
    case "expire":
      return es ? "Puntos caducados por inactividad" : "Points expired after a period without activity";
    default:
      return es ? "Ajuste de puntos" : "Points adjusted";
  }
}

export function tierText(t: TierStanding, currency: string, locale: TextLocale): string {
  const es = locale === "es";
  if (!t.next) return es ? `Estás en el nivel más alto: ${t.name}` : `You're at the top tier: ${t.name}`;
  const { name, needed } = t.next;
  const last12 = t.period === "rolling12" ? (es ? " (en los últimos 12 meses)" : " (in the last 12 months)") : "";
  if (t.basis === "spend")
    return es
      ? `Te faltan ${formatMoney(needed, currency, locale)} en compras para ${name}${last12}`
      : `Spend ${formatMoney(needed, currency, locale)} more to reach ${name}${last12}`;
  if (t.basis === "orders")
    return es
      ? `Te falta${needed === 1 ? "" : "n"} ${n(needed, locale)} ${needed === 1 ? "pedido" : "pedidos"} para ${name}${last12}`
      : `${n(needed, locale)} more ${needed === 1 ? "order" : "orders"} to reach ${name}${last12}`;
  return es
    ? `Te falta${needed === 1 ? "" : "n"} ${pts(needed, locale)} para ${name}${last12}`
    : `${pts(needed, locale)} to ${name}${last12}`;
}

/** What the shopper's tier gives them beyond the base program, or null when nothing. */
export function tierBenefitsText(t: TierStanding, locale: TextLocale): string | null {
  if (t.earnMultiplier <= 1) return null;
  const x = n(t.earnMultiplier, locale);
  return locale === "es"
    ? `Como ${t.name}, ganas ${x} veces los puntos en cada pedido`
    : `As ${t.name}, you earn ${x}× points on every order`;
}

/** `tierNames`: the names of the tiers the reward is limited to (app/domain/tiers.ts tierNames). */
export function unavailableText(
  r: { reason: "not_enough_points"; missing: number } | { reason: "tier" },
  tierNames: readonly string[],
  locale: TextLocale,
): string {
  if (r.reason === "tier") {
    const tiers = tierNames.join(", ");
    return locale === "es" ? `Solo para los niveles ${tiers}` : `Only for ${tiers} members`;
  }
  return locale === "es" ? `Te falta${r.missing === 1 ? "" : "n"} ${pts(r.missing, locale)}` : `You need ${pts(r.missing, locale)} more`;
}

export function issuedStatusText(
  status: IssuedStatus,
  r: { usedOrderName: string | null; expiresAt: Date | null; kind: RewardKind },
  locale: TextLocale,
): string {
  const es = locale === "es";
  switch (status) {
    case "pending":
      return es ? "Creándose en la tienda…" : "Being created in the store…";
    case "failed":
      return es ? "No se pudo crear; te devolvimos los puntos" : "Could not be created; your points were returned";
    case "used":
      return es ? `Usado en el pedido ${r.usedOrderName}` : `Used on order ${r.usedOrderName}`;
    case "expired":
      return es ? `Caducó el ${formatDate(r.expiresAt!, locale)}` : `Expired on ${formatDate(r.expiresAt!, locale)}`;
    default:
      if (r.kind === "store_credit") return es ? "Añadido a tu saldo en la tienda" : "Added to your store credit";
      if (!r.expiresAt) return es ? "Sin usar" : "Unused";
      return es ? `Sin usar: caduca el ${formatDate(r.expiresAt, locale)}` : `Unused: expires ${formatDate(r.expiresAt, locale)}`;
  }
}

export function warrantyText(
  w: { status: string; coverageEnd: Date | null; daysLeft: number | null; voidReason: string | null; awaitingDelivery?: boolean },
  locale: TextLocale,
): string {
  const es = locale === "es";
  if (w.status === "pending_fulfillment") return es ? "La garantía empieza cuando se envíe" : "Coverage starts when it ships";
  if (w.status === "voided")
    return w.voidReason === "not_covered"
      ? es
        ? "Este producto no tiene garantía"
        : "This product has no warranty"
      : es
        ? "Sin garantía: el artículo se reembolsó o canceló"
        : "No coverage: the item was refunded or cancelled";
  if (w.status === "expired" || !w.coverageEnd || (w.daysLeft ?? 0) <= 0)
    return w.coverageEnd
      ? es
        ? `La garantía terminó el ${formatDate(w.coverageEnd, locale)}`
        : `Coverage ended on ${formatDate(w.coverageEnd, locale)}`
      : es
        ? "Sin garantía"
        : "Not covered";
  const days = w.daysLeft!;
  // Under a delivery policy the end moves once the carrier reports delivery: say why it may.
  const provisional = !w.awaitingDelivery
    ? ""
    : es
      ? ". La garantía cuenta desde la entrega; hasta que se confirme, desde el envío"
      : ". Coverage counts from delivery; until it is confirmed, from shipping";
  return es
    ? `Cubierto hasta el ${formatDate(w.coverageEnd, locale)} (${days === 1 ? "queda 1 día" : `quedan ${n(days, locale)} días`})${provisional}`
    : `Covered until ${formatDate(w.coverageEnd, locale)} (${days === 1 ? "1 day" : `${n(days, locale)} days`} left)${provisional}`;
}

export type OrderPointsStatus = "earned" | "pending_payment" | "pending_fulfillment" | "reversed" | "none" | "unknown";

export function orderPointsText(status: OrderPointsStatus, points: number, locale: TextLocale): string {
  const es = locale === "es";
  switch (status) {
    case "earned":
      return es ? `Este pedido te dio ${pts(points, locale)}` : `This order earned you ${pts(points, locale)}`;
    case "pending_payment":
      return es ? `Ganarás ${pts(points, locale)} cuando se pague el pedido` : `You'll earn ${pts(points, locale)} once the order is paid`;
    case "pending_fulfillment":
      return es ? `Ganarás ${pts(points, locale)} cuando se envíe el pedido` : `You'll earn ${pts(points, locale)} once the order ships`;
    case "reversed":
      return es
        ? "Los puntos de este pedido se descontaron al reembolsarse o cancelarse"
        : "This order's points were reversed by a refund or cancellation";
    case "none":
      return es ? "Este pedido no suma puntos" : "This order earns no points";
    default:
      return es
        ? "Estamos procesando tu pedido; los puntos aparecerán en un momento"
        : "We're processing your order; its points will appear shortly";
  }
}

export function thankYouText(points: number, locale: TextLocale): string {
  if (points <= 0) return locale === "es" ? "Este pedido no suma puntos" : "This order earns no points";
  return locale === "es" ? `Este pedido te da ${pts(points, locale)}` : `This order earns you ${pts(points, locale)}`;
}

export function guestText(points: number, locale: TextLocale): string {
  return locale === "es"
    ? `Guardamos tus ${pts(points, locale)}: crea una cuenta con el email de este pedido y serán tuyos.`
    : `We're keeping your ${pts(points, locale)}: create an account with this order's email and they're yours.`;
}

export const SHOPPER_ERRORS = {
  unauthenticated: { es: "Inicia sesión en tu cuenta para ver tus puntos.", en: "Sign in to your account to see your points." },
  not_installed: { es: "Esta tienda no usa Postventa.", en: "This store does not use Postventa." },
  not_enough_points: { es: "No tienes puntos suficientes para esta recompensa.", en: "You don't have enough points for this reward." },
  tier: { es: "Esta recompensa es solo para otros niveles.", en: "This reward is for other tiers only." },
  unknown_reward: { es: "Esta recompensa ya no está disponible.", en: "This reward is no longer available." },
  bad_request: { es: "No pudimos leer la petición: {detail}", en: "We could not read the request: {detail}" },
  not_found: { es: "No encontramos ese pedido en tu cuenta.", en: "We could not find that order in your account." },
  refused: {
    es: "La tienda no pudo crear la recompensa; te devolvimos los puntos.",
    en: "The store could not create the reward; your points were returned.",
  },
  busy: { es: "Hay demasiadas peticiones; inténtalo en unos segundos.", en: "Too many requests; try again in a few seconds." },
  claim_not_found: {
    es: "No encontramos esa garantía o reclamación en tu cuenta.",
    en: "We could not find that warranty or claim in your account.",
  },
  description_missing: { es: "Cuéntanos qué le pasa al producto.", en: "Tell us what is wrong with the item." },
  description_too_short: {
    es: "Cuéntanos qué le pasa con al menos 10 caracteres.",
    en: "Tell us what is wrong in at least 10 characters.",
  },
  description_too_long: {
    es: "La descripción puede tener como mucho 2000 caracteres.",
    en: "The description can be at most 2000 characters.",
  },
  reopened_already: { es: "Esta reclamación ya se reabrió una vez.", en: "This claim was reopened once already." },
  claim_not_allowed: { es: "Esta reclamación no se puede reabrir ahora.", en: "This claim cannot be reopened now." },
  photo_empty: { es: "El archivo de la foto está vacío.", en: "The photo's file is empty." },
  photo_too_large: {
    es: "La foto pesa más de 5 MB. Elige una más pequeña o haz una captura de pantalla.",
    en: "The photo is larger than 5 MB. Choose a smaller one or take a screenshot of it.",
  },
  photo_type: { es: "Solo aceptamos fotos JPEG, PNG o WebP.", en: "Only JPEG, PNG or WebP photos are accepted." },
  photo_too_many: { es: "Una reclamación puede llevar como mucho 3 fotos.", en: "A claim can have at most 3 photos." },
  photo_claim_closed: {
    es: "Esta reclamación ya está cerrada: no se le pueden añadir fotos.",
    en: "This claim is closed: photos can no longer be added to it.",
  },
  no_lines: { es: "Elige al menos un artículo para devolver.", en: "Choose at least one item to return." },
  duplicate_line: { es: "Un artículo aparece dos veces en la devolución.", en: "An item appears twice in the return." },
  unknown_line: { es: "Uno de los artículos no está en este pedido.", en: "One of the items is not in this order." },
  quantity: { es: "Puedes devolver de 1 a {detail} unidades de este artículo.", en: "You can return 1 to {detail} of this item." },
  reason: { es: "Elige uno de los motivos que te ofrecemos.", en: "Choose one of the reasons offered." },
  note_too_long: { es: "La nota puede tener como mucho {detail} caracteres.", en: "The note can be at most {detail} characters." },
  return_refused: {
    es: "La tienda no pudo registrar esta devolución. Inténtalo de nuevo o contacta con la tienda.",
    en: "The store could not register this return. Try again or contact the store.",
  },
} as const;

export type ShopperErrorCode = keyof typeof SHOPPER_ERRORS;

export function errorText(code: ShopperErrorCode, locale: TextLocale, detail = ""): string {
  return SHOPPER_ERRORS[code][locale].replace("{detail}", detail);
}

// Warranty claims.
export function claimUnavailableText(
  reason: "not_started" | "expired" | "voided" | "open_claim",
  coverageEnd: Date | null,
  locale: TextLocale,
): string {
  const es = locale === "es";
  switch (reason) {
    case "not_started":
      return es ? "Podrás reclamar cuando se envíe" : "You can claim it once it ships";
    case "voided":
      return es
        ? "Esta unidad no tiene garantía (reembolsada, cancelada o sin cobertura)"
        : "This unit has no coverage (refunded, cancelled or not covered)";
    case "open_claim":
      return es ? "Ya hay una reclamación abierta para esta unidad" : "There is already an open claim for this unit";
    default:
      return coverageEnd
        ? es
          ? `La garantía terminó el ${formatDate(coverageEnd, locale)}`
          : `Coverage ended on ${formatDate(coverageEnd, locale)}`
        : es
          ? "La garantía terminó"
          : "Coverage has ended";
  }
}

const RESOLUTION_TEXT: Record<string, { es: string; en: string }> = {
  repair: { es: "reparamos tu producto", en: "we'll repair your item" },
  replacement: { es: "te enviamos uno nuevo", en: "we'll send you a replacement" },
  refund: { es: "te devolvemos el dinero", en: "we'll refund you" },
  store_credit: { es: "te damos saldo en la tienda", en: "we'll give you store credit" },
};

export function claimStatusText(
  c: { status: string; resolution: string | null; rejectionReason: string | null },
  locale: TextLocale,
): string {
  const es = locale === "es";
  const resolution = c.resolution ? RESOLUTION_TEXT[c.resolution]?.[locale] : null;
  switch (c.status) {
    case "submitted":
      return es ? "Enviada: la tienda la revisará pronto" : "Sent: the store will review it soon";
    case "in_review":
      return es ? "En revisión" : "In review";
    case "approved":
      return es ? `Aprobada: ${resolution ?? "la tienda te contactará"}` : `Approved: ${resolution ?? "the store will contact you"}`;
    case "rejected":
      return es
        ? `Rechazada${c.rejectionReason ? `: ${c.rejectionReason}` : ""}`
        : `Not accepted${c.rejectionReason ? `: ${c.rejectionReason}` : ""}`;
    default:
      return es ? `Resuelta${resolution ? `: ${resolution}` : ""}` : `Resolved${resolution ? `: ${resolution}` : ""}`;
  }
}

export function claimEventText(
  e: { type: string; actor: string; params: { resolution?: string; draftOrderName?: string } },
  locale: TextLocale,
): string {
  const es = locale === "es";
  const resolution = e.params.resolution ? RESOLUTION_TEXT[e.params.resolution]?.[locale] : null;
  switch (e.type) {
    case "submitted":
      return es ? "Enviaste la reclamación" : "You sent the claim";
    case "review_started":
      return es ? "La tienda empezó a revisarla" : "The store started reviewing it";
    case "approved":
      return es
        ? `La tienda la aprobó${resolution ? `: ${resolution}` : ""}`
        : `The store approved it${resolution ? `: ${resolution}` : ""}`;
    case "rejected":
      return es ? "La tienda no la aceptó" : "The store did not accept it";
    case "resolved":
      return es ? "La tienda la dio por resuelta" : "The store marked it resolved";
    case "reopened":
      if (e.actor === "shopper") return es ? "La reabriste" : "You reopened it";
      return es ? "La tienda la reabrió" : "The store reopened it";
    case "replacement_created":
      return es ? "La tienda preparó tu sustitución, sin cargo" : "The store prepared your replacement, at no charge";
    default:
      return e.type;
  }
}

// Returns.
const RETURN_REASON_TEXT: Record<string, { es: string; en: string }> = {
  size_too_small: { es: "Me queda pequeño", en: "Too small" },
  size_too_large: { es: "Me queda grande", en: "Too large" },
  unwanted: { es: "Ya no lo quiero", en: "Changed my mind" },
  not_as_described: { es: "No es como se describía", en: "Not as described" },
  wrong_item: { es: "Recibí otro artículo", en: "Received the wrong item" },
  defective: { es: "Llegó dañado o defectuoso", en: "Damaged or defective" },
  style: { es: "No me gusta el estilo", en: "Style" },
  color: { es: "No me gusta el color", en: "Color" },
  other: { es: "Otro motivo", en: "Other reason" },
};

/** A return reason in the shopper's words (Shopify names its reasons in English only). */
export function returnReasonText(reason: string, locale: TextLocale): string {
  return (RETURN_REASON_TEXT[reason] ?? RETURN_REASON_TEXT.other)[locale];
}

/** Why a unit cannot go back, or (eligible) until when it can. */
export function returnUnitText(
  u: { eligible: true; deadline: Date } | { eligible: false; reason: string; deadline: Date | null },
  locale: TextLocale,
): string {
  const es = locale === "es";
  if (u.eligible)
    return es ? `Puedes devolverlo hasta el ${formatDate(u.deadline, locale)}` : `Returnable until ${formatDate(u.deadline, locale)}`;
  switch (u.reason) {
    case "final_sale":
      return es ? "Venta final: no admite devolución" : "Final sale: it cannot be returned";
    case "already_returned":
      return es ? "Ya está en una devolución" : "Already in a return";
    case "not_fulfilled":
      return es ? "Podrás devolverlo cuando se envíe" : "You can return it once it ships";
    default:
      return u.deadline
        ? es
          ? `El plazo de devolución terminó el ${formatDate(u.deadline, locale)}`
          : `The return window ended on ${formatDate(u.deadline, locale)}`
        : es
          ? "El plazo de devolución terminó"
          : "The return window has ended";
  }
}

export function returnOutcomeText(outcome: string, bonusPercent: number, locale: TextLocale): { label: string; text: string | null } {
  const es = locale === "es";
  if (outcome === "store_credit")
    return {
      label: es ? "Saldo en la tienda" : "Store credit",
      text:
        bonusPercent > 0
          ? es
            ? `Recibe un ${n(bonusPercent, locale)} % más si eliges saldo en la tienda`
            : `Get ${n(bonusPercent, locale)}% more when you choose store credit`
          : null,
    };
  return { label: es ? "Reembolso" : "Refund", text: es ? "Al método de pago original" : "To your original payment method" };
}

const DECLINE_TEXT: Record<string, { es: string; en: string }> = {
  RETURN_PERIOD_ENDED: { es: "el plazo de devolución había terminado", en: "the return window had ended" },
  FINAL_SALE: { es: "es un artículo de venta final", en: "it is a final-sale item" },
};

export function returnStatusText(
  r: { status: string; declineReason: string | null; declineNote: string | null },
  locale: TextLocale,
): string {
  const es = locale === "es";
  switch (r.status) {
    case "requesting":
      return es ? "Enviándose a la tienda…" : "Being sent to the store…";
    case "failed":
      return es ? "La tienda no pudo registrarla" : "The store could not register it";
    case "requested":
      return es ? "Solicitada: la tienda la revisará pronto" : "Requested: the store will review it soon";
    case "open":
      return es ? "Aprobada: envía los artículos a la tienda" : "Approved: send the items back to the store";
    case "declined": {
      const why = r.declineNote?.trim() || (r.declineReason ? DECLINE_TEXT[r.declineReason]?.[locale] : null);
      return es ? `Rechazada${why ? `: ${why}` : ""}` : `Declined${why ? `: ${why}` : ""}`;
    }
    case "canceled":
      return es ? "Cancelada" : "Canceled";
    default:
      return es ? "Completada" : "Completed";
  }
}

export function returnEventText(e: { kind: string; actor: string }, locale: TextLocale): string {
  const es = locale === "es";
  const bySystem = e.actor === "system";
  switch (e.kind) {
    case "submitted":
      return es ? "Solicitaste la devolución" : "You asked for the return";
    case "requested":
      if (e.actor === "shopify") return es ? "La tienda abrió una devolución" : "The store opened a return";
      return es ? "La tienda recibió la solicitud" : "The store received the request";
    case "approved":
      return bySystem ? (es ? "Aprobada automáticamente" : "Approved automatically") : es ? "La tienda la aprobó" : "The store approved it";
    case "declined":
      return es ? "La tienda la rechazó" : "The store declined it";
    case "canceled":
      return es ? "Se canceló la devolución" : "The return was canceled";
    case "closed":
      return es ? "Se completó la devolución" : "The return was completed";
    case "reopened":
      return es ? "La tienda la reabrió" : "The store reopened it";
    case "processed":
      return es ? "La tienda recibió y procesó los artículos" : "The store received and processed the items";
    case "failed":
      return es ? "La tienda no pudo registrarla" : "The store could not register it";
    default:
      return e.kind;
  }
}
