/**
 * Money arrives as decimal strings ("1234.50", "-12.00", at most 4 decimals). What the dashboard computes from it
 * (comparisons, changes) it computes in bigint ten-thousandths, never in binary floats.
 */
const SCALE = 4;
const DECIMAL = /^(-?)(\d+)(?:\.(\d{1,4}))?$/;

/** A decimal string or an integer as ten-thousandths. */
export function toUnits(value: string | number): bigint {
  if (typeof value === "number") {
    if (!Number.isSafeInteger(value)) throw new RangeError(`not an integer: ${value}`);
    return BigInt(value) * 10n ** BigInt(SCALE);
  }
  const match = DECIMAL.exec(value);
  if (!match) throw new RangeError(`not a decimal string: ${JSON.stringify(value)}`);
  const units = BigInt(match[2] + (match[3] ?? "").padEnd(SCALE, "0"));
  return match[1] === "-" ? -units : units;
}

export function compareDecimal(a: string | number, b: string | number): number {
  const difference = toUnits(a) - toUnits(b);
  return difference > 0n ? 1 : difference < 0n ? -1 : 0;
}

/** a / b as a decimal string of `digits` decimals, rounded half away from zero; b must not be 0. */
export function divide(a: bigint, b: bigint, digits: number): string {
  if (b === 0n) throw new RangeError("division by zero");
  const negative = a < 0n !== b < 0n && a !== 0n;
  const [numerator, denominator] = [abs(a) * 10n ** BigInt(digits), abs(b)];
  const rounded = (numerator * 2n + denominator) / (denominator * 2n);
  const text = rounded.toString().padStart(digits + 1, "0");
  const whole = text.slice(0, text.length - digits);
  const fraction = digits > 0 ? `.${text.slice(text.length - digits)}` : "";
  return `${negative && rounded !== 0n ? "-" : ""}${whole}${fraction}`;
}

export function abs(value: bigint): bigint {
  return value < 0n ? -value : value;
}
