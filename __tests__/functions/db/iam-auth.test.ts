import { databaseTargetFromEnv, LAMBDA_LIMITS, poolOptions } from "../../../functions/db/connection";
import { CachedTokenSource, iamAuthPlugin, TOKEN_REFRESH_MS } from "../../../functions/db/iam-auth";

/** The RDS Proxy path, with a mocked signer: no AWS account is needed or touched. */
describe("IAM authentication to RDS Proxy", () => {
  const env = {
    DB_PROXY_ENDPOINT: "proxy.example.internal",
    DB_USER: "app",
    DB_NAME: "analytics",
    AWS_REGION: "eu-west-1",
  };

  it("targets the proxy when DB_PROXY_ENDPOINT is set, and a URL otherwise", () => {
    expect(databaseTargetFromEnv(env)).toEqual({
      kind: "iam",
      host: "proxy.example.internal",
      port: 3306,
      user: "app",
      database: "analytics",
      region: "eu-west-1",
    });
    expect(databaseTargetFromEnv({ MYSQL_URL: "mysql://u@h/db" })).toEqual({ kind: "url", url: "mysql://u@h/db" });
    expect(() => databaseTargetFromEnv({ DB_PROXY_ENDPOINT: "x" })).toThrow(/DB_USER/);
  });

  it("uses TLS and the cleartext plugin with the token, never a stored password", () => {
    const tokens = { token: async () => "tok" };
    const options = poolOptions(databaseTargetFromEnv(env), LAMBDA_LIMITS, tokens);
    expect(options).toMatchObject({
      host: "proxy.example.internal",
      user: "app",
      ssl: { rejectUnauthorized: true },
      connectionLimit: 2,
      timezone: "Z",
    });
    expect(options.password).toBeUndefined();
    expect(options.authPlugins?.mysql_clear_password).toBeDefined();
  });

  it("sends the current token, NUL-terminated, on each new connection", async () => {
    const plugin = iamAuthPlugin({ token: async () => "signed-token" });
    const reply = await (plugin as unknown as () => () => Promise<Buffer>)()();
    expect(reply.toString()).toBe("signed-token\0");
  });

  it("caches the token and fetches a new one before the 15-minute expiry", async () => {
    let now = 0;
    let fetched = 0;
    const getAuthToken = jest.fn(async (): Promise<string> => `token-${++fetched}`);
    const source = new CachedTokenSource({ getAuthToken }, () => now);
    const [a, b] = await Promise.all([source.token(), source.token()]);
    expect([a, b]).toEqual(["token-1", "token-1"]);
    now += TOKEN_REFRESH_MS - 1;
    expect(await source.token()).toBe("token-1");
    now += 1;
    expect(await source.token()).toBe("token-2");
    expect(getAuthToken).toHaveBeenCalledTimes(2);
    expect(TOKEN_REFRESH_MS).toBeLessThan(15 * 60 * 1000);
  });
});
