import * as z from "zod";
import { currencyCode, eventType, externalId, money, quantity, text, timestamp } from "./fields";

export const MAX_ORDERS = 500;
export const MAX_LINES = 500;
export const MAX_REFUNDS = 500;
export const MAX_EVENTS = 1000;

export const orderLineSchema = z.strictObject({
  productId: externalId,
  productName: text(255),
  category: text(100).optional(),
  quantity,
  unitPrice: money,
  discount: money.optional(),
});

export const orderSchema = z.strictObject({
  id: externalId,
  customerId: externalId.optional(),
  createdAt: timestamp,
  currency: currencyCode,
  status: z.enum(["paid", "cancelled"]),
  lines: z
    .array(orderLineSchema)
    .min(1, "an order needs 1 to 500 lines")
    .max(MAX_LINES, "an order needs 1 to 500 lines"),
  discount: money.optional(),
  shipping: money.optional(),
  tax: money.optional(),
  channel: text(50).optional(),
});

export const ordersRequestSchema = z.strictObject({
  orders: z.array(orderSchema).min(1, "send 1 to 500 orders").max(MAX_ORDERS, "send 1 to 500 orders"),
});

export const refundLineSchema = z.strictObject({
  productId: externalId,
  quantity,
  amount: money,
});

export const refundSchema = z.strictObject({
  id: externalId,
  orderId: externalId,
  createdAt: timestamp,
  amount: money,
  lines: z.array(refundLineSchema).min(1).max(MAX_LINES).optional(),
});

export const refundsRequestSchema = z.strictObject({
  refunds: z.array(refundSchema).min(1, "send 1 to 500 refunds").max(MAX_REFUNDS, "send 1 to 500 refunds"),
});

export const eventSchema = z.strictObject({
  id: externalId,
  type: eventType,
  sessionId: externalId,
  occurredAt: timestamp,
  customerId: externalId.optional(),
  productId: externalId.optional(),
  orderId: externalId.optional(),
});

export const eventsRequestSchema = z.strictObject({
  events: z.array(eventSchema).min(1, "send 1 to 1000 events").max(MAX_EVENTS, "send 1 to 1000 events"),
});

export type OrderInput = z.output<typeof orderSchema>;
export type OrderLineInput = z.output<typeof orderLineSchema>;
export type RefundInput = z.output<typeof refundSchema>;
export type EventInput = z.output<typeof eventSchema>;
