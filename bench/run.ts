/**
 * `npm run bench -- --orders 200000 --years 1` (`--help` lists every flag with its default).
 *
 * See bench/options.ts for every flag and BENCHMARKS.md for what is measured and how.
 * Progress goes to stderr, the table to stdout, the figures to --out. Exit codes: 0 done, 1 a
 * report disagreed with its baseline (or with DuckDB) or the run failed, 2 bad arguments (with the usage).
 */

// Powertools reads these when the handler modules load (dynamic imports below): no log line,
// metric or trace per invocation in the figures or on the terminal.
process.env.POWERTOOLS_LOG_LEVEL ??= "SILENT";
process.env.POWERTOOLS_METRICS_DISABLED ??= "true";
process.env.POWERTOOLS_TRACE_ENABLED ??= "false";

async function main(): Promise<number> {
  const { parseBenchArgs, USAGE } = await import("./options");
  const { processOutput, reportUsageError, UsageError } = await import("../tools/local/cli-args");
  let options: Awaited<ReturnType<typeof parseBenchArgs>>;
  try {
    options = parseBenchArgs(process.argv.slice(2));
  } catch (error) {
    if (error instanceof UsageError) return reportUsageError(processOutput, error, USAGE);
    throw error;
  }
  if (options === "help") {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const { runBenchmark, formatResults } = await import("./benchmark");
  const results = await runBenchmark(options);
  if (options.verbose) process.stdout.write(`\n${formatResults(results)}\n`);
  return results.reports.every((r) => r.matches && r.duckdbMatches !== false) ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`bench: ${(error as Error)?.stack ?? String(error)}\n`);
    process.exit(1);
  },
);
