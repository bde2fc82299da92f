/**
 * `npm run store -- add-user`: a person who signs in to the dashboard, added to the local
 * stand-in's users.json, or with --env to the environment's Cognito user pool (mocked here: no
 * account is touched).
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import {
  AdminCreateUserCommand,
  CognitoIdentityProviderClient,
  ListUserPoolsCommand,
  UsernameExistsException,
} from "@aws-sdk/client-cognito-identity-provider";
import { mockClient } from "aws-sdk-client-mock";
import { createDatabase, type DatabaseHandle } from "../../../functions/db/connection";
import { createStore } from "../../../functions/stores/repository";
import { AwsPeople } from "../../../tools/local/aws-people";
import { LocalUsers } from "../../../tools/local/auth/users";
import { parseStoreArgs, runStoreCli, USAGE, type CliIo } from "../../../tools/local/store-cli";
import { usageErrorOf } from "../../support/usage-error";

const PASSWORD = "a long enough password";
const PREFIX = "ecommerce-analytics-staging";
const cognitoMock = mockClient(CognitoIdentityProviderClient);

let authDir: string;
beforeEach(() => {
  authDir = mkdtempSync(path.join(os.tmpdir(), "add-user-"));
  cognitoMock.reset();
});
afterEach(() => rmSync(authDir, { recursive: true, force: true }));

async function run(argv: string[], extra: Partial<CliIo> = {}) {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const code = await runStoreCli(argv, {
    stdout: (line) => stdout.push(line),
    stderr: (line) => stderr.push(line),
    env: process.env,
    authDir,
    people: () =>
      new AwsPeople({ prefix: PREFIX, cognito: new CognitoIdentityProviderClient({ region: "eu-west-1" }) }),
    ...extra,
  });
  return { code, stdout, stderr };
}

const usageError = (argv: string[]) => usageErrorOf(parseStoreArgs, argv);

describe("parsing add-user", () => {
  it("takes a store, an e-mail and a password, or --env instead of the password", () => {
    expect(parseStoreArgs(["add-user", "--store", "3", "--email", "ada@example.com", "--password", PASSWORD])).toEqual({
      command: "add-user",
      storeId: 3,
      email: "ada@example.com",
      password: PASSWORD,
      json: false,
    });
    expect(parseStoreArgs(["add-user", "--store=3", "--email=ada@example.com", "--env", "prod", "--json"])).toEqual({
      command: "add-user",
      storeId: 3,
      email: "ada@example.com",
      json: true,
      env: "prod",
    });
  });

  it.each([
    [["add-user", "--email", "ada@example.com", "--password", PASSWORD], /add-user needs --store/],
    [["add-user", "--store", "3", "--password", PASSWORD], /add-user needs --email/],
    [["add-user", "--store", "3", "--email", "ada@example.com"], /add-user needs --password \(or --env ENV\)/],
    [["add-user", "--store", "3", "--email", "not-an-address", "--password", PASSWORD], /--email: "not-an-address"/],
    [["add-user", "--store", "3", "--email", "ada@example.com", "--password", "too short"], /at least 12 characters/],
    [
      ["add-user", "--store", "3", "--email", "ada@example.com", "--password", PASSWORD, "--env", "dev"],
      /--password is not allowed with --env: Cognito e-mails the person a temporary password/,
    ],
    [["add-user", "--store", "x", "--email", "ada@example.com", "--password", PASSWORD], /--store must be a store id/],
    [["add-user", "--store", "3", "--email", "ada@example.com", "--name", "x"], /--name is not an option of add-user/],
  ])("rejects %j", (argv, message) => {
    expect(usageError(argv)).toMatch(message);
  });

  it("is in the usage", () => {
    expect(USAGE).toMatch(/add-user --store ID --email ADDRESS --password PASSWORD/);
    expect(USAGE).toMatch(/add-user --store ID --email ADDRESS --env ENV/);
  });
});

describe("add-user locally", () => {
  let handle: DatabaseHandle;
  let storeId: number;
  beforeAll(async () => {
    handle = createDatabase({ kind: "url", url: process.env.MYSQL_URL! });
    storeId = (await createStore(handle.db, { name: `Add user ${Date.now()}`, currency: "USD", timezone: "UTC" })).store
      .id;
  });
  afterAll(async () => {
    await handle.db.destroy();
  });

  it("adds the person to users.json with a hash of the password, never the password, and says so", async () => {
    const result = await run([
      "add-user",
      "--store",
      String(storeId),
      "--email",
      "Ada@Example.com",
      "--password",
      PASSWORD,
    ]);
    expect(result).toMatchObject({ code: 0, stderr: [] });
    expect(result.stdout).toEqual([
      `Added ada@example.com for store ${storeId} (${path.join(authDir, "users.json")}): ` +
        "they sign in to the dashboard of npm start with that password.",
    ]);
    expect(readFileSync(path.join(authDir, "users.json"), "utf8")).not.toContain(PASSWORD);
    expect(await new LocalUsers(authDir).authenticate("ada@example.com", PASSWORD)).toMatchObject({ storeId });
  });

  it("--json prints one object with the person's sub", async () => {
    const result = await run([
      "add-user",
      "--store",
      String(storeId),
      "--email",
      "bob@example.com",
      "--password",
      PASSWORD,
      "--json",
    ]);
    expect(JSON.parse(result.stdout[0]!)).toEqual({ storeId, email: "bob@example.com", sub: expect.any(String) });
  });

  it("exits 2 for an e-mail taken already and for a store that does not exist", async () => {
    await run(["add-user", "--store", String(storeId), "--email", "eve@example.com", "--password", PASSWORD]);
    const again = await run([
      "add-user",
      "--store",
      String(storeId),
      "--email",
      "EVE@example.com",
      "--password",
      PASSWORD,
    ]);
    expect(again.code).toBe(2);
    expect(again.stderr).toEqual(["error: --email: a user eve@example.com exists already"]);
    const noStore = await run([
      "add-user",
      "--store",
      "2000000000",
      "--email",
      "x@example.com",
      "--password",
      PASSWORD,
    ]);
    expect(noStore.code).toBe(2);
    expect(noStore.stderr[0]).toMatch(/^error: --store: no store 2000000000/);
  });

  it("exits 2 with the usage for a short password, naming the flag and not echoing the password", async () => {
    const result = await run([
      "add-user",
      "--store",
      String(storeId),
      "--email",
      "x@example.com",
      "--password",
      "secret-pw",
    ]);
    expect(result.code).toBe(2);
    expect(result.stderr[0]).toBe("error: --password: must be at least 12 characters");
    expect(result.stderr.join("\n")).not.toContain("secret-pw");
    expect(result.stderr.join("\n")).toContain(USAGE);
  });
});

describe("add-user --env: AdminCreateUser in the environment's user pool", () => {
  beforeEach(() => {
    // The pool is on the second page, as in an account with many pools.
    cognitoMock
      .on(ListUserPoolsCommand)
      .resolves({ UserPools: [{ Id: "eu-west-1_other", Name: "ecommerce-analytics-dev-people" }], NextToken: "page-2" })
      .on(ListUserPoolsCommand, { NextToken: "page-2" })
      .resolves({ UserPools: [{ Id: "eu-west-1_AbC123", Name: `${PREFIX}-people` }] });
    cognitoMock.on(AdminCreateUserCommand).resolves({
      User: {
        Username: "7f1c2d3e-0000-4000-8000-000000000001",
        UserStatus: "FORCE_CHANGE_PASSWORD",
        Attributes: [{ Name: "sub", Value: "7f1c2d3e-0000-4000-8000-000000000001" }],
      },
    });
  });

  it("finds <prefix>-people by name, creates the user: e-mail verified, their store, a password e-mailed", async () => {
    const result = await run(["add-user", "--env", "staging", "--store", "12", "--email", "ada@example.com"]);
    expect(result).toMatchObject({ code: 0, stderr: [] });
    expect(result.stdout).toEqual([
      `Created ada@example.com in ${PREFIX}-people (eu-west-1_AbC123) for store 12: ` +
        "Cognito e-mails them a temporary password, to be changed at their first sign-in.",
    ]);
    const calls = cognitoMock.commandCalls(AdminCreateUserCommand);
    expect(calls).toHaveLength(1);
    expect(calls[0]!.args[0].input).toEqual({
      UserPoolId: "eu-west-1_AbC123",
      Username: "ada@example.com",
      UserAttributes: [
        { Name: "email", Value: "ada@example.com" },
        { Name: "email_verified", Value: "true" },
        { Name: "custom:store_id", Value: "12" },
      ],
      DesiredDeliveryMediums: ["EMAIL"],
    });
    expect(cognitoMock.commandCalls(ListUserPoolsCommand).map((call) => call.args[0].input)).toEqual([
      { MaxResults: 60 },
      { MaxResults: 60, NextToken: "page-2" },
    ]);
    // Nothing local was written.
    expect(new LocalUsers(authDir).list()).toEqual([]);
  });

  it("--json prints Cognito's user name and sub", async () => {
    const result = await run(["add-user", "--env", "staging", "--store", "12", "--email", "ada@example.com", "--json"]);
    expect(JSON.parse(result.stdout[0]!)).toEqual({
      storeId: 12,
      email: "ada@example.com",
      username: "7f1c2d3e-0000-4000-8000-000000000001",
      sub: "7f1c2d3e-0000-4000-8000-000000000001",
    });
  });

  it("exits 1 saying so when the user exists already, or the pool is not there", async () => {
    cognitoMock
      .on(AdminCreateUserCommand)
      .rejects(new UsernameExistsException({ message: "User account already exists", $metadata: {} }));
    const exists = await run(["add-user", "--env", "staging", "--store", "12", "--email", "ada@example.com"]);
    expect(exists.code).toBe(1);
    expect(exists.stderr).toEqual([`error: a user ada@example.com exists already in ${PREFIX}-people`]);

    cognitoMock.on(ListUserPoolsCommand).resolves({ UserPools: [] });
    const noPool = await run(["add-user", "--env", "staging", "--store", "12", "--email", "ada@example.com"]);
    expect(noPool.code).toBe(1);
    expect(noPool.stderr[0]).toMatch(
      new RegExp(`no Cognito user pool named ${PREFIX}-people .*is the environment deployed`),
    );
  });
});
