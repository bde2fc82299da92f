import type { Kysely } from "kysely";
import type { Database, Store } from "../db/schema";
import { minorUnits } from "../money/currency";
import { amountOrZero, formatAmount, type Amount } from "../money/decimal";
import type { ReportWindow } from "./params";

export type ProductSort = "netSales" | "unitsSold";
export const PRODUCT_SORTS: readonly ProductSort[] = ["netSales", "unitsSold"];

export interface ProductRow {
  productId: string;
  productName: string;
  category: string | null;
  orders: number;
  unitsSold: number;
  grossSales: string;
  discounts: string;
  returns: string;
  netSales: string;
}

export interface ProductsReport {
  from: string;
  to: string;
  timezone: string;
  currency: string;
  sort: ProductSort;
  category: string | null;
  products: ProductRow[];
}

interface Tally {
  orders: number;
  units: number;
  gross: Amount;
  discounts: Amount;
  returns: Amount;
}

/**
 * Per product: counted orders' lines in range, and refund lines booked in range on orders that
 * still count. Discounts are the lines' own; an order-level discount is not spread over products.
 */
export async function productsReport(
  db: Kysely<Database>,
  store: Store,
  window: ReportWindow,
  options: { sort: ProductSort; limit: number; category?: string },
): Promise<ProductsReport> {
  const { start, end, range } = window;
  let sales = db
    .selectFrom("order_lines as l")
    .select(({ fn }) => [
      "l.product_id",
      fn.count<string>("l.order_id").distinct().as("orders"),
      fn.sum<string>("l.quantity").as("units"),
      fn.sum<string>("l.gross").as("gross"),
      fn.sum<string>("l.discount").as("discounts"),
    ])
    .where("l.store_id", "=", store.id)
    .where("l.status", "=", "paid")
    .where("l.created_at", ">=", start)
    .where("l.created_at", "<", end)
    .groupBy("l.product_id");
  let returns = db
    .selectFrom("refund_lines as r")
    .innerJoin("orders as o", (join) =>
      join.onRef("o.store_id", "=", "r.store_id").onRef("o.id", "=", "r.order_id").on("o.status", "=", "paid"),
    )
    .select(({ fn }) => ["r.product_id", fn.sum<string>("r.amount").as("returns")])
    .where("r.store_id", "=", store.id)
    .where("r.created_at", ">=", start)
    .where("r.created_at", "<", end)
    .groupBy("r.product_id");
  if (options.category !== undefined) {
    const inCategory = db
      .selectFrom("products")
      .select("id")
      .where("store_id", "=", store.id)
      .where("category", "=", options.category);
    sales = sales.where("l.product_id", "in", inCategory);
    returns = returns.where("r.product_id", "in", inCategory);
  }
  const [salesRows, returnRows] = await Promise.all([sales.execute(), returns.execute()]);

  const tallies = new Map<string, Tally>();
  const tally = (id: string) => {
    let t = tallies.get(id);
    if (!t) tallies.set(id, (t = { orders: 0, units: 0, gross: 0n, discounts: 0n, returns: 0n }));
    return t;
  };
  for (const row of salesRows) {
    Object.assign(tally(row.product_id), {
      orders: Number(row.orders),
      units: Number(row.units ?? 0),
      gross: amountOrZero(row.gross),
      discounts: amountOrZero(row.discounts),
    });
  }
  for (const row of returnRows) tally(row.product_id).returns = amountOrZero(row.returns);

  const net = (t: Tally) => t.gross - t.discounts - t.returns;
  const ranked = [...tallies.entries()]
    .sort(([idA, a], [idB, b]) => {
      const diff = options.sort === "unitsSold" ? b.units - a.units : Number(net(b) - net(a) > 0n) - Number(net(b) - net(a) < 0n);
      return diff !== 0 ? diff : idA < idB ? -1 : 1;
    })
    .slice(0, options.limit);

  const names = ranked.length
    ? await db
        .selectFrom("products")
        .select(["id", "name", "category"])
        .where("store_id", "=", store.id)
        .where("id", "in", ranked.map(([id]) => id))
        .execute()
    : [];
  const productById = new Map(names.map((p) => [p.id, p]));
  const decimals = minorUnits(store.currency);
  const money = (a: Amount) => formatAmount(a, decimals);
  return {
    from: range.from,
    to: range.to,
    timezone: range.timezone,
    currency: store.currency,
    sort: options.sort,
    category: options.category ?? null,
    products: ranked.map(([id, t]) => ({
      productId: id,
      productName: productById.get(id)?.name ?? id,
      category: productById.get(id)?.category ?? null,
      orders: t.orders,
      unitsSold: t.units,
      grossSales: money(t.gross),
      discounts: money(t.discounts),
      returns: money(t.returns),
      netSales: money(net(t)),
    })),
  };
}
