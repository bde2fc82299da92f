import type { Pool, PoolConnection } from "mysql2";
import type { MysqlPool, MysqlPoolConnection } from "kysely";
import type { CircuitBreaker } from "./circuit-breaker";
import { isDatabaseUnavailable } from "./errors";

/**
 * A mysql2 pool as Kysely's MysqlDialect sees it, with two guards Kysely has no hook for:
 * every statement gets a client-side timeout (mysql2's per-query `timeout`), and every
 * connection attempt and statement reports to the circuit breaker. A connection whose
 * statement timed out or lost the server is destroyed instead of going back to the pool.
 */
export function guardPool(pool: Pool, breaker: CircuitBreaker, queryTimeoutMs: number | (() => number)): MysqlPool {
  return {
    getConnection(callback) {
      try {
        breaker.assertCanPass();
      } catch (error) {
        callback(error, undefined as unknown as MysqlPoolConnection);
        return;
      }
      pool.getConnection((error, connection) => {
        if (error) {
          if (isDatabaseUnavailable(error)) breaker.recordFailure();
          callback(error, undefined as unknown as MysqlPoolConnection);
          return;
        }
        callback(null, guardConnection(connection, breaker, queryTimeoutMs));
      });
    },
    end(callback) {
      pool.end(callback);
    },
  };
}

/** `queryTimeoutMs` may be a function, read at each statement (the migration probes with a short one, then migrates with a long one). */
function guardConnection(connection: PoolConnection, breaker: CircuitBreaker, queryTimeoutMs: number | (() => number)): MysqlPoolConnection {
  let broken = false;
  return {
    get config() {
      return connection.config;
    },
    get threadId() {
      return connection.threadId;
    },
    connect: (callback) => connection.connect(callback),
    destroy: () => connection.destroy(),
    release() {
      if (broken) connection.destroy();
      else connection.release();
    },
    query(sql: string, parameters: unknown, callback?: (error: unknown, result: never) => void) {
      const timeout = typeof queryTimeoutMs === "function" ? queryTimeoutMs() : queryTimeoutMs;
      const options = { sql, values: parameters as never, timeout };
      if (!callback) return connection.query(options) as never;
      return connection.query(options, (error: unknown, result: never) => {
        if (error && isDatabaseUnavailable(error)) {
          broken = true;
          breaker.recordFailure();
        } else {
          breaker.recordSuccess();
        }
        callback(error, result);
      }) as never;
    },
  };
}
