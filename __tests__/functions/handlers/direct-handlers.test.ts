// Before anything loads functions/observability.ts: the Logger at INFO, Metrics enabled.
import "../../support/powertools-output";
import { randomBytes } from "node:crypto";
import type { DatabaseHandle } from "../../../functions/db/connection";
import { handler as adminHandler } from "../../../functions/handlers/admin";
import {
  createMigrateHandler,
  handler as migrateHandler,
  runMigrationJob,
  type MigrationRunResult,
  type RotationRunResult,
} from "../../../functions/handlers/migrate";
import { lambdaContext } from "../../../tools/local/api-gateway-event";
import { logger } from "../../../functions/observability";
import { generateApiKey, hashApiKey } from "../../../functions/stores/api-keys";
import { captureOutput, emfBlobs, logLines, type CapturedOutput } from "../../support/capture-output";
import { useTestDatabase } from "../../support/harness";

/** The metrics of the invocation's EMF blobs, merged: name → value, and each blob's dimension sets. */
function emfMetrics(output: CapturedOutput): { values: Record<string, unknown>; dimensions: string[][][] } {
  const values: Record<string, unknown> = {};
  const dimensions: string[][][] = [];
  for (const blob of emfBlobs(output)) {
    const sets = (blob._aws as { CloudWatchMetrics: { Dimensions: string[][]; Metrics: { Name: string }[] }[] })
      .CloudWatchMetrics;
    for (const set of sets) {
      dimensions.push(set.Dimensions);
      for (const metric of set.Metrics) values[metric.Name] = blob[metric.Name];
    }
    Object.assign(values, Object.fromEntries(Object.entries(blob).filter(([key]) => key === "action")));
  }
  return { values, dimensions };
}

/**
 * admin and migrate are invoked directly, not through API Gateway: wrapped in Middy with the Powertools middlewares
 * all the same.
 */
describe("admin handler", () => {
  let handle: DatabaseHandle;
  beforeAll(() => {
    handle = useTestDatabase();
  });
  afterAll(async () => {
    await handle.db.destroy();
  });

  it("logs with the Lambda context and action, counts AdminActions by action, returns runAdmin's result", async () => {
    const apiKey = generateApiKey();
    const context = lambdaContext("ecommerce-analytics-dev-admin");
    const event = {
      action: "createStore" as const,
      name: `Admin handler ${Date.now()}`,
      currency: "EUR",
      timezone: "Europe/Berlin",
      apiKeyId: `agw${randomBytes(5).toString("hex")}`,
      apiKeyHash: hashApiKey(apiKey),
    };
    const { result, output } = await captureOutput(() => adminHandler(event, context));
    expect(result).toMatchObject({ keyId: event.apiKeyId, store: { name: event.name, activeKeys: 1 } });

    const created = logLines(output).find((line) => line.message === "store created");
    expect(created).toMatchObject({
      action: "createStore",
      function_name: "ecommerce-analytics-dev-admin",
      function_request_id: context.awsRequestId,
      cold_start: expect.any(Boolean),
      storeId: (result as { storeId: number }).storeId,
    });
    const metrics = emfMetrics(output);
    expect(metrics.values).toMatchObject({ AdminActions: 1, action: "createStore" });
    expect(metrics.dimensions).toContainEqual([["service", "action"]]);
  });

  it("still answers bad input with the field, counted under action 'invalid' if the action is unknown", async () => {
    const { result, output } = await captureOutput(() =>
      adminHandler({ action: "dropDatabase" } as never, lambdaContext("admin")),
    );
    expect(result).toMatchObject({ error: { field: "action" } });
    expect(emfMetrics(output).values).toMatchObject({ AdminActions: 1, action: "invalid" });

    const listed = await captureOutput(() => adminHandler({ action: "listStores" }, lambdaContext("admin")));
    expect(listed.result).toHaveProperty("stores");
  });
});

describe("migrate handler", () => {
  const migrated: MigrationRunResult = {
    applied: ["001_initial"],
    appUser: "created",
    connectAttempts: 2,
    appLoginAttempts: 1,
  };
  const rotated: RotationRunResult = {
    rotated: true,
    engine: "mysql",
    previousPasswordDiscarded: true,
    appLoginAttempts: 1,
  };

  it("returns the run's result unchanged, rotates for {rotateAppPassword: true}, passes Lambda context", async () => {
    const seen: unknown[] = [];
    const handler = createMigrateHandler({
      migrate: async (context) => {
        seen.push(context);
        logger.info("inside the migration run");
        return migrated;
      },
      rotate: async () => rotated,
    });
    const context = lambdaContext("ecommerce-analytics-dev-migrate");
    const run = await captureOutput(() => handler({}, context));
    expect(run.result).toBe(migrated);
    expect(seen).toEqual([context]);
    expect(logLines(run.output).find((line) => line.message === "inside the migration run")).toMatchObject({
      function_name: "ecommerce-analytics-dev-migrate",
      function_request_id: context.awsRequestId,
    });
    expect(emfMetrics(run.output).values).toMatchObject({ MigrationsApplied: 1 });

    const rotation = await captureOutput(() => handler({ rotateAppPassword: true }, lambdaContext("migrate")));
    expect(rotation.result).toBe(rotated);
    expect(emfMetrics(rotation.output).values).toMatchObject({ AppPasswordRotations: 1 });

    expect((await captureOutput(() => handler(null, lambdaContext("migrate")))).result).toBe(migrated);
  });

  it("rethrows the run's error (deploy fails), logged with Lambda context, counts MigrationRunsFailed", async () => {
    // The real run, failing at once: a TLS handshake failure is not waited out.
    // Its log line comes from migrate.ts's own logger.
    const refused = Object.assign(new Error("Hostname/IP does not match certificate's altnames"), {
      code: "HANDSHAKE_SSL_ERROR",
    });
    const handler = createMigrateHandler({
      migrate: () =>
        runMigrationJob({
          openMaster: () => {
            throw refused;
          },
          openApp: () => {
            throw new Error("not reached");
          },
          appUser: {
            secrets: { send: async () => ({}) },
            secretArn: "arn:aws:secretsmanager:eu-west-1:123456789012:secret:app",
            username: "app_user",
            database: "analytics",
          },
        }),
      rotate: async () => rotated,
    });
    const context = lambdaContext("ecommerce-analytics-dev-migrate");
    const { result, output } = await captureOutput(() =>
      handler({}, context).then(
        () => "resolved",
        (error: unknown) => error,
      ),
    );
    expect(result).toBe(refused);
    const failed = logLines(output).find(
      (line) => line.message === "connect to the database as the master user: failed",
    );
    expect(failed).toMatchObject({
      level: "ERROR",
      function_request_id: context.awsRequestId,
      function_name: "ecommerce-analytics-dev-migrate",
    });
    expect(emfMetrics(output).values).toMatchObject({ MigrationRunsFailed: 1 });
  });

  it("the deployed handler still fails outside AWS with the run's own message", async () => {
    const { result } = await captureOutput(() =>
      migrateHandler({}, lambdaContext("migrate")).then(
        () => "resolved",
        (error: unknown) => error,
      ),
    );
    expect(result).toBeInstanceOf(Error);
    expect((result as Error).message).toMatch(/DB_PROXY_ENDPOINT must be set/);
  });
});
