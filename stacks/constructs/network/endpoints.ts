import type { RouteTable } from "@cdktf/provider-aws/lib/route-table";
import type { SecurityGroup } from "@cdktf/provider-aws/lib/security-group";
import type { Subnet } from "@cdktf/provider-aws/lib/subnet";
import type { Vpc } from "@cdktf/provider-aws/lib/vpc";
import { VpcEndpoint } from "@cdktf/provider-aws/lib/vpc-endpoint";
import { VpcSecurityGroupEgressRule } from "@cdktf/provider-aws/lib/vpc-security-group-egress-rule";
import { Construct } from "constructs";
import { HTTPS_PORT } from "./ports";

/**
 * The AWS services the Lambdas call from inside the VPC, by endpoint type. Only what they need:
 * - s3 (gateway, free): reached through the private route tables.
 * - secretsmanager (interface): the migration function reads the master secret and writes the
 *   application user's secret; RDS Proxy reads both secrets through its own network interfaces
 *   in the private subnets (with no NAT, this endpoint is its only way to Secrets Manager).
 * Not needed, hence absent: `logs` and `xray` (Lambda ships a function's logs, and runs the X-Ray
 * daemon, on the Lambda service side, not through the function's VPC interface), `lambda`
 * (functions are invoked by API Gateway and the deploy, not by each other), `rds` (IAM auth
 * tokens are signed locally, with no API call), `sts` (credentials come from the execution role).
 */
export const INTERFACE_ENDPOINT_SERVICES = ["secretsmanager"] as const;

export interface VpcEndpointsProps {
  prefix: string;
  region: string;
  vpc: Vpc;
  /** Interface endpoints get one network interface in each of these (the Lambdas' subnets). */
  privateSubnets: Subnet[];
  /** The S3 gateway endpoint adds its routes to these. */
  privateRouteTables: RouteTable[];
  endpointSecurityGroup: SecurityGroup;
  /** Given HTTPS egress to S3's prefix list, so the gateway endpoint is usable from the Lambdas. */
  lambdaSecurityGroup: SecurityGroup;
}

export class VpcEndpoints extends Construct {
  readonly s3: VpcEndpoint;
  readonly interfaces: Record<(typeof INTERFACE_ENDPOINT_SERVICES)[number], VpcEndpoint>;

  constructor(scope: Construct, id: string, props: VpcEndpointsProps) {
    super(scope, id);
    const { prefix, region, vpc } = props;

    this.s3 = new VpcEndpoint(this, "s3", {
      vpcId: vpc.id,
      serviceName: `com.amazonaws.${region}.s3`,
      vpcEndpointType: "Gateway",
      routeTableIds: props.privateRouteTables.map((t) => t.id),
      tags: { Name: `${prefix}-s3` },
    });
    // A gateway endpoint is a route, not an interface: the security group must allow S3's
    // prefix list (S3's address ranges in this region), still no 0.0.0.0/0.
    new VpcSecurityGroupEgressRule(this, "lambda-to-s3-egress", {
      securityGroupId: props.lambdaSecurityGroup.id,
      prefixListId: this.s3.prefixListId,
      ipProtocol: "tcp",
      fromPort: HTTPS_PORT,
      toPort: HTTPS_PORT,
      description: "HTTPS to S3 through the gateway endpoint",
      tags: { Name: `${prefix}-lambda-to-s3` },
    });

    const interfaceEndpoint = (service: string) =>
      new VpcEndpoint(this, service, {
        vpcId: vpc.id,
        serviceName: `com.amazonaws.${region}.${service}`,
        vpcEndpointType: "Interface",
        privateDnsEnabled: true,
        subnetIds: props.privateSubnets.map((s) => s.id),
        securityGroupIds: [props.endpointSecurityGroup.id],
        tags: { Name: `${prefix}-${service}` },
      });
    this.interfaces = Object.fromEntries(
      INTERFACE_ENDPOINT_SERVICES.map((s) => [s, interfaceEndpoint(s)]),
    ) as VpcEndpoints["interfaces"];
  }
}
