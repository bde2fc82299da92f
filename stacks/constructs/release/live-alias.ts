import { LambdaAlias } from "@cdktf/provider-aws/lib/lambda-alias";
import { LambdaProvisionedConcurrencyConfig } from "@cdktf/provider-aws/lib/lambda-provisioned-concurrency-config";
import { Construct } from "constructs";
import { LIVE_ALIAS } from "../../config/releases";
import type { NodeFunction } from "../compute/node-function";

export interface LiveAliasProps {
  /** A function created with `publish: true`. */
  function: NodeFunction;
  /** Instances kept initialized on the alias; 0 = none. */
  provisionedConcurrency: number;
}

/**
 * The `live` alias of a published function: what API Gateway invokes and CodeDeploy moves.
 * Terraform creates it on the version published with it and then leaves its version and traffic
 * weights alone (`ignore_changes`): from then on every release is a CodeDeploy deployment from
 * the alias's current version to the newest published one (tools/release, docs/releases.md), and
 * CodeDeploy's rollback is not undone by the next apply.
 */
export class LiveAlias extends Construct {
  readonly alias: LambdaAlias;
  readonly provisionedConcurrency?: LambdaProvisionedConcurrencyConfig;

  constructor(scope: Construct, id: string, props: LiveAliasProps) {
    super(scope, id);
    const { fn } = props.function;
    if (fn.publishInput !== true) throw new Error(`${props.function.physicalName}: a live alias needs publish = true`);
    this.alias = new LambdaAlias(this, "alias", {
      name: LIVE_ALIAS,
      description: "What API Gateway invokes; CodeDeploy shifts it between versions (docs/releases.md)",
      functionName: fn.functionName,
      functionVersion: fn.version,
      lifecycle: { ignoreChanges: ["function_version", "routing_config"] },
    });
    if (props.provisionedConcurrency > 0) {
      this.provisionedConcurrency = new LambdaProvisionedConcurrencyConfig(this, "provisioned-concurrency", {
        functionName: fn.functionName,
        qualifier: this.alias.name,
        provisionedConcurrentExecutions: props.provisionedConcurrency,
      });
    }
  }
}
