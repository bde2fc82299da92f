import { DefaultNetworkAcl } from "@cdktf/provider-aws/lib/default-network-acl";
import { DefaultSecurityGroup } from "@cdktf/provider-aws/lib/default-security-group";
import { Subnet } from "@cdktf/provider-aws/lib/subnet";
import { Vpc } from "@cdktf/provider-aws/lib/vpc";
import { Construct } from "constructs";
import type { NetworkConfig } from "../../config";

export const TIERS = ["public", "private", "database"] as const;
export type Tier = (typeof TIERS)[number];

const AZ_LETTERS = "abcdef";

/**
 * The first `count` availability zones of a region by their fixed names (`eu-west-1a`, ...): no
 * data-source lookup, so synth and `terraform validate` work offline. The config validation
 * (REGION_AZ_COUNTS) already guarantees the region has that many zones.
 */
export function availabilityZones(region: string, count: number): string[] {
  if (count > AZ_LETTERS.length)
    throw new Error(`${count} availability zones: at most ${AZ_LETTERS.length} are supported`);
  return [...AZ_LETTERS.slice(0, count)].map((letter) => `${region}${letter}`);
}

export interface NetworkVpcProps {
  prefix: string;
  network: NetworkConfig;
  availabilityZones: readonly string[];
}

/**
 * The VPC, one subnet per tier and availability zone, and the VPC's default security group and
 * default network ACL adopted and closed.
 */
export class NetworkVpc extends Construct {
  readonly vpc: Vpc;
  /** Per tier, one subnet per availability zone, in AZ order. */
  readonly subnets: Record<Tier, Subnet[]>;

  constructor(scope: Construct, id: string, props: NetworkVpcProps) {
    super(scope, id);
    const { prefix, network, availabilityZones: azs } = props;

    this.vpc = new Vpc(this, "vpc", {
      cidrBlock: network.vpcCidr,
      enableDnsSupport: true,
      // Interface endpoints with private DNS need both DNS settings on.
      enableDnsHostnames: true,
      instanceTenancy: "default",
      tags: { Name: prefix },
    });

    const cidrs: Record<Tier, string[]> = {
      public: network.publicSubnets,
      private: network.privateSubnets,
      database: network.databaseSubnets,
    };
    const subnets = {} as Record<Tier, Subnet[]>;
    for (const tier of TIERS) {
      subnets[tier] = azs.map(
        (az, i) =>
          new Subnet(this, `${tier}-${az}`, {
            vpcId: this.vpc.id,
            cidrBlock: cidrs[tier][i],
            availabilityZone: az,
            // Nothing here gets a public IP by default, not even in the public tier (only the NAT EIPs).
            mapPublicIpOnLaunch: false,
            tags: { Name: `${prefix}-${tier}-${az}`, tier },
          }),
      );
    }
    this.subnets = subnets;

    // Adopting the default security group removes all its rules: anything attached to it by
    // mistake can neither send nor receive.
    new DefaultSecurityGroup(this, "default-security-group", {
      vpcId: this.vpc.id,
      tags: { Name: `${prefix}-default-closed` },
    });

    // Adopting the default NACL removes all its rules, leaving only the implicit deny: every
    // subnet of this stack is associated with its tier's NACL (nacls.ts), so only a subnet
    // created outside this stack would fall back to the default one, and it gets no traffic.
    // subnet_ids is left to AWS (subnets move to and from the default NACL as associations change).
    new DefaultNetworkAcl(this, "default-network-acl", {
      defaultNetworkAclId: this.vpc.defaultNetworkAclId,
      tags: { Name: `${prefix}-default-closed` },
      lifecycle: { ignoreChanges: ["subnet_ids"] },
    });
  }
}
