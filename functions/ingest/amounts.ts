import type { ErrorDetail } from "../http/errors";
import { parseAmount, SCALE, toDecimalString, type Amount } from "../money/decimal";
import { MAX_MONEY_TEXT } from "./fields";
import { detail } from "./validate";

/**
 * The most an order's lines (quantity x unitPrice), shipping and tax may add up to, and so the
 * most any of its stored figures (gross sales, discounts, total, a line's gross) can be: 10^12.
 * Far above any real basket, far below DECIMAL(19,4)'s limit (10^15); rollup sums are
 * DECIMAL(28,4), so a rollup row could only overflow after 10^12 such orders.
 */
export const MAX_ORDER_AMOUNT: Amount = parseAmount(MAX_MONEY_TEXT);

/**
 * Reads a money field (text the `money` schema accepted) in the store's currency: an amount
 * with more decimals than the currency has (trailing zeros aside) is named in `details` and
 * read as 0, so the caller goes on collecting problems and never parses what it cannot store.
 */
export function readMoney(
  value: string | undefined,
  decimals: number,
  path: (string | number)[],
  details: ErrorDetail[],
): Amount {
  if (value === undefined) return 0n;
  const allowed = Math.min(decimals, SCALE);
  const fraction = (value.split(".")[1] ?? "").replace(/0+$/, "");
  if (fraction.length > allowed) {
    details.push(
      detail(
        path,
        allowed === 0
          ? "must be a whole amount in this currency"
          : `must have at most ${allowed} decimals in this currency`,
      ),
    );
    return 0n;
  }
  return parseAmount(value);
}

export const dbMoney = toDecimalString;
