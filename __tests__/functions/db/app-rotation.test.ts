import { randomBytes } from "node:crypto";
import { GetSecretValueCommand, PutSecretValueCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { Logger } from "@aws-lambda-powertools/logger";
import { mockClient } from "aws-sdk-client-mock";
import { sql } from "kysely";
import { createConnection } from "mysql2/promise";
import { ensureAppUser } from "../../../functions/db/app-user";
import { createDatabase, type DatabaseHandle } from "../../../functions/db/connection";
import {
  APP_LOGIN_LIMITS,
  openMigrationDatabase,
  rotateAppPassword,
  runRotationJob,
  type JobDependencies,
} from "../../../functions/handlers/migrate";

/**
 * D: `{"rotateAppPassword": true}` rotates the app user's password by hand, on the test server
 * (MariaDB here, MySQL 8.4 in CI) with Secrets Manager mocked. The "proxy" of the login check is
 * a direct login with the password it last read from the secret.
 */
describe("rotating the app user's password", () => {
  const url = new URL(process.env.MYSQL_URL!);
  const database = decodeURIComponent(url.pathname.slice(1));
  const secretArn = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:app-db-Rotate1";
  const username = `app_rot_${randomBytes(4).toString("hex")}`;
  const secrets = new SecretsManagerClient({ region: "eu-west-1" });
  let secretsMock: ReturnType<typeof mockClient>;
  let stored: string | undefined;
  let putFails = false;
  let root: DatabaseHandle;

  beforeAll(async () => {
    root = createDatabase({ kind: "url", url: process.env.MYSQL_URL! });
    secretsMock = mockClient(SecretsManagerClient);
    secretsMock.on(GetSecretValueCommand).callsFake(async () => ({ SecretString: stored }));
    secretsMock.on(PutSecretValueCommand).callsFake(async (input: { SecretString?: string }) => {
      if (putFails)
        throw Object.assign(new Error("User is not authorized to perform secretsmanager:PutSecretValue"), {
          name: "AccessDeniedException",
        });
      stored = input.SecretString;
      return {};
    });
    stored = JSON.stringify({ username, engine: "mysql", note: "kept by rotations" });
    await ensureAppUser(root.db, { secrets, secretArn, username, database });
  });
  afterAll(async () => {
    await sql.raw(`drop user if exists '${username}'@'%'`).execute(root.db);
    await root.db.destroy();
    secretsMock.restore();
  });

  const secretPassword = (): string => JSON.parse(stored!).password;
  const login = (password: string) =>
    createConnection({ host: url.hostname, port: Number(url.port || 3306), user: username, password, database });

  function deps(proxyReadsSecretAtAttempt = 1, user = username): JobDependencies & { logger: Logger } {
    let attempts = 0;
    let proxyPassword = secretPassword(); // what the proxy read before the rotation
    const appUrl = () => {
      const u = new URL(process.env.MYSQL_URL!);
      u.username = user;
      u.password = proxyPassword;
      return u.toString();
    };
    return {
      openMaster: () => openMigrationDatabase({ kind: "url", url: process.env.MYSQL_URL! }),
      openApp: () => {
        attempts += 1;
        if (attempts >= proxyReadsSecretAtAttempt) proxyPassword = secretPassword();
        return createDatabase({ kind: "url", url: appUrl() }, APP_LOGIN_LIMITS);
      },
      appUser: { secrets, secretArn, username: user, database },
      connectRetry: { budgetMs: 5_000, initialDelayMs: 100, maxDelayMs: 500, multiplier: 2 },
      appLoginRetry: { budgetMs: 5_000, initialDelayMs: 100, maxDelayMs: 500, multiplier: 2 },
      logger: new Logger({ serviceName: "rotation-test" }),
    };
  }

  it("new password, ALTER USER, writes the secret, checks the login (waits for the proxy to re-read it)", async () => {
    const before = secretPassword();
    const d = deps(2);
    const warn = jest.spyOn(d.logger, "warn");

    const result = await runRotationJob(d);

    const after = secretPassword();
    expect(after).toMatch(/^[A-Za-z0-9_-]{40}$/);
    expect(after).not.toBe(before);
    expect(JSON.parse(stored!)).toEqual({ username, engine: "mysql", note: "kept by rotations", password: after });
    expect(secretsMock.commandCalls(PutSecretValueCommand).at(-1)!.args[0].input.SecretId).toBe(secretArn);

    const mariadb = result.engine === "mariadb";
    // MariaDB: the old password stops working at once, so the proxy's first (stale) login is denied and retried.
    // MySQL: the old one is retained until the first login check, then discarded and the login checked again.
    expect(result).toEqual(
      mariadb
        ? { rotated: true, engine: "mariadb", previousPasswordDiscarded: false, appLoginAttempts: 2 }
        : { rotated: true, engine: "mysql", previousPasswordDiscarded: true, appLoginAttempts: 2 },
    );
    if (mariadb)
      expect(warn.mock.calls.map(([, extra]) => (extra as { errorCode: string }).errorCode)).toEqual([
        "ER_ACCESS_DENIED_ERROR",
      ]);

    const conn = await login(after);
    await conn.end();
    await expect(login(before)).rejects.toMatchObject({ code: "ER_ACCESS_DENIED_ERROR" });
  }, 30_000);

  it("when the secret cannot be written, sets the user's password back to the secret's and fails", async () => {
    const before = secretPassword();
    putFails = true;
    try {
      await expect(runRotationJob(deps())).rejects.toThrow(
        /writing the secret failed, the user's password was set back to the secret's/,
      );
    } finally {
      putFails = false;
    }
    expect(secretPassword()).toBe(before);
    const conn = await login(before); // the proxy's password still works
    await conn.end();
  }, 30_000);

  it("refuses to rotate a user that does not exist; needs the AWS environment when run as the function", async () => {
    const missing = `app_none_${randomBytes(3).toString("hex")}`;
    await expect(runRotationJob(deps(1, missing))).rejects.toThrow(
      new RegExp(`'${missing}'@'%': the user does not exist \\(run the migration first\\)`),
    );
    await expect(rotateAppPassword({ MYSQL_URL: process.env.MYSQL_URL }, secrets)).rejects.toThrow(
      /DB_PROXY_ENDPOINT must be set/,
    );
  });
});
