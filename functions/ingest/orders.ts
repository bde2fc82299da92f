import { sql, type Kysely, type Transaction } from "kysely";
import type { Database, NewOrder, NewOrderLine, Store } from "../db/schema";
import { chunk, inTransaction } from "../db/transaction";
import { withinColumnLimits } from "./column-limits";
import { badRequest, unprocessable, type ErrorDetail } from "../http/errors";
import { minorUnits } from "../money/currency";
import { amountOrZero } from "../money/decimal";
import { openRollups, type LineContribution, type OrderContribution, type RollupWriter } from "../rollups";
import { maintainCustomerTimelines } from "./customer-timelines";
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
}

/** Everything about an order that can be checked without the database: 400 for any problem. */
function prepareOrders(store: Store, orders: readonly OrderInput[]): PreparedOrder[] {
  rejectDuplicateIds(orders, "orders");
  const decimals = minorUnits(store.currency);
  const details: ErrorDetail[] = [];
  const now = new Date();
  const prepared = orders.map((input, index) => {
    const at = (...path: (string | number)[]) => ["orders", index, ...path];
    const [orderDiscount, shipping, tax] = (["discount", "shipping", "tax"] as const).map((field) => readMoney(input[field], decimals, at(field), details));
    let gross = 0n;
    let lineDiscounts = 0n;
    let units = 0;
    const lines = input.lines.map((line, lineIndex) => {
      const unitPrice = readMoney(line.unitPrice, decimals, at("lines", lineIndex, "unitPrice"), details);
      const lineDiscount = readMoney(line.discount, decimals, at("lines", lineIndex, "discount"), details);
      const lineGross = unitPrice * BigInt(line.quantity);
      if (lineDiscount > lineGross) details.push(detail(at("lines", lineIndex, "discount"), "must not exceed quantity x unitPrice"));
      gross += lineGross;
      lineDiscounts += lineDiscount;
      units += line.quantity;
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
    if (orderDiscount > gross - lineDiscounts) details.push(detail(at("discount"), "must not exceed the lines' total after their discounts"));
    const discounts = lineDiscounts + orderDiscount;
    // Bounds every stored figure of the order (discounts <= gross), so none can overflow a column.
    if (gross + shipping + tax > MAX_ORDER_AMOUNT) {
      details.push(detail(at(), `the order's lines (quantity x unitPrice), shipping and tax add up to more than ${MAX_MONEY_TEXT}`));
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
    return { order, lines };
  });
  if (details.length > 0) throw badRequest("the request is invalid; nothing was stored", details);

  const mismatched = orders.flatMap((input, index) =>
    input.currency === store.currency ? [] : [detail(["orders", index, "currency"], `must be the store's currency ${store.currency}`)],
  );
  if (mismatched.length > 0) throw unprocessable("CURRENCY_MISMATCH", "orders must be in the store's currency; nothing was stored", mismatched);
  return prepared;
}

/**
 * Creates or replaces orders, all or nothing. A re-sent id replaces the order and its lines
 * (e.g. a cancellation), so a replay never counts twice. An order may not drop below what
 * has already been refunded on it.
 */
export async function ingestOrders(db: Kysely<Database>, store: Store, orders: readonly OrderInput[]): Promise<OrdersResult> {
  const prepared = prepareOrders(store, orders).sort((a, b) => (a.order.id < b.order.id ? -1 : a.order.id > b.order.id ? 1 : 0));
  const ids = prepared.map((p) => p.order.id);
  const indexOf = new Map(orders.map((o, index) => [o.id, index]));

  return withinColumnLimits(() => inTransaction(db, async (trx) => {
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
    const prevPaidAt = await maintainCustomerTimelines(trx, rollups, existing, prepared.map((p) => p.order));
    if (existingIds.length > 0) {
      await moveRefundsWithStatus(trx, rollups, existing, prepared);
      for (const old of existing) if (old.status === "paid") rollups.order(old, -1);
      const paidIds = existing.filter((o) => o.status === "paid").map((o) => o.id);
      if (paidIds.length > 0) {
        const oldLines = await trx
          .selectFrom("order_lines")
          .select(["order_id", "product_id", "quantity", "gross", "discount", "created_at"])
          .where("store_id", "=", store.id)
          .where("order_id", "in", paidIds)
          .execute();
        rollups.orderLines(oldLines, -1);
      }
      await trx.deleteFrom("order_lines").where("store_id", "=", store.id).where("order_id", "in", existingIds).execute();
      await trx.deleteFrom("orders").where("store_id", "=", store.id).where("id", "in", existingIds).execute();
    }
    for (const { order, lines } of prepared) {
      if (order.status !== "paid") continue;
      rollups.order(order as OrderContribution, 1);
      rollups.orderLines(lines as LineContribution[], 1);
    }
    const rows = prepared.map((p) => ({ ...p.order, prev_paid_at: prevPaidAt.get(p.order.id) ?? null }));
    for (const batch of chunk(rows)) await trx.insertInto("orders").values(batch).execute();
    for (const batch of chunk(prepared.flatMap((p) => p.lines))) await trx.insertInto("order_lines").values(batch).execute();
    await upsertProducts(trx, store.id, orders);
    await rollups.apply();
    return { created: prepared.length - existingIds.length, updated: existingIds.length };
  }));
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
      ? [detail(["orders", indexOf.get(row.order_id) ?? 0], `its total is below the ${row.refunded} already refunded on it`)]
      : [],
  );
  if (details.length > 0) throw unprocessable("BELOW_REFUNDED", "an order cannot total less than its refunds; nothing was stored", details);
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
  const changed = new Map(existing.filter((o) => o.status !== newStatus.get(o.id)).map((o) => [o.id, newStatus.get(o.id) === "paid" ? 1 : -1] as const));
  if (changed.size === 0) return;
  const [refunds, refundLines] = await Promise.all([
    trx.selectFrom("refunds").select(["order_id", "created_at", "amount"]).where("store_id", "=", storeId).where("order_id", "in", [...changed.keys()]).execute(),
    trx.selectFrom("refund_lines").select(["order_id", "product_id", "created_at", "amount"]).where("store_id", "=", storeId).where("order_id", "in", [...changed.keys()]).execute(),
  ]);
  for (const refund of refunds) rollups.refund(refund, changed.get(refund.order_id)!);
  for (const line of refundLines) rollups.refundLine(line, changed.get(line.order_id)!);
}

/** The catalogue follows the orders: the latest name and category sent for a product win. */
async function upsertProducts(trx: Transaction<Database>, storeId: number, orders: readonly OrderInput[]): Promise<void> {
  const products = new Map<string, { name: string; category: string | null }>();
  for (const order of orders) {
    for (const line of order.lines) products.set(line.productId, { name: line.productName, category: line.category ?? null });
  }
  const now = new Date();
  const rows = [...products.entries()]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([id, p]) => ({ store_id: storeId, id, name: p.name, category: p.category, updated_at: now }));
  for (const batch of chunk(rows)) {
    await trx
      .insertInto("products")
      .values(batch)
      .onDuplicateKeyUpdate({ name: sql`values(name)`, category: sql`values(category)`, updated_at: sql`values(updated_at)` })
      .execute();
  }
}

async function upsertCustomers(trx: Transaction<Database>, storeId: number, orders: readonly OrderInput[]): Promise<void> {
  const firstSeen = new Map<string, Date>();
  for (const order of orders) {
    if (!order.customerId) continue;
    const seen = firstSeen.get(order.customerId);
    if (!seen || order.createdAt < seen) firstSeen.set(order.customerId, order.createdAt);
  }
  const rows = [...firstSeen.entries()]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([id, at]) => ({ store_id: storeId, id, first_seen_at: at }));
  for (const batch of chunk(rows)) {
    await trx
      .insertInto("customers")
      .values(batch)
      .onDuplicateKeyUpdate({ first_seen_at: sql`least(first_seen_at, values(first_seen_at))` })
      .execute();
  }
}
