import type { Kysely, Transaction } from "kysely";
import type { Database, NewOrder, NewOrderLine, Store } from "../db/schema";
import { insertRows } from "../db/insert-rows";
import { chunk, inTransaction } from "../db/transaction";
import { withinColumnLimits } from "./column-limits";
import { badRequest, unprocessable, type ErrorDetail } from "../http/errors";
import { minorUnits } from "../money/currency";
import { amountOrZero, parseAmount } from "../money/decimal";
import { openRollups, type LineContribution, type OrderContribution, type RollupWriter } from "../rollups";
import { dbMoney, MAX_ORDER_AMOUNT, readMoney } from "./amounts";
import { MAX_MONEY_TEXT } from "./fields";
import type { OrderInput } from "./schemas";
import { detail, rejectDuplicateIds } from "./validate";

export interface OrdersResult {
  created: number;
  updated: number;
}

interface PreparedOrder {
  order: NewOrder;
  lines: NewOrderLine[];
  /** what the order and its lines count in the rollups when paid, amounts as parsed */
  counted: OrderContribution;
  countedLines: LineContribution[];
}

/** Everything about an order that can be checked without the database: 400 for any problem. */
function prepareOrders(store: Store, orders: readonly OrderInput[]): PreparedOrder[] {
  rejectDuplicateIds(orders, "orders");
  const decimals = minorUnits(store.currency);
  const details: ErrorDetail[] = [];
  const now = new Date();
  const prepared = orders.map((input, index) => {
    const at = (...path: (string | number)[]) => ["orders", index, ...path];
    const [orderDiscount, shipping, tax] = (["discount", "shipping", "tax"] as const).map((field) =>
      readMoney(input[field], decimals, at(field), details),
    );
    let gross = 0n;
    let lineDiscounts = 0n;
    let units = 0;
    const countedLines: LineContribution[] = [];
    const lines = input.lines.map((line, lineIndex) => {
      const unitPrice = readMoney(line.unitPrice, decimals, at("lines", lineIndex, "unitPrice"), details);
      const lineDiscount = readMoney(line.discount, decimals, at("lines", lineIndex, "discount"), details);
      const lineGross = unitPrice * BigInt(line.quantity);
      if (lineDiscount > lineGross)
        details.push(detail(at("lines", lineIndex, "discount"), "must not exceed quantity x unitPrice"));
      gross += lineGross;
      lineDiscounts += lineDiscount;
      units += line.quantity;
      countedLines.push({
        order_id: input.id,
        product_id: line.productId,
        quantity: line.quantity,
        gross: lineGross,
        discount: lineDiscount,
        created_at: input.createdAt,
      });
      return {
        store_id: store.id,
        order_id: input.id,
        line_no: lineIndex,
        product_id: line.productId,
        quantity: line.quantity,
        unit_price: dbMoney(unitPrice),
        gross: dbMoney(lineGross),
        discount: dbMoney(lineDiscount),
        created_at: input.createdAt,
        status: input.status,
      };
    });
    if (orderDiscount > gross - lineDiscounts)
      details.push(detail(at("discount"), "must not exceed the lines' total after their discounts"));
    const discounts = lineDiscounts + orderDiscount;
    // Bounds every stored figure of the order (discounts <= gross), so none can overflow a column.
    if (gross + shipping + tax > MAX_ORDER_AMOUNT) {
      details.push(
        detail(
          at(),
          `the order's lines (quantity x unitPrice), shipping and tax add up to more than ${MAX_MONEY_TEXT}`,
        ),
      );
    }
    const total = gross - discounts + shipping + tax;
    const order: NewOrder = {
      store_id: store.id,
      id: input.id,
      customer_id: input.customerId ?? null,
      created_at: input.createdAt,
      currency: input.currency,
      status: input.status,
      channel: input.channel ?? null,
      units,
      gross_sales: dbMoney(gross),
      discounts: dbMoney(discounts),
      shipping: dbMoney(shipping),
      taxes: dbMoney(tax),
      total: dbMoney(total),
      updated_at: now,
    };
    const counted = { created_at: input.createdAt, units, gross, discounts, shipping, taxes: tax };
    return { order, lines, counted, countedLines };
  });
  if (details.length > 0) throw badRequest("the request is invalid; nothing was stored", details);

  const mismatched = orders.flatMap((input, index) =>
    input.currency === store.currency
      ? []
      : [detail(["orders", index, "currency"], `must be the store's currency ${store.currency}`)],
  );
  if (mismatched.length > 0)
    throw unprocessable("CURRENCY_MISMATCH", "orders must be in the store's currency; nothing was stored", mismatched);
  return prepared;
}

/**
 * Creates or replaces orders, all or nothing. A re-sent id replaces the order and its lines
 * (e.g. a cancellation), so a replay never counts twice. An order may not drop below what
 * has already been refunded on it.
 */
export async function ingestOrders(
  db: Kysely<Database>,
  store: Store,
  orders: readonly OrderInput[],
): Promise<OrdersResult> {
  const prepared = prepareOrders(store, orders).sort((a, b) =>
    a.order.id < b.order.id ? -1 : a.order.id > b.order.id ? 1 : 0,
  );
  const ids = prepared.map((p) => p.order.id);
  const indexOf = new Map(orders.map((o, index) => [o.id, index]));

  return withinColumnLimits(() =>
    inTransaction(db, async (trx) => {
      const rollups = await openRollups(trx, store);
      const existing = await trx
        .selectFrom("orders")
        .select(["id", "customer_id", "status", "created_at", "units", "gross_sales", "discounts", "shipping", "taxes"])
        .where("store_id", "=", store.id)
        .where("id", "in", ids)
        .forUpdate()
        .execute();
      const existingIds = existing.map((row) => row.id);
      if (existingIds.length > 0) await assertNotBelowRefunds(trx, store.id, existingIds, prepared, indexOf);
      await upsertCustomers(trx, store.id, orders);
      const writing = prepared.map(({ order, counted }) => ({
        id: order.id,
        customer_id: order.customer_id ?? null,
        status: order.status,
        created_at: counted.created_at,
        sales: counted.gross - counted.discounts,
      }));
      const prevPaidAt = await rollups.customerOrders(existing, writing);
      if (existingIds.length > 0) {
        await moveRefundsWithStatus(trx, rollups, existing, prepared);
        for (const old of existing) if (old.status === "paid") rollups.order(storedOrder(old), -1);
        const paidIds = existing.filter((o) => o.status === "paid").map((o) => o.id);
        if (paidIds.length > 0) {
          const oldLines = await trx
            .selectFrom("order_lines")
            .select(["order_id", "product_id", "quantity", "gross", "discount", "created_at"])
            .where("store_id", "=", store.id)
            .where("order_id", "in", paidIds)
            .execute();
          rollups.orderLines(
            oldLines.map((line) => ({ ...line, gross: parseAmount(line.gross), discount: parseAmount(line.discount) })),
            -1,
          );
        }
        await trx
          .deleteFrom("order_lines")
          .where("store_id", "=", store.id)
          .where("order_id", "in", existingIds)
          .execute();
        await trx.deleteFrom("orders").where("store_id", "=", store.id).where("id", "in", existingIds).execute();
      }
      for (const { order, counted, countedLines } of prepared) {
        if (order.status !== "paid") continue;
        rollups.order(counted, 1);
        rollups.orderLines(countedLines, 1);
      }
      const rows = prepared.map((p) => ({ ...p.order, prev_paid_at: prevPaidAt.get(p.order.id) ?? null }));
      await insertRows(trx, "orders", rows);
      await insertRows(
        trx,
        "order_lines",
        prepared.flatMap((p) => p.lines),
      );
      await upsertProducts(trx, store.id, orders);
      await rollups.apply();
      return { created: prepared.length - existingIds.length, updated: existingIds.length };
    }),
  );
}

/** A stored order's contribution, its amounts parsed from the database's decimals. */
function storedOrder(row: {
  created_at: Date;
  units: number;
  gross_sales: string;
  discounts: string;
  shipping: string;
  taxes: string;
}): OrderContribution {
  return {
    created_at: row.created_at,
    units: row.units,
    gross: parseAmount(row.gross_sales),
    discounts: parseAmount(row.discounts),
    shipping: parseAmount(row.shipping),
    taxes: parseAmount(row.taxes),
  };
}

async function assertNotBelowRefunds(
  trx: Transaction<Database>,
  storeId: number,
  existingIds: string[],
  prepared: PreparedOrder[],
  indexOf: Map<string, number>,
): Promise<void> {
  const refunded = await trx
    .selectFrom("refunds")
    .select(({ fn }) => ["order_id", fn.sum<string>("amount").as("refunded")])
    .where("store_id", "=", storeId)
    .where("order_id", "in", existingIds)
    .groupBy("order_id")
    .execute();
  const totals = new Map(prepared.map((p) => [p.order.id, amountOrZero(p.order.total)]));
  const details = refunded.flatMap((row) =>
    amountOrZero(row.refunded) > (totals.get(row.order_id) ?? 0n)
      ? [
          detail(
            ["orders", indexOf.get(row.order_id) ?? 0],
            `its total is below the ${row.refunded} already refunded on it`,
          ),
        ]
      : [],
  );
  if (details.length > 0)
    throw unprocessable("BELOW_REFUNDED", "an order cannot total less than its refunds; nothing was stored", details);
}

/**
 * Returns count only on paid orders: an order that becomes cancelled takes its refunds out of
 * the rollup, one that becomes paid again brings them back, each on its refund's own date.
 */
async function moveRefundsWithStatus(
  trx: Transaction<Database>,
  rollups: RollupWriter,
  existing: readonly { id: string; status: string }[],
  prepared: readonly PreparedOrder[],
): Promise<void> {
  const storeId = rollups.store.id;
  const newStatus = new Map(prepared.map((p) => [p.order.id, p.order.status]));
  const changed = new Map(
    existing
      .filter((o) => o.status !== newStatus.get(o.id))
      .map((o) => [o.id, newStatus.get(o.id) === "paid" ? 1 : -1] as const),
  );
  if (changed.size === 0) return;
  const [refunds, refundLines] = await Promise.all([
    trx
      .selectFrom("refunds")
      .select(["order_id", "created_at", "amount"])
      .where("store_id", "=", storeId)
      .where("order_id", "in", [...changed.keys()])
      .execute(),
    trx
      .selectFrom("refund_lines")
      .select(["order_id", "product_id", "created_at", "amount"])
      .where("store_id", "=", storeId)
      .where("order_id", "in", [...changed.keys()])
      .execute(),
  ]);
  for (const refund of refunds)
    rollups.refund(
      { created_at: refund.created_at, amount: parseAmount(refund.amount) },
      changed.get(refund.order_id)!,
    );
  for (const line of refundLines)
    rollups.refundLine({ ...line, amount: parseAmount(line.amount) }, changed.get(line.order_id)!);
}

/** The catalogue follows the orders: the latest name and category sent for a product win. */
async function upsertProducts(
  trx: Transaction<Database>,
  storeId: number,
  orders: readonly OrderInput[],
): Promise<void> {
  const products = new Map<string, { name: string; category: string | null }>();
  for (const order of orders) {
    for (const line of order.lines)
      products.set(line.productId, { name: line.productName, category: line.category ?? null });
  }
  // Only new products and changed names or categories are written: an unchanged row is neither
  // updated nor locked, so concurrent batches selling the same products do not queue on them.
  const ids = [...products.keys()].sort();
  for (const part of chunk(ids)) {
    const stored = await trx
      .selectFrom("products")
      .select(["id", "name", "category"])
      .where("store_id", "=", storeId)
      .where("id", "in", part)
      .execute();
    for (const row of stored) {
      const sent = products.get(row.id);
      if (sent && sent.name === row.name && sent.category === row.category) products.delete(row.id);
    }
  }
  const now = new Date();
  const rows = [...products.entries()]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([id, p]) => ({ store_id: storeId, id, name: p.name, category: p.category, updated_at: now }));
  await insertRows(trx, "products", rows, { name: "replace", category: "replace", updated_at: "replace" });
}

async function upsertCustomers(
  trx: Transaction<Database>,
  storeId: number,
  orders: readonly OrderInput[],
): Promise<void> {
  const firstSeen = new Map<string, Date>();
  for (const order of orders) {
    if (!order.customerId) continue;
    const seen = firstSeen.get(order.customerId);
    if (!seen || order.createdAt < seen) firstSeen.set(order.customerId, order.createdAt);
  }
  const rows = [...firstSeen.entries()]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([id, at]) => ({ store_id: storeId, id, first_seen_at: at }));
  await insertRows(trx, "customers", rows, { first_seen_at: "least" });
}
