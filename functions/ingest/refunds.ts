import type { Kysely, Transaction } from "kysely";
import type { Database, NewRefund, NewRefundLine, Store } from "../db/schema";
import { insertRows } from "../db/insert-rows";
import { inTransaction } from "../db/transaction";
import { withinColumnLimits } from "./column-limits";
import { badRequest, unprocessable, type ErrorDetail } from "../http/errors";
import { minorUnits } from "../money/currency";
import { amountOrZero, parseAmount, type Amount } from "../money/decimal";
import { openRollups, type RefundLineContribution } from "../rollups";
import { dbMoney, readMoney } from "./amounts";
import type { RefundInput } from "./schemas";
import { detail, rejectDuplicateIds } from "./validate";

export interface RefundsResult {
  created: number;
  updated: number;
}

interface PreparedRefund {
  index: number;
  refund: NewRefund;
  lines: NewRefundLine[];
  amount: Amount;
  createdAt: Date;
  /** the lines' returns as the rollups count them, amounts as parsed */
  countedLines: RefundLineContribution[];
}

function prepareRefunds(store: Store, refunds: readonly RefundInput[]): PreparedRefund[] {
  rejectDuplicateIds(refunds, "refunds");
  const decimals = minorUnits(store.currency);
  const details: ErrorDetail[] = [];
  const prepared = refunds.map((input, index) => {
    const before = details.length;
    const total = readMoney(input.amount, decimals, ["refunds", index, "amount"], details);
    if (total <= 0n && details.length === before)
      details.push(detail(["refunds", index, "amount"], "must be greater than 0"));
    let linesTotal = 0n;
    const countedLines: RefundLineContribution[] = [];
    const lines = (input.lines ?? []).map((line, lineIndex) => {
      const lineAmount = readMoney(line.amount, decimals, ["refunds", index, "lines", lineIndex, "amount"], details);
      linesTotal += lineAmount;
      countedLines.push({ product_id: line.productId, created_at: input.createdAt, amount: lineAmount });
      return {
        store_id: store.id,
        refund_id: input.id,
        line_no: lineIndex,
        order_id: input.orderId,
        product_id: line.productId,
        quantity: line.quantity,
        amount: dbMoney(lineAmount),
        created_at: input.createdAt,
      };
    });
    if (linesTotal > total)
      details.push(detail(["refunds", index, "lines"], "the lines' amounts add up to more than the refund's amount"));
    const refund = {
      store_id: store.id,
      id: input.id,
      order_id: input.orderId,
      created_at: input.createdAt,
      amount: dbMoney(total),
    };
    return { index, refund, lines, amount: total, createdAt: input.createdAt, countedLines };
  });
  if (details.length > 0) throw badRequest("the request is invalid; nothing was stored", details);
  return prepared;
}

/**
 * Creates or replaces refunds, all or nothing. Each must name an order of this store, be
 * dated no earlier than it, refund only products on it, and keep the order's refunds within
 * what was paid. The orders are locked first, so concurrent refunds of one order cannot
 * together exceed it.
 */
export async function ingestRefunds(
  db: Kysely<Database>,
  store: Store,
  refunds: readonly RefundInput[],
): Promise<RefundsResult> {
  const prepared = prepareRefunds(store, refunds);
  const orderIds = [...new Set(prepared.map((p) => p.refund.order_id))].sort();
  const refundIds = prepared.map((p) => p.refund.id);

  return withinColumnLimits(() =>
    inTransaction(db, async (trx) => {
      const rollups = await openRollups(trx, store);
      const existing = await trx
        .selectFrom("refunds")
        .select(["id", "order_id", "created_at", "amount"])
        .where("store_id", "=", store.id)
        .where("id", "in", refundIds)
        .forUpdate()
        .execute();
      const existingIds = existing.map((r) => r.id);
      // The orders of the new refunds and of the ones they replace: their status decides the rollup.
      const lockIds = [...new Set([...orderIds, ...existing.map((r) => r.order_id)])].sort();
      const orders = await trx
        .selectFrom("orders")
        .select(["id", "customer_id", "created_at", "total", "status"])
        .where("store_id", "=", store.id)
        .where("id", "in", lockIds)
        .orderBy("id")
        .forUpdate()
        .execute();
      const orderById = new Map(orders.map((o) => [o.id, o]));
      const products = await orderedProducts(trx, store.id, orderIds);

      const details: ErrorDetail[] = [];
      for (const p of prepared) {
        const order = orderById.get(p.refund.order_id);
        if (!order) {
          details.push(detail(["refunds", p.index, "orderId"], "no such order in this store"));
          continue;
        }
        if (p.createdAt < order.created_at) {
          details.push(detail(["refunds", p.index, "createdAt"], "is before the order was created"));
        }
        p.lines.forEach((line, lineIndex) => {
          if (!products.get(p.refund.order_id)?.has(line.product_id)) {
            details.push(detail(["refunds", p.index, "lines", lineIndex, "productId"], "is not on the order"));
          }
        });
      }
      if (details.length > 0)
        throw unprocessable("INVALID_REFERENCE", "a refund does not fit its order; nothing was stored", details);

      await assertWithinPaid(trx, store.id, prepared, orderById, refundIds);
      const replacedLines = existingIds.length
        ? await trx
            .selectFrom("refund_lines")
            .select(["order_id", "product_id", "created_at", "amount"])
            .where("store_id", "=", store.id)
            .where("refund_id", "in", existingIds)
            .execute()
        : [];
      if (existingIds.length > 0) {
        await trx
          .deleteFrom("refund_lines")
          .where("store_id", "=", store.id)
          .where("refund_id", "in", existingIds)
          .execute();
        await trx.deleteFrom("refunds").where("store_id", "=", store.id).where("id", "in", existingIds).execute();
      }
      await insertRows(
        trx,
        "refunds",
        prepared.map((p) => p.refund),
      );
      await insertRows(
        trx,
        "refund_lines",
        prepared.flatMap((p) => p.lines),
      );
      const paid = (orderId: string) => orderById.get(orderId)?.status === "paid";
      const replaced = existing.map((r) => ({
        order_id: r.order_id,
        created_at: r.created_at,
        amount: parseAmount(r.amount),
      }));
      const written = prepared.map((p) => ({ order_id: p.refund.order_id, created_at: p.createdAt, amount: p.amount }));
      for (const old of replaced) if (paid(old.order_id)) rollups.refund(old, -1);
      for (const line of replacedLines)
        if (paid(line.order_id)) rollups.refundLine({ ...line, amount: parseAmount(line.amount) }, -1);
      for (const [i, { refund, countedLines }] of prepared.entries()) {
        if (!paid(refund.order_id)) continue;
        rollups.refund(written[i], 1);
        for (const line of countedLines) rollups.refundLine(line, 1);
      }
      await rollups.cohortReturns(replaced, written, orderById);
      await rollups.apply();
      return { created: prepared.length - existingIds.length, updated: existingIds.length };
    }),
  );
}

async function orderedProducts(
  trx: Transaction<Database>,
  storeId: number,
  orderIds: string[],
): Promise<Map<string, Set<string>>> {
  const rows = await trx
    .selectFrom("order_lines")
    .select(["order_id", "product_id"])
    .where("store_id", "=", storeId)
    .where("order_id", "in", orderIds)
    .execute();
  const byOrder = new Map<string, Set<string>>();
  for (const row of rows) {
    let set = byOrder.get(row.order_id);
    if (!set) byOrder.set(row.order_id, (set = new Set()));
    set.add(row.product_id);
  }
  return byOrder;
}

/** The order's other refunds plus this batch's may not exceed what the customer paid. */
async function assertWithinPaid(
  trx: Transaction<Database>,
  storeId: number,
  prepared: PreparedRefund[],
  orderById: Map<string, { total: string }>,
  replacedIds: string[],
): Promise<void> {
  const orderIds = [...orderById.keys()];
  const earlier = await trx
    .selectFrom("refunds")
    .select(({ fn }) => ["order_id", fn.sum<string>("amount").as("refunded")])
    .where("store_id", "=", storeId)
    .where("order_id", "in", orderIds)
    .where("id", "not in", replacedIds)
    .groupBy("order_id")
    .execute();
  const refunded = new Map(earlier.map((row) => [row.order_id, amountOrZero(row.refunded)]));
  const details: ErrorDetail[] = [];
  for (const p of prepared) {
    const orderId = p.refund.order_id;
    const after = (refunded.get(orderId) ?? 0n) + p.amount;
    refunded.set(orderId, after);
    const paid = amountOrZero(orderById.get(orderId)?.total);
    if (after > paid) {
      details.push(
        detail(
          ["refunds", p.index, "amount"],
          `the order's refunds would total more than the ${orderById.get(orderId)?.total} paid`,
        ),
      );
    }
  }
  if (details.length > 0)
    throw unprocessable("REFUND_EXCEEDS_PAID", "refunds may not exceed what was paid; nothing was stored", details);
}
