import { sql, type Kysely } from "kysely";
import type { Database, Store } from "../db/schema";
import { minorUnits } from "../money/currency";
import { amountOrZero, formatAmount } from "../money/decimal";

export const REALTIME_WINDOW_MINUTES = 30;
export const ACTIVE_SESSION_MINUTES = 5;
const MINUTE_MS = 60_000;

export interface RealtimeMinute {
  minute: string;
  orders: number;
  netSales: string;
}

export interface RealtimeReport {
  asOf: string;
  currency: string;
  activeSessions: number;
  orders: number;
  netSales: string;
  minutes: RealtimeMinute[];
}

/**
 * The last 30 minutes (29 whole minutes and the current one), in UTC: sessions with any event in the last
 * 5 minutes, and counted orders and net sales (sales less returns booked) per minute.
 */
export async function realtimeReport(
  db: Kysely<Database>,
  store: Store,
  now: Date = new Date(),
): Promise<RealtimeReport> {
  const currentMinute = Math.floor(now.getTime() / MINUTE_MS) * MINUTE_MS;
  const start = new Date(currentMinute - (REALTIME_WINDOW_MINUTES - 1) * MINUTE_MS);
  const end = new Date(currentMinute + MINUTE_MS);
  const minuteOf = (column: string) => sql<string>`timestampdiff(minute, ${start}, ${sql.ref(column)})`;

  const [active, orders, returns] = await Promise.all([
    db
      .selectFrom("events")
      .select(({ fn }) => fn.count<string>("session_id").distinct().as("sessions"))
      .where("store_id", "=", store.id)
      .where("occurred_at", ">=", new Date(now.getTime() - ACTIVE_SESSION_MINUTES * MINUTE_MS))
      .where("occurred_at", "<=", now)
      .executeTakeFirstOrThrow(),
    db
      .selectFrom("orders")
      .select(({ fn }) => [
        minuteOf("created_at").as("minute"),
        fn.countAll<string>().as("orders"),
        sql<string>`sum(gross_sales - discounts)`.as("sales"),
      ])
      .where("store_id", "=", store.id)
      .where("status", "=", "paid")
      .where("created_at", ">=", start)
      .where("created_at", "<", end)
      .groupBy(sql.ref("minute"))
      .execute(),
    db
      .selectFrom("refunds")
      .innerJoin("orders", (join) =>
        join
          .onRef("orders.store_id", "=", "refunds.store_id")
          .onRef("orders.id", "=", "refunds.order_id")
          .on("orders.status", "=", "paid"),
      )
      .select(({ fn }) => [minuteOf("refunds.created_at").as("minute"), fn.sum<string>("refunds.amount").as("returns")])
      .where("refunds.store_id", "=", store.id)
      .where("refunds.created_at", ">=", start)
      .where("refunds.created_at", "<", end)
      .groupBy(sql.ref("minute"))
      .execute(),
  ]);

  const decimals = minorUnits(store.currency);
  const ordersAt = new Map(orders.map((row) => [Number(row.minute), row]));
  const returnsAt = new Map(returns.map((row) => [Number(row.minute), row.returns]));
  let totalOrders = 0;
  let totalNet = 0n;
  const minutes = Array.from({ length: REALTIME_WINDOW_MINUTES }, (_, i) => {
    const row = ordersAt.get(i);
    const count = Number(row?.orders ?? 0);
    const net = amountOrZero(row?.sales) - amountOrZero(returnsAt.get(i));
    totalOrders += count;
    totalNet += net;
    return {
      minute: new Date(start.getTime() + i * MINUTE_MS).toISOString(),
      orders: count,
      netSales: formatAmount(net, decimals),
    };
  });
  return {
    asOf: now.toISOString(),
    currency: store.currency,
    activeSessions: Number(active.sessions),
    orders: totalOrders,
    netSales: formatAmount(totalNet, decimals),
    minutes,
  };
}
