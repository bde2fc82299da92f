import { MetricUnit } from "@aws-lambda-powertools/metrics";
import { ingestEvents } from "../ingest/events";
import { ingestOrders } from "../ingest/orders";
import { ingestRefunds } from "../ingest/refunds";
import type * as Schemas from "../ingest/schemas";
import { parseRequest } from "../ingest/validate";
import { createHttpHandler, type KeyedOperation } from "../middleware/http-handler";
import { metrics } from "../observability";

/**
 * The request schemas, built on the first request instead of at import: building zod's schemas
 * is ~15 ms of the function's cold import (bench/bundles.ts), and the handler needs none of it
 * until a body arrives. Bundled into index.mjs all the same (esbuild initializes the module on
 * this first call).
 */
let schemas: Promise<typeof Schemas> | undefined;
const requestSchemas = () => (schemas ??= import("../ingest/schemas"));

const ingestOrdersOperation: KeyedOperation = async ({ db, store, body }) => {
  const { orders } = parseRequest((await requestSchemas()).ordersRequestSchema, body);
  const result = await ingestOrders(db, store, orders);
  metrics.addMetric("OrdersCreated", MetricUnit.Count, result.created);
  metrics.addMetric("OrdersUpdated", MetricUnit.Count, result.updated);
  return { body: result };
};

const ingestRefundsOperation: KeyedOperation = async ({ db, store, body }) => {
  const { refunds } = parseRequest((await requestSchemas()).refundsRequestSchema, body);
  const result = await ingestRefunds(db, store, refunds);
  metrics.addMetric("RefundsIngested", MetricUnit.Count, result.created + result.updated);
  return { body: result };
};

const ingestEventsOperation: KeyedOperation = async ({ db, store, body }) => {
  const { events } = parseRequest((await requestSchemas()).eventsRequestSchema, body);
  const result = await ingestEvents(db, store, events);
  metrics.addMetric("EventsAccepted", MetricUnit.Count, result.accepted);
  metrics.addMetric("EventsDuplicate", MetricUnit.Count, result.duplicates);
  return { body: result };
};

export const handler = createHttpHandler("ingest", {
  ingestOrders: ingestOrdersOperation,
  ingestRefunds: ingestRefundsOperation,
  ingestEvents: ingestEventsOperation,
});
