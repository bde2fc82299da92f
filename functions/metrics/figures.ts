import { minorUnits } from "../money/currency";
import { amountOrZero, formatAmount, formatQuotient, type Amount } from "../money/decimal";

/** Raw sums for a set of counted orders and the returns booked beside them. */
export interface SalesSums {
  orders: number;
  units: number;
  gross: Amount;
  discounts: Amount;
  shipping: Amount;
  taxes: Amount;
  returns: Amount;
}

export const EMPTY_SUMS: SalesSums = {
  orders: 0,
  units: 0,
  gross: 0n,
  discounts: 0n,
  shipping: 0n,
  taxes: 0n,
  returns: 0n,
};

export interface SalesFigures {
  orders: number;
  unitsSold: number;
  grossSales: string;
  discounts: string;
  returns: string;
  netSales: string;
  shipping: string;
  taxes: string;
  totalSales: string;
  averageOrderValue: string;
}

/** SPEC 3.3's money figures, computed exactly and rounded once, to the currency's minor units. */
export function salesFigures(sums: SalesSums, currency: string): SalesFigures {
  const decimals = minorUnits(currency);
  const money = (amount: Amount) => formatAmount(amount, decimals);
  const net = sums.gross - sums.discounts - sums.returns;
  return {
    orders: sums.orders,
    unitsSold: sums.units,
    grossSales: money(sums.gross),
    discounts: money(sums.discounts),
    returns: money(sums.returns),
    netSales: money(net),
    shipping: money(sums.shipping),
    taxes: money(sums.taxes),
    totalSales: money(net + sums.shipping + sums.taxes),
    averageOrderValue: formatQuotient(sums.gross - sums.discounts, BigInt(sums.orders), decimals),
  };
}

/** A ratio rounded to 4 decimals (not money: a plain JSON number). */
export function ratio(part: number, whole: number): number {
  return whole === 0 ? 0 : Math.round((part / whole) * 10_000) / 10_000;
}

export interface OrderSumsRow {
  orders: string | number | null;
  units: string | number | null;
  gross: string | null;
  discounts: string | null;
  shipping: string | null;
  taxes: string | null;
}

export function sumsFromRows(orderRow: OrderSumsRow | undefined, returns: string | null | undefined): SalesSums {
  return {
    orders: Number(orderRow?.orders ?? 0),
    units: Number(orderRow?.units ?? 0),
    gross: amountOrZero(orderRow?.gross),
    discounts: amountOrZero(orderRow?.discounts),
    shipping: amountOrZero(orderRow?.shipping),
    taxes: amountOrZero(orderRow?.taxes),
    returns: amountOrZero(returns),
  };
}
