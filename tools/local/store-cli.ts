/**
 * `npm run -s store -- <command>`: provisions stores, their API keys and their people in the local database
 * (MYSQL_URL, else 127.0.0.1:3306, else the private server), migrating it first; with
 * `--env dev|staging|prod`, in that deployed environment (API Gateway keys and usage plan, and
 * the admin function for the database; see aws-provisioning.ts).
 * A new key is printed once: only its hash is stored. `smoke-key` is the deploy workflow's: the
 * smoke-test store's key, kept in the environment's `<prefix>-smoke-test` secret (smoke-key.ts).
 * `add-user` adds a person who signs in to the dashboard: to the local stand-in for Cognito
 * (.local/auth/users.json), or with `--env` to the environment's user pool (aws-people.ts).
 * The AWS side (SDK clients, the stacks' config) loads only for `--env` and `smoke-key`, so
 * `--help` and the local commands start without it.
 */
import type { SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import type { Kysely } from "kysely";
import { ENVIRONMENT_NAMES, type EnvironmentName } from "../../stacks/config/types";
import { createDatabase, LOCAL_LIMITS } from "../../functions/db/connection";
import { migrateToLatest } from "../../functions/db/migrate";
import type { Database } from "../../functions/db/schema";
import { environmentPrefix, smokeSecretName } from "../../shared/physical-names";
import {
  createStore,
  findStoreById,
  listStores,
  revokeKeys,
  rotateKey,
  StoreInputError,
} from "../../functions/stores/repository";
import type { AwsProvisioning } from "./aws-provisioning";
import type { AwsPeople } from "./aws-people";
import { localAuthDir } from "./auth/local-auth-dir";
import { LocalUsers, UserInputError, validateEmail, validatePassword, type LocalUser } from "./auth/users";
import { reportUsageError, UsageError, wantsHelp } from "./cli-args";
import { resolveMysql } from "./mysql-server";

export const USAGE = `usage: npm run -s store -- <command> [options]

  create --name NAME --currency CODE --timezone ZONE [--env ENV] [--json]
      creates a store and its first API key; prints the key (only this once) and its key id
  list [--env ENV] [--json]
      lists the stores and their number of active keys
  rotate-key --store ID [--env ENV] [--json]
      issues a new key and revokes every other key of the store
  revoke-key --store ID [--key-id KEY_ID] [--env ENV] [--json]
      revokes the key with that key id, or without --key-id every active key of the store
  add-user --store ID --email ADDRESS --password PASSWORD [--json]
  add-user --store ID --email ADDRESS --env ENV [--json]
      adds a person who signs in to the dashboard and reads the store's reports: locally to
      .local/auth/users.json (the password: at least 12 characters, kept only as a scrypt hash);
      with --env to the environment's Cognito user pool <prefix>-people, which e-mails them a
      temporary password (--password is not allowed there)
  smoke-key --env ENV [--secret ARN_OR_NAME] [--json]
      prints the key of the environment's smoke-test store (only the key, or --json), for the
      deploy workflow: the one kept in the secret (default <prefix>-smoke-test) while API Gateway
      and the database still accept it, else a new "smoke-test" store's (USD, UTC), written there
  --help, -h
      this text

An API key (eak_..., sent in the x-api-key header) is the secret: it is printed once and
stored only as a SHA-256 hash. A key id names a key and is not secret: key_... for keys made
locally, API Gateway's own id of the key (e.g. a1b2c3d4e5) in a deployed environment. create and
rotate-key print both; revoke-key takes the key id.

Without --env the database is MYSQL_URL, else 127.0.0.1:3306, else a private server under .local/.
With --env dev|staging|prod the command works on that deployed environment with your AWS
credentials: the key is created in API Gateway and attached to <prefix>-usage-plan, and the
store, key id and key hash are recorded by the <prefix>-admin function.`;

/** `env`: a deployed environment (absent: the local database). */
export type StoreCommand =
  | { command: "help" }
  | { command: "create"; name: string; currency: string; timezone: string; json: boolean; env?: EnvironmentName }
  | { command: "list"; json: boolean; env?: EnvironmentName }
  | { command: "rotate-key"; storeId: number; json: boolean; env?: EnvironmentName }
  | { command: "revoke-key"; storeId: number; keyId?: string; json: boolean; env?: EnvironmentName }
  | { command: "smoke-key"; env: EnvironmentName; secretId?: string; json: boolean }
  | { command: "add-user"; storeId: number; email: string; password?: string; json: boolean; env?: EnvironmentName };

export { UsageError };

const VALUE_FLAGS: Record<string, readonly string[]> = {
  create: ["name", "currency", "timezone", "env"],
  list: ["env"],
  "rotate-key": ["store", "env"],
  "revoke-key": ["store", "key-id", "env"],
  "smoke-key": ["env", "secret"],
  "add-user": ["store", "email", "password", "env"],
};

/** Earlier names of flags, still accepted: `--key` was revoke-key's `--key-id`. */
const FLAG_ALIASES: Record<string, string> = { key: "key-id" };

/** Parses `<command> --flag value --flag=value --json`; throws UsageError naming the offending flag. */
export function parseStoreArgs(argv: readonly string[]): StoreCommand {
  const [command, ...rest] = argv;
  if (command === undefined || command === "help" || wantsHelp(argv)) return { command: "help" };
  const allowed = VALUE_FLAGS[command];
  if (!allowed)
    throw new UsageError(
      `unknown command "${command}" (expected create, list, rotate-key, revoke-key, add-user or smoke-key)`,
    );

  const values = new Map<string, string>();
  let json = false;
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i]!;
    if (!arg.startsWith("--")) throw new UsageError(`unexpected argument "${arg}"`);
    const eq = arg.indexOf("=");
    const given = arg.slice(2, eq === -1 ? undefined : eq);
    const flag = allowed.includes(given) ? given : (FLAG_ALIASES[given] ?? given);
    if (flag === "json") {
      if (eq !== -1) throw new UsageError("--json takes no value");
      json = true;
      continue;
    }
    if (!allowed.includes(flag)) throw new UsageError(`--${given} is not an option of ${command}`);
    if (values.has(flag)) throw new UsageError(`--${flag} is given twice`);
    let value: string | undefined;
    if (eq !== -1) value = arg.slice(eq + 1);
    else {
      value = rest[i + 1];
      if (value === undefined || value.startsWith("--")) throw new UsageError(`--${flag} needs a value`);
      i += 1;
    }
    if (value.trim() === "") throw new UsageError(`--${flag} must not be empty`);
    values.set(flag, value);
  }

  const required = (flag: string): string => {
    const value = values.get(flag);
    if (value === undefined) throw new UsageError(`${command} needs --${flag}`);
    return value;
  };
  const storeId = (): number => {
    const raw = required("store");
    if (!/^[1-9]\d*$/.test(raw) || !Number.isSafeInteger(Number(raw)))
      throw new UsageError(`--store must be a store id (a positive integer), got "${raw}"`);
    return Number(raw);
  };

  const envValue = values.get("env");
  if (envValue !== undefined && !(ENVIRONMENT_NAMES as readonly string[]).includes(envValue)) {
    throw new UsageError(`--env must be one of ${ENVIRONMENT_NAMES.join(", ")}, got "${envValue}"`);
  }
  const env = envValue === undefined ? {} : { env: envValue as EnvironmentName };

  switch (command) {
    case "create":
      return {
        command,
        name: required("name"),
        currency: required("currency"),
        timezone: required("timezone"),
        json,
        ...env,
      };
    case "list":
      return { command, json, ...env };
    case "rotate-key":
      return { command, storeId: storeId(), json, ...env };
    case "add-user":
      return {
        command,
        storeId: storeId(),
        ...userFlags(values, envValue as EnvironmentName | undefined),
        json,
        ...env,
      };
    case "smoke-key": {
      const secret = values.get("secret");
      return {
        command,
        env: required("env") as EnvironmentName,
        json,
        ...(secret === undefined ? {} : { secretId: secret }),
      };
    }
    default: {
      const keyId = values.get("key-id");
      if (keyId?.startsWith("eak_")) {
        throw new UsageError(
          "--key-id takes the key's id (key_... locally, API Gateway's id in AWS; create and rotate-key print it), " +
            "not the API key eak_... itself",
        );
      }
      return { command: "revoke-key", storeId: storeId(), keyId, json, ...env };
    }
  }
}

/** add-user's e-mail and password: a password locally (the policy's), none with --env (Cognito sends one). */
function userFlags(
  values: Map<string, string>,
  env: EnvironmentName | undefined,
): { email: string; password?: string } {
  const email = values.get("email");
  if (email === undefined) throw new UsageError("add-user needs --email");
  const password = values.get("password");
  try {
    validateEmail(email);
    if (env !== undefined) {
      if (password !== undefined)
        throw new UsageError("--password is not allowed with --env: Cognito e-mails the person a temporary password");
      return { email: email.trim() };
    }
    if (password === undefined) throw new UsageError("add-user needs --password (or --env ENV)");
    validatePassword(password);
  } catch (error) {
    if (error instanceof UserInputError) throw new UsageError(`--${error.field}: ${error.message}`);
    throw error;
  }
  return { email: email.trim(), password };
}

export interface CliIo {
  /** One call per line, without the newline. */
  stdout: (line: string) => void;
  stderr: (line: string) => void;
  env?: NodeJS.ProcessEnv;
  /**
   * How `--env` reaches AWS (tests inject mocked clients). Default: the environment's region and prefix from
   * stacks/config.
   */
  aws?: (environment: EnvironmentName) => AwsProvisioning;
  /** Secrets Manager of a deployed environment (smoke-key; tests inject a mocked client). */
  secrets?: (environment: EnvironmentName) => Pick<SecretsManagerClient, "send">;
  /** The Cognito user pool side of a deployed environment (add-user --env; tests inject a mocked client). */
  people?: (environment: EnvironmentName) => AwsPeople;
  /** Where the local users are kept (tests). Default LOCAL_AUTH_DIR, else .local/auth. */
  authDir?: string;
}

/** A deployed environment's physical-name prefix (`<project>-<env>`) and region, from the config. */
async function environmentOf(environment: EnvironmentName): Promise<{ prefix: string; region: string }> {
  const { loadEnvironments } = await import("../../stacks/config");
  const config = loadEnvironments()[environment];
  return { prefix: environmentPrefix(config.project, config.name), region: config.region };
}

/** The AWS side of a deployed environment: its region and physical-name prefix (`<project>-<env>`) from the config. */
export async function awsProvisioningFor(environment: EnvironmentName): Promise<AwsProvisioning> {
  const { AwsProvisioning } = await import("./aws-provisioning");
  return AwsProvisioning.forEnvironment(await environmentOf(environment));
}

/** The injected provisioning (tests), else the environment's own. */
async function provisioningFor(io: CliIo, environment: EnvironmentName): Promise<AwsProvisioning> {
  return io.aws ? io.aws(environment) : awsProvisioningFor(environment);
}

const FLAG_OF_FIELD: Record<string, string> = {
  name: "--name",
  currency: "--currency",
  timezone: "--timezone",
  storeId: "--store",
  keyId: "--key-id",
};

type Command = Exclude<StoreCommand, { command: "help" | "smoke-key" | "add-user" }>;
type AddUser = Extract<StoreCommand, { command: "add-user" }>;

function printCreated(
  io: CliIo,
  cmd: { json: boolean },
  store: { id: number; name: string; currency: string; timezone: string },
  apiKey: string,
  keyId: string,
): void {
  if (cmd.json) io.stdout(JSON.stringify({ storeId: store.id, apiKey, keyId }));
  else {
    io.stdout(`Created store ${store.id} "${store.name}" (${store.currency}, ${store.timezone}).`);
    io.stdout(`API key (the secret for x-api-key, shown only this once): ${apiKey}`);
    io.stdout(`Key id (not secret; revoke-key --key-id takes it): ${keyId}`);
  }
}

interface ListedStore {
  id: number;
  name: string;
  currency: string;
  timezone: string;
  createdAt: string;
  activeKeys: number;
}

function printStores(io: CliIo, cmd: { json: boolean; env?: EnvironmentName }, stores: ListedStore[]): void {
  const env = cmd.env ? ` --env ${cmd.env}` : "";
  if (cmd.json) io.stdout(JSON.stringify(stores));
  else if (stores.length === 0)
    io.stdout(`No stores yet: npm run -s store -- create${env} --name NAME --currency USD --timezone UTC`);
  else
    for (const s of stores)
      io.stdout(
        `${s.id}\t${s.name}\t${s.currency}\t${s.timezone}\tactive keys: ${s.activeKeys}\tcreated ${s.createdAt}`,
      );
}

function printRotated(io: CliIo, cmd: { json: boolean; storeId: number }, apiKey: string, keyId: string): void {
  if (cmd.json) io.stdout(JSON.stringify({ storeId: cmd.storeId, apiKey, keyId }));
  else {
    io.stdout(`New API key for store ${cmd.storeId} (the secret for x-api-key, shown only this once): ${apiKey}`);
    io.stdout(
      `Key id (not secret; revoke-key --key-id takes it): ${keyId}. Every earlier key of the store is revoked.`,
    );
  }
}

function printRevoked(io: CliIo, cmd: { json: boolean; storeId: number; keyId?: string }, revoked: number): number {
  if (cmd.keyId && revoked === 0) {
    io.stderr(`error: --key-id: store ${cmd.storeId} has no active key with the id ${cmd.keyId}`);
    return 2;
  }
  if (cmd.json) io.stdout(JSON.stringify({ storeId: cmd.storeId, revoked }));
  else io.stdout(`Revoked ${revoked} key(s) of store ${cmd.storeId}.`);
  return 0;
}

function warnNotDeleted(io: CliIo, notDeleted: readonly string[]): void {
  if (notDeleted.length > 0) {
    io.stderr(
      `warning: revoked (they no longer work), but API Gateway did not delete: ${notDeleted.join(", ")}; ` +
        "delete them in the console or with aws apigateway delete-api-key",
    );
  }
}

/**
 * The smoke-test store's key on stdout, alone on its line (the workflow captures and masks it);
 * what happened goes to stderr, without the key.
 */
async function executeSmokeKey(cmd: Extract<StoreCommand, { command: "smoke-key" }>, io: CliIo): Promise<number> {
  const { ensureSmokeKey } = await import("./smoke-key");
  const secretId = cmd.secretId ?? smokeSecretName((await environmentOf(cmd.env)).prefix);
  const secrets = io.secrets
    ? io.secrets(cmd.env)
    : new (await import("@aws-sdk/client-secrets-manager")).SecretsManagerClient({
        region: (await environmentOf(cmd.env)).region,
      });
  const key = await ensureSmokeKey({
    provisioning: await provisioningFor(io, cmd.env),
    secrets,
    secretId,
    log: io.stderr,
  });
  if (cmd.json)
    io.stdout(JSON.stringify({ storeId: key.storeId, keyId: key.keyId, apiKey: key.apiKey, created: key.created }));
  else io.stdout(key.apiKey);
  return 0;
}

/** add-user --env: the person in the environment's Cognito user pool, which e-mails them a temporary password. */
async function executeAddUserAws(cmd: AddUser & { env: EnvironmentName }, io: CliIo): Promise<number> {
  const people = io.people
    ? io.people(cmd.env)
    : (await import("./aws-people")).AwsPeople.forEnvironment(await environmentOf(cmd.env));
  const created = await people.createUser({ email: cmd.email, storeId: cmd.storeId });
  if (cmd.json)
    io.stdout(JSON.stringify({ storeId: cmd.storeId, email: cmd.email, username: created.username, sub: created.sub }));
  else {
    io.stdout(
      `Created ${cmd.email} in ${people.userPoolName} (${created.userPoolId}) for store ${cmd.storeId}: ` +
        "Cognito e-mails them a temporary password, to be changed at their first sign-in.",
    );
  }
  return 0;
}

/** add-user without --env: the person in the local users.json, for a store of the local database. */
async function executeAddUserLocal(db: Kysely<Database>, cmd: AddUser, io: CliIo): Promise<number> {
  if (!(await findStoreById(db, cmd.storeId))) {
    io.stderr(`error: --store: no store ${cmd.storeId} (npm run -s store -- list shows them)`);
    return 2;
  }
  const users = new LocalUsers(io.authDir ?? localAuthDir(io.env ?? process.env));
  let user: LocalUser;
  try {
    user = await users.add({ email: cmd.email, password: cmd.password!, storeId: cmd.storeId });
  } catch (error) {
    if (!(error instanceof UserInputError)) throw error;
    io.stderr(`error: --${error.field}: ${error.message}`);
    return 2;
  }
  if (cmd.json) io.stdout(JSON.stringify({ storeId: cmd.storeId, email: user.email, sub: user.sub }));
  else
    io.stdout(
      `Added ${user.email} for store ${cmd.storeId} (${users.file}): ` +
        "they sign in to the dashboard of npm start with that password.",
    );
  return 0;
}

/** A command against a deployed environment. */
async function executeAws(aws: AwsProvisioning, cmd: Command, io: CliIo): Promise<number> {
  switch (cmd.command) {
    case "create": {
      const { store, apiKey, keyId } = await aws.createStore({
        name: cmd.name,
        currency: cmd.currency,
        timezone: cmd.timezone,
      });
      printCreated(io, cmd, store, apiKey, keyId);
      return 0;
    }
    case "list":
      printStores(io, cmd, await aws.listStores());
      return 0;
    case "rotate-key": {
      const { apiKey, keyId, notDeleted } = await aws.rotateKey(cmd.storeId);
      printRotated(io, cmd, apiKey, keyId);
      warnNotDeleted(io, notDeleted);
      return 0;
    }
    case "revoke-key": {
      const { revokedKeyIds, notDeleted } = await aws.revokeKeys(cmd.storeId, cmd.keyId);
      const code = printRevoked(io, cmd, revokedKeyIds.length);
      warnNotDeleted(io, notDeleted);
      return code;
    }
  }
}

async function execute(db: Kysely<Database>, cmd: Command, io: CliIo): Promise<number> {
  switch (cmd.command) {
    case "create": {
      const { store, apiKey, keyId } = await createStore(db, {
        name: cmd.name,
        currency: cmd.currency,
        timezone: cmd.timezone,
      });
      printCreated(io, cmd, store, apiKey, keyId);
      return 0;
    }
    case "list": {
      printStores(io, cmd, await listStores(db));
      return 0;
    }
    case "rotate-key": {
      const { apiKey, keyId } = await rotateKey(db, cmd.storeId);
      printRotated(io, cmd, apiKey, keyId);
      return 0;
    }
    case "revoke-key":
      return printRevoked(io, cmd, await revokeKeys(db, cmd.storeId, cmd.keyId));
  }
}

/** Runs one command; returns the exit code (0 done, 1 failure, 2 bad arguments or input). */
export async function runStoreCli(argv: readonly string[], io: CliIo): Promise<number> {
  let cmd: StoreCommand;
  try {
    cmd = parseStoreArgs(argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    return reportUsageError(io, error, USAGE);
  }
  if (cmd.command === "help") {
    io.stdout(USAGE);
    return 0;
  }

  let db: Kysely<Database> | undefined;
  try {
    if (cmd.command === "smoke-key") return await executeSmokeKey(cmd, io);
    if (cmd.command === "add-user" && cmd.env) return await executeAddUserAws({ ...cmd, env: cmd.env }, io);
    if (cmd.command !== "add-user" && cmd.env) return await executeAws(await provisioningFor(io, cmd.env), cmd, io);
    const mysql = await resolveMysql({ env: io.env ?? process.env, log: io.stderr });
    db = createDatabase({ kind: "url", url: mysql.url }, { ...LOCAL_LIMITS, connectionLimit: 2 }).db;
    await migrateToLatest(db);
    return cmd.command === "add-user" ? await executeAddUserLocal(db, cmd, io) : await execute(db, cmd, io);
  } catch (error) {
    if (error instanceof StoreInputError) {
      io.stderr(
        `error: ${FLAG_OF_FIELD[error.field] ?? error.field}: ${error.message.replace(`${error.field}: `, "")}`,
      );
      return 2;
    }
    io.stderr(`error: ${(error as Error)?.message ?? String(error)}`);
    return 1;
  } finally {
    await db?.destroy();
  }
}

// Run as a script (tsx loads it as an ES module, so `require.main` is not available), not when imported by tests.
if (/store-cli\.[cm]?[jt]s$/.test(process.argv[1] ?? "")) {
  const io: CliIo = {
    stdout: (line) => process.stdout.write(`${line}\n`),
    stderr: (line) => process.stderr.write(`${line}\n`),
  };
  runStoreCli(process.argv.slice(2), io).then(
    (code) => (process.exitCode = code),
    (error: unknown) => {
      io.stderr(`error: ${String(error)}`);
      process.exitCode = 1;
    },
  );
}
