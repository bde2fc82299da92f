import { readFileSync } from "node:fs";
import { join } from "node:path";
import * as z from "zod";
import { createDatabase, type DatabaseHandle } from "../../../functions/db/connection";
import { setSharedDatabase } from "../../../functions/db/shared-database";
import { eventsRequestSchema, ordersRequestSchema, refundsRequestSchema } from "../../../functions/ingest/schemas";
import { buildOpenApiDocument, renderOpenApiJson, type OpenApiOperation } from "../../../tools/openapi/document";
import { queryParameterNames } from "../../../shared/routes";
import { routeKey, routes, type OperationId, type Route } from "../../../shared/routes";
import { call, newStore, useTestDatabase, type CallResult, type TestStore } from "../../support/harness";
import { check, resolvePointer } from "./json-schema-check";

type Json = Record<string, unknown>;

const doc = buildOpenApiDocument();
const OPENAPI_JSON = join(__dirname, "..", "..", "..", "openapi.json");

// ---------------------------------------------------------------------------------------------
// Reading the document.

const deref = (node: unknown): Json => {
  const object = node as Json;
  return typeof object.$ref === "string" ? deref(resolvePointer(doc, object.$ref)) : object;
};

function operationOf(route: Route): OpenApiOperation {
  const operation = doc.paths[route.path]?.[route.method.toLowerCase()];
  if (!operation) throw new Error(`the document has no ${route.method} ${route.path}`);
  return operation;
}

const routeOf = (operationId: OperationId): Route => routes.find((r) => r.operationId === operationId)!;

/** The documented body schema of a route's response with this status and media type (undefined when not documented). */
function responseSchema(route: Route, status: number, mediaType = "application/json"): unknown {
  const response = operationOf(route).responses[String(status)];
  if (!response) return undefined;
  const content = deref(response).content as Record<string, { schema: unknown }> | undefined;
  return content?.[mediaType]?.schema;
}

/** Fails unless the status is documented for the route and the JSON body conforms to its schema. */
function expectConforms(route: Route, res: CallResult): void {
  const schema = responseSchema(route, res.status);
  if (schema === undefined)
    throw new Error(
      `${route.method} ${route.path} answered ${res.status}, which the document does not list: ${res.text}`,
    );
  expect(res.headers["Content-Type"]).toMatch(/^application\/json/);
  expect({ status: res.status, problems: check(schema, res.body, doc) }).toEqual({ status: res.status, problems: [] });
}

function parametersOf(route: Route): Json[] {
  return (operationOf(route).parameters ?? []).map(deref);
}

// ---------------------------------------------------------------------------------------------
// The checker itself: it must find what it is there to find.

describe("the schema checker", () => {
  const summary = { $ref: "#/components/schemas/SummaryReport" };
  const valid = {
    from: "2026-03-01",
    to: "2026-03-31",
    timezone: "UTC",
    currency: "USD",
    orders: 1,
    unitsSold: 2,
    grossSales: "20.00",
    discounts: "0.00",
    returns: "0.00",
    netSales: "20.00",
    shipping: "0.00",
    taxes: "0.00",
    totalSales: "20.00",
    averageOrderValue: "20.00",
    customers: 1,
    newCustomers: 1,
    returningCustomers: 0,
    returningCustomerRate: 0,
  };

  it("accepts a conforming body", () => {
    expect(check(summary, valid, doc)).toEqual([]);
  });

  it.each<[string, Json]>([
    ["an undocumented field", { ...valid, extra: 1 }],
    ["a missing field", { ...valid, customers: undefined }],
    ["money as a JSON number", { ...valid, netSales: 20 }],
    ["money that is not a decimal", { ...valid, netSales: "20,00" }],
    ["a count that is not whole", { ...valid, orders: 1.5 }],
    ["a rate over 1", { ...valid, returningCustomerRate: 1.2 }],
    ["a date that does not exist", { ...valid, from: "2026-02-30" }],
  ])("rejects %s", (_name, body) => {
    expect(check(summary, JSON.parse(JSON.stringify(body)), doc)).not.toEqual([]);
  });

  it("counts oneOf matches and refuses keywords it does not know", () => {
    expect(check({ oneOf: [{ type: "number" }, { type: "integer" }] }, 1, doc)).not.toEqual([]);
    expect(check({ oneOf: [{ type: "number" }, { type: "string" }] }, 1, doc)).toEqual([]);
    expect(() => check({ type: "string", dependentRequired: {} }, "x", doc)).toThrow(/does not know/);
  });
});

// ---------------------------------------------------------------------------------------------
// (a) The document against the route table; (b) openapi.json against the document.

describe("the OpenAPI document", () => {
  it("is OpenAPI 3.1.0 with the API key scheme in the x-api-key header", () => {
    expect(doc.openapi).toBe("3.1.0");
    expect(doc.components.securitySchemes.apiKey).toMatchObject({ type: "apiKey", in: "header", name: "x-api-key" });
    expect(doc.servers.map((s) => s.url)).toContain("/");
    expect(doc.servers.some((s) => String(s.url).startsWith("https://"))).toBe(true);
  });

  it("has exactly the route table's operations, with their operation ids and summaries", () => {
    const documented = Object.entries(doc.paths).flatMap(([path, methods]) =>
      Object.entries(methods).map(([method, op]) => ({
        key: routeKey(method, path),
        operationId: op.operationId,
        summary: op.summary,
      })),
    );
    const table = routes.map((r) => ({
      key: routeKey(r.method, r.path),
      operationId: r.operationId,
      summary: r.summary,
    }));
    const byKey = (a: { key: string }, b: { key: string }) => a.key.localeCompare(b.key);
    expect(documented.sort(byKey)).toEqual(table.sort(byKey));
    expect(new Set(documented.map((d) => d.operationId)).size).toBe(documented.length);
  });

  it("asks for the API key exactly where the route table does, or a sign-in token on the people routes", () => {
    const expected = (route: Route) =>
      !route.apiKeyRequired ? undefined : route.people ? [{ apiKey: [] }, { bearer: [] }] : [{ apiKey: [] }];
    for (const route of routes) {
      const security = operationOf(route).security;
      expect({ route: route.operationId, security }).toEqual({ route: route.operationId, security: expected(route) });
    }
    expect(routes.filter((route) => route.people).map((route) => route.operationId)).toEqual([
      "summaryReport",
      "salesReport",
      "productsReport",
      "funnelReport",
      "cohortsReport",
      "realtimeReport",
    ]);
  });

  it("describes the sign-in token as HTTP bearer JWT, and 401 where a token is taken", () => {
    expect(doc.components.securitySchemes.bearer).toMatchObject({
      type: "http",
      scheme: "bearer",
      bearerFormat: "JWT",
    });
    for (const route of routes) {
      const responses = operationOf(route).responses;
      expect({ route: route.operationId, has401: "401" in responses }).toEqual({
        route: route.operationId,
        has401: route.people === true,
      });
    }
  });

  it("builds its paths from the table it is given", () => {
    const summary = routeOf("summaryReport");
    const extra = buildOpenApiDocument([...routes, { ...summary, path: "/api/v1/reports/summary-v2" }]);
    expect(extra.paths["/api/v1/reports/summary-v2"]?.get?.operationId).toBe("summaryReport");
    expect(() => buildOpenApiDocument([...routes, summary])).toThrow(/twice/);
  });

  it("resolves every $ref", () => {
    const refs: string[] = [];
    const walk = (node: unknown): void => {
      if (Array.isArray(node)) node.forEach(walk);
      else if (typeof node === "object" && node !== null) {
        for (const [key, value] of Object.entries(node)) {
          if (key === "$ref") refs.push(value as string);
          else walk(value);
        }
      }
    };
    walk(doc);
    expect(refs.length).toBeGreaterThan(20);
    for (const ref of refs) expect(() => resolvePointer(doc, ref)).not.toThrow();
  });

  it("answers every operation's errors with the one Error body, with Retry-After on 429 and 503", () => {
    for (const route of routes) {
      const responses = operationOf(route).responses;
      const statuses = Object.keys(responses).filter((s) => s !== "200");
      expect(statuses).toEqual(expect.arrayContaining(["429", "500", "503"]));
      if (route.apiKeyRequired) expect(statuses).toContain("403");
      if (route.method === "POST") expect(statuses).toEqual(expect.arrayContaining(["400", "413", "415", "422"]));
      for (const status of statuses) {
        expect(responseSchema(route, Number(status))).toEqual({ $ref: "#/components/schemas/Error" });
        const headers = deref(responses[status]).headers as Json | undefined;
        if (status === "429" || status === "503") expect(headers?.["Retry-After"]).toBeDefined();
      }
    }
  });

  it("offers text/csv beside JSON on the reports, and only there: where the route table says so", () => {
    for (const route of routes) {
      const content = Object.keys(deref(operationOf(route).responses["200"]).content as Json).sort();
      expect({ route: route.operationId, content }).toEqual({
        route: route.operationId,
        content: route.functionName === "reports" ? ["application/json", "text/csv"] : ["application/json"],
      });
      expect(Boolean(route.csv)).toBe(route.functionName === "reports");
    }
  });

  it("lists exactly the query parameters the operation's schema declares, each described; 400, 406 everywhere", () => {
    for (const route of routes) {
      const documented = parametersOf(route).map((p) => p.name);
      expect({ route: route.operationId, documented }).toEqual({
        route: route.operationId,
        documented: queryParameterNames(route.operationId),
      });
      for (const parameter of parametersOf(route))
        expect(parameter).toMatchObject({ in: "query", description: expect.any(String), schema: expect.any(Object) });
      expect(Object.keys(operationOf(route).responses)).toEqual(expect.arrayContaining(["400", "406"]));
    }
    const summary = routeOf("summaryReport");
    const undescribed = { summaryReport: z.object({ undocumented: z.string().optional() }) };
    expect(() => buildOpenApiDocument([{ ...summary, path: "/x" }], undescribed)).toThrow(/undocumented/);
  });

  it("is what openapi.json holds (else run: npm run openapi)", () => {
    const onDisk = readFileSync(OPENAPI_JSON, "utf8").replace(/\r\n/g, "\n");
    expect(JSON.parse(onDisk)).toEqual(JSON.parse(JSON.stringify(doc)));
    expect(onDisk).toBe(renderOpenApiJson());
  });
});

// ---------------------------------------------------------------------------------------------
// (d) Request bodies: the document's schema and the zod schema the handler uses agree.

const zodSchemas: Partial<Record<OperationId, z.ZodType>> = {
  ingestOrders: ordersRequestSchema,
  ingestRefunds: refundsRequestSchema,
  ingestEvents: eventsRequestSchema,
};

function requestBodyOf(operationId: OperationId): { schema: unknown; example: Json } {
  const body = operationOf(routeOf(operationId)).requestBody as {
    content: Record<string, { schema: unknown; example: Json }>;
  };
  return body.content["application/json"];
}

const clone = <T>(value: T): T => structuredClone(value);

describe("the request body schemas", () => {
  it("has one for every POST route, from the zod schema the handler parses with", () => {
    for (const route of routes.filter((r) => r.method === "POST")) {
      expect(zodSchemas[route.operationId]).toBeDefined();
      expect(operationOf(route).requestBody).toMatchObject({ required: true });
    }
  });

  it.each(["ingestOrders", "ingestRefunds", "ingestEvents"] as const)(
    "%s: the documented example passes both the document and zod",
    (operationId) => {
      const { schema, example } = requestBodyOf(operationId);
      expect(check(schema, example, doc)).toEqual([]);
      expect(zodSchemas[operationId]!.safeParse(example).success).toBe(true);
    },
  );

  const orderVariants: Array<[string, (order: Json) => void, boolean]> = [
    [
      "money as JSON numbers",
      (o) => {
        o.shipping = 4.9;
        (o.lines as Json[])[0].unitPrice = 12.5;
      },
      true,
    ],
    [
      "a guest order (no customerId)",
      (o) => {
        delete o.customerId;
      },
      true,
    ],
    [
      "a time with a negative offset",
      (o) => {
        o.createdAt = "2026-03-08T09:03:00-05:00";
      },
      true,
    ],
    [
      "a missing required field",
      (o) => {
        delete o.lines;
      },
      false,
    ],
    [
      "an unknown field",
      (o) => {
        o.coupon = "X";
      },
      false,
    ],
    [
      "an unknown status",
      (o) => {
        o.status = "refunded";
      },
      false,
    ],
    [
      "money with a comma",
      (o) => {
        o.shipping = "4,90";
      },
      false,
    ],
    [
      "negative money",
      (o) => {
        o.tax = -1;
      },
      false,
    ],
    [
      "a quantity of 0",
      (o) => {
        (o.lines as Json[])[0].quantity = 0;
      },
      false,
    ],
    [
      "a fractional quantity",
      (o) => {
        (o.lines as Json[])[0].quantity = 1.5;
      },
      false,
    ],
    [
      "no lines",
      (o) => {
        o.lines = [];
      },
      false,
    ],
    [
      "a time without an offset",
      (o) => {
        o.createdAt = "2026-03-08T14:03:00";
      },
      false,
    ],
    [
      "a lower-case currency",
      (o) => {
        o.currency = "usd";
      },
      false,
    ],
    [
      "an id of 65 characters",
      (o) => {
        o.id = "x".repeat(65);
      },
      false,
    ],
    [
      "an id with a control character",
      (o) => {
        o.id = "a\u0007b";
      },
      false,
    ],
    [
      "an id with a C1 control character",
      (o) => {
        o.id = "a\u0085b";
      },
      false,
    ],
    [
      "an id with a trailing space",
      (o) => {
        o.id = "a ";
      },
      false,
    ],
    [
      "an id with a leading no-break space",
      (o) => {
        o.id = "\u00a0a";
      },
      false,
    ],
    [
      "an id with an unpaired surrogate",
      (o) => {
        o.id = "a\ud800";
      },
      false,
    ],
    [
      "an id of one character",
      (o) => {
        o.id = "a";
      },
      true,
    ],
    [
      "an id with inner spaces, emoji, RTL and combining marks",
      (o) => {
        o.id = "a b 🎁 \u05e9 e\u0301";
      },
      true,
    ],
    [
      "a customerId with a trailing space",
      (o) => {
        o.customerId = "c ";
      },
      false,
    ],
    [
      "money over 10^12",
      (o) => {
        o.shipping = "1000000000000.01";
      },
      false,
    ],
    [
      "money of 10^12 as a JSON number",
      (o) => {
        o.shipping = 1e12;
      },
      true,
    ],
    [
      "money over 10^12 as a JSON number",
      (o) => {
        o.shipping = 1e13;
      },
      false,
    ],
  ];

  it.each(orderVariants)("an order with %s: document and zod agree", (_name, mutate, valid) => {
    const { schema, example } = requestBodyOf("ingestOrders");
    const body = clone(example);
    mutate((body.orders as Json[])[0]);
    expect(check(schema, body, doc).length === 0).toBe(valid);
    expect(ordersRequestSchema.safeParse(body).success).toBe(valid);
  });

  it("an events request with an unknown event type fails both", () => {
    const { schema, example } = requestBodyOf("ingestEvents");
    const body = clone(example);
    (body.events as Json[])[0].type = "click";
    expect(check(schema, body, doc)).not.toEqual([]);
    expect(eventsRequestSchema.safeParse(body).success).toBe(false);
  });
});

// ---------------------------------------------------------------------------------------------
// (c) Real responses, through the Lambda handlers, conform to the document.

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;
const isoAgo = (ms: number) => new Date(Date.now() - ms).toISOString();
const dateAgo = (ms: number) => isoAgo(ms).slice(0, 10);
const RANGE = { from: dateAgo(40 * DAY), to: dateAgo(0) };

const line = (productId: string, unitPrice: string, extra: Json = {}) => ({
  productId,
  productName: `Product ${productId}`,
  category: "Kitchen",
  quantity: 2,
  unitPrice,
  ...extra,
});

const sample: Record<"ingestOrders" | "ingestRefunds" | "ingestEvents", Json> = {
  ingestOrders: {
    orders: [
      {
        id: "o-old",
        customerId: "c-1",
        createdAt: isoAgo(35 * DAY),
        currency: "USD",
        status: "paid",
        lines: [line("p-1", "10.00")],
        shipping: "4.00",
        tax: "1.60",
      },
      {
        id: "o-1",
        customerId: "c-1",
        createdAt: isoAgo(10 * MINUTE),
        currency: "USD",
        status: "paid",
        lines: [line("p-1", "10.00", { discount: "1.00" }), line("p-2", "5.50")],
        discount: "2.00",
      },
      { id: "o-guest", createdAt: isoAgo(5 * MINUTE), currency: "USD", status: "paid", lines: [line("p-2", "5.50")] },
      {
        id: "o-new",
        customerId: "c-2",
        createdAt: isoAgo(3 * DAY),
        currency: "USD",
        status: "paid",
        lines: [{ productId: "p-3", productName: "Uncategorised", quantity: 1, unitPrice: 20 }],
      },
      {
        id: "o-cancelled",
        customerId: "c-2",
        createdAt: isoAgo(2 * DAY),
        currency: "USD",
        status: "cancelled",
        lines: [line("p-1", "10.00")],
      },
    ],
  },
  ingestRefunds: {
    refunds: [
      {
        id: "r-1",
        orderId: "o-1",
        createdAt: isoAgo(2 * MINUTE),
        amount: "10.00",
        lines: [{ productId: "p-1", quantity: 1, amount: "10.00" }],
      },
      { id: "r-2", orderId: "o-old", createdAt: isoAgo(3 * MINUTE), amount: 2.5 },
    ],
  },
  ingestEvents: {
    events: [
      ...["session_start", "page_view", "product_view", "add_to_cart", "checkout_start", "purchase"].map((type, i) => ({
        id: `e-1-${i}`,
        type,
        sessionId: "s-1",
        occurredAt: isoAgo((12 - i) * MINUTE),
        customerId: "c-1",
        ...(type === "product_view" || type === "add_to_cart" ? { productId: "p-1" } : {}),
        ...(type === "purchase" ? { orderId: "o-1" } : {}),
      })),
      { id: "e-2-0", type: "session_start", sessionId: "s-2", occurredAt: isoAgo(2 * MINUTE) },
      { id: "e-2-1", type: "page_view", sessionId: "s-2", occurredAt: isoAgo(1 * MINUTE) },
    ],
  },
};

/** Reports' queries that hit the sample data; routes that take no range (realtime, health) get none. */
const reportQuery = (route: Route): Record<string, string> | undefined =>
  queryParameterNames(route.operationId).includes("from") ? { ...RANGE } : undefined;

describe("real responses", () => {
  let handle: DatabaseHandle;
  let shop: TestStore;

  beforeAll(async () => {
    handle = useTestDatabase();
    shop = await newStore(handle, { currency: "USD", timezone: "UTC" });
    for (const operationId of ["ingestOrders", "ingestRefunds", "ingestEvents"] as const) {
      const route = routeOf(operationId);
      const res = await call("POST", route.path, { store: shop, body: sample[operationId] });
      if (res.status !== 200) throw new Error(`seeding ${operationId} failed: ${res.status} ${res.text}`);
      expectConforms(route, res);
    }
  });
  afterAll(() => handle.db.destroy());

  it.each(routes.map((r) => [r.operationId, r] as const))(
    "%s answers 200 with a body the document describes",
    async (operationId, route) => {
      const res =
        route.method === "POST"
          ? await call("POST", route.path, { store: shop, body: sample[operationId as keyof typeof sample] })
          : await call("GET", route.path, {
              store: route.apiKeyRequired ? shop : undefined,
              query: reportQuery(route),
            });
      expect(res.status).toBe(200);
      expectConforms(route, res);
    },
  );

  it("the sample data fills the reports (so the schemas were checked against real rows)", async () => {
    const get = async (operationId: OperationId) =>
      (await call("GET", routeOf(operationId).path, { store: shop, query: reportQuery(routeOf(operationId)) })).body;
    expect((await get("summaryReport")).customers).toBe(2);
    expect((await get("productsReport")).products.length).toBe(3);
    expect((await get("productsReport")).products.some((p: Json) => p.category === null)).toBe(true);
    expect((await get("funnelReport")).sessionsConverted).toBe(1);
    expect((await get("cohortsReport")).cohorts.length).toBeGreaterThanOrEqual(1);
    expect((await get("realtimeReport")).orders).toBe(2);
    expect((await get("salesReport")).periods.some((p: Json) => p.orders !== 0)).toBe(true);
  });

  it("every documented value of every report parameter is accepted, and the answer conforms", async () => {
    const values = (parameter: Json): string[] => {
      const schema = parameter.schema as Json;
      if (Array.isArray(schema.enum)) return schema.enum as string[];
      if (schema.type === "integer") return [String(schema.minimum), String(schema.maximum)];
      if (parameter.name === "timezone") return ["Asia/Kolkata", "America/New_York", "UTC"];
      if (parameter.name === "category") return ["Kitchen"];
      return [RANGE[parameter.name as keyof typeof RANGE]];
    };
    let calls = 0;
    for (const route of routes.filter((r) => r.functionName === "reports")) {
      for (const parameter of parametersOf(route)) {
        for (const value of values(parameter)) {
          const res = await call("GET", route.path, {
            store: shop,
            query: { ...RANGE, [parameter.name as string]: value },
          });
          expect({ route: route.operationId, parameter: parameter.name, value, status: res.status }).toEqual({
            route: route.operationId,
            parameter: parameter.name,
            value,
            status: 200,
          });
          expectConforms(route, res);
          calls += 1;
        }
      }
    }
    expect(calls).toBeGreaterThan(15);
  });

  it("a value outside a documented range gets a documented 400", async () => {
    const route = routeOf("productsReport");
    const limit = parametersOf(route).find((p) => p.name === "limit")!.schema as Json;
    for (const value of [String(Number(limit.maximum) + 1), String(Number(limit.minimum) - 1)]) {
      const res = await call("GET", route.path, { store: shop, query: { limit: value } });
      expect(res.status).toBe(400);
      expectConforms(route, res);
    }
    const sales = routeOf("salesReport");
    const res = await call("GET", sales.path, { store: shop, query: { interval: "year" } });
    expect(res.status).toBe(400);
    expectConforms(sales, res);
  });

  it("the reports answer text/csv when asked, as documented", async () => {
    for (const route of routes.filter((r) => r.functionName === "reports")) {
      const res = await call("GET", route.path, {
        store: shop,
        query: reportQuery(route),
        headers: { accept: "text/csv" },
      });
      expect(res.status).toBe(200);
      expect(res.headers["Content-Type"]).toMatch(/^text\/csv/);
      expect(responseSchema(route, 200, "text/csv")).toMatchObject({ type: "string" });
      expect(res.text.split("\n")[0].length).toBeGreaterThan(0);
    }
  });

  it("the documented request examples are accepted by the real API", async () => {
    const fresh = await newStore(handle, { currency: "USD", timezone: "UTC" });
    for (const operationId of ["ingestOrders", "ingestRefunds", "ingestEvents"] as const) {
      const route = routeOf(operationId);
      const res = await call("POST", route.path, { store: fresh, body: requestBodyOf(operationId).example });
      expect({ operationId, status: res.status, body: res.body }).toMatchObject({ operationId, status: 200 });
      expectConforms(route, res);
    }
  });

  it("503 with Retry-After when the database cannot be reached", async () => {
    const route = routeOf("health");
    const down = createDatabase({ kind: "url", url: "mysql://root@127.0.0.1:1/analytics" });
    setSharedDatabase(down);
    try {
      const res = await call("GET", route.path);
      expect(res.status).toBe(503);
      expect(Number(res.headers["Retry-After"])).toBeGreaterThanOrEqual(1);
      expectConforms(route, res);
    } finally {
      setSharedDatabase(handle);
      await down.db.destroy();
    }
  });

  describe("errors conform to the Error body", () => {
    const orders = () => routeOf("ingestOrders");
    const order = () => clone((sample.ingestOrders.orders as Json[])[2]);

    it("400: an invalid item, named by index and field", async () => {
      const res = await call("POST", orders().path, {
        store: shop,
        body: { orders: [order(), { ...order(), id: "o-bad", status: "lost" }] },
      });
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe("VALIDATION_FAILED");
      expect(res.body.error.details).toContainEqual(expect.objectContaining({ index: 1, field: "orders[1].status" }));
      expectConforms(orders(), res);
    });

    it("400: a body that is not JSON", async () => {
      const res = await call("POST", orders().path, {
        store: shop,
        rawBody: '{"orders": [',
        headers: { "content-type": "application/json" },
      });
      expect(res.status).toBe(400);
      expectConforms(orders(), res);
    });

    it("400: a report's bad parameters", async () => {
      const route = routeOf("summaryReport");
      const res = await call("GET", route.path, {
        store: shop,
        query: { from: "2026-02-30", timezone: "Mars/Olympus" },
      });
      expect(res.status).toBe(400);
      expect(res.body.error.details.map((d: { field: string }) => d.field).sort()).toEqual(["from", "timezone"]);
      expectConforms(route, res);
      const unknown = await call("GET", route.path, { store: shop, query: { from: "2026-03-01", bogus: "1" } });
      expect(unknown.status).toBe(400);
      expect(unknown.body.error.details).toEqual([
        { field: "bogus", message: expect.stringContaining("is not a query parameter") },
      ]);
      expectConforms(route, unknown);
    });

    it("403: no API key, on every keyed route", async () => {
      for (const route of routes.filter((r) => r.apiKeyRequired)) {
        const res = await call(route.method, route.path, {
          body: route.method === "POST" ? sample[route.operationId as keyof typeof sample] : undefined,
        });
        expect(res.status).toBe(403);
        expectConforms(route, res);
      }
    });

    it("413: a body over 1 MiB", async () => {
      const res = await call("POST", orders().path, {
        store: shop,
        rawBody: JSON.stringify({ orders: [], pad: "x".repeat(1024 * 1024) }),
        headers: { "content-type": "application/json" },
      });
      expect(res.status).toBe(413);
      expectConforms(orders(), res);
    });

    it("415: a body that is not sent as JSON", async () => {
      const res = await call("POST", orders().path, {
        store: shop,
        rawBody: "id=1",
        headers: { "content-type": "application/x-www-form-urlencoded" },
      });
      expect(res.status).toBe(415);
      expectConforms(orders(), res);
    });

    it("422: another currency, and a refund of an unknown order", async () => {
      const res = await call("POST", orders().path, {
        store: shop,
        body: { orders: [{ ...order(), id: "o-eur", currency: "EUR" }] },
      });
      expect(res.status).toBe(422);
      expectConforms(orders(), res);
      const refunds = routeOf("ingestRefunds");
      const refund = await call("POST", refunds.path, {
        store: shop,
        body: { refunds: [{ id: "r-x", orderId: "nope", createdAt: isoAgo(MINUTE), amount: "1.00" }] },
      });
      expect(refund.status).toBe(422);
      expectConforms(refunds, refund);
    });
  });
});
