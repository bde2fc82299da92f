import { accessSync, constants } from "node:fs";
import path from "node:path";

/** Debian's package names for the browser; the project never downloads one of its own. */
const CANDIDATES = ["chromium", "chromium-browser"];

export const NO_CHROMIUM =
  "no Chromium found: install Debian's (`apt-get install chromium`; .ci/run does it) " +
  "or set CHROMIUM_PATH to a Chromium or Chrome executable";

/** CHROMIUM_PATH, else the first `chromium` or `chromium-browser` on PATH; undefined when none. */
export function findChromium(env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (env.CHROMIUM_PATH) return env.CHROMIUM_PATH;
  for (const dir of (env.PATH ?? "").split(path.delimiter).filter(Boolean)) {
    for (const name of CANDIDATES) {
      const candidate = path.join(dir, name);
      try {
        accessSync(candidate, constants.X_OK);
        return candidate;
      } catch {
        // not here
      }
    }
  }
  return undefined;
}
