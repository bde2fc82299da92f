/**
 * The seeded demo data generator: a believable online store's orders, refunds and storefront
 * events, streamed in batches ready for the ingestion API (SPEC 3.1).
 *
 *     import { generateDemo, defaultDemoOptions } from "./tools/demo";
 *     for (const batch of generateDemo(defaultDemoOptions({ seed: 7 }))) {
 *       await post(`/api/v1/${batch.kind}`, { [batch.kind]: batch.items });
 *     }
 */
export { defaultDemoOptions, generateDemo } from "./generate";
export { createProgress, Progress } from "./progress";
export type { ProgressOptions, ProgressStream } from "./progress";
export { DEMO_BATCH_LIMITS } from "./types";
export type {
  DemoBatch,
  DemoEvent,
  DemoEventType,
  DemoOptions,
  DemoOrder,
  DemoOrderLine,
  DemoOrderStatus,
  DemoRefund,
  DemoRefundLine,
} from "./types";
