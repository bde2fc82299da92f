import { parseDemoArgs, runDemoCli, USAGE } from "../../../tools/demo/cli";
import { UsageError } from "../../../tools/local/cli-args";
import { findKeyIdByApiKey } from "../../../functions/stores/repository";
import { useTestDatabase } from "../../support/harness";

describe("parseDemoArgs", () => {
  const now = new Date("2026-12-06T12:00:00Z");

  it("reads the sizes, seed, currency, time zone and name; years end now", () => {
    expect(
      parseDemoArgs(
        [
          "--orders",
          "1_000_000",
          "--years",
          "3",
          "--seed=7",
          "--currency",
          "JPY",
          "--timezone",
          "Asia/Tokyo",
          "--name",
          "Big",
        ],
        now,
      ),
    ).toEqual({
      name: "Big",
      demo: {
        orders: 1_000_000,
        products: undefined,
        customers: undefined,
        seed: 7,
        currency: "JPY",
        timezone: "Asia/Tokyo",
        start: new Date(now.getTime() - 3 * 365 * 86_400_000),
        end: now,
      },
    });
    expect(parseDemoArgs([], now)).toMatchObject({ name: "Demo store (generated)", demo: { orders: undefined } });
    expect(parseDemoArgs(["--orders", "5", "--help"], now)).toBe("help");
  });

  it.each([
    [["--orders", "0"], /--orders must be a whole number >= 1 \(got 0\)/],
    [["--orders", "2.5"], /--orders must be a whole number/],
    [["--years"], /argument missing/],
    [["--currency", "XYZ1"], /--currency: XYZ1 is not an ISO 4217 code/],
    [["--timezone", "Mars/Base"], /--timezone: Mars\/Base is not an IANA time zone/],
    [["--name", ""], /--name: /],
    [["--size", "5"], /Unknown option '--size'/],
    [["5000"], /Unexpected argument '5000'/],
  ])("refuses %j before connecting to anything", (argv, message) => {
    expect(() => parseDemoArgs(argv, now)).toThrow(UsageError);
    expect(() => parseDemoArgs(argv, now)).toThrow(message);
  });
});

describe("runDemoCli", () => {
  const handle = useTestDatabase();
  afterAll(async () => {
    await handle.db.destroy();
  });

  it("loads a store of the given size and prints its id, key and key id as one JSON line", async () => {
    const stdout: string[] = [];
    const stderr: string[] = [];
    const code = await runDemoCli(
      [
        "--orders",
        "20",
        "--products",
        "5",
        "--customers",
        "10",
        "--currency",
        "JPY",
        "--timezone",
        "Asia/Tokyo",
        "--name",
        "CLI demo",
      ],
      {
        stdout: (line) => stdout.push(line),
        stderr: (line) => stderr.push(line),
      },
    );
    expect(code).toBe(0);
    expect(stdout).toHaveLength(1);
    const printed = JSON.parse(stdout[0]!) as {
      storeId: number;
      apiKey: string;
      keyId: string;
      counts: { ordersCreated: number };
    };
    expect(printed.counts.ordersCreated).toBe(20);
    expect(await findKeyIdByApiKey(handle.db, printed.apiKey)).toBe(printed.keyId);
    const store = await handle.db
      .selectFrom("stores")
      .selectAll()
      .where("id", "=", printed.storeId)
      .executeTakeFirstOrThrow();
    expect(store).toMatchObject({ name: "CLI demo", currency: "JPY", timezone: "Asia/Tokyo" });
  });

  it("exits 2 with the usage on stderr for a bad flag", async () => {
    const stderr: string[] = [];
    const code = await runDemoCli(["--orders", "many"], {
      stdout: () => undefined,
      stderr: (line) => stderr.push(line),
    });
    expect(code).toBe(2);
    expect(stderr).toEqual(["error: --orders must be a whole number >= 1 (got many)", "", USAGE]);
  });
});
