/**
 * CPU time of the database server when it runs on this machine (a `mariadbd` or `mysqld`
 * process in /proc), so the ingestion measurement can say where a phase's time went: the
 * benchmark's own process (Node: the handler, or the bare INSERT's driver) or the server.
 * Linux only; anywhere else, or with the server elsewhere, there is no reading.
 */
import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";

const SERVER_NAMES = new Set(["mariadbd", "mysqld"]);

/** User plus system CPU seconds of a process from its /proc/<pid>/stat line. */
export function cpuSecondsOfStat(stat: string, ticksPerSecond: number): number {
  // The command name (2nd field) is in parentheses and may itself hold spaces or parentheses.
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  // After the name: state is field 3, utime field 14 and stime field 15 of proc(5).
  const [utime, stime] = [Number(fields[11]), Number(fields[12])];
  if (!Number.isFinite(utime) || !Number.isFinite(stime)) throw new Error(`not a /proc stat line: ${stat}`);
  return (utime + stime) / ticksPerSecond;
}

function ticksPerSecond(): number {
  try {
    return Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim()) || 100;
  } catch {
    return 100;
  }
}

const LOOPBACK = new Set(["127.0.0.1", "localhost", "[::1]", "::1"]);

/**
 * A reader of the database server's CPU seconds so far, when `serverUrl` names this machine and
 * a server process is found here; otherwise undefined.
 */
export function localServerCpu(serverUrl: string): (() => number) | undefined {
  let host: string;
  try {
    host = new URL(serverUrl).hostname;
  } catch {
    return undefined;
  }
  if (!LOOPBACK.has(host)) return undefined;
  let pids: string[];
  try {
    pids = readdirSync("/proc").filter((name) => /^\d+$/.test(name));
  } catch {
    return undefined;
  }
  const pid = pids.find((p) => {
    try {
      return SERVER_NAMES.has(readFileSync(`/proc/${p}/comm`, "utf8").trim());
    } catch {
      return false;
    }
  });
  if (!pid) return undefined;
  const ticks = ticksPerSecond();
  const read = () => cpuSecondsOfStat(readFileSync(`/proc/${pid}/stat`, "utf8"), ticks);
  try {
    read();
  } catch {
    return undefined;
  }
  return read;
}

/** CPU seconds spent during a phase: this process's, and the local server's when there is one. */
export interface PhaseCpu {
  node: number;
  server?: number;
}

/** Starts counting; the returned function stops and gives the CPU seconds since (two decimals). */
export function startCpuClock(serverCpu: (() => number) | undefined): () => PhaseCpu {
  const node0 = process.cpuUsage();
  const server0 = serverCpu?.();
  return () => {
    const node = process.cpuUsage(node0);
    const round2 = (seconds: number) => Math.round(seconds * 100) / 100;
    const phase: PhaseCpu = { node: round2((node.user + node.system) / 1e6) };
    if (serverCpu && server0 !== undefined) phase.server = round2(serverCpu() - server0);
    return phase;
  };
}

/** How long a phase waited for the server to go quiet, and whether it did. */
export interface Settled {
  waitedSeconds: number;
  quiet: boolean;
}

/**
 * Waits until the server used less than `quietCpuSeconds` of CPU over `windowSeconds` (it has
 * finished flushing and purging what the previous phase or run left behind), at most
 * `maxSeconds`: a run started right after another's deletes otherwise measures their cleanup.
 */
export async function waitForQuietServer(
  serverCpu: () => number,
  maxSeconds: number,
  {
    windowSeconds = 3,
    quietCpuSeconds = 0.1,
    sleep = (seconds: number) => new Promise<void>((resolve) => setTimeout(resolve, seconds * 1000)),
  } = {},
): Promise<Settled> {
  const window = Math.min(windowSeconds, maxSeconds);
  let waitedSeconds = 0;
  while (waitedSeconds < maxSeconds) {
    const before = serverCpu();
    await sleep(window);
    waitedSeconds += window;
    if (serverCpu() - before < quietCpuSeconds * (window / windowSeconds)) return { waitedSeconds, quiet: true };
  }
  return { waitedSeconds, quiet: false };
}
