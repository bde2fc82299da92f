import { Signer } from "@aws-sdk/rds-signer";
import { createDatabase, databaseTargetFromEnv, LAMBDA_LIMITS, LOCAL_LIMITS, type DatabaseHandle } from "./connection";
import { CachedTokenSource } from "./iam-auth";
import { tracer } from "../observability";

let shared: DatabaseHandle | undefined;

/**
 * The process-wide database handle, created on first use and kept across Lambda invocations
 * (and across requests of the local server) so connections and the breaker state survive.
 * Statements get X-Ray subsegments through the handlers' Tracer (when tracing is on).
 */
export function sharedDatabase(env: NodeJS.ProcessEnv = process.env): DatabaseHandle {
  if (shared) return shared;
  const target = databaseTargetFromEnv(env);
  if (target.kind === "iam") {
    const signer = new Signer({
      hostname: target.host,
      port: target.port,
      username: target.user,
      region: target.region,
    });
    shared = createDatabase(target, LAMBDA_LIMITS, new CachedTokenSource(signer), { tracer });
  } else {
    shared = createDatabase(target, env.AWS_LAMBDA_FUNCTION_NAME ? LAMBDA_LIMITS : LOCAL_LIMITS, undefined, { tracer });
  }
  return shared;
}

/** Replaces the shared handle (tests and the local server point it at their own database). */
export function setSharedDatabase(handle: DatabaseHandle | undefined): void {
  shared = handle;
}
