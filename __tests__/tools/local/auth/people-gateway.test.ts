/**
 * The local gateway lets signed-in people read their store's reports, as the Lambda authorizer
 * does in AWS: real HTTP against a gateway on a free port, real sign-ins at the Cognito stand-in,
 * a real database.
 */
import { mkdtempSync, rmSync } from "node:fs";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { createDatabase, type DatabaseHandle } from "../../../../functions/db/connection";
import { setSharedDatabase } from "../../../../functions/db/shared-database";
import { createStore } from "../../../../functions/stores/repository";
import { CORS_HEADERS } from "../../../../shared/cors-headers";
import { PersonTokenIssuerUnavailable } from "../../../../functions/auth/person-token";
import { LocalCognito } from "../../../../tools/local/auth/cognito";
import {
  createGateway,
  KEY_ONLY_MESSAGE,
  MISSING_KEY_MESSAGE,
  UNAUTHORIZED_MESSAGE,
} from "../../../../tools/local/gateway";
import { signIn, startPeopleServer, type PeopleServer } from "./people-server";

const PASSWORD = "a long enough password";
const from = "2026-03-01";
const summary = `/api/v1/reports/summary?from=${from}&to=2026-03-31`;

let handle: DatabaseHandle;
let server: PeopleServer;
const logs: string[] = [];
let counter = 0;

async function newStore() {
  counter += 1;
  return createStore(handle.db, { name: `People ${counter} ${Date.now()}`, currency: "USD", timezone: "UTC" });
}

/** A store with one paid order of `amount`, and a person of it, signed in. */
async function storeWithPerson(amount: string) {
  const { store, apiKey } = await newStore();
  const order = {
    id: `o-${counter}`,
    createdAt: "2026-03-10T10:00:00Z",
    currency: "USD",
    status: "paid",
    lines: [{ productId: "p-1", productName: "Mug", quantity: 1, unitPrice: amount }],
  };
  const ingested = await fetch(`${server.url}/api/v1/orders`, {
    method: "POST",
    headers: { "x-api-key": apiKey, "content-type": "application/json" },
    body: JSON.stringify({ orders: [order] }),
  });
  expect(ingested.status).toBe(200);
  const email = `person${counter}@example.com`;
  await server.cognito.users.add({ email, password: PASSWORD, storeId: store.id });
  const tokens = await signIn(server, email, PASSWORD);
  return { store, apiKey, email, tokens };
}

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

async function expectError(response: Response, status: number, code: string, message?: string) {
  expect(response.status).toBe(status);
  const body = (await response.json()) as { error: { code: string; message: string }; requestId: string };
  expect(body).toEqual({
    error: { code, message: message ?? expect.any(String), details: [] },
    requestId: response.headers.get("x-amzn-requestid"),
  });
  for (const [name, value] of Object.entries(CORS_HEADERS)) expect(response.headers.get(name)).toBe(value);
}

beforeAll(async () => {
  handle = createDatabase({ kind: "url", url: process.env.MYSQL_URL! });
  setSharedDatabase(handle);
  server = await startPeopleServer(handle.db, { gateway: { log: (line) => logs.push(line) } });
});
afterAll(async () => {
  await server.close();
  await handle.db.destroy();
});

describe("a signed-in person on a report", () => {
  it("reads their own store's report with their ID token, the same answer as the store's key", async () => {
    const { apiKey, tokens } = await storeWithPerson("30.00");
    const withToken = await fetch(`${server.url}${summary}`, { headers: bearer(tokens.IdToken) });
    expect(withToken.status).toBe(200);
    const byPerson = (await withToken.json()) as { orders: number; grossSales: string };
    expect(byPerson).toMatchObject({ orders: 1, grossSales: "30.00" });
    const byKey = await (await fetch(`${server.url}${summary}`, { headers: { "x-api-key": apiKey } })).json();
    expect(byPerson).toEqual(byKey);
  });

  it("reads every people route, CSV included", async () => {
    const { tokens } = await storeWithPerson("5.00");
    for (const path of ["sales", "products", "funnel", "cohorts"]) {
      const response = await fetch(`${server.url}/api/v1/reports/${path}?from=${from}`, {
        headers: bearer(tokens.IdToken),
      });
      expect({ path, status: response.status }).toEqual({ path, status: 200 });
    }
    expect((await fetch(`${server.url}/api/v1/reports/realtime`, { headers: bearer(tokens.IdToken) })).status).toBe(
      200,
    );
    const csv = await fetch(`${server.url}${summary}`, { headers: { ...bearer(tokens.IdToken), accept: "text/csv" } });
    expect(csv.headers.get("content-type")).toMatch(/^text\/csv/);
  });

  it("is never another store's: two people, two stores, each their own figures", async () => {
    const first = await storeWithPerson("11.00");
    const second = await storeWithPerson("22.00");
    const read = async (token: string) =>
      ((await (await fetch(`${server.url}${summary}`, { headers: bearer(token) })).json()) as { grossSales: string })
        .grossSales;
    expect(await read(first.tokens.IdToken)).toBe("11.00");
    expect(await read(second.tokens.IdToken)).toBe("22.00");
  });

  it("a key wins over a token: both sent, the key's store answers", async () => {
    const keyed = await storeWithPerson("7.00");
    const person = await storeWithPerson("8.00");
    const response = await fetch(`${server.url}${summary}`, {
      headers: { "x-api-key": keyed.apiKey, ...bearer(person.tokens.IdToken) },
    });
    expect(((await response.json()) as { grossSales: string }).grossSales).toBe("7.00");
    // and a wrong key is refused even with a good token
    const wrongKey = await fetch(`${server.url}${summary}`, {
      headers: { "x-api-key": "eak_wrong", ...bearer(person.tokens.IdToken) },
    });
    await expectError(wrongKey, 403, "FORBIDDEN", "Forbidden");
  });

  it("keeps working with a refreshed token", async () => {
    const { tokens } = await storeWithPerson("9.00");
    const refreshed = await server.cognito.initiateAuth({
      AuthFlow: "REFRESH_TOKEN_AUTH",
      ClientId: server.cognito.clientId,
      AuthParameters: { REFRESH_TOKEN: tokens.RefreshToken },
    });
    const response = await fetch(`${server.url}${summary}`, {
      headers: bearer(refreshed.AuthenticationResult.IdToken),
    });
    expect(response.status).toBe(200);
  });

  it("answers 403 for a person whose store does not exist (the handler's check)", async () => {
    await server.cognito.users.add({ email: "lost@example.com", password: PASSWORD, storeId: 2_000_000_000 });
    const { IdToken } = await signIn(server, "lost@example.com", PASSWORD);
    await expectError(await fetch(`${server.url}${summary}`, { headers: bearer(IdToken) }), 403, "FORBIDDEN");
  });
});

describe("a token refused: 401 UNAUTHORIZED, so the browser refreshes or signs in again", () => {
  let token: string;
  beforeAll(async () => {
    token = (await storeWithPerson("1.00")).tokens.IdToken;
  });

  const refused = async (authorization: string) => {
    const response = await fetch(`${server.url}${summary}`, { headers: { authorization } });
    expect(response.headers.get("www-authenticate")).toBe("Bearer");
    await expectError(response, 401, "UNAUTHORIZED", UNAUTHORIZED_MESSAGE);
  };

  it("a token that is not a JWT, or not a Bearer one", async () => {
    await refused("Bearer not-a-token");
    await refused("Bearer ");
    await refused(`Basic ${Buffer.from("a:b").toString("base64")}`);
  });

  it("a token altered after signing (another store written into it)", async () => {
    const [header, payload, signature] = token.split(".");
    const claims = JSON.parse(Buffer.from(payload!, "base64url").toString()) as Record<string, unknown>;
    const forged = Buffer.from(JSON.stringify({ ...claims, "custom:store_id": "1" })).toString("base64url");
    await refused(`Bearer ${header}.${forged}.${signature}`);
  });

  it("an expired token, an access token, and one signed by another key for the same issuer", async () => {
    const twoHoursAgo = new LocalCognito({
      baseUrl: server.url,
      dir: server.authDir,
      now: () => Date.now() - 7_200_000,
    });
    const old = await twoHoursAgo.initiateAuth({
      AuthFlow: "USER_PASSWORD_AUTH",
      ClientId: "local-dashboard",
      AuthParameters: { USERNAME: `person${counter}@example.com`, PASSWORD },
    });
    await refused(`Bearer ${old.AuthenticationResult.IdToken}`);
    const fresh = await server.cognito.initiateAuth({
      AuthFlow: "USER_PASSWORD_AUTH",
      ClientId: "local-dashboard",
      AuthParameters: { USERNAME: `person${counter}@example.com`, PASSWORD },
    });
    await refused(`Bearer ${fresh.AuthenticationResult.AccessToken}`);

    const otherDir = mkdtempSync(path.join(os.tmpdir(), "other-auth-"));
    try {
      const impostor = new LocalCognito({ baseUrl: server.url, dir: otherDir });
      await impostor.users.add({ email: "eve@example.com", password: PASSWORD, storeId: 1 });
      const forged = await impostor.initiateAuth({
        AuthFlow: "USER_PASSWORD_AUTH",
        ClientId: "local-dashboard",
        AuthParameters: { USERNAME: "eve@example.com", PASSWORD },
      });
      await refused(`Bearer ${forged.AuthenticationResult.IdToken}`);
    } finally {
      rmSync(otherDir, { recursive: true, force: true });
    }
  });

  it("logs why, never the token", () => {
    const refusals = logs.filter((line) => line.includes("token refused"));
    expect(refusals.length).toBeGreaterThan(0);
    for (const line of logs) expect(line).not.toContain(token.split(".")[2]);
  });
});

describe("the issuer's keys out of reach", () => {
  it("is 503 with Retry-After, as the authorizer's failure is: no verdict on the token", async () => {
    const unreachable = Object.assign(Object.create(server.cognito) as LocalCognito, {
      verify: async () => {
        throw new PersonTokenIssuerUnavailable("the issuer's keys: connect ECONNREFUSED");
      },
    });
    const gateway = createGateway({ db: handle.db, cognito: unreachable });
    await new Promise<void>((resolve) => gateway.listen(0, "127.0.0.1", resolve));
    try {
      const { port } = gateway.address() as AddressInfo;
      const { tokens } = await storeWithPerson("2.00");
      const response = await fetch(`http://127.0.0.1:${port}${summary}`, { headers: bearer(tokens.IdToken) });
      expect(response.headers.get("retry-after")).toBe("2");
      await expectError(response, 503, "SERVICE_UNAVAILABLE");
    } finally {
      await new Promise((resolve) => gateway.close(resolve));
    }
  });
});

describe("routes for keys only, and no credential", () => {
  it("a token on an ingestion route: 403 naming the key as the way in", async () => {
    const { tokens } = await storeWithPerson("3.00");
    const response = await fetch(`${server.url}/api/v1/orders`, {
      method: "POST",
      headers: { ...bearer(tokens.IdToken), "content-type": "application/json" },
      body: JSON.stringify({ orders: [] }),
    });
    await expectError(response, 403, "FORBIDDEN", KEY_ONLY_MESSAGE);
  });

  it("neither header: 403 asking for the key, as before", async () => {
    await expectError(await fetch(`${server.url}${summary}`), 403, "FORBIDDEN", MISSING_KEY_MESSAGE);
  });

  it("health needs neither", async () => {
    expect((await fetch(`${server.url}/health`, { headers: bearer("x.y.z") })).status).toBe(200);
  });

  it("the reports' preflight allows the Authorization header (the dashboard's origin differs in AWS)", async () => {
    const response = await fetch(`${server.url}${summary}`, { method: "OPTIONS" });
    expect(response.status).toBe(204);
    expect(response.headers.get("access-control-allow-headers")?.split(",")).toContain("Authorization");
  });
});

describe("throttling people", () => {
  it("counts each person apart: over the limit 429 with Retry-After, another person still served", async () => {
    const limited = await startPeopleServer(handle.db, {
      gateway: { throttle: { limit: 2, windowMs: 60_000 } },
    });
    try {
      const store = await newStore();
      await limited.cognito.users.add({ email: "one@example.com", password: PASSWORD, storeId: store.store.id });
      await limited.cognito.users.add({ email: "two@example.com", password: PASSWORD, storeId: store.store.id });
      const one = (await signIn(limited, "one@example.com", PASSWORD)).IdToken;
      const two = (await signIn(limited, "two@example.com", PASSWORD)).IdToken;
      const get = (token: string) => fetch(`${limited.url}${summary}`, { headers: bearer(token) });
      expect((await get(one)).status).toBe(200);
      expect((await get(one)).status).toBe(200);
      const third = await get(one);
      expect(Number(third.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
      await expectError(third, 429, "TOO_MANY_REQUESTS");
      expect((await get(two)).status).toBe(200);
      // the store's key has a window of its own
      expect((await fetch(`${limited.url}${summary}`, { headers: { "x-api-key": store.apiKey } })).status).toBe(200);
    } finally {
      await limited.close();
    }
  });
});
