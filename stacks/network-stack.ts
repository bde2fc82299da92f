import { DataAwsCallerIdentity } from "@cdktf/provider-aws/lib/data-aws-caller-identity";
import { DataAwsPartition } from "@cdktf/provider-aws/lib/data-aws-partition";
import type { Construct } from "constructs";
import type { EnvironmentConfig } from "./config";
import type { NetworkOutputs } from "./contracts";
import { EnvironmentStack } from "./environment-stack";
import { VpcEndpoints } from "./constructs/network/endpoints";
import { VpcFlowLogs } from "./constructs/network/flow-logs";
import { LogsKey } from "./constructs/network/logs-key";
import { NetworkAcls } from "./constructs/network/nacls";
import { NetworkRouting } from "./constructs/network/routing";
import { SecurityGroups } from "./constructs/network/security-groups";
import { availabilityZones, NetworkVpc } from "./constructs/network/vpc";

/**
 * `network-<env>`: the VPC with public, private and database tiers over `azCount` AZs, NAT,
 * routing, NACLs, VPC endpoints, flow logs, every security group of the environment, and the
 * KMS key all the environment's log groups are encrypted with. Everything comes from the
 * environment config; nothing is looked up except the account id and partition (for ARNs).
 */
export class NetworkStack extends EnvironmentStack {
  readonly outputs: NetworkOutputs;

  constructor(scope: Construct, config: EnvironmentConfig) {
    super(scope, "network", config);
    const { prefix } = this;
    const { region, network } = config;
    const azs = availabilityZones(region, config.azCount);
    const account = new DataAwsCallerIdentity(this, "account");
    const partition = new DataAwsPartition(this, "partition");

    const { vpc, subnets } = new NetworkVpc(this, "vpc", { prefix, network, availabilityZones: azs });
    const routing = new NetworkRouting(this, "routing", {
      prefix,
      vpc,
      subnets,
      availabilityZones: azs,
      natGateways: network.natGateways,
    });
    new NetworkAcls(this, "nacls", {
      prefix,
      vpc,
      subnets,
      privateSubnetCidrs: network.privateSubnets,
      databaseSubnetCidrs: network.databaseSubnets,
    });
    const groups = new SecurityGroups(this, "security-groups", { prefix, vpc });
    new VpcEndpoints(this, "endpoints", {
      prefix,
      region,
      vpc,
      privateSubnets: subnets.private,
      privateRouteTables: routing.privateRouteTables,
      endpointSecurityGroup: groups.endpoints,
      lambdaSecurityGroup: groups.lambda,
    });
    const logsKey = new LogsKey(this, "logs-key", { prefix, region, account, partition });
    new VpcFlowLogs(this, "flow-logs", {
      prefix,
      region,
      vpc,
      trafficType: network.flowLogTrafficType,
      retentionDays: config.logRetentionDays,
      logsKey: logsKey.key,
      account,
      partition,
    });

    this.outputs = {
      vpcId: vpc.id,
      publicSubnetIds: subnets.public.map((s) => s.id),
      privateSubnetIds: subnets.private.map((s) => s.id),
      databaseSubnetIds: subnets.database.map((s) => s.id),
      lambdaSecurityGroupId: groups.lambda.id,
      proxySecurityGroupId: groups.proxy.id,
      databaseSecurityGroupId: groups.database.id,
      logsKeyArn: logsKey.key.arn,
    };
  }
}
