/**
 * The Athena named queries over the exported history (docs/history-export.md), one per report of
 * docs/metrics.md, in SQL that Athena (Trino) and DuckDB both run: the suite runs each with DuckDB
 * over the exported Parquet files. Tables are the Glue tables of the export (partitions `store_id`
 * and `day` as strings); `?` are execution parameters, in the order of `parameters`. Windows are
 * whole UTC days (`day` partitions); the API's reports cut days in the store's time zone.
 * Every table is filtered on `store_id` with a literal (Athena's injected partition projection
 * requires it), so one query reads one store's files.
 */
export type HistoryParameter = "store_id" | "from_day" | "to_day";

export interface HistoryQuery {
  name: "summary" | "sales" | "products" | "funnel" | "cohorts";
  description: string;
  parameters: readonly HistoryParameter[];
  sql: string;
}

const PAID_REFUNDS = `refunds r JOIN orders p ON p.store_id = ? AND p.id = r.order_id AND p.status = 'paid'`;

export const HISTORY_QUERIES: readonly HistoryQuery[] = [
  {
    name: "summary",
    description: "Sales and customer figures of a store over UTC days from_day..to_day (docs/metrics.md)",
    parameters: [
      "store_id",
      "from_day",
      "to_day",
      "store_id",
      "to_day",
      "store_id",
      "store_id",
      "from_day",
      "to_day",
      "from_day",
    ],
    sql: `WITH counted AS (
  SELECT customer_id, units, gross_sales, discounts, shipping, taxes FROM orders
  WHERE store_id = ? AND day BETWEEN ? AND ? AND status = 'paid'
),
customers_so_far AS (
  SELECT customer_id, min(day) AS first_day, count(*) AS paid_orders FROM orders
  WHERE store_id = ? AND day <= ? AND status = 'paid' AND customer_id IS NOT NULL
  GROUP BY customer_id
),
returned AS (
  SELECT coalesce(sum(r.amount), 0) AS returns FROM ${PAID_REFUNDS}
  WHERE r.store_id = ? AND r.day BETWEEN ? AND ?
),
totals AS (
  SELECT count(*) AS orders, coalesce(sum(units), 0) AS units_sold, coalesce(sum(gross_sales), 0) AS gross_sales,
    coalesce(sum(discounts), 0) AS discounts, coalesce(sum(shipping), 0) AS shipping, coalesce(sum(taxes), 0) AS taxes
  FROM counted
),
customer_figures AS (
  SELECT count(*) AS customers,
    count(CASE WHEN s.first_day >= ? THEN 1 END) AS new_customers,
    count(CASE WHEN s.paid_orders > 1 THEN 1 END) AS repeat_customers
  FROM (SELECT DISTINCT customer_id FROM counted WHERE customer_id IS NOT NULL) c
  JOIN customers_so_far s ON s.customer_id = c.customer_id
)
SELECT t.orders, t.units_sold, t.gross_sales, t.discounts, r.returns,
  t.gross_sales - t.discounts - r.returns AS net_sales, t.shipping, t.taxes,
  t.gross_sales - t.discounts - r.returns + t.shipping + t.taxes AS total_sales,
  CASE WHEN t.orders = 0 THEN 0 ELSE (t.gross_sales - t.discounts) / t.orders END AS average_order_value,
  c.customers, c.new_customers, c.customers - c.new_customers AS returning_customers,
  CASE WHEN c.customers = 0 THEN 0 ELSE round(cast(c.repeat_customers AS double) / c.customers, 4) END
    AS returning_customer_rate
FROM totals t CROSS JOIN returned r CROSS JOIN customer_figures c`,
  },
  {
    name: "sales",
    description: "Sales figures per UTC day of a store over from_day..to_day (docs/metrics.md)",
    parameters: ["store_id", "from_day", "to_day", "store_id", "store_id", "from_day", "to_day"],
    sql: `WITH sold AS (
  SELECT day, count(*) AS orders, sum(units) AS units_sold, sum(gross_sales) AS gross_sales,
    sum(discounts) AS discounts, sum(shipping) AS shipping, sum(taxes) AS taxes
  FROM orders WHERE store_id = ? AND day BETWEEN ? AND ? AND status = 'paid'
  GROUP BY day
),
returned AS (
  SELECT r.day, sum(r.amount) AS returns FROM ${PAID_REFUNDS}
  WHERE r.store_id = ? AND r.day BETWEEN ? AND ?
  GROUP BY r.day
)
SELECT coalesce(s.day, r.day) AS day, coalesce(s.orders, 0) AS orders, coalesce(s.units_sold, 0) AS units_sold,
  coalesce(s.gross_sales, 0) AS gross_sales, coalesce(s.discounts, 0) AS discounts, coalesce(r.returns, 0) AS returns,
  coalesce(s.gross_sales, 0) - coalesce(s.discounts, 0) - coalesce(r.returns, 0) AS net_sales,
  coalesce(s.shipping, 0) AS shipping, coalesce(s.taxes, 0) AS taxes
FROM sold s FULL OUTER JOIN returned r ON r.day = s.day
ORDER BY 1`,
  },
  {
    name: "products",
    description: "Per product: orders, units, gross, discounts, returns, net over UTC days from_day..to_day",
    parameters: ["store_id", "from_day", "to_day", "store_id", "store_id", "from_day", "to_day"],
    sql: `WITH sold AS (
  SELECT product_id, count(DISTINCT order_id) AS orders, sum(quantity) AS units_sold, sum(gross) AS gross_sales,
    sum(discount) AS discounts
  FROM order_lines WHERE store_id = ? AND day BETWEEN ? AND ? AND status = 'paid'
  GROUP BY product_id
),
returned AS (
  SELECT l.product_id, sum(l.amount) AS returns
  FROM refund_lines l JOIN orders p ON p.store_id = ? AND p.id = l.order_id AND p.status = 'paid'
  WHERE l.store_id = ? AND l.day BETWEEN ? AND ?
  GROUP BY l.product_id
)
SELECT coalesce(s.product_id, r.product_id) AS product_id, coalesce(s.orders, 0) AS orders,
  coalesce(s.units_sold, 0) AS units_sold, coalesce(s.gross_sales, 0) AS gross_sales,
  coalesce(s.discounts, 0) AS discounts, coalesce(r.returns, 0) AS returns,
  coalesce(s.gross_sales, 0) - coalesce(s.discounts, 0) - coalesce(r.returns, 0) AS net_sales
FROM sold s FULL OUTER JOIN returned r ON r.product_id = s.product_id
ORDER BY net_sales DESC, product_id
LIMIT 100`,
  },
  {
    name: "funnel",
    description:
      "Sessions that started (earliest event) in UTC days from_day..to_day and the funnel steps they reached",
    parameters: ["store_id", "from_day", "to_day"],
    sql: `WITH sessions AS (
  SELECT session_id, min(day) AS start_day,
    max(CASE WHEN type = 'product_view' THEN 1 ELSE 0 END) AS product_viewed,
    max(CASE WHEN type = 'add_to_cart' THEN 1 ELSE 0 END) AS added_to_cart,
    max(CASE WHEN type = 'checkout_start' THEN 1 ELSE 0 END) AS reached_checkout,
    max(CASE WHEN type = 'purchase' THEN 1 ELSE 0 END) AS converted
  FROM events WHERE store_id = ?
  GROUP BY session_id
)
SELECT count(*) AS sessions, coalesce(sum(product_viewed), 0) AS sessions_with_product_views,
  coalesce(sum(added_to_cart), 0) AS sessions_with_add_to_cart,
  coalesce(sum(reached_checkout), 0) AS sessions_reached_checkout,
  coalesce(sum(converted), 0) AS sessions_converted,
  CASE WHEN count(*) = 0 THEN 0 ELSE round(cast(sum(converted) AS double) / count(*), 4) END AS conversion_rate
FROM sessions WHERE start_day BETWEEN ? AND ?`,
  },
  {
    name: "cohorts",
    description:
      "Monthly (UTC) cohorts by first paid order from from_day on: size, customers and net sales per month k",
    parameters: ["store_id", "to_day", "from_day", "store_id", "to_day"],
    sql: `WITH paid AS (
  SELECT id, customer_id, created_at, gross_sales - discounts AS net FROM orders
  WHERE store_id = ? AND day <= ? AND status = 'paid' AND customer_id IS NOT NULL
),
firsts AS (
  SELECT customer_id, date_trunc('month', min(created_at)) AS cohort FROM paid GROUP BY customer_id
),
chosen AS (
  SELECT customer_id, cohort FROM firsts WHERE cohort >= date_trunc('month', cast(? AS timestamp))
),
activity AS (
  SELECT customer_id, created_at AS at, net AS amount, 1 AS is_order FROM paid
  UNION ALL
  SELECT p.customer_id, r.created_at AS at, -r.amount AS amount, 0 AS is_order
  FROM refunds r JOIN paid p ON p.id = r.order_id
  WHERE r.store_id = ? AND r.day <= ?
),
cells AS (
  SELECT c.cohort, date_diff('month', c.cohort, date_trunc('month', a.at)) AS period,
    count(DISTINCT CASE WHEN a.is_order = 1 THEN a.customer_id END) AS customers, sum(a.amount) AS net_sales
  FROM chosen c JOIN activity a ON a.customer_id = c.customer_id
  GROUP BY 1, 2
),
sizes AS (SELECT cohort, count(*) AS size FROM chosen GROUP BY cohort)
SELECT cells.cohort, sizes.size, cells.period, cells.customers,
  round(cast(cells.customers AS double) / sizes.size, 4) AS share, cells.net_sales
FROM cells JOIN sizes ON sizes.cohort = cells.cohort
ORDER BY 1, 3`,
  },
];
