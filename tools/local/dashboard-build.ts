/**
 * `npm start` builds the dashboard (`npm run dashboard:build`: vite into dashboard/dist) when
 * dist is missing or older than its sources, in the background: the API is up meanwhile, `/` says
 * the dashboard is being built, and a failed build is reported without stopping the server.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";

export const DASHBOARD_BUILD_SCRIPT = "dashboard:build";

/** The newest modification time (ms) of the files under `target` (itself when a file), 0 when absent. */
function newestMtime(target: string): number {
  let stats;
  try {
    stats = statSync(target);
  } catch {
    return 0;
  }
  if (!stats.isDirectory()) return stats.mtimeMs;
  let newest = stats.mtimeMs;
  for (const entry of readdirSync(target)) newest = Math.max(newest, newestMtime(path.join(target, entry)));
  return newest;
}

/** What the build reads besides src/: the page, its static files and vite's configuration. */
const SOURCES = ["src", "index.html", "public", "vite.config.ts", "vite.config.mts", "vite.config.js", "tsconfig.json"];

/** Whether `dashboardDir/dist` must be built: no index.html, or a source changed after it was built. */
export function dashboardIsStale(dashboardDir: string): boolean {
  const built = newestMtime(path.join(dashboardDir, "dist", "index.html"));
  if (built === 0) return true;
  return SOURCES.some((source) => newestMtime(path.join(dashboardDir, source)) > built);
}

export interface DashboardBuild {
  /** Undefined once built (or when it could not be and said so); else what `/` shows meanwhile. */
  state(): string | undefined;
  /** Settles when the build has ended, whatever its outcome. */
  finished: Promise<void>;
  /** Stops a build still running (the server is shutting down). */
  stop(): Promise<void>;
}

export interface DashboardBuildOptions {
  /** The project root (package.json and dashboard/). */
  root: string;
  log: (line: string) => void;
  /** The command that builds it. Default: npm run -s dashboard:build. */
  command?: readonly string[];
}

/** npm itself, as the npm that runs `npm start` is (npm_execpath), else the one on PATH. */
function npmCommand(): string[] {
  const npmCli = process.env.npm_execpath;
  return npmCli && /\.c?js$/.test(npmCli) ? [process.execPath, npmCli] : ["npm"];
}

function hasBuildScript(root: string): boolean {
  try {
    const { scripts } = JSON.parse(readFileSync(path.join(root, "package.json"), "utf8")) as {
      scripts?: Record<string, string>;
    };
    return typeof scripts?.[DASHBOARD_BUILD_SCRIPT] === "string";
  } catch {
    return false;
  }
}

const OUTPUT_LINES_SHOWN = 20;

/** Builds the dashboard in the background when it is stale; `state()` says how that goes. */
export function buildDashboardIfStale(options: DashboardBuildOptions): DashboardBuild {
  const dashboardDir = path.join(options.root, "dashboard");
  const done = (state?: string): DashboardBuild => ({
    state: () => state,
    finished: Promise.resolve(),
    stop: async () => {},
  });
  if (!dashboardIsStale(dashboardDir)) return done();
  if (!options.command && !hasBuildScript(options.root)) {
    options.log(`dashboard: not built, and package.json has no ${DASHBOARD_BUILD_SCRIPT} script`);
    return done(`the dashboard is not built and package.json has no ${DASHBOARD_BUILD_SCRIPT} script`);
  }

  const [command, ...args] = options.command ?? [...npmCommand(), "run", "-s", DASHBOARD_BUILD_SCRIPT];
  const started = Date.now();
  let state: string | undefined = "the dashboard is being built (a few seconds)";
  options.log(`dashboard: building (dist is missing or older than dashboard/src)`);
  let output = "";
  let stopped = false;
  let child: ChildProcess;
  const finished = new Promise<void>((resolve) => {
    // A process group of its own: npm runs sh, which runs vite; stop() ends all of them.
    child = spawn(command!, args, { cwd: options.root, stdio: ["ignore", "pipe", "pipe"], detached: true });
    child.stdout!.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.stderr!.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.once("error", (error) => {
      state = `the dashboard could not be built (${error.message})`;
      options.log(`dashboard: could not run ${command}: ${error.message}; the API runs without the dashboard`);
      resolve();
    });
    child.once("close", (code, signal) => {
      if (code === 0) {
        state = undefined;
        options.log(`dashboard: built in ${((Date.now() - started) / 1000).toFixed(1)} s`);
      } else if (!stopped) {
        state = "the dashboard's build failed (its output is in the server's log)";
        // The error, not the build tool's stack frames.
        const lines = output
          .trimEnd()
          .split("\n")
          .filter((line) => !/^\s+at /.test(line));
        const previous = newestMtime(path.join(dashboardDir, "dist", "index.html")) > 0;
        options.log(
          `dashboard: npm run ${DASHBOARD_BUILD_SCRIPT} failed (${signal ?? `exit ${code}`}); ` +
            (previous ? "/ serves the previous build" : "the API runs without the dashboard") +
            `. Its output:\n${lines.slice(-OUTPUT_LINES_SHOWN).join("\n")}`,
        );
      }
      resolve();
    });
  });
  return {
    state: () => state,
    finished,
    stop: async () => {
      stopped = true;
      if (child.exitCode === null && child.signalCode === null && child.pid !== undefined) {
        try {
          process.kill(-child.pid, "SIGTERM");
        } catch {
          // ended meanwhile
        }
      }
      await finished;
    },
  };
}
