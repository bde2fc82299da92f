import { Eip } from "@cdktf/provider-aws/lib/eip";
import { InternetGateway } from "@cdktf/provider-aws/lib/internet-gateway";
import { NatGateway } from "@cdktf/provider-aws/lib/nat-gateway";
import { Route } from "@cdktf/provider-aws/lib/route";
import { RouteTable } from "@cdktf/provider-aws/lib/route-table";
import { RouteTableAssociation } from "@cdktf/provider-aws/lib/route-table-association";
import type { Subnet } from "@cdktf/provider-aws/lib/subnet";
import type { Vpc } from "@cdktf/provider-aws/lib/vpc";
import { Construct } from "constructs";
import type { Tier } from "./vpc";

const ANYWHERE = "0.0.0.0/0";

export interface NetworkRoutingProps {
  prefix: string;
  vpc: Vpc;
  subnets: Record<Tier, Subnet[]>;
  availabilityZones: readonly string[];
  /** 1: one NAT (in the first AZ) serves every private subnet; one per AZ: each AZ uses its own. */
  natGateways: number;
}

/**
 * Internet gateway, NAT gateways with their Elastic IPs, and one set of route tables per tier:
 * public (default route to the IGW), private per AZ (default route to a NAT), database (local
 * route only: the database tier has no path to or from the internet).
 */
export class NetworkRouting extends Construct {
  readonly internetGateway: InternetGateway;
  readonly natGateways: NatGateway[];
  readonly publicRouteTable: RouteTable;
  /** One per availability zone, in AZ order. */
  readonly privateRouteTables: RouteTable[];
  readonly databaseRouteTable: RouteTable;

  constructor(scope: Construct, id: string, props: NetworkRoutingProps) {
    super(scope, id);
    const { prefix, vpc, subnets, availabilityZones: azs, natGateways } = props;

    this.internetGateway = new InternetGateway(this, "igw", { vpcId: vpc.id, tags: { Name: prefix } });

    this.natGateways = azs.slice(0, natGateways).map((az, i) => {
      const eip = new Eip(this, `nat-eip-${az}`, {
        domain: "vpc",
        tags: { Name: `${prefix}-nat-${az}` },
        dependsOn: [this.internetGateway],
      });
      return new NatGateway(this, `nat-${az}`, {
        allocationId: eip.allocationId,
        subnetId: subnets.public[i].id,
        connectivityType: "public",
        tags: { Name: `${prefix}-${az}` },
        dependsOn: [this.internetGateway],
      });
    });

    const associate = (tier: Tier, table: RouteTable, subnet: Subnet, az: string) =>
      new RouteTableAssociation(this, `${tier}-${az}-association`, { routeTableId: table.id, subnetId: subnet.id });

    this.publicRouteTable = new RouteTable(this, "public-route-table", {
      vpcId: vpc.id,
      tags: { Name: `${prefix}-public`, tier: "public" },
    });
    new Route(this, "public-internet", {
      routeTableId: this.publicRouteTable.id,
      destinationCidrBlock: ANYWHERE,
      gatewayId: this.internetGateway.id,
    });
    azs.forEach((az, i) => associate("public", this.publicRouteTable, subnets.public[i], az));

    this.privateRouteTables = azs.map((az, i) => {
      const table = new RouteTable(this, `private-route-table-${az}`, {
        vpcId: vpc.id,
        tags: { Name: `${prefix}-private-${az}`, tier: "private" },
      });
      // Without NAT the private tier has no default route: the Lambdas reach AWS only through the
      // VPC endpoints. With NAT, the AZ's own when there is one per AZ; with fewer, shared
      // round-robin (1: all use it).
      if (this.natGateways.length > 0) {
        new Route(this, `private-internet-${az}`, {
          routeTableId: table.id,
          destinationCidrBlock: ANYWHERE,
          natGatewayId: this.natGateways[i % this.natGateways.length].id,
        });
      }
      associate("private", table, subnets.private[i], az);
      return table;
    });

    // `route = []` makes Terraform own the table's routes: a route added out of band (say, a
    // default route to a NAT) is removed on the next apply.
    this.databaseRouteTable = new RouteTable(this, "database-route-table", {
      vpcId: vpc.id,
      route: [],
      tags: { Name: `${prefix}-database`, tier: "database" },
    });
    azs.forEach((az, i) => associate("database", this.databaseRouteTable, subnets.database[i], az));
  }
}
