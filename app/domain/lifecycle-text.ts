// The shopper's sentences for care, maintenance and points expiry, in their language. Pure.
import { formatDate, type TextLocale } from "./shopper-text";

export function maintenanceText(nextMaintenance: string, locale: TextLocale): string {
  const when = formatDate(`${nextMaintenance}T00:00:00.000Z`, locale);
  return locale === "es" ? `Próximo mantenimiento: ${when}` : `Next maintenance: ${when}`;
}

/** "Your 420 points expire on 3 May 2027 unless you order or redeem before then". */
export function pointsExpiryText(balance: number, expiresOn: string, locale: TextLocale): string {
  const when = formatDate(`${expiresOn}T00:00:00.000Z`, locale);
  return locale === "es"
    ? `${balance === 1 ? "Tu punto caduca" : `Tus ${balance} puntos caducan`} el ${when} si no compras ni canjeas antes`
    : `${balance === 1 ? "Your point expires" : `Your ${balance} points expire`} on ${when} unless you order or redeem before then`;
}
