import type { DataOutputs, NetworkOutputs } from "../../stacks/contracts";

/** Stand-ins for the network and data stacks' outputs, for synthesizing a downstream stack alone. */
export const networkOutputs: NetworkOutputs = {
  vpcId: "vpc-0abc",
  publicSubnetIds: ["subnet-pub-a", "subnet-pub-b", "subnet-pub-c"],
  privateSubnetIds: ["subnet-priv-a", "subnet-priv-b", "subnet-priv-c"],
  databaseSubnetIds: ["subnet-db-a", "subnet-db-b", "subnet-db-c"],
  lambdaSecurityGroupId: "sg-lambda",
  proxySecurityGroupId: "sg-proxy",
  databaseSecurityGroupId: "sg-db",
  logsKeyArn: "arn:aws:kms:eu-west-1:111122223333:key/logs-key",
};

export const dataOutputs: DataOutputs = {
  dbInstanceIdentifier: "ecommerce-analytics-db",
  databaseName: "analytics",
  proxyName: "ecommerce-analytics-proxy",
  proxyArn: "arn:aws:rds:eu-west-1:111122223333:db-proxy:prx-0123456789abcdef",
  proxyEndpoint: "proxy.proxy-abc.eu-west-1.rds.amazonaws.com",
  proxyResourceId: "prx-0123456789abcdef",
  masterUsername: "admin_master",
  appUsername: "app_user",
  masterSecretArn: "arn:aws:secretsmanager:eu-west-1:111122223333:secret:rds!db-master",
  appSecretArn: "arn:aws:secretsmanager:eu-west-1:111122223333:secret:ecommerce-analytics/db/app_user",
  databaseKeyArn: "arn:aws:kms:eu-west-1:111122223333:key/database-key",
};
