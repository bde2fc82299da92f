/** The q-value negotiation behind `Accept` (issue 11 item 7), on its own. */
import { negotiate, parseAccept } from "../../../functions/http/negotiation";

describe("negotiate (RFC 9110 12.5.1)", () => {
  const offers = ["application/json", "text/csv"];

  it("the most specific range decides a type's weight, whatever the order", () => {
    expect(negotiate("text/csv;q=0.2, text/*;q=0.9, */*;q=0.1", offers)).toBe("text/csv");
    expect(negotiate("*/*;q=0.9, application/json;q=0.1, text/*;q=0.5", offers)).toBe("text/csv");
    expect(negotiate("*/*, text/csv;q=0", offers)).toBe("application/json");
    expect(negotiate("*/*, application/json;q=0", offers)).toBe("text/csv");
    expect(negotiate("*/*;q=0", offers)).toBeUndefined();
  });

  it("skips unreadable ranges and q-values, and reads quoted parameters with commas", () => {
    expect(parseAccept('text/csv;q=2, application/json;q=abc, text/plain;x="a,b";q=0.5, /, */json, ,')).toEqual([
      { type: "text", subtype: "plain", q: 0.5 },
    ]);
    expect(negotiate("text/csv;q=2", offers)).toBe("application/json");
    expect(negotiate("text/csv;q=0.0001", offers)).toBe("application/json");
    expect(negotiate("text/csv;q=0.001", offers)).toBe("text/csv");
    expect(negotiate("text/csv ; q=1.000 ; ext=1", offers)).toBe("text/csv");
    expect(negotiate("", offers)).toBe("application/json");
  });

  it("ties go to the first offer", () => {
    expect(negotiate("text/csv;q=0.5, application/json;q=0.5", offers)).toBe("application/json");
    expect(negotiate("text/csv, application/json", ["application/json"])).toBe("application/json");
  });
});
