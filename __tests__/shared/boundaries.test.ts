import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { buildSync, type Metafile } from "esbuild";
import { bundleAliases, esbuildOptions, projectRoot } from "../../stacks/constructs/compute/bundle";

/**
 * The folders' import rule: stacks/ (infrastructure) and functions/ (Lambda code) share only
 * what shared/ holds, and nothing outside functions/ and shared/ reaches a Lambda bundle. The
 * local server, the CLIs, the demo generator and the OpenAPI writer live in tools/, which may
 * import any of them.
 */
const root = projectRoot();

function sourceFiles(folder: string): string[] {
  return readdirSync(join(root, folder), { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith(".ts"))
    .map((entry) => relative(root, join(entry.parentPath, entry.name)).split("\\").join("/"));
}

/** The project folder (`functions`, `stacks`, ...) each relative import of `file` lands in, with the line. */
function importedFolders(file: string): Array<{ folder: string; target: string }> {
  const source = readFileSync(join(root, file), "utf8");
  const specifiers = [...source.matchAll(/(?:from|import)\s*\(?\s*"(\.{1,2}\/[^"]*)"/g)].map((match) => match[1]);
  return specifiers.map((specifier) => {
    const target = relative(root, resolve(root, dirname(file), specifier))
      .split("\\")
      .join("/");
    return { folder: target.split("/")[0], target };
  });
}

function crossings(folder: string, allowed: readonly string[]): string[] {
  return sourceFiles(folder).flatMap((file) =>
    importedFolders(file)
      .filter(({ folder: target }) => !allowed.includes(target))
      .map(({ target }) => `${file} -> ${target}`),
  );
}

describe("imports between stacks/, functions/ and shared/", () => {
  it("stacks/ imports from functions/ nothing: only shared/ is common to both", () => {
    expect(crossings("stacks", ["stacks", "shared"])).toEqual([]);
  });

  it("functions/ imports from stacks/ and tools/ nothing", () => {
    expect(crossings("functions", ["functions", "shared"])).toEqual([]);
  });

  it("shared/ imports nothing of the project but itself", () => {
    expect(crossings("shared", ["shared"])).toEqual([]);
  });
});

/** `functions/<folder>` -> the other folders of functions/ it imports (a top-level file counts as a folder). */
function folderGraph(): Map<string, Set<string>> {
  const part = (path: string) => path.split("/")[1].replace(/\.ts$/, "");
  const graph = new Map<string, Set<string>>();
  for (const file of sourceFiles("functions")) {
    const from = part(file);
    for (const { folder, target } of importedFolders(file)) {
      if (folder !== "functions" || part(target) === from) continue;
      graph.set(from, (graph.get(from) ?? new Set()).add(part(target)));
    }
  }
  return graph;
}

describe("folders inside functions/", () => {
  const graph = folderGraph();

  it("import one another without a cycle: each layer reads only the ones below it", () => {
    const cycles: string[] = [];
    const visit = (folder: string, path: string[]): void => {
      if (path.includes(folder)) {
        cycles.push([...path.slice(path.indexOf(folder)), folder].join(" -> "));
        return;
      }
      for (const next of graph.get(folder) ?? []) visit(next, [...path, folder]);
    };
    for (const folder of graph.keys()) visit(folder, []);
    expect(cycles).toEqual([]);
  });

  it("rollups/ writes and reads its tables without reports/, ingest/ or handlers/; reports/ reads through it", () => {
    expect([...(graph.get("rollups") ?? [])].filter((to) => ["reports", "ingest", "handlers"].includes(to))).toEqual(
      [],
    );
    expect(graph.get("reports")?.has("rollups")).toBe(true);
  });
});

describe("Lambda bundles", () => {
  const handlers = readdirSync(join(root, "functions", "handlers")).filter((file) => file.endsWith(".ts"));

  it.each(handlers)("functions/handlers/%s bundles only functions/, shared/ and packages", (handler) => {
    const result = buildSync(
      esbuildOptions(
        root,
        `functions/handlers/${handler}`,
        bundleAliases(root),
        join(root, ".gen", "boundaries", "index.mjs"),
      ),
    );
    const inputs = Object.keys((result.metafile as Metafile).inputs);
    const outside = inputs.filter(
      (input) => !/^(functions|shared|\.gen)\//.test(input) && !input.includes("node_modules/"),
    );
    expect(outside).toEqual([]);
    expect(inputs.some((input) => input.startsWith("functions/"))).toBe(true);
  });
});
