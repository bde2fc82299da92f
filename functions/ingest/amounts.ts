import type { ErrorDetail } from "../http/errors";
import { parseAmount, toDecimalString, type Amount } from "../money/decimal";
import { detail } from "./validate";

/** The most a single order may total: far above any real basket, far below DECIMAL(19,4)'s limit. */
export const MAX_ORDER_TOTAL: Amount = parseAmount("1000000000000");

/** Checks that an amount has no more decimals than the store's currency allows. */
export function checkDecimals(value: string | undefined, decimals: number, path: (string | number)[], details: ErrorDetail[]): void {
  if (value === undefined) return;
  const fraction = value.split(".")[1] ?? "";
  if (fraction.replace(/0+$/, "").length > decimals) {
    details.push(detail(path, decimals === 0 ? "must be a whole amount in this currency" : `must have at most ${decimals} decimals in this currency`));
  }
}

export const amount = (value: string | undefined): Amount => (value === undefined ? 0n : parseAmount(value));
export const dbMoney = toDecimalString;
