import { CircuitBreaker, CircuitOpenError } from "../../../functions/db/circuit-breaker";

describe("CircuitBreaker", () => {
  let now = 0;
  const breaker = () => new CircuitBreaker({ failureThreshold: 3, openMs: 1000, now: () => now });

  it("opens after consecutive failures and fails fast with the time left", () => {
    const b = breaker();
    b.recordFailure();
    b.recordFailure();
    expect(b.state).toBe("closed");
    b.recordFailure();
    expect(b.state).toBe("open");
    now += 400;
    expect(() => b.assertCanPass()).toThrow(CircuitOpenError);
    try {
      b.assertCanPass();
    } catch (error) {
      expect((error as CircuitOpenError).retryAfterMs).toBe(600);
    }
  });

  it("lets one trial through when half-open; success closes it, failure re-opens it", () => {
    const b = breaker();
    for (let i = 0; i < 3; i++) b.recordFailure();
    now += 1000;
    expect(b.state).toBe("half-open");
    b.assertCanPass();
    expect(() => b.assertCanPass()).toThrow(CircuitOpenError); // only one trial at a time
    b.recordFailure();
    expect(b.state).toBe("open");
    now += 1000;
    b.assertCanPass();
    b.recordSuccess();
    expect(b.state).toBe("closed");
  });
});
