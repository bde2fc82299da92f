// Before anything loads functions/observability.ts: the Logger at INFO, Metrics enabled.
import "../../support/powertools-output";
import { DeleteObjectCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { mockClient } from "aws-sdk-client-mock";
import type { DatabaseHandle } from "../../../functions/db/connection";
import { handler } from "../../../functions/handlers/export";
import { ingestOrders } from "../../../functions/ingest/orders";
import { ordersRequestSchema } from "../../../functions/ingest/schemas";
import { lambdaContext } from "../../../tools/local/api-gateway-event";
import { captureOutput, emfBlobs } from "../../support/capture-output";
import { newStore, useTestDatabase } from "../../support/harness";

/** The exporter as Lambda runs it: Powertools, the shared database, the S3 client (mocked here). */
describe("export handler", () => {
  const s3 = mockClient(S3Client);
  let handle: DatabaseHandle;
  beforeAll(() => {
    handle = useTestDatabase();
    process.env.EXPORT_BUCKET = "history-bucket";
    process.env.EXPORT_PREFIX = "raw/";
  });
  afterAll(async () => {
    delete process.env.EXPORT_BUCKET;
    delete process.env.EXPORT_PREFIX;
    await handle.db.destroy();
  });

  it("puts one Parquet object per changed day under the prefix, and nothing on a re-run", async () => {
    s3.reset();
    s3.on(PutObjectCommand).resolves({});
    const { store } = await newStore(handle);
    const orders = [
      {
        id: "x1",
        createdAt: "2026-11-03T10:00:00.000Z",
        currency: "USD",
        status: "paid",
        lines: [{ productId: "p", productName: "P", quantity: 1, unitPrice: "9.99" }],
      },
    ];
    await ingestOrders(handle.db, store, ordersRequestSchema.parse({ orders }).orders);

    // 15 minutes left, as at the start of a run of the exporter (timeout 900 s)
    const context = { ...lambdaContext("ecommerce-analytics-dev-export"), getRemainingTimeInMillis: () => 900_000 };
    const { result, output } = await captureOutput(() => handler({ storeIds: [store.id] }, context));
    expect(result).toEqual({ complete: true, stores: 1, written: 2, deleted: 0, unchanged: 0 });
    const puts = s3.commandCalls(PutObjectCommand).map((c) => c.args[0].input);
    expect(puts.map((p) => p.Key).sort()).toEqual([
      `raw/table=order_lines/store_id=${store.id}/day=2026-11-03/part-0.parquet`,
      `raw/table=orders/store_id=${store.id}/day=2026-11-03/part-0.parquet`,
    ]);
    for (const put of puts) {
      expect(put.Bucket).toBe("history-bucket");
      const body = Buffer.from(put.Body as Uint8Array);
      expect([body.subarray(0, 4).toString(), body.subarray(-4).toString()]).toEqual(["PAR1", "PAR1"]);
    }
    const blob = emfBlobs(output).find((b) => "ExportFilesWritten" in b);
    expect(blob).toMatchObject({ ExportFilesWritten: 2, ExportFilesDeleted: 0 });

    s3.reset();
    const { result: again } = await captureOutput(() => handler({ storeIds: [store.id] }, context));
    expect(again).toEqual({ complete: true, stores: 1, written: 0, deleted: 0, unchanged: 2 });
    expect(s3.commandCalls(PutObjectCommand)).toHaveLength(0);
    expect(s3.commandCalls(DeleteObjectCommand)).toHaveLength(0);
  });

  it("starts no day in the last minute before the timeout: the next run carries on", async () => {
    s3.reset();
    const { store } = await newStore(handle);
    const orders = [
      {
        id: "late",
        createdAt: "2026-11-04T10:00:00.000Z",
        currency: "USD",
        status: "paid",
        lines: [{ productId: "p", productName: "P", quantity: 1, unitPrice: "1.00" }],
      },
    ];
    await ingestOrders(handle.db, store, ordersRequestSchema.parse({ orders }).orders);
    const context = { ...lambdaContext("export"), getRemainingTimeInMillis: () => 59_000 };
    const { result } = await captureOutput(() => handler({ storeIds: [store.id] }, context));
    expect(result).toMatchObject({ complete: false, written: 0 });
    expect(s3.commandCalls(PutObjectCommand)).toHaveLength(0);
  });

  it("refuses store ids that are not positive integers", async () => {
    await expect(captureOutput(() => handler({ storeIds: ["1"] } as never, lambdaContext("export")))).rejects.toThrow(
      /storeIds/,
    );
  });
});
