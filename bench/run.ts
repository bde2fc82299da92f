/**
 * `npm run bench -- [--orders 1000000] [--years 3] [--products 20000] [--customers 300000]
 *   [--sessions-per-order 1] [--seed 42] [--skip-load] [--out bench/results.json] ...`
 *
 * See bench/options.ts for every flag and BENCHMARKS.md for what is measured and how.
 * Progress goes to stderr, the table to stdout, the figures to --out.
 */

// Powertools reads these when the handler modules load (dynamic imports below): no log line,
// metric or trace per invocation in the figures or on the terminal.
process.env.POWERTOOLS_LOG_LEVEL ??= "SILENT";
process.env.POWERTOOLS_METRICS_DISABLED ??= "true";
process.env.POWERTOOLS_TRACE_ENABLED ??= "false";

async function main(): Promise<number> {
  const { parseBenchArgs, USAGE } = await import("./options");
  const options = parseBenchArgs(process.argv.slice(2));
  if (options === "help") {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const { runBenchmark, formatResults } = await import("./benchmark");
  const results = await runBenchmark(options);
  if (options.verbose) process.stdout.write(`\n${formatResults(results)}\n`);
  return results.reports.every((r) => r.matches) ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`bench: ${(error as Error)?.stack ?? String(error)}\n`);
    process.exit(2);
  },
);
