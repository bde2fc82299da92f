import { existsSync } from "node:fs";
import path from "node:path";

/**
 * Where the local stand-in for Cognito keeps its signing key and users: LOCAL_AUTH_DIR, else
 * `.local/auth` of the project (the nearest folder up from the working directory with a
 * package.json; git-ignored, like the private database server's data beside it).
 */
export function localAuthDir(env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): string {
  if (env.LOCAL_AUTH_DIR) return path.resolve(cwd, env.LOCAL_AUTH_DIR);
  for (let dir = path.resolve(cwd); ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, "package.json"))) return path.join(dir, ".local", "auth");
    if (path.dirname(dir) === dir) return path.resolve(cwd, ".local", "auth");
  }
}
