import { NetworkAcl, type NetworkAclEgress, type NetworkAclIngress } from "@cdktf/provider-aws/lib/network-acl";
import type { Subnet } from "@cdktf/provider-aws/lib/subnet";
import type { Vpc } from "@cdktf/provider-aws/lib/vpc";
import { Construct } from "constructs";
import type { Tier } from "./vpc";

/** MySQL, the only port the database tier serves. */
export const MYSQL_PORT = 3306;
/** The ephemeral port range clients' return traffic goes to (covers Linux's and Lambda's ranges). */
export const EPHEMERAL_PORTS = { from: 1024, to: 65535 } as const;
/** The highest rule number a NACL allows: the explicit deny-all sits there, after every allow. */
export const DENY_ALL_RULE_NO = 32766;

type Rule = NetworkAclIngress & NetworkAclEgress;

const allowAll = (ruleNo: number): Rule => ({ ruleNo, action: "allow", protocol: "-1", cidrBlock: "0.0.0.0/0", fromPort: 0, toPort: 0 });
const denyAll: Rule = { ruleNo: DENY_ALL_RULE_NO, action: "deny", protocol: "-1", cidrBlock: "0.0.0.0/0", fromPort: 0, toPort: 0 };
const allowTcp = (ruleNo: number, cidrBlock: string, fromPort: number, toPort: number): Rule => ({
  ruleNo,
  action: "allow",
  protocol: "tcp",
  cidrBlock,
  fromPort,
  toPort,
});

export interface NetworkAclsProps {
  prefix: string;
  vpc: Vpc;
  subnets: Record<Tier, Subnet[]>;
  /** The private tier's CIDRs, the only sources the database tier accepts connections from. */
  privateSubnetCidrs: readonly string[];
}

/**
 * One NACL per tier, each associated explicitly with its tier's subnets.
 *
 * - database: stateless allow-list. In: MySQL from the private subnets (the Lambdas and the RDS
 *   Proxy live there). Out: only return traffic to the private subnets' ephemeral ports. Then an
 *   explicit deny-all both ways. The database initiates nothing, so no other rule is needed.
 *   (The proxy must be placed in the private subnets: a proxy in the database subnets would be
 *   blocked from reaching an instance in another AZ's database subnet.)
 * - public and private: permissive (allow all both ways). Their traffic is filtered by security
 *   groups (stateful, per resource); a stateless allow-list here would have to open the whole
 *   ephemeral range to the internet for NAT return traffic anyway and would add little.
 */
export class NetworkAcls extends Construct {
  readonly database: NetworkAcl;

  constructor(scope: Construct, id: string, props: NetworkAclsProps) {
    super(scope, id);
    const { prefix, vpc, subnets, privateSubnetCidrs } = props;
    const ids = (tier: Tier) => subnets[tier].map((s) => s.id);

    for (const tier of ["public", "private"] as const) {
      new NetworkAcl(this, tier, {
        vpcId: vpc.id,
        subnetIds: ids(tier),
        ingress: [allowAll(100)],
        egress: [allowAll(100)],
        tags: { Name: `${prefix}-${tier}`, tier },
      });
    }

    this.database = new NetworkAcl(this, "database", {
      vpcId: vpc.id,
      subnetIds: ids("database"),
      ingress: [...privateSubnetCidrs.map((cidr, i) => allowTcp(100 + i, cidr, MYSQL_PORT, MYSQL_PORT)), denyAll],
      egress: [...privateSubnetCidrs.map((cidr, i) => allowTcp(100 + i, cidr, EPHEMERAL_PORTS.from, EPHEMERAL_PORTS.to)), denyAll],
      tags: { Name: `${prefix}-database`, tier: "database" },
    });
  }
}
