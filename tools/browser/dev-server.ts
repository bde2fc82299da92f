import { spawn, type ChildProcess } from "node:child_process";

/**
 * `npm start` as a child process (`node --import tsx tools/local/dev.ts`, so signals reach it
 * directly), for the browser tests and the screenshot script: waits for the lines it prints
 * and stops it with SIGTERM.
 */
export interface DevServer {
  /** `http://127.0.0.1:<port>` */
  url: string;
  /** The demo store's API key (for reading the same reports the page shows). */
  apiKey: string;
  /** The demo user the dashboard signs in as. */
  user: { username: string; password: string };
  output: () => string;
  stop: () => Promise<void>;
}

/** `root`: the project folder, from the caller (this module runs as ESM under tsx and as CommonJS under jest). */
export async function startDevServer(
  root: string,
  env: Record<string, string>,
  timeoutMs = 120_000,
): Promise<DevServer> {
  const child: ChildProcess = spawn(process.execPath, ["--import", "tsx", "tools/local/dev.ts"], {
    cwd: root,
    env: { ...process.env, PORT: "0", POWERTOOLS_LOG_LEVEL: "WARN", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  let err = "";
  child.stdout!.on("data", (chunk: Buffer) => (out += chunk.toString()));
  child.stderr!.on("data", (chunk: Buffer) => (err += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  let gone = false;
  void exited.then(() => (gone = true));
  const output = () => `stdout:\n${out}\nstderr:\n${err}`;
  const stop = async () => {
    if (!gone) child.kill("SIGTERM");
    await exited;
  };

  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline && !gone) {
    const dashboard = /Dashboard: (http:\/\/\S+?)\/? \(sign in as (\S+), password (\S+)\)/.exec(out);
    const key = /API key: (\S+)/.exec(out);
    if (dashboard && key) {
      return {
        url: dashboard[1]!,
        apiKey: key[1]!,
        user: { username: dashboard[2]!, password: dashboard[3]! },
        output,
        stop,
      };
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  await stop();
  throw new Error(`the dev server printed no dashboard address and demo user:\n${output()}`);
}
