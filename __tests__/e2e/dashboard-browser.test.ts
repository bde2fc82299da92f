/**
 * The dashboard in a real headless Chromium (Debian's, driven by playwright-core), against
 * `npm start` on its own database: a person signs in with the demo user, the headline numbers on
 * screen equal the API's for the same range, a new range and comparison change them as the API
 * says, a CSV download is the API's CSV, every view renders at 1280 and 375 px (no sideways
 * scrolling) and is pictured, and no token is left in storage or cookies.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import type { Browser, Page } from "playwright-core";
import { createConnection } from "mysql2/promise";
import { delta } from "../../dashboard/src/lib/deltas";
import { formatters } from "../../dashboard/src/lib/format";
import {
  launchChromium,
  newDashboardPage,
  openView,
  overflowsHorizontally,
  signIn,
  textOf,
  waitForView,
  VIEW_IDS,
  WIDTHS,
} from "../../tools/browser/dashboard";
import { startDevServer, type DevServer } from "../../tools/browser/dev-server";
import { dashboardIsStale } from "../../tools/local/dashboard-build";

jest.setTimeout(180_000);

const root = path.resolve(__dirname, "../..");
const browserUrl = (() => {
  const url = new URL(process.env.MYSQL_URL!);
  url.pathname = `${url.pathname}_browser`;
  return url.toString();
})();
const work = mkdtempSync(path.join(os.tmpdir(), "dashboard-browser-"));
const shots = process.env.SCREENSHOT_DIR ?? path.join(work, "screenshots");

let server: DevServer;
let browser: Browser;

beforeAll(async () => {
  if (dashboardIsStale(path.join(root, "dashboard"))) {
    const build = spawnSync("npm", ["run", "-s", "dashboard:build"], { cwd: root, encoding: "utf8" });
    if (build.status !== 0) throw new Error(`dashboard build failed:\n${build.stdout}\n${build.stderr}`);
  }
  server = await startDevServer(root, {
    MYSQL_URL: browserUrl,
    DEMO_ORDERS: "1500",
    DEMO_KEY_FILE: path.join(work, "demo-api-key"),
    LOCAL_AUTH_DIR: path.join(work, "auth"),
    DASHBOARD_BUILD: "0",
  });
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  const database = decodeURIComponent(new URL(browserUrl).pathname.slice(1));
  if (/^analytics_test_\w+_browser$/.test(database)) {
    const admin = new URL(browserUrl);
    admin.pathname = "";
    const connection = await createConnection(admin.toString());
    await connection.query(`DROP DATABASE IF EXISTS \`${database}\``);
    await connection.end();
  }
  rmSync(work, { recursive: true, force: true });
});

/** Polls `read` until it returns true (the page re-renders after a change), else fails naming `what`. */
async function eventually(what: string, read: () => Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await read()) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`${what}: not within ${timeoutMs} ms`);
}

/** The range the page shows: its from/to inputs and zone. */
async function shownRange(page: Page): Promise<{ from: string; to: string; timezone: string }> {
  return {
    from: await page.locator('[data-testid="range-from"]').inputValue(),
    to: await page.locator('[data-testid="range-to"]').inputValue(),
    timezone: await page.locator('[data-testid="range-zone"]').inputValue(),
  };
}

async function apiSummary(query: Record<string, string>, accept = "application/json"): Promise<Response> {
  const params = new URLSearchParams(Object.entries(query).filter(([, value]) => value !== ""));
  return fetch(`${server.url}/api/v1/reports/summary?${params}`, {
    headers: { "x-api-key": server.apiKey, accept },
  });
}

const CARDS = [
  ["grossSales", "money"],
  ["netSales", "money"],
  ["orders", "count"],
  ["averageOrderValue", "money"],
  ["returns", "money"],
  ["newCustomers", "count"],
  ["returningCustomers", "count"],
] as const;

/** Every headline card's text, and what the API's figures look like through the dashboard's formatters. */
async function cardsAgainstApi(page: Page, range: Record<string, string>) {
  const report = (await (await apiSummary(range)).json()) as Record<string, string | number> & { currency: string };
  const format = formatters("en-US", report.currency);
  const shown: Record<string, string> = {};
  const expected: Record<string, string> = {};
  for (const [key, kind] of CARDS) {
    shown[key] = await textOf(page, `card-${key}-value`);
    expected[key] = kind === "money" ? format.money(String(report[key])) : format.count(Number(report[key]));
  }
  return { shown, expected, report, format };
}

test("a person signs in with the demo user and sees the API's numbers; no token is kept in storage", async () => {
  const page = await newDashboardPage(browser, 1280);
  await signIn(page, server.url, server.user);
  const range = await shownRange(page);
  expect(range.from).toMatch(/^\d{4}-\d{2}-\d{2}$/);
  const { shown, expected, report } = await cardsAgainstApi(page, range);
  expect(Number(report.orders)).toBeGreaterThan(0);
  expect(shown).toEqual(expected);

  const stored = await page.evaluate<{ local: number; session: number; cookies: string }>(
    "({ local: localStorage.length, session: sessionStorage.length, cookies: document.cookie })",
  );
  expect(stored).toEqual({ local: 0, session: 0, cookies: "" });
  await page.context().close();
});

test("a wrong password is refused with a message, and nothing is shown", async () => {
  const page = await newDashboardPage(browser, 1280);
  await page.goto(`${server.url}/`);
  await page.locator('[data-testid="signin-username"]').fill(server.user.username);
  await page.locator('[data-testid="signin-password"]').fill("not-the-password-at-all");
  await page.locator('[data-testid="signin-submit"]').click();
  await expect(textOf(page, "signin-error")).resolves.toMatch(/incorrect|password/i);
  expect(await page.locator('[data-testid="overview-cards"]').count()).toBe(0);
  await page.context().close();
});

test("another range and a comparison with last year change the cards as the API says", async () => {
  const page = await newDashboardPage(browser, 1280);
  await signIn(page, server.url, server.user);
  const before = await shownRange(page);
  await page.locator('[data-testid="range-preset"]').selectOption("last90");
  await page.locator('[data-testid="range-compare"]').selectOption("lastYear");
  await eventually("the range follows the preset", async () => (await shownRange(page)).from !== before.from);
  await waitForView(page, "overview");
  const range = await shownRange(page);
  const lastYear = {
    ...range,
    from: `${Number(range.from.slice(0, 4)) - 1}${range.from.slice(4)}`,
    to: `${Number(range.to.slice(0, 4)) - 1}${range.to.slice(4)}`,
  };
  await eventually("the cards show the API's figures for the new range", async () => {
    const { shown, expected } = await cardsAgainstApi(page, range);
    return JSON.stringify(shown) === JSON.stringify(expected);
  });
  const { report, format } = await cardsAgainstApi(page, range);
  const previous = (await (await apiSummary(lastYear)).json()) as Record<string, string | number>;
  const change = delta(report.orders, previous.orders);
  expect(await textOf(page, "card-orders-delta")).toContain(format.change(change));
  await page.context().close();
});

test("the overview's CSV download is the API's CSV for the same range", async () => {
  const page = await newDashboardPage(browser, 1280);
  await signIn(page, server.url, server.user);
  const range = await shownRange(page);
  const [download] = await Promise.all([
    page.waitForEvent("download"),
    page.locator('[data-testid="csv-overview"]').click(),
  ]);
  const file = path.join(work, "overview.csv");
  await download.saveAs(file);
  const api = await (await apiSummary(range, "text/csv")).text();
  expect(readFileSync(file, "utf8")).toBe(api);
  expect(download.suggestedFilename()).toMatch(/\.csv$/);
  await page.context().close();
});

test("the views are reached by keyboard alone, and a German reader sees German numbers", async () => {
  const page = await newDashboardPage(browser, 1280, "de-DE");
  await signIn(page, server.url, server.user);
  for (let tab = 0; tab < 20; tab++) {
    await page.keyboard.press("Tab");
    const focused = await page.evaluate<string | null>('document.activeElement?.getAttribute("data-testid")');
    if (focused === "nav-products") break;
  }
  await page.keyboard.press("Enter");
  await waitForView(page, "products");
  expect(page.url()).toMatch(/#\/products$/);

  await openView(page, "overview");
  const range = await shownRange(page);
  const report = (await (await apiSummary(range)).json()) as { grossSales: string; currency: string };
  const german = formatters("de-DE", report.currency).money(report.grossSales);
  expect(german).toMatch(/,\d{2}\s/); // decimal comma, then the currency after a space
  expect(await textOf(page, "card-grossSales-value")).toBe(german);
  await page.context().close();
});

test.each(WIDTHS)(
  "every view renders its data at %i px, without sideways scrolling, and is pictured",
  async (width) => {
    const page = await newDashboardPage(browser, width);
    await signIn(page, server.url, server.user);
    for (const view of VIEW_IDS) {
      await openView(page, view);
      expect({ view, overflows: await overflowsHorizontally(page) }).toEqual({ view, overflows: false });
      await page.screenshot({ path: path.join(shots, `${view}-${width}.png`), fullPage: true });
    }
    await page.context().close();
  },
);
