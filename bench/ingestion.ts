/**
 * Ingestion throughput: fresh orders sent as 500-order requests, `concurrency` at once,
 * through the real ingestion Lambda handler (API Gateway events, middleware, zod, ingestOrders
 * with its product and customer upserts and whatever else ingestion maintains, one transaction
 * per request), against a bare multi-row INSERT of the same order and line rows.
 *
 * Both go into scratch stores in the bench database, next to the loaded store: the tables and
 * their indexes are the loaded store's (every index leads with store_id, so a store's rows are
 * its own B-tree ranges of the same trees), while the loaded store stays exactly as loaded, so
 * its reports and their baselines keep agreeing run after run, rollups or not. The handler's
 * store gets a copy of the loaded store's products and customers first, so the upserts meet
 * existing rows as a live store's would. The fresh orders come from the generator with the
 * store's own seed, catalog and customers, over the data's last 30 days.
 *
 * The two are measured in `rounds` (default 3), each round into stores of its own, the two
 * phases' order alternating from round to round; the figures are the rounds' medians (the
 * ratio: of the rounds' own ratios). One pair of phases swings by a fifth from run to run on a
 * small machine (the bare INSERT lasts half a second). Before the first round, `warmupOrders` of the
 * same orders go through both paths first, not counted (into stores of their own), as the reports get
 * warm-ups: otherwise the first round also pays for compiling the handler's code, which a Lambda
 * container serving a stream of batches has done long before (its Node CPU was a third above the
 * next rounds'). Each phase also records the CPU seconds it used in this process
 * (Node) and, given the caller's reader of the server's CPU (`serverCpu`, server-cpu.ts), in the
 * database server: where a phase's time went, which statement timings alone cannot say under
 * concurrency; given `settleSeconds` too, each timed phase starts once the server is quiet.
 * Nothing is deleted until the last round (a deletion's purge would run on into
 * the next phase); then every row of the scratch stores, in every table with a store_id, is
 * deleted.
 */
import { sql, type Kysely } from "kysely";
import type { Database, NewOrder, NewOrderLine, Store } from "../functions/db/schema";
import { defaultDemoOptions, generateDemo, type DemoOrder } from "../tools/demo";
import { handler as ingestHandler } from "../functions/handlers/ingest";
import { apiGatewayEvent, lambdaContext } from "../tools/local/api-gateway-event";
import { minorUnits } from "../functions/money/currency";
import { parseAmount, toDecimalString } from "../functions/money/decimal";
import { createStore } from "../functions/stores/repository";
import type { BenchMeta } from "./load";
import { MAX_INGEST_ROUNDS } from "./options";
import { startCpuClock, waitForQuietServer, type PhaseCpu } from "./server-cpu";
import { median, runPool } from "./stats";
import { DAY_MS } from "../functions/time";

export const INGEST_PREFIX = "ingest-";
/** The handler's scratch store (a real store with a key), created for each measurement. */
export const INGEST_STORE_NAME = "Bench ingestion (scratch)";
/**
 * The bare INSERTs' store id in the first round, the next rounds' following it: no such store
 * exists (orders have no foreign key to stores).
 */
export const BARE_STORE_ID = 4_000_000_000;
/** The bare INSERTs' store id in the warm-up: after every round's. */
const WARMUP_BARE_STORE_ID = BARE_STORE_ID + MAX_INGEST_ROUNDS;

export const ORDERS_PER_REQUEST = 500;
/**
 * One round: the handler's and the bare INSERT's figures, measured one after the other, with the
 * CPU each phase used in this process and (when it runs on this machine) in the database server.
 */
export interface IngestionRound {
  handlerSeconds: number;
  bareSeconds: number;
  handlerCpu: PhaseCpu;
  bareCpu: PhaseCpu;
  ordersPerSec: number;
  bareInsertOrdersPerSec: number;
  ratio: number;
}

/**
 * The rounds' medians, and every round. The ratio is the median of the rounds' own ratios: each
 * compares two phases run back to back on the machine as it then was, which the median rates,
 * taken from different rounds, would not.
 */
export interface IngestionResult extends Omit<IngestionRound, "handlerCpu" | "bareCpu"> {
  orders: number;
  /** the warm-up before the rounds, not counted: its orders (the first requests' of the same orders) and seconds */
  warmup?: { orders: number; handlerSeconds: number; bareSeconds: number };
  lines: number;
  batchSize: number;
  concurrency: number;
  rounds: IngestionRound[];
}

/** `count` distinct new orders (cancellation re-sends dropped), ids prefixed. */
export function freshOrders(meta: BenchMeta, count: number): DemoOrder[] {
  const end = new Date(meta.demo.end);
  const demo = defaultDemoOptions({
    seed: meta.demo.seed,
    orders: count,
    products: meta.demo.products,
    customers: meta.demo.customers,
    currency: meta.demo.currency,
    timezone: meta.demo.timezone,
    sessionsPerOrder: 0,
    start: new Date(end.getTime() - 30 * DAY_MS),
    end,
  });
  demo.minorUnits = minorUnits(demo.currency);
  const seen = new Set<string>();
  const orders: DemoOrder[] = [];
  for (const batch of generateDemo(demo)) {
    if (batch.kind !== "orders") continue;
    for (const order of batch.items) {
      if (seen.has(order.id)) continue;
      seen.add(order.id);
      orders.push({ ...order, id: `${INGEST_PREFIX}${order.id}` });
      if (orders.length === count) return orders;
    }
  }
  return orders;
}

const money = (text: string | undefined) => (text === undefined ? 0n : parseAmount(text));

/** The rows ingestOrders would write for these orders (same values), without any checks. */
export function bareRows(
  storeId: number,
  orders: readonly DemoOrder[],
  now: Date,
): { orders: NewOrder[]; lines: NewOrderLine[] } {
  const orderRows: NewOrder[] = [];
  const lineRows: NewOrderLine[] = [];
  for (const order of orders) {
    const createdAt = new Date(order.createdAt);
    let gross = 0n;
    let discounts = money(order.discount);
    let units = 0;
    order.lines.forEach((line, lineNo) => {
      const lineGross = parseAmount(line.unitPrice) * BigInt(line.quantity);
      gross += lineGross;
      discounts += money(line.discount);
      units += line.quantity;
      lineRows.push({
        store_id: storeId,
        order_id: order.id,
        line_no: lineNo,
        product_id: line.productId,
        quantity: line.quantity,
        unit_price: toDecimalString(parseAmount(line.unitPrice)),
        gross: toDecimalString(lineGross),
        discount: toDecimalString(money(line.discount)),
        created_at: createdAt,
        status: order.status,
      });
    });
    orderRows.push({
      store_id: storeId,
      id: order.id,
      customer_id: order.customerId ?? null,
      created_at: createdAt,
      currency: order.currency,
      status: order.status,
      channel: order.channel ?? null,
      units,
      gross_sales: toDecimalString(gross),
      discounts: toDecimalString(discounts),
      shipping: toDecimalString(money(order.shipping)),
      taxes: toDecimalString(money(order.tax)),
      total: toDecimalString(gross - discounts + money(order.shipping) + money(order.tax)),
      updated_at: now,
    });
  }
  return { orders: orderRows, lines: lineRows };
}

/** Deletes every row of these stores from every table with a store_id (rollups included), then the stores. */
export async function deleteStores(db: Kysely<Database>, storeIds: readonly number[]): Promise<void> {
  if (storeIds.length === 0) return;
  const { rows } = await sql<{ name: string }>`
    select table_name as name from information_schema.columns
    where table_schema = database() and column_name = 'store_id'`.execute(db);
  const last = ["api_keys"]; // refers to stores
  const tables = rows.map((r) => r.name).filter((t) => t !== "stores" && !last.includes(t));
  for (const table of [...tables, ...last.filter((t) => rows.some((r) => r.name === t))]) {
    await sql`delete from ${sql.table(table)} where store_id in (${sql.join(storeIds)})`.execute(db);
  }
  await db.deleteFrom("stores").where("id", "in", storeIds).execute();
}

/** The scratch stores of this and of any interrupted earlier measurement. */
async function scratchStoreIds(db: Kysely<Database>): Promise<number[]> {
  const rows = await db.selectFrom("stores").select("id").where("name", "=", INGEST_STORE_NAME).execute();
  return [...rows.map((r) => r.id), ...bareStoreIds(MAX_INGEST_ROUNDS), WARMUP_BARE_STORE_ID];
}

function bareStoreIds(rounds: number): number[] {
  return Array.from({ length: rounds }, (_, round) => BARE_STORE_ID + round);
}

const rate = (orders: number, seconds: number) => Math.round(orders / seconds);
const describeCpu = (cpu: PhaseCpu) =>
  cpu.server === undefined ? `node ${cpu.node}` : `node ${cpu.node} + server ${cpu.server}`;
const ratioOf = (handler: number, bare: number) => Math.round((handler / bare) * 1000) / 1000;

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

export async function measureIngestion(
  db: Kysely<Database>,
  store: Store,
  meta: BenchMeta,
  options: {
    orders: number;
    concurrency: number;
    rounds?: number;
    /** orders sent through both paths before the first round, not counted (whole requests; 0: none) */
    warmupOrders?: number;
    serverCpu?: () => number;
    settleSeconds?: number;
  },
  log: (line: string) => void,
): Promise<IngestionResult> {
  const rounds = options.rounds ?? 3;
  if (!Number.isInteger(rounds) || rounds < 1 || rounds > MAX_INGEST_ROUNDS)
    throw new Error(`ingestion rounds must be 1 to ${MAX_INGEST_ROUNDS} (got ${rounds})`);
  const orders = freshOrders(meta, options.orders);
  const batches = chunks(orders, ORDERS_PER_REQUEST);
  const bodies = batches.map((batch) => JSON.stringify({ orders: batch }));
  const warmupRequests = Math.min(batches.length, Math.ceil((options.warmupOrders ?? 0) / ORDERS_PER_REQUEST));
  const lines = batches.reduce((sum, batch) => sum + batch.reduce((n, order) => n + order.lines.length, 0), 0);
  const ordersIn = (requests: number) => batches.slice(0, requests).reduce((n, batch) => n + batch.length, 0);
  await deleteStores(db, await scratchStoreIds(db)); // what an interrupted run may have left

  const scratchIds: number[] = [];
  try {
    const { serverCpu } = options;
    /**
     * Before each timed phase, the server is let go quiet (server-cpu.ts): the handler's phase
     * follows the copy of 300,000 customers into its scratch store, whose flushing would otherwise
     * run on into it, and the bare INSERT's does not.
     */
    const settle = async () => {
      if (!serverCpu || !options.settleSeconds) return;
      const settled = await waitForQuietServer(serverCpu, options.settleSeconds);
      if (!settled.quiet) log(`ingestion: the database server was still busy after ${settled.waitedSeconds} s`);
    };
    /** The handler's phase into a fresh scratch store with the loaded store's products and customers. */
    const throughHandler = async (
      label: string,
      { requests = batches.length, counted = true } = {},
    ): Promise<{ seconds: number; cpu: PhaseCpu }> => {
      const scratch = await createStore(db, {
        name: INGEST_STORE_NAME,
        currency: store.currency,
        timezone: store.timezone,
      });
      scratchIds.push(scratch.store.id);
      await sql`
        insert into products (store_id, id, name, category, updated_at)
        select ${scratch.store.id}, id, name, category, updated_at from products where store_id = ${store.id}`.execute(
        db,
      );
      await sql`
        insert into customers (store_id, id, first_seen_at)
        select ${scratch.store.id}, id, first_seen_at from customers where store_id = ${store.id}`.execute(db);
      log(
        `ingestion ${label}: ${ordersIn(requests)} orders in ${requests} requests of ` +
          `${ORDERS_PER_REQUEST}, ${options.concurrency} at once, through the handler`,
      );
      if (counted) await settle();
      const stopCpu = startCpuClock(serverCpu);
      const started = performance.now();
      await runPool(bodies.slice(0, requests), options.concurrency, async (body, index) => {
        const event = apiGatewayEvent({
          method: "POST",
          path: "/api/v1/orders",
          headers: { "content-type": "application/json" },
          body,
          apiKeyId: scratch.keyId,
        });
        const result = await ingestHandler(event, lambdaContext("ingest"));
        const created =
          result.statusCode === 200 ? (JSON.parse(result.body) as { created?: number }).created : undefined;
        if (created !== batches[index].length)
          throw new Error(
            `ingest handler: request ${index} answered ${result.statusCode} ${result.body.slice(0, 500)}`,
          );
      });
      return { seconds: (performance.now() - started) / 1000, cpu: stopCpu() };
    };

    /** The same rows as bare multi-row INSERTs into a store id of the round's own. */
    const bare = async (
      label: string,
      storeId: number,
      { requests = batches.length, counted = true } = {},
    ): Promise<{ seconds: number; cpu: PhaseCpu }> => {
      const rows = batches.slice(0, requests).map((batch) => bareRows(storeId, batch, new Date()));
      log(`ingestion ${label}: the same rows as bare multi-row INSERTs into store id ${storeId}`);
      if (counted) await settle();
      const stopCpu = startCpuClock(serverCpu);
      const started = performance.now();
      await runPool(rows, options.concurrency, async (batch) => {
        await db.transaction().execute(async (trx) => {
          await trx.insertInto("orders").values(batch.orders).execute();
          await trx.insertInto("order_lines").values(batch.lines).execute();
        });
      });
      return { seconds: (performance.now() - started) / 1000, cpu: stopCpu() };
    };

    let warmup: IngestionResult["warmup"];
    if (warmupRequests > 0) {
      // not counted, so not waited for either: the first round's phases wait for the server
      const only = { requests: warmupRequests, counted: false };
      const [handler, bareInsert] = [
        await throughHandler("warm-up (not counted)", only),
        await bare("warm-up (not counted)", WARMUP_BARE_STORE_ID, only),
      ];
      warmup = {
        orders: ordersIn(warmupRequests),
        handlerSeconds: Math.round(handler.seconds * 100) / 100,
        bareSeconds: Math.round(bareInsert.seconds * 100) / 100,
      };
    }
    const measured: IngestionRound[] = [];
    for (let round = 0; round < rounds; round++) {
      const label = `round ${round + 1}/${rounds}`;
      let handler: { seconds: number; cpu: PhaseCpu };
      let bareInsert: { seconds: number; cpu: PhaseCpu };
      if (round % 2 === 0) {
        handler = await throughHandler(label);
        bareInsert = await bare(label, BARE_STORE_ID + round);
      } else {
        bareInsert = await bare(label, BARE_STORE_ID + round);
        handler = await throughHandler(label);
      }
      const [handlerSeconds, bareSeconds] = [handler.seconds, bareInsert.seconds];
      const [ordersPerSec, bareInsertOrdersPerSec] = [
        rate(orders.length, handlerSeconds),
        rate(orders.length, bareSeconds),
      ];
      measured.push({
        handlerSeconds: Math.round(handlerSeconds * 100) / 100,
        bareSeconds: Math.round(bareSeconds * 100) / 100,
        handlerCpu: handler.cpu,
        bareCpu: bareInsert.cpu,
        ordersPerSec,
        bareInsertOrdersPerSec,
        ratio: ratioOf(ordersPerSec, bareInsertOrdersPerSec),
      });
      log(
        `ingestion round ${round + 1}/${rounds}: ${ordersPerSec} orders/s through the handler, ` +
          `${bareInsertOrdersPerSec} bare, ratio ${measured[round].ratio}; CPU seconds, handler ` +
          `${describeCpu(handler.cpu)}, bare ${describeCpu(bareInsert.cpu)}`,
      );
    }
    const ordersPerSec = Math.round(median(measured.map((r) => r.ordersPerSec)));
    const bareInsertOrdersPerSec = Math.round(median(measured.map((r) => r.bareInsertOrdersPerSec)));
    return {
      orders: orders.length,
      lines,
      batchSize: ORDERS_PER_REQUEST,
      concurrency: options.concurrency,
      handlerSeconds: median(measured.map((r) => r.handlerSeconds)),
      bareSeconds: median(measured.map((r) => r.bareSeconds)),
      ordersPerSec,
      bareInsertOrdersPerSec,
      ratio: median(measured.map((r) => r.ratio)),
      ...(warmup ? { warmup } : {}),
      rounds: measured,
    };
  } finally {
    const bareIds = [...bareStoreIds(rounds), ...(warmupRequests > 0 ? [WARMUP_BARE_STORE_ID] : [])];
    await deleteStores(db, [...scratchIds, ...bareIds]);
  }
}
