import {
  APIGatewayClient,
  CreateApiKeyCommand,
  CreateUsagePlanKeyCommand,
  DeleteApiKeyCommand,
  GetUsagePlansCommand,
  NotFoundException,
} from "@aws-sdk/client-api-gateway";
import { InvokeCommand, LambdaClient } from "@aws-sdk/client-lambda";
import { mockClient } from "aws-sdk-client-mock";
import { adminFunctionError, adminPayload, sentAdminEvents } from "./admin-invocations";
import { AdminInvocationError, AwsProvisioning } from "../../../tools/local/aws-provisioning";
import { runStoreCli } from "../../../tools/local/store-cli";
import { hashApiKey } from "../../../functions/stores/api-keys";
import { StoreInputError } from "../../../functions/stores/repository";

/** The store command's AWS side with API Gateway and Lambda mocked: no account is touched. */
const apiGatewayMock = mockClient(APIGatewayClient);
const lambdaMock = mockClient(LambdaClient);

const PREFIX = "ecommerce-analytics-prod";
const KEY = "eak_0123456789abcdef0123456789abcdef0123456789abcdef";

function provisioning(): AwsProvisioning {
  return new AwsProvisioning({
    prefix: PREFIX,
    apiGateway: new APIGatewayClient({ region: "eu-west-1" }),
    lambda: new LambdaClient({ region: "eu-west-1" }),
    generateKey: () => KEY,
    now: () => new Date("2026-11-24T10:00:00Z"),
  });
}

const payload = adminPayload;
const sentEvents = () => sentAdminEvents(lambdaMock);
const store = {
  id: 7,
  name: "Acme",
  currency: "EUR",
  timezone: "Europe/Berlin",
  createdAt: "2026-11-24T10:00:00.000Z",
  activeKeys: 1,
};

beforeEach(() => {
  apiGatewayMock.reset();
  lambdaMock.reset();
  // The plan is on the second page, as in an account with many plans.
  apiGatewayMock
    .on(GetUsagePlansCommand)
    .resolves({ items: [{ id: "other", name: "ecommerce-analytics-dev-usage-plan" }], position: "page-2" })
    .on(GetUsagePlansCommand, { position: "page-2" })
    .resolves({ items: [{ id: "plan-prod", name: `${PREFIX}-usage-plan` }] });
  apiGatewayMock.on(CreateApiKeyCommand).resolves({ id: "apikey-new", name: "x", enabled: true });
  apiGatewayMock.on(CreateUsagePlanKeyCommand).resolves({ id: "apikey-new" });
  apiGatewayMock.on(DeleteApiKeyCommand).resolves({});
});

describe("AwsProvisioning.createStore", () => {
  it("creates the key in API Gateway, adds it to the usage plan, records id + hash via admin function", async () => {
    lambdaMock.on(InvokeCommand).resolves(payload({ storeId: 7, keyId: "apikey-new", store }));
    const result = await provisioning().createStore({ name: "Acme", currency: "EUR", timezone: "Europe/Berlin" });
    expect(result).toEqual({ storeId: 7, keyId: "apikey-new", apiKey: KEY, store });

    const created = apiGatewayMock.commandCalls(CreateApiKeyCommand);
    expect(created).toHaveLength(1);
    expect(created[0]!.args[0].input).toMatchObject({ name: "Acme-2026-11-24", value: KEY, enabled: true });
    expect(apiGatewayMock.commandCalls(CreateUsagePlanKeyCommand)[0]!.args[0].input).toEqual({
      usagePlanId: "plan-prod",
      keyId: "apikey-new",
      keyType: "API_KEY",
    });

    const invokes = lambdaMock.commandCalls(InvokeCommand);
    expect(invokes).toHaveLength(1);
    expect(invokes[0]!.args[0].input).toMatchObject({
      FunctionName: `${PREFIX}-admin`,
      InvocationType: "RequestResponse",
    });
    expect(sentEvents()).toEqual([
      {
        action: "createStore",
        name: "Acme",
        currency: "EUR",
        timezone: "Europe/Berlin",
        apiKeyId: "apikey-new",
        apiKeyHash: hashApiKey(KEY),
      },
    ]);
    expect(apiGatewayMock.commandCalls(DeleteApiKeyCommand)).toHaveLength(0);
  });

  it("never sends the key itself to the admin function", async () => {
    lambdaMock.on(InvokeCommand).resolves(payload({ storeId: 7, keyId: "apikey-new", store }));
    await provisioning().createStore({ name: "Acme", currency: "EUR", timezone: "Europe/Berlin" });
    for (const call of lambdaMock.commandCalls(InvokeCommand)) {
      expect(new TextDecoder().decode(call.args[0].input.Payload as Uint8Array)).not.toContain(KEY);
    }
  });

  it("rolls the API key back when the admin function fails", async () => {
    lambdaMock.on(InvokeCommand).resolves(adminFunctionError("connect ETIMEDOUT"));
    await expect(
      provisioning().createStore({ name: "Acme", currency: "EUR", timezone: "Europe/Berlin" }),
    ).rejects.toThrow(AdminInvocationError);
    expect(apiGatewayMock.commandCalls(DeleteApiKeyCommand).map((c) => c.args[0].input)).toEqual([
      { apiKey: "apikey-new" },
    ]);
  });

  it("rolls the API key back when the admin function refuses the input, and surfaces the field", async () => {
    lambdaMock
      .on(InvokeCommand)
      .resolves(payload({ error: { field: "timezone", message: "Mars/Olympus is not an IANA time zone" } }));
    const error = await provisioning()
      .createStore({ name: "Acme", currency: "EUR", timezone: "Europe/Berlin" })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StoreInputError);
    expect((error as StoreInputError).field).toBe("timezone");
    expect(apiGatewayMock.commandCalls(DeleteApiKeyCommand)).toHaveLength(1);
  });

  it("rolls the API key back if adding it to the usage plan fails, without invoking the admin function", async () => {
    apiGatewayMock.on(CreateUsagePlanKeyCommand).rejects(new Error("TooManyRequests"));
    await expect(
      provisioning().createStore({ name: "Acme", currency: "EUR", timezone: "Europe/Berlin" }),
    ).rejects.toThrow(/TooManyRequests/);
    expect(apiGatewayMock.commandCalls(DeleteApiKeyCommand).map((c) => c.args[0].input)).toEqual([
      { apiKey: "apikey-new" },
    ]);
    expect(lambdaMock.commandCalls(InvokeCommand)).toHaveLength(0);
  });

  it("checks the input before touching AWS", async () => {
    await expect(provisioning().createStore({ name: "Acme", currency: "XYZ1", timezone: "UTC" })).rejects.toThrow(
      StoreInputError,
    );
    expect(apiGatewayMock.calls()).toHaveLength(0);
    expect(lambdaMock.calls()).toHaveLength(0);
  });

  it("says which usage plan is missing when the api stack is not deployed", async () => {
    apiGatewayMock.on(GetUsagePlansCommand).resolves({ items: [] });
    await expect(provisioning().createStore({ name: "Acme", currency: "EUR", timezone: "UTC" })).rejects.toThrow(
      /no usage plan named ecommerce-analytics-prod-usage-plan/,
    );
    expect(apiGatewayMock.commandCalls(CreateApiKeyCommand)).toHaveLength(0);
  });
});

describe("AwsProvisioning key rotation, revocation and listing", () => {
  it("rotate: a new key recorded with revokeOthers, then the revoked keys are deleted from API Gateway", async () => {
    lambdaMock
      .on(InvokeCommand)
      .resolves(payload({ storeId: 7, keyId: "apikey-new", revokedKeyIds: ["apikey-old1", "apikey-old2"] }));
    const result = await provisioning().rotateKey(7);
    expect(result).toEqual({
      storeId: 7,
      keyId: "apikey-new",
      apiKey: KEY,
      revokedKeyIds: ["apikey-old1", "apikey-old2"],
      notDeleted: [],
    });
    expect(apiGatewayMock.commandCalls(CreateApiKeyCommand)[0]!.args[0].input).toMatchObject({
      name: "store-7-2026-11-24",
      value: KEY,
      enabled: true,
    });
    expect(sentEvents()).toEqual([
      { action: "addKey", storeId: 7, apiKeyId: "apikey-new", apiKeyHash: hashApiKey(KEY), revokeOthers: true },
    ]);
    expect(apiGatewayMock.commandCalls(DeleteApiKeyCommand).map((c) => c.args[0].input.apiKey)).toEqual([
      "apikey-old1",
      "apikey-old2",
    ]);
  });

  it("rotate: keeps (and returns) the new key if deleting an old one fails; rolls back if no such store", async () => {
    lambdaMock.on(InvokeCommand).resolves(payload({ storeId: 7, keyId: "apikey-new", revokedKeyIds: ["apikey-old1"] }));
    apiGatewayMock.on(DeleteApiKeyCommand, { apiKey: "apikey-old1" }).rejects(new Error("throttled"));
    const kept = await provisioning().rotateKey(7);
    expect(kept.apiKey).toBe(KEY);
    expect(kept.notDeleted).toEqual(["apikey-old1 (throttled)"]);

    apiGatewayMock.resetHistory();
    lambdaMock.on(InvokeCommand).resolves(payload({ error: { field: "storeId", message: "no store 99" } }));
    await expect(provisioning().rotateKey(99)).rejects.toThrow(StoreInputError);
    expect(apiGatewayMock.commandCalls(DeleteApiKeyCommand).map((c) => c.args[0].input.apiKey)).toEqual(["apikey-new"]);
  });

  it("revoke: records the revocation first, then deletes the keys, ignoring keys already gone", async () => {
    lambdaMock.on(InvokeCommand).resolves(payload({ storeId: 7, revokedKeyIds: ["apikey-a", "apikey-b"] }));
    apiGatewayMock
      .on(DeleteApiKeyCommand, { apiKey: "apikey-a" })
      .rejects(new NotFoundException({ message: "gone", $metadata: {} }));
    expect(await provisioning().revokeKeys(7)).toEqual({ revokedKeyIds: ["apikey-a", "apikey-b"], notDeleted: [] });
    expect(sentEvents()).toEqual([{ action: "revokeKey", storeId: 7 }]);

    lambdaMock.reset();
    lambdaMock.on(InvokeCommand).resolves(payload({ storeId: 7, revokedKeyIds: [] }));
    await provisioning().revokeKeys(7, "apikey-z");
    expect(sentEvents()).toEqual([{ action: "revokeKey", storeId: 7, keyId: "apikey-z" }]);
  });

  it("list: asks the admin function", async () => {
    lambdaMock.on(InvokeCommand).resolves(payload({ stores: [store] }));
    expect(await provisioning().listStores()).toEqual([store]);
    expect(sentEvents()).toEqual([{ action: "listStores" }]);
    expect(apiGatewayMock.calls()).toHaveLength(0);
  });
});

describe("npm run store -- ... --env", () => {
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
    });
    return { code, stdout, stderr, environments };
  }

  it("create --env prod --json prints the store id and the key once, as locally", async () => {
    lambdaMock.on(InvokeCommand).resolves(payload({ storeId: 7, keyId: "apikey-new", store }));
    const result = await run(
      "create",
      "--env",
      "prod",
      "--name",
      "Acme",
      "--currency",
      "EUR",
      "--timezone",
      "Europe/Berlin",
      "--json",
    );
    expect(result).toMatchObject({ code: 0, environments: ["prod"], stderr: [] });
    expect(result.stdout).toHaveLength(1);
    expect(JSON.parse(result.stdout[0]!)).toEqual({ storeId: 7, apiKey: KEY, keyId: "apikey-new" });
  });

  it("exits 2 naming the flag when the admin function refuses the input, 1 when it fails", async () => {
    lambdaMock.on(InvokeCommand).resolves(payload({ error: { field: "storeId", message: "no store 99" } }));
    const refused = await run("rotate-key", "--env", "dev", "--store", "99");
    expect(refused.code).toBe(2);
    expect(refused.stderr.join("\n")).toMatch(/--store: no store 99/);

    lambdaMock.on(InvokeCommand).resolves(adminFunctionError("boom"));
    const failed = await run("list", "--env", "staging");
    expect(failed.code).toBe(1);
    expect(failed.stderr.join("\n")).toMatch(/ecommerce-analytics-prod-admin failed: Error: boom/);
  });

  it("revoke-key --env warns about keys API Gateway kept, and exits 2 for an unknown --key-id", async () => {
    lambdaMock.on(InvokeCommand).resolves(payload({ storeId: 7, revokedKeyIds: ["apikey-a"] }));
    apiGatewayMock.on(DeleteApiKeyCommand).rejects(new Error("AccessDenied"));
    const warned = await run("revoke-key", "--env", "prod", "--store", "7");
    expect(warned.code).toBe(0);
    expect(warned.stdout).toEqual(["Revoked 1 key(s) of store 7."]);
    expect(warned.stderr.join("\n")).toMatch(/apikey-a \(AccessDenied\)/);

    lambdaMock.on(InvokeCommand).resolves(payload({ storeId: 7, revokedKeyIds: [] }));
    const unknown = await run("revoke-key", "--env", "prod", "--store", "7", "--key-id", "nope");
    expect(unknown.code).toBe(2);
    expect(unknown.stderr.join("\n")).toMatch(/--key-id: store 7 has no active key with the id nope/);
  });
});
