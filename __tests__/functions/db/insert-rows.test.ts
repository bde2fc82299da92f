import fc from "fast-check";
import { format } from "mysql2";
import type { DatabaseHandle } from "../../../functions/db/connection";
import { insertRows, insertRowsSql, sqlLiteral } from "../../../functions/db/insert-rows";
import { setSharedDatabase } from "../../../functions/db/shared-database";
import { newStore, useTestDatabase } from "../../support/harness";

/**
 * Ingest's multi-row statements are written as text (functions/db/insert-rows.ts). Each value's
 * literal must be exactly what mysql2's own escaping of a parameter gives (the connection writes
 * dates in UTC), and hostile text must come back from the server byte for byte.
 */
const asMysql2Does = (value: unknown) => format("?", [value as string], false, "Z");

describe("sqlLiteral", () => {
  it("is mysql2's escaping of the same parameter, for any text", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary" }), (text) => {
        expect(sqlLiteral(text)).toBe(asMysql2Does(text));
      }),
      { numRuns: 2_000 },
    );
  });

  it("is mysql2's escaping of hostile text: quotes, backslashes, NUL, control characters, comments", () => {
    for (const text of [
      "'",
      "\\",
      "\\'",
      "'; drop table orders; --",
      "\0",
      "\x1a",
      "a\nb\rc\td\b",
      "/* x */",
      "?",
      "??",
      "`",
      '"',
    ])
      expect(sqlLiteral(text)).toBe(asMysql2Does(text));
  });

  it("is mysql2's escaping of numbers, bigints, null and dates in UTC", () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.integer(),
          fc.bigInt({ min: -(2n ** 63n), max: 2n ** 64n - 1n }),
          fc.constant(null),
          fc.date({ min: new Date(Date.UTC(1970, 0, 1)), max: new Date(Date.UTC(9999, 11, 31)), noInvalidDate: true }),
        ),
        (value) => {
          expect(sqlLiteral(value)).toBe(asMysql2Does(value));
        },
      ),
    );
  });

  it("refuses what has no literal instead of writing something else", () => {
    expect(() => sqlLiteral(Number.NaN)).toThrow(TypeError);
    expect(() => sqlLiteral(Number.POSITIVE_INFINITY)).toThrow(TypeError);
    expect(() => sqlLiteral(new Date(Number.NaN))).toThrow(TypeError);
    expect(() => sqlLiteral({ toString: () => "1" })).toThrow(TypeError);
  });
});

describe("insertRowsSql", () => {
  it("names the first row's columns and the update each one gets on a duplicate key", () => {
    expect(
      insertRowsSql(
        "product_totals",
        [
          { store_id: 1, product_id: "p-1", orders: 1, units: 2, gross_sales: "3.0000", discounts: "0", returns: "0" },
          { store_id: 1, product_id: "p'2", orders: 1, units: 1, gross_sales: "1.5000", discounts: "0", returns: "0" },
        ],
        { orders: "add", units: "add" },
      ),
    ).toBe(
      "insert into `product_totals` " +
        "(`store_id`, `product_id`, `orders`, `units`, `gross_sales`, `discounts`, `returns`) " +
        "values (1, 'p-1', 1, 2, '3.0000', '0', '0'), (1, 'p\\'2', 1, 1, '1.5000', '0', '0') " +
        "on duplicate key update `orders` = `orders` + values(`orders`), `units` = `units` + values(`units`)",
    );
  });

  it("refuses a row whose columns are not the first row's", () => {
    expect(() =>
      insertRowsSql("customers", [
        { store_id: 1, id: "a", first_seen_at: new Date() },
        { store_id: 1, id: "b", first_seen_at: new Date(), first_paid_at: null },
      ]),
    ).toThrow(/row 1 of customers/);
  });
});

describe("insertRows on the server", () => {
  let handle: DatabaseHandle;
  beforeAll(() => {
    handle = useTestDatabase();
  });
  afterAll(async () => {
    setSharedDatabase(undefined);
    await handle.db.destroy();
  });

  it("stores generated hostile text byte for byte, over more rows than one statement takes", async () => {
    const { store } = await newStore(handle);
    const names = fc.sample(fc.string({ unit: "grapheme", minLength: 1, maxLength: 40 }), 1_200);
    const rows = names.map((name, i) => ({
      store_id: store.id,
      id: `p-${String(i).padStart(5, "0")}`,
      name: `${name}'\\\0`,
      category: i % 2 === 0 ? null : "x'; drop table products; --",
      updated_at: new Date(Date.UTC(2026, 0, 1, 0, 0, 0, i % 1000)),
    }));
    await insertRows(handle.db, "products", rows);
    const stored = await handle.db
      .selectFrom("products")
      .select(["id", "name", "category", "updated_at"])
      .where("store_id", "=", store.id)
      .orderBy("id")
      .execute();
    expect(stored).toEqual(rows.map(({ id, name, category, updated_at }) => ({ id, name, category, updated_at })));
  });

  it("adds, replaces or keeps the least of a duplicate key's columns", async () => {
    const { store } = await newStore(handle);
    const at = (day: number) => new Date(Date.UTC(2026, 0, day));
    await insertRows(handle.db, "customers", [{ store_id: store.id, id: "c", first_seen_at: at(5) }]);
    await insertRows(handle.db, "customers", [{ store_id: store.id, id: "c", first_seen_at: at(9) }], {
      first_seen_at: "least",
    });
    await insertRows(handle.db, "customers", [{ store_id: store.id, id: "c", first_seen_at: at(3) }], {
      first_seen_at: "least",
    });
    const rollup = { store_id: store.id, product_id: "p", orders: 1, units: 2, gross_sales: "1.2500" };
    const more = { discounts: "0.0000", returns: "0.1000" };
    await insertRows(handle.db, "product_totals", [{ ...rollup, ...more }], { orders: "add", gross_sales: "add" });
    await insertRows(handle.db, "product_totals", [{ ...rollup, ...more }], { orders: "add", gross_sales: "add" });
    await insertRows(handle.db, "product_totals", [{ ...rollup, units: 7, ...more }], { units: "replace" });

    const customer = await handle.db
      .selectFrom("customers")
      .select("first_seen_at")
      .where("store_id", "=", store.id)
      .executeTakeFirstOrThrow();
    expect(customer.first_seen_at).toEqual(at(3));
    const total = await handle.db
      .selectFrom("product_totals")
      .select(["orders", "units", "gross_sales"])
      .where("store_id", "=", store.id)
      .executeTakeFirstOrThrow();
    expect(total).toEqual({ orders: 2, units: "7", gross_sales: "2.5000" });
  });
});
