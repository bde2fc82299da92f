import { join } from "node:path";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { LocalBackend, S3Backend, TerraformStack } from "cdktf";
import type { Construct } from "constructs";
import { environmentPrefix } from "../shared/physical-names";
import type { EnvironmentConfig } from "./config";

/** `bootstrap` is applied once per account by an admin (the CI roles); CI plans and deploys the others. */
export type StackKind = "bootstrap" | "network" | "data" | "api" | "web" | "observability";

/** The name a stack carries everywhere (Terraform workspace, state key, CI matrix): `network-prod`. */
export const stackName = (kind: StackKind, config: EnvironmentConfig) => `${kind}-${config.name}`;

/**
 * A stack of one environment: the AWS provider for its region with the environment's default
 * tags, and its state — S3 with native lock files when a state bucket is configured, else a
 * local file so `cdktf synth` (and `plan` against a sandbox) works with no AWS account.
 */
export class EnvironmentStack extends TerraformStack {
  readonly config: EnvironmentConfig;
  /** Prefix for physical names: `ecommerce-analytics-prod`. */
  readonly prefix: string;
  /** The AWS provider of the environment's region. */
  readonly provider: AwsProvider;

  constructor(scope: Construct, kind: StackKind, config: EnvironmentConfig) {
    super(scope, stackName(kind, config));
    this.config = config;
    this.prefix = environmentPrefix(config.project, config.name);
    this.provider = new AwsProvider(this, "aws", { region: config.region, defaultTags: [{ tags: config.tags }] });
    const { bucket, region, keyPrefix, localDir } = config.state;
    if (bucket) {
      new S3Backend(this, {
        bucket,
        region,
        key: `${keyPrefix}/${config.name}/${stackName(kind, config)}.tfstate`,
        encrypt: true,
      });
      // cdktf 0.21's S3BackendConfig predates S3-native locking (Terraform >= 1.10).
      this.addOverride("terraform.backend.s3.use_lockfile", true);
    } else {
      // Absolute: downstream stacks read this file from their own folders (terraform_remote_state).
      new LocalBackend(this, { path: join(localDir, `terraform.${stackName(kind, config)}.tfstate`) });
    }
  }

  /**
   * An AWS provider for another region (`alias`), with the same default tags as the stack's own:
   * the cost allocation tags reach every resource in every region.
   */
  regionProvider(alias: string, region: string): AwsProvider {
    return new AwsProvider(this, `aws-${alias}`, { alias, region, defaultTags: [{ tags: this.config.tags }] });
  }
}
