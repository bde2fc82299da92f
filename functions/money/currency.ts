const SUPPORTED = new Set(Intl.supportedValuesOf("currency"));

/** ISO 4217 codes the runtime knows, upper case only ("usd" is not a currency code). */
export function isCurrencyCode(code: string): boolean {
  return /^[A-Z]{3}$/.test(code) && SUPPORTED.has(code);
}

const minorUnitsCache = new Map<string, number>();

/** The currency's minor units per ISO 4217: USD 2, JPY 0, KWD 3. */
export function minorUnits(currency: string): number {
  let units = minorUnitsCache.get(currency);
  if (units === undefined) {
    units = new Intl.NumberFormat("en", { style: "currency", currency }).resolvedOptions().maximumFractionDigits ?? 2;
    minorUnitsCache.set(currency, units);
  }
  return units;
}
