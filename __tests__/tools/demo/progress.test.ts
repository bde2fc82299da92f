/** The progress reporter used by long demo runs. */
import { createProgress, formatCount, formatDuration, ProgressStream } from "../../../tools/demo/progress";

function capture(isTTY: boolean): ProgressStream & { text: string } {
  const stream = {
    text: "",
    isTTY,
    columns: 120,
    write(chunk: string) {
      stream.text += chunk;
      return true;
    },
  };
  return stream;
}

/** A clock the test moves by hand. */
function clock(start = 1_000_000) {
  let now = start;
  return { now: () => now, advance: (ms: number) => (now += ms) };
}

describe("on a terminal", () => {
  it("redraws one line in place with a bar, percent, count, rate and ETA", () => {
    const stream = capture(true);
    const time = clock();
    const progress = createProgress({ total: 1000, label: "orders", stream, now: time.now });
    time.advance(2000);
    progress.add(250);
    expect(stream.text).toBe(`\r\x1b[Korders [██████░░░░░░░░░░░░░░░░░░]  25%  250/1,000  125/s  ETA 6.0s`);
    expect(stream.text).not.toContain("\n");
  });

  it("redraws at most every 100 ms however often it is called", () => {
    const stream = capture(true);
    const time = clock();
    const progress = createProgress({ total: 1_000_000, stream, now: time.now });
    for (let i = 0; i < 1_000_000; i++) {
      if (i % 1000 === 0) time.advance(1); // 1 s in all
      progress.add();
    }
    const redraws = stream.text.split("\r").length - 1;
    expect(redraws).toBeGreaterThan(5);
    expect(redraws).toBeLessThanOrEqual(11);
  });

  it("ends with the total, the time taken and the rate on a line of its own", () => {
    const stream = capture(true);
    const time = clock();
    const progress = createProgress({ total: 200_000, label: "orders", stream, now: time.now });
    progress.set(200_000);
    time.advance(4000);
    expect(progress.done()).toBe(4000);
    expect(stream.text.endsWith("\r\x1b[Korders: 200,000 in 4.0s, 50,000/s\n")).toBe(true);
    progress.done();
    expect(stream.text.match(/orders: /g)).toHaveLength(1);
  });
});

describe("in a log (not a terminal)", () => {
  it("writes a plain line at every 10 %", () => {
    const stream = capture(false);
    const time = clock();
    const progress = createProgress({ total: 1000, label: "orders", stream, now: time.now });
    for (let i = 0; i < 1000; i++) {
      time.advance(10);
      progress.add();
    }
    const lines = stream.text.trimEnd().split("\n");
    expect(lines).toHaveLength(10);
    expect(lines[0]).toBe("orders 10%  100/1,000  100/s  ETA 9.0s");
    expect(lines[9].startsWith("orders 100%  1,000/1,000")).toBe(true);
    expect(stream.text).not.toContain("\r");
  });

  it("writes one line when a jump crosses several tenths", () => {
    const stream = capture(false);
    const progress = createProgress({ total: 100, stream, now: clock().now });
    progress.add(55);
    progress.add(1);
    expect(stream.text.trimEnd().split("\n")).toHaveLength(1);
  });
});

describe("formatting", () => {
  it("groups thousands and shortens durations", () => {
    expect(formatCount(1234567.4)).toBe("1,234,567");
    expect(formatCount(12)).toBe("12");
    expect(formatDuration(1234)).toBe("1.2s");
    expect(formatDuration(42_000)).toBe("42s");
    expect(formatDuration(125_000)).toBe("2m05s");
    expect(formatDuration(3_725_000)).toBe("1h02m");
    expect(formatDuration(Number.POSITIVE_INFINITY)).toBe("?");
  });
});
