/** MySQL: Lambda -> RDS Proxy -> database. */
export const MYSQL_PORT = 3306;
/** HTTPS: the VPC endpoints, S3 through its gateway endpoint, the internet through NAT when there is one. */
export const HTTPS_PORT = 443;
/** The ephemeral port range clients' return traffic goes to (covers Linux's and Lambda's ranges). */
export const EPHEMERAL_PORTS = { from: 1024, to: 65535 } as const;
