import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const root = join(__dirname, "..", "..");
const check = join(root, "scripts", "check-node.cjs");

/** A preload that makes this Node report FAKE_NODE_VERSION, as an older or newer install would. */
let dir: string;
let fake: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "check-node-"));
  fake = join(dir, "fake-node-version.cjs");
  writeFileSync(
    fake,
    'Object.defineProperty(process.versions, "node", { value: process.env.FAKE_NODE_VERSION });\n' +
      'Object.defineProperty(process, "version", { value: "v" + process.env.FAKE_NODE_VERSION });\n',
  );
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function run(command: string, args: string[], fakeVersion?: string) {
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "" };
  if (fakeVersion) Object.assign(env, { FAKE_NODE_VERSION: fakeVersion, NODE_OPTIONS: `--require ${fake}` });
  const result = spawnSync(command, args, { cwd: root, env, encoding: "utf8", timeout: 20_000 });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe("the Node.js version check", () => {
  it("passes silently on Node 22", () => {
    expect(process.versions.node).toMatch(/^22\./);
    expect(run(process.execPath, [check])).toEqual({ code: 0, stdout: "", stderr: "" });
  });

  it.each(["20.20.2", "18.19.0", "16.20.2"])("stops with a clear message on Node %s", (version) => {
    const result = run(process.execPath, [check], version);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`This project needs Node.js 22; this is Node.js ${version} (${process.execPath}).`);
    expect(result.stderr).toContain("nvm install && nvm use   (reads .nvmrc)");
  });

  it("warns but goes on with a newer Node", () => {
    const result = run(process.execPath, [check], "24.1.0");
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/^warning: this is Node.js 24\.1\.0 .*built and tested on Node.js 22/);
  });

  it("runs before npm start, npm test and npm run dev; .nvmrc says 22", () => {
    const { scripts } = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as {
      scripts: Record<string, string>;
    };
    for (const script of ["start", "test", "dev"]) expect(scripts[`pre${script}`]).toBe("node scripts/check-node.cjs");
    expect(readFileSync(join(root, ".nvmrc"), "utf8")).toBe("22\n");
  });

  it("npm run dev on an older Node stops at the check, before the server starts", () => {
    const result = run("npm", ["run", "dev"], "20.20.2");
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain("This project needs Node.js 22; this is Node.js 20.20.2");
    expect(result.stdout).not.toMatch(/listening on|Demo store/);
  });
});
