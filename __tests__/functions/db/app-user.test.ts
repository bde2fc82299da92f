import { randomBytes } from "node:crypto";
import {
  GetSecretValueCommand,
  PutSecretValueCommand,
  ResourceNotFoundException,
  SecretsManagerClient,
} from "@aws-sdk/client-secrets-manager";
import { mockClient } from "aws-sdk-client-mock";
import { sql } from "kysely";
import { createConnection } from "mysql2/promise";
import { createDatabase, type DatabaseHandle } from "../../../functions/db/connection";
import { assertIdentifier, ensureAppUser, generatePassword } from "../../../functions/db/app-user";
import { migrateAndEnsureAppUser, runMigrations } from "../../../functions/handlers/migrate";

/**
 * Against the real test database (MySQL 8.4 or MariaDB 10.11) with Secrets Manager mocked:
 * the user the migration function makes for the application.
 */
describe("ensureAppUser", () => {
  const secretArn = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:app-db-AbCdEf";
  const username = `app_test_${randomBytes(4).toString("hex")}`;
  const url = new URL(process.env.MYSQL_URL!);
  const database = decodeURIComponent(url.pathname.slice(1));
  const secretsMock = mockClient(SecretsManagerClient);
  const secrets = new SecretsManagerClient({ region: "eu-west-1" });
  let handle: DatabaseHandle;
  /** What the mocked secret holds (undefined: created without a value, as Terraform leaves it). */
  let stored: string | undefined;

  beforeAll(() => {
    handle = createDatabase({ kind: "url", url: process.env.MYSQL_URL! });
  });
  beforeEach(() => {
    secretsMock.reset();
    secretsMock.on(GetSecretValueCommand).callsFake(async () => {
      if (stored === undefined) {
        throw new ResourceNotFoundException({ message: "Secrets Manager can't find the specified secret value for staging label: AWSCURRENT", $metadata: {} });
      }
      return { SecretString: stored };
    });
    secretsMock.on(PutSecretValueCommand).callsFake(async (input: { SecretString?: string }) => {
      stored = input.SecretString;
      return {};
    });
  });
  afterAll(async () => {
    await sql.raw(`drop user if exists '${username}'@'%'`).execute(handle.db);
    await handle.db.destroy();
    secretsMock.restore();
  });

  const options = () => ({ secrets, secretArn, username, database });

  async function login(password: string) {
    return createConnection({ host: url.hostname, port: Number(url.port || 3306), user: username, password, database });
  }

  it("first run: generates the password, stores it in the secret and creates the user", async () => {
    stored = undefined;
    expect(await ensureAppUser(handle.db, options())).toBe("created");
    const puts = secretsMock.commandCalls(PutSecretValueCommand);
    expect(puts).toHaveLength(1);
    expect(puts[0]!.args[0].input.SecretId).toBe(secretArn);
    const secret = JSON.parse(stored!);
    expect(Object.keys(secret).sort()).toEqual(["password", "username"]);
    expect(secret.username).toBe(username);
    expect(secret.password).toMatch(/^[A-Za-z0-9_-]{40}$/);
  });

  it("second run: keeps the secret, updates the user to the same password, no new secret version", async () => {
    const before = stored;
    expect(await ensureAppUser(handle.db, options())).toBe("updated");
    expect(secretsMock.commandCalls(PutSecretValueCommand)).toHaveLength(0);
    expect(secretsMock.commandCalls(GetSecretValueCommand)).toHaveLength(1);
    expect(stored).toBe(before);
  });

  it("the user logs in with the secret's password, can read and write rows, cannot change the schema", async () => {
    const { password } = JSON.parse(stored!);
    const conn = await login(password);
    try {
      const [rows] = await conn.query("select count(*) as n from stores");
      expect(rows).toEqual([{ n: expect.anything() }]);
      await conn.query("update stores set name = name where id = 0"); // UPDATE granted (no row touched)
      await conn.query("delete from stores where id = 0"); // DELETE granted
      await expect(conn.query("create table app_user_may_not (id int)")).rejects.toMatchObject({ code: expect.stringMatching(/^ER_(TABLEACCESS|DBACCESS)_DENIED_ERROR$/) });
      await expect(conn.query("drop table stores")).rejects.toMatchObject({ code: expect.stringMatching(/DENIED/) });
    } finally {
      await conn.end();
    }
    await expect(login("not-the-password")).rejects.toMatchObject({ code: "ER_ACCESS_DENIED_ERROR" });
  });

  it("a secret that lost its password gets a new one, and the user follows it", async () => {
    stored = JSON.stringify({ username, note: "kept" });
    expect(await ensureAppUser(handle.db, { ...options(), generatePassword: () => "a-new-password-of-enough-length" })).toBe("updated");
    expect(JSON.parse(stored!)).toEqual({ username, note: "kept", password: "a-new-password-of-enough-length" });
    const conn = await login("a-new-password-of-enough-length");
    await conn.end();
  });

  it("the migration function's run: nothing pending on a migrated database, the user kept in sync", async () => {
    expect(await migrateAndEnsureAppUser(handle.db, options())).toEqual({ applied: [], appUser: "updated" });
    await expect(runMigrations({ MYSQL_URL: process.env.MYSQL_URL }, secrets)).rejects.toThrow(/DB_PROXY_ENDPOINT must be set/);
    await expect(runMigrations({ DB_PROXY_ENDPOINT: "proxy", DB_USER: "admin_master", DB_NAME: "analytics", AWS_REGION: "eu-west-1" }, secrets)).rejects.toThrow(/APP_SECRET_ARN/);
  });

  it("refuses names that would have to be quoted, before touching the secret or the database", async () => {
    await expect(ensureAppUser(handle.db, { ...options(), username: "app'@'%'; drop database x; --" })).rejects.toThrow(/invalid user name/);
    await expect(ensureAppUser(handle.db, { ...options(), database: "analytics`.*" })).rejects.toThrow(/invalid database name/);
    expect(secretsMock.calls()).toHaveLength(0);
    expect(() => assertIdentifier("user", "a".repeat(33))).toThrow();
    expect(() => assertIdentifier("user", "app_user")).not.toThrow();
    expect(generatePassword()).not.toBe(generatePassword());
  });
});
