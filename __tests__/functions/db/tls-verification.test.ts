import { execFile, execFileSync } from "node:child_process";
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { createConnection } from "mysql2/promise";
import { LAMBDA_LIMITS, poolOptions } from "../../../functions/db/connection";
import { defaultServerSearchDirs, findServerBinary } from "../../../tools/local/mysql-binaries";
import { PrivateMysqlServer } from "../../../tools/local/mysql-private-server";

/**
 * B: the RDS Proxy connection verifies the server certificate's host name. A private server of
 * our own speaks TLS with a throwaway CA's certificate, first for ANOTHER name
 * ("not-the-proxy.example"), then for "localhost"; a child process connects to "localhost" with
 * the project's real pool options for the IAM target, trusting the test CA only through
 * NODE_EXTRA_CA_CERTS. Needs `openssl` and a mariadbd/mysqld binary; skipped, saying so, without.
 */
const run = promisify(execFile);
const projectRoot = resolve(__dirname, "../../..");
const fixture = join(__dirname, "fixtures", "tls-connect.ts");
const binary = findServerBinary(defaultServerSearchDirs());
const hasOpenssl = (() => {
  try {
    execFileSync("openssl", ["version"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
})();
if (!binary || !hasOpenssl) {
  process.stderr.write(
    `tls-verification.test.ts skipped: ${!binary ? "no mariadbd/mysqld binary" : "no openssl"} on this machine\n`,
  );
}
const describeWithTls = binary && hasOpenssl ? describe : describe.skip;

/** A CA, and a server certificate for `name` signed by it (P-256 keys: fast to make). */
function makeCertificates(dir: string): { ca: string; certFor(name: string): { cert: string; key: string } } {
  const openssl = (...args: string[]) =>
    execFileSync("openssl", args, { cwd: dir, stdio: ["ignore", "ignore", "pipe"] });
  openssl(
    "req",
    "-x509",
    "-newkey",
    "ec",
    "-pkeyopt",
    "ec_paramgen_curve:prime256v1",
    "-nodes",
    "-keyout",
    "ca.key",
    "-out",
    "ca.pem",
    "-days",
    "2",
    "-subj",
    "/CN=analytics throwaway test CA",
    "-addext",
    "basicConstraints=critical,CA:TRUE",
    "-addext",
    "keyUsage=critical,keyCertSign,cRLSign",
  );
  return {
    ca: join(dir, "ca.pem"),
    certFor(name) {
      writeFileSync(
        join(dir, `${name}.ext`),
        `subjectAltName=DNS:${name}\nextendedKeyUsage=serverAuth\nkeyUsage=critical,digitalSignature\n`,
      );
      openssl(
        "req",
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:prime256v1",
        "-nodes",
        "-keyout",
        `${name}.key`,
        "-out",
        `${name}.csr`,
        "-subj",
        `/CN=${name}`,
      );
      openssl(
        "x509",
        "-req",
        "-in",
        `${name}.csr`,
        "-CA",
        "ca.pem",
        "-CAkey",
        "ca.key",
        "-CAcreateserial",
        "-out",
        `${name}.pem`,
        "-days",
        "2",
        "-extfile",
        `${name}.ext`,
      );
      return { cert: join(dir, `${name}.pem`), key: join(dir, `${name}.key`) };
    },
  };
}

interface ChildResult {
  ok: boolean;
  ssl: Record<string, unknown>;
  tlsVersion?: string;
  cipher?: string;
  code?: string;
  message?: string;
}

describeWithTls("TLS host-name verification toward RDS Proxy (a local TLS server)", () => {
  let dir: string;
  let server: PrivateMysqlServer;
  let ca: string;
  let active: { cert: string; key: string };
  let wrongName: { cert: string; key: string };
  let localhost: { cert: string; key: string };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "analytics-tls-"));
    const certs = makeCertificates(dir);
    ca = certs.ca;
    wrongName = certs.certFor("not-the-proxy.example");
    localhost = certs.certFor("localhost");
    // The server reads these two paths; FLUSH SSL makes it read them again.
    active = { cert: join(dir, "server.pem"), key: join(dir, "server.key") };
    copyFileSync(wrongName.cert, active.cert);
    copyFileSync(wrongName.key, active.key);
    server = new PrivateMysqlServer({
      dataDir: join(dir, "mysql"),
      port: 0,
      tls: { certFile: active.cert, keyFile: active.key, caFile: ca },
    });
    await server.start(); // its own --tmpdir under dataDir
  }, 120_000);

  afterAll(async () => {
    await server?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  }, 30_000);

  /** The child's connection to "localhost" as the IAM target would be configured in Lambda. */
  async function connectAsLambda(
    options: { trustTestCa?: boolean; withoutVerifyIdentity?: boolean } = {},
  ): Promise<ChildResult> {
    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      DB_PROXY_ENDPOINT: "localhost",
      DB_PORT: String(server.port),
      DB_USER: "root", // the private server's root takes an empty password: the TLS handshake comes first either way
      DB_NAME: "mysql",
      AWS_REGION: "eu-west-1",
      ...(options.trustTestCa === false ? {} : { NODE_EXTRA_CA_CERTS: ca }),
    };
    const args = ["--import", "tsx", fixture, ...(options.withoutVerifyIdentity ? ["--without-verify-identity"] : [])];
    const { stdout } = await run(process.execPath, args, { cwd: projectRoot, env, timeout: 30_000 });
    return JSON.parse(stdout.trim().split("\n").at(-1)!) as ChildResult;
  }

  async function serveCertificate(files: { cert: string; key: string }): Promise<void> {
    copyFileSync(files.cert, active.cert);
    copyFileSync(files.key, active.key);
    const conn = await createConnection(server.url);
    try {
      await conn.query("FLUSH SSL");
    } finally {
      await conn.end();
    }
  }

  it("the IAM target's options: TLS >= 1.2, the chain and the host name verified", () => {
    const options = poolOptions(
      {
        kind: "iam",
        host: "proxy.example.internal",
        port: 3306,
        user: "app",
        database: "analytics",
        region: "eu-west-1",
      },
      LAMBDA_LIMITS,
      {
        token: async () => "t",
      },
    );
    expect(options.ssl).toEqual({ rejectUnauthorized: true, verifyIdentity: true, minVersion: "TLSv1.2" });
  });

  it("refuses a trusted certificate issued for another name, with a host-name error", async () => {
    const result = await connectAsLambda();
    expect(result.ssl).toEqual({ rejectUnauthorized: true, verifyIdentity: true, minVersion: "TLSv1.2" });
    // Node's ERR_TLS_CERT_ALTNAME_INVALID, which mysql2 hands on as HANDSHAKE_SSL_ERROR with Node's message.
    expect(result).toMatchObject({ ok: false, code: "HANDSHAKE_SSL_ERROR", host: "localhost" });
    expect(result.message).toBe(
      "Hostname/IP does not match certificate's altnames: " +
        "Host: localhost. is not in the cert's altnames: DNS:not-the-proxy.example",
    );
  }, 60_000);

  it("control: same server and cert pass without verifyIdentity (mysql2's default, as before issue 10)", async () => {
    const result = await connectAsLambda({ withoutVerifyIdentity: true });
    expect(result).toMatchObject({ ok: true, tlsVersion: expect.stringMatching(/^TLSv1\.[23]$/) });
  }, 60_000);

  it("control: without the test CA the chain itself is refused (rejectUnauthorized)", async () => {
    const result = await connectAsLambda({ trustTestCa: false });
    expect(result.ok).toBe(false);
    expect(result.code).toBe("HANDSHAKE_SSL_ERROR");
    expect(result.message).toMatch(
      /unable to verify the first certificate|unable to get local issuer certificate|self-signed certificate in certificate chain/,
    );
  }, 60_000);

  it("positive control: a certificate for localhost connects, over TLS 1.2 or 1.3", async () => {
    await serveCertificate(localhost);
    try {
      const result = await connectAsLambda();
      expect(result).toMatchObject({
        ok: true,
        tlsVersion: expect.stringMatching(/^TLSv1\.[23]$/),
        cipher: expect.any(String),
      });
      expect(result.cipher).not.toBe("");
    } finally {
      await serveCertificate(wrongName);
    }
  }, 60_000);
});
