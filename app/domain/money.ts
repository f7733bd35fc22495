// Decimal strings from Shopify → integer minor units, exactly (no float multiplication).
export class MoneyError extends Error {}

const ZERO_DECIMALS = new Set(["JPY", "KRW", "CLP", "VND", "ISK", "PYG", "UGX", "XAF", "XOF"]);
const THREE_DECIMALS = new Set(["BHD", "KWD", "OMR", "JOD", "TND", "IQD", "LYD"]);

export function minorUnitExponent(currency: string): number {
  const c = currency.toUpperCase();
  return ZERO_DECIMALS.has(c) ? 0 : THREE_DECIMALS.has(c) ? 3 : 2;
}

// Integer minor units → the decimal string ("1234.50" for 123450 USD), exactly: no float division.
export function fromMinor(minor: number, currency: string): string {
  const exp = minorUnitExponent(currency);
  const digits = String(Math.abs(Math.trunc(minor))).padStart(exp + 1, "0");
  const text = exp ? `${digits.slice(0, -exp)}.${digits.slice(-exp)}` : digits;
  return minor < 0 ? `-${text}` : text;
}

// Quoted and cut short: the text may be huge or hold control characters, and messages get stored.
const shown = (text: string) => JSON.stringify(text.length > 40 ? `${text.slice(0, 40)}…` : text);

export function toMinor(amount: string | number | null | undefined, currency: string): number {
  if (amount === null || amount === undefined || amount === "") return 0;
  const text = String(amount).trim();
  const match = /^(-)?(\d+)(?:\.(\d+))?$/.exec(text);
  if (!match) throw new MoneyError(`${shown(text)} is not a decimal amount`);
  const exp = minorUnitExponent(currency);
  const whole = match[2].replace(/^0+(?=\d)/, "");
  // More digits than a safe integer has: refuse before any arithmetic could round.
  if (whole.length + exp > 16) throw new MoneyError(`${shown(text)} is too large an amount`);
  const frac = (match[3] ?? "").padEnd(exp + 1, "0");
  let minor = BigInt(whole) * 10n ** BigInt(exp) + BigInt(frac.slice(0, exp) || "0");
  if (Number(frac[exp]) >= 5) minor += 1n; // half away from zero (sign applied after)
  if (minor > BigInt(Number.MAX_SAFE_INTEGER)) throw new MoneyError(`${shown(text)} is too large an amount`);
  const n = Number(minor);
  return match[1] && n !== 0 ? -n : n;
}
