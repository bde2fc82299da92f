import { ApiGatewayUsagePlan } from "@cdktf/provider-aws/lib/api-gateway-usage-plan";
import { LambdaInvocation } from "@cdktf/provider-aws/lib/lambda-invocation";
import { dependable, TerraformOutput } from "cdktf";
import type { Construct } from "constructs";
import { migrationsHash } from "../shared/migrations-hash";
import { usagePlanName, userPoolName } from "../shared/physical-names";
import { queryParameterNames } from "../shared/routes";
import { FUNCTION_NAMES, routes as ROUTE_TABLE, type FunctionName, type Route } from "../shared/routes";
import type { EnvironmentConfig } from "./config";
import { PeopleKey } from "./constructs/api/people-key";
import { RestApi } from "./constructs/api/rest-api";
import { SmokeTestSecret } from "./constructs/api/smoke-secret";
import { ApiWaf } from "./constructs/api/waf";
import {
  accountContext,
  NodeFunction,
  rdsDbConnectStatement,
  type PolicyStatement,
} from "./constructs/compute/node-function";
import { HistoryExport } from "./constructs/history/history-export";
import { PeoplePool } from "./constructs/identity/people-pool";
import { FunctionReleases, liveAliases } from "./constructs/release/function-releases";
import type { LiveAlias } from "./constructs/release/live-alias";
import { CustomerKey } from "./constructs/security/customer-key";
import type { ApiOutputs, DataOutputs, DeployedFunction, NetworkOutputs } from "./contracts";
import { EnvironmentStack } from "./environment-stack";

export interface ApiStackOptions {
  /** The route table; default `shared/routes.ts` (tests pass a bigger one). */
  routes?: readonly Route[];
}

/**
 * The `api-<env>` stack: the Lambda functions (ingest, reports, health from the route table;
 * migrate, run on every deploy whose migrations or code changed; admin, for the store command;
 * the authorizer), the REST API built from the route table, the usage plan every store's key is
 * attached to, the people's Cognito user pool with the key and usage plan that stand for them,
 * and the WAF in front of the stage.
 */
export class ApiStack extends EnvironmentStack {
  readonly outputs: ApiOutputs;
  readonly functions: Record<DeployedFunction, NodeFunction>;
  readonly restApi: RestApi;
  readonly usagePlan: ApiGatewayUsagePlan;
  readonly waf: ApiWaf;
  readonly migration: LambdaInvocation;
  readonly functionsKey: CustomerKey;
  readonly people: PeoplePool;
  readonly peopleKey: PeopleKey;
  readonly peopleUsagePlan: ApiGatewayUsagePlan;
  /** The `live` aliases API Gateway invokes and their CodeDeploy releases (docs/releases.md). */
  readonly releases: FunctionReleases;
  /** The raw rows' export to S3 as Parquet, Glue and Athena over it (docs/history-export.md). */
  readonly historyExport: HistoryExport;

  constructor(
    scope: Construct,
    config: EnvironmentConfig,
    network: NetworkOutputs,
    data: DataOutputs,
    options: ApiStackOptions = {},
  ) {
    super(scope, "api", config);
    const { region } = config;

    const { account, partition } = accountContext(this);
    // Every function's environment variables are encrypted with this key, not the AWS-managed one.
    this.functionsKey = new CustomerKey(this, "functions-key", {
      prefix: this.prefix,
      name: "functions",
      purpose: "Lambda environment variables",
      accountId: account.accountId,
      partition: partition.partition,
    });
    const environmentKeyArn = this.functionsKey.key.arn;
    const connectAs = (dbUser: string) =>
      rdsDbConnectStatement(this, { region, proxyResourceId: data.proxyResourceId, dbUser });
    const database = (dbUser: string) => ({
      environment: { DB_PROXY_ENDPOINT: data.proxyEndpoint, DB_NAME: data.databaseName, DB_USER: dbUser },
      statements: [connectAs(dbUser)],
      environmentKeyArn,
    });
    const appDatabase = database(data.appUsername);
    // Reports read through the proxy's read-only endpoint where the data stack has Aurora readers
    // (docs/read-replicas.md): same user and IAM grant (rds-db:connect names the proxy, not the endpoint).
    const readsFrom = (name: FunctionName) =>
      name === "reports" && data.proxyReaderEndpoint
        ? {
            ...appDatabase,
            environment: { ...appDatabase.environment, DB_PROXY_READER_ENDPOINT: data.proxyReaderEndpoint },
          }
        : appDatabase;

    // --- the API's functions, one per concern of the route table ---------------------------
    const apiFunctions = Object.fromEntries(
      FUNCTION_NAMES.map((name) => [
        name,
        new NodeFunction(this, `function-${name}`, { name, config, network, ...readsFrom(name), publish: true }),
      ]),
    ) as Record<FunctionName, NodeFunction>;

    // --- migrations: run on deploy, as the master user, through the proxy --------------------
    const masterDatabase = database(data.masterUsername);
    const appSecretStatements: PolicyStatement[] = [
      {
        // The migration creates the app user's password and stores it where the proxy reads it.
        actions: ["secretsmanager:GetSecretValue", "secretsmanager:PutSecretValue"],
        resources: [data.appSecretArn],
      },
      {
        // The secret is encrypted with the database's key: usable only through Secrets Manager
        // and only for this secret.
        actions: ["kms:Decrypt", "kms:GenerateDataKey"],
        resources: [data.databaseKeyArn],
        conditions: [
          { test: "StringEquals", variable: "kms:ViaService", values: [`secretsmanager.${region}.amazonaws.com`] },
          { test: "StringEquals", variable: "kms:EncryptionContext:SecretARN", values: [data.appSecretArn] },
        ],
      },
    ];
    const migrate = new NodeFunction(this, "function-migrate", {
      name: "migrate",
      config,
      network,
      environment: { ...masterDatabase.environment, APP_DB_USER: data.appUsername, APP_SECRET_ARN: data.appSecretArn },
      // As the app user too: after filling its secret, the run checks its first login through the proxy.
      statements: [...masterDatabase.statements, connectAs(data.appUsername), ...appSecretStatements],
      environmentKeyArn,
    });
    // Invoked by `terraform apply` on create and whenever the migrations or the function's code
    // change. A failed migration throws, so the invocation, and with it the apply, fails.
    this.migration = new LambdaInvocation(this, "migration", {
      functionName: migrate.fn.functionName,
      input: JSON.stringify({}),
      triggers: { migrations: migrationsHash(), code: migrate.bundle.hash },
      dependsOn: [migrate.fn],
    });

    // --- admin: the store command's way into the database of a deployed environment ----------
    const admin = new NodeFunction(this, "function-admin", { name: "admin", config, network, ...appDatabase });

    // --- history: the scheduled export of raw rows to S3 as Parquet, Glue and Athena ------------
    this.historyExport = new HistoryExport(this, "history", {
      prefix: this.prefix,
      config,
      network,
      accountId: account.accountId,
      partition: partition.partition,
      region,
      database: appDatabase,
      environmentKeyArn,
    });

    // New handler code goes live only after the schema it expects: the functions that use the
    // database are created or updated after the migration run (which, failing, stops the apply
    // with the previous code still serving).
    for (const fn of [...Object.values(apiFunctions), admin, this.historyExport.exporter]) {
      fn.fn.dependsOn = [...(fn.fn.dependsOn ?? []), dependable(this.migration)];
    }

    // --- people: their user pool, the key that stands for them, the authorizer -----------------
    this.people = new PeoplePool(this, "people", { name: userPoolName(this.prefix), region, people: config.people });
    this.peopleKey = new PeopleKey(this, "people-key", { prefix: this.prefix, people: config.people });
    const authorizer = new NodeFunction(this, "function-authorizer", {
      name: "authorizer",
      config,
      network,
      // Tag values allow letters, digits, spaces and + - = . _ : / @ only.
      outsideVpc: "fetches the Cognito user pool signing keys from a public AWS endpoint - reaches nothing in the VPC",
      publish: true,
      environment: {
        PEOPLE_ISSUER: this.people.issuer,
        PEOPLE_CLIENT_ID: this.people.client.id,
        // Not a credential: it only names the people's usage plan (see people-key.ts).
        PEOPLE_USAGE_IDENTIFIER: this.peopleKey.key.value,
      },
      environmentKeyArn,
    });

    this.functions = { ...apiFunctions, migrate, admin, authorizer };

    // --- the REST API, its usage plan and WAF --------------------------------------------------
    // API Gateway invokes each function's `live` alias, never $LATEST: a release is CodeDeploy
    // shifting the alias (constructs/release, docs/releases.md).
    const aliases = liveAliases(this, { ...apiFunctions, authorizer }, config.releases);
    const throughAlias = (live: LiveAlias) => ({
      functionName: live.alias.functionName,
      invokeArn: live.alias.invokeArn,
      qualifier: live.alias.name,
    });
    const routeTable = options.routes ?? ROUTE_TABLE;
    this.restApi = new RestApi(this, "rest-api", {
      prefix: this.prefix,
      stageName: config.api.stageName,
      throttle: { rateLimit: config.api.stageRateLimit, burstLimit: config.api.stageBurstLimit },
      manageAccountLogging: config.api.manageAccountLogging,
      logRetentionDays: config.logRetentionDays,
      logsKeyArn: network.logsKeyArn,
      functions: Object.fromEntries(FUNCTION_NAMES.map((name) => [name, throughAlias(aliases[name])])) as Record<
        FunctionName,
        ReturnType<typeof throughAlias>
      >,
      routes: routeTable,
      authorizer: throughAlias(aliases.authorizer),
      // Keyed by every query parameter a route takes: the handler's own schema names them.
      stageCache: { ...config.api.stageCache, queryNames: (route) => queryParameterNames(route.operationId) },
    });

    this.releases = new FunctionReleases(this, "releases", {
      prefix: this.prefix,
      releases: config.releases,
      functions: { ...apiFunctions, authorizer },
      aliases,
      api: { name: this.restApi.name, stageName: config.api.stageName },
      routes: routeTable,
    });

    // No keys here: the store command creates each store's key and attaches it to this plan,
    // which it finds by name.
    this.usagePlan = new ApiGatewayUsagePlan(this, "usage-plan", {
      name: usagePlanName(this.prefix),
      description: `Every store's API key: ${config.api.requestsPerMinutePerKey} requests per minute per key (SPEC 2)`,
      apiStages: [{ apiId: this.restApi.api.id, stage: this.restApi.stage.stageName }],
      throttleSettings: {
        // Usage plans throttle per second: 1000/min is ~16.67/s, with the configured burst.
        rateLimit: config.api.requestsPerMinutePerKey / 60,
        burstLimit: config.api.burstLimit,
      },
    });

    this.peopleUsagePlan = this.peopleKey.addUsagePlan(this.restApi.api.id, this.restApi.stage.stageName);

    this.waf = new ApiWaf(this, "waf", {
      prefix: this.prefix,
      rateLimitPerIp: config.api.wafRateLimitPerIp,
      stageArn: this.restApi.stage.arn,
      logRetentionDays: config.logRetentionDays,
      logsKeyArn: network.logsKeyArn,
    });

    // Names known at synth time are handed over as plain strings, not cross-stack references:
    // the observability stack's alarms and dashboard then plan without this stack's state
    // (a fresh environment's PR plan) and do not churn when this stack is replaced.
    const functionNames = Object.fromEntries(
      Object.entries(this.functions).map(([name, fn]) => [name, fn.physicalName]),
    ) as Record<DeployedFunction, string>;
    this.outputs = {
      restApiId: this.restApi.api.id,
      restApiName: this.restApi.name,
      stageName: config.api.stageName,
      apiUrl: this.restApi.url,
      usagePlanId: this.usagePlan.id,
      functionNames,
      people: {
        userPoolId: this.people.pool.id,
        clientId: this.people.client.id,
        endpoint: this.people.endpoint,
      },
    };

    new TerraformOutput(this, "api_url", {
      value: this.restApi.url,
      description: "The API's base URL (stage invoke URL)",
    });
    new TerraformOutput(this, "usage_plan_id", {
      value: this.usagePlan.id,
      description: "The usage plan stores' keys are attached to",
    });
    new TerraformOutput(this, "user_pool_id", {
      value: this.people.pool.id,
      description: "The people's Cognito user pool (npm run store -- add-user --env)",
    });
    new TerraformOutput(this, "admin_function_name", {
      value: admin.fn.functionName,
      description: "The store command's admin function",
    });

    // The smoke-test store's key, written by the deploy's smoke-key step (no value in Terraform).
    const smokeSecret = new SmokeTestSecret(this, "smoke-secret", {
      prefix: this.prefix,
      kmsKeyArn: data.databaseKeyArn,
    });
    new TerraformOutput(this, "smoke_secret_arn", {
      value: smokeSecret.secret.arn,
      description: "The deploy workflow's smoke-test key (npm run store -- smoke-key)",
    });
  }
}
