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
