import { createDatabase, type DatabaseHandle } from "../../../functions/db/connection";
import { parseStoreArgs, runStoreCli, USAGE } from "../../../tools/local/store-cli";
import { findKeyIdByApiKey } from "../../../functions/stores/repository";
import { usageErrorOf } from "../../support/usage-error";

interface Run {
  code: number;
  stdout: string[];
  stderr: string[];
}

async function run(...argv: string[]): Promise<Run> {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const code = await runStoreCli(argv, {
    stdout: (line) => stdout.push(line),
    stderr: (line) => stderr.push(line),
    env: process.env,
  });
  return { code, stdout, stderr };
}

const usageError = (argv: string[]) => usageErrorOf(parseStoreArgs, argv);

describe("parseStoreArgs", () => {
  it("parses each command, with --flag value and --flag=value", () => {
    expect(
      parseStoreArgs(["create", "--name", "My shop", "--currency=EUR", "--timezone", "Europe/Paris", "--json"]),
    ).toEqual({
      command: "create",
      name: "My shop",
      currency: "EUR",
      timezone: "Europe/Paris",
      json: true,
    });
    expect(parseStoreArgs(["list"])).toEqual({ command: "list", json: false });
    expect(parseStoreArgs(["rotate-key", "--store", "12"])).toEqual({
      command: "rotate-key",
      storeId: 12,
      json: false,
    });
    expect(parseStoreArgs(["revoke-key", "--store", "3", "--key-id", "key_ab"])).toEqual({
      command: "revoke-key",
      storeId: 3,
      keyId: "key_ab",
      json: false,
    });
    // --key-id's earlier name
    expect(parseStoreArgs(["revoke-key", "--store", "3", "--key=key_ab"])).toEqual({
      command: "revoke-key",
      storeId: 3,
      keyId: "key_ab",
      json: false,
    });
    expect(parseStoreArgs([])).toEqual({ command: "help" });
    expect(parseStoreArgs(["create", "--help"])).toEqual({ command: "help" });
    expect(parseStoreArgs(["list", "--env", "prod", "--json"])).toEqual({ command: "list", json: true, env: "prod" });
    expect(parseStoreArgs(["revoke-key", "--env=dev", "--store", "3"])).toEqual({
      command: "revoke-key",
      storeId: 3,
      keyId: undefined,
      json: false,
      env: "dev",
    });
  });

  it.each([
    [["frobnicate"], /unknown command "frobnicate"/],
    [["create", "--currency", "USD", "--timezone", "UTC"], /create needs --name/],
    [["create", "--name"], /--name needs a value/],
    [["create", "--name", "--currency", "USD"], /--name needs a value/],
    [["create", "--name", "  ", "--currency", "USD", "--timezone", "UTC"], /--name must not be empty/],
    [["create", "--name", "a", "--name", "b"], /--name is given twice/],
    [["create", "--colour", "red"], /--colour is not an option of create/],
    [["list", "stray"], /unexpected argument "stray"/],
    [["list", "--json=yes"], /--json takes no value/],
    [["rotate-key"], /rotate-key needs --store/],
    [["rotate-key", "--store", "abc"], /--store must be a store id/],
    [["revoke-key", "--store", "0"], /--store must be a store id/],
    [["list", "--env", "production"], /--env must be one of dev, staging, prod, got "production"/],
    [["create", "--env=staging", "--name", "x"], /create needs --currency/],
    [["list", "--env"], /--env needs a value/],
    [
      ["revoke-key", "--store", "3", "--key-id", "eak_0123456789abcdef"],
      /--key-id takes the key's id .* not the API key eak_\.\.\. itself/,
    ],
    [["revoke-key", "--store", "3", "--key", "k1", "--key-id", "k2"], /--key-id is given twice/],
    [["rotate-key", "--store", "3", "--key-id", "k1"], /--key-id is not an option of rotate-key/],
  ])("rejects %j", (argv, message) => {
    expect(usageError(argv)).toMatch(message);
  });
});

describe("runStoreCli", () => {
  let handle: DatabaseHandle;
  beforeAll(() => {
    handle = createDatabase({ kind: "url", url: process.env.MYSQL_URL! });
  });
  afterAll(async () => {
    await handle.db.destroy();
  });

  it("exits 2 with the flag named and the usage on stderr for bad arguments, printing nothing on stdout", async () => {
    const result = await run("create", "--name", "x", "--currency", "USD");
    expect(result.code).toBe(2);
    expect(result.stdout).toEqual([]);
    expect(result.stderr[0]).toBe("error: create needs --timezone");
    expect(result.stderr.join("\n")).toContain(USAGE);
  });

  it("prints the usage on stdout and exits 0 for --help and -h, telling the key from the key id", async () => {
    for (const argv of [["--help"], ["-h"], ["revoke-key", "--help"]]) {
      const result = await run(...argv);
      expect(result).toEqual({ code: 0, stdout: [USAGE], stderr: [] });
    }
    expect(USAGE).toMatch(/revoke-key --store ID \[--key-id KEY_ID\]/);
    expect(USAGE).toMatch(/An API key \(eak_\.\.\., sent in the x-api-key header\) is the secret/);
    expect(USAGE).toMatch(/A key id names a key and is not secret/);
  });

  it("labels the printed key as the secret and the key id as not secret", async () => {
    const created = await run("create", "--name", `Labels ${Date.now()}`, "--currency", "USD", "--timezone", "UTC");
    expect(created.code).toBe(0);
    expect(created.stdout[1]).toMatch(/^API key \(the secret for x-api-key, shown only this once\): eak_[0-9a-f]{48}$/);
    expect(created.stdout[2]).toMatch(/^Key id \(not secret; revoke-key --key-id takes it\): key_[0-9a-f]{16}$/);
  });

  it("exits 2 naming the field when the store's input is invalid", async () => {
    const result = await run("create", "--name", "Bad currency", "--currency", "XYZ1", "--timezone", "UTC");
    expect(result.code).toBe(2);
    expect(result.stderr.join("\n")).toMatch(/--currency: XYZ1 is not an ISO 4217 code/);
    const zone = await run("create", "--name", "Bad zone", "--currency", "USD", "--timezone", "Mars/Olympus");
    expect(zone.code).toBe(2);
    expect(zone.stderr.join("\n")).toMatch(/--timezone/);
  });

  it("create --json prints exactly one JSON object, and list shows the store", async () => {
    const name = `CLI store ${Date.now()}`;
    const created = await run("create", "--name", name, "--currency", "JPY", "--timezone", "Asia/Tokyo", "--json");
    expect(created.code).toBe(0);
    expect(created.stdout).toHaveLength(1);
    const output = JSON.parse(created.stdout[0]!);
    expect(Object.keys(output).sort()).toEqual(["apiKey", "keyId", "storeId"]);
    expect(await findKeyIdByApiKey(handle.db, output.apiKey)).toBe(output.keyId);

    const listed = await run("list", "--json");
    expect(listed.code).toBe(0);
    const stores = JSON.parse(listed.stdout.join("\n"));
    expect(stores).toContainEqual(
      expect.objectContaining({ id: output.storeId, name, currency: "JPY", timezone: "Asia/Tokyo", activeKeys: 1 }),
    );

    const human = await run("list");
    expect(human.stdout.join("\n")).toContain(name);
  });

  it("rotate-key issues a working key and the old one stops working", async () => {
    const created = JSON.parse(
      (await run("create", "--name", `Rotate ${Date.now()}`, "--currency", "USD", "--timezone", "UTC", "--json"))
        .stdout[0]!,
    );
    const rotated = await run("rotate-key", "--store", String(created.storeId), "--json");
    expect(rotated.code).toBe(0);
    const fresh = JSON.parse(rotated.stdout[0]!);
    expect(fresh.storeId).toBe(created.storeId);
    expect(fresh.apiKey).not.toBe(created.apiKey);
    expect(await findKeyIdByApiKey(handle.db, fresh.apiKey)).toBe(fresh.keyId);
    expect(await findKeyIdByApiKey(handle.db, created.apiKey)).toBeUndefined();
  });

  it("revoke-key revokes one key by id, or all of the store's keys", async () => {
    const created = JSON.parse(
      (await run("create", "--name", `Revoke ${Date.now()}`, "--currency", "USD", "--timezone", "UTC", "--json"))
        .stdout[0]!,
    );
    const storeId = String(created.storeId);

    const wrongKey = await run("revoke-key", "--store", storeId, "--key-id", "key_does_not_exist");
    expect(wrongKey.code).toBe(2);
    expect(wrongKey.stderr.join("\n")).toMatch(/--key-id: store \d+ has no active key with the id key_does_not_exist/);
    expect(await findKeyIdByApiKey(handle.db, created.apiKey)).toBe(created.keyId);

    const one = await run("revoke-key", "--store", storeId, "--key-id", created.keyId);
    expect(one.code).toBe(0);
    expect(one.stdout.join("\n")).toMatch(/Revoked 1 key/);
    expect(await findKeyIdByApiKey(handle.db, created.apiKey)).toBeUndefined();

    const second = JSON.parse((await run("rotate-key", "--store", storeId, "--json")).stdout[0]!);
    const all = await run("revoke-key", "--store", storeId);
    expect(all.code).toBe(0);
    expect(await findKeyIdByApiKey(handle.db, second.apiKey)).toBeUndefined();
  });

  it("exits 2 for a store that does not exist", async () => {
    const result = await run("rotate-key", "--store", "999999999");
    expect(result.code).toBe(2);
    expect(result.stderr.join("\n")).toMatch(/--store: no store 999999999/);
  });
});
