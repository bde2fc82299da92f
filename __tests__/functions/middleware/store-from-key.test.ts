// Before anything loads functions/observability.ts: the Logger at INFO.
import "../../support/powertools-output";
import type { APIGatewayProxyResult } from "aws-lambda";
import type { DatabaseHandle } from "../../../functions/db/connection";
import { badRequest } from "../../../functions/http/errors";
import { apiGatewayEvent, lambdaContext } from "../../../tools/local/api-gateway-event";
import { createHttpHandler, type KeyedOperation } from "../../../functions/middleware/http-handler";
import { logger } from "../../../functions/observability";
import { captureOutput, logLines } from "../../support/capture-output";
import { newStore, useTestDatabase, type TestStore } from "../../support/harness";

/** Every log line written while a request runs carries the calling key's store id, and only that request's. */
describe("store id on the request's log lines", () => {
  let handle: DatabaseHandle;
  let first: TestStore;
  let second: TestStore;

  // An operation that logs, and one that logs and is then refused (the error handler logs too).
  const logs: KeyedOperation = async ({ store }) => {
    logger.info("operation ran", { report: "summary" });
    return { body: { storeId: store.id } };
  };
  const refuses: KeyedOperation = async () => {
    logger.info("about to refuse");
    throw badRequest("the report's parameters are invalid", [{ field: "from", message: "must be a date YYYY-MM-DD" }]);
  };
  let handler: ReturnType<typeof createHttpHandler>;

  beforeAll(async () => {
    handle = useTestDatabase();
    first = await newStore(handle);
    second = await newStore(handle);
    handler = createHttpHandler(
      "reports",
      {
        summaryReport: logs,
        salesReport: refuses,
        productsReport: logs,
        funnelReport: logs,
        cohortsReport: logs,
        realtimeReport: logs,
      },
      { database: () => handle.db },
    );
  });
  afterAll(async () => {
    await handle.db.destroy();
  });

  async function request(path: string, store?: TestStore) {
    const event = apiGatewayEvent({ method: "GET", path, apiKeyId: store?.keyId, apiKey: store?.apiKey });
    const { result, output } = await captureOutput(
      () => handler(event, lambdaContext("reports")) as Promise<APIGatewayProxyResult>,
    );
    return { status: result.statusCode, lines: logLines(output) };
  }

  it("appends storeId once the key's store is known, to the operation's and the error handler's lines", async () => {
    const served = await request("/api/v1/reports/summary", first);
    expect(served.status).toBe(200);
    expect(served.lines.map((line) => line.message)).toEqual(["operation ran"]);
    expect(served.lines[0]).toMatchObject({ storeId: first.store.id, report: "summary" });

    const refused = await request("/api/v1/reports/sales", first);
    expect(refused.status).toBe(400);
    expect(refused.lines.map((line) => line.message)).toEqual(["about to refuse", "request rejected"]);
    for (const line of refused.lines) expect(line.storeId).toBe(first.store.id);
  });

  it("removes it between requests: a request without a store has none, the next store's lines its own", async () => {
    await request("/api/v1/reports/summary", first);

    const anonymous = await request("/api/v1/reports/summary");
    expect(anonymous.status).toBe(403);
    expect(anonymous.lines.map((line) => line.message)).toEqual(["request rejected"]);
    expect(anonymous.lines[0]).not.toHaveProperty("storeId");

    const other = await request("/api/v1/reports/sales", second);
    expect(other.lines).toHaveLength(2);
    for (const line of other.lines) expect(line.storeId).toBe(second.store.id);
  });
});
