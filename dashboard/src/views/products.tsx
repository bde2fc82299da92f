import { useMemo, useState } from "preact/hooks";
import { CsvButton } from "../components/csv-button";
import { Empty, ReportStatus } from "../components/status";
import { formatters } from "../lib/format";
import { categoriesOf, PRODUCT_COLUMNS, sortProducts, type ProductColumn, type SortDirection } from "../lib/products";
import { rangeParams, type ProductsReport } from "../lib/reports";
import { useLoad } from "../use-report";
import type { ViewProps } from "./view-props";

/** The API's most rows per request: the table sorts these 100 best sellers by any column in the browser. */
const LIMIT = 100;

/** Top products: a table sortable by each measure, filtered by category (the API's `category`). */
export default function Products(props: ViewProps) {
  const { api, selection } = props;
  const [category, setCategory] = useState("");
  const [known, setKnown] = useState<string[]>([]);
  const params = rangeParams(selection.range, selection.zone, {
    sort: "netSales",
    limit: LIMIT,
    category: category || undefined,
  });
  const state = useLoad(JSON.stringify(params), async (signal) => {
    const report = await api.report("products", params, signal);
    // The category list comes from unfiltered answers, so picking one does not hide the others.
    if (!category) setKnown(categoriesOf(report.products, props.locale));
    return report;
  });
  return (
    <section aria-labelledby="view-title">
      <div class="view-head">
        <h2 id="view-title" tabIndex={-1}>
          Top products
        </h2>
        <CsvButton api={api} report="products" params={params} testId="csv-products" />
      </div>
      <div class="controls">
        <label>
          Category
          <select
            data-testid="products-category"
            value={category}
            onChange={(event) => setCategory(event.currentTarget.value)}
          >
            <option value="">All categories</option>
            {[...new Set([...known, ...(category ? [category] : [])])].map((name) => (
              <option key={name} value={name}>
                {name}
              </option>
            ))}
          </select>
        </label>
      </div>
      <ReportStatus state={state}>{(report) => <ProductsTable report={report} locale={props.locale} />}</ReportStatus>
    </section>
  );
}

function ProductsTable(props: { report: ProductsReport; locale: string }) {
  const { report } = props;
  const [sort, setSort] = useState<{ column: ProductColumn; direction: SortDirection }>({
    column: "netSales",
    direction: "descending",
  });
  const format = useMemo(() => formatters(props.locale, report.currency), [props.locale, report.currency]);
  const rows = useMemo(
    () => sortProducts(report.products, sort.column, sort.direction, props.locale),
    [report, sort, props.locale],
  );
  if (rows.length === 0)
    return (
      <Empty>{report.category ? `No sales in ${report.category} in this range.` : "No sales in this range."}</Empty>
    );
  const sortBy = (column: ProductColumn) =>
    setSort((now) => ({
      column,
      direction:
        now.column === column
          ? now.direction === "ascending"
            ? "descending"
            : "ascending"
          : PRODUCT_COLUMNS.find((spec) => spec.key === column)?.kind === "text"
            ? "ascending"
            : "descending",
    }));
  return (
    <div class="table-scroll">
      <table data-testid="products-table">
        <caption class="visually-hidden">Products by {sort.column}, select a column heading to sort</caption>
        <thead>
          <tr>
            {PRODUCT_COLUMNS.map((spec) => (
              <th
                key={spec.key}
                scope="col"
                class={spec.kind === "text" ? "" : "number"}
                aria-sort={sort.column === spec.key ? sort.direction : "none"}
              >
                <button type="button" class="sort" onClick={() => sortBy(spec.key)} data-testid={`sort-${spec.key}`}>
                  {spec.label}
                  <span aria-hidden="true">
                    {sort.column === spec.key ? (sort.direction === "ascending" ? " ▲" : " ▼") : ""}
                  </span>
                </button>
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={row.productId}>
              <th scope="row">{row.productName}</th>
              <td>{row.category ?? "—"}</td>
              <td class="number">{format.count(row.orders)}</td>
              <td class="number">{format.count(row.unitsSold)}</td>
              <td class="number">{format.money(row.grossSales)}</td>
              <td class="number">{format.money(row.discounts)}</td>
              <td class="number">{format.money(row.returns)}</td>
              <td class="number">{format.money(row.netSales)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
