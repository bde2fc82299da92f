import { ApiError } from "../../../functions/http/errors";
import { parseQuery } from "../../../functions/reports/params";
import { reportQueries } from "../../../functions/reports/query";
import { queryParameterNames, routes } from "../../../shared/routes";

/** The 400's details parseQuery throws, or the parsed values. */
function read(operationId: keyof typeof reportQueries, query: Record<string, string>): unknown {
  try {
    return parseQuery(reportQueries[operationId], query);
  } catch (error) {
    if (!(error instanceof ApiError)) throw error;
    return { status: error.status, message: error.message, details: error.details };
  }
}

const invalid = (...details: Array<{ field: string; message: string }>) => ({
  status: 400,
  message: "the report's parameters are invalid",
  details,
});

describe("a report's query, read by its schema", () => {
  it("fills in the defaults", () => {
    expect(read("salesReport", {})).toEqual({ interval: "day" });
    expect(read("cohortsReport", {})).toEqual({ interval: "month" });
    expect(read("productsReport", {})).toEqual({ sort: "netSales", limit: 20 });
    expect(
      read("productsReport", { from: "2026-03-01", limit: "100", sort: "unitsSold", category: "Kitchen" }),
    ).toEqual({
      from: "2026-03-01",
      sort: "unitsSold",
      limit: 100,
      category: "Kitchen",
    });
  });

  it("names the values a choice allows", () => {
    expect(read("salesReport", { interval: "year" })).toEqual(
      invalid({ field: "interval", message: "must be one of hour, day, week, month" }),
    );
    expect(read("cohortsReport", { interval: "day" })).toEqual(
      invalid({ field: "interval", message: "must be one of month, week" }),
    );
    expect(read("productsReport", { sort: "" })).toEqual(
      invalid({ field: "sort", message: "must be one of netSales, unitsSold" }),
    );
  });

  it.each(["0", "101", "", "1.5", "-1", "+5", "1e1", "0x10", " 5", "99999999999999999999"])(
    "refuses the limit %j",
    (limit) => {
      expect(read("productsReport", { limit })).toEqual(
        invalid({ field: "limit", message: "must be a whole number from 1 to 100" }),
      );
    },
  );

  it("takes a category of 1 to 100 characters", () => {
    expect(read("productsReport", { category: "x".repeat(100) })).toMatchObject({ category: "x".repeat(100) });
    for (const category of ["", "x".repeat(101)]) {
      expect(read("productsReport", { category })).toEqual(
        invalid({ field: "category", message: "must be 1 to 100 characters" }),
      );
    }
  });

  it("names every problem in one 400", () => {
    expect(read("productsReport", { sort: "price", limit: "0" })).toEqual(
      invalid(
        { field: "sort", message: "must be one of netSales, unitsSold" },
        { field: "limit", message: "must be a whole number from 1 to 100" },
      ),
    );
  });

  it("declares each report's parameters in order; the realtime report and the other routes take none", () => {
    expect(queryParameterNames("summaryReport")).toEqual(["from", "to", "timezone"]);
    expect(queryParameterNames("salesReport")).toEqual(["from", "to", "timezone", "interval"]);
    expect(queryParameterNames("productsReport")).toEqual(["from", "to", "timezone", "sort", "limit", "category"]);
    expect(queryParameterNames("funnelReport")).toEqual(["from", "to", "timezone"]);
    expect(queryParameterNames("cohortsReport")).toEqual(["from", "to", "timezone", "interval"]);
    expect(queryParameterNames("realtimeReport")).toEqual([]);
    expect(queryParameterNames("ingestOrders")).toEqual([]);
  });

  it("takes exactly the route table's query parameters, in its order (the stage cache keys on them)", () => {
    for (const [operationId, schema] of Object.entries(reportQueries))
      expect({ operationId, keys: Object.keys(schema.shape) }).toEqual({
        operationId,
        keys: queryParameterNames(operationId),
      });
    const withQuery = routes.filter((route) => route.query !== undefined).map((route) => route.operationId);
    expect(withQuery.sort()).toEqual(Object.keys(reportQueries).sort());
  });
});
