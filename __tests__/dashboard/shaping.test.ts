import { alignSeries } from "../../dashboard/src/lib/align";
import { extremes } from "../../dashboard/src/lib/chart-summary";
import { retentionGrid, shareColour } from "../../dashboard/src/lib/cohorts";
import { formatters } from "../../dashboard/src/lib/format";
import { intervalFor } from "../../dashboard/src/lib/intervals";
import { periodLabel } from "../../dashboard/src/lib/period-label";
import { categoriesOf, sortProducts } from "../../dashboard/src/lib/products";
import type { ProductRow } from "../../dashboard/src/lib/reports";

describe("alignSeries: the comparison drawn under the current period, by position", () => {
  const day = (period: string, netSales: string) => ({ period, netSales });
  const march = [day("2026-03-01", "10.00"), day("2026-03-02", "12.50"), day("2026-03-03", "0.00")];
  const february = [day("2026-02-01", "8.00"), day("2026-02-02", "9.99")];

  it("pairs the n-th buckets and pads the shorter series with gaps", () => {
    const aligned = alignSeries(
      march,
      february,
      (d) => Number(d.netSales),
      (d) => d.period,
    );
    expect(aligned).toEqual({
      positions: [0, 1, 2],
      current: [10, 12.5, 0],
      comparison: [8, 9.99, null],
      labels: ["2026-03-01", "2026-03-02", "2026-03-03"],
    });
  });

  it("labels positions past the current series with the comparison's buckets", () => {
    const aligned = alignSeries(
      february,
      march,
      (d) => Number(d.netSales),
      (d) => d.period,
    );
    expect(aligned.current).toEqual([8, 9.99, null]);
    expect(aligned.labels).toEqual(["2026-02-01", "2026-02-02", "2026-03-03"]);
  });

  it("draws one series when there is no comparison", () => {
    expect(
      alignSeries(
        march,
        undefined,
        (d) => Number(d.netSales),
        (d) => d.period,
      ).comparison,
    ).toEqual([null, null, null]);
  });

  it("lines up a 23-hour DST day against a 24-hour one hour by hour", () => {
    const hours = (count: number) => Array.from({ length: count }, (_, hour) => ({ hour }));
    const aligned = alignSeries(
      hours(23),
      hours(24),
      (h) => h.hour,
      (h) => String(h.hour),
    );
    expect(aligned.positions).toHaveLength(24);
    expect(aligned.current[23]).toBeNull();
    expect(aligned.comparison[23]).toBe(23);
  });
});

describe("extremes: a chart's highest and lowest points, money compared as decimals", () => {
  it("finds them without floats and keeps the first of equals", () => {
    const points = [
      { label: "a", value: "90071992547409.92" },
      { label: "b", value: "90071992547409.93" },
      { label: "c", value: "-1.00" },
      { label: "d", value: "-1.00" },
    ];
    expect(extremes(points, (point) => point.value)).toEqual({ highest: points[1], lowest: points[2] });
    expect(extremes([], () => 0)).toBeUndefined();
  });
});

describe("periodLabel: sales periods as the reader reads them", () => {
  const format = formatters("en-US", "USD");
  it("labels hours in the report's zone, days, weeks and months in the locale", () => {
    const hour = { period: "2026-03-08T03:00:00-04:00", start: "2026-03-08T07:00:00Z" };
    expect(periodLabel(hour, "hour", format, "America/New_York")).toBe("Mar 8, 3:00 AM EDT");
    // The day the clocks go back has two 1:00 AMs; the zone's name tells them apart.
    const [first, second] = ["2026-11-01T05:00:00Z", "2026-11-01T06:00:00Z"].map((start) =>
      periodLabel({ period: "", start }, "hour", format, "America/New_York"),
    );
    expect([first, second]).toEqual(["Nov 1, 1:00 AM EDT", "Nov 1, 1:00 AM EST"]);
    expect(periodLabel({ period: "2026-03-08", start: "" }, "day", format, "UTC")).toBe("Mar 8, 2026");
    expect(periodLabel({ period: "2026-03-09", start: "" }, "week", format, "UTC")).toBe("Week of Mar 9, 2026");
    expect(periodLabel({ period: "2026-03", start: "" }, "month", format, "UTC")).toBe("March 2026");
  });
});

describe("sortProducts: the products table by any column", () => {
  const row = (productId: string, category: string | null, unitsSold: number, netSales: string): ProductRow => ({
    productId,
    productName: productId,
    category,
    orders: unitsSold,
    unitsSold,
    grossSales: netSales,
    discounts: "0.00",
    returns: "0.00",
    netSales,
  });
  const rows = [
    row("mug", "Kitchen", 5, "100.10"),
    row("pan", "Kitchen", 9, "100.09"),
    row("tee", "Clothing", 5, "1000.00"),
    row("gift-card", null, 1, "-0.50"),
  ];
  const ids = (sorted: ProductRow[]) => sorted.map((product) => product.productId);

  it("sorts money as decimals, counts as numbers, names in the locale", () => {
    expect(ids(sortProducts(rows, "netSales", "descending"))).toEqual(["tee", "mug", "pan", "gift-card"]);
    expect(ids(sortProducts(rows, "netSales", "ascending"))).toEqual(["gift-card", "pan", "mug", "tee"]);
    expect(ids(sortProducts(rows, "productName", "ascending", "en"))).toEqual(["gift-card", "mug", "pan", "tee"]);
  });

  it("keeps the API's order among ties, and leaves the input alone", () => {
    expect(ids(sortProducts(rows, "unitsSold", "descending"))).toEqual(["pan", "mug", "tee", "gift-card"]);
    expect(ids(rows)).toEqual(["mug", "pan", "tee", "gift-card"]);
  });

  it("lists each category once, sorted, without the uncategorised", () => {
    expect(categoriesOf(rows, "en")).toEqual(["Clothing", "Kitchen"]);
  });
});

describe("retentionGrid: the cohort heatmap", () => {
  const cell = (k: number, share: number) => ({ k, period: `2026-0${k + 1}`, customers: k, share, netSales: "1.00" });

  it("has a column for every k any cohort reached, and holes where a cohort has none yet", () => {
    const grid = retentionGrid([
      { cohort: "2026-01", size: 10, periods: [cell(0, 1), cell(1, 0.3), cell(2, 0.2)] },
      { cohort: "2026-02", size: 4, periods: [cell(0, 1), cell(1, 0.25)] },
    ]);
    expect(grid.columns).toEqual([0, 1, 2]);
    expect(grid.rows.map((row) => row.cells.map((c) => c?.share))).toEqual([
      [1, 0.3, 0.2],
      [1, 0.25, undefined],
    ]);
    expect(retentionGrid([])).toEqual({ columns: [], rows: [] });
  });

  it("colours a cell darker for a larger share, with readable text", () => {
    expect(shareColour(0)).toEqual({ background: "hsl(212 70% 97%)", color: "#111" });
    expect(shareColour(0.25).background).toBe("hsl(212 70% 66%)");
    expect(shareColour(1)).toEqual({ background: "hsl(212 70% 35%)", color: "#fff" });
  });
});

describe("intervalFor: the sales chart's buckets", () => {
  it("fits the range until the reader picks: hours for a day or two, then days, weeks, months", () => {
    expect([1, 2, 3, 92, 93, 731, 732].map((days) => intervalFor(days, undefined))).toEqual([
      "hour",
      "hour",
      "day",
      "day",
      "week",
      "week",
      "month",
    ]);
  });

  it("keeps the reader's pick, but no hours beyond a month", () => {
    expect(intervalFor(1, "day")).toBe("day");
    expect(intervalFor(400, "day")).toBe("day");
    expect(intervalFor(31, "hour")).toBe("hour");
    expect(intervalFor(32, "hour")).toBe("day");
  });
});
