import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { renderOpenApiJson } from "./document";

/**
 * Writes the OpenAPI document to openapi.json at the repository root:
 *   npm run openapi              write it
 *   npm run openapi -- --check   exit 1 when the file is out of date (for CI)
 * The repository root is the nearest directory up from the working directory with a package.json.
 */
function projectRoot(start: string): string {
  for (let dir = resolve(start); ; dir = dirname(dir)) {
    if (existsSync(join(dir, "package.json"))) return dir;
    if (dirname(dir) === dir) throw new Error(`no package.json above ${start}`);
  }
}

const OPENAPI_JSON_PATH = join(projectRoot(process.cwd()), "openapi.json");

function current(): string | undefined {
  try {
    return readFileSync(OPENAPI_JSON_PATH, "utf8");
  } catch {
    return undefined;
  }
}

const text = renderOpenApiJson();
if (process.argv.includes("--check")) {
  if (current() !== text) {
    console.error(`${OPENAPI_JSON_PATH} is out of date: run npm run openapi`);
    process.exitCode = 1;
  } else {
    console.log(`${OPENAPI_JSON_PATH} is up to date`);
  }
} else {
  writeFileSync(OPENAPI_JSON_PATH, text);
  console.log(`wrote ${OPENAPI_JSON_PATH}`);
}
