import type { Kysely, Selectable, Transaction } from "kysely";
import type { Database, EventType, NewEvent, SessionsTable, Store } from "../db/schema";
import { insertRows } from "../db/insert-rows";
import { inTransaction } from "../db/transaction";
import { withinColumnLimits } from "./column-limits";
import { openRollups, type RollupWriter } from "../rollups";
import type { EventInput } from "./schemas";

export interface EventsResult {
  accepted: number;
  duplicates: number;
}

/** A session's row as the new events describe it; merged into the stored row on upsert. */
type SessionDelta = Selectable<SessionsTable>;

type FunnelFlag = "product_viewed" | "added_to_cart" | "reached_checkout" | "converted";

const FUNNEL_FLAG: Partial<Record<EventType, FunnelFlag>> = {
  product_view: "product_viewed",
  add_to_cart: "added_to_cart",
  checkout_start: "reached_checkout",
  purchase: "converted",
};

function sessionDeltas(events: readonly NewEvent[]): SessionDelta[] {
  const sessions = new Map<string, SessionDelta>();
  for (const event of events) {
    const at = event.occurred_at;
    let s = sessions.get(event.session_id);
    if (!s) {
      s = {
        store_id: event.store_id,
        id: event.session_id,
        started_at: at,
        last_event_at: at,
        customer_id: null,
        events: 0,
        product_viewed: 0,
        added_to_cart: 0,
        reached_checkout: 0,
        converted: 0,
      };
      sessions.set(event.session_id, s);
    }
    if (at < s.started_at) s.started_at = at;
    if (at > s.last_event_at) s.last_event_at = at;
    s.customer_id ??= event.customer_id ?? null;
    s.events += 1;
    const flag = FUNNEL_FLAG[event.type];
    if (flag) s[flag] = 1;
  }
  return [...sessions.values()].sort((a, b) => (a.id < b.id ? -1 : 1));
}

/**
 * Merges the new events' sessions into the stored ones (locked, so the merge and the funnel
 * rollup's deltas are exact) and writes the merged rows.
 */
async function foldIntoSessions(
  trx: Transaction<Database>,
  rollups: RollupWriter,
  deltas: SessionDelta[],
): Promise<void> {
  if (deltas.length === 0) return;
  const stored = await trx
    .selectFrom("sessions")
    .selectAll()
    .where("store_id", "=", rollups.store.id)
    .where(
      "id",
      "in",
      deltas.map((d) => d.id),
    )
    .orderBy("id")
    .forUpdate()
    .execute();
  const storedById = new Map(stored.map((s) => [s.id, s]));
  const merged = deltas.map((delta) => {
    const old = storedById.get(delta.id);
    if (!old) return delta;
    rollups.session(old, -1);
    return {
      ...old,
      started_at: old.started_at < delta.started_at ? old.started_at : delta.started_at,
      last_event_at: old.last_event_at > delta.last_event_at ? old.last_event_at : delta.last_event_at,
      customer_id: old.customer_id ?? delta.customer_id,
      events: old.events + delta.events,
      product_viewed: Math.max(Number(old.product_viewed), delta.product_viewed),
      added_to_cart: Math.max(Number(old.added_to_cart), delta.added_to_cart),
      reached_checkout: Math.max(Number(old.reached_checkout), delta.reached_checkout),
      converted: Math.max(Number(old.converted), delta.converted),
    };
  });
  for (const session of merged) rollups.session(session, 1);
  await insertRows(trx, "sessions", merged, {
    started_at: "replace",
    last_event_at: "replace",
    customer_id: "replace",
    events: "replace",
    product_viewed: "replace",
    added_to_cart: "replace",
    reached_checkout: "replace",
    converted: "replace",
  });
  await rollups.apply();
}

/**
 * Stores new events and folds them into their sessions, in one transaction. An id seen
 * before (in the database or earlier in the batch) is skipped and counted as a duplicate; a
 * concurrent insert of the same id makes the transaction retry and then see it.
 */
export async function ingestEvents(
  db: Kysely<Database>,
  store: Store,
  events: readonly EventInput[],
): Promise<EventsResult> {
  const unique = new Map<string, NewEvent>();
  for (const e of events) {
    if (unique.has(e.id)) continue;
    unique.set(e.id, {
      store_id: store.id,
      id: e.id,
      type: e.type,
      session_id: e.sessionId,
      occurred_at: e.occurredAt,
      customer_id: e.customerId ?? null,
      product_id: e.productId ?? null,
      order_id: e.orderId ?? null,
    });
  }
  return withinColumnLimits(() =>
    inTransaction(db, async (trx) => {
      const rollups = await openRollups(trx, store, "exclusive");
      const seen = await trx
        .selectFrom("events")
        .select("id")
        .where("store_id", "=", store.id)
        .where("id", "in", [...unique.keys()])
        .execute();
      for (const row of seen) unique.delete(row.id);
      const fresh = [...unique.values()];
      await insertRows(trx, "events", fresh);
      await foldIntoSessions(trx, rollups, sessionDeltas(fresh));
      return { accepted: fresh.length, duplicates: events.length - fresh.length };
    }),
  );
}
