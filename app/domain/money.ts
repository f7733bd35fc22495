// Decimal strings from Shopify → integer minor units, exactly (no float multiplication).
export class MoneyError extends Error {}

const ZERO_DECIMALS = new Set(["JPY", "KRW", "CLP", "VND", "ISK", "PYG", "UGX", "XAF", "XOF"]);
const THREE_DECIMALS = new Set(["BHD", "KWD", "OMR", "JOD", "TND", "IQD", "LYD"]);

export function minorUnitExponent(currency: string): number {
  const c = currency.toUpperCase();
  return ZERO_DECIMALS.has(c) ? 0 : THREE_DECIMALS.has(c) ? 3 : 2;
}

export function toMinor(amount: string | number | null | undefined, currency: string): number {
  if (amount === null || amount === undefined || amount === "") return 0;
  const text = String(amount).trim();
  const match = /^(-)?(\d+)(?:\.(\d+))?$/.exec(text);
  if (!match) throw new MoneyError(`"${text}" is not a decimal amount`);
  const exp = minorUnitExponent(currency);
  const frac = (match[3] ?? "").padEnd(exp + 1, "0");
  let minor = Number(match[2]) * 10 ** exp + Number(frac.slice(0, exp) || "0");
  if (Number(frac[exp]) >= 5) minor += 1; // half away from zero (sign applied after)
  return match[1] ? -minor : minor;
}
