/**
 * `npm run screenshots`: every view of the dashboard at 1280 and 375 px, signed in to the demo
 * store of `npm start`'s database (MYSQL_URL, as `npm start` finds it), written to
 * docs/screenshots/<view>-<width>.png for the README. Builds the dashboard first when stale.
 */
import { mkdirSync } from "node:fs";
import path from "node:path";
import { startDevServer } from "./dev-server";
import { launchChromium, newDashboardPage, openView, signIn, VIEW_IDS, WIDTHS } from "./dashboard";

const root = path.join(import.meta.dirname, "..", "..");
const outDir = path.resolve(process.argv[2] ?? path.join(root, "docs", "screenshots"));

async function main(): Promise<void> {
  mkdirSync(outDir, { recursive: true });
  const server = await startDevServer(root, {});
  const browser = await launchChromium();
  try {
    for (const width of WIDTHS) {
      const page = await newDashboardPage(browser, width);
      await signIn(page, server.url, server.user);
      for (const view of VIEW_IDS) {
        await openView(page, view);
        const file = path.join(outDir, `${view}-${width}.png`);
        await page.screenshot({ path: file, fullPage: true });
        process.stdout.write(`${path.relative(root, file)}\n`);
      }
      await page.context().close();
    }
  } finally {
    await browser.close();
    await server.stop();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`screenshots: ${(error as Error).message ?? String(error)}\n`);
  process.exit(1);
});
