import { CALLER_HEADERS, headerParameter } from "../../shared/stage-cache";
import { blocks, entries, strings, type Block, type Finding, type TerraformJson } from "./types";

const RULE = "api-cache-keyed-by-caller" as const;

/** `${aws_x.NAME.attr}` -> NAME, when `value` is exactly a reference to a resource of `type`. */
function referenced(value: unknown, type: string): string | undefined {
  return typeof value === "string" ? new RegExp(`^\\$\\{${type}\\.([^.}]+)\\.[a-z_]+\\}$`).exec(value)?.[1] : undefined;
}

/** The full path (`/api/v1/reports/summary`) of every aws_api_gateway_resource, by name; undefined if unresolvable. */
function resourcePaths(tf: TerraformJson): Map<string, string | undefined> {
  const resources = tf.resource?.aws_api_gateway_resource ?? {};
  const paths = new Map<string, string | undefined>();
  const pathOf = (name: string, seen: Set<string>): string | undefined => {
    if (paths.has(name)) return paths.get(name);
    const resource = resources[name];
    if (!resource || seen.has(name)) return undefined;
    seen.add(name);
    const parent = referenced(resource.parent_id, "aws_api_gateway_resource");
    const parentPath = parent === undefined ? "" : pathOf(parent, seen);
    const path = parentPath === undefined ? undefined : `${parentPath}/${String(resource.path_part)}`;
    paths.set(name, path);
    return path;
  };
  for (const name of Object.keys(resources)) pathOf(name, new Set());
  return paths;
}

/** Each method's settings path (`api/v1/reports/summary/GET`) and its integrations' cache key parameters. */
function cacheKeysByMethodPath(tf: TerraformJson): Map<string, string[][]> {
  const paths = resourcePaths(tf);
  const byPath = new Map<string, string[][]>();
  const methods = tf.resource?.aws_api_gateway_method ?? {};
  const methodPathOf = (resourceId: unknown, httpMethod: unknown): string | undefined => {
    const resource = referenced(resourceId, "aws_api_gateway_resource");
    const path = resource === undefined ? undefined : paths.get(resource);
    return path === undefined || typeof httpMethod !== "string" ? undefined : `${path.slice(1)}/${httpMethod}`;
  };
  for (const [, integration] of entries(tf, "aws_api_gateway_integration")) {
    const methodName = referenced(integration.http_method, "aws_api_gateway_method");
    const method: Block | undefined = methodName === undefined ? undefined : methods[methodName];
    const httpMethod = method ? method.http_method : integration.http_method;
    const path = methodPathOf(integration.resource_id, httpMethod);
    if (path !== undefined) byPath.set(path, [...(byPath.get(path) ?? []), strings(integration.cache_key_parameters)]);
  }
  return byPath;
}

/**
 * (i) The API stage cache never hands one caller another's answer: a stage with a cache cluster
 * turns caching off stage-wide (`*\/*`, else API Gateway caches every GET keyed by its path
 * alone); every cached method is a GET whose integration keys the cache by both caller headers
 * (`x-api-key` and `Authorization`: either identifies the store), with its data encrypted and
 * unauthorized invalidation (`Cache-Control: max-age=0`) refused with 403.
 */
export const apiCache = {
  id: RULE,
  description:
    "a cached aws_api_gateway_stage turns caching off for */*; every cached method is a GET whose integration's " +
    `cache_key_parameters include ${CALLER_HEADERS.map(headerParameter).join(" and ")}, ` +
    "with cache_data_encrypted and unauthorized cache invalidation refused (FAIL_WITH_403)",
  check(tf: TerraformJson): Finding[] {
    const findings: Finding[] = [];
    const flag = (address: string, message: string) => findings.push({ address, rule: RULE, message });
    const allSettings = entries(tf, "aws_api_gateway_method_settings").map(([address, block]) => ({
      address,
      block,
      settings: blocks(block.settings)[0] ?? {},
    }));

    for (const [address, stage] of entries(tf, "aws_api_gateway_stage")) {
      if (stage.cache_cluster_enabled !== true) continue;
      const name = address.slice("aws_api_gateway_stage.".length);
      const offStageWide = allSettings.some(
        ({ block, settings }) =>
          block.method_path === "*/*" &&
          settings.caching_enabled === false &&
          (referenced(block.stage_name, "aws_api_gateway_stage") === name || block.stage_name === stage.stage_name),
      );
      if (!offStageWide)
        flag(
          address,
          "cache cluster on without method settings */* caching_enabled = false (every GET cached by path)",
        );
    }

    const keys = cacheKeysByMethodPath(tf);
    for (const { address, block, settings } of allSettings) {
      if (settings.caching_enabled !== true) continue;
      const path = String(block.method_path ?? "");
      if (path.includes("*")) {
        flag(address, `caching on for ${path}: cache methods one by one, each keyed by its caller`);
        continue;
      }
      if (!path.endsWith("/GET")) flag(address, `caching on for ${path}: only GET answers may be cached`);
      if (settings.cache_data_encrypted !== true) flag(address, `${path}: cache_data_encrypted is not true`);
      if (
        settings.require_authorization_for_cache_control !== true ||
        settings.unauthorized_cache_control_header_strategy !== "FAIL_WITH_403"
      )
        flag(address, `${path}: unauthorized cache invalidation is not refused (FAIL_WITH_403)`);
      const integrations = keys.get(path);
      if (!integrations?.length) {
        flag(address, `${path}: no integration of this stack found for the cached method`);
        continue;
      }
      for (const parameters of integrations) {
        const lower = new Set(parameters.map((p) => p.toLowerCase()));
        const missing = CALLER_HEADERS.map(headerParameter).filter((p) => !lower.has(p.toLowerCase()));
        if (missing.length > 0)
          flag(
            address,
            `${path}: the cache key leaves out ${missing.join(", ")} (one store could get another's answer)`,
          );
      }
    }
    return findings;
  },
};
