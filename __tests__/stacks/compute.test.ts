import { execFileSync } from "node:child_process";
import {
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { LambdaFunction } from "@cdktf/provider-aws/lib/lambda-function";
import { TerraformStack, Testing } from "cdktf";
import { loadEnvironments } from "../../stacks/config";
import type { NetworkOutputs } from "../../stacks/contracts";
import {
  BUNDLE_SIZE_LIMIT_BYTES,
  BUNDLE_SIZES_FILE,
  bundleAliases,
  bundleFunction,
  clearBundleCache,
  projectRoot,
  type FunctionBundle,
} from "../../stacks/constructs/compute/bundle";
import { assertNoSecrets, NodeFunction, rdsDbConnectStatement } from "../../stacks/constructs/compute/node-function";
import { migrationsHash } from "../../shared/migrations-hash";

const FUNCTIONS = ["ingest", "reports", "health", "migrate", "admin", "authorizer"] as const;
const root = projectRoot();

const network: NetworkOutputs = {
  vpcId: "vpc-0123",
  publicSubnetIds: ["subnet-pub-a"],
  privateSubnetIds: ["subnet-priv-a", "subnet-priv-b", "subnet-priv-c"],
  databaseSubnetIds: ["subnet-db-a"],
  lambdaSecurityGroupId: "sg-lambda",
  proxySecurityGroupId: "sg-proxy",
  databaseSecurityGroupId: "sg-db",
  logsKeyArn: "arn:aws:kms:eu-west-1:123456789012:key/logs",
};

const bundles = new Map<string, FunctionBundle>();
function bundle(name: (typeof FUNCTIONS)[number]): FunctionBundle {
  if (!bundles.has(name)) bundles.set(name, bundleFunction(name));
  return bundles.get(name)!;
}

describe("bundleFunction (esbuild during synth)", () => {
  jest.setTimeout(120_000);

  it("gives byte-identical output and the same hash when the same code is bundled again", () => {
    const first = bundle("health");
    const bytes = readFileSync(first.file);
    const map = readFileSync(`${first.file}.map`);
    clearBundleCache();
    const second = bundleFunction("health");
    expect(second).not.toBe(first); // really built again, not served from the cache
    expect(second.hash).toBe(first.hash);
    expect(second.directory).toBe(first.directory);
    expect(readFileSync(second.file).equals(bytes)).toBe(true);
    expect(readFileSync(`${second.file}.map`).equals(map)).toBe(true);
    expect(readdirSync(second.directory).sort()).toEqual(["index.mjs", "index.mjs.map"]);
    bundles.set("health", second);
  });

  it("serves a second request for unchanged code from the in-process cache", () => {
    const first = bundle("health");
    expect(bundleFunction("health")).toBe(first);
  });

  it.each(FUNCTIONS)(
    "bundles %s under 1 MiB, ESM, minified, with an external source map and no stray externals",
    (name) => {
      const b = bundle(name);
      process.stdout.write(`bundle ${name}: ${b.bytes} bytes (map ${b.mapBytes})\n`);
      // ingest: `import { z } from "zod"` (functions/ingest/fields.ts, schemas.ts) keeps all of zod
      // with its locales (~455 KB); `import * as z from "zod"` (same API) lets esbuild keep ~85 KB.
      expect(b.bytes).toBeLessThan(BUNDLE_SIZE_LIMIT_BYTES);
      const code = readFileSync(b.file, "utf8");
      expect(code.startsWith('import{createRequire as __bundleCreateRequire}from"node:module"')).toBe(true);
      expect(code.trimEnd().endsWith("//# sourceMappingURL=index.mjs.map")).toBe(true);
      // minified: nearly every byte on a few long lines (SQL in template literals keeps its own short lines)
      const onLongLines = code.split("\n").reduce((sum, line) => sum + (line.length > 1_000 ? line.length : 0), 0);
      expect(onLongLines / code.length).toBeGreaterThan(0.95);
      // Only the runtime's v3 clients stay outside; `cardinal` is mysql2's optional, try/catch-guarded highlighter.
      for (const external of b.externals) expect(external).toMatch(/^(@aws-sdk\/client-[a-z0-9-]+|cardinal)$/);
      // rds-signer is bundled (not part of the documented runtime), so its import is gone.
      expect(code).not.toMatch(/from"@aws-sdk\/rds-signer"/);
      const sizes = JSON.parse(readFileSync(join(root, BUNDLE_SIZES_FILE), "utf8")) as Record<string, number>;
      expect(sizes[name]).toBe(b.bytes);
    },
  );

  /** Runs `script` (an ES module; `BUNDLE` is the copy's path) beside a copy of the bundle outside the project. */
  function runBesideCopy(name: (typeof FUNCTIONS)[number], script: string, env: Record<string, string> = {}): string {
    const b = bundle(name);
    const dir = mkdtempSync(join(tmpdir(), `bundle-${name}-`));
    try {
      copyFileSync(b.file, join(dir, "index.mjs"));
      copyFileSync(`${b.file}.map`, join(dir, "index.mjs.map"));
      // The Lambda runtime provides @aws-sdk/client-*; nothing else may be needed from node_modules.
      for (const external of b.externals.filter((e) => e.startsWith("@aws-sdk/client-"))) {
        mkdirSync(join(dir, "node_modules", "@aws-sdk"), { recursive: true });
        symlinkSync(join(root, "node_modules", external), join(dir, "node_modules", external));
      }
      return execFileSync(
        process.execPath,
        [
          "--enable-source-maps",
          "--input-type=module",
          "-e",
          script.replaceAll("BUNDLE", JSON.stringify(join(dir, "index.mjs"))),
        ],
        {
          cwd: dir,
          encoding: "utf8",
          env: {
            PATH: process.env.PATH ?? "",
            POWERTOOLS_TRACE_ENABLED: "false",
            POWERTOOLS_METRICS_DISABLED: "true",
            POWERTOOLS_LOG_LEVEL: "SILENT",
            AWS_REGION: "eu-west-1",
            ...env,
          },
        },
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }

  it.each(FUNCTIONS)("%s loads as an ES module outside the project, exporting handler", (name) => {
    expect(runBesideCopy(name, "const m = await import(BUNDLE); console.log(typeof m.handler);").trim()).toBe(
      "function",
    );
  });

  it("the iconv-lite substitute keeps mysql2's CESU-8 (the handshake's server version), refuses other charsets", () => {
    bundleAliases(root);
    // Node's own require: the substitute is plain CommonJS, as esbuild bundles it.
    const iconv = createRequire(join(root, "package.json"))(
      join(root, ".gen", "bundle-substitutes", "iconv-lite.cjs"),
    ) as {
      getDecoder(encoding: string): { write(bytes: Buffer): string; end(): string };
      getEncoder(encoding: string): { write(text: string): Buffer };
    };
    const cesu8 = Buffer.from("eda0bdedb2a9", "hex"); // U+1F4A9 as two 3-byte surrogates
    expect(iconv.getDecoder("cesu8").write(cesu8)).toBe("\u{1F4A9}");
    expect(iconv.getEncoder("cesu8").write("\u{1F4A9}").equals(cesu8)).toBe(true);
    for (const text of [
      "10.11.19-MariaDB-0+deb12u1",
      "8.0.mysql_aurora.3.08.0",
      "mysql_clear_password",
      "h\u00e9llo \u20ac",
    ]) {
      expect(iconv.getDecoder("cesu8").write(Buffer.from(text, "utf8"))).toBe(text);
      expect(iconv.getEncoder("cesu8").write(text).equals(Buffer.from(text, "utf8"))).toBe(true);
    }
    expect(() => iconv.getDecoder("cp1252")).toThrow(/charset cp1252 is not bundled/);
  });

  it("health's bundle answers from the database: mysql2, loaded on first use, connects", () => {
    const event = {
      httpMethod: "GET",
      path: "/health",
      resource: "/health",
      headers: {},
      requestContext: { requestId: "req-1" },
    };
    const out = runBesideCopy(
      "health",
      `const { handler } = await import(BUNDLE);
       const res = await handler(${JSON.stringify(event)}, ` +
        `{ functionName: "health", awsRequestId: "a-1", getRemainingTimeInMillis: () => 5000 });
       console.log(JSON.stringify({ status: res.statusCode, body: JSON.parse(res.body) }));
       process.exit(0); // the pool keeps its connection open`,
      { MYSQL_URL: process.env.MYSQL_URL ?? "" },
    );
    expect(JSON.parse(out)).toMatchObject({ status: 200, body: { status: "ok", database: { reachable: true } } });
  });

  it("migrate's bundle requires the runtime's Secrets Manager client on first use, not at import", () => {
    expect(bundle("migrate").externals).toContain("@aws-sdk/client-secrets-manager");
    const out = runBesideCopy(
      "migrate",
      `import { createRequire } from "node:module";
       const loaded = () => Object.keys(createRequire(BUNDLE).cache)` +
        `.some((file) => file.includes("client-secrets-manager"));
       const { handler } = await import(BUNDLE);
       const atImport = loaded();
       const error = await handler().then(() => "resolved", (e) => e.message);
       console.log(JSON.stringify({ atImport, afterCall: loaded(), error }));`,
    );
    // The handler builds its SecretsManagerClient first, then finds no RDS Proxy endpoint.
    expect(JSON.parse(out)).toEqual({
      atImport: false,
      afterCall: true,
      error: expect.stringMatching(/DB_PROXY_ENDPOINT must be set/),
    });
  });
});

describe("migrationsHash (the migration run's trigger)", () => {
  it("is a stable sha256 over the migration files' names and sources", () => {
    const dir = mkdtempSync(join(tmpdir(), "migrations-"));
    try {
      mkdirSync(join(dir, "functions", "db", "migrations"), { recursive: true });
      const write = (file: string, text: string) =>
        writeFileSync(join(dir, "functions", "db", "migrations", file), text);
      write("001-a.ts", "export async function up() {}");
      write("index.ts", "export const migrations = {};");
      const first = migrationsHash(dir);
      expect(first).toMatch(/^[0-9a-f]{64}$/);
      expect(migrationsHash(dir)).toBe(first);
      write("002-b.ts", "export async function up() {}");
      const added = migrationsHash(dir);
      expect(added).not.toBe(first);
      write("001-a.ts", "export async function up() { /* changed */ }");
      expect(migrationsHash(dir)).not.toBe(added);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    expect(migrationsHash()).toBe(migrationsHash(root));
  });
});

describe("NodeFunction", () => {
  jest.setTimeout(120_000);
  const config = loadEnvironments().prod;
  const FUNCTIONS_KEY = "arn:aws:kms:eu-west-1:111122223333:key/functions";

  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  function synthesize(): { tf: any; fn: NodeFunction } {
    const app = Testing.app();
    const stack = new TerraformStack(app, "compute-test");
    const fn = new NodeFunction(stack, "reports", {
      name: "reports",
      config,
      network,
      environment: { DB_PROXY_ENDPOINT: "proxy.example.internal", DB_NAME: "analytics", DB_USER: "app_user" },
      statements: [
        rdsDbConnectStatement(stack, { region: config.region, proxyResourceId: "prx-0abc", dbUser: "app_user" }),
      ],
      environmentKeyArn: FUNCTIONS_KEY,
    });
    return { tf: JSON.parse(Testing.synth(stack)), fn };
  }

  it("is a nodejs22.x arm64 function with X-Ray, VPC, limits from the config and the bundle's hash", () => {
    const { tf, fn } = synthesize();
    const lambdas = Object.values(tf.resource.aws_lambda_function);
    expect(lambdas).toHaveLength(1);
    const lambda = lambdas[0] as Record<string, unknown>;
    expect(lambda).toMatchObject({
      function_name: "ecommerce-analytics-prod-reports",
      runtime: "nodejs22.x",
      architectures: ["arm64"],
      handler: "index.handler",
      memory_size: config.functions.reports.memoryMb,
      timeout: config.functions.reports.timeoutSeconds,
      tracing_config: { mode: "Active" },
      vpc_config: { subnet_ids: network.privateSubnetIds, security_group_ids: [network.lambdaSecurityGroupId] },
      logging_config: { log_format: "JSON" },
      source_code_hash: fn.bundle.hash,
    });
    expect(lambda.filename).toMatch(new RegExp(`^assets/.+/${fn.bundle.hash}/archive\\.zip$`));
    expect(lambda.reserved_concurrent_executions).toBe(config.functions.reports.reservedConcurrency);
  });

  it("runs outside the VPC only when told why: a tag with the reason, and no ENI permissions", () => {
    const app = Testing.app();
    const stack = new TerraformStack(app, "compute-outside-vpc");
    new NodeFunction(stack, "authorizer", {
      name: "authorizer",
      config,
      network,
      outsideVpc: "reaches a public AWS endpoint only",
      environmentKeyArn: FUNCTIONS_KEY,
    });
    const tf = JSON.parse(Testing.synth(stack));
    const lambda = Object.values(tf.resource.aws_lambda_function)[0] as Record<string, unknown>;
    expect(lambda.vpc_config).toBeUndefined();
    expect(lambda.tags).toEqual({ "outside-vpc": "reaches a public AWS endpoint only" });
    expect(lambda.tracing_config).toEqual({ mode: "Active" });
    const docs = tf.data.aws_iam_policy_document as Record<string, { statement: Array<{ actions: string[] }> }>;
    const policy = Object.entries(docs).find(([id]) => id.includes("policy-document"))![1];
    expect(policy.statement.flatMap((s) => s.actions).filter((a) => a.startsWith("ec2:"))).toEqual([]);
  });

  it("encrypts its environment variables with the project's key, which its role may decrypt with", () => {
    const { tf } = synthesize();
    const lambda = Object.values(tf.resource.aws_lambda_function)[0] as Record<string, unknown>;
    expect(lambda.kms_key_arn).toBe(FUNCTIONS_KEY);
    const docs = tf.data.aws_iam_policy_document as Record<
      string,
      { statement: Array<{ actions: string[]; resources: string[] }> }
    >;
    const policy = Object.entries(docs).find(([id]) => id.includes("policy-document"))![1];
    expect(policy.statement).toContainEqual(
      expect.objectContaining({ actions: ["kms:Decrypt"], resources: [FUNCTIONS_KEY] }),
    );
  });

  it("has its own log group with the environment's retention and the logs KMS key", () => {
    const { tf } = synthesize();
    const groups = Object.values(tf.resource.aws_cloudwatch_log_group);
    expect(groups).toEqual([
      {
        name: "/aws/lambda/ecommerce-analytics-prod-reports",
        retention_in_days: config.logRetentionDays,
        kms_key_id: network.logsKeyArn,
      },
    ]);
    const lambda = Object.values(tf.resource.aws_lambda_function)[0] as { logging_config: { log_group: string } };
    expect(lambda.logging_config.log_group).toMatch(/^\$\{aws_cloudwatch_log_group\..+\.name\}$/);
  });

  it("has environment variables without secrets, with source maps on", () => {
    const { tf } = synthesize();
    const lambda = Object.values(tf.resource.aws_lambda_function)[0] as {
      environment: { variables: Record<string, string> };
    };
    expect(lambda.environment.variables).toEqual({
      DB_PROXY_ENDPOINT: "proxy.example.internal",
      DB_NAME: "analytics",
      DB_USER: "app_user",
      POWERTOOLS_SERVICE_NAME: "ecommerce-analytics",
      POWERTOOLS_METRICS_NAMESPACE: "EcommerceAnalytics",
      POWERTOOLS_LOG_LEVEL: "INFO",
      NODE_OPTIONS: "--enable-source-maps",
    });
    for (const key of Object.keys(lambda.environment.variables)) expect(key).not.toMatch(/PASSWORD|SECRET|TOKEN/);
    expect(() => assertNoSecrets({ DB_PASSWORD: "x" })).toThrow(/DB_PASSWORD/);
    expect(() => assertNoSecrets({ APP_SECRET_ARN: "arn:aws:secretsmanager:..." })).not.toThrow();
    expect(
      () =>
        new NodeFunction(new TerraformStack(Testing.app(), "s"), "f", {
          name: "health",
          config,
          network,
          environment: { DB_PASSWORD: "hunter2" },
          environmentKeyArn: FUNCTIONS_KEY,
        }),
    ).toThrow(/DB_PASSWORD/);
  });

  it("has a least-privilege role: lambda trust, no '*' action, no '*' resource except where AWS requires it", () => {
    const { tf } = synthesize();
    const docs = tf.data.aws_iam_policy_document as Record<string, { statement: Array<Record<string, unknown>> }>;
    const trust = Object.entries(docs).find(([id]) => id.includes("assume-role"))![1];
    expect(trust.statement).toEqual([
      {
        effect: "Allow",
        actions: ["sts:AssumeRole"],
        principals: [{ type: "Service", identifiers: ["lambda.amazonaws.com"] }],
      },
    ]);
    const policy = Object.entries(docs).find(([id]) => id.includes("policy-document"))![1];
    const statements = policy.statement as Array<{ effect: string; actions: string[]; resources: string[] }>;
    for (const s of statements) {
      expect(s.effect).toBe("Allow");
      expect(s.actions.some((a) => a === "*" || a.endsWith(":*"))).toBe(false);
      if (s.resources.includes("*")) {
        // ENI management and X-Ray have no resource-level permissions.
        for (const action of s.actions)
          expect(action).toMatch(
            /^(ec2:(Create|Describe|Delete)NetworkInterfaces?|ec2:DescribeSubnets|ec2:(Assign|Unassign)PrivateIpAddresses|xray:Put(TraceSegments|TelemetryRecords))$/,
          );
      }
    }
    const logs = statements.find((s) => s.actions.includes("logs:PutLogEvents"))!;
    expect(logs.resources).toEqual([expect.stringMatching(/^\$\{aws_cloudwatch_log_group\..+\.arn\}:\*$/)]);
    const rds = statements.find((s) => s.actions.includes("rds-db:connect"))!;
    expect(rds.resources).toEqual([
      expect.stringMatching(
        /^arn:\$\{data\.aws_partition\..+\.partition\}:rds-db:eu-west-1:\$\{data\.aws_caller_identity\..+\.account_id\}:dbuser:prx-0abc\/app_user$/,
      ),
    ]);
    const role = Object.values(tf.resource.aws_iam_role)[0] as { name: string };
    expect(role.name).toBe("ecommerce-analytics-prod-reports");
  });

  it("applies reserved concurrency when the config sets it", () => {
    const app = Testing.app();
    const stack = new TerraformStack(app, "reserved");
    const reserved = {
      ...config,
      functions: { ...config.functions, health: { memoryMb: 256, timeoutSeconds: 5, reservedConcurrency: 7 } },
    };
    new NodeFunction(stack, "health", {
      name: "health",
      config: reserved,
      network,
      physicalName: "custom-health",
      environmentKeyArn: FUNCTIONS_KEY,
    });
    const synth = Testing.synth(stack);
    expect(synth).toHaveResourceWithProperties(LambdaFunction, {
      function_name: "custom-health",
      reserved_concurrent_executions: 7,
    });
  });
});
