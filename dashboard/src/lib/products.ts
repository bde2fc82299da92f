import { compareDecimal } from "./decimal";
import type { ProductRow } from "./reports";

export type ProductColumn = keyof ProductRow;
export type SortDirection = "ascending" | "descending";

export const PRODUCT_COLUMNS: ReadonlyArray<{ key: ProductColumn; label: string; kind: "text" | "count" | "money" }> = [
  { key: "productName", label: "Product", kind: "text" },
  { key: "category", label: "Category", kind: "text" },
  { key: "orders", label: "Orders", kind: "count" },
  { key: "unitsSold", label: "Units sold", kind: "count" },
  { key: "grossSales", label: "Gross sales", kind: "money" },
  { key: "discounts", label: "Discounts", kind: "money" },
  { key: "returns", label: "Returns", kind: "money" },
  { key: "netSales", label: "Net sales", kind: "money" },
];

/** Rows sorted by one column (money compared as decimals, text in the reader's locale); ties keep the API's order. */
export function sortProducts(
  rows: readonly ProductRow[],
  column: ProductColumn,
  direction: SortDirection,
  locale?: string,
): ProductRow[] {
  const kind = PRODUCT_COLUMNS.find((candidate) => candidate.key === column)?.kind ?? "text";
  const compare = (a: ProductRow, b: ProductRow): number => {
    if (kind === "money") return compareDecimal(a[column] as string, b[column] as string);
    if (kind === "count") return (a[column] as number) - (b[column] as number);
    return String(a[column] ?? "").localeCompare(String(b[column] ?? ""), locale);
  };
  const sign = direction === "ascending" ? 1 : -1;
  return rows
    .map((row, index) => ({ row, index }))
    .sort((a, b) => sign * compare(a.row, b.row) || a.index - b.index)
    .map(({ row }) => row);
}

/** The categories among the rows, sorted, without duplicates or the uncategorised (null). */
export function categoriesOf(rows: readonly ProductRow[], locale?: string): string[] {
  const names = new Set(rows.map((row) => row.category).filter((name): name is string => name !== null));
  return [...names].sort((a, b) => a.localeCompare(b, locale));
}
