/**
 * The stacks of a `cdktf synth` output, read from `cdktf.out/manifest.json` (never a hand-kept list):
 *
 *   matrix  the PR plan matrix: one entry per target environment, with its stacks in dependency order
 *   order   one environment's deployed stacks in dependency order, for `cdktf deploy`
 *
 *   npx tsx .github/scripts/cdktf-stacks.ts matrix [--out cdktf.out] [--environments dev,staging,prod]
 *   npx tsx .github/scripts/cdktf-stacks.ts order --environment dev [--out cdktf.out]
 *
 * `matrix` prints `{"include":[{environment, planRoleVariable, stacks}]}` (`stacks` comma-separated,
 * e.g. `bootstrap-dev,network-dev,data-dev,api-dev,observability-dev`) and, when GITHUB_OUTPUT is
 * set, writes `matrix=` and `environments=` (a JSON list) there for later jobs.
 * A stack's environment is the suffix of its name after the last "-" (`api-prod` -> `prod`).
 * Bootstrap stacks (the workflows' own OIDC provider and roles) are applied by an administrator:
 * they are planned (a pull request may change them) but never deployed here.
 */
import { appendFileSync, readFileSync } from "node:fs";
import { posix } from "node:path";

export interface ManifestStack {
  name: string;
  workingDirectory: string;
  dependencies?: string[];
}

export interface Manifest {
  stacks: Record<string, ManifestStack>;
}

/** One plan job of the PR plan workflow: an environment and its stacks. */
export interface EnvironmentPlan {
  environment: string;
  /** The repository variable holding this environment's plan role ARN, e.g. `AWS_PLAN_ROLE_ARN_DEV`. */
  planRoleVariable: string;
  /** Every stack of the environment, bootstrap included, in dependency order, comma-separated. */
  stacks: string;
}

export const DEFAULT_ENVIRONMENTS = ["dev", "staging", "prod"] as const;

/** Stack kinds in the order README documents; breaks ties between stacks the manifest does not order. */
const KIND_ORDER = ["bootstrap", "network", "data", "api", "observability"];

/**
 * Stacks the workflows never deploy (an administrator applies them):
 * they hold the roles the workflows themselves assume.
 */
export const isBootstrapStack = (name: string) => name === "bootstrap" || name.startsWith("bootstrap-");

/** `api-prod` -> `prod`; undefined for a name without an environment suffix. */
export function environmentOf(stack: string): string | undefined {
  const at = stack.lastIndexOf("-");
  return at > 0 && at < stack.length - 1 ? stack.slice(at + 1) : undefined;
}

const kindOf = (stack: string) => stack.slice(0, Math.max(0, stack.lastIndexOf("-")));

export const planRoleVariable = (environment: string) =>
  `AWS_PLAN_ROLE_ARN_${environment.toUpperCase().replace(/[^A-Z0-9]/g, "_")}`;

export function parseManifest(text: string, source = "manifest.json"): Manifest {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new Error(`${source}: not JSON (${(error as Error).message})`, { cause: error });
  }
  const stacks = (data as { stacks?: unknown } | null)?.stacks;
  if (!stacks || typeof stacks !== "object" || Array.isArray(stacks)) throw new Error(`${source}: no "stacks" object`);
  for (const [key, value] of Object.entries(stacks as Record<string, unknown>)) {
    const stack = value as Partial<ManifestStack> | null;
    if (!stack || typeof stack.workingDirectory !== "string")
      throw new Error(`${source}: stack ${key} has no workingDirectory`);
    if (stack.dependencies !== undefined && !Array.isArray(stack.dependencies))
      throw new Error(`${source}: stack ${key} has malformed dependencies`);
  }
  return {
    stacks: Object.fromEntries(
      Object.entries(stacks as Record<string, ManifestStack>).map(([key, s]) => [key, { ...s, name: s.name ?? key }]),
    ),
  };
}

export function readManifest(outDir: string): Manifest {
  const file = posix.join(outDir, "manifest.json");
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    throw new Error(`${file} not found: run \`npx cdktf synth\` first`, { cause: error });
  }
  return parseManifest(text, file);
}

/** Stacks in dependency order (a dependency always comes first); ties follow KIND_ORDER, then the name. */
export function dependencyOrder(manifest: Manifest, names: readonly string[]): string[] {
  const selected = new Set(names);
  for (const name of names) {
    for (const dependency of manifest.stacks[name]?.dependencies ?? []) {
      if (!selected.has(dependency))
        throw new Error(`stack ${name} depends on ${dependency}, which is not among ${[...selected].join(", ")}`);
    }
  }
  const rank = (name: string) => {
    const kind = KIND_ORDER.indexOf(kindOf(name));
    return kind === -1 ? KIND_ORDER.length : kind;
  };
  const before = (a: string, b: string) => rank(a) - rank(b) || a.localeCompare(b);
  const done = new Set<string>();
  const order: string[] = [];
  while (order.length < names.length) {
    const ready = names
      .filter((n) => !done.has(n) && (manifest.stacks[n]?.dependencies ?? []).every((d) => done.has(d)))
      .sort(before);
    if (ready.length === 0) throw new Error(`dependency cycle among ${names.filter((n) => !done.has(n)).join(", ")}`);
    done.add(ready[0]);
    order.push(ready[0]);
  }
  return order;
}

/** Every stack of one environment (bootstrap included), in dependency order. */
export function environmentStacks(manifest: Manifest, environment: string): string[] {
  const names = Object.keys(manifest.stacks).filter((name) => environmentOf(name) === environment);
  if (names.length === 0)
    throw new Error(
      `no stack of environment ${environment} in the manifest ` +
        `(stacks: ${Object.keys(manifest.stacks).join(", ") || "none"})`,
    );
  return dependencyOrder(manifest, names);
}

/** The PR plan matrix: one entry per environment, with all of its stacks. */
export function environmentPlans(
  manifest: Manifest,
  environments: readonly string[] = DEFAULT_ENVIRONMENTS,
): EnvironmentPlan[] {
  return environments.map((environment) => ({
    environment,
    planRoleVariable: planRoleVariable(environment),
    stacks: environmentStacks(manifest, environment).join(","),
  }));
}

/** One environment's deployed stacks (bootstrap excluded) in the order `cdktf deploy` must apply them. */
export function deployOrder(manifest: Manifest, environment: string): string[] {
  return environmentStacks(manifest, environment).filter((name) => !isBootstrapStack(name));
}

function option(args: string[], name: string): string | undefined {
  const at = args.indexOf(name);
  if (at === -1) return undefined;
  const value = args[at + 1];
  if (value === undefined || value.startsWith("--")) throw new Error(`${name} needs a value`);
  return value;
}

export function main(
  args: string[],
  env: NodeJS.ProcessEnv = process.env,
  print: (line: string) => void = console.log,
): void {
  const [command, ...rest] = args;
  const outDir = option(rest, "--out") ?? "cdktf.out";
  const manifest = readManifest(outDir);
  if (command === "matrix") {
    const environments = (option(rest, "--environments") ?? DEFAULT_ENVIRONMENTS.join(","))
      .split(",")
      .map((e) => e.trim())
      .filter(Boolean);
    const include = environmentPlans(manifest, environments);
    const matrix = JSON.stringify({ include });
    print(matrix);
    if (env.GITHUB_OUTPUT)
      appendFileSync(env.GITHUB_OUTPUT, `matrix=${matrix}\nenvironments=${JSON.stringify(environments)}\n`);
  } else if (command === "order") {
    const environment = option(rest, "--environment");
    if (!environment) throw new Error("order needs --environment <name>");
    print(deployOrder(manifest, environment).join(" "));
  } else {
    throw new Error(
      "usage: cdktf-stacks.ts matrix [--out DIR] [--environments a,b] | order --environment NAME [--out DIR]",
    );
  }
}

if (process.argv[1]?.endsWith("cdktf-stacks.ts")) {
  try {
    main(process.argv.slice(2));
  } catch (error) {
    console.error(`::error title=cdktf stacks::${(error as Error).message}`);
    process.exit(1);
  }
}
