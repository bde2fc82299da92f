import { fieldPath, issueDetails } from "../../shared/zod-issues";
import { auroraProblems } from "./aurora";
import { capacityProblems } from "./capacity";
import { contains, overlaps, parseCidr, type Cidr } from "./cidr";
import { REGION_AZ_COUNTS } from "./regions";
import { releaseProblems } from "./releases";
import { resilienceProblems } from "./resilience";
import { environmentSchema } from "./schema";
import { ENVIRONMENT_NAMES, type EnvironmentConfig } from "./types";

/** A broken environment config: the message names every field at fault, e.g. `prod.network.privateSubnets[1]`. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid environment config:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
  }
}

/** Checks the network plan: every subnet a valid network inside the VPC, one per AZ and tier, none overlapping. */
function networkProblems(config: EnvironmentConfig): string[] {
  const at = `${config.name}.network`;
  const problems: string[] = [];
  const vpc = parseCidr(config.network.vpcCidr);
  if (!vpc) return [`${at}.vpcCidr: ${config.network.vpcCidr} is not an IPv4 network in CIDR form`];
  const seen: { field: string; cidr: Cidr }[] = [];
  for (const tier of ["publicSubnets", "privateSubnets", "databaseSubnets"] as const) {
    const subnets = config.network[tier];
    if (subnets.length !== config.azCount)
      problems.push(`${at}.${tier}: ${subnets.length} subnets for ${config.azCount} availability zones`);
    subnets.forEach((text, i) => {
      const field = `${at}.${tier}[${i}]`;
      const cidr = parseCidr(text);
      if (!cidr) return void problems.push(`${field}: ${text} is not an IPv4 network in CIDR form`);
      if (!contains(vpc, cidr)) problems.push(`${field}: ${text} is outside the VPC ${vpc.text}`);
      const clash = seen.find((s) => overlaps(s.cidr, cidr));
      if (clash) problems.push(`${field}: ${text} overlaps ${clash.field} (${clash.cidr.text})`);
      seen.push({ field, cidr });
    });
  }
  if (config.network.natGateways > config.azCount)
    problems.push(
      `${at}.natGateways: ${config.network.natGateways} NAT gateways for ${config.azCount} availability zones`,
    );
  return problems;
}

function semanticProblems(config: EnvironmentConfig, key: string): string[] {
  const problems: string[] = [];
  if (config.name !== key) problems.push(`${key}.name: is "${config.name}" under the key "${key}"`);
  const azs = REGION_AZ_COUNTS[config.region];
  if (config.azCount > azs)
    problems.push(`${config.name}.azCount: ${config.azCount} but ${config.region} has ${azs} availability zones`);
  if (config.database.maxAllocatedStorageGb <= config.database.allocatedStorageGb) {
    problems.push(
      `${config.name}.database.maxAllocatedStorageGb: must exceed allocatedStorageGb for storage autoscaling`,
    );
  }
  const { people } = config;
  if (people.threatProtection !== "OFF" && people.featurePlan !== "PLUS")
    problems.push(
      `${config.name}.people.threatProtection: ${people.threatProtection} needs featurePlan PLUS ` +
        `(Cognito's ${people.featurePlan} plan has no threat protection)`,
    );
  if (config.tags.environment !== config.name)
    problems.push(`${config.name}.tags.environment: is "${config.tags.environment}"`);
  return [
    ...problems,
    ...networkProblems(config),
    ...capacityProblems(config),
    ...releaseProblems(config.name, config.releases, config.functions),
    ...resilienceProblems(config),
    ...auroraProblems(config),
  ];
}

/** Validates one environment's settings; throws ConfigError naming every field at fault. */
export function validateEnvironment(key: string, raw: unknown): EnvironmentConfig {
  if (!(ENVIRONMENT_NAMES as readonly string[]).includes(key)) {
    throw new ConfigError([`${key}: unknown environment (known: ${ENVIRONMENT_NAMES.join(", ")})`]);
  }
  const parsed = environmentSchema.safeParse(raw, { reportInput: true });
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.flatMap(issueDetails).map(({ path, message }) => `${fieldPath([key, ...path])}: ${message}`),
    );
  }
  const config = parsed.data;
  const problems = semanticProblems(config, key);
  if (problems.length > 0) throw new ConfigError(problems);
  return config;
}
