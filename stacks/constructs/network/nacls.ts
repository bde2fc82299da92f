import { NetworkAcl, type NetworkAclEgress, type NetworkAclIngress } from "@cdktf/provider-aws/lib/network-acl";
import type { Subnet } from "@cdktf/provider-aws/lib/subnet";
import type { Vpc } from "@cdktf/provider-aws/lib/vpc";
import { Construct } from "constructs";
import { EPHEMERAL_PORTS, HTTPS_PORT, MYSQL_PORT } from "./ports";
import type { Tier } from "./vpc";

/** The highest rule number a NACL allows: the explicit deny-all sits there, after every allow. */
export const DENY_ALL_RULE_NO = 32766;
const ANYWHERE = "0.0.0.0/0";

type Rule = NetworkAclIngress & NetworkAclEgress;

const denyAll: Rule = {
  ruleNo: DENY_ALL_RULE_NO,
  action: "deny",
  protocol: "-1",
  cidrBlock: ANYWHERE,
  fromPort: 0,
  toPort: 0,
};
const allowTcp = (ruleNo: number, cidrBlock: string, fromPort: number, toPort: number = fromPort): Rule => ({
  ruleNo,
  action: "allow",
  protocol: "tcp",
  cidrBlock,
  fromPort,
  toPort,
});
/** One TCP rule per CIDR, numbered from `first`; then the deny-all. */
const each = (first: number, cidrs: readonly string[], fromPort: number, toPort: number = fromPort) =>
  cidrs.map((cidr, i) => allowTcp(first + i, cidr, fromPort, toPort));

export interface NetworkAclsProps {
  prefix: string;
  vpc: Vpc;
  subnets: Record<Tier, Subnet[]>;
  /** The private tier's CIDRs: the Lambdas, the RDS Proxy and the interface endpoints live there. */
  privateSubnetCidrs: readonly string[];
  /** The database tier's CIDRs: the proxy's MySQL connections go there. */
  databaseSubnetCidrs: readonly string[];
}

/**
 * One NACL per tier, each associated explicitly with its tier's subnets, each a stateless
 * allow-list ending in an explicit deny-all both ways. No tier accepts all ports from anywhere;
 * the only ingress from 0.0.0.0/0 is TCP return traffic to ephemeral ports (S3 through its
 * gateway endpoint and NAT answer from public addresses, and a NACL cannot name S3's prefix list).
 *
 * - database: in, MySQL from the private subnets (the proxy); out, return traffic to them. The
 *   database initiates nothing. (The proxy must sit in the private subnets: a proxy in the
 *   database subnets would be blocked from reaching an instance in another AZ's subnet.)
 * - private (Lambdas, RDS Proxy, interface endpoints): in, MySQL and HTTPS from the private
 *   subnets (Lambda -> proxy, Lambda/proxy -> endpoints), return traffic on ephemeral ports; out,
 *   MySQL to the private and database subnets, HTTPS anywhere (endpoints, S3, NAT), return
 *   traffic to the private subnets.
 * - public (only NAT gateways, when `network.natGateways` > 0): in, HTTPS from the private
 *   subnets and return traffic from the internet; out, HTTPS to the internet and return traffic
 *   to the private subnets. With no NAT the tier holds nothing and the rules carry no traffic.
 */
export class NetworkAcls extends Construct {
  readonly public: NetworkAcl;
  readonly private: NetworkAcl;
  readonly database: NetworkAcl;

  constructor(scope: Construct, id: string, props: NetworkAclsProps) {
    super(scope, id);
    const { prefix, vpc, subnets, privateSubnetCidrs: privateCidrs, databaseSubnetCidrs: databaseCidrs } = props;
    const nacl = (tier: Tier, ingress: Rule[], egress: Rule[]) =>
      new NetworkAcl(this, tier, {
        vpcId: vpc.id,
        subnetIds: subnets[tier].map((s) => s.id),
        ingress: [...ingress, denyAll],
        egress: [...egress, denyAll],
        tags: { Name: `${prefix}-${tier}`, tier },
      });

    this.public = nacl(
      "public",
      [...each(100, privateCidrs, HTTPS_PORT), allowTcp(200, ANYWHERE, EPHEMERAL_PORTS.from, EPHEMERAL_PORTS.to)],
      [allowTcp(100, ANYWHERE, HTTPS_PORT), ...each(200, privateCidrs, EPHEMERAL_PORTS.from, EPHEMERAL_PORTS.to)],
    );

    this.private = nacl(
      "private",
      [
        ...each(100, privateCidrs, MYSQL_PORT),
        ...each(110, privateCidrs, HTTPS_PORT),
        allowTcp(200, ANYWHERE, EPHEMERAL_PORTS.from, EPHEMERAL_PORTS.to),
      ],
      [
        ...each(100, privateCidrs, MYSQL_PORT),
        ...each(110, databaseCidrs, MYSQL_PORT),
        allowTcp(120, ANYWHERE, HTTPS_PORT),
        ...each(200, privateCidrs, EPHEMERAL_PORTS.from, EPHEMERAL_PORTS.to),
      ],
    );

    this.database = nacl(
      "database",
      each(100, privateCidrs, MYSQL_PORT),
      each(100, privateCidrs, EPHEMERAL_PORTS.from, EPHEMERAL_PORTS.to),
    );
  }
}
