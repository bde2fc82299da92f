/**
 * CPU time of the database server when it runs on this machine (a `mariadbd` or `mysqld`
 * process in /proc), so the ingestion measurement can say where a phase's time went: the
 * benchmark's own process (Node: the handler, or the bare INSERT's driver) or the server.
 * Linux only; anywhere else, or with the server elsewhere, there is no reading.
 */
import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync, readlinkSync } from "node:fs";

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
 * The inodes of the sockets listening on `port`, from the text of /proc/net/tcp or tcp6 (state
 * 0A is LISTEN; the local port is the hexadecimal after the address's colon).
 */
export function listeningInodes(procNetTcp: string, port: number): Set<string> {
  const inodes = new Set<string>();
  for (const line of procNetTcp.split("\n").slice(1)) {
    const fields = line.trim().split(/\s+/);
    if (fields.length < 10 || fields[3] !== "0A") continue;
    if (parseInt(fields[1].split(":")[1] ?? "", 16) === port) inodes.add(fields[9]);
  }
  return inodes;
}

const readOr = <T>(read: () => T, fallback: T): T => {
  try {
    return read();
  } catch {
    return fallback;
  }
};

/** Which of the server processes holds a listening socket of `port`, when their descriptors can be read. */
function listenerOf(pids: readonly string[], port: number): string | undefined {
  const inodes = new Set(
    ["/proc/net/tcp", "/proc/net/tcp6"].flatMap((file) => [
      ...listeningInodes(
        readOr(() => readFileSync(file, "utf8"), ""),
        port,
      ),
    ]),
  );
  return pids.find((pid) =>
    readOr(() => readdirSync(`/proc/${pid}/fd`), [] as string[]).some((fd) =>
      inodes.has(readOr(() => readlinkSync(`/proc/${pid}/fd/${fd}`), "").replace(/^socket:\[(\d+)\]$/, "$1")),
    ),
  );
}

/**
 * A reader of the database server's CPU seconds so far, when `serverUrl` names this machine and
 * its server process is found here; otherwise undefined. With several servers running (the test
 * suite starts private ones), the one listening on the URL's port is read, or none when that
 * cannot be told (another user's process descriptors are not readable): never a guess.
 */
export function localServerCpu(serverUrl: string): (() => number) | undefined {
  let url: URL;
  try {
    url = new URL(serverUrl);
  } catch {
    return undefined;
  }
  if (!LOOPBACK.has(url.hostname)) return undefined;
  const servers = readOr(() => readdirSync("/proc"), [] as string[])
    .filter((name) => /^\d+$/.test(name))
    .filter((pid) => SERVER_NAMES.has(readOr(() => readFileSync(`/proc/${pid}/comm`, "utf8").trim(), "")));
  const pid = servers.length === 1 ? servers[0] : listenerOf(servers, Number(url.port || 3306));
  if (!pid) return undefined;
  const ticks = ticksPerSecond();
  const read = () => cpuSecondsOfStat(readFileSync(`/proc/${pid}/stat`, "utf8"), ticks);
  return readOr(() => (read(), read), undefined);
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
