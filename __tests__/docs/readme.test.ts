import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parseBenchArgs } from "../../bench/options";
import { parseDemoArgs } from "../../tools/demo/cli";
import { parseRollupsArgs } from "../../tools/local/rollups-cli";
import { parseStoreArgs } from "../../tools/local/store-cli";

/** The README's commands paste as they are: what a new user copies must run. */
const root = join(__dirname, "..", "..");
const readme = readFileSync(join(root, "README.md"), "utf8");
const scripts = (JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { scripts: Record<string, string> })
  .scripts;

/** The lines of the README's ```bash blocks, each without its trailing comment. */
const runnableLines: string[] = [...readme.matchAll(/^[ \t]*```bash\n([\s\S]*?)^[ \t]*```/gm)]
  .flatMap((block) => block[1]!.split("\n"))
  .map((line) => line.replace(/(^|\s)#\s.*$/, "").trim())
  .filter((line) => line !== "");

/** Shell words of `text`: quotes removed, `$VAR`, `${VAR}` and `$(...)` standing for the value "1". */
function shellWords(text: string): string[] {
  const substituted = text.replace(/\$\([^()]*\)|\$\{\w+\}|\$\w+/g, "1");
  return [...substituted.matchAll(/"([^"]*)"|'([^']*)'|(\S+)/g)].map((m) => m[1] ?? m[2] ?? m[3]!);
}

/** Every `npm start`, `npm test` and `npm run [-s] <script> [-- args]` of the runnable lines. */
const npmRuns = runnableLines.flatMap((line) =>
  [...line.matchAll(/npm (?:(start|test)\b|run (?:-s )?([\w:-]+)(?: -- ([^)#\n]*))?)/g)].map((m) => ({
    line,
    script: (m[1] ?? m[2])!,
    args: shellWords(m[3] ?? ""),
  })),
);

const PARSERS: Record<string, (argv: string[]) => unknown> = {
  store: parseStoreArgs,
  rollups: parseRollupsArgs,
  demo: (argv) => parseDemoArgs(argv),
  bench: (argv) => parseBenchArgs(argv, {}),
};

describe("README", () => {
  it("has runnable examples (the checks below are not vacuous)", () => {
    expect(npmRuns.map((run) => run.script)).toEqual(expect.arrayContaining(["start", "test", "store"]));
    expect(runnableLines.length).toBeGreaterThan(20);
  });

  it("runs only npm scripts that exist, with arguments their commands accept", () => {
    for (const { line, script, args } of npmRuns) {
      expect({ line, exists: script in scripts }).toEqual({ line, exists: true });
      const parse = PARSERS[script];
      if (parse) expect({ line, parsed: (() => parse(args))() }).not.toEqual({ line, parsed: "help" });
    }
  });

  it("has no placeholders to fill in and no fixed dates in its commands", () => {
    for (const line of runnableLines) {
      expect({
        line,
        optional: /\[--/.test(line),
        placeholder: /<[a-z_]+>/.test(line),
        date: /\b20\d\d-\d\d-\d\d\b/.test(line),
      }).toEqual({
        line,
        optional: false,
        placeholder: false,
        date: false,
      });
    }
  });

  it("keeps its references inside the repository: the metric definitions, and no ../shared", () => {
    expect(readme).not.toMatch(/\.\.\/shared/);
    expect(readme).toContain("[docs/metrics.md](docs/metrics.md)");
    const metrics = readFileSync(join(root, "docs", "metrics.md"), "utf8");
    for (const figure of [
      "grossSales",
      "netSales",
      "totalSales",
      "averageOrderValue",
      "returningCustomerRate",
      "conversionRate",
    ]) {
      expect(metrics).toContain(`\`${figure}\``);
    }
    for (const [, target] of readme.matchAll(/\]\(([^)#:]+)\)/g))
      expect({ target, exists: existsSync(join(root, target!)) }).toEqual({ target, exists: true });
  });

  it("links only to headings it has", () => {
    const anchors = new Set(
      [...readme.matchAll(/^#{1,4} (.+)$/gm)].map((m) =>
        m[1]!
          .toLowerCase()
          .replace(/[^\w\- ]/g, "")
          .replace(/ /g, "-"),
      ),
    );
    for (const [, anchor] of readme.matchAll(/\]\(#([^)]+)\)/g))
      expect({ anchor, exists: anchors.has(anchor!) }).toEqual({ anchor, exists: true });
  });
});
