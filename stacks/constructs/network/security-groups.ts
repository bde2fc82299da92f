import { SecurityGroup } from "@cdktf/provider-aws/lib/security-group";
import { VpcSecurityGroupEgressRule } from "@cdktf/provider-aws/lib/vpc-security-group-egress-rule";
import { VpcSecurityGroupIngressRule } from "@cdktf/provider-aws/lib/vpc-security-group-ingress-rule";
import type { Vpc } from "@cdktf/provider-aws/lib/vpc";
import { Construct } from "constructs";
import { HTTPS_PORT, MYSQL_PORT } from "./ports";

export interface SecurityGroupsProps {
  prefix: string;
  vpc: Vpc;
}

/**
 * Every security group of the environment, defined here (not in the stacks that use them) so the
 * references between them create no cross-stack cycle. Each rule is its own resource and names
 * another security group (or, in endpoints.ts, the S3 prefix list), never a CIDR:
 *
 *   lambda --3306--> proxy --3306--> database
 *   lambda --443---> endpoints (interface VPC endpoints)
 *   proxy  --443---> endpoints (the proxy reads the database users' secrets from Secrets Manager
 *                    through its own network interfaces in these subnets; with no NAT, only
 *                    through the Secrets Manager endpoint)
 *
 * Terraform removes the allow-all egress rule AWS adds to a new security group, so a group has
 * exactly the rules below. Nothing has ingress from the Lambdas' side: they are invoked by
 * API Gateway through the Lambda service, not over the network.
 */
export class SecurityGroups extends Construct {
  readonly lambda: SecurityGroup;
  readonly proxy: SecurityGroup;
  readonly database: SecurityGroup;
  readonly endpoints: SecurityGroup;
  private readonly prefix: string;

  constructor(scope: Construct, id: string, props: SecurityGroupsProps) {
    super(scope, id);
    const { prefix, vpc } = props;
    this.prefix = prefix;
    const group = (name: string, description: string) =>
      new SecurityGroup(this, name, {
        name: `${prefix}-${name}`,
        description,
        vpcId: vpc.id,
        tags: { Name: `${prefix}-${name}` },
      });

    this.lambda = group("lambda", "Lambda functions: egress to the RDS Proxy (3306) and the VPC endpoints (443) only");
    this.proxy = group(
      "proxy",
      "RDS Proxy: MySQL from the Lambda functions only, to the database and Secrets Manager only",
    );
    this.database = group("database", "RDS MySQL: MySQL from the RDS Proxy only");
    this.endpoints = group(
      "endpoints",
      "Interface VPC endpoints: HTTPS from the Lambda functions and the RDS Proxy only",
    );

    this.allow("lambda-to-proxy", this.lambda, this.proxy, MYSQL_PORT, {
      egress: "MySQL to the RDS Proxy",
      ingress: "MySQL from the Lambda functions",
    });
    this.allow("lambda-to-endpoints", this.lambda, this.endpoints, HTTPS_PORT, {
      egress: "HTTPS to the interface VPC endpoints",
      ingress: "HTTPS from the Lambda functions",
    });
    this.allow("proxy-to-database", this.proxy, this.database, MYSQL_PORT, {
      egress: "MySQL to the database",
      ingress: "MySQL from the RDS Proxy",
    });
    this.allow("proxy-to-endpoints", this.proxy, this.endpoints, HTTPS_PORT, {
      egress: "HTTPS to Secrets Manager (the database users' secrets)",
      ingress: "HTTPS from the RDS Proxy",
    });
  }

  /**
   * One TCP port from `source` to `target`: an egress rule on the source and the matching ingress rule on the target.
   */
  private allow(
    id: string,
    source: SecurityGroup,
    target: SecurityGroup,
    port: number,
    description: { egress: string; ingress: string },
  ): void {
    new VpcSecurityGroupEgressRule(this, `${id}-egress`, {
      securityGroupId: source.id,
      referencedSecurityGroupId: target.id,
      ipProtocol: "tcp",
      fromPort: port,
      toPort: port,
      description: description.egress,
      tags: { Name: `${this.prefix}-${id}` },
    });
    new VpcSecurityGroupIngressRule(this, `${id}-ingress`, {
      securityGroupId: target.id,
      referencedSecurityGroupId: source.id,
      ipProtocol: "tcp",
      fromPort: port,
      toPort: port,
      description: description.ingress,
      tags: { Name: `${this.prefix}-${id}` },
    });
  }
}
