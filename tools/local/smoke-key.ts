/**
 * The deploy workflow's smoke-test key (`npm run -s store -- smoke-key --env <env>`): an API key
 * of a store made for smoke tests, kept in the secret `<prefix>-smoke-test` that the api stack
 * creates without a value (stacks/constructs/api/smoke-secret.ts).
 *
 * The secret holds `{"storeId", "keyId", "apiKey"}`. The stored key is reused while it would still
 * work: API Gateway has it, enabled and on the usage plan, and the database still knows its store
 * as the smoke-test store with an active key. Otherwise (a first deploy, or a key deleted,
 * disabled or detached since, or a database re-created) a new store "smoke-test" (USD, UTC) is
 * provisioned the way `store create --env` does (aws-provisioning.ts) and written to the secret.
 * Should the secret not take it, the new key is revoked and deleted again.
 *
 * A stale smoke-test store is never given a new key: its id, read from the secret, could by then
 * name another store (a re-created database), and rotating would revoke that store's keys.
 *
 * Nothing here logs the key: `log` gets store and key ids only.
 */
import {
  DescribeSecretCommand,
  GetSecretValueCommand,
  PutSecretValueCommand,
  type SecretsManagerClient,
} from "@aws-sdk/client-secrets-manager";
import type { AwsProvisioning, ProvisionedKey } from "./aws-provisioning";

/** The store the pipeline makes for its smoke tests. */
export const SMOKE_STORE = { name: "smoke-test", currency: "USD", timezone: "UTC" } as const;

export interface SmokeKey extends ProvisionedKey {
  /** True when this run provisioned the store and key; false when the stored key was reused. */
  created: boolean;
}

export interface SmokeKeyOptions {
  provisioning: Pick<AwsProvisioning, "apiKeyState" | "listStores" | "createStore" | "abandonKey">;
  secrets: Pick<SecretsManagerClient, "send">;
  /** The secret's ARN (the api stack's `smoke_secret_arn` output) or name (`<prefix>-smoke-test`). */
  secretId: string;
  /** Progress for people (stderr); never receives the key. */
  log?: (line: string) => void;
}

/** Returns the smoke-test store's key: the stored one while it works, else a newly provisioned one. */
export async function ensureSmokeKey(options: SmokeKeyOptions): Promise<SmokeKey> {
  const { provisioning, secrets, secretId } = options;
  const log = options.log ?? (() => undefined);

  const stored = await readStoredKey(options);
  if (stored) {
    const problem = await whyNotUsable(provisioning, stored);
    if (!problem) {
      log(`smoke-test store ${stored.storeId}: reusing key ${stored.keyId} from ${secretId}`);
      return { ...stored, created: false };
    }
    log(`smoke-test store ${stored.storeId}: key ${stored.keyId} ${problem}; provisioning a new smoke-test store`);
  }

  const made = await provisioning.createStore({ ...SMOKE_STORE });
  const key: ProvisionedKey = { storeId: made.storeId, keyId: made.keyId, apiKey: made.apiKey };
  try {
    await secrets.send(new PutSecretValueCommand({ SecretId: secretId, SecretString: JSON.stringify(key) }));
  } catch (error) {
    const problems = await provisioning.abandonKey(key.storeId, key.keyId);
    const undone =
      problems.length === 0 ? "was revoked and deleted again" : `could not be fully withdrawn: ${problems.join("; ")}`;
    throw new Error(
      `could not write the smoke-test key to ${secretId}: ${(error as Error)?.message ?? String(error)}. ` +
        `The new key ${key.keyId} ${undone}; store ${key.storeId} is left without a key.`,
      { cause: error },
    );
  }
  log(`smoke-test store ${key.storeId}: created with key ${key.keyId}, stored in ${secretId}`);
  return { ...key, created: true };
}

/** Why a stored key would not work now (undefined: it would). */
async function whyNotUsable(
  provisioning: SmokeKeyOptions["provisioning"],
  stored: ProvisionedKey,
): Promise<string | undefined> {
  const state = await provisioning.apiKeyState(stored.keyId);
  if (state !== "usable") return state === "missing" ? "no longer exists in API Gateway" : `is ${state} in API Gateway`;
  const store = (await provisioning.listStores()).find((s) => s.id === stored.storeId);
  if (!store || store.name !== SMOKE_STORE.name) return "belongs to no smoke-test store in the database";
  if (store.activeKeys < 1) return "is revoked in the database";
  return undefined;
}

/** The secret's key, if it holds a well-formed one; undefined when it has no value yet. */
async function readStoredKey({ secrets, secretId, log }: SmokeKeyOptions): Promise<ProvisionedKey | undefined> {
  let text: string | undefined;
  try {
    text = (await secrets.send(new GetSecretValueCommand({ SecretId: secretId }))).SecretString;
  } catch (error) {
    if ((error as Error)?.name !== "ResourceNotFoundException") throw error;
    // A secret without a value answers like a missing secret: tell them apart.
    try {
      await secrets.send(new DescribeSecretCommand({ SecretId: secretId }));
    } catch (describeError) {
      if ((describeError as Error)?.name === "ResourceNotFoundException") {
        throw new Error(`no secret ${secretId}: the api stack creates it (is api-<env> deployed?)`, {
          cause: describeError,
        });
      }
      throw describeError;
    }
    log?.(`${secretId} holds no smoke-test key yet`);
    return undefined;
  }
  const parsed = parseStoredKey(text);
  if (!parsed) log?.(`${secretId} holds no well-formed smoke-test key; it will be replaced`);
  return parsed;
}

/** `{"storeId": <positive integer>, "keyId": "...", "apiKey": "<printable, no spaces>"}`, else undefined. */
export function parseStoredKey(text: string | undefined): ProvisionedKey | undefined {
  if (!text) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  const { storeId, keyId, apiKey } = (value ?? {}) as Record<string, unknown>;
  if (typeof storeId !== "number" || !Number.isSafeInteger(storeId) || storeId < 1) return undefined;
  if (typeof keyId !== "string" || keyId === "") return undefined;
  // One printable line: the workflow masks the key as one line before anything can print it.
  if (typeof apiKey !== "string" || !/^[\x21-\x7e]+$/.test(apiKey)) return undefined;
  return { storeId, keyId, apiKey };
}
