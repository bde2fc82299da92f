/* eslint-disable @typescript-eslint/no-explicit-any -- a migration sees whatever schema its time had (Kysely's guidance) */
import { sql, type Kysely } from "kysely";

/**
 * `gap_months`: per store and pair of UTC months, the gaps between consecutive paid orders of a
 * customer (an order and the one before it, `orders.prev_paid_at`) by the month each end falls
 * in; `first_gaps` counts only customers' first two orders. The customer figures of a range that
 * ends before the store's latest data need the gaps spanning it: whole months are summed here,
 * the two edge months counted over indexes that now hold both ends of a gap, so the count reads
 * at most a month of each instead of every order after the range.
 */
const INDEXES = [
  { table: "orders", name: "orders_by_prev_paid", before: ["store_id", "prev_paid_at"], after: ["created_at"] },
  { table: "orders", name: "orders_by_time", before: ["store_id", "status", "created_at"], after: ["prev_paid_at"] },
  {
    table: "customers",
    name: "customers_by_first_paid",
    before: ["store_id", "first_paid_at"],
    after: ["second_paid_at"],
  },
  {
    table: "customers",
    name: "customers_by_second_paid",
    before: ["store_id", "second_paid_at"],
    after: ["first_paid_at"],
  },
];

const month = (column: string) => sql`cast(date_format(${sql.ref(column)}, '%Y-%m-01') as datetime(3))`;
const columnList = (columns: string[]) => sql.join(columns.map((c) => sql.ref(c)));

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("gap_months")
    .addColumn("store_id", "integer", (c) => c.unsigned().notNull())
    .addColumn("prev_month", sql`datetime(3)`, (c) => c.notNull())
    .addColumn("order_month", sql`datetime(3)`, (c) => c.notNull())
    .addColumn("gaps", "integer", (c) => c.notNull())
    .addColumn("first_gaps", "integer", (c) => c.notNull())
    .addPrimaryKeyConstraint("gap_months_pk", ["store_id", "prev_month", "order_month"])
    .modifyEnd(sql`engine=InnoDB default charset=utf8mb4 collate=utf8mb4_bin`)
    .execute();
  // Every order with a previous one is a gap; every customer with a second order has one first gap.
  await sql`
    insert into gap_months (store_id, prev_month, order_month, gaps, first_gaps)
    select store_id, prev_month, order_month, sum(gaps), sum(first_gaps)
    from (
      select store_id, ${month("prev_paid_at")} as prev_month, ${month("created_at")} as order_month,
             1 as gaps, 0 as first_gaps
      from orders where status = 'paid' and prev_paid_at is not null
      union all
      select store_id, ${month("first_paid_at")}, ${month("second_paid_at")}, 0, 1
      from customers where second_paid_at is not null
    ) ends
    group by store_id, prev_month, order_month`.execute(db);
  for (const { table, name, before, after } of INDEXES)
    await sql`alter table ${sql.table(table)} drop index ${sql.ref(name)},
              add index ${sql.ref(name)} (${columnList([...before, ...after])})`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const { table, name, before } of [...INDEXES].reverse())
    await sql`alter table ${sql.table(table)} drop index ${sql.ref(name)},
              add index ${sql.ref(name)} (${columnList(before)})`.execute(db);
  await db.schema.dropTable("gap_months").ifExists().execute();
}
