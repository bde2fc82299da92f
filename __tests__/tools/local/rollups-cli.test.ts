import { parseRollupsArgs, runRollupsCli, USAGE } from "../../../tools/local/rollups-cli";
import { newStore, useTestDatabase } from "../../support/harness";
import { usageErrorOf } from "../../support/usage-error";

const usageError = (argv: string[]) => usageErrorOf(parseRollupsArgs, argv);

describe("parseRollupsArgs", () => {
  it("reads verify and rebuild with --store ID or --all", () => {
    expect(parseRollupsArgs(["verify", "--store", "12"])).toEqual({ command: "verify", stores: { storeId: 12 } });
    expect(parseRollupsArgs(["rebuild", "--store=3"])).toEqual({ command: "rebuild", stores: { storeId: 3 } });
    expect(parseRollupsArgs(["verify", "--all"])).toEqual({ command: "verify", stores: "all" });
    expect(parseRollupsArgs(["--all", "rebuild"])).toEqual({ command: "rebuild", stores: "all" });
    expect(parseRollupsArgs(["--help"])).toEqual({ command: "help" });
    expect(parseRollupsArgs(["rebuild", "--store", "x", "-h"])).toEqual({ command: "help" });
  });

  it.each([
    [[], /a command is needed: verify or rebuild/],
    [["check", "--all"], /unknown command "check" \(expected verify or rebuild\)/],
    [["verify"], /verify needs --store ID or --all/],
    [["verify", "--store", "1", "--all"], /--store ID or --all, not both/],
    [["verify", "--store", "0"], /--store must be a store id/],
    [["verify", "--store"], /argument missing/],
    [["verify", "--stores", "1"], /Unknown option '--stores'/],
    [["verify", "--all", "now"], /unexpected argument "now"/],
  ])("refuses %j before connecting to anything", (argv, message) => {
    expect(usageError(argv)).toMatch(message);
  });
});

describe("runRollupsCli", () => {
  const handle = useTestDatabase();
  afterAll(async () => {
    await handle.db.destroy();
  });

  async function run(...argv: string[]) {
    const stdout: string[] = [];
    const stderr: string[] = [];
    const code = await runRollupsCli(
      argv,
      { stdout: (line) => stdout.push(line), stderr: (line) => stderr.push(line) },
      process.env,
    );
    return { code, stdout, stderr };
  }

  it("verifies one store: exit 0 when its rollups agree", async () => {
    const { store } = await newStore(handle);
    const result = await run("verify", "--store", String(store.id));
    expect(result.code).toBe(0);
    expect(result.stdout).toEqual([
      expect.stringMatching(new RegExp(`^store ${store.id}: rollups agree with the raw rows`)),
    ]);
  });

  it("exits 2 with the usage for a store that does not exist, and for bad arguments", async () => {
    const missing = await run("verify", "--store", "999999999");
    expect(missing.code).toBe(2);
    expect(missing.stderr[0]).toBe("error: --store: no store 999999999 (npm run -s store -- list shows the stores)");
    expect(missing.stderr.join("\n")).toContain(USAGE);

    const bad = await run("verify");
    expect(bad).toEqual({ code: 2, stdout: [], stderr: ["error: verify needs --store ID or --all", "", USAGE] });
  });
});
