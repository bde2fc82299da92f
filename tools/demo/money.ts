/**
 * Money for the demo generator: every amount is an integer number of minor units (cents, yen,
 * fils) and becomes a decimal string only on output. Nothing here adds or multiplies binary
 * fractions of money.
 */

/** Integer minor units → decimal string with exactly `minorUnits` decimals ("24.99", "3980", "1.250"). */
export function formatMinor(amount: number, minorUnits: number): string {
  if (!Number.isSafeInteger(amount) || amount < 0) {
    throw new RangeError(`demo money must be a non-negative safe integer of minor units, got ${amount}`);
  }
  if (minorUnits === 0) return String(amount);
  const digits = String(amount).padStart(minorUnits + 1, "0");
  return `${digits.slice(0, digits.length - minorUnits)}.${digits.slice(digits.length - minorUnits)}`;
}

/** 10^minorUnits as an integer. */
export function minorPerMajor(minorUnits: number): number {
  return 10 ** minorUnits;
}

/**
 * Rough value of one US dollar in a few currencies, so that a ¥ store's prices look like ¥3,980
 * and not ¥25. Unknown currencies use 1. Only used once, to pick list prices.
 */
const USD_EXCHANGE: Readonly<Record<string, number>> = {
  USD: 1,
  EUR: 0.92,
  GBP: 0.79,
  CHF: 0.88,
  CAD: 1.37,
  AUD: 1.52,
  NZD: 1.66,
  JPY: 150,
  CNY: 7.2,
  KRW: 1350,
  INR: 83,
  SEK: 10.5,
  NOK: 10.7,
  DKK: 6.9,
  PLN: 4,
  CZK: 23,
  HUF: 360,
  MXN: 17,
  BRL: 5,
  ZAR: 18.5,
  SGD: 1.35,
  HKD: 7.8,
  KWD: 0.31,
  BHD: 0.38,
  OMR: 0.38,
  JOD: 0.71,
  TND: 3.1,
  ISK: 138,
  CLP: 930,
  VND: 25000,
  IDR: 15800,
};

export function usdRate(currency: string): number {
  return USD_EXCHANGE[currency.toUpperCase()] ?? 1;
}

/**
 * A list price in minor units from an approximate amount in major units, rounded the way shops
 * price things: to half units under 10, whole units under 100, fives under 1000, two
 * significant digits above; then usually a "charm" ending one cent below (7.49, 41.99, 149.99,
 * 24.990 KWD). Currencies without cents keep two significant digits and end in 80 (¥3,980).
 * Always >= 1 minor unit.
 */
export function charmPrice(major: number, minorUnits: number, charm: boolean): number {
  const unit = minorPerMajor(minorUnits);
  const raw = Math.max(1, Math.round(major * unit));
  const twoDigits = 10 ** Math.max(0, Math.floor(Math.log10(raw)) - 1);
  let step: number;
  if (minorUnits === 0) step = twoDigits;
  else if (raw < 10 * unit) step = Math.max(1, unit / 2);
  else if (raw < 100 * unit) step = unit;
  else if (raw < 1000 * unit) step = 5 * unit;
  else step = twoDigits;
  const rounded = Math.max(step, Math.round(raw / step) * step);
  if (!charm) return rounded;
  const cent = minorUnits >= 2 ? 10 ** (minorUnits - 2) : minorUnits === 1 ? 1 : step >= 100 ? step / 5 : 0;
  return rounded - cent >= 1 ? rounded - cent : rounded;
}

/** floor(amount × numerator / denominator) for non-negative integers, exactly. */
export function mulDivFloor(amount: number, numerator: number, denominator: number): number {
  const product = amount * numerator;
  if (Number.isSafeInteger(product)) return Math.floor(product / denominator);
  return Number((BigInt(amount) * BigInt(numerator)) / BigInt(denominator));
}

/** round-half-up(amount × basisPoints / 10000) for non-negative integers. */
export function applyBasisPoints(amount: number, basisPoints: number): number {
  return mulDivFloor(amount * 2, basisPoints, 10000) - mulDivFloor(amount, basisPoints, 10000);
}

/**
 * Splits `total` into integer parts proportional to `weights` (largest-remainder, ties to the
 * earliest index). The parts sum exactly to `total`; a zero weight gets zero.
 */
export function allocate(total: number, weights: readonly number[]): number[] {
  const sum = weights.reduce((s, w) => s + w, 0);
  const parts = new Array<number>(weights.length).fill(0);
  if (sum <= 0 || total <= 0) return parts;
  let assigned = 0;
  const remainders: { index: number; remainder: number }[] = [];
  for (let i = 0; i < weights.length; i++) {
    const exact = total * weights[i];
    const part = mulDivFloor(total, weights[i], sum);
    parts[i] = part;
    assigned += part;
    remainders.push({ index: i, remainder: weights[i] === 0 ? -1 : Number.isSafeInteger(exact) ? exact % sum : 0 });
  }
  remainders.sort((x, y) => y.remainder - x.remainder || x.index - y.index);
  for (let k = 0; assigned < total; k++) {
    const r = remainders[k % remainders.length];
    if (weights[r.index] === 0) continue;
    parts[r.index]++;
    assigned++;
  }
  return parts;
}
