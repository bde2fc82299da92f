import { DbParameterGroup } from "@cdktf/provider-aws/lib/db-parameter-group";
import { Construct } from "constructs";

export interface MysqlParameter {
  name: string;
  value: string;
  /** Dynamic parameters apply at once; static ones (none here today) need `pending-reboot`. */
  applyMethod: "immediate" | "pending-reboot";
}

/**
 * The server settings the application relies on, so no connection has to `SET` anything (a
 * session `SET` pins an RDS Proxy connection). All of them are dynamic in RDS for MySQL 8.4.
 */
export const MYSQL_PARAMETERS: readonly MysqlParameter[] = [
  // TLS on every connection to the instance, the proxy's included (SPEC: parameter group enforcing TLS).
  { name: "require_secure_transport", value: "1", applyMethod: "immediate" },
  // UTC on the server as on the wire (the pool sets timezone "Z"); RDS's default, stated.
  { name: "time_zone", value: "UTC", applyMethod: "immediate" },
  // utf8mb4 with binary collation, as local `CREATE DATABASE ... COLLATE utf8mb4_bin` and every
  // table (store ids are case-sensitive): the database RDS creates from db_name gets the same default.
  { name: "character_set_server", value: "utf8mb4", applyMethod: "immediate" },
  { name: "collation_server", value: "utf8mb4_bin", applyMethod: "immediate" },
  // The slow query log, exported to CloudWatch Logs (which needs log_output FILE).
  { name: "slow_query_log", value: "1", applyMethod: "immediate" },
  { name: "long_query_time", value: "1", applyMethod: "immediate" },
  { name: "log_output", value: "FILE", applyMethod: "immediate" },
];

export interface MysqlParameterGroupProps {
  prefix: string;
  family: "mysql8.4";
  parameters?: readonly MysqlParameter[];
}

/**
 * A custom parameter group (the default one cannot be changed). A name prefix plus
 * create-before-destroy lets a family change (8.4 -> 9.x) create the new group before the
 * instance moves off the old one.
 */
export class MysqlParameterGroup extends Construct {
  readonly group: DbParameterGroup;

  constructor(scope: Construct, id: string, props: MysqlParameterGroupProps) {
    super(scope, id);
    this.group = new DbParameterGroup(this, "group", {
      namePrefix: `${props.prefix}-${props.family.replace(".", "")}-`,
      family: props.family,
      description: `${props.prefix} MySQL ${props.family}: TLS required, UTC, utf8mb4, slow query log`,
      parameter: (props.parameters ?? MYSQL_PARAMETERS).map((p) => ({
        name: p.name,
        value: p.value,
        applyMethod: p.applyMethod,
      })),
      lifecycle: { createBeforeDestroy: true },
    });
  }
}
