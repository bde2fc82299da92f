import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parseBenchArgs } from "../../../bench/options";
import { parseDemoArgs } from "../../../tools/demo/cli";
import { wantsHelp } from "../../../tools/local/cli-args";
import { parseRollupsArgs } from "../../../tools/local/rollups-cli";
import { parseStoreArgs } from "../../../tools/local/store-cli";

const root = join(__dirname, "..", "..", "..");
const scripts = (JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { scripts: Record<string, string> })
  .scripts;

interface Exit {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `npm run <script> -- <args>` the way npm would (the script's own `tsx <file>`), without npm's startup. */
function runScript(script: string, args: string[]): Promise<Exit> {
  const [command, ...scriptArgs] = scripts[script]!.split(" ");
  expect(command).toBe("tsx");
  return new Promise((resolve, reject) => {
    const child = spawn(join(root, "node_modules", ".bin", "tsx"), [...scriptArgs, ...args], {
      cwd: root,
      // Nothing may connect: a port nobody listens on would make any attempt fail, not hang.
      env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", MYSQL_URL: "mysql://nobody@127.0.0.1:9/none" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

/** What each command's usage must say (besides its first line, `usage: npm run [-s] <script> --`). */
const CLIS: Record<string, RegExp[]> = {
  store: [
    /create --name NAME --currency CODE --timezone ZONE/,
    /revoke-key --store ID \[--key-id KEY_ID\]/,
    /An API key \(eak_\.\.\., sent in the x-api-key header\) is the secret/,
    /A key id names a key and is not secret/,
  ],
  rollups: [/^ {2}verify --store ID\|--all$/m, /^ {2}rebuild --store ID\|--all$/m],
  demo: [/--orders N/, /--timezone ZONE/, /apiKey \(eak_\.\.\.\) is the secret/],
  bench: [/--orders N/, /--skip-load/, /--database NAME/],
};

// Two runs per command (-h is the same code path as --help: parseFlags' wantsHelp), all at once:
// tsx starts in about a second each.
const runs = Object.fromEntries(
  Object.keys(CLIS).map((script) => [
    script,
    Promise.all([runScript(script, ["--help"]), runScript(script, ["--no-such-option"])]),
  ]),
);

describe.each(Object.keys(CLIS))("npm run %s", (script) => {
  it("answers --help with its usage on stdout and exit code 0, touching nothing", async () => {
    const [help] = await runs[script]!;
    expect(help).toEqual({
      code: 0,
      stdout: expect.stringMatching(new RegExp(`^usage: npm run (-s )?${script} -- `)),
      stderr: "",
    });
    for (const pattern of CLIS[script]!) expect(help.stdout).toMatch(pattern);
  });

  it("answers an unknown option with the problem and the usage on stderr, and exit code 2", async () => {
    const [help, unknown] = await runs[script]!;
    expect(unknown.code).toBe(2);
    expect(unknown.stdout).toBe("");
    expect(unknown.stderr).toMatch(/^error: .*--no-such-option/);
    expect(unknown.stderr).toContain(help.stdout.trimEnd());
  });
});

describe("-h", () => {
  it("is --help for every command", () => {
    expect(parseStoreArgs(["-h"])).toEqual({ command: "help" });
    expect(parseStoreArgs(["create", "-h"])).toEqual({ command: "help" });
    expect(parseRollupsArgs(["verify", "-h"])).toEqual({ command: "help" });
    expect(parseDemoArgs(["-h"])).toBe("help");
    expect(parseBenchArgs(["--orders", "5", "-h"], {})).toBe("help");
    // After `--`, -h is no longer an option.
    expect(wantsHelp(["--", "-h"])).toBe(false);
  });
});
