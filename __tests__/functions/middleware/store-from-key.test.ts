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

/**
 * A signed-in person: the authorizer (or the local gateway) passes their store in
 * `requestContext.authorizer`; the handler takes it from there, on the people routes only.
 */
describe("a signed-in person's store", () => {
  let handle: DatabaseHandle;
  let mine: TestStore;
  let other: TestStore;
  const storeOf: KeyedOperation = async ({ store }) => {
    logger.info("operation ran");
    return { body: { storeId: store.id } };
  };
  let reports: ReturnType<typeof createHttpHandler>;
  let ingest: ReturnType<typeof createHttpHandler>;

  beforeAll(async () => {
    handle = useTestDatabase();
    mine = await newStore(handle);
    other = await newStore(handle);
    const database = { database: () => handle.db };
    reports = createHttpHandler(
      "reports",
      {
        summaryReport: storeOf,
        salesReport: storeOf,
        productsReport: storeOf,
        funnelReport: storeOf,
        cohortsReport: storeOf,
        realtimeReport: storeOf,
      },
      database,
    );
    ingest = createHttpHandler(
      "ingest",
      { ingestOrders: storeOf, ingestRefunds: storeOf, ingestEvents: storeOf },
      database,
    );
  });
  afterAll(async () => {
    await handle.db.destroy();
  });

  const person = (storeId: unknown) => ({ principal: "person", storeId, userId: "user-sub-1", username: "user-sub-1" });

  async function request(
    handler: ReturnType<typeof createHttpHandler>,
    method: "GET" | "POST",
    path: string,
    authorizer: Record<string, unknown>,
    apiKeyId?: string,
  ) {
    const event = apiGatewayEvent({
      method,
      path,
      apiKeyId,
      authorizer: authorizer as Record<string, string>,
      headers: method === "POST" ? { "content-type": "application/json" } : {},
      body: method === "POST" ? JSON.stringify({ orders: [] }) : undefined,
    });
    const { result, output } = await captureOutput(
      () => handler(event, lambdaContext("reports")) as Promise<APIGatewayProxyResult>,
    );
    const body = JSON.parse(result.body) as { storeId?: number; error?: { code: string; message: string } };
    return { status: result.statusCode, body, lines: logLines(output) };
  }

  it("is the store of the authorizer's context on a report, with storeId and principal on the log lines", async () => {
    const served = await request(reports, "GET", "/api/v1/reports/summary", person(String(mine.store.id)));
    expect(served).toMatchObject({ status: 200, body: { storeId: mine.store.id } });
    expect(served.lines[0]).toMatchObject({ message: "operation ran", storeId: mine.store.id, principal: "person" });
  });

  it("wins over the key id API Gateway passes for people (the people key's, which no store owns)", async () => {
    const served = await request(reports, "GET", "/api/v1/reports/sales", person(String(mine.store.id)), other.keyId);
    expect(served.body).toEqual({ storeId: mine.store.id });
  });

  it("is refused on a route for keys only, even with a store in the context (defence in depth)", async () => {
    const refused = await request(ingest, "POST", "/api/v1/orders", person(String(mine.store.id)), mine.keyId);
    expect(refused.status).toBe(403);
    expect(refused.body.error).toMatchObject({ code: "FORBIDDEN", message: expect.stringMatching(/API keys only/) });
  });

  it.each([
    ["a store that does not exist", "2000000000"],
    ["no store", undefined],
    ["not a store id", "1 OR 1=1"],
    ["zero", "0"],
  ])("is refused with 403 for %s", async (_name, storeId) => {
    const refused = await request(reports, "GET", "/api/v1/reports/summary", person(storeId));
    expect(refused.status).toBe(403);
    expect(refused.body.error).toMatchObject({ code: "FORBIDDEN", message: "Forbidden" });
    expect(refused.lines.map((line) => line.storeId)).toEqual([undefined]);
  });

  it("a key's context (principal key) is the key path as before", async () => {
    const served = await request(reports, "GET", "/api/v1/reports/summary", { principal: "key" }, other.keyId);
    expect(served.body).toEqual({ storeId: other.store.id });
    expect(served.lines[0]).not.toHaveProperty("principal");
  });
});
