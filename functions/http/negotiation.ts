/**
 * Proactive content negotiation on `Accept` (RFC 9110, 12.5.1): the representation the client
 * weighs highest among those a route offers, or none (406).
 *
 * - Each media range may carry a weight `q` (0 to 1, at most 3 decimals); `q=0` means "not
 *   acceptable". A range without `q` weighs 1.
 * - For an offered type, the most specific matching range gives its weight: `text/csv` over
 *   `text/*` over `*\/*`, whatever their order in the header.
 * - The heaviest offered type wins; on a tie the route's own order decides (JSON first).
 * - No Accept header (or only unreadable ranges): the client takes anything, so the first offer.
 * Media-type parameters other than q (e.g. `charset=utf-8`) are not compared: the API offers
 * one form of each type. Accept extensions after q are ignored, as RFC 9110 allows.
 */

export const JSON_MEDIA_TYPE = "application/json";
export const CSV_MEDIA_TYPE = "text/csv";

interface MediaRange {
  type: string;
  subtype: string;
  q: number;
}

const TOKEN = /^[!#$%&'*+.^_`|~0-9a-z-]+$/;
const WEIGHT = /^(?:0(?:\.\d{0,3})?|1(?:\.0{0,3})?)$/;

/** Splits on commas outside quoted strings (a parameter value may be quoted and hold a comma). */
function splitElements(header: string): string[] {
  const out: string[] = [];
  let current = "";
  let quoted = false;
  for (let i = 0; i < header.length; i++) {
    const c = header[i];
    if (quoted && c === "\\") {
      current += c + (header[i + 1] ?? "");
      i += 1;
      continue;
    }
    if (c === '"') quoted = !quoted;
    if (c === "," && !quoted) {
      out.push(current);
      current = "";
    } else {
      current += c;
    }
  }
  out.push(current);
  return out;
}

function parseRange(element: string): MediaRange | undefined {
  const [mediaType, ...parameters] = element.split(";");
  const [type, subtype, ...rest] = mediaType.trim().toLowerCase().split("/");
  if (rest.length > 0 || !type || !subtype || !TOKEN.test(type) || !TOKEN.test(subtype)) return undefined;
  if (type === "*" && subtype !== "*") return undefined;
  let q = 1;
  for (const parameter of parameters) {
    const [name, value] = parameter.split("=").map((part) => part.trim());
    if (name.toLowerCase() !== "q") continue;
    if (value === undefined || !WEIGHT.test(value)) return undefined;
    q = Number(value);
    break; // what follows q are accept extensions
  }
  return { type, subtype, q };
}

/** The ranges of an Accept header; unreadable ones are skipped. */
export function parseAccept(header: string): MediaRange[] {
  return splitElements(header).flatMap((element) => {
    const range = element.trim() === "" ? undefined : parseRange(element);
    return range ? [range] : [];
  });
}

/** 2 for type/subtype, 1 for type/*, 0 for *\/*; undefined when the range does not match. */
function specificity(range: MediaRange, type: string, subtype: string): number | undefined {
  if (range.type === "*") return 0;
  if (range.type !== type) return undefined;
  if (range.subtype === "*") return 1;
  return range.subtype === subtype ? 2 : undefined;
}

/** The weight the ranges give an offered media type: that of its most specific match, 0 when none matches. */
function weightOf(ranges: readonly MediaRange[], offer: string): number {
  const [type, subtype] = offer.toLowerCase().split("/");
  let best = -1;
  let q = 0;
  for (const range of ranges) {
    const s = specificity(range, type, subtype);
    // Among equally specific ranges for one type (a client repeating itself), the heavier counts.
    if (s !== undefined && (s > best || (s === best && range.q > q))) {
      best = s;
      q = range.q;
    }
  }
  return q;
}

/**
 * The offered media type to answer with, or undefined when the client accepts none of them.
 * `accept` undefined (no header): the first offer.
 */
export function negotiate(accept: string | undefined, offers: readonly string[]): string | undefined {
  if (offers.length === 0) return undefined;
  if (accept === undefined || accept.trim() === "") return offers[0];
  const ranges = parseAccept(accept);
  if (ranges.length === 0) return offers[0];
  let chosen: string | undefined;
  let chosenQ = 0;
  for (const offer of offers) {
    const q = weightOf(ranges, offer);
    if (q > chosenQ) {
      chosen = offer;
      chosenQ = q;
    }
  }
  return chosen;
}
