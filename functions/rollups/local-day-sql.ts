import { sql, type RawBuilder, type Transaction } from "kysely";
import type { Database } from "../db/schema";
import { DAY_MS, localTimeSql, offsetSegments } from "../time";

/**
 * For a rebuild of rollups kept in the store's local dates: the store's local date of a UTC
 * DATETIME column (a trusted SQL name such as `o.created_at`), as a CASE over the zone's offsets
 * across the store's orders and refunds. Undefined when the store has neither.
 */
export async function storeLocalDateSql(
  trx: Transaction<Database>,
  storeId: number,
): Promise<((column: string) => RawBuilder<Date>) | undefined> {
  const store = await trx.selectFrom("stores").select("timezone").where("id", "=", storeId).executeTakeFirstOrThrow();
  const span = await sql<{ first: Date | null; last: Date | null }>`
    select least(coalesce(min(o.created_at), now()),
                 coalesce((select min(created_at) from refunds where store_id = ${storeId}), now())) as first,
           greatest(coalesce(max(o.created_at), now()),
                    coalesce((select max(created_at) from refunds where store_id = ${storeId}), now())) as last
    from orders o where o.store_id = ${storeId}`.execute(trx);
  const { first, last } = span.rows[0] ?? {};
  if (!first || !last) return undefined;
  const segments = offsetSegments(
    new Date(new Date(first).getTime() - DAY_MS),
    new Date(new Date(last).getTime() + DAY_MS),
    store.timezone,
  );
  return (column) => sql<Date>`date(${localTimeSql(sql.ref(column), segments)})`;
}
