import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { DataAwsIamPolicyDocument } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { DbProxy } from "@cdktf/provider-aws/lib/db-proxy";
import { DbProxyEndpoint } from "@cdktf/provider-aws/lib/db-proxy-endpoint";
import { DbProxyDefaultTargetGroup } from "@cdktf/provider-aws/lib/db-proxy-default-target-group";
import { DbProxyTarget } from "@cdktf/provider-aws/lib/db-proxy-target";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { Construct } from "constructs";
import { Fn } from "cdktf";

/**
 * How long a client waits for a pooled database connection before the proxy gives up. Shorter
 * than the API functions' timeouts (15 s) so the caller gets an error to report, not a Lambda
 * timeout; AWS's default (120 s) would outlive every API request.
 */
export const CONNECTION_BORROW_TIMEOUT_SECONDS = 10;

export interface ProxySecret {
  /** Which database user the secret holds; for descriptions only (the proxy reads it from the secret). */
  username: string;
  secretArn: string;
}

export interface DatabaseProxyProps {
  prefix: string;
  region: string;
  /** Where the proxy's network interfaces live: the private subnets, next to the Lambdas. */
  subnetIds: string[];
  securityGroupId: string;
  /**
   * What the proxy fronts: an RDS instance (`aws_db_instance.identifier`) or an Aurora cluster
   * (`aws_rds_cluster.cluster_identifier`), whose writer and readers the proxy finds itself.
   */
  target: { dbInstanceIdentifier: string } | { dbClusterIdentifier: string };
  /**
   * A read-only endpoint (target role READ_ONLY: connections go to the Aurora readers), for reports
   * (docs/read-replicas.md). Only with a cluster that has readers: without, it would accept no connection.
   */
  readOnlyEndpoint: boolean;
  /** The secrets the proxy may read: the master's (RDS-managed) and the app user's. */
  secrets: ProxySecret[];
  /** The key those secrets are encrypted with. */
  kmsKeyArn: string;
  idleClientTimeoutSeconds: number;
  maxConnectionsPercent: number;
  logRetentionDays: number;
  logsKeyArn: string;
}

/**
 * RDS Proxy in front of the instance. Clients (the Lambdas) must use TLS and IAM auth tokens;
 * the proxy reaches the database with passwords it reads from Secrets Manager, so no Lambda ever
 * holds a database password. Its role may read exactly the listed secrets and decrypt them with
 * the database key only through Secrets Manager.
 */
export class DatabaseProxy extends Construct {
  readonly proxy: DbProxy;
  readonly role: IamRole;
  readonly targetGroup: DbProxyDefaultTargetGroup;
  readonly target: DbProxyTarget;
  /** Where `readOnlyEndpoint`: the proxy endpoint on the Aurora readers. */
  readonly readOnly?: DbProxyEndpoint;
  /**
   * `prx-...`: the resource id in `rds-db:connect` ARNs (`arn:aws:rds-db:<region>:<account>:dbuser:<prx-id>/<user>`).
   */
  readonly resourceId: string;

  constructor(scope: Construct, id: string, props: DatabaseProxyProps) {
    super(scope, id);
    const name = `${props.prefix}-proxy`;

    const trust = new DataAwsIamPolicyDocument(this, "trust", {
      statement: [
        {
          effect: "Allow",
          principals: [{ type: "Service", identifiers: ["rds.amazonaws.com"] }],
          actions: ["sts:AssumeRole"],
        },
      ],
    });
    this.role = new IamRole(this, "role", {
      name: `${props.prefix}-rds-proxy`,
      description: `${name}: reads the database users' secrets`,
      assumeRolePolicy: trust.json,
    });
    const access = new DataAwsIamPolicyDocument(this, "access", {
      statement: [
        {
          sid: "ReadDatabaseUserSecrets",
          effect: "Allow",
          actions: ["secretsmanager:GetSecretValue"],
          resources: props.secrets.map((s) => s.secretArn),
        },
        {
          sid: "DecryptThemThroughSecretsManager",
          effect: "Allow",
          actions: ["kms:Decrypt"],
          resources: [props.kmsKeyArn],
          condition: [
            {
              test: "StringEquals",
              variable: "kms:ViaService",
              values: [`secretsmanager.${props.region}.amazonaws.com`],
            },
          ],
        },
      ],
    });
    const rolePolicy = new IamRolePolicy(this, "access-policy", {
      name: "read-database-secrets",
      role: this.role.id,
      policy: access.json,
    });

    // RDS Proxy writes its own log group; created here with retention and KMS before the proxy exists.
    const logGroup = new CloudwatchLogGroup(this, "log", {
      name: `/aws/rds/proxy/${name}`,
      retentionInDays: props.logRetentionDays,
      kmsKeyId: props.logsKeyArn,
    });

    this.proxy = new DbProxy(this, "proxy", {
      name,
      engineFamily: "MYSQL",
      roleArn: this.role.arn,
      vpcSubnetIds: props.subnetIds,
      vpcSecurityGroupIds: [props.securityGroupId],
      requireTls: true,
      idleClientTimeout: props.idleClientTimeoutSeconds,
      // Debug logging writes SQL text (customer data) to the logs: off.
      debugLogging: false,
      auth: props.secrets.map((s) => ({
        description: `${s.username}: proxy to database with the secret's password`,
        authScheme: "SECRETS",
        secretArn: s.secretArn,
        // Clients authenticate with IAM tokens (rds-db:connect on dbuser:<prx-id>/<user>); no client passwords.
        iamAuth: "REQUIRED",
        // MySQL 8.4's default plugin (mysql_native_password is deprecated there and off by default) and
        // the RDS API's default for MySQL proxies. With IAM REQUIRED it governs no client login, but
        // stating it keeps plans stable and stays right if password logins are ever allowed.
        clientPasswordAuthType: "MYSQL_CACHING_SHA2_PASSWORD",
      })),
      dependsOn: [rolePolicy, logGroup],
    });
    this.resourceId = Fn.element(Fn.split(":", this.proxy.arn), 6);

    this.targetGroup = new DbProxyDefaultTargetGroup(this, "target-group", {
      dbProxyName: this.proxy.name,
      connectionPoolConfig: {
        maxConnectionsPercent: props.maxConnectionsPercent,
        // AWS's default (half of the maximum), stated.
        maxIdleConnectionsPercent: Math.floor(props.maxConnectionsPercent / 2),
        connectionBorrowTimeout: CONNECTION_BORROW_TIMEOUT_SECONDS,
        // No init_query and no session pinning filters: connections carry no session state, the
        // parameter group sets time zone and charset, and the app issues no session SETs.
      },
    });
    this.target = new DbProxyTarget(this, "target", {
      dbProxyName: this.proxy.name,
      targetGroupName: this.targetGroup.name,
      ...props.target,
    });
    if (props.readOnlyEndpoint) {
      if (!("dbClusterIdentifier" in props.target))
        throw new Error("a read-only proxy endpoint needs an Aurora cluster");
      // Same proxy, auth (IAM, TLS required) and target group; its own DNS name, in the same subnets
      // and security group as the proxy's default (read/write) endpoint.
      this.readOnly = new DbProxyEndpoint(this, "read-only", {
        dbProxyName: this.proxy.name,
        dbProxyEndpointName: `${name}-read-only`,
        targetRole: "READ_ONLY",
        vpcSubnetIds: props.subnetIds,
        vpcSecurityGroupIds: [props.securityGroupId],
        dependsOn: [this.target],
      });
    }
  }
}
