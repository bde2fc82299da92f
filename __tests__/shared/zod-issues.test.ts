import * as z from "zod";
import { fieldPath, issueDetails } from "../../shared/zod-issues";

describe("fieldPath", () => {
  it("writes names with dots and indexes in brackets", () => {
    expect(fieldPath(["orders", 3, "lines", 0, "unitPrice"])).toBe("orders[3].lines[0].unitPrice");
    expect(fieldPath(["prod", "network", "privateSubnets", 1])).toBe("prod.network.privateSubnets[1]");
  });

  it("names the empty path as asked (the API's whole body by default)", () => {
    expect(fieldPath([])).toBe("body");
    expect(fieldPath([], "query")).toBe("query");
  });
});

describe("issueDetails", () => {
  const schema = z.strictObject({ n: z.number(), kind: z.enum(["a", "b"]), s: z.string().min(2, "too short") });
  const details = (input: unknown) => {
    const result = schema.safeParse(input, { reportInput: true });
    return result.success
      ? []
      : result.error.issues.flatMap(issueDetails).map(({ path, message }) => `${fieldPath(path)}: ${message}`);
  };

  it("tells an absent field from one of the wrong type, lists an enum's values, keeps the schema's own message", () => {
    expect(details({ kind: "c", s: "x" })).toEqual(["n: is required", "kind: must be one of a, b", "s: too short"]);
    expect(details({ n: "1", kind: "a", s: "xy" })).toEqual(["n: must be a number, not a string"]);
    expect(details({ n: null, s: "xy" })).toEqual(["n: must be a number, not null", "kind: is required"]);
  });

  it("names each unknown key on its own", () => {
    expect(details({ n: 1, kind: "a", s: "xy", x: 1, y: 2 })).toEqual([
      "x: is not a known field",
      "y: is not a known field",
    ]);
  });
});
