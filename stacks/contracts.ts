/**
 * What each stack hands to the next. Values are Terraform tokens (cdktf turns a reference
 * across stacks into an output plus a remote-state lookup), so these are plain strings here.
 */
import type { FunctionName } from "../shared/routes";

export interface NetworkOutputs {
  vpcId: string;
  publicSubnetIds: string[];
  privateSubnetIds: string[];
  databaseSubnetIds: string[];
  /** Lambdas: egress to the proxy (3306) and the VPC endpoints (443) only. */
  lambdaSecurityGroupId: string;
  /** RDS Proxy: ingress 3306 from the Lambdas only; egress 3306 to the database. */
  proxySecurityGroupId: string;
  /** The database: ingress 3306 from the proxy only. */
  databaseSecurityGroupId: string;
  /** Customer-managed KMS key (rotation on) for every CloudWatch log group of the environment. */
  logsKeyArn: string;
}

export interface DataOutputs {
  /** The RDS instance, or with Aurora the writer instance (per-instance metrics: CPU, memory). */
  dbInstanceIdentifier: string;
  /** With Aurora (docs/read-replicas.md): the reader instances, for their lag and CPU alarms; none otherwise. */
  readerInstanceIdentifiers?: string[];
  databaseName: string;
  proxyName: string;
  proxyArn: string;
  proxyEndpoint: string;
  /** The proxy's read-only endpoint on the Aurora readers, where there are readers; reports read there. */
  proxyReaderEndpoint?: string;
  /** `prx-...`, the id in `arn:aws:rds-db:<region>:<account>:dbuser:<prx-id>/<user>`. */
  proxyResourceId: string;
  masterUsername: string;
  appUsername: string;
  /** RDS-managed master secret; the migration function connects with it (through the proxy). */
  masterSecretArn: string;
  /** The application user's secret, which the proxy uses to reach the database. */
  appSecretArn: string;
  /** The KMS key of the storage and both secrets (reading or writing a secret needs it). */
  databaseKeyArn: string;
}

export type DeployedFunction = FunctionName | "migrate" | "admin" | "authorizer";

export interface ApiOutputs {
  restApiId: string;
  restApiName: string;
  stageName: string;
  apiUrl: string;
  usagePlanId: string;
  /** Physical Lambda function names, e.g. `ecommerce-analytics-prod-ingest`. */
  functionNames: Record<DeployedFunction, string>;
  /** The dashboard's sign-in: the people's Cognito user pool and its public app client. */
  people: PeopleOutputs;
}

export interface PeopleOutputs {
  userPoolId: string;
  /** The dashboard's app client id (public: it goes into the dashboard's config.json). */
  clientId: string;
  /** Cognito's JSON API for the pool's region: `https://cognito-idp.<region>.amazonaws.com/`. */
  endpoint: string;
}

export interface WebOutputs {
  /** The dashboard's address, `https://<distribution>.cloudfront.net`. */
  dashboardUrl: string;
  siteBucketName: string;
  distributionId: string;
}
