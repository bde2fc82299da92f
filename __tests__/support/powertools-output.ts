/**
 * Import this first in a test file that reads Powertools' output: the suite's global setup
 * silences the Logger and disables Metrics (POWERTOOLS_LOG_LEVEL=SILENT,
 * POWERTOOLS_METRICS_DISABLED=true), and both read their settings when functions/observability.ts
 * creates them (the Logger also goes back to that level at every invocation). Jest gives each test
 * file its own copy of process.env and its own module registry, so this affects only the file
 * that imports it.
 */
process.env.POWERTOOLS_LOG_LEVEL = "INFO";
process.env.POWERTOOLS_METRICS_DISABLED = "false";
delete process.env.POWERTOOLS_DEV;

export {};
