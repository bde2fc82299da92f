/**
 * Exact money arithmetic: amounts are bigints counting 1/10,000ths of a currency unit, the
 * scale of the database's DECIMAL(19,4) columns. No value ever passes through a float.
 */
export type Amount = bigint;

export const SCALE = 4;
const UNIT = 10n ** BigInt(SCALE);
const DECIMAL = /^(-)?(\d+)(?:\.(\d+))?$/;

/** Parses a decimal string such as "12.5" or "-0.0300" (as MySQL returns DECIMAL). */
export function parseAmount(text: string): Amount {
  const match = DECIMAL.exec(text.trim());
  if (!match) throw new Error(`not a decimal: ${JSON.stringify(text)}`);
  const [, sign, whole, fraction = ""] = match;
  if (fraction.length > SCALE && /[^0]/.test(fraction.slice(SCALE))) {
    throw new Error(`more than ${SCALE} decimals: ${text}`);
  }
  const value = BigInt(whole) * UNIT + BigInt(fraction.slice(0, SCALE).padEnd(SCALE, "0"));
  return sign ? -value : value;
}

/** A database aggregate: NULL (no rows) is zero. */
export function amountOrZero(text: string | null | undefined): Amount {
  return text === null || text === undefined ? 0n : parseAmount(text);
}

/**
 * amount / divisor formatted with `decimals` places, rounded once (half away from zero) from the
 * exact quotient: rounding first to the amount's scale and then to the currency's would be off
 * by one minor unit whenever the first rounding lands on a half.
 */
export function formatQuotient(amount: Amount, divisor: bigint, decimals: number): string {
  if (divisor === 0n) return formatAmount(0n, decimals);
  const negative = amount < 0n !== divisor < 0n;
  const a = amount < 0n ? -amount : amount;
  const d = divisor < 0n ? -divisor : divisor;
  // quotient in minor units = a / (d * 10^(SCALE - decimals)), rounded half up on magnitudes
  const denominator = d * 10n ** BigInt(SCALE - decimals);
  const rounded = (a * 2n + denominator) / (2n * denominator);
  return formatAmount((negative ? -rounded : rounded) * 10n ** BigInt(SCALE - decimals), decimals);
}

/** Formats with exactly `decimals` places (0..4), rounding half away from zero. */
export function formatAmount(amount: Amount, decimals: number): string {
  const step = 10n ** BigInt(SCALE - decimals);
  const negative = amount < 0n;
  const rounded = ((negative ? -amount : amount) * 2n + step) / (2n * step);
  const digits = rounded.toString().padStart(decimals + 1, "0");
  const whole = decimals === 0 ? digits : digits.slice(0, -decimals);
  const fraction = decimals === 0 ? "" : `.${digits.slice(-decimals)}`;
  return `${negative && rounded !== 0n ? "-" : ""}${whole}${fraction}`;
}

/** The database literal for an amount (scale 4). */
export function toDecimalString(amount: Amount): string {
  return formatAmount(amount, SCALE);
}
