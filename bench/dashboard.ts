/**
 * The dashboard's weight and speed, against `npm start` on this machine: the JavaScript the first
 * view loads (gzipped, from the build's files), and in Debian's Chromium (medians of `--runs`, each
 * a fresh browser context, so nothing is cached): the sign-in page's first render, sign-in to the
 * Overview's cards, and opening Sales to its first chart drawn.
 *
 * `npx tsx bench/dashboard.ts [--runs 5] [--out bench/dashboard-results.json]` (MYSQL_URL as for
 * `npm start`; builds nothing: run `npm run dashboard:build` first).
 */
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { gzipSync } from "node:zlib";
import { launchChromium, newDashboardPage, waitForView } from "../tools/browser/dashboard";
import { startDevServer } from "../tools/browser/dev-server";
import { median, round2 } from "./stats";

const root = path.join(import.meta.dirname, "..");
const arg = (name: string, fallback: string) => {
  const index = process.argv.indexOf(name);
  return index > 0 ? process.argv[index + 1]! : fallback;
};
const RUNS = Number(arg("--runs", "5"));
const OUT = path.resolve(arg("--out", path.join(root, "bench", "dashboard-results.json")));

/** Gzipped bytes of each script the built index.html loads at once (its module and preloads). */
function firstViewScripts(): Record<string, number> {
  const dist = path.join(root, "dashboard", "dist");
  const html = readFileSync(path.join(dist, "index.html"), "utf8");
  const sources = [...html.matchAll(/(?:src|href)="\/?(assets\/[^"]+\.js)"/g)].map((match) => match[1]!);
  return Object.fromEntries(sources.map((file) => [file, gzipSync(readFileSync(path.join(dist, file))).length]));
}

function allScripts(): Record<string, number> {
  const assets = path.join(root, "dashboard", "dist", "assets");
  return Object.fromEntries(
    readdirSync(assets)
      .filter((file) => file.endsWith(".js"))
      .map((file) => [file, gzipSync(readFileSync(path.join(assets, file))).length]),
  );
}

async function main(): Promise<void> {
  const server = await startDevServer(root, { DASHBOARD_BUILD: "0" });
  const browser = await launchChromium();
  const signInPage: number[] = [];
  const toCards: number[] = [];
  const toChart: number[] = [];
  try {
    for (let run = 0; run < RUNS; run++) {
      const page = await newDashboardPage(browser, 1280);
      let started = performance.now();
      await page.goto(`${server.url}/`);
      await page.locator('[data-testid="signin-submit"]').waitFor({ state: "visible" });
      signInPage.push(performance.now() - started);
      await page.locator('[data-testid="signin-username"]').fill(server.user.username);
      await page.locator('[data-testid="signin-password"]').fill(server.user.password);
      started = performance.now();
      await page.locator('[data-testid="signin-submit"]').click();
      await waitForView(page, "overview");
      toCards.push(performance.now() - started);
      started = performance.now();
      await page.locator('[data-testid="nav-sales"]').first().click();
      await page.locator(".chart-canvas canvas").first().waitFor({ state: "visible" });
      toChart.push(performance.now() - started);
      await page.context().close();
    }
  } finally {
    await browser.close();
    await server.stop();
  }
  const firstView = firstViewScripts();
  const results = {
    runs: RUNS,
    firstViewJsGzipBytes: Object.values(firstView).reduce((sum, bytes) => sum + bytes, 0),
    firstViewScripts: firstView,
    allScriptsGzipBytes: allScripts(),
    medianMs: {
      signInPageRendered: round2(median(signInPage)),
      signInToOverviewCards: round2(median(toCards)),
      salesToFirstChart: round2(median(toChart)),
    },
  };
  writeFileSync(OUT, `${JSON.stringify(results, null, 2)}\n`);
  process.stdout.write(`${JSON.stringify(results, null, 2)}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`bench dashboard: ${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
