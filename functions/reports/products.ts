import type { Kysely } from "kysely";
import type { Database, Store } from "../db/schema";
import { minorUnits } from "../money/currency";
import { formatAmount, type Amount } from "../money/decimal";
import type { ReportWindow } from "../time";
import { topProducts, type ProductSort } from "../rollups/products/top";

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
  const ranked = await topProducts(db, store, start, end, options);

  const names = ranked.length
    ? await db
        .selectFrom("products")
        .select(["id", "name", "category"])
        .where("store_id", "=", store.id)
        .where(
          "id",
          "in",
          ranked.map(([id]) => id),
        )
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
      netSales: money(t.gross - t.discounts - t.returns),
    })),
  };
}
