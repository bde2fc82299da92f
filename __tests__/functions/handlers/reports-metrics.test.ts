// Before anything loads functions/observability.ts: Metrics enabled, the Logger at INFO.
import "../../support/powertools-output";
import type { DatabaseHandle } from "../../../functions/db/connection";
import { captureOutput, emfBlobs } from "../../support/capture-output";
import { call, newStore, useTestDatabase, type TestStore } from "../../support/harness";

interface Emf {
  _aws: {
    CloudWatchMetrics: { Namespace: string; Dimensions: string[][]; Metrics: { Name: string; Unit: string }[] }[];
  };
  [key: string]: unknown;
}

/** The EMF blobs that carry `metric`, as CloudWatch would read them. */
function blobsWith(output: Awaited<ReturnType<typeof captureOutput>>["output"], metric: string): Emf[] {
  return (emfBlobs(output) as Emf[]).filter((blob) =>
    blob._aws.CloudWatchMetrics.some((set) => set.Metrics.some((m) => m.Name === metric)),
  );
}

describe("ReportsServed", () => {
  let handle: DatabaseHandle;
  let shop: TestStore;
  beforeAll(async () => {
    handle = useTestDatabase();
    shop = await newStore(handle);
  });
  afterAll(async () => {
    await handle.db.destroy();
  });

  it.each(["summary", "sales", "products", "funnel", "cohorts", "realtime"])(
    "a served %s report counts once with its report dimension, and once in the service-wide series",
    async (report) => {
      const { result, output } = await captureOutput(() => call("GET", `/api/v1/reports/${report}`, { store: shop }));
      expect(result.status).toBe(200);
      const served = blobsWith(output, "ReportsServed");
      expect(served).toHaveLength(2);

      const perReport = served.filter((blob) =>
        blob._aws.CloudWatchMetrics[0]!.Dimensions.some((set) => set.includes("report")),
      );
      expect(perReport).toHaveLength(1);
      expect(perReport[0]).toMatchObject({ report, service: "ecommerce-analytics", ReportsServed: 1 });
      expect(perReport[0]!._aws.CloudWatchMetrics).toEqual([
        {
          Namespace: "EcommerceAnalytics",
          Dimensions: [["service", "report"]],
          Metrics: [{ Name: "ReportsServed", Unit: "Count" }],
        },
      ]);

      // The series the dashboard's business widget sums: {EcommerceAnalytics,service}.
      const serviceWide = served.find((blob) => blob !== perReport[0])!;
      expect(serviceWide._aws.CloudWatchMetrics[0]!.Dimensions).toEqual([["service"]]);
      expect(serviceWide).toMatchObject({ service: "ecommerce-analytics", ReportsServed: 1 });
      expect(serviceWide).not.toHaveProperty("report");
    },
  );

  it("a refused report is not counted as served", async () => {
    const { result, output } = await captureOutput(() =>
      call("GET", "/api/v1/reports/sales", { store: shop, query: { interval: "fortnight" } }),
    );
    expect(result.status).toBe(400);
    expect(blobsWith(output, "ReportsServed")).toEqual([]);
    expect(blobsWith(output, "RequestsRejected")).toHaveLength(1);
  });
});
