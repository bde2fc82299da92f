import { data as ISO_4217_LIST } from "currency-codes";

/**
 * ISO 4217's list of active codes ("list one"), as the `currency-codes` package ships it (pinned
 * exactly in package.json; its `publishDate` is the list's). Minor units come from this list,
 * not from `Intl`: the runtime's CLDR data shows some currencies with fewer decimals than ISO
 * gives them (HUF, IDR, COP, IQD, ...: CLDR's "cash" habits), and a store's amounts follow ISO.
 *
 * Codes whose minor unit is "N.A." in the list (precious metals, SDR, test and "no currency"
 * codes) are not currencies a store can report in; the package reads "N.A." as 0, so they are
 * named here (the currency test checks this list against the package's copy of the ISO file).
 */
export const NO_MINOR_UNIT_CODES: ReadonlySet<string> = new Set([
  "XAG",
  "XAU",
  "XBA",
  "XBB",
  "XBC",
  "XBD",
  "XDR",
  "XPD",
  "XPT",
  "XSU",
  "XTS",
  "XUA",
  "XXX",
]);

const ISO_MINOR_UNITS: ReadonlyMap<string, number> = new Map(
  ISO_4217_LIST.filter((c) => !NO_MINOR_UNIT_CODES.has(c.code)).map((c) => [c.code, c.digits]),
);

/** An active ISO 4217 currency code with minor units, upper case only ("usd" is not a currency code). */
export function isCurrencyCode(code: string): boolean {
  return /^[A-Z]{3}$/.test(code) && ISO_MINOR_UNITS.has(code);
}

const legacyCache = new Map<string, number>();

/**
 * The currency's minor units per ISO 4217: USD 2, JPY 0, KWD 3, HUF 2, CLF 4. A code no longer
 * on the list (a store created before its currency was withdrawn, e.g. HRK) keeps what the
 * runtime says, so such a store goes on working; no new store can pick one.
 */
export function minorUnits(currency: string): number {
  const iso = ISO_MINOR_UNITS.get(currency);
  if (iso !== undefined) return iso;
  let units = legacyCache.get(currency);
  if (units === undefined) {
    try {
      units = new Intl.NumberFormat("en", { style: "currency", currency }).resolvedOptions().maximumFractionDigits ?? 2;
    } catch {
      units = 2;
    }
    legacyCache.set(currency, units);
  }
  return units;
}
