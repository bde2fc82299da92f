import { Signer } from "@aws-sdk/rds-signer";
import {
  createDatabase,
  databaseTargetFromEnv,
  LAMBDA_LIMITS,
  LOCAL_LIMITS,
  readerTargetFromEnv,
  type DatabaseHandle,
  type DatabaseTarget,
} from "./connection";
import { CachedTokenSource } from "./iam-auth";
import { tracer } from "../observability";

let shared: DatabaseHandle | undefined;
let sharedReader: DatabaseHandle | undefined;

function open(target: DatabaseTarget, env: NodeJS.ProcessEnv): DatabaseHandle {
  if (target.kind === "iam") {
    const signer = new Signer({
      hostname: target.host,
      port: target.port,
      username: target.user,
      region: target.region,
    });
    return createDatabase(target, LAMBDA_LIMITS, new CachedTokenSource(signer), { tracer });
  }
  return createDatabase(target, env.AWS_LAMBDA_FUNCTION_NAME ? LAMBDA_LIMITS : LOCAL_LIMITS, undefined, { tracer });
}

/**
 * The process-wide writer handle, created on first use and kept across Lambda invocations
 * (and across requests of the local server) so connections and the breaker state survive.
 * Ingestion, migrations, admin, API key lookups and reads that ask for the writer use it.
 * Statements get X-Ray subsegments through the handlers' Tracer (when tracing is on).
 */
export function sharedDatabase(env: NodeJS.ProcessEnv = process.env): DatabaseHandle {
  shared ??= open(databaseTargetFromEnv(env), env);
  return shared;
}

/**
 * The process-wide reader handle that reports read from (docs/read-replicas.md): its own pool and
 * breaker on RDS Proxy's read-only endpoint when the environment has Aurora readers; otherwise the
 * writer's handle itself, so a Lambda without readers holds one pool as before (the proxy's
 * connection budget in stacks/config/capacity.ts is unchanged). The local server sets two pools on
 * the one server (setSharedDatabase), so the same two-pool code runs there.
 */
export function sharedReaderDatabase(env: NodeJS.ProcessEnv = process.env): DatabaseHandle {
  if (sharedReader) return sharedReader;
  const target = readerTargetFromEnv(env);
  if (!target) return sharedDatabase(env);
  sharedReader = open(target, env);
  return sharedReader;
}

/**
 * Replaces the shared handles (tests and the local server point them at their own database). Without
 * a reader, reads go to the writer's handle.
 */
export function setSharedDatabase(handle: DatabaseHandle | undefined, reader?: DatabaseHandle): void {
  shared = handle;
  sharedReader = reader;
}
