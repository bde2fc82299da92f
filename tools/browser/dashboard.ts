import { chromium, type Browser, type Page } from "playwright-core";
import { findChromium, NO_CHROMIUM } from "./chromium";

/**
 * Driving the dashboard in a real headless Chromium (Debian's, through playwright-core, which
 * downloads no browser): sign in, move between views, wait for reports, take screenshots. Used by
 * the browser tests and by `npm run screenshots`.
 */
export const VIEW_IDS = ["overview", "sales", "products", "funnel", "cohorts", "realtime"] as const;
export type ViewId = (typeof VIEW_IDS)[number];

/** The widths every view is checked and pictured at: a laptop and a small phone. */
export const WIDTHS = [1280, 375] as const;

/** The element that shows a view's data once its report has arrived. */
export const VIEW_CONTENT: Record<ViewId, string> = {
  overview: "overview-cards",
  sales: "sales-table",
  products: "products-table",
  funnel: "funnel-chart",
  cohorts: "cohorts-table",
  realtime: "realtime-updated",
};

export async function launchChromium(): Promise<Browser> {
  const executablePath = findChromium();
  if (!executablePath) throw new Error(NO_CHROMIUM);
  // --no-sandbox: CI and this machine run as root, where Chromium's sandbox refuses to start.
  return chromium.launch({ executablePath, headless: true, args: ["--no-sandbox", "--disable-dev-shm-usage"] });
}

export async function newDashboardPage(browser: Browser, width: number, locale = "en-US"): Promise<Page> {
  const context = await browser.newContext({
    viewport: { width, height: width < 600 ? 812 : 900 },
    locale,
    acceptDownloads: true,
  });
  return context.newPage();
}

const byTestId = (id: string) => `[data-testid="${id}"]`;

/** Opens the dashboard and signs in through its form (keyboard only: fill, then Enter). */
export async function signIn(page: Page, baseUrl: string, user: { username: string; password: string }): Promise<void> {
  await page.goto(`${baseUrl}/`);
  await page.locator(byTestId("signin-username")).fill(user.username);
  await page.locator(byTestId("signin-password")).fill(user.password);
  await page.locator(byTestId("signin-password")).press("Enter");
  await waitForView(page, "overview");
}

/** Waits until a view shows its data: no loading state left, its content on the page. */
export async function waitForView(page: Page, view: ViewId, timeoutMs = 30_000): Promise<void> {
  await page.locator(byTestId(VIEW_CONTENT[view])).first().waitFor({ state: "visible", timeout: timeoutMs });
  await page.locator(byTestId("report-loading")).waitFor({ state: "detached", timeout: timeoutMs });
}

export async function openView(page: Page, view: ViewId): Promise<void> {
  await page
    .locator(byTestId(`nav-${view}`))
    .first()
    .click();
  await waitForView(page, view);
}

export async function textOf(page: Page, testId: string): Promise<string> {
  return (await page.locator(byTestId(testId)).first().innerText()).trim();
}

/** Whether the page scrolls sideways (a layout wider than the window). */
export async function overflowsHorizontally(page: Page): Promise<boolean> {
  return page.evaluate<boolean>("document.documentElement.scrollWidth > window.innerWidth");
}
