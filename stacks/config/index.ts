import { environmentSettings } from "./environments";
import { ConfigError, validateEnvironment } from "./validate";
import { ENVIRONMENT_NAMES, type EnvironmentConfig, type EnvironmentName } from "./types";

export * from "./types";
export { ConfigError, validateEnvironment } from "./validate";
export { environmentSettings } from "./environments";

/** Every environment's validated config, or one ConfigError listing all problems of all environments. */
export function loadEnvironments(
  settings: Record<string, unknown> = environmentSettings(),
): Record<EnvironmentName, EnvironmentConfig> {
  const problems: string[] = [];
  const out: Partial<Record<EnvironmentName, EnvironmentConfig>> = {};
  for (const [key, raw] of Object.entries(settings)) {
    try {
      out[key as EnvironmentName] = validateEnvironment(key, raw);
    } catch (error) {
      if (error instanceof ConfigError) problems.push(...error.problems);
      else throw error;
    }
  }
  for (const name of ENVIRONMENT_NAMES) if (!(name in settings)) problems.push(`${name}: missing environment`);
  if (problems.length > 0) throw new ConfigError(problems);
  return out as Record<EnvironmentName, EnvironmentConfig>;
}

/** Which environments to synthesize: all, or those named in CDKTF_ENVIRONMENTS (comma-separated). */
export function selectedEnvironments(env: NodeJS.ProcessEnv = process.env): EnvironmentName[] {
  const wanted = env.CDKTF_ENVIRONMENTS?.split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  if (!wanted?.length) return [...ENVIRONMENT_NAMES];
  const unknown = wanted.filter((w) => !(ENVIRONMENT_NAMES as readonly string[]).includes(w));
  if (unknown.length) throw new ConfigError(unknown.map((u) => `CDKTF_ENVIRONMENTS: unknown environment ${u}`));
  return wanted as EnvironmentName[];
}
