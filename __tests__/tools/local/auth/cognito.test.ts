/**
 * The local stand-in for Cognito: its key, its users, and InitiateAuth over HTTP as the dashboard
 * calls it, answering what Cognito answers (shapes, claims, error types and messages).
 */
import { mkdtempSync, readFileSync, statSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { createDatabase, type DatabaseHandle } from "../../../../functions/db/connection";
import { personTokenVerifier, STORE_CLAIM } from "../../../../functions/auth/person-token";
import { LocalCognito, REFRESH_TOKEN_LIFETIME_MS } from "../../../../tools/local/auth/cognito";
import { loadSigningKey, SIGNING_KEY_FILE } from "../../../../tools/local/auth/signing-key";
import { LocalUsers, UserInputError } from "../../../../tools/local/auth/users";
import { claimsOf, initiateAuth, removeDir, signIn, startPeopleServer, type PeopleServer } from "./people-server";

const EMAIL = "ada@example.com";
const PASSWORD = "correct horse battery";
const dirs: string[] = [];
const tempDir = () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), "local-auth-"));
  dirs.push(dir);
  return dir;
};

afterAll(() => dirs.forEach(removeDir));

describe("the signing key", () => {
  it("is generated once, kept readable by its owner only, and the same key (and kid) on every load", () => {
    const dir = tempDir();
    const first = loadSigningKey(dir);
    const file = path.join(dir, SIGNING_KEY_FILE);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readFileSync(file, "utf8")).toMatch(/^-----BEGIN PRIVATE KEY-----/);
    const again = loadSigningKey(dir);
    expect(again.kid).toBe(first.kid);
    expect(again.jwks).toEqual(first.jwks);
    expect(first.jwks.keys).toEqual([
      { kty: "RSA", n: expect.any(String), e: "AQAB", kid: first.kid, alg: "RS256", use: "sig" },
    ]);
  });

  it("publishes only the public half", () => {
    const { jwks } = loadSigningKey(tempDir());
    for (const secret of ["d", "p", "q", "dp", "dq", "qi"]) expect(jwks.keys[0]).not.toHaveProperty(secret);
  });
});

describe("users.json", () => {
  it("keeps the e-mail in lower case and a salted scrypt hash, never the password", async () => {
    const users = new LocalUsers(tempDir());
    const one = await users.add({ email: " Ada@Example.com ", password: PASSWORD, storeId: 7 });
    const two = await users.add({ email: "bob@example.com", password: PASSWORD, storeId: 7 });
    const text = readFileSync(users.file, "utf8");
    expect(text).not.toContain(PASSWORD);
    expect(statSync(users.file).mode & 0o777).toBe(0o600);
    expect(one).toMatchObject({ email: EMAIL, storeId: 7, password: { scheme: "scrypt", N: 16384, r: 8, p: 1 } });
    expect(one.password.salt).not.toBe(two.password.salt);
    expect(one.password.hash).not.toBe(two.password.hash);
    expect(one.sub).toMatch(/^[0-9a-f-]{36}$/);

    expect(await users.authenticate("ADA@example.com", PASSWORD)).toMatchObject({ sub: one.sub });
    expect(await users.authenticate(EMAIL, `${PASSWORD}!`)).toBeUndefined();
    expect(await users.authenticate("nobody@example.com", PASSWORD)).toBeUndefined();
  });

  it.each([
    ["an e-mail without @", { email: "not-an-address", password: PASSWORD }, "email"],
    ["an e-mail without a dot in its domain", { email: "a@b", password: PASSWORD }, "email"],
    ["a password of 10 characters", { email: "ada@example.com", password: "short pass" }, "password"],
    ["a password of 257 characters", { email: "ada@example.com", password: "x".repeat(257) }, "password"],
  ])("refuses %s", async (_name, input, field) => {
    const users = new LocalUsers(tempDir());
    const refused = await users.add({ ...input, storeId: 1 }).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(UserInputError);
    expect((refused as UserInputError).field).toBe(field);
  });

  it("refuses an e-mail taken already, whatever its case", async () => {
    const users = new LocalUsers(tempDir());
    await users.add({ email: EMAIL, password: PASSWORD, storeId: 1 });
    await expect(users.add({ email: "ADA@example.com", password: PASSWORD, storeId: 2 })).rejects.toThrow(
      "a user ada@example.com exists already",
    );
  });

  it("says which file is broken when users.json is not JSON", async () => {
    const users = new LocalUsers(tempDir());
    writeFileSync(users.file, "{ users: [");
    await expect(users.authenticate(EMAIL, PASSWORD)).rejects.toThrow(`${users.file} is not valid JSON`);
  });

  it("ensure() moves the demo user to another store and password, keeping their sub", async () => {
    const users = new LocalUsers(tempDir());
    const first = await users.ensure({ email: EMAIL, password: PASSWORD, storeId: 1 });
    expect(await users.ensure({ email: EMAIL, password: PASSWORD, storeId: 1 })).toEqual(first);
    const moved = await users.ensure({ email: EMAIL, password: "another long password", storeId: 2 });
    expect(moved).toMatchObject({ sub: first.sub, storeId: 2 });
    expect(users.list()).toHaveLength(1);
    expect(await users.authenticate(EMAIL, "another long password")).toMatchObject({ storeId: 2 });
  });
});

describe("InitiateAuth over HTTP", () => {
  let handle: DatabaseHandle;
  let server: PeopleServer;
  let clock = Date.now();

  beforeAll(async () => {
    handle = createDatabase({ kind: "url", url: process.env.MYSQL_URL! });
    server = await startPeopleServer(handle.db, { cognito: { now: () => clock } });
    await server.cognito.users.add({ email: EMAIL, password: PASSWORD, storeId: 42 });
  });
  afterAll(async () => {
    await server.close();
    await handle.db.destroy();
  });
  beforeEach(() => (clock = Date.now()));

  const passwordAuth = (username: string, password: string, clientId = "local-dashboard") => ({
    AuthFlow: "USER_PASSWORD_AUTH",
    ClientId: clientId,
    AuthParameters: { USERNAME: username, PASSWORD: password },
  });

  async function expectCognitoError(response: Response, type: string, message: string | RegExp): Promise<void> {
    expect(response.status).toBe(400);
    expect(response.headers.get("content-type")).toBe("application/x-amz-json-1.1");
    expect(response.headers.get("x-amzn-errortype")).toBe(`${type}:`);
    const body = (await response.json()) as { __type: string; message: string };
    expect(body.__type).toBe(type);
    expect(body.message).toMatch(message);
  }

  it("signs in with e-mail and password: Cognito's answer, with tokens shaped like Cognito's", async () => {
    const response = await initiateAuth(server.url, passwordAuth("Ada@Example.com", PASSWORD));
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("application/x-amz-json-1.1");
    expect(response.headers.get("access-control-allow-origin")).toBe("*");
    const body = (await response.json()) as { AuthenticationResult: Record<string, unknown> };
    expect(body).toEqual({
      AuthenticationResult: {
        IdToken: expect.any(String),
        AccessToken: expect.any(String),
        RefreshToken: expect.any(String),
        ExpiresIn: 3600,
        TokenType: "Bearer",
      },
      ChallengeParameters: {},
    });
    const user = server.cognito.users.find(EMAIL)!;
    const now = Math.floor(clock / 1000);
    const id = claimsOf(body.AuthenticationResult.IdToken as string);
    expect(id).toEqual({
      sub: user.sub,
      email: EMAIL,
      email_verified: true,
      "cognito:username": user.sub,
      [STORE_CLAIM]: "42",
      token_use: "id",
      aud: "local-dashboard",
      iss: `${server.url}/local/cognito/local_people`,
      auth_time: now,
      iat: now,
      exp: now + 3600,
      jti: expect.any(String),
      origin_jti: expect.any(String),
      event_id: expect.any(String),
    });
    const access = claimsOf(body.AuthenticationResult.AccessToken as string);
    expect(access).toMatchObject({
      sub: user.sub,
      token_use: "access",
      client_id: "local-dashboard",
      username: user.sub,
      scope: "aws.cognito.signin.user.admin",
      iss: id.iss,
      exp: now + 3600,
    });
    expect(access).not.toHaveProperty("aud");
    const header = JSON.parse(
      Buffer.from((body.AuthenticationResult.IdToken as string).split(".")[0]!, "base64url").toString(),
    );
    expect(header).toEqual({ kid: server.cognito.jwks.keys[0]!.kid, alg: "RS256" });
  });

  it("its ID tokens pass the authorizer's verifier with the published JWKS; its access tokens do not", async () => {
    const tokens = await signIn(server, EMAIL, PASSWORD);
    const jwks = (await (await fetch(`${server.url}/local/cognito/local_people/.well-known/jwks.json`)).json()) as {
      keys: Array<Record<string, unknown>>;
    };
    expect(jwks).toEqual(server.cognito.jwks);
    const verify = personTokenVerifier({ issuer: server.cognito.issuer, clientId: "local-dashboard", jwks });
    const user = server.cognito.users.find(EMAIL)!;
    await expect(verify(tokens.IdToken)).resolves.toEqual({ userId: user.sub, username: user.sub, storeId: 42 });
    await expect(verify(tokens.AccessToken)).rejects.toThrow();
  });

  it("answers a wrong password and an unknown user alike: NotAuthorizedException", async () => {
    await expectCognitoError(
      await initiateAuth(server.url, passwordAuth(EMAIL, "not the password")),
      "NotAuthorizedException",
      /^Incorrect username or password\.$/,
    );
    await expectCognitoError(
      await initiateAuth(server.url, passwordAuth("nobody@example.com", PASSWORD)),
      "NotAuthorizedException",
      /^Incorrect username or password\.$/,
    );
  });

  it("refuses another app client (ResourceNotFoundException), bad parameters (InvalidParameterException)", async () => {
    await expectCognitoError(
      await initiateAuth(server.url, passwordAuth(EMAIL, PASSWORD, "someone-else")),
      "ResourceNotFoundException",
      "User pool client someone-else does not exist.",
    );
    await expectCognitoError(
      await initiateAuth(server.url, { AuthFlow: "USER_PASSWORD_AUTH", AuthParameters: {} }),
      "InvalidParameterException",
      /Value null at 'clientId'/,
    );
    await expectCognitoError(
      await initiateAuth(server.url, { ...passwordAuth(EMAIL, PASSWORD), AuthFlow: "MAGIC" }),
      "InvalidParameterException",
      /Value 'MAGIC' at 'authFlow' failed to satisfy constraint/,
    );
    await expectCognitoError(
      await initiateAuth(server.url, { ...passwordAuth(EMAIL, PASSWORD), AuthFlow: "USER_SRP_AUTH" }),
      "InvalidParameterException",
      "USER_SRP_AUTH flow not enabled for this client",
    );
    await expectCognitoError(
      await initiateAuth(server.url, { ...passwordAuth(EMAIL, PASSWORD), AuthParameters: { USERNAME: EMAIL } }),
      "InvalidParameterException",
      "Missing required parameter PASSWORD",
    );
  });

  it("answers other operations, other methods and bodies not JSON objects as Cognito's protocol does", async () => {
    await expectCognitoError(
      await initiateAuth(server.url, {}, "SignUp"),
      "UnknownOperationException",
      /answers InitiateAuth/,
    );
    const notJson = await fetch(`${server.url}/local/cognito/`, {
      method: "POST",
      headers: { "X-Amz-Target": "AWSCognitoIdentityProviderService.InitiateAuth" },
      body: "{not json",
    });
    await expectCognitoError(notJson, "SerializationException", "the body is not JSON");
    await expectCognitoError(await initiateAuth(server.url, [1]), "SerializationException", /not a JSON object/);
    const get = await fetch(`${server.url}/local/cognito/`);
    expect(get.status).toBe(405);
    expect(get.headers.get("allow")).toBe("POST, OPTIONS");
  });

  it("answers the browser's preflight: any origin, Cognito's request headers", async () => {
    const response = await fetch(`${server.url}/local/cognito/`, {
      method: "OPTIONS",
      headers: {
        Origin: "http://localhost:5173",
        "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "content-type,x-amz-target",
      },
    });
    expect(response.status).toBe(204);
    expect(response.headers.get("access-control-allow-origin")).toBe("*");
    expect(response.headers.get("access-control-allow-headers")).toMatch(/Content-Type,X-Amz-Target/);
    expect(response.headers.get("access-control-allow-methods")).toBe("POST,OPTIONS");
  });

  it("refreshes: new ID and access tokens, no new refresh token, the first sign-in's auth_time", async () => {
    const signedIn = await signIn(server, EMAIL, PASSWORD);
    const authTime = claimsOf(signedIn.IdToken).auth_time as number;
    clock += 20 * 60_000;
    const response = await initiateAuth(server.url, {
      AuthFlow: "REFRESH_TOKEN_AUTH",
      ClientId: "local-dashboard",
      AuthParameters: { REFRESH_TOKEN: signedIn.RefreshToken },
    });
    expect(response.status).toBe(200);
    const body = (await response.json()) as { AuthenticationResult: Record<string, unknown> };
    expect(Object.keys(body.AuthenticationResult).sort()).toEqual(["AccessToken", "ExpiresIn", "IdToken", "TokenType"]);
    const refreshed = claimsOf(body.AuthenticationResult.IdToken as string);
    expect(refreshed.auth_time).toBe(authTime);
    expect(refreshed.iat).toBe(authTime + 20 * 60);
    expect(refreshed.origin_jti).toBe(claimsOf(signedIn.IdToken).origin_jti);
  });

  it("refuses a refresh token it never issued, a revoked one and an expired one", async () => {
    const refresh = (token: string) =>
      initiateAuth(server.url, {
        AuthFlow: "REFRESH_TOKEN_AUTH",
        ClientId: "local-dashboard",
        AuthParameters: { REFRESH_TOKEN: token },
      });
    await expectCognitoError(await refresh("made-up"), "NotAuthorizedException", "Invalid Refresh Token");

    const revoked = (await signIn(server, EMAIL, PASSWORD)).RefreshToken!;
    const revoke = await initiateAuth(server.url, { Token: revoked, ClientId: "local-dashboard" }, "RevokeToken");
    expect(revoke.status).toBe(200);
    expect(await revoke.json()).toEqual({});
    await expectCognitoError(await refresh(revoked), "NotAuthorizedException", "Invalid Refresh Token");

    const expiring = (await signIn(server, EMAIL, PASSWORD)).RefreshToken!;
    clock += REFRESH_TOKEN_LIFETIME_MS;
    await expectCognitoError(await refresh(expiring), "NotAuthorizedException", "Refresh Token has expired");
  });
});

describe("a new LocalCognito on the same folder (a restart)", () => {
  it("verifies the tokens the previous one issued, but forgot its refresh tokens", async () => {
    const dir = tempDir();
    const before = new LocalCognito({ baseUrl: "http://127.0.0.1:3000", dir });
    await before.users.add({ email: EMAIL, password: PASSWORD, storeId: 3 });
    const { AuthenticationResult } = await before.initiateAuth({
      AuthFlow: "USER_PASSWORD_AUTH",
      ClientId: before.clientId,
      AuthParameters: { USERNAME: EMAIL, PASSWORD: PASSWORD },
    });
    const after = new LocalCognito({ baseUrl: "http://127.0.0.1:3000", dir });
    await expect(after.verify(AuthenticationResult.IdToken)).resolves.toMatchObject({ storeId: 3 });
    await expect(
      after.initiateAuth({
        AuthFlow: "REFRESH_TOKEN_AUTH",
        ClientId: after.clientId,
        AuthParameters: { REFRESH_TOKEN: AuthenticationResult.RefreshToken },
      }),
    ).rejects.toThrow("Invalid Refresh Token");
    // Another port is another issuer: its tokens are not this one's.
    const elsewhere = new LocalCognito({ baseUrl: "http://127.0.0.1:3001", dir });
    await expect(elsewhere.verify(AuthenticationResult.IdToken)).rejects.toThrow();
  });
});
