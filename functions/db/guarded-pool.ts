import type { Pool, PoolConnection } from "mysql2";
import type { MysqlPool, MysqlPoolConnection } from "kysely";
import type { CircuitBreaker, Permit } from "./circuit-breaker";
import {
  AcquireTimeoutError,
  BrokenConnectionError,
  DeadlineExceededError,
  isConnectionFailure,
  markConnectFailure,
} from "./errors";
import { databaseDeadline } from "./request-deadline";
import { describeStatement, type StatementInfo } from "./statements";
import { startStatementSpan, type SegmentSource } from "./tracing";

export interface GuardOptions {
  /**
   * Longest wait for a connection inside an API request (withDatabaseDeadline): the pool's queue
   * and a new connection's connect together (mysql2's own queue has no bound, and a queued request
   * started its connect timeout only once a slot freed). Outside requests (CLIs, the demo and bench
   * loaders, migrations) waits stay as mysql2 makes them: only the connect timeout bounds them.
   */
  acquireTimeoutMs?: number;
  /** X-Ray: a subsegment per statement (functions/db/tracing.ts). */
  tracer?: SegmentSource;
}

type QueryCallback = (error: unknown, result: never) => void;

/** Errors after which an idle connection turns out to have died (closed by the server or RDS Proxy while idle). */
const STALE_CODES = new Set([
  "PROTOCOL_CONNECTION_LOST",
  "ECONNRESET",
  "EPIPE",
  "ER_CLIENT_INTERACTION_TIMEOUT",
  "ER_SERVER_SHUTDOWN",
]);
const STALE_ERRNOS = new Set([1927, 4031]);

function isStaleConnectionError(error: unknown): boolean {
  if (!error || typeof error !== "object") return false;
  const { code, errno, fatal, sqlState } = error as {
    code?: unknown;
    errno?: unknown;
    fatal?: unknown;
    sqlState?: unknown;
  };
  if (typeof code === "string") return STALE_CODES.has(code);
  if (typeof errno === "number" && STALE_ERRNOS.has(errno)) return true;
  return fatal === true && sqlState === undefined; // "Can't add new command when connection is in closed state"
}

function minDefined(...values: (number | undefined)[]): number | undefined {
  const defined = values.filter((v): v is number => v !== undefined);
  return defined.length === 0 ? undefined : Math.min(...defined);
}

function rowCount(result: unknown): number | undefined {
  if (Array.isArray(result)) return result.length;
  const affected = (result as { affectedRows?: unknown } | null)?.affectedRows;
  return typeof affected === "number" ? affected : undefined;
}

/**
 * A mysql2 pool as Kysely's MysqlDialect sees it, with the guards Kysely has no hook for:
 * - the circuit breaker admits every acquisition (fails fast while open; one trial when
 *   half-open, settled by the connection's first statement or by the acquisition's failure);
 * - inside an API request, a bounded wait for a connection (`acquireTimeoutMs`), cut further to
 *   the request's deadline (functions/db/request-deadline.ts); any error while getting a connection
 *   counts as a failure and is marked "database unavailable" (503), whatever its code;
 * - a client-side timeout on every statement (mysql2's per-query `timeout`), cut to the deadline;
 * - a connection whose statement failed on the connection (timed out, lost, reset) is destroyed at
 *   once, not returned to the pool: a hung statement would otherwise keep its place in mysql2's
 *   command queue and everything sent after it (Kysely's ROLLBACK) would hang too. The server rolls
 *   an open transaction back when the connection closes, so an ingest is stored whole or not at
 *   all; a ROLLBACK on such a connection answers at once and its transaction's error is thrown;
 * - a pooled connection that died while idle (RDS Proxy closes idle client connections): the first
 *   statement on it, if it is outside a transaction and safe to send again (a read, or BEGIN), is
 *   sent once more on a fresh connection; connections idle since before that moment are not
 *   trusted either (destroyed when next taken). A write is never sent twice;
 * - an X-Ray subsegment per statement (functions/db/tracing.ts).
 */
export function guardPool(
  pool: Pool,
  breaker: CircuitBreaker,
  queryTimeoutMs: number | (() => number),
  options: GuardOptions = {},
): MysqlPool {
  const lastReleased = new WeakMap<PoolConnection, number>();
  const seen = new WeakSet<PoolConnection>();
  /** Connections idle since before this instant are destroyed instead of used. */
  let staleBefore = 0;
  const statementTimeout = () => (typeof queryTimeoutMs === "function" ? queryTimeoutMs() : queryTimeoutMs);

  /** A raw connection within `waitMs` (undefined: no bound); `reused` when it has served before. */
  function acquire(
    waitMs: number | undefined,
    done: (error: unknown, connection?: PoolConnection, reused?: boolean) => void,
  ): void {
    let answered = false;
    const timer =
      waitMs === undefined
        ? undefined
        : setTimeout(
            () => {
              answered = true;
              done(new AcquireTimeoutError(Math.round(waitMs)));
            },
            Math.max(0, waitMs),
          );
    const fail = (error: unknown) => {
      if (answered) return;
      answered = true;
      clearTimeout(timer);
      markConnectFailure(error);
      done(error);
    };
    const attempt = () => {
      try {
        pool.getConnection((error, connection) => {
          if (connection && !seen.has(connection)) {
            seen.add(connection);
            // mysql2 emits `error` on a connection with no command to report to; PoolConnection's
            // own listener is `once`, so a second one would crash the process.
            connection.on("error", () => undefined);
            if (!error && answered) return connection.release(); // a late new connection serves the next caller
            if (!error) return deliver(connection, false);
          } else if (connection && !error) {
            if (answered) return connection.release();
            const released = lastReleased.get(connection);
            if (released !== undefined && released < staleBefore) {
              connection.destroy();
              return attempt();
            }
            return deliver(connection, true);
          }
          fail(error ?? new Error("mysql2 returned neither a connection nor an error"));
        });
      } catch (error) {
        fail(error);
      }
    };
    const deliver = (connection: PoolConnection, reused: boolean) => {
      answered = true;
      clearTimeout(timer);
      done(null, connection, reused);
    };
    attempt();
  }

  function timeLeft(deadline: number | undefined): number | undefined {
    return deadline === undefined ? undefined : deadline - Date.now();
  }

  /** Inside a request: the acquire bound, cut to what is left of the request's budget; outside: none. */
  function acquireWait(deadline: number | undefined): number | undefined {
    return deadline === undefined ? undefined : minDefined(options.acquireTimeoutMs, timeLeft(deadline));
  }

  function guardConnection(
    raw: PoolConnection,
    reused: boolean,
    permit: Permit,
    deadline: number | undefined,
  ): MysqlPoolConnection {
    let current = raw;
    let broken: unknown;
    let statements = 0;
    let inTransaction = false;
    let pending: Permit | undefined = permit;

    /**
     * The first statement's outcome settles the acquisition's permit (the half-open trial); later ones are recorded.
     */
    const settle = (ok: boolean) => {
      if (pending) {
        if (ok) pending.success();
        else pending.failure();
        pending = undefined;
      } else if (ok) breaker.recordSuccess();
      else breaker.recordFailure();
    };

    const breakConnection = (error: unknown) => {
      broken = error;
      current.destroy();
    };

    /**
     * A ROLLBACK on a connection that is (now) closed: the server rolls the transaction back when it
     * sees the connection close, so it succeeds, and Kysely throws the transaction's own error.
     */
    const closedIsRolledBack = (callback: QueryCallback) => {
      inTransaction = false;
      callback(null, [] as never);
    };

    const send = (
      sql: string,
      parameters: unknown,
      statement: StatementInfo,
      mayRetry: boolean,
      callback: QueryCallback,
    ) => {
      const left = timeLeft(deadline);
      if (left !== undefined && left <= 0) {
        // The server rolls back an open transaction when its connection closes.
        if (inTransaction) breakConnection(new DeadlineExceededError());
        pending?.abandon();
        pending = undefined;
        if (statement.operation === "ROLLBACK") closedIsRolledBack(callback);
        else callback(new DeadlineExceededError(), undefined as never);
        return;
      }
      const span = startStatementSpan(options.tracer, statement, Array.isArray(parameters) ? parameters.length : 0);
      const connection = current;
      let finished = false;
      const finish = (error: unknown, result: unknown) => {
        if (finished) return;
        finished = true;
        if (!error) {
          span.end({ rows: rowCount(result) });
          settle(true);
          if (statement.operation === "BEGIN" && !/^\s*set\b/i.test(sql)) inTransaction = true;
          else if (statement.operation === "COMMIT" || statement.operation === "ROLLBACK") inTransaction = false;
          callback(null, result as never);
          return;
        }
        const failure = isConnectionFailure(error);
        span.end({ error, connectionFailure: failure });
        if (!failure) {
          settle(true); // the database answered
          callback(error, undefined as never);
          return;
        }
        if (connection === current) breakConnection(error);
        if (statement.operation === "ROLLBACK") {
          settle(false);
          closedIsRolledBack(callback); // the transaction's own error is the one to report
          return;
        }
        if (mayRetry && !inTransaction && statement.repeatable && isStaleConnectionError(error)) {
          staleBefore = Date.now();
          acquire(acquireWait(deadline), (acquireError, fresh) => {
            if (acquireError || !fresh) {
              settle(false);
              callback(acquireError, undefined as never);
              return;
            }
            current = fresh;
            broken = undefined;
            send(sql, parameters, statement, false, callback);
          });
          return;
        }
        settle(false);
        callback(error, undefined as never);
      };
      let command: { queryTimeout?: NodeJS.Timeout | null } | undefined;
      const finishAndClear = (error: unknown, result: unknown) => {
        // mysql2 leaves a statement's timer running when the connection fails under it (it would
        // fire later into a callback already answered); clear it so nothing outlives the statement.
        if (error && command?.queryTimeout) {
          clearTimeout(command.queryTimeout);
          command.queryTimeout = null;
        }
        finish(error, result);
      };
      try {
        command = connection.query(
          { sql, values: parameters as never, timeout: minDefined(statementTimeout(), timeLeft(deadline)) },
          finishAndClear,
        ) as never;
      } catch (error) {
        finish(error, undefined);
      }
    };

    return {
      get config() {
        return current.config;
      },
      get threadId() {
        return current.threadId;
      },
      connect: (callback) => current.connect(callback),
      destroy: () => {
        broken ??= new BrokenConnectionError();
        current.destroy();
      },
      release() {
        pending?.abandon();
        pending = undefined;
        // Released inside a transaction (should not happen): destroyed, so nothing uncommitted leaks to the next user.
        if (broken !== undefined || inTransaction) {
          current.destroy();
          return;
        }
        lastReleased.set(current, Date.now());
        current.release();
      },
      query(sql: string, parameters: unknown, callback?: QueryCallback) {
        if (!callback) {
          // Kysely's streamQuery: a statement timeout, nothing more.
          return current.query({
            sql,
            values: parameters as never,
            timeout: minDefined(statementTimeout(), timeLeft(deadline)),
          }) as never;
        }
        const statement = describeStatement(sql);
        if (broken !== undefined) {
          if (statement.operation === "ROLLBACK") closedIsRolledBack(callback);
          else callback(new BrokenConnectionError(broken), undefined as never);
          return undefined as never;
        }
        const first = statements === 0;
        statements += 1;
        send(sql, parameters, statement, first && reused, callback);
        return undefined as never;
      },
    };
  }

  return {
    getConnection(callback) {
      const deadline = databaseDeadline();
      const left = timeLeft(deadline);
      if (left !== undefined && left <= 0) {
        callback(new DeadlineExceededError(), undefined as unknown as MysqlPoolConnection);
        return;
      }
      let permit: Permit;
      try {
        permit = breaker.admit();
      } catch (error) {
        callback(error, undefined as unknown as MysqlPoolConnection);
        return;
      }
      acquire(acquireWait(deadline), (error, connection, reused) => {
        if (error || !connection) {
          permit.failure();
          callback(error, undefined as unknown as MysqlPoolConnection);
          return;
        }
        callback(null, guardConnection(connection, reused ?? false, permit, deadline));
      });
    },
    end(callback) {
      pool.end(callback);
    },
  };
}
