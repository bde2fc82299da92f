import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { DataAwsIamPolicyDocument } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { DefaultNetworkAcl } from "@cdktf/provider-aws/lib/default-network-acl";
import { DefaultSecurityGroup } from "@cdktf/provider-aws/lib/default-security-group";
import { FlowLog } from "@cdktf/provider-aws/lib/flow-log";
import { InternetGateway } from "@cdktf/provider-aws/lib/internet-gateway";
import { KmsAlias } from "@cdktf/provider-aws/lib/kms-alias";
import { KmsKey } from "@cdktf/provider-aws/lib/kms-key";
import { NetworkAcl } from "@cdktf/provider-aws/lib/network-acl";
import { Route } from "@cdktf/provider-aws/lib/route";
import { SecurityGroup } from "@cdktf/provider-aws/lib/security-group";
import { Subnet } from "@cdktf/provider-aws/lib/subnet";
import { Vpc } from "@cdktf/provider-aws/lib/vpc";
import { VpcEndpoint } from "@cdktf/provider-aws/lib/vpc-endpoint";
import { VpcSecurityGroupEgressRule } from "@cdktf/provider-aws/lib/vpc-security-group-egress-rule";
import { VpcSecurityGroupIngressRule } from "@cdktf/provider-aws/lib/vpc-security-group-ingress-rule";
import { Testing } from "cdktf";
// The type declarations of cdktf's jest matchers (Testing.setupJest() registers them at runtime).
import "cdktf/lib/testing/adapters/jest";
import { ENVIRONMENT_NAMES, loadEnvironments } from "../../stacks/config";
import { NetworkStack } from "../../stacks/network-stack";

/**
 * The network stack of each environment, synthesized once per environment and read like the
 * SPEC (section 4, network): exact CIDRs, NAT per AZ in prod and one in dev, the database tier
 * cut off from the internet, least-privilege security groups, encrypted flow logs.
 * `toBeValidTerraform()` is left out: `terraform init` + `validate` of one stack takes ~13 s under
 * jest here; `terraform validate` of the synthesized JSON runs elsewhere, over all stacks.
 */

/** What the SPEC fixes, written out rather than re-read from the config under test. */
const SUBNETS = {
  public: ["10.0.1.0/24", "10.0.2.0/24", "10.0.3.0/24"],
  private: ["10.0.11.0/24", "10.0.12.0/24", "10.0.13.0/24"],
  database: ["10.0.21.0/24", "10.0.22.0/24", "10.0.23.0/24"],
} as const;
const AZS = ["eu-west-1a", "eu-west-1b", "eu-west-1c"];

type Block = Record<string, unknown>;
interface Synthesized {
  resource: Record<string, Record<string, Block>>;
  data: Record<string, Record<string, Block>>;
}

const configs = loadEnvironments();

/** A resource's logical ids by type, and the `${type.id.attr}` reference Terraform uses for it. */
const ids = (tf: Synthesized, type: string) => Object.keys(tf.resource[type] ?? {});
const all = (tf: Synthesized, type: string) => Object.values(tf.resource[type] ?? {});
const ref = (type: string, id: string, attr = "id") => `\${${type}.${id}.${attr}}`;
/** The one resource of `type` whose tags.Name is `name`. */
function named(tf: Synthesized, type: string, name: string): { id: string; block: Block } {
  const found = Object.entries(tf.resource[type] ?? {}).filter(
    ([, b]) => (b.tags as Record<string, string> | undefined)?.Name === name,
  );
  expect(found).toHaveLength(1);
  return { id: found[0][0], block: found[0][1] };
}

describe.each(ENVIRONMENT_NAMES)("network-%s", (env) => {
  const config = configs[env];
  const prefix = `ecommerce-analytics-${env}`;
  let stack: NetworkStack;
  let synth: string;
  let tf: Synthesized;

  beforeAll(() => {
    stack = new NetworkStack(Testing.app(), config);
    synth = Testing.synth(stack);
    tf = JSON.parse(synth) as Synthesized;
  });

  it("is a VPC of 10.0.0.0/16 with DNS support and hostnames", () => {
    expect(synth).toHaveResourceWithProperties(Vpc, {
      cidr_block: "10.0.0.0/16",
      enable_dns_support: true,
      enable_dns_hostnames: true,
    });
    expect(ids(tf, Vpc.tfResourceType)).toHaveLength(1);
  });

  it("has 9 subnets: public, private and database /24s, one per AZ, named and tagged by tier, no public IPs", () => {
    expect(all(tf, Subnet.tfResourceType)).toHaveLength(9);
    for (const [tier, cidrs] of Object.entries(SUBNETS)) {
      cidrs.forEach((cidr, i) => {
        expect(synth).toHaveResourceWithProperties(Subnet, {
          cidr_block: cidr,
          availability_zone: AZS[i],
          map_public_ip_on_launch: false,
          tags: { Name: `${prefix}-${tier}-${AZS[i]}`, tier },
        });
      });
    }
  });

  it("routes the public tier to an internet gateway", () => {
    const [igw] = ids(tf, InternetGateway.tfResourceType);
    expect(ids(tf, InternetGateway.tfResourceType)).toHaveLength(1);
    const publicTable = named(tf, "aws_route_table", `${prefix}-public`);
    expect(synth).toHaveResourceWithProperties(Route, {
      route_table_id: ref("aws_route_table", publicTable.id),
      destination_cidr_block: "0.0.0.0/0",
      gateway_id: ref(InternetGateway.tfResourceType, igw),
    });
  });

  it("has no NAT gateway nor default route in the private tier: the Lambdas reach AWS via VPC endpoints only", () => {
    expect(all(tf, "aws_nat_gateway")).toHaveLength(0);
    expect(all(tf, "aws_eip")).toHaveLength(0);
    for (const az of AZS) {
      const table = named(tf, "aws_route_table", `${prefix}-private-${az}`);
      expect(
        all(tf, Route.tfResourceType).filter((r) => r.route_table_id === ref("aws_route_table", table.id)),
      ).toEqual([]);
    }
  });

  it("gives the database tier a route table with no route at all (Terraform owns its routes: route = [])", () => {
    const table = named(tf, "aws_route_table", `${prefix}-database`);
    expect(table.block.route).toEqual([]);
    expect(all(tf, Route.tfResourceType).filter((r) => r.route_table_id === ref("aws_route_table", table.id))).toEqual(
      [],
    );
    expect(
      all(tf, "aws_route_table_association").filter((a) => a.route_table_id === ref("aws_route_table", table.id)),
    ).toHaveLength(3);
  });

  it("has an S3 gateway endpoint on the private route tables and a Secrets Manager interface endpoint", () => {
    const privateTables = AZS.map((az) =>
      ref("aws_route_table", named(tf, "aws_route_table", `${prefix}-private-${az}`).id),
    );
    expect(synth).toHaveResourceWithProperties(VpcEndpoint, {
      service_name: "com.amazonaws.eu-west-1.s3",
      vpc_endpoint_type: "Gateway",
      route_table_ids: privateTables,
    });
    const endpointsSg = named(tf, SecurityGroup.tfResourceType, `${prefix}-endpoints`).id;
    expect(synth).toHaveResourceWithProperties(VpcEndpoint, {
      service_name: "com.amazonaws.eu-west-1.secretsmanager",
      vpc_endpoint_type: "Interface",
      private_dns_enabled: true,
      subnet_ids: AZS.map((az) => ref("aws_subnet", named(tf, "aws_subnet", `${prefix}-private-${az}`).id)),
      security_group_ids: [ref(SecurityGroup.tfResourceType, endpointsSg)],
    });
    expect(all(tf, VpcEndpoint.tfResourceType)).toHaveLength(2);
  });

  it("logs the VPC's traffic to a KMS-encrypted log group with retention, through a role limited to that group", () => {
    const [logGroup] = ids(tf, CloudwatchLogGroup.tfResourceType);
    const [key] = ids(tf, KmsKey.tfResourceType);
    expect(synth).toHaveResourceWithProperties(CloudwatchLogGroup, {
      retention_in_days: config.logRetentionDays,
      kms_key_id: ref(KmsKey.tfResourceType, key, "arn"),
    });
    expect(synth).toHaveResourceWithProperties(FlowLog, {
      vpc_id: expect.stringMatching(/^\$\{aws_vpc\./),
      traffic_type: "ALL",
      log_destination_type: "cloud-watch-logs",
      log_destination: ref(CloudwatchLogGroup.tfResourceType, logGroup, "arn"),
    });
    const groupArn = ref(CloudwatchLogGroup.tfResourceType, logGroup, "arn");
    expect(synth).toHaveDataSourceWithProperties(DataAwsIamPolicyDocument, {
      statement: [
        expect.objectContaining({
          effect: "Allow",
          actions: ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"],
          resources: [groupArn, `${groupArn}:*`],
        }),
      ],
    });
  });

  it("encrypts logs with a rotating KMS key that CloudWatch Logs may use for this account's log groups only", () => {
    expect(synth).toHaveResourceWithProperties(KmsKey, { enable_key_rotation: true, deletion_window_in_days: 30 });
    expect(synth).toHaveResourceWithProperties(KmsAlias, { name: `alias/${prefix}-logs` });
    expect(synth).toHaveDataSourceWithProperties(DataAwsIamPolicyDocument, {
      statement: expect.arrayContaining([
        expect.objectContaining({
          principals: [{ type: "Service", identifiers: ["logs.eu-west-1.amazonaws.com"] }],
          condition: [
            {
              test: "ArnLike",
              variable: "kms:EncryptionContext:aws:logs:arn",
              values: [
                "arn:${data.aws_partition.partition.partition}:logs:eu-west-1:" +
                  "${data.aws_caller_identity.account.account_id}:log-group:*",
              ],
            },
          ],
        }),
      ]),
    });
  });

  it("closes the VPC's default security group and default NACL (no rules)", () => {
    const [sg] = all(tf, DefaultSecurityGroup.tfResourceType);
    expect(sg).not.toHaveProperty("ingress");
    expect(sg).not.toHaveProperty("egress");
    const [nacl] = all(tf, DefaultNetworkAcl.tfResourceType);
    expect(nacl).not.toHaveProperty("ingress");
    expect(nacl).not.toHaveProperty("egress");
  });

  it("the private NACL carries MySQL and HTTPS in the VPC, HTTPS out, return traffic in; denies all else", () => {
    const rule = (rule_no: number, protocol: string, cidr_block: string, from_port: number, to_port: number) =>
      expect.objectContaining({ rule_no, action: "allow", protocol, cidr_block, from_port, to_port });
    const denyAll = expect.objectContaining({
      rule_no: 32766,
      action: "deny",
      protocol: "-1",
      cidr_block: "0.0.0.0/0",
    });
    expect(synth).toHaveResourceWithProperties(NetworkAcl, {
      subnet_ids: AZS.map((az) => ref("aws_subnet", named(tf, "aws_subnet", `${prefix}-private-${az}`).id)),
      ingress: [
        ...SUBNETS.private.map((cidr, i) => rule(100 + i, "tcp", cidr, 3306, 3306)),
        ...SUBNETS.private.map((cidr, i) => rule(110 + i, "tcp", cidr, 443, 443)),
        rule(200, "tcp", "0.0.0.0/0", 1024, 65535),
        denyAll,
      ],
      egress: [
        ...SUBNETS.private.map((cidr, i) => rule(100 + i, "tcp", cidr, 3306, 3306)),
        ...SUBNETS.database.map((cidr, i) => rule(110 + i, "tcp", cidr, 3306, 3306)),
        rule(120, "tcp", "0.0.0.0/0", 443, 443),
        ...SUBNETS.private.map((cidr, i) => rule(200 + i, "tcp", cidr, 1024, 65535)),
        denyAll,
      ],
    });
  });

  it("lets the public NACL carry only what a NAT gateway would, and no tier accept all ports from anywhere", () => {
    const publicAcl = named(tf, NetworkAcl.tfResourceType, `${prefix}-public`).block as {
      ingress: Block[];
      egress: Block[];
    };
    expect(
      publicAcl.ingress.map((r) => [r.rule_no, r.action, r.protocol, r.cidr_block, r.from_port, r.to_port]),
    ).toEqual([
      ...SUBNETS.private.map((cidr, i) => [100 + i, "allow", "tcp", cidr, 443, 443]),
      [200, "allow", "tcp", "0.0.0.0/0", 1024, 65535],
      [32766, "deny", "-1", "0.0.0.0/0", 0, 0],
    ]);
    for (const acl of all(tf, NetworkAcl.tfResourceType) as { ingress: Block[] }[]) {
      for (const r of acl.ingress.filter((x) => x.action === "allow" && x.cidr_block === "0.0.0.0/0")) {
        expect(r.protocol).toBe("tcp");
        expect(r.from_port).toBeGreaterThanOrEqual(1024);
      }
    }
  });

  it("lets the database tier's NACL accept MySQL from the private subnets, answer them, and deny all else", () => {
    const rule = (
      rule_no: number,
      action: string,
      protocol: string,
      cidr_block: string,
      from_port: number,
      to_port: number,
    ) => expect.objectContaining({ rule_no, action, protocol, cidr_block, from_port, to_port });
    const denyAll = rule(32766, "deny", "-1", "0.0.0.0/0", 0, 0);
    expect(synth).toHaveResourceWithProperties(NetworkAcl, {
      subnet_ids: AZS.map((az) => ref("aws_subnet", named(tf, "aws_subnet", `${prefix}-database-${az}`).id)),
      ingress: [...SUBNETS.private.map((cidr, i) => rule(100 + i, "allow", "tcp", cidr, 3306, 3306)), denyAll],
      egress: [...SUBNETS.private.map((cidr, i) => rule(100 + i, "allow", "tcp", cidr, 1024, 65535)), denyAll],
    });
  });

  it("chains security groups lambda -> proxy -> database by reference; only the lambda reaches the endpoints", () => {
    const sg = (name: string) =>
      ref(SecurityGroup.tfResourceType, named(tf, SecurityGroup.tfResourceType, `${prefix}-${name}`).id);
    const pairs = (type: string) =>
      all(tf, type).map((r) => [
        r.security_group_id,
        r.referenced_security_group_id ?? r.prefix_list_id,
        r.from_port,
        r.to_port,
      ]);
    expect(pairs(VpcSecurityGroupIngressRule.tfResourceType)).toEqual(
      expect.arrayContaining([
        [sg("proxy"), sg("lambda"), 3306, 3306],
        [sg("database"), sg("proxy"), 3306, 3306],
        [sg("endpoints"), sg("lambda"), 443, 443],
        [sg("endpoints"), sg("proxy"), 443, 443],
      ]),
    );
    expect(pairs(VpcSecurityGroupIngressRule.tfResourceType)).toHaveLength(4);
    expect(pairs(VpcSecurityGroupEgressRule.tfResourceType)).toEqual(
      expect.arrayContaining([
        [sg("lambda"), sg("proxy"), 3306, 3306],
        [sg("lambda"), sg("endpoints"), 443, 443],
        [sg("lambda"), expect.stringMatching(/^\$\{aws_vpc_endpoint\..+\.prefix_list_id\}$/), 443, 443],
        [sg("proxy"), sg("database"), 3306, 3306],
        [sg("proxy"), sg("endpoints"), 443, 443],
      ]),
    );
    expect(pairs(VpcSecurityGroupEgressRule.tfResourceType)).toHaveLength(5);
    for (const group of all(tf, SecurityGroup.tfResourceType)) {
      expect(group).toEqual(
        expect.objectContaining({
          name: expect.stringMatching(new RegExp(`^${prefix}-`)),
          description: expect.any(String),
        }),
      );
      expect(group).not.toHaveProperty("ingress");
      expect(group).not.toHaveProperty("egress");
    }
  });

  it("opens no security group rule to a CIDR (so never to 0.0.0.0/0)", () => {
    for (const type of [VpcSecurityGroupIngressRule.tfResourceType, VpcSecurityGroupEgressRule.tfResourceType]) {
      for (const r of all(tf, type)) {
        expect(r).not.toHaveProperty("cidr_ipv4");
        expect(r).not.toHaveProperty("cidr_ipv6");
        expect(r.ip_protocol).toBe("tcp");
      }
    }
  });

  it("exposes its resources as NetworkOutputs", () => {
    const { outputs } = stack;
    expect(outputs.publicSubnetIds).toHaveLength(3);
    expect(outputs.privateSubnetIds).toHaveLength(3);
    expect(outputs.databaseSubnetIds).toHaveLength(3);
    for (const value of [
      outputs.vpcId,
      outputs.lambdaSecurityGroupId,
      outputs.proxySecurityGroupId,
      outputs.databaseSecurityGroupId,
      outputs.logsKeyArn,
    ]) {
      expect(value).toMatch(/^\$\{TfToken\[TOKEN\.\d+\]\}$/);
    }
  });
});

describe("NAT gateways, when the config asks for them", () => {
  const withNat = (natGateways: number) => {
    const config = loadEnvironments().prod;
    const tf = JSON.parse(
      Testing.synth(new NetworkStack(Testing.app(), { ...config, network: { ...config.network, natGateways } })),
    ) as Synthesized;
    const prefix = "ecommerce-analytics-prod";
    const routeOf = (az: string) => {
      const table = named(tf, "aws_route_table", `${prefix}-private-${az}`);
      const routes = all(tf, Route.tfResourceType).filter((r) => r.route_table_id === ref("aws_route_table", table.id));
      expect(routes).toEqual([
        expect.objectContaining({ destination_cidr_block: "0.0.0.0/0", nat_gateway_id: expect.any(String) }),
      ]);
      return routes[0].nat_gateway_id;
    };
    return { tf, prefix, natRefs: AZS.map(routeOf) };
  };

  it("one: a NAT with an Elastic IP in the first public subnet, shared by every private route table", () => {
    const { tf, prefix, natRefs } = withNat(1);
    const nats = all(tf, "aws_nat_gateway");
    expect(nats).toHaveLength(1);
    expect(ids(tf, "aws_eip")).toHaveLength(1);
    expect(nats[0].subnet_id).toBe(ref("aws_subnet", named(tf, "aws_subnet", `${prefix}-public-${AZS[0]}`).id));
    expect(new Set(natRefs).size).toBe(1);
  });

  it("one per AZ: each private route table through its own AZ's NAT", () => {
    const { tf, prefix, natRefs } = withNat(3);
    expect(all(tf, "aws_nat_gateway")).toHaveLength(3);
    expect(natRefs).toEqual(
      AZS.map((az) => ref("aws_nat_gateway", named(tf, "aws_nat_gateway", `${prefix}-${az}`).id)),
    );
  });
});
