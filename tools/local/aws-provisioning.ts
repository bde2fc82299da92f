/**
 * The store command against a deployed environment: API Gateway issues and throttles the keys,
 * the private admin function (`<prefix>-admin`) records stores, key ids and key hashes in the
 * environment's database. The key is generated here, sent only to API Gateway (which must know
 * it to check it) and printed once; the admin function gets its id and SHA-256 hash.
 */
import {
  APIGatewayClient,
  CreateApiKeyCommand,
  CreateUsagePlanKeyCommand,
  DeleteApiKeyCommand,
  GetApiKeyCommand,
  GetUsagePlanKeyCommand,
  GetUsagePlansCommand,
} from "@aws-sdk/client-api-gateway";
import { InvokeCommand, LambdaClient } from "@aws-sdk/client-lambda";
import type { AdminEvent, AdminStore } from "../../functions/handlers/admin";
import { adminFunctionName, usagePlanName } from "../../shared/physical-names";
import { generateApiKey, hashApiKey } from "../../functions/stores/api-keys";
import { StoreInputError, validateNewStore, type NewStore } from "../../functions/stores/repository";

export interface AwsProvisioningOptions {
  /** Physical name prefix of the environment, e.g. `ecommerce-analytics-prod`. */
  prefix: string;
  apiGateway: Pick<APIGatewayClient, "send">;
  lambda: Pick<LambdaClient, "send">;
  generateKey?: () => string;
  now?: () => Date;
}

export interface ProvisionedKey {
  storeId: number;
  keyId: string;
  apiKey: string;
}

/**
 * Keys revoked in the database (the handlers refuse them from then on) and the API Gateway keys
 * that could not be deleted afterwards ("<id> (<reason>)"), left for a retry or the console.
 */
export interface Revoked {
  revokedKeyIds: string[];
  notDeleted: string[];
}

/**
 * Whether API Gateway would let a key through: `usable` (exists, enabled, on the environment's
 * usage plan), else why not.
 */
export type ApiKeyState = "usable" | "missing" | "disabled" | "not on the usage plan";

/** The admin function failed (not bad input): its error type and message. */
export class AdminInvocationError extends Error {}

export class AwsProvisioning {
  readonly adminFunctionName: string;
  readonly usagePlanName: string;
  private usagePlanId?: string;

  constructor(private readonly options: AwsProvisioningOptions) {
    this.adminFunctionName = adminFunctionName(options.prefix);
    this.usagePlanName = usagePlanName(options.prefix);
  }

  static forEnvironment(environment: { prefix: string; region: string }): AwsProvisioning {
    return new AwsProvisioning({
      prefix: environment.prefix,
      apiGateway: new APIGatewayClient({ region: environment.region }),
      lambda: new LambdaClient({ region: environment.region }),
    });
  }

  /** Creates the store: API key in API Gateway, attached to the usage plan, then recorded by the admin function. */
  async createStore(input: NewStore): Promise<ProvisionedKey & { store: AdminStore }> {
    validateNewStore(input);
    const issued = await this.issueKey(`${input.name.trim()}-${this.today()}`);
    try {
      const result = await this.invokeAdmin<{ storeId: number; keyId: string; store: AdminStore }>({
        action: "createStore",
        name: input.name,
        currency: input.currency,
        timezone: input.timezone,
        apiKeyId: issued.keyId,
        apiKeyHash: hashApiKey(issued.apiKey),
      });
      return { storeId: result.storeId, keyId: issued.keyId, apiKey: issued.apiKey, store: result.store };
    } catch (error) {
      await this.deleteKeyQuietly(issued.keyId);
      throw error;
    }
  }

  async listStores(): Promise<AdminStore[]> {
    return (await this.invokeAdmin<{ stores: AdminStore[] }>({ action: "listStores" })).stores;
  }

  /** A new key for the store; every other key of the store is revoked and deleted from API Gateway. */
  async rotateKey(storeId: number): Promise<ProvisionedKey & Revoked> {
    const issued = await this.issueKey(`store-${storeId}-${this.today()}`);
    let revokedKeyIds: string[];
    try {
      ({ revokedKeyIds } = await this.invokeAdmin<{ revokedKeyIds: string[] }>({
        action: "addKey",
        storeId,
        apiKeyId: issued.keyId,
        apiKeyHash: hashApiKey(issued.apiKey),
        revokeOthers: true,
      }));
    } catch (error) {
      await this.deleteKeyQuietly(issued.keyId);
      throw error;
    }
    // The new key is live and recorded: a failed cleanup must not lose it, so it is reported, not thrown.
    return {
      storeId,
      keyId: issued.keyId,
      apiKey: issued.apiKey,
      revokedKeyIds,
      notDeleted: await this.deleteKeys(revokedKeyIds),
    };
  }

  /** Revokes one key (or all of the store's) in the database, then deletes them from API Gateway. */
  async revokeKeys(storeId: number, keyId?: string): Promise<Revoked> {
    const { revokedKeyIds } = await this.invokeAdmin<{ revokedKeyIds: string[] }>({
      action: "revokeKey",
      storeId,
      ...(keyId ? { keyId } : {}),
    });
    return { revokedKeyIds, notDeleted: await this.deleteKeys(revokedKeyIds) };
  }

  /** What API Gateway knows of a key (by id; its value is not fetched). */
  async apiKeyState(keyId: string): Promise<ApiKeyState> {
    try {
      const key = await this.options.apiGateway.send(new GetApiKeyCommand({ apiKey: keyId, includeValue: false }));
      if (key.enabled !== true) return "disabled";
    } catch (error) {
      if ((error as Error)?.name === "NotFoundException") return "missing";
      throw error;
    }
    const usagePlanId = await this.findUsagePlanId();
    try {
      await this.options.apiGateway.send(new GetUsagePlanKeyCommand({ usagePlanId, keyId }));
    } catch (error) {
      if ((error as Error)?.name === "NotFoundException") return "not on the usage plan";
      throw error;
    }
    return "usable";
  }

  /**
   * Withdraws a key just issued whose holder could not keep it: revoked in the database, then
   * deleted from API Gateway. Never throws (the caller's error matters more); returns what failed.
   * The store stays, without that key.
   */
  async abandonKey(storeId: number, keyId: string): Promise<string[]> {
    const problems: string[] = [];
    try {
      await this.invokeAdmin({ action: "revokeKey", storeId, keyId });
    } catch (error) {
      problems.push(`not revoked in the database (${(error as Error)?.message ?? String(error)})`);
    }
    problems.push(...(await this.deleteKeys([keyId])).map((failed) => `not deleted from API Gateway: ${failed}`));
    return problems;
  }

  private today(): string {
    return (this.options.now?.() ?? new Date()).toISOString().slice(0, 10);
  }

  /** Creates an enabled API key with a new value and attaches it to the environment's usage plan. */
  private async issueKey(name: string): Promise<{ keyId: string; apiKey: string }> {
    const usagePlanId = await this.findUsagePlanId();
    const apiKey = (this.options.generateKey ?? generateApiKey)();
    const created = await this.options.apiGateway.send(
      new CreateApiKeyCommand({ name, value: apiKey, enabled: true, description: `${this.options.prefix} store key` }),
    );
    const keyId = created.id;
    if (!keyId) throw new Error("API Gateway created a key without an id");
    try {
      await this.options.apiGateway.send(new CreateUsagePlanKeyCommand({ usagePlanId, keyId, keyType: "API_KEY" }));
    } catch (error) {
      await this.deleteKeyQuietly(keyId);
      throw error;
    }
    return { keyId, apiKey };
  }

  private async findUsagePlanId(): Promise<string> {
    if (this.usagePlanId) return this.usagePlanId;
    let position: string | undefined;
    do {
      const page = await this.options.apiGateway.send(new GetUsagePlansCommand({ position, limit: 500 }));
      const plan = page.items?.find((p) => p.name === this.usagePlanName);
      if (plan?.id) return (this.usagePlanId = plan.id);
      position = page.position;
    } while (position);
    throw new Error(`no usage plan named ${this.usagePlanName}: is the api stack of this environment deployed?`);
  }

  /**
   * Deletes keys from API Gateway (which also detaches them from the usage plan); returns those it could not delete.
   */
  private async deleteKeys(keyIds: readonly string[]): Promise<string[]> {
    const failed: string[] = [];
    for (const keyId of keyIds) {
      try {
        await this.options.apiGateway.send(new DeleteApiKeyCommand({ apiKey: keyId }));
      } catch (error) {
        if ((error as Error)?.name !== "NotFoundException")
          failed.push(`${keyId} (${(error as Error)?.message ?? String(error)})`);
      }
    }
    return failed;
  }

  private async deleteKeyQuietly(keyId: string): Promise<void> {
    try {
      await this.options.apiGateway.send(new DeleteApiKeyCommand({ apiKey: keyId }));
    } catch {
      // the original error matters more; an orphaned key is recorded nowhere and is harmless
    }
  }

  private async invokeAdmin<T>(event: AdminEvent): Promise<T> {
    const out = await this.options.lambda.send(
      new InvokeCommand({
        FunctionName: this.adminFunctionName,
        InvocationType: "RequestResponse",
        Payload: new TextEncoder().encode(JSON.stringify(event)),
      }),
    );
    const text = out.Payload ? new TextDecoder().decode(out.Payload) : "null";
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      throw new AdminInvocationError(
        `${this.adminFunctionName} answered something that is not JSON: ${text.slice(0, 200)}`,
      );
    }
    if (out.FunctionError) {
      const error = body as { errorType?: string; errorMessage?: string } | null;
      throw new AdminInvocationError(
        `${this.adminFunctionName} failed: ${error?.errorType ?? out.FunctionError}: ${error?.errorMessage ?? text}`,
      );
    }
    const answer = body as { error?: { field: string; message: string } } | null;
    if (answer?.error) throw new StoreInputError(answer.error.field, answer.error.message);
    return body as T;
  }
}
