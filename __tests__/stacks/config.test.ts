import {
  connectionDemand,
  mysqlMaxConnections,
  proxyConnectionLimit,
  WITHOUT_DATABASE,
} from "../../stacks/config/capacity";
import {
  ConfigError,
  environmentSettings,
  loadEnvironments,
  selectedEnvironments,
  validateEnvironment,
  type EnvironmentConfig,
} from "../../stacks/config";

const settings = () => environmentSettings({});
const problemsOf = (fn: () => unknown): string[] => {
  try {
    fn();
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error("expected a ConfigError");
};
const withChange = (name: "dev" | "staging" | "prod", change: (c: EnvironmentConfig) => void) => {
  const all = settings();
  change(all[name]);
  return all;
};

describe("environment config", () => {
  const { dev, staging, prod } = loadEnvironments(settings());

  it("pins what differs between environments", () => {
    const pick = (c: EnvironmentConfig) => ({
      natGateways: c.network.natGateways,
      instanceClass: c.database.instanceClass,
      multiAz: c.database.multiAz,
      backupRetentionDays: c.database.backupRetentionDays,
      deletionProtection: c.database.deletionProtection,
      finalSnapshot: c.database.finalSnapshot,
      logRetentionDays: c.logRetentionDays,
      performanceInsightsRetentionDays: c.database.performanceInsightsRetentionDays,
    });
    expect({ dev: pick(dev), staging: pick(staging), prod: pick(prod) }).toEqual({
      dev: {
        natGateways: 0,
        instanceClass: "db.t4g.micro",
        multiAz: false,
        backupRetentionDays: 1,
        deletionProtection: false,
        finalSnapshot: false,
        logRetentionDays: 14,
        performanceInsightsRetentionDays: 7,
      },
      staging: {
        natGateways: 0,
        instanceClass: "db.t4g.medium",
        multiAz: true,
        backupRetentionDays: 7,
        deletionProtection: false,
        finalSnapshot: false,
        logRetentionDays: 30,
        performanceInsightsRetentionDays: 7,
      },
      prod: {
        natGateways: 0,
        instanceClass: "db.r7g.large",
        multiAz: true,
        backupRetentionDays: 35,
        deletionProtection: true,
        finalSnapshot: true,
        logRetentionDays: 365,
        performanceInsightsRetentionDays: 31,
      },
    });
  });

  it("keeps what SPEC fixes the same everywhere", () => {
    for (const c of [dev, staging, prod]) {
      expect(c.network).toMatchObject({
        vpcCidr: "10.0.0.0/16",
        publicSubnets: ["10.0.1.0/24", "10.0.2.0/24", "10.0.3.0/24"],
        privateSubnets: ["10.0.11.0/24", "10.0.12.0/24", "10.0.13.0/24"],
        databaseSubnets: ["10.0.21.0/24", "10.0.22.0/24", "10.0.23.0/24"],
      });
      expect(c.database.engineVersion).toBe("8.4");
      expect(c.api.requestsPerMinutePerKey).toBe(1000);
      expect(c.alarms).toMatchObject({ api5xxRatePercent: 5, apiP99LatencyMs: 2000, rdsCpuPercent: 80 });
      expect(Object.keys(c.tags).sort()).toEqual(["cost-center", "environment", "managed-by", "project"]);
    }
  });

  it("reserves concurrency for each function in staging and prod (within what the proxy may open), none in dev", () => {
    expect(connectionDemand(dev)).toEqual({
      connections: 0,
      unreserved: ["ingest", "reports", "health", "admin", "migrate"],
    });
    for (const c of [staging, prod]) {
      const demand = connectionDemand(c);
      expect(demand.unreserved).toEqual([]);
      expect(demand.connections).toBeLessThanOrEqual(proxyConnectionLimit(c));
      expect(c.functions.migrate.reservedConcurrency).toBe(1);
    }
    expect({ staging: connectionDemand(staging).connections, prod: connectionDemand(prod).connections }).toEqual({
      staging: 237,
      prod: 1027,
    });
    expect({ staging: proxyConnectionLimit(staging), prod: proxyConnectionLimit(prod) }).toEqual({
      staging: 278,
      prod: 1199,
    });
    // max_connections is {DBInstanceClassMemory/12582880}; the estimate stays under AWS's published figures.
    expect(mysqlMaxConnections("db.t4g.micro")).toBeLessThanOrEqual(66);
    expect(mysqlMaxConnections("db.r7g.large")).toBeLessThanOrEqual(1365);
  });

  it("reserves the authorizer too where others reserve, at no cost to the proxy: it opens no connection", () => {
    expect(WITHOUT_DATABASE).toEqual(["authorizer"]);
    expect(dev.functions.authorizer.reservedConcurrency).toBeUndefined();
    expect({ staging: staging.functions.authorizer, prod: prod.functions.authorizer }).toEqual({
      staging: { memoryMb: 256, timeoutSeconds: 5, reservedConcurrency: 50 },
      prod: { memoryMb: 256, timeoutSeconds: 5, reservedConcurrency: 100 },
    });
    // The connection demand above is the same with or without the authorizer's reservation.
    const without = { ...prod, functions: { ...prod.functions, authorizer: { ...prod.functions.authorizer } } };
    without.functions.authorizer.reservedConcurrency = 1000;
    expect(connectionDemand(without).connections).toBe(1027);
  });

  it("signs people in with e-mail, 12-character passwords and optional TOTP; threat protection in prod", () => {
    for (const c of [dev, staging, prod]) {
      expect(c.people).toMatchObject({
        mfa: "OPTIONAL",
        passwordPolicy: { minimumLength: 12 },
        refreshTokenValidityDays: 30,
      });
      expect(c.people.requestsPerDay).toBe(c.people.requestsPerMinute * 500);
      expect(c.dashboard.priceClass).toBe("PriceClass_100");
    }
    expect([dev, staging, prod].map((c) => [c.people.featurePlan, c.people.threatProtection])).toEqual([
      ["ESSENTIALS", "OFF"],
      ["ESSENTIALS", "OFF"],
      ["PLUS", "ENFORCED"],
    ]);
    expect([dev, staging, prod].map((c) => c.people.deletionProtection)).toEqual([false, false, true]);
    // All signed-in people of an environment share one key: its plan grows with the environment.
    expect([dev, staging, prod].map((c) => c.people.requestsPerMinute)).toEqual([1_000, 2_000, 6_000]);
    expect([dev, staging, prod].map((c) => c.dashboard.forceDestroy)).toEqual([true, false, false]);
  });

  it("runs the migration with Lambda's longest timeout (it waits, bounded, for the proxy)", () => {
    for (const c of [dev, staging, prod]) expect(c.functions.migrate.timeoutSeconds).toBe(900);
  });

  it("uses a local backend unless STATE_BUCKET is set", () => {
    expect(dev.state.bucket).toBeUndefined();
    expect(environmentSettings({ STATE_BUCKET: "acme-tf-state" }).prod.state.bucket).toBe("acme-tf-state");
  });
});

describe("a broken config fails with the field at fault", () => {
  it.each<[string, (c: EnvironmentConfig) => void, RegExp]>([
    [
      "a missing field",
      (c) => delete (c.database as Partial<EnvironmentConfig["database"]>).instanceClass,
      /^prod\.database\.instanceClass: is required/,
    ],
    ["an unknown field", (c) => Object.assign(c.network, { natGatewayz: 2 }), /^prod\.network\.natGatewayz/],
    [
      "overlapping subnets",
      (c) => (c.network.privateSubnets[1] = "10.0.1.0/24"),
      /^prod\.network\.privateSubnets\[1\]: 10\.0\.1\.0\/24 overlaps prod\.network\.publicSubnets\[0\]/,
    ],
    [
      "a subnet outside the VPC",
      (c) => (c.network.databaseSubnets[2] = "10.1.23.0/24"),
      /^prod\.network\.databaseSubnets\[2\]: .* is outside the VPC/,
    ],
    ["a malformed CIDR", (c) => (c.network.vpcCidr = "10.0.0.0/33"), /^prod\.network\.vpcCidr: .* not an IPv4 network/],
    [
      "more AZs than the region has",
      (c) => {
        c.region = "us-west-1";
      },
      /^prod\.azCount: 3 but us-west-1 has 2/,
    ],
    [
      "an invalid instance class",
      (c) => (c.database.instanceClass = "r7g.large"),
      /^prod\.database\.instanceClass: must look like db\.r7g\.large/,
    ],
    ["a retention CloudWatch does not offer", (c) => (c.logRetentionDays = 10), /^prod\.logRetentionDays/],
    ["more NAT gateways than AZs", (c) => (c.network.natGateways = 4), /^prod\.network\.natGateways/],
    ["negative NAT gateways", (c) => (c.network.natGateways = -1), /^prod\.network\.natGateways/],
    [
      "reservations the proxy cannot serve",
      (c) => (c.functions.reports.reservedConcurrency = 600),
      /^prod\.functions: reserved concurrency × pool size is 1627 connections .* more than the 1199 RDS Proxy may open/,
    ],
    [
      "a smaller instance under the same reservations",
      (c) => (c.database.instanceClass = "db.t4g.medium"),
      /^prod\.functions: .* more than the 278 RDS Proxy may open/,
    ],
    [
      "one function left unreserved among reserved ones",
      (c) => (c.functions.ingest.reservedConcurrency = undefined),
      /^prod\.functions\.ingest\.reservedConcurrency: required when other functions reserve/,
    ],
    [
      "the authorizer left unreserved among reserved functions (it holds no connection, but gates every request)",
      (c) => (c.functions.authorizer.reservedConcurrency = undefined),
      /^prod\.functions\.authorizer\.reservedConcurrency: required .* holds no database connection/,
    ],
    [
      "threat protection on a feature plan without it",
      (c) => (c.people.featurePlan = "ESSENTIALS"),
      /^prod\.people\.threatProtection: ENFORCED needs featurePlan PLUS/,
    ],
    [
      "passwords shorter than the platform's floor",
      (c) => (c.people.passwordPolicy.minimumLength = 8),
      /^prod\.people\.passwordPolicy\.minimumLength: .*12/,
    ],
    [
      "storage that cannot autoscale",
      (c) => (c.database.maxAllocatedStorageGb = 100),
      /^prod\.database\.maxAllocatedStorageGb/,
    ],
  ])("%s", (_name, change, expected) => {
    const problems = problemsOf(() => loadEnvironments(withChange("prod", change)));
    expect(problems.some((p) => expected.test(p))).toBe(true);
  });

  it("zod's problems read as the API's (shared/zod-issues.ts): type expected, values allowed, unknown fields", () => {
    const problems = problemsOf(() =>
      loadEnvironments(
        withChange("prod", (c) => {
          Object.assign(c, { azCount: "three" });
          Object.assign(c.network, { flowLogTrafficType: "SOME", foo: 1, bar: 2 });
        }),
      ),
    );
    expect(problems).toEqual([
      "prod.azCount: must be a number, not a string",
      "prod.network.flowLogTrafficType: must be one of ALL, REJECT",
      "prod.network.foo: is not a known field",
      "prod.network.bar: is not a known field",
    ]);
  });

  it("an unknown environment name", () => {
    expect(problemsOf(() => validateEnvironment("qa", settings().dev))).toEqual([
      "qa: unknown environment (known: dev, staging, prod)",
    ]);
    expect(problemsOf(() => selectedEnvironments({ CDKTF_ENVIRONMENTS: "dev,qa" }))).toEqual([
      "CDKTF_ENVIRONMENTS: unknown environment qa",
    ]);
  });

  it("a missing environment", () => {
    const { dev, staging } = settings();
    expect(problemsOf(() => loadEnvironments({ dev, staging }))).toEqual(["prod: missing environment"]);
  });

  it("reports the problems of every environment at once", () => {
    const all = withChange("dev", (c) => (c.database.instanceClass = "large"));
    all.prod.azCount = 9;
    const fields = problemsOf(() => loadEnvironments(all)).map((p) => p.split(":")[0]);
    expect(fields).toEqual(["dev.database.instanceClass", "prod.azCount"]);
  });
});
