/**
 * Issue 11 item 6: minor units per ISO 4217, not per the runtime's CLDR data. The reference is
 * the ISO file itself ("list one", the XML the currency-codes package ships beside its data).
 */
import { readFileSync } from "node:fs";
import { publishDate } from "currency-codes";
import type { DatabaseHandle } from "../../../functions/db/connection";
import { isCurrencyCode, minorUnits, NO_MINOR_UNIT_CODES } from "../../../functions/money/currency";
import { call, newStore, useTestDatabase } from "../../support/harness";

interface IsoEntry {
  code: string;
  minorUnits: string;
}

/** Every <CcyNtry> of the ISO XML that has a code, with its <CcyMnrUnts> ("2", "0", "N.A." ...). */
function isoListOne(): { published: string; entries: IsoEntry[] } {
  const xml = readFileSync(require.resolve("currency-codes/iso-4217-list-one.xml"), "utf8");
  const published = /<ISO_4217 Pblshd="([^"]+)"/.exec(xml)?.[1] ?? "";
  const entries: IsoEntry[] = [];
  for (const [, entry] of xml.matchAll(/<CcyNtry>([\s\S]*?)<\/CcyNtry>/g)) {
    const code = /<Ccy>([^<]+)<\/Ccy>/.exec(entry)?.[1];
    const units = /<CcyMnrUnts>([^<]+)<\/CcyMnrUnts>/.exec(entry)?.[1];
    if (code && units) entries.push({ code, minorUnits: units });
  }
  return { published, entries };
}

const iso = isoListOne();
const withUnits = [
  ...new Map(iso.entries.filter((e) => e.minorUnits !== "N.A.").map((e) => [e.code, Number(e.minorUnits)])).entries(),
];
const notApplicable = [...new Set(iso.entries.filter((e) => e.minorUnits === "N.A.").map((e) => e.code))].sort();

describe("ISO 4217 minor units", () => {
  it("reads the ISO list the package ships, of the date the package says", () => {
    expect(iso.published).toBe(publishDate);
    expect(withUnits.length).toBeGreaterThan(150);
  });

  it.each(withUnits)("%s: an active currency with %i minor units", (code, units) => {
    expect(isCurrencyCode(code)).toBe(true);
    expect(minorUnits(code)).toBe(units);
  });

  it("codes with minor unit N.A. (metals, SDR, test codes) are no store currency; the code knows exactly these", () => {
    expect([...NO_MINOR_UNIT_CODES].sort()).toEqual(notApplicable);
    for (const code of notApplicable) expect(isCurrencyCode(code)).toBe(false);
  });

  it("pins the currencies where the runtime's CLDR data and ISO 4217 disagree: ISO wins", () => {
    // CLDR (Intl) gives these 0 decimals (cash habits); ISO 4217 gives 2, IQD 3.
    const iso4217: Record<string, number> = {
      AFN: 2,
      ALL: 2,
      COP: 2,
      HUF: 2,
      IDR: 2,
      IQD: 3,
      IRR: 2,
      KPW: 2,
      LAK: 2,
      LBP: 2,
      MGA: 2,
      MMK: 2,
      PKR: 2,
      SOS: 2,
      SYP: 2,
      YER: 2,
    };
    for (const [code, units] of Object.entries(iso4217))
      expect({ code, units: minorUnits(code) }).toEqual({ code, units });
    expect([minorUnits("USD"), minorUnits("JPY"), minorUnits("KWD"), minorUnits("CLF"), minorUnits("UYW")]).toEqual([
      2, 0, 3, 4, 4,
    ]);
  });

  it("is strict about the code's form, and a withdrawn code is no new store's currency but still has units", () => {
    expect(isCurrencyCode("usd")).toBe(false);
    expect(isCurrencyCode("XXY")).toBe(false);
    expect(isCurrencyCode("HRK")).toBe(false);
    expect(minorUnits("HRK")).toBe(2);
  });
});

describe("a HUF store", () => {
  let handle: DatabaseHandle;
  beforeAll(() => {
    handle = useTestDatabase();
  });
  afterAll(() => handle.db.destroy());

  it("accepts 1990.50 and reports it with two decimals", async () => {
    const shop = await newStore(handle, { currency: "HUF", timezone: "Europe/Budapest" });
    const res = await call("POST", "/api/v1/orders", {
      store: shop,
      body: {
        orders: [
          {
            id: "huf-1",
            createdAt: "2026-03-10T12:00:00+01:00",
            currency: "HUF",
            status: "paid",
            lines: [{ productId: "p", productName: "Pálinka", quantity: 1, unitPrice: "1990.50" }],
          },
        ],
      },
    });
    expect({ status: res.status, body: res.body }).toEqual({ status: 200, body: { created: 1, updated: 0 } });
    const summary = await call("GET", "/api/v1/reports/summary", {
      store: shop,
      query: { from: "2026-03-10", to: "2026-03-10" },
    });
    expect(summary.body).toMatchObject({ currency: "HUF", grossSales: "1990.50" });
  });
});
