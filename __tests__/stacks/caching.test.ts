import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { App, TerraformStack, Testing } from "cdktf";
import { CONSISTENCY_HEADER } from "../../functions/middleware/http-handler";
import { queryParameterNames } from "../../shared/routes";
import { FUNCTION_NAMES, routes, type FunctionName, type Route } from "../../shared/routes";
import {
  CACHE_CLUSTER_SIZES,
  CACHE_KEY_HEADERS,
  CALLER_HEADERS,
  cacheTtlSeconds,
  headerParameter,
  methodSettingsPath,
  queryParameter,
} from "../../shared/stage-cache";
import { ApiStack } from "../../stacks/api-stack";
import {
  ConfigError,
  ENVIRONMENT_NAMES,
  environmentSettings,
  loadEnvironments,
  validateEnvironment,
  type EnvironmentConfig,
} from "../../stacks/config";
import { RestApi, type RestApiProps } from "../../stacks/constructs/api/rest-api";
import { checkStack, formatViolations } from "../../stacks/policy";
import { checkTooling, formatValidation, validateSynthOutput } from "../../stacks/terraform/validate";
import { dataOutputs, networkOutputs } from "../support/stack-outputs";

/**
 * The API stage cache (docs/caching.md) over the synthesized Terraform of every environment: off
 * by default; on, a cache cluster with caching off stage-wide and on only for the route table's
 * cached report routes, each keyed by both caller headers, Accept and its every query parameter,
 * encrypted, invalidation refused; valid Terraform for the AWS provider.
 */
/* eslint-disable @typescript-eslint/no-explicit-any -- synthesized Terraform JSON is untyped */
type Block = Record<string, any>;
interface Synth {
  resource: Record<string, Record<string, Block>>;
}

const configs = loadEnvironments(environmentSettings({}));
const withCache = (config: EnvironmentConfig, ttlSeconds = 120): EnvironmentConfig => ({
  ...config,
  api: { ...config.api, stageCache: { enabled: true, clusterSizeGb: "0.5", ttlSeconds } },
});

function synthApi(config: EnvironmentConfig, app = new App({ outdir: Testing.app().outdir, stackTraces: false })) {
  const stack = new ApiStack(app, config, networkOutputs, dataOutputs);
  return JSON.parse(Testing.synth(stack)) as Synth;
}
const all = (synth: Synth, type: string): Block[] => Object.values(synth.resource[type] ?? {});
const named = (synth: Synth, type: string, name: string): Block => synth.resource[type][name];
/** `${aws_x.NAME.attr}` -> NAME. */
const refName = (token: unknown) => /^\$\{[a-z0-9_]+\.([^.}]+)\.[a-z_]+\}$/.exec(String(token))?.[1] ?? "";

/** Each method's settings path (`api/v1/reports/summary/GET`) -> its method and integration. */
function methodsByPath(synth: Synth): Map<string, { method: Block; integration: Block }> {
  const resources = synth.resource.aws_api_gateway_resource;
  const pathOf = (name: string): string => {
    const resource = resources[name];
    const parent = String(resource.parent_id).startsWith("${aws_api_gateway_resource.")
      ? pathOf(refName(resource.parent_id))
      : "";
    return `${parent}/${resource.path_part}`;
  };
  const out = new Map<string, { method: Block; integration: Block }>();
  for (const [name, integration] of Object.entries(synth.resource.aws_api_gateway_integration)) {
    void name;
    const method = named(synth, "aws_api_gateway_method", refName(integration.http_method));
    out.set(`${pathOf(refName(method.resource_id)).slice(1)}/${method.http_method}`, { method, integration });
  }
  return out;
}

const cachedRoutes = routes.filter((r) => r.cache);

describe("the route table's cache marks", () => {
  it("mark GET report routes only, never ingestion, health or realtime", () => {
    expect(cachedRoutes.map((r) => r.operationId)).toEqual([
      "summaryReport",
      "salesReport",
      "productsReport",
      "funnelReport",
      "cohortsReport",
    ]);
    for (const route of cachedRoutes) {
      expect(route.method).toBe("GET");
      expect(route.functionName).toBe("reports");
      expect(route.apiKeyRequired).toBe(true);
      expect(route.cache!.ttlSeconds).toBeGreaterThan(0);
      expect(route.cache!.ttlSeconds).toBeLessThanOrEqual(3600);
    }
  });

  it("cap the environment's TTL by the route's, and cache nothing with the cache off", () => {
    const summary = routes.find((r) => r.operationId === "summaryReport")!;
    const ingest = routes.find((r) => r.operationId === "ingestOrders")!;
    const on = { enabled: true, clusterSizeGb: "0.5" as const, ttlSeconds: 3600 };
    expect(cacheTtlSeconds(summary, on)).toBe(summary.cache!.ttlSeconds);
    expect(cacheTtlSeconds(summary, { ...on, ttlSeconds: 30 })).toBe(30);
    expect(cacheTtlSeconds(summary, { ...on, enabled: false })).toBeUndefined();
    expect(cacheTtlSeconds(ingest, on)).toBeUndefined();
    expect(cacheTtlSeconds({ ...ingest, cache: { ttlSeconds: 60 } }, on)).toBeUndefined(); // a POST, whatever it says
  });
});

describe("the cache key headers", () => {
  it("include every request header the reports handler reads to choose its answer", () => {
    const keyed = CACHE_KEY_HEADERS.map((h) => h.toLowerCase());
    expect(keyed).toEqual(expect.arrayContaining(["x-api-key", "authorization", "accept", CONSISTENCY_HEADER]));
  });
});

describe("api.stageCache config", () => {
  const problemsOf = (mutate: (settings: any) => void): string[] => {
    const settings = environmentSettings({}).staging as any;
    mutate(settings.api.stageCache);
    try {
      validateEnvironment("staging", settings);
    } catch (error) {
      if (error instanceof ConfigError) return error.problems;
      throw error;
    }
    return [];
  };

  it.each(ENVIRONMENT_NAMES)("is off in %s by default", (env) => {
    expect(configs[env].api.stageCache.enabled).toBe(false);
  });

  it("accepts API Gateway's cluster sizes and TTLs from 1 s to an hour", () => {
    for (const size of CACHE_CLUSTER_SIZES) expect(problemsOf((c) => (c.clusterSizeGb = size))).toEqual([]);
    expect(problemsOf((c) => Object.assign(c, { enabled: true, ttlSeconds: 3600 }))).toEqual([]);
    expect(problemsOf((c) => (c.ttlSeconds = 1))).toEqual([]);
  });

  it("names a wrong size, TTL or field", () => {
    expect(problemsOf((c) => (c.clusterSizeGb = "1"))).toEqual([
      expect.stringMatching(/^staging\.api\.stageCache\.clusterSizeGb: /),
    ]);
    expect(problemsOf((c) => (c.ttlSeconds = 0))).toEqual([
      expect.stringMatching(/^staging\.api\.stageCache\.ttlSeconds: .*set enabled: false/),
    ]);
    expect(problemsOf((c) => (c.ttlSeconds = 3601))).toEqual([
      expect.stringMatching(/^staging\.api\.stageCache\.ttlSeconds: .*3600/),
    ]);
    expect(problemsOf((c) => (c.ttlSeconds = 1.5))).toHaveLength(1);
    expect(problemsOf((c) => (c.enabled = "yes"))).toHaveLength(1);
    expect(problemsOf((c) => (c.sizeGb = "0.5"))).toEqual([expect.stringContaining("sizeGb")]);
  });
});

describe.each(ENVIRONMENT_NAMES)("the stage cache in %s", (env) => {
  describe("off (the default)", () => {
    const synth = synthApi(configs[env]);

    it("runs no cache cluster, caches no method and declares no cache keys", () => {
      expect(all(synth, "aws_api_gateway_stage")).toEqual([expect.objectContaining({ cache_cluster_enabled: false })]);
      expect(all(synth, "aws_api_gateway_stage")[0]).not.toHaveProperty("cache_cluster_size");
      const settings = all(synth, "aws_api_gateway_method_settings");
      expect(settings).toHaveLength(1);
      expect(settings[0]).toMatchObject({ method_path: "*/*", settings: { caching_enabled: false } });
      for (const integration of all(synth, "aws_api_gateway_integration"))
        expect(integration).not.toHaveProperty("cache_key_parameters");
    });
  });

  describe("on", () => {
    const config = withCache(configs[env]);
    const synth = synthApi(config);
    const byPath = methodsByPath(synth);
    const settingsByPath = new Map(all(synth, "aws_api_gateway_method_settings").map((s) => [s.method_path, s]));

    it("runs a cache cluster of the configured size, with caching off stage-wide", () => {
      expect(all(synth, "aws_api_gateway_stage")).toEqual([
        expect.objectContaining({ cache_cluster_enabled: true, cache_cluster_size: "0.5" }),
      ]);
      expect(settingsByPath.get("*/*")!.settings).toMatchObject({
        caching_enabled: false,
        metrics_enabled: true,
        logging_level: "ERROR",
      });
    });

    it("caches exactly the marked report routes, each for the shorter TTL, encrypted, invalidation refused", () => {
      const cachedPaths = [...settingsByPath.keys()].filter((p) => p !== "*/*").sort();
      expect(cachedPaths).toEqual(cachedRoutes.map(methodSettingsPath).sort());
      const stageWide = settingsByPath.get("*/*")!.settings;
      for (const route of cachedRoutes) {
        expect(settingsByPath.get(methodSettingsPath(route))!.settings).toEqual({
          ...stageWide,
          caching_enabled: true,
          cache_ttl_in_seconds: Math.min(route.cache!.ttlSeconds, 120),
          cache_data_encrypted: true,
          require_authorization_for_cache_control: true,
          unauthorized_cache_control_header_strategy: "FAIL_WITH_403",
        });
      }
    });

    it.each(cachedRoutes.map((r) => [`${r.method} ${r.path}`, r] as const))(
      "keys %s by both caller headers, Accept, X-Consistency and every query parameter it takes",
      (_, route) => {
        const { method, integration } = byPath.get(methodSettingsPath(route))!;
        const expected = [
          ...CALLER_HEADERS.map(headerParameter),
          headerParameter("Accept"),
          headerParameter("X-Consistency"),
          ...queryParameterNames(route.operationId).map(queryParameter),
        ];
        expect(queryParameterNames(route.operationId)).toEqual(expect.arrayContaining(["from", "to", "timezone"]));
        expect(integration.cache_key_parameters).toEqual(expected);
        expect(integration.cache_namespace).toBe(method.resource_id);
        // A cache key parameter must be a declared (optional) request parameter of the method.
        expect(method.request_parameters).toEqual(Object.fromEntries(expected.map((p) => [p, false])));
      },
    );

    it("caches no ingestion, health or realtime, and declares no cache key on them", () => {
      for (const route of routes.filter((r) => !r.cache)) {
        expect(settingsByPath.has(methodSettingsPath(route))).toBe(false);
        const { method, integration } = byPath.get(methodSettingsPath(route))!;
        expect(integration).not.toHaveProperty("cache_key_parameters");
        expect(method).not.toHaveProperty("request_parameters");
      }
    });

    it("every cached method's cache key holds the caller headers (over the JSON) and every policy rule passes", () => {
      for (const [path, settings] of settingsByPath) {
        if (settings.settings.caching_enabled !== true) continue;
        const keys = byPath.get(path)!.integration.cache_key_parameters as string[];
        for (const header of CALLER_HEADERS) expect(keys).toContain(headerParameter(header));
      }
      expect(formatViolations(checkStack(JSON.stringify(synth), `api-${env}`))).toBe("");
    });
  });
});

describe("the deployment", () => {
  const fakeFunctions = Object.fromEntries(
    FUNCTION_NAMES.map((name) => [name, { functionName: `fn-${name}`, invokeArn: `arn:fn-${name}` }]),
  ) as Record<FunctionName, { functionName: string; invokeArn: string }>;
  const definitionWith = (stageCache?: RestApiProps["stageCache"]): string => {
    const stack = new TerraformStack(Testing.app(), "rest-api-cache");
    new AwsProvider(stack, "aws", { region: "eu-west-1" });
    new RestApi(stack, "rest-api", {
      prefix: "test",
      stageName: "v1",
      throttle: { rateLimit: 100, burstLimit: 200 },
      logRetentionDays: 14,
      logsKeyArn: networkOutputs.logsKeyArn,
      functions: fakeFunctions,
      stageCache,
    });
    const synth = JSON.parse(Testing.synth(stack)) as Synth;
    return all(synth, "aws_api_gateway_deployment")[0].triggers.definition as string;
  };
  const on = (ttlSeconds: number, queryNames = (route: Route) => queryParameterNames(route.operationId)) => ({
    enabled: true,
    clusterSizeGb: "0.5" as const,
    ttlSeconds,
    queryNames,
  });

  it("is redeployed when the cache keys change (they are the methods' and integrations'), not for a TTL", () => {
    expect(definitionWith(on(60))).toBe(definitionWith(on(120)));
    expect(definitionWith(on(60))).not.toBe(definitionWith());
    expect(definitionWith(on(60))).not.toBe(definitionWith(on(60, () => ["from"])));
  });
});

const tooling = checkTooling();
if (!tooling.ok) {
  console.warn(`terraform validate skipped: ${tooling.reason}`);
  test.skip(`terraform validate with the stage cache on (skipped: ${tooling.reason})`, () => undefined);
} else {
  describe(`terraform ${tooling.tooling.version} validate, the stage cache on`, () => {
    let outdir: string;
    const results = new Map<string, Awaited<ReturnType<typeof validateSynthOutput>>[number]>();
    beforeAll(async () => {
      outdir = mkdtempSync(join(tmpdir(), "api-cache-"));
      const app = new App({ outdir, stackTraces: false });
      for (const env of ENVIRONMENT_NAMES)
        new ApiStack(app, withCache(configs[env], env === "prod" ? 300 : 60), networkOutputs, dataOutputs);
      app.synth();
      for (const result of await validateSynthOutput(outdir, { tooling: tooling.tooling }))
        results.set(result.stack, result);
    }, 600_000);
    afterAll(() => rmSync(outdir, { recursive: true, force: true }));

    test.each(ENVIRONMENT_NAMES.map((env) => `api-${env}`))("%s is valid", (stack) => {
      const result = results.get(stack);
      expect(result).toBeDefined();
      if (result && !result.valid) throw new Error(`terraform validate failed:\n${formatValidation(result)}`);
    });
  });
}
