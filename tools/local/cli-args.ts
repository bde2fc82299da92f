/**
 * What the command-line tools (`npm run store`, `demo`, `rollups`, `bench`) share: `--help`/`-h`
 * prints the usage on stdout and exits 0; a bad argument prints `error: <what>`, a blank line and
 * the usage on stderr and exits 2; a failure while running exits 1.
 */
import { parseArgs, type ParseArgsConfig } from "node:util";

/** Bad command-line arguments: the message names the flag; exit code 2. */
export class UsageError extends Error {}

export const EXIT_OK = 0;
export const EXIT_FAILED = 1;
export const EXIT_USAGE = 2;

/** Where a tool writes, one call per line (without the newline). */
export interface CliOutput {
  stdout: (line: string) => void;
  stderr: (line: string) => void;
}

/** The process's own streams. */
export const processOutput: CliOutput = {
  stdout: (line) => process.stdout.write(`${line}\n`),
  stderr: (line) => process.stderr.write(`${line}\n`),
};

/** `--help` or `-h` among the arguments (before a `--` that ends the options). */
export function wantsHelp(argv: readonly string[]): boolean {
  const end = argv.indexOf("--");
  return (end === -1 ? argv : argv.slice(0, end)).some((arg) => arg === "--help" || arg === "-h");
}

/** The usage on stderr after the problem; returns exit code 2. */
export function reportUsageError(io: CliOutput, error: UsageError, usage: string): number {
  io.stderr(`error: ${error.message}`);
  io.stderr("");
  io.stderr(usage);
  return EXIT_USAGE;
}

/**
 * node:util's parseArgs (strict: unknown options and missing values are errors), its errors turned
 * into UsageErrors with their first sentence ("Unknown option '--colour'").
 */
export function parseFlags<T extends ParseArgsConfig>(config: T): ReturnType<typeof parseArgs<T>> {
  try {
    return parseArgs<T>({ strict: true, ...config });
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (typeof code === "string" && code.startsWith("ERR_PARSE_ARGS_")) {
      throw new UsageError((error as Error).message.split(/\.\s/)[0]!.replace(/\.$/, ""));
    }
    throw error;
  }
}

/** A whole number >= `min` (underscores and commas allowed: 1_000_000), or undefined when the flag is absent. */
export function wholeNumberFlag(flag: string, raw: string | undefined, min = 1): number | undefined {
  if (raw === undefined) return undefined;
  const text = raw.replace(/[_,]/g, "");
  const value = Number(text);
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(value) || value < min)
    throw new UsageError(`--${flag} must be a whole number >= ${min} (got ${raw})`);
  return value;
}
