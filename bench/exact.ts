/**
 * The benchmark's own exact arithmetic, shared by its two references (the plain-SQL baseline and
 * DuckDB) and apart from the reports' (functions/money): decimal text as bigint 1/10,000ths,
 * rounding once, half away from zero, to the currency's decimals, and SPEC 3.3's sales figures.
 */
import type { SalesFigures } from "../functions/metrics/figures";

export const SCALE = 4;

/** A DECIMAL from MySQL as a bigint of 1/10,000ths; NULL is 0. */
export function dec(text: string | number | null | undefined): bigint {
  if (text === null || text === undefined) return 0n;
  const match = /^(-)?(\d+)(?:\.(\d+))?$/.exec(String(text).trim());
  if (!match) throw new Error(`not a decimal: ${String(text)}`);
  const value = BigInt(match[2]) * 10n ** BigInt(SCALE) + BigInt((match[3] ?? "").slice(0, SCALE).padEnd(SCALE, "0"));
  return match[1] ? -value : value;
}

/** a / b rounded half away from zero. */
export function divRound(a: bigint, b: bigint): bigint {
  const negative = a < 0n !== b < 0n;
  const abs = (a < 0n ? -a : a) * 2n + (b < 0n ? -b : b);
  const q = abs / (2n * (b < 0n ? -b : b));
  return negative ? -q : q;
}

/** An amount (1/10,000ths) as a string with `decimals` places, rounded once, half away from zero. */
export function money(amount: bigint, decimals: number): string {
  return minorString(divRound(amount, 10n ** BigInt(SCALE - decimals)), decimals);
}

function minorString(minor: bigint, decimals: number): string {
  const negative = minor < 0n;
  const digits = (negative ? -minor : minor).toString().padStart(decimals + 1, "0");
  const text = decimals === 0 ? digits : `${digits.slice(0, -decimals)}.${digits.slice(-decimals)}`;
  return negative ? `-${text}` : text;
}

/** amount / count in the currency's minor units, rounded once. */
export function average(amount: bigint, count: number, decimals: number): string {
  if (count === 0) return money(0n, decimals);
  return minorString(divRound(amount, BigInt(count) * 10n ** BigInt(SCALE - decimals)), decimals);
}

export function share(part: number, whole: number): number {
  return whole === 0 ? 0 : Math.round((part / whole) * 10_000) / 10_000;
}

export interface Sums {
  orders: number;
  units: number;
  gross: bigint;
  discounts: bigint;
  shipping: bigint;
  taxes: bigint;
  returns: bigint;
}

export const emptySums = (): Sums => ({
  orders: 0,
  units: 0,
  gross: 0n,
  discounts: 0n,
  shipping: 0n,
  taxes: 0n,
  returns: 0n,
});

/** SPEC 3.3's money figures from exact sums, each rounded once to the currency's decimals. */
export function figures(s: Sums, decimals: number): SalesFigures {
  const net = s.gross - s.discounts - s.returns;
  return {
    orders: s.orders,
    unitsSold: s.units,
    grossSales: money(s.gross, decimals),
    discounts: money(s.discounts, decimals),
    returns: money(s.returns, decimals),
    netSales: money(net, decimals),
    shipping: money(s.shipping, decimals),
    taxes: money(s.taxes, decimals),
    totalSales: money(net + s.shipping + s.taxes, decimals),
    averageOrderValue: average(s.gross - s.discounts, s.orders, decimals),
  };
}
