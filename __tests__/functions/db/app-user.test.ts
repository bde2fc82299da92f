import { randomBytes } from "node:crypto";
import {
  GetSecretValueCommand,
  PutSecretValueCommand,
  ResourceNotFoundException,
  SecretsManagerClient,
} from "@aws-sdk/client-secrets-manager";
import { mockClient } from "aws-sdk-client-mock";
import { DummyDriver, Kysely, MysqlAdapter, MysqlIntrospector, MysqlQueryCompiler, sql } from "kysely";
import { createConnection } from "mysql2/promise";
import { createDatabase, type DatabaseHandle } from "../../../functions/db/connection";
import {
  APP_USER_AUTH_PLUGIN,
  appUserStatements,
  assertIdentifier,
  detectEngine,
  engineOfVersion,
  ensureAppUser,
  generatePassword,
} from "../../../functions/db/app-user";
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
        throw new ResourceNotFoundException({
          message: "Secrets Manager can't find the specified secret value for staging label: AWSCURRENT",
          $metadata: {},
        });
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
      await expect(conn.query("create table app_user_may_not (id int)")).rejects.toMatchObject({
        code: expect.stringMatching(/^ER_(TABLEACCESS|DBACCESS)_DENIED_ERROR$/),
      });
      await expect(conn.query("drop table stores")).rejects.toMatchObject({ code: expect.stringMatching(/DENIED/) });
    } finally {
      await conn.end();
    }
    await expect(login("not-the-password")).rejects.toMatchObject({ code: "ER_ACCESS_DENIED_ERROR" });
  });

  it("a secret that lost its password gets a new one, and the user follows it", async () => {
    stored = JSON.stringify({ username, note: "kept" });
    expect(
      await ensureAppUser(handle.db, { ...options(), generatePassword: () => "a-new-password-of-enough-length" }),
    ).toBe("updated");
    expect(JSON.parse(stored!)).toEqual({ username, note: "kept", password: "a-new-password-of-enough-length" });
    const conn = await login("a-new-password-of-enough-length");
    await conn.end();
  });

  it("the migration function's run: nothing pending on a migrated database, the user kept in sync", async () => {
    expect(await migrateAndEnsureAppUser(handle.db, options())).toEqual({ applied: [], appUser: "updated" });
    await expect(runMigrations({ MYSQL_URL: process.env.MYSQL_URL }, secrets)).rejects.toThrow(
      /DB_PROXY_ENDPOINT must be set/,
    );
    await expect(
      runMigrations(
        { DB_PROXY_ENDPOINT: "proxy", DB_USER: "admin_master", DB_NAME: "analytics", AWS_REGION: "eu-west-1" },
        secrets,
      ),
    ).rejects.toThrow(/APP_SECRET_ARN/);
  });

  it("refuses names that would have to be quoted, before touching the secret or the database", async () => {
    await expect(ensureAppUser(handle.db, { ...options(), username: "app'@'%'; drop database x; --" })).rejects.toThrow(
      /invalid user name/,
    );
    await expect(ensureAppUser(handle.db, { ...options(), database: "analytics`.*" })).rejects.toThrow(
      /invalid database name/,
    );
    expect(secretsMock.calls()).toHaveLength(0);
    expect(() => assertIdentifier("user", "a".repeat(33))).toThrow();
    expect(() => assertIdentifier("user", "app_user")).not.toThrow();
    expect(generatePassword()).not.toBe(generatePassword());
  });
});

/** C: the app user's authentication plugin, named explicitly per engine. */
describe("the app user's authentication plugin", () => {
  // Compiles statements without a server, as mysql2 receives them (the password a parameter, escaped by the driver).
  const compiler = new Kysely<unknown>({
    dialect: {
      createAdapter: () => new MysqlAdapter(),
      createDriver: () => new DummyDriver(),
      createIntrospector: (db) => new MysqlIntrospector(db),
      createQueryCompiler: () => new MysqlQueryCompiler(),
    },
  });
  const compiled = (builder: { compile(db: Kysely<unknown>): { sql: string; parameters: readonly unknown[] } }) => {
    const { sql: text, parameters } = builder.compile(compiler);
    return { sql: text, parameters };
  };

  it("MySQL 8.4: caching_sha2_password, WITH ... BY, and RETAIN CURRENT PASSWORD for a rotation", () => {
    expect(APP_USER_AUTH_PLUGIN.mysql).toBe("caching_sha2_password");
    expect(compiled(appUserStatements.create("mysql", "app_user", "s3cret-pass"))).toEqual({
      sql: "create user if not exists 'app_user'@'%' identified with caching_sha2_password by ?",
      parameters: ["s3cret-pass"],
    });
    expect(compiled(appUserStatements.alter("mysql", "app_user", "s3cret-pass"))).toEqual({
      sql: "alter user 'app_user'@'%' identified with caching_sha2_password by ?",
      parameters: ["s3cret-pass"],
    });
    expect(compiled(appUserStatements.alter("mysql", "app_user", "n3w-pass", { retainCurrent: true }))).toEqual({
      sql: "alter user 'app_user'@'%' identified with caching_sha2_password by ? retain current password",
      parameters: ["n3w-pass"],
    });
    expect(compiled(appUserStatements.discardOldPassword("app_user")).sql).toBe(
      "alter user 'app_user'@'%' discard old password",
    );
  });

  it("MariaDB: mysql_native_password, VIA ... USING PASSWORD(), no dual passwords", () => {
    expect(APP_USER_AUTH_PLUGIN.mariadb).toBe("mysql_native_password");
    expect(compiled(appUserStatements.create("mariadb", "app_user", "s3cret-pass"))).toEqual({
      sql: "create user if not exists 'app_user'@'%' identified via mysql_native_password using password(?)",
      parameters: ["s3cret-pass"],
    });
    expect(compiled(appUserStatements.alter("mariadb", "app_user", "s3cret-pass"))).toEqual({
      sql: "alter user 'app_user'@'%' identified via mysql_native_password using password(?)",
      parameters: ["s3cret-pass"],
    });
    expect(() => appUserStatements.alter("mariadb", "app_user", "x", { retainCurrent: true })).toThrow(
      /MariaDB has no dual passwords/,
    );
    expect(compiled(appUserStatements.grant("app_user", "analytics")).sql).toBe(
      "grant SELECT, INSERT, UPDATE, DELETE on `analytics`.* to 'app_user'@'%'",
    );
    expect(() => appUserStatements.create("mysql", "app'@'%", "x")).toThrow(/invalid user name/);
  });

  it("tells the engines apart by VERSION()", () => {
    expect(engineOfVersion("8.4.7")).toBe("mysql");
    expect(engineOfVersion("8.4.7-log")).toBe("mysql");
    expect(engineOfVersion("10.11.19-MariaDB-0+deb12u1")).toBe("mariadb");
    expect(engineOfVersion("11.4.5-MariaDB-log")).toBe("mariadb");
  });

  describe("on the test server", () => {
    let secretsMock: ReturnType<typeof mockClient>;
    const secrets = new SecretsManagerClient({ region: "eu-west-1" });
    const username = `app_plugin_${randomBytes(4).toString("hex")}`;
    const url = new URL(process.env.MYSQL_URL!);
    const database = decodeURIComponent(url.pathname.slice(1));
    let handle: DatabaseHandle;
    let stored: string | undefined;

    beforeAll(() => {
      handle = createDatabase({ kind: "url", url: process.env.MYSQL_URL! });
      // here, not at collection: the suite above restores its own mock in afterAll
      secretsMock = mockClient(SecretsManagerClient);
      secretsMock
        .on(GetSecretValueCommand)
        .callsFake(async () => (stored === undefined ? { SecretString: undefined } : { SecretString: stored }));
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

    it("creates the user with the engine's plugin, and switches an account made with another plugin", async () => {
      const engine = await detectEngine(handle.db);
      const plugin = async () =>
        (
          await sql<{ plugin: string }>`select plugin from mysql.user where User = ${username} and Host = '%'`.execute(
            handle.db,
          )
        ).rows[0]?.plugin;
      // An account someone made by hand with another plugin (MariaDB: unix_socket; MySQL: sha256_password).
      await sql
        .raw(
          engine === "mariadb"
            ? `create user '${username}'@'%' identified via unix_socket`
            : `create user '${username}'@'%' identified with sha256_password`,
        )
        .execute(handle.db);
      expect(await plugin()).not.toBe(APP_USER_AUTH_PLUGIN[engine]);

      expect(await ensureAppUser(handle.db, { secrets, secretArn: "arn:secret", username, database })).toBe("updated");
      expect(await plugin()).toBe(APP_USER_AUTH_PLUGIN[engine]);
      const { password } = JSON.parse(stored!);
      const conn = await createConnection({
        host: url.hostname,
        port: Number(url.port || 3306),
        user: username,
        password,
        database,
      });
      const [rows] = await conn.query("select current_user() as me");
      await conn.end();
      expect(rows).toEqual([{ me: `${username}@%` }]);
    });
  });
});
