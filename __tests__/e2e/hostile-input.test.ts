/**
 * Generated hostile requests over the local gateway's real HTTP path (issue 11): random JSON
 * shapes and wrong types, huge and long strings, unicode edge cases (lone surrogates, NUL, RTL,
 * emoji, combining marks), numbers at the edges (1e308, -0, 1e400, exponents, NaN-like strings),
 * deep nesting, duplicate keys, ids with pad spaces, stray query parameters and Accept headers.
 *
 * Properties: never a 5xx; every 4xx is SPEC's error body with a code (and, for validation, a
 * field path per detail); a rejected request stores nothing (the store's rows, raw and rollup,
 * counted before and after). Bounded (HOSTILE_RUNS, default 300) and seeded (HOSTILE_SEED), so a
 * failure prints a seed and path that reproduce it.
 */
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import fc from "fast-check";
import { sql } from "kysely";
import { createDatabase, type DatabaseHandle } from "../../functions/db/connection";
import { setSharedDatabase } from "../../functions/db/shared-database";
import { createGateway } from "../../tools/local/gateway";
import { createStore } from "../../functions/stores/repository";
import { STORE_TABLES } from "../support/harness";

const RUNS = Number(process.env.HOSTILE_RUNS ?? 300);
const SEED = Number(process.env.HOSTILE_SEED ?? 20261206);
const TIME_LIMIT_MS = 150_000;

let handle: DatabaseHandle;
let server: Server;
let base: string;
let apiKey: string;
let storeId: number;

// ---------------------------------------------------------------------------------------------
// A JSON text builder that can say what JSON.stringify cannot: numbers as raw text (1e400, -0,
// 1E+2), duplicate keys, and nesting deeper than a recursive serializer would like.

type Node =
  | { kind: "raw"; text: string }
  | { kind: "object"; entries: Array<[string, Node]> }
  | { kind: "array"; items: Node[] }
  | { kind: "value"; value: string | number | boolean | null };

const raw = (text: string): Node => ({ kind: "raw", text });
const value = (v: string | number | boolean | null): Node => ({ kind: "value", value: v });
const object = (entries: Array<[string, Node | undefined]>): Node => ({
  kind: "object",
  entries: entries.filter((e): e is [string, Node] => e[1] !== undefined),
});
const array = (items: Node[]): Node => ({ kind: "array", items });

function serialize(node: Node): string {
  switch (node.kind) {
    case "raw":
      return node.text;
    case "value":
      return JSON.stringify(node.value) ?? "null"; // escapes lone surrogates as \udxxx
    case "array":
      return `[${node.items.map(serialize).join(",")}]`;
    case "object":
      return `{${node.entries.map(([k, v]) => `${JSON.stringify(k)}:${serialize(v)}`).join(",")}}`;
  }
}

// ---------------------------------------------------------------------------------------------
// Arbitraries.

const loneSurrogate = fc.integer({ min: 0xd800, max: 0xdfff }).map((c) => String.fromCharCode(c));
const edgeUnit = fc.oneof(
  { weight: 4, arbitrary: fc.string({ unit: "binary", minLength: 1, maxLength: 1 }) },
  { weight: 1, arbitrary: loneSurrogate },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      " ",
      "\u00a0",
      "\t",
      "\n",
      "\u0000",
      "\u0085",
      "\u202e",
      "\u200f",
      "\u0301",
      "\ufeff",
      "\ufffd",
      "🎁",
      "👩‍💻",
      "\u05e9",
      "'",
      '"',
      "\\",
      "%",
      "_",
    ),
  },
);
const hostileString = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.constantFrom(
      "",
      " ",
      "X",
      "X ",
      " X",
      "X\u00a0",
      "\ud800",
      "\udc00",
      "a\ud83d",
      "\u0000",
      "a\u0000b",
      "\u202eevil",
      "مرحبا",
      "🎁",
      "👩‍💻",
      "e\u0301",
      "\ufeff",
      "\ufffd",
      "'; drop table orders; --",
      "NaN",
      "Infinity",
      "-Infinity",
      "-0",
      "1e308",
      "0x1F",
      "1e-7",
      "10.12345",
      "0.00001",
      "999999999999999999999",
      "1000000000000.01",
      "2026-02-30T10:00:00Z",
      "2026-03-10T12:00:00Z",
      "2026-03-10T12:00:00",
      "9999-12-31T23:59:59Z",
      "USD",
      "usd",
      "EUR",
      "paid",
      "cancelled",
      "purchase",
      "__proto__",
      "constructor",
      "toString",
      "hostile-order-1",
      "hostile-order-1 ",
    ),
  },
  { weight: 3, arbitrary: fc.string({ unit: edgeUnit, maxLength: 70 }) },
  { weight: 1, arbitrary: fc.string({ unit: "grapheme", maxLength: 70 }) },
  {
    weight: 1,
    arbitrary: fc
      .integer({ min: 60, max: 300_000 })
      .chain((n) => fc.constantFrom("x", "é", "🎁", " ").map((c) => c.repeat(Math.ceil(n / c.length)))),
  },
);
const edgeNumberText = fc.constantFrom(
  "1e308",
  "-1e308",
  "1e400",
  "-1e400",
  "-0",
  "0",
  "-1",
  "1.5",
  "0.30000000000000004",
  "1E2",
  "1e+2",
  "5e-324",
  "1e-7",
  "9007199254740993",
  "123456789012345678901234567890",
  "1000000000000",
  "1000000000000.0001",
  "0.0000",
  "2",
  "500",
  "1000001",
);
const jsonLeaf = fc.oneof(
  hostileString.map(value),
  edgeNumberText.map(raw),
  fc.constantFrom(value(true), value(false), value(null)),
  fc.double().map((d) => (Number.isFinite(d) ? raw(String(d)) : value(null))),
);
const deep = fc
  .integer({ min: 2, max: 20_000 })
  .chain((depth) =>
    fc
      .constantFrom("[", '{"a":')
      .map((open) => raw(open.repeat(depth) + "1" + (open === "[" ? "]" : "}").repeat(depth))),
  );
const randomJson: fc.Arbitrary<Node> = fc.letrec<{ node: Node }>((tie) => ({
  node: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    jsonLeaf,
    fc.array(tie("node"), { maxLength: 4 }).map(array),
    fc
      .array(fc.tuple(hostileString, tie("node")), { maxLength: 4 })
      .map((entries) => ({ kind: "object" as const, entries })),
  ),
})).node;

/** A field's value: usually a valid one, else something hostile; sometimes the field is left out. */
function field(valid: fc.Arbitrary<Node>): fc.Arbitrary<Node | undefined> {
  return fc.oneof(
    { weight: 8, arbitrary: valid },
    { weight: 2, arbitrary: hostileString.map(value) },
    { weight: 1, arbitrary: edgeNumberText.map(raw) },
    { weight: 1, arbitrary: randomJson },
    { weight: 1, arbitrary: deep },
    { weight: 1, arbitrary: fc.constant(undefined) },
  );
}

/** Extra entries: unknown keys and duplicates of known ones (JSON.parse keeps the last). */
function withExtras(entries: fc.Arbitrary<Array<[string, Node | undefined]>>): fc.Arbitrary<Node> {
  return fc
    .tuple(
      entries,
      fc.array(
        fc.tuple(
          fc.oneof(
            hostileString,
            fc.constantFrom("id", "currency", "lines", "amount", "__proto__", "storeId", "store_id"),
          ),
          randomJson,
        ),
        { maxLength: 2 },
      ),
      fc.boolean(),
    )
    .map(([known, extra, extrasFirst]) => object(extrasFirst ? [...extra, ...known] : [...known, ...extra]));
}

const ids = fc.oneof(
  {
    weight: 4,
    arbitrary: fc
      .constantFrom("hostile-order-1", "hostile-order-2", "seed-order", "c-1", "p-1", "s-1", "e-1", "r-1")
      .map(value),
  },
  {
    weight: 2,
    arbitrary: fc
      .constantFrom("seed-order ", " seed-order", "e-1 ", "p-1\u00a0", "\ud800", "\udc00", "X", "X ")
      .map(value),
  },
  { weight: 2, arbitrary: fc.string({ unit: edgeUnit, minLength: 1, maxLength: 70 }).map(value) },
);
const money = fc.oneof(
  fc
    .constantFrom("0", "1.00", "19.99", "0.5", "999999999999.99", "1000000000000", "10.12345", "0.00001", "1.100000")
    .map(value),
  fc.constantFrom("3.5", "0.1", "1e2", "-0", "0.30000000000000004", "1e-7", "1e308").map(raw),
);
const timestamp = fc
  .constantFrom(
    "2026-03-10T12:00:00Z",
    "2026-03-10T07:00:00-05:00",
    "2026-03-11T00:00:00+05:45",
    "2000-01-01T00:00:00Z",
  )
  .map(value);
const quantity = fc.constantFrom("1", "2", "1000000", "0", "1.5", "-1", "1e3").map(raw);

const orderLine = withExtras(
  fc
    .tuple(
      field(ids),
      field(hostileString.map(value)),
      field(hostileString.map(value)),
      field(quantity),
      field(money),
      field(money),
    )
    .map(([productId, productName, category, qty, unitPrice, discount]) => [
      ["productId", productId],
      ["productName", productName ?? value("Mug")],
      ["category", category],
      ["quantity", qty],
      ["unitPrice", unitPrice],
      ["discount", discount],
    ]),
);
const order = withExtras(
  fc
    .tuple(
      field(ids),
      field(ids),
      field(timestamp),
      field(fc.constantFrom("USD", "EUR", "usd").map(value)),
      field(fc.constantFrom("paid", "cancelled").map(value)),
      field(fc.array(orderLine, { minLength: 1, maxLength: 3 }).map(array)),
      field(money),
      field(money),
      field(money),
      field(hostileString.map(value)),
    )
    .map(([id, customerId, createdAt, currency, status, lines, discount, shipping, tax, channel]) => [
      ["id", id],
      ["customerId", customerId],
      ["createdAt", createdAt],
      ["currency", currency],
      ["status", status],
      ["lines", lines],
      ["discount", discount],
      ["shipping", shipping],
      ["tax", tax],
      ["channel", channel],
    ]),
);
const refund = withExtras(
  fc
    .tuple(
      field(ids),
      field(ids),
      field(timestamp),
      field(money),
      fc.option(
        field(
          fc
            .array(
              withExtras(
                fc.tuple(field(ids), field(quantity), field(money)).map(([productId, qty, amount]) => [
                  ["productId", productId],
                  ["quantity", qty],
                  ["amount", amount],
                ]),
              ),
              { minLength: 1, maxLength: 2 },
            )
            .map(array),
        ),
        { nil: undefined },
      ),
    )
    .map(([id, orderId, createdAt, amount, lines]) => [
      ["id", id],
      ["orderId", orderId],
      ["createdAt", createdAt],
      ["amount", amount],
      ["lines", lines],
    ]),
);
const event = withExtras(
  fc
    .tuple(
      field(ids),
      field(
        fc
          .constantFrom(
            "session_start",
            "page_view",
            "product_view",
            "add_to_cart",
            "checkout_start",
            "purchase",
            "click",
          )
          .map(value),
      ),
      field(ids),
      field(timestamp),
      field(ids),
      field(ids),
      field(ids),
    )
    .map(([id, type, sessionId, occurredAt, customerId, productId, orderId]) => [
      ["id", id],
      ["type", type],
      ["sessionId", sessionId],
      ["occurredAt", occurredAt],
      ["customerId", customerId],
      ["productId", productId],
      ["orderId", orderId],
    ]),
);

const batch = (key: string, item: fc.Arbitrary<Node>) =>
  fc.oneof(
    {
      weight: 6,
      arbitrary: withExtras(
        fc
          .array(item, { minLength: 1, maxLength: 4 })
          .map((items) => [[key, array(items)]] as Array<[string, Node | undefined]>),
      ),
    },
    { weight: 1, arbitrary: field(fc.constant(array([]))).map((v) => object([[key, v]])) },
    { weight: 1, arbitrary: randomJson },
  );

const garbageBody = fc.constantFrom(
  "",
  "{",
  '{"orders": [',
  "null",
  "[]",
  "\u0000",
  '{"orders": [1,]}',
  "\ufeff{}",
  '{"a":1}{"b":2}',
  "NaN",
  "'single'",
);
const contentType = fc.oneof(
  { weight: 10, arbitrary: fc.constant("application/json") },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      "application/json; charset=utf-8",
      "application/vnd.api+json",
      "text/plain",
      "application/x-www-form-urlencoded",
      "",
    ),
  },
);
const accept = fc.option(
  fc.constantFrom(
    "*/*",
    "application/json",
    "text/csv",
    "text/csv;q=0, application/json",
    "application/xml",
    "application/*",
    "text/*;q=0.5, */*;q=0.1",
    "garbage",
    "application/json;q=0",
  ),
  { nil: undefined },
);
const queryArb = fc.oneof(
  { weight: 4, arbitrary: fc.constant<Array<[string, string]>>([]) },
  {
    weight: 2,
    arbitrary: fc.array(
      fc.tuple(
        fc.constantFrom(
          "from",
          "to",
          "timezone",
          "interval",
          "sort",
          "limit",
          "category",
          "storeId",
          "__proto__",
          "a b",
          "from[]",
        ),
        fc.oneof(
          hostileString.filter((s) => s.length < 200),
          fc.constantFrom(
            "2026-03-01",
            "2026-03-31",
            "UTC",
            "Asia/Kolkata",
            "../../etc/passwd",
            "Mars/Olympus",
            "day",
            "week",
            "hour",
            "month",
            "year",
            "unitsSold",
            "100",
            "101",
            "0",
            "-1",
            "1e2",
          ),
        ),
      ),
      { maxLength: 4 },
    ),
  },
);

interface HostileRequest {
  method: "GET" | "POST";
  path: string;
  query: Array<[string, string]>;
  body?: string;
  contentType?: string;
  accept?: string;
  key: "valid" | "none";
}

const postRequest = fc
  .tuple(
    fc.constantFrom(["/api/v1/orders", "orders"], ["/api/v1/refunds", "refunds"], ["/api/v1/events", "events"]),
    fc.oneof({ weight: 8, arbitrary: fc.constant("generated") }, { weight: 1, arbitrary: garbageBody }),
    contentType,
    accept,
    queryArb,
  )
  .chain(([[path, key], bodyKind, type, acceptHeader, query]) => {
    const item = key === "orders" ? order : key === "refunds" ? refund : event;
    const body = bodyKind === "generated" ? batch(key, item).map(serialize) : fc.constant(bodyKind);
    return body.map((text): HostileRequest => ({
      method: "POST",
      path,
      query,
      body: text,
      contentType: type,
      accept: acceptHeader,
      key: "valid",
    }));
  });
const getRequest = fc
  .tuple(
    fc.constantFrom(
      "/api/v1/reports/summary",
      "/api/v1/reports/sales",
      "/api/v1/reports/products",
      "/api/v1/reports/funnel",
      "/api/v1/reports/cohorts",
      "/api/v1/reports/realtime",
      "/health",
    ),
    queryArb,
    accept,
    fc.constantFrom<"valid" | "none">("valid", "valid", "valid", "none"),
  )
  .map(([path, query, acceptHeader, key]): HostileRequest => ({
    method: "GET",
    path,
    query,
    accept: acceptHeader,
    key,
  }));
const hostileRequest = fc.oneof({ weight: 3, arbitrary: postRequest }, { weight: 1, arbitrary: getRequest });

// ---------------------------------------------------------------------------------------------

/** Row counts and a checksum of every table the store's requests can write. */
async function snapshot(): Promise<string> {
  const parts = STORE_TABLES.map((table) => `(select count(*) from ${table} where store_id = ${storeId}) as ${table}`);
  const { rows } = await sql.raw<Record<string, number>>(`select ${parts.join(", ")}`).execute(handle.db);
  const sums = await sql<{ gross: string | null; ret: string | null }>`select
    (select sum(gross_sales) from sales_slots where store_id = ${storeId}) as gross,
    (select sum(returns) from sales_slots where store_id = ${storeId}) as ret`.execute(handle.db);
  return JSON.stringify({ ...rows[0], ...sums.rows[0] });
}

async function send(request: HostileRequest): Promise<{ status: number; headers: Headers; text: string }> {
  const search = new URLSearchParams(request.query).toString();
  const headers: Record<string, string> = {};
  if (request.key === "valid") headers["x-api-key"] = apiKey;
  if (request.contentType !== undefined && request.contentType !== "") headers["content-type"] = request.contentType;
  if (request.accept !== undefined) headers.accept = request.accept;
  const response = await fetch(`${base}${request.path}${search ? `?${search}` : ""}`, {
    method: request.method,
    headers,
    body: request.body,
  });
  return { status: response.status, headers: response.headers, text: await response.text() };
}

const describeRequest = (r: HostileRequest) => ({
  ...r,
  body: r.body && r.body.length > 2000 ? `${r.body.slice(0, 2000)}... (${r.body.length} chars)` : r.body,
});

beforeAll(async () => {
  handle = createDatabase({ kind: "url", url: process.env.MYSQL_URL! });
  setSharedDatabase(handle);
  server = createGateway({ db: handle.db, throttle: { limit: 1_000_000, windowMs: 60_000 } });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const created = await createStore(handle.db, {
    name: `Hostile ${Date.now()}`,
    currency: "USD",
    timezone: "Asia/Kathmandu",
  });
  apiKey = created.apiKey;
  storeId = created.store.id;
  const seed = await send({
    method: "POST",
    path: "/api/v1/orders",
    query: [],
    contentType: "application/json",
    key: "valid",
    body: JSON.stringify({
      orders: [
        {
          id: "seed-order",
          customerId: "c-1",
          createdAt: "2026-03-10T06:00:00Z",
          currency: "USD",
          status: "paid",
          lines: [{ productId: "p-1", productName: "Mug", quantity: 2, unitPrice: "10.00" }],
        },
      ],
    }),
  });
  expect(seed.status).toBe(200);
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  setSharedDatabase(undefined);
  await handle.db.destroy();
});

it(
  `${RUNS} generated hostile requests: no 5xx, SPEC's error body, nothing stored if refused (seed ${SEED})`,
  async () => {
    const statuses = new Map<number, number>();
    await fc.assert(
      fc.asyncProperty(hostileRequest, async (request) => {
        const before = await snapshot();
        const res = await send(request);
        statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
        const context = { request: describeRequest(request), status: res.status, body: res.text.slice(0, 1000) };
        if (res.status >= 500) throw new Error(`a 5xx: ${JSON.stringify(context)}`);
        if (res.status >= 400) {
          expect(res.headers.get("content-type")).toMatch(/^application\/json/);
          const body = JSON.parse(res.text);
          expect({ ...context, body }).toEqual({
            ...context,
            body: {
              error: {
                code: expect.stringMatching(/^[A-Z][A-Z0-9_]*$/),
                message: expect.any(String),
                details: expect.any(Array),
              },
              requestId: expect.any(String),
            },
          });
          if (body.error.code === "VALIDATION_FAILED" || body.error.code === "MALFORMED_JSON") {
            expect({ ...context, details: body.error.details.length > 0 }).toEqual({ ...context, details: true });
            for (const d of body.error.details)
              expect({ ...context, detail: d }).toEqual({
                ...context,
                detail: expect.objectContaining({ field: expect.stringMatching(/./), message: expect.any(String) }),
              });
          }
          expect({ ...context, stored: await snapshot() }).toEqual({ ...context, stored: before });
        }
      }),
      {
        numRuns: RUNS,
        seed: SEED,
        interruptAfterTimeLimit: TIME_LIMIT_MS,
        markInterruptAsFailure: false,
        endOnFailure: false,
      },
    );
    // The generator must reach both sides: accepted requests and every kind of refusal.
    expect(statuses.get(200) ?? 0).toBeGreaterThan(5);
    expect(statuses.get(400) ?? 0).toBeGreaterThan(RUNS / 4);
    expect([...statuses.keys()].filter((s) => s >= 400).length).toBeGreaterThanOrEqual(4);
  },
  TIME_LIMIT_MS + 60_000,
);

describe("issue 11 items 5 and 7 over HTTP", () => {
  it("POST /api/v1/orders?storeId=1 is a 400 naming storeId, and stores nothing", async () => {
    const before = await snapshot();
    const res = await send({
      method: "POST",
      path: "/api/v1/orders",
      query: [["storeId", "1"]],
      contentType: "application/json",
      key: "valid",
      body: JSON.stringify({
        orders: [
          {
            id: "q-1",
            createdAt: "2026-03-10T12:00:00Z",
            currency: "USD",
            status: "paid",
            lines: [{ productId: "p", productName: "n", quantity: 1, unitPrice: "1" }],
          },
        ],
      }),
    });
    expect(res.status).toBe(400);
    expect(JSON.parse(res.text).error.details).toEqual([expect.objectContaining({ field: "storeId" })]);
    expect(await snapshot()).toBe(before);
  });

  it("a report with an empty or broken `to` (and no `from`) is a 400, not a 500", async () => {
    for (const to of ["", "x", "2026-02-30"]) {
      const res = await send({ method: "GET", path: "/api/v1/reports/summary", query: [["to", to]], key: "valid" });
      expect({
        to,
        status: res.status,
        fields: JSON.parse(res.text).error.details.map((d: { field: string }) => d.field),
      }).toEqual({ to, status: 400, fields: ["to"] });
    }
  });

  it("Accept: text/csv;q=0, application/json: JSON, Vary: Accept; application/xml: 406; text/csv: CSV", async () => {
    const json = await send({
      method: "GET",
      path: "/api/v1/reports/summary",
      query: [],
      accept: "text/csv;q=0, application/json",
      key: "valid",
    });
    expect([json.status, json.headers.get("content-type"), json.headers.get("vary")]).toEqual([
      200,
      "application/json",
      "Accept, x-api-key, Authorization, X-Consistency",
    ]);
    const none = await send({
      method: "GET",
      path: "/api/v1/reports/summary",
      query: [],
      accept: "application/xml",
      key: "valid",
    });
    expect([none.status, JSON.parse(none.text).error.code, none.headers.get("vary")]).toEqual([
      406,
      "NOT_ACCEPTABLE",
      "Accept",
    ]);
    const csv = await send({
      method: "GET",
      path: "/api/v1/reports/summary",
      query: [],
      accept: "text/csv",
      key: "valid",
    });
    expect([csv.status, csv.headers.get("content-type"), csv.headers.get("vary")]).toEqual([
      200,
      "text/csv; charset=utf-8",
      "Accept, x-api-key, Authorization, X-Consistency",
    ]);
  });
});
