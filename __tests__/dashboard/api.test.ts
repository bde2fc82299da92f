import { ApiError, reportsApi, retryAfterSeconds, UnavailableError } from "../../dashboard/src/lib/api";
import { CognitoClient } from "../../dashboard/src/lib/cognito";
import { loadWithRetry } from "../../dashboard/src/lib/retry";
import { Session, SignedOutError } from "../../dashboard/src/lib/session";
import { fakeClock, fakeFetch, tokens } from "./fake-fetch";

const summary = { from: "2026-03-01", to: "2026-03-31", timezone: "Europe/Berlin", currency: "EUR", orders: 3 };

/** The API's fetch and Cognito's are separate fakes, so each side's requests can be checked on their own. */
function setUp(api: Parameters<typeof fakeFetch>, cognito: Parameters<typeof fakeFetch> = []) {
  const cognitoFetch = fakeFetch(...cognito);
  const session = new Session(new CognitoClient("/local/cognito/", "client-1", cognitoFetch), fakeClock());
  session.start({ IdToken: "id-1", AccessToken: "access-1", RefreshToken: "refresh-1", ExpiresIn: 3600 });
  const apiFetch = fakeFetch(...api);
  return { reports: reportsApi("/api/v1", session, apiFetch), session, apiFetch, cognitoFetch };
}

describe("reportsApi: the reports with the person's ID token", () => {
  it("sends the query and the ID token as a Bearer token, never an API key", async () => {
    const { reports, apiFetch } = setUp([{ json: summary }]);
    const params = { from: "2026-03-01", to: "2026-03-31", timezone: undefined, interval: "day" };
    await expect(reports.report("summary", params)).resolves.toEqual(summary);
    expect(apiFetch.sent[0].url).toBe("/api/v1/reports/summary?from=2026-03-01&to=2026-03-31&interval=day");
    expect(apiFetch.sent[0].headers).toEqual({ accept: "application/json", authorization: "Bearer id-1" });
  });

  it("asks for CSV with Accept: text/csv and the same query", async () => {
    const { reports, apiFetch } = setUp([{ text: "period,orders\n2026-03-01,3\n" }]);
    await expect(reports.csv("sales", { from: "2026-03-01", to: "2026-03-01" })).resolves.toBe(
      "period,orders\n2026-03-01,3\n",
    );
    expect(apiFetch.sent[0].url).toBe("/api/v1/reports/sales?from=2026-03-01&to=2026-03-01");
    expect(apiFetch.sent[0].headers.accept).toBe("text/csv");
  });

  it("on a 401 renews the token and tries once more with the new one", async () => {
    const { reports, apiFetch, cognitoFetch } = setUp(
      [{ status: 401, json: { message: "Unauthorized" } }, { json: summary }],
      [tokens("id-2")],
    );
    await expect(reports.report("summary", {})).resolves.toEqual(summary);
    expect(cognitoFetch.sent).toHaveLength(1);
    expect(apiFetch.sent.map((request) => request.headers.authorization)).toEqual(["Bearer id-1", "Bearer id-2"]);
  });

  it("signs out after a second 401", async () => {
    const { reports, session, apiFetch } = setUp(
      [
        { status: 401, json: { message: "Unauthorized" } },
        { status: 401, json: { message: "Unauthorized" } },
      ],
      [tokens("id-2")],
    );
    await expect(reports.report("summary", {})).rejects.toBeInstanceOf(SignedOutError);
    expect(apiFetch.sent).toHaveLength(2);
    expect(session.signedIn).toBe(false);
  });

  it("reads a 503's Retry-After and the API's error body", async () => {
    const unavailable = { error: { code: "SERVICE_UNAVAILABLE", message: "Service Unavailable", details: [] } };
    const { reports } = setUp([
      { status: 503, json: unavailable, headers: { "Retry-After": "7" } },
      { status: 400, json: { error: { code: "VALIDATION_FAILED", message: "to is before from", details: [] } } },
    ]);
    const error = await reports.report("summary", {}).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(UnavailableError);
    expect(error).toMatchObject({ status: 503, code: "SERVICE_UNAVAILABLE", retryAfterSeconds: 7 });
    const refused = await reports.report("summary", {}).catch((caught: unknown) => caught);
    expect(refused).toBeInstanceOf(ApiError);
    expect(refused).not.toBeInstanceOf(UnavailableError);
    expect(refused).toMatchObject({ status: 400, code: "VALIDATION_FAILED", message: "to is before from" });
  });

  it("takes Retry-After as seconds or an HTTP date, else 5 s", () => {
    expect(retryAfterSeconds("3")).toBe(3);
    expect(retryAfterSeconds("0")).toBe(1);
    expect(retryAfterSeconds(null)).toBe(5);
    expect(retryAfterSeconds("Sun, 06 Dec 2026 17:00:10 GMT", Date.parse("2026-12-06T17:00:00Z"))).toBe(10);
  });
});

describe("loadWithRetry: 503 and 429 retry by themselves", () => {
  it("waits Retry-After seconds, says so, and tries again until the data comes", async () => {
    const { reports } = setUp([
      { status: 503, json: {}, headers: { "Retry-After": "2" } },
      { status: 429, json: {}, headers: { "Retry-After": "1" } },
      { json: summary },
    ]);
    const heard: number[] = [];
    const slept: number[] = [];
    const data = await loadWithRetry(
      () => reports.report("summary", {}),
      (seconds) => heard.push(seconds),
      { sleep: async (ms) => void slept.push(ms) },
    );
    expect(data).toEqual(summary);
    expect(heard).toEqual([2, 1]);
    expect(slept).toEqual([2000, 1000]);
  });

  it("gives up at once on any other failure, and stops when aborted", async () => {
    const { reports } = setUp([{ status: 403, json: { error: { code: "FORBIDDEN", message: "Forbidden" } } }]);
    await expect(
      loadWithRetry(
        () => reports.report("summary", {}),
        () => undefined,
      ),
    ).rejects.toMatchObject({
      status: 403,
    });
    const controller = new AbortController();
    const load = jest.fn(async () => {
      throw new UnavailableError(503, "SERVICE_UNAVAILABLE", "down", 30);
    });
    const waiting = loadWithRetry(load, () => controller.abort(new Error("left the view")), {
      signal: controller.signal,
    });
    await expect(waiting).rejects.toThrow("left the view");
    expect(load).toHaveBeenCalledTimes(1);
  });
});
