/**
 * A small JSON Schema (draft 2020-12) checker for the subset the OpenAPI document uses: $ref into
 * the document, type, const, enum, properties, required, additionalProperties, items,
 * min/maxItems, oneOf, anyOf, allOf, pattern, min/maxLength, minimum/maximum and the date and
 * date-time formats. A keyword it does not know fails the check rather than being ignored, so
 * the document cannot grow a constraint that the test silently skips.
 */
type Schema = { [keyword: string]: unknown };

const ANNOTATIONS = new Set([
  "$schema",
  "title",
  "description",
  "examples",
  "example",
  "default",
  "deprecated",
  "readOnly",
  "writeOnly",
]);
const KNOWN = new Set([
  "$ref",
  "type",
  "const",
  "enum",
  "properties",
  "required",
  "additionalProperties",
  "items",
  "minItems",
  "maxItems",
  "oneOf",
  "anyOf",
  "allOf",
  "pattern",
  "minLength",
  "maxLength",
  "minimum",
  "maximum",
  "exclusiveMinimum",
  "exclusiveMaximum",
  "format",
]);

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.\d+)?(?:[Zz]|[+-](\d{2}):(\d{2}))$/;

function isRealDate(y: string, m: string, d: string): boolean {
  const month = Number(m),
    day = Number(d);
  return month >= 1 && month <= 12 && day >= 1 && day <= new Date(Date.UTC(Number(y), month, 0)).getUTCDate();
}

const FORMATS: Record<string, (s: string) => boolean> = {
  date: (s) => {
    const m = DATE.exec(s);
    return m !== null && isRealDate(m[1], m[2], m[3]);
  },
  "date-time": (s) => {
    const m = DATE_TIME.exec(s);
    return (
      m !== null &&
      isRealDate(m[1], m[2], m[3]) &&
      Number(m[4]) < 24 &&
      Number(m[5]) < 60 &&
      Number(m[6]) < 61 &&
      (m[7] === undefined || (Number(m[7]) < 24 && Number(m[8]) < 60))
    );
  },
};

function typeOf(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  if (typeof value === "number") return Number.isInteger(value) ? "integer" : "number";
  return typeof value;
}

function matchesType(value: unknown, type: string): boolean {
  const actual = typeOf(value);
  return actual === type || (type === "number" && actual === "integer");
}

/** Resolves a local JSON pointer such as `#/components/schemas/Error`. */
export function resolvePointer(root: unknown, ref: string): unknown {
  if (!ref.startsWith("#/")) throw new Error(`only local $refs are supported: ${ref}`);
  let node: unknown = root;
  for (const raw of ref.slice(2).split("/")) {
    const part = raw.replace(/~1/g, "/").replace(/~0/g, "~");
    if (typeof node !== "object" || node === null || !(part in node)) throw new Error(`unresolvable $ref ${ref}`);
    node = (node as Record<string, unknown>)[part];
  }
  return node;
}

/** The problems of `value` against `schema` (empty when it conforms); `root` holds $ref targets. */
export function check(schema: unknown, value: unknown, root: unknown, at = "$"): string[] {
  if (schema === true) return [];
  if (schema === false) return [`${at}: no value is allowed here`];
  if (typeof schema !== "object" || schema === null) throw new Error(`${at}: not a schema: ${JSON.stringify(schema)}`);
  const s = schema as Schema;
  for (const keyword of Object.keys(s)) {
    if (!KNOWN.has(keyword) && !ANNOTATIONS.has(keyword))
      throw new Error(`${at}: the checker does not know the keyword "${keyword}"`);
  }
  const errors: string[] = [];
  const fail = (message: string) => errors.push(`${at}: ${message}`);

  if (typeof s.$ref === "string") errors.push(...check(resolvePointer(root, s.$ref), value, root, at));

  if (s.type !== undefined) {
    const types = Array.isArray(s.type) ? (s.type as string[]) : [s.type as string];
    if (!types.some((t) => matchesType(value, t))) {
      fail(`expected ${types.join(" or ")}, got ${typeOf(value)} ${JSON.stringify(value)}`);
      return errors; // the other keywords would only repeat it
    }
  }
  if ("const" in s && JSON.stringify(s.const) !== JSON.stringify(value))
    fail(`expected ${JSON.stringify(s.const)}, got ${JSON.stringify(value)}`);
  if (Array.isArray(s.enum) && !s.enum.some((option) => JSON.stringify(option) === JSON.stringify(value))) {
    fail(`${JSON.stringify(value)} is not one of ${JSON.stringify(s.enum)}`);
  }

  if (typeof value === "string") {
    const length = [...value].length;
    if (typeof s.minLength === "number" && length < s.minLength) fail(`shorter than ${s.minLength}`);
    if (typeof s.maxLength === "number" && length > s.maxLength) fail(`longer than ${s.maxLength}`);
    if (typeof s.pattern === "string" && !new RegExp(s.pattern, "u").test(value))
      fail(`${JSON.stringify(value)} does not match ${s.pattern}`);
    if (typeof s.format === "string") {
      const valid = FORMATS[s.format];
      if (!valid) throw new Error(`${at}: the checker does not know the format "${s.format}"`);
      if (!valid(value)) fail(`${JSON.stringify(value)} is not a ${s.format}`);
    }
  }

  if (typeof value === "number") {
    if (typeof s.minimum === "number" && value < s.minimum) fail(`${value} is below ${s.minimum}`);
    if (typeof s.maximum === "number" && value > s.maximum) fail(`${value} is above ${s.maximum}`);
    if (typeof s.exclusiveMinimum === "number" && value <= s.exclusiveMinimum)
      fail(`${value} is not above ${s.exclusiveMinimum}`);
    if (typeof s.exclusiveMaximum === "number" && value >= s.exclusiveMaximum)
      fail(`${value} is not below ${s.exclusiveMaximum}`);
  }

  if (Array.isArray(value)) {
    if (typeof s.minItems === "number" && value.length < s.minItems) fail(`fewer than ${s.minItems} items`);
    if (typeof s.maxItems === "number" && value.length > s.maxItems) fail(`more than ${s.maxItems} items`);
    if (s.items !== undefined) value.forEach((item, i) => errors.push(...check(s.items, item, root, `${at}[${i}]`)));
  }

  if (typeOf(value) === "object") {
    const object = value as Record<string, unknown>;
    const properties = (s.properties ?? {}) as Record<string, unknown>;
    for (const name of (s.required ?? []) as string[]) {
      if (!(name in object)) fail(`missing required property "${name}"`);
    }
    for (const [name, propertyValue] of Object.entries(object)) {
      if (name in properties) errors.push(...check(properties[name], propertyValue, root, `${at}.${name}`));
      else if (s.additionalProperties !== undefined)
        errors.push(
          ...check(s.additionalProperties, propertyValue, root, `${at}.${name}`).map((e) =>
            s.additionalProperties === false ? `${at}: unexpected property "${name}"` : e,
          ),
        );
    }
  }

  if (Array.isArray(s.allOf)) s.allOf.forEach((sub) => errors.push(...check(sub, value, root, at)));
  if (Array.isArray(s.anyOf) && !s.anyOf.some((sub) => check(sub, value, root, at).length === 0))
    fail("matches none of anyOf");
  if (Array.isArray(s.oneOf)) {
    const matching = s.oneOf.filter((sub) => check(sub, value, root, at).length === 0).length;
    if (matching !== 1) fail(`matches ${matching} of oneOf, not exactly 1`);
  }
  return errors;
}
