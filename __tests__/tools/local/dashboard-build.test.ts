/**
 * `npm start` builds the dashboard only when dist is missing or older than its sources, in the
 * background, and keeps serving the API when the build fails. The build command is a stand-in
 * here (the real one is vite's, seconds long); the decision and the reporting are the module's.
 */
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { buildDashboardIfStale, dashboardIsStale } from "../../../tools/local/dashboard-build";

let root: string;
const dashboard = () => path.join(root, "dashboard");

/** Writes a file; with `mtime`, dates it and the folders made for it (a folder changes when a file is added). */
function write(relative: string, text: string, mtime?: Date): void {
  const file = path.join(root, relative);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, text);
  if (!mtime) return;
  for (let target = file; target !== root; target = path.dirname(target)) utimesSync(target, mtime, mtime);
}

const earlier = new Date(Date.now() - 3_600_000);
const later = new Date(Date.now() - 60_000);

beforeEach(() => {
  root = mkdtempSync(path.join(os.tmpdir(), "dashboard-build-"));
  write("package.json", JSON.stringify({ scripts: {} }));
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

/** A stand-in build: writes dist/index.html (or fails with some output). */
const node = (script: string) => [process.execPath, "-e", script];
const writesIndex = node(
  "const fs=require('fs');fs.mkdirSync('dashboard/dist',{recursive:true});" +
    "fs.writeFileSync('dashboard/dist/index.html','<title>built</title>')",
);

describe("dashboardIsStale", () => {
  it("is stale without dist, or when a source is newer than dist/index.html, and fresh otherwise", () => {
    write("dashboard/src/main.tsx", "x", earlier);
    expect(dashboardIsStale(dashboard())).toBe(true);
    write("dashboard/dist/index.html", "built", later);
    expect(dashboardIsStale(dashboard())).toBe(false);
    write("dashboard/src/lib/deep/new.ts", "changed");
    expect(dashboardIsStale(dashboard())).toBe(true);
  });

  it("counts index.html and vite's configuration beside src", () => {
    write("dashboard/src/main.tsx", "x", earlier);
    write("dashboard/dist/index.html", "built", later);
    write("dashboard/vite.config.ts", "changed");
    expect(dashboardIsStale(dashboard())).toBe(true);
  });
});

describe("buildDashboardIfStale", () => {
  it("does nothing when dist is fresh", async () => {
    write("dashboard/src/main.tsx", "x", earlier);
    write("dashboard/dist/index.html", "built", later);
    const log: string[] = [];
    const build = buildDashboardIfStale({ root, log: (line) => log.push(line), command: node("process.exit(3)") });
    await build.finished;
    expect(build.state()).toBeUndefined();
    expect(log).toEqual([]);
  });

  it("builds a stale dashboard in the background: 'being built' meanwhile, nothing once built", async () => {
    write("dashboard/src/main.tsx", "x");
    const log: string[] = [];
    const build = buildDashboardIfStale({ root, log: (line) => log.push(line), command: writesIndex });
    expect(build.state()).toMatch(/being built/);
    await build.finished;
    expect(build.state()).toBeUndefined();
    expect(dashboardIsStale(dashboard())).toBe(false);
    expect(log[0]).toMatch(/^dashboard: building/);
    expect(log[1]).toMatch(/^dashboard: built in \d+\.\d s$/);
  });

  it("reports a failed build with the end of its output, and says so on /", async () => {
    write("dashboard/src/main.tsx", "x");
    const log: string[] = [];
    const build = buildDashboardIfStale({
      root,
      log: (line) => log.push(line),
      command: node(
        "console.error('src/main.tsx: Expected \"}\" but found end of file\\n    at build (vite.js:1:1)');" +
          "process.exit(1)",
      ),
    });
    await build.finished;
    expect(build.state()).toMatch(/build failed/);
    expect(log[1]).toMatch(/npm run dashboard:build failed \(exit 1\); the API runs without the dashboard/);
    expect(log[1]).toContain('Expected "}" but found end of file');
    expect(log[1]).not.toContain("at build"); // the error, not the tool's stack
  });

  it("after a failed build over an earlier one, says that / serves the earlier one", async () => {
    write("dashboard/dist/index.html", "built", earlier);
    write("dashboard/src/main.tsx", "x");
    const log: string[] = [];
    const build = buildDashboardIfStale({ root, log: (line) => log.push(line), command: node("process.exit(2)") });
    await build.finished;
    expect(log[1]).toMatch(/failed \(exit 2\); \/ serves the previous build/);
  });

  it("says so when package.json has no dashboard:build script", async () => {
    write("dashboard/src/main.tsx", "x");
    const log: string[] = [];
    const build = buildDashboardIfStale({ root, log: (line) => log.push(line) });
    expect(build.state()).toMatch(/no dashboard:build script/);
    expect(log).toEqual(["dashboard: not built, and package.json has no dashboard:build script"]);
  });

  it("stop() ends a build still running, without calling it a failure", async () => {
    write("dashboard/src/main.tsx", "x");
    const log: string[] = [];
    const build = buildDashboardIfStale({
      root,
      log: (line) => log.push(line),
      command: node("setTimeout(() => {}, 60000)"),
    });
    const started = Date.now();
    await build.stop();
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(log).toHaveLength(1);
  });
});
