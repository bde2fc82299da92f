import { execFile } from "node:child_process";
import { closeSync, openSync, readFileSync, readSync, statSync, unlinkSync, writeFileSync } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";
import { promisify } from "node:util";

const execFileAsync = promisify(execFile);

/** Whether a process with this pid exists (EPERM: it exists but belongs to someone else). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** Polls until `pid` is gone; false on timeout. */
export async function waitForExit(pid: number, timeoutMs: number, exited?: Promise<unknown>): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  let done = false;
  void exited?.then(() => (done = true));
  while (Date.now() < deadline) {
    if (done || !isAlive(pid)) return true;
    await sleep(25);
  }
  return !isAlive(pid);
}

export function readPidFile(file: string): number | undefined {
  try {
    const pid = Number.parseInt(readFileSync(file, "utf8").trim(), 10);
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

/** The command line of a running process (Linux: /proc, elsewhere: ps), or undefined if unknown. */
export async function commandLineOf(pid: number): Promise<string[] | undefined> {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "utf8")
      .split("\0")
      .filter((arg) => arg !== "");
  } catch {
    // not Linux, or the process is gone
  }
  try {
    const { stdout } = await execFileAsync("ps", ["-ww", "-p", String(pid), "-o", "command="], { timeout: 5000 });
    const line = stdout.trim();
    return line ? line.split(/\s+(?=--)/) : undefined;
  } catch {
    return undefined;
  }
}

/** The last `maxLines` lines of a file, starting no earlier than byte `fromOffset`. */
export function tailFile(file: string, maxLines = 25, fromOffset = 0, maxBytes = 16_384): string {
  let fd: number | undefined;
  try {
    fd = openSync(file, "r");
    const size = statSync(file).size;
    const start = Math.max(fromOffset, size - maxBytes, 0);
    const buffer = Buffer.alloc(Math.max(size - start, 0));
    readSync(fd, buffer, 0, buffer.length, start);
    return buffer.toString("utf8").trimEnd().split("\n").slice(-maxLines).join("\n");
  } catch {
    return "";
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

export function fileSize(file: string): number {
  try {
    return statSync(file).size;
  } catch {
    return 0;
  }
}

export function removeQuietly(file: string): void {
  try {
    unlinkSync(file);
  } catch {
    // already gone
  }
}

/**
 * A cross-process lock: a file created exclusively that holds the owner's pid. A lock whose owner
 * died is taken over. Returns the release function.
 */
export async function acquireFileLock(file: string, timeoutMs: number, what: string): Promise<() => void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      writeFileSync(file, String(process.pid), { flag: "wx" });
      return () => removeQuietly(file);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    }
    const owner = readPidFile(file);
    // An empty lock file may be one another process has created but not written yet.
    const stale = owner === undefined ? Date.now() - modifiedAt(file) > 5000 : !isAlive(owner);
    if (stale) {
      removeQuietly(file);
      continue;
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what} (lock ${file} held by pid ${owner ?? "?"})`);
    }
    await sleep(100);
  }
}

function modifiedAt(file: string): number {
  try {
    return statSync(file).mtimeMs;
  } catch {
    return 0;
  }
}
