import { ConfigError, loadConfig, parseConfig } from "../../dashboard/src/lib/config";
import { poll } from "../../dashboard/src/lib/poller";
import { csvFileName, queryString, rangeParams } from "../../dashboard/src/lib/reports";
import { hrefOf, viewOf } from "../../dashboard/src/lib/route";
import { isKnownZone } from "../../dashboard/src/lib/zone";
import { fakeFetch } from "./fake-fetch";

describe("config.json", () => {
  const config = {
    apiBase: "/api/v1/",
    auth: { endpoint: "/local/cognito/", clientId: "local-dashboard", region: "local" },
    demo: { username: "demo@example.com", password: "demo-password" },
  };

  it("is read from the same origin and keeps the demo user when there is one", async () => {
    const fetch = fakeFetch({ json: config });
    await expect(loadConfig(fetch)).resolves.toEqual({ ...config, apiBase: "/api/v1" });
    expect(fetch.sent[0].url).toBe("/config.json");
    expect(parseConfig({ ...config, demo: undefined })).not.toHaveProperty("demo");
  });

  it("refuses a config without the API or the sign-in service", async () => {
    expect(() => parseConfig({ auth: config.auth })).toThrow(ConfigError);
    expect(() => parseConfig({ apiBase: "/api/v1", auth: { endpoint: "/local/cognito/" } })).toThrow(/clientId/);
    await expect(loadConfig(fakeFetch({ status: 404, text: "" }))).rejects.toThrow(/404/);
  });
});

describe("report requests", () => {
  it("send the range and only the parameters that are set", () => {
    const params = rangeParams({ from: "2026-03-01", to: "2026-03-31" }, undefined, { interval: "week" });
    expect(queryString(params)).toBe("?from=2026-03-01&to=2026-03-31&interval=week");
    expect(queryString(rangeParams({ from: "2026-03-01", to: "2026-03-01" }, "Asia/Kolkata"))).toBe(
      "?from=2026-03-01&to=2026-03-01&timezone=Asia%2FKolkata",
    );
    expect(queryString({})).toBe("");
  });

  it("save CSV under the report's name and range", () => {
    expect(csvFileName("sales", { from: "2026-03-01", to: "2026-03-31", interval: "day" })).toBe(
      "sales-2026-03-01-to-2026-03-31.csv",
    );
    expect(csvFileName("realtime", {})).toBe("realtime.csv");
  });
});

describe("hash routes", () => {
  it("name one view each, the Overview for anything else", () => {
    expect(viewOf("#/sales")).toBe("sales");
    expect(viewOf("#/cohorts?x=1")).toBe("cohorts");
    expect(viewOf("")).toBe("overview");
    expect(viewOf("#/nowhere")).toBe("overview");
    expect(hrefOf("realtime")).toBe("#/realtime");
  });
});

describe("time zones the reader may pick", () => {
  it("are IANA names the browser knows", () => {
    expect(isKnownZone("Asia/Kathmandu")).toBe(true);
    expect(isKnownZone("Mars/Olympus")).toBe(false);
    expect(isKnownZone("")).toBe(false);
  });
});

describe("poll: the realtime view's 30 s refresh", () => {
  function page(hidden: boolean) {
    const listeners = new Set<() => void>();
    return {
      hidden: () => hidden,
      onChange: (listener: () => void) => (listeners.add(listener), () => void listeners.delete(listener)),
      set(next: boolean) {
        hidden = next;
        listeners.forEach((listener) => listener());
      },
      listeners,
    };
  }
  function timers() {
    const running = new Map<number, () => void>();
    let next = 1;
    return {
      setInterval: (run: () => void) => (running.set(next, run), next++),
      clearInterval: (handle: unknown) => void running.delete(handle as number),
      tick: () => running.forEach((run) => run()),
      running,
    };
  }

  it("runs now and on every tick while the tab is visible, and pauses while it is hidden", () => {
    const [visibility, clock, task] = [page(false), timers(), jest.fn()];
    const stop = poll(task, 30_000, visibility, clock);
    expect(task).toHaveBeenCalledTimes(1);
    clock.tick();
    expect(task).toHaveBeenCalledTimes(2);
    visibility.set(true);
    expect(clock.running.size).toBe(0);
    clock.tick();
    expect(task).toHaveBeenCalledTimes(2);
    visibility.set(false); // back: stale data is refreshed at once
    expect(task).toHaveBeenCalledTimes(3);
    expect(clock.running.size).toBe(1);
    stop();
    expect(clock.running.size).toBe(0);
    expect(visibility.listeners.size).toBe(0);
  });

  it("waits for the tab to be shown when it starts hidden", () => {
    const [visibility, clock, task] = [page(true), timers(), jest.fn()];
    poll(task, 30_000, visibility, clock);
    expect(task).not.toHaveBeenCalled();
    visibility.set(false);
    expect(task).toHaveBeenCalledTimes(1);
  });
});
