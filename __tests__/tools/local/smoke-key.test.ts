import {
  APIGatewayClient,
  CreateApiKeyCommand,
  CreateUsagePlanKeyCommand,
  DeleteApiKeyCommand,
  GetApiKeyCommand,
  GetUsagePlanKeyCommand,
  GetUsagePlansCommand,
  NotFoundException,
} from "@aws-sdk/client-api-gateway";
import { InvokeCommand, LambdaClient } from "@aws-sdk/client-lambda";
import {
  DescribeSecretCommand,
  GetSecretValueCommand,
  PutSecretValueCommand,
  ResourceNotFoundException,
  SecretsManagerClient,
} from "@aws-sdk/client-secrets-manager";
import { mockClient } from "aws-sdk-client-mock";
import { adminFunctionError, adminPayload, sentAdminEvents } from "./admin-invocations";
import type { AdminEvent } from "../../../functions/handlers/admin";
import { AwsProvisioning } from "../../../tools/local/aws-provisioning";
import { ensureSmokeKey, parseStoredKey, SMOKE_STORE } from "../../../tools/local/smoke-key";
import { parseStoreArgs, runStoreCli, UsageError } from "../../../tools/local/store-cli";
import { hashApiKey } from "../../../functions/stores/api-keys";

/**
 * The deploy's smoke-test key (`npm run -s store -- smoke-key --env <env>`) with API Gateway,
 * Lambda (the admin function) and Secrets Manager mocked: no account is touched.
 */
const apiGatewayMock = mockClient(APIGatewayClient);
const lambdaMock = mockClient(LambdaClient);
const secretsMock = mockClient(SecretsManagerClient);

const PREFIX = "ecommerce-analytics-dev";
const SECRET = `arn:aws:secretsmanager:eu-west-1:111122223333:secret:${PREFIX}-smoke-test-AbCdEf`;
const OLD_KEY = "eak_0000000000000000000000000000000000000000000000aa";
const NEW_KEY = "eak_1111111111111111111111111111111111111111111111bb";
const stored = { storeId: 3, keyId: "apikey-old", apiKey: OLD_KEY };
const smokeStore = (id: number, activeKeys = 1) => ({
  id,
  name: "smoke-test",
  currency: "USD",
  timezone: "UTC",
  createdAt: "2026-12-01T00:00:00.000Z",
  activeKeys,
});

const payload = adminPayload;
const sentEvents = () => sentAdminEvents(lambdaMock);
const notFound = () => new NotFoundException({ message: "Invalid API Key identifier specified", $metadata: {} });
const noSecretValue = () =>
  new ResourceNotFoundException({
    message: "Secrets Manager can't find the specified secret value for staging label: AWSCURRENT",
    $metadata: {},
  });
const noSecret = () =>
  new ResourceNotFoundException({ message: "Secrets Manager can't find the specified secret.", $metadata: {} });

/** The admin function: lists the given stores, creates store 9, revokes what it is asked to. */
function adminAnswers(stores: unknown[]) {
  lambdaMock.on(InvokeCommand).callsFake((input: { Payload: Uint8Array }) => {
    const event = JSON.parse(new TextDecoder().decode(input.Payload)) as AdminEvent;
    switch (event.action) {
      case "listStores":
        return payload({ stores });
      case "createStore":
        return payload({
          storeId: 9,
          keyId: event.apiKeyId,
          store: { ...smokeStore(9), createdAt: "2026-12-06T00:00:00.000Z" },
        });
      case "revokeKey":
        return payload({ storeId: event.storeId, revokedKeyIds: event.keyId ? [event.keyId] : [] });
      default:
        return adminFunctionError(`unexpected ${event.action}`);
    }
  });
}

function provisioning(): AwsProvisioning {
  return new AwsProvisioning({
    prefix: PREFIX,
    apiGateway: new APIGatewayClient({ region: "eu-west-1" }),
    lambda: new LambdaClient({ region: "eu-west-1" }),
    generateKey: () => NEW_KEY,
    now: () => new Date("2026-12-06T10:00:00Z"),
  });
}

let logged: string[];
const ensure = () =>
  ensureSmokeKey({
    provisioning: provisioning(),
    secrets: new SecretsManagerClient({ region: "eu-west-1" }),
    secretId: SECRET,
    log: (line) => logged.push(line),
  });
const putValues = () => secretsMock.commandCalls(PutSecretValueCommand).map((c) => c.args[0].input);

beforeEach(() => {
  apiGatewayMock.reset();
  lambdaMock.reset();
  secretsMock.reset();
  logged = [];
  apiGatewayMock.on(GetUsagePlansCommand).resolves({ items: [{ id: "plan-dev", name: `${PREFIX}-usage-plan` }] });
  apiGatewayMock.on(CreateApiKeyCommand).resolves({ id: "apikey-new", enabled: true });
  apiGatewayMock.on(CreateUsagePlanKeyCommand).resolves({ id: "apikey-new" });
  apiGatewayMock.on(DeleteApiKeyCommand).resolves({});
  apiGatewayMock.on(GetApiKeyCommand).resolves({ id: "apikey-old", enabled: true });
  apiGatewayMock.on(GetUsagePlanKeyCommand).resolves({ id: "apikey-old", type: "API_KEY" });
  secretsMock.on(DescribeSecretCommand).resolves({ ARN: SECRET, Name: `${PREFIX}-smoke-test` });
  secretsMock.on(PutSecretValueCommand).resolves({ ARN: SECRET, VersionId: "v2" });
  adminAnswers([smokeStore(3)]);
});

afterEach(() => {
  // Whatever happened, the key never reached a log line.
  for (const line of logged) {
    expect(line).not.toContain(OLD_KEY);
    expect(line).not.toContain(NEW_KEY);
  }
});

describe("ensureSmokeKey", () => {
  it("first deploy (secret has no value): creates the smoke-test store via provisioning, stores its key", async () => {
    secretsMock.on(GetSecretValueCommand).rejects(noSecretValue());
    const key = await ensure();
    expect(key).toEqual({ storeId: 9, keyId: "apikey-new", apiKey: NEW_KEY, created: true });

    // API key created with the new value and attached to the environment's plan, recorded by the admin function.
    expect(apiGatewayMock.commandCalls(CreateApiKeyCommand)[0]!.args[0].input).toMatchObject({
      name: "smoke-test-2026-12-06",
      value: NEW_KEY,
      enabled: true,
    });
    expect(apiGatewayMock.commandCalls(CreateUsagePlanKeyCommand)[0]!.args[0].input).toEqual({
      usagePlanId: "plan-dev",
      keyId: "apikey-new",
      keyType: "API_KEY",
    });
    expect(sentEvents()).toEqual([
      { action: "createStore", ...SMOKE_STORE, apiKeyId: "apikey-new", apiKeyHash: hashApiKey(NEW_KEY) },
    ]);
    expect(SMOKE_STORE).toEqual({ name: "smoke-test", currency: "USD", timezone: "UTC" });

    expect(putValues()).toEqual([
      { SecretId: SECRET, SecretString: JSON.stringify({ storeId: 9, keyId: "apikey-new", apiKey: NEW_KEY }) },
    ]);
    expect(logged.join("\n")).toMatch(
      /holds no smoke-test key yet[\s\S]*smoke-test store 9: created with key apikey-new/,
    );
  });

  it("an existing key that still works is reused: nothing is created or written", async () => {
    secretsMock.on(GetSecretValueCommand).resolves({ SecretString: JSON.stringify(stored) });
    const key = await ensure();
    expect(key).toEqual({ ...stored, created: false });
    expect(secretsMock.commandCalls(GetSecretValueCommand)[0]!.args[0].input).toEqual({ SecretId: SECRET });
    expect(apiGatewayMock.commandCalls(GetApiKeyCommand)[0]!.args[0].input).toEqual({
      apiKey: "apikey-old",
      includeValue: false,
    });
    expect(apiGatewayMock.commandCalls(GetUsagePlanKeyCommand)[0]!.args[0].input).toEqual({
      usagePlanId: "plan-dev",
      keyId: "apikey-old",
    });
    expect(apiGatewayMock.commandCalls(CreateApiKeyCommand)).toHaveLength(0);
    expect(sentEvents()).toEqual([{ action: "listStores" }]);
    expect(putValues()).toEqual([]);
    expect(logged).toEqual([`smoke-test store 3: reusing key apikey-old from ${SECRET}`]);
  });

  it.each<[string, () => void, RegExp]>([
    [
      "deleted from API Gateway",
      () => apiGatewayMock.on(GetApiKeyCommand).rejects(notFound()),
      /key apikey-old no longer exists in API Gateway/,
    ],
    [
      "disabled in API Gateway",
      () => apiGatewayMock.on(GetApiKeyCommand).resolves({ id: "apikey-old", enabled: false }),
      /key apikey-old is disabled in API Gateway/,
    ],
    [
      "no longer on the usage plan (a re-created api stack)",
      () => apiGatewayMock.on(GetUsagePlanKeyCommand).rejects(notFound()),
      /is not on the usage plan in API Gateway/,
    ],
    [
      "unknown to the database (a re-created database)",
      () => adminAnswers([]),
      /belongs to no smoke-test store in the database/,
    ],
    [
      "whose store id names another store in the database",
      () => adminAnswers([{ ...smokeStore(3), name: "Acme" }]),
      /belongs to no smoke-test store/,
    ],
    ["revoked in the database", () => adminAnswers([smokeStore(3, 0)]), /is revoked in the database/],
  ])("a stored key %s is replaced by a new smoke-test store's key", async (_what, arrange, reason) => {
    secretsMock.on(GetSecretValueCommand).resolves({ SecretString: JSON.stringify(stored) });
    arrange();
    const key = await ensure();
    expect(key).toEqual({ storeId: 9, keyId: "apikey-new", apiKey: NEW_KEY, created: true });
    expect(apiGatewayMock.commandCalls(CreateApiKeyCommand)).toHaveLength(1);
    expect(putValues()).toEqual([
      { SecretId: SECRET, SecretString: JSON.stringify({ storeId: 9, keyId: "apikey-new", apiKey: NEW_KEY }) },
    ]);
    expect(logged.join("\n")).toMatch(reason);
    // The old store is never rotated (its id might name another store by now), the old key never deleted.
    expect(sentEvents().map((e) => e.action)).not.toContain("addKey");
    expect(apiGatewayMock.commandCalls(DeleteApiKeyCommand)).toHaveLength(0);
  });

  it.each([
    ["not JSON", "{oops"],
    ["a JSON without the key", JSON.stringify({ storeId: 3 })],
    ["a key over two lines", JSON.stringify({ ...stored, apiKey: "eak_a\neak_b" })],
  ])("a secret holding %s is overwritten with a new key", async (_what, text) => {
    secretsMock.on(GetSecretValueCommand).resolves({ SecretString: text });
    expect((await ensure()).created).toBe(true);
    expect(apiGatewayMock.commandCalls(GetApiKeyCommand)).toHaveLength(0);
    expect(putValues()).toHaveLength(1);
    expect(logged[0]).toMatch(/holds no well-formed smoke-test key/);
  });

  it("a failure to store the new key rolls it back: revoked in the database and deleted from API Gateway", async () => {
    secretsMock.on(GetSecretValueCommand).rejects(noSecretValue());
    secretsMock
      .on(PutSecretValueCommand)
      .rejects(new Error("AccessDeniedException: not authorized to perform secretsmanager:PutSecretValue"));
    const error = (await ensure().catch((e: unknown) => e)) as Error;
    expect(error.message).toMatch(/could not write the smoke-test key to .*smoke-test.*AccessDeniedException/);
    expect(error.message).toMatch(
      /The new key apikey-new was revoked and deleted again; store 9 is left without a key/,
    );
    expect(error.message).not.toContain(NEW_KEY);
    expect(sentEvents()).toEqual([
      expect.objectContaining({ action: "createStore" }),
      { action: "revokeKey", storeId: 9, keyId: "apikey-new" },
    ]);
    expect(apiGatewayMock.commandCalls(DeleteApiKeyCommand).map((c) => c.args[0].input)).toEqual([
      { apiKey: "apikey-new" },
    ]);
  });

  it("says what could not be rolled back, still without the key", async () => {
    secretsMock.on(GetSecretValueCommand).rejects(noSecretValue());
    secretsMock.on(PutSecretValueCommand).rejects(new Error("throttled"));
    apiGatewayMock.on(DeleteApiKeyCommand).rejects(new Error("TooManyRequests"));
    const error = (await ensure().catch((e: unknown) => e)) as Error;
    expect(error.message).toMatch(
      /apikey-new could not be fully withdrawn: not deleted from API Gateway: apikey-new \(TooManyRequests\)/,
    );
    expect(error.message).not.toContain(NEW_KEY);
  });

  it("a failure midway through provisioning rolls the API key back and writes nothing", async () => {
    secretsMock.on(GetSecretValueCommand).rejects(noSecretValue());
    lambdaMock.on(InvokeCommand).resolves(adminFunctionError("connect ETIMEDOUT"));
    await expect(ensure()).rejects.toThrow(/ecommerce-analytics-dev-admin failed: Error: connect ETIMEDOUT/);
    expect(apiGatewayMock.commandCalls(DeleteApiKeyCommand).map((c) => c.args[0].input)).toEqual([
      { apiKey: "apikey-new" },
    ]);
    expect(putValues()).toEqual([]);
  });

  it("refuses to provision anything when the secret does not exist (api stack not deployed)", async () => {
    secretsMock.on(GetSecretValueCommand).rejects(noSecret());
    secretsMock.on(DescribeSecretCommand).rejects(noSecret());
    await expect(ensure()).rejects.toThrow(`no secret ${SECRET}: the api stack creates it`);
    expect(apiGatewayMock.commandCalls(CreateApiKeyCommand)).toHaveLength(0);
    expect(lambdaMock.calls()).toHaveLength(0);
  });

  it("does not guess on other Secrets Manager errors", async () => {
    secretsMock.on(GetSecretValueCommand).rejects(new Error("AccessDeniedException"));
    await expect(ensure()).rejects.toThrow("AccessDeniedException");
    expect(apiGatewayMock.commandCalls(CreateApiKeyCommand)).toHaveLength(0);
  });

  it("parses only a well-formed stored key", () => {
    expect(parseStoredKey(JSON.stringify(stored))).toEqual(stored);
    expect(parseStoredKey(undefined)).toBeUndefined();
    expect(parseStoredKey("null")).toBeUndefined();
    expect(parseStoredKey(JSON.stringify({ ...stored, storeId: "3" }))).toBeUndefined();
    expect(parseStoredKey(JSON.stringify({ ...stored, storeId: 0 }))).toBeUndefined();
    expect(parseStoredKey(JSON.stringify({ ...stored, keyId: "" }))).toBeUndefined();
    expect(parseStoredKey(JSON.stringify({ ...stored, apiKey: "eak with space" }))).toBeUndefined();
  });
});

describe("npm run -s store -- smoke-key --env", () => {
  async function run(...argv: string[]) {
    const stdout: string[] = [];
    const stderr: string[] = [];
    const environments: string[] = [];
    const code = await runStoreCli(argv, {
      stdout: (line) => stdout.push(line),
      stderr: (line) => stderr.push(line),
      aws: (env) => {
        environments.push(env);
        return provisioning();
      },
      secrets: (env) => {
        environments.push(env);
        return new SecretsManagerClient({ region: "eu-west-1" });
      },
    });
    return { code, stdout, stderr, environments };
  }

  it("prints the key alone on stdout (for the workflow to mask), the story on stderr without it", async () => {
    secretsMock.on(GetSecretValueCommand).rejects(noSecretValue());
    const result = await run("smoke-key", "--env", "dev", "--secret", SECRET);
    expect(result.code).toBe(0);
    expect(result.stdout).toEqual([NEW_KEY]);
    expect(result.environments).toEqual(["dev", "dev"]);
    expect(result.stderr.join("\n")).toContain("smoke-test store 9: created with key apikey-new");
    expect(result.stderr.join("\n")).not.toContain(NEW_KEY);
    expect(secretsMock.commandCalls(GetSecretValueCommand)[0]!.args[0].input).toEqual({ SecretId: SECRET });
  });

  it("defaults to the secret named <prefix>-smoke-test; --json prints the ids too", async () => {
    secretsMock.on(GetSecretValueCommand).resolves({ SecretString: JSON.stringify(stored) });
    const result = await run("smoke-key", "--env", "dev", "--json");
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout[0]!)).toEqual({ ...stored, created: false });
    expect(secretsMock.commandCalls(GetSecretValueCommand)[0]!.args[0].input).toEqual({
      SecretId: "ecommerce-analytics-dev-smoke-test",
    });
  });

  it("exits 1 with the reason on stderr and nothing on stdout when it fails", async () => {
    secretsMock.on(GetSecretValueCommand).rejects(noSecretValue());
    secretsMock.on(PutSecretValueCommand).rejects(new Error("AccessDeniedException"));
    const result = await run("smoke-key", "--env", "staging");
    expect(result.code).toBe(1);
    expect(result.stdout).toEqual([]);
    expect(result.stderr.join("\n")).toMatch(
      /error: could not write the smoke-test key to ecommerce-analytics-staging-smoke-test: AccessDeniedException/,
    );
    expect(result.stderr.join("\n")).not.toContain(NEW_KEY);
  });

  it("parses smoke-key, which works on a deployed environment only", () => {
    expect(parseStoreArgs(["smoke-key", "--env", "prod"])).toEqual({ command: "smoke-key", env: "prod", json: false });
    expect(parseStoreArgs(["smoke-key", "--env=dev", "--secret", SECRET, "--json"])).toEqual({
      command: "smoke-key",
      env: "dev",
      secretId: SECRET,
      json: true,
    });
    expect(() => parseStoreArgs(["smoke-key"])).toThrow(new UsageError("smoke-key needs --env"));
    expect(() => parseStoreArgs(["smoke-key", "--env", "dev", "--name", "x"])).toThrow(
      "--name is not an option of smoke-key",
    );
  });
});
