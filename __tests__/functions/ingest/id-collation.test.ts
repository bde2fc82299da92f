/**
 * Issue 11 item 2, the premise of the id rule: apart from trailing spaces (PAD SPACE),
 * utf8mb4_bin tells every two different strings apart, so refusing ids with white space at an
 * end, control characters and unpaired surrogates (fields.ts) makes "equal in the database"
 * the same as "equal in JSON", on a PAD SPACE and a NO PAD collation alike. Checked against the
 * real server over every BMP code point and a sample of the others.
 */
import { randomBytes } from "node:crypto";
import { sql } from "kysely";
import type { DatabaseHandle } from "../../../functions/db/connection";
import { externalId } from "../../../functions/ingest/fields";
import { useTestDatabase } from "../../support/harness";

let handle: DatabaseHandle;
beforeAll(() => {
  handle = useTestDatabase();
});
afterAll(() => handle.db.destroy());

/**
 * "a" + c, "a" + c + "b", "a" + c + " " and c + "a" for every code point c
 * (surrogates as the lone units JSON can carry).
 */
function candidates(): string[] {
  const out = ["a", " a", "a ", "a  "];
  for (let cp = 1; cp <= 0x10ffff; cp += cp <= 0xffff ? 1 : 251) {
    const c = String.fromCodePoint(cp);
    out.push(`a${c}`, `a${c}b`, `a${c} `, `${c}a`);
  }
  return out;
}

/** The strings that collide with another under `collation`: groups of distinct strings the database takes as one. */
async function collisions(collation: string, strings: readonly string[]): Promise<string[][]> {
  const table = `id_collation_probe_${randomBytes(4).toString("hex")}`;
  await sql
    .raw(
      `create table ${table} ` +
        `(n int primary key, id varchar(64) character set utf8mb4 collate ${collation} not null, key (id))`,
    )
    .execute(handle.db);
  try {
    for (let i = 0; i < strings.length; i += 4000) {
      const rows = strings.slice(i, i + 4000).map((id, j) => sql`(${i + j}, ${id})`);
      await sql`insert into ${sql.table(table)} (n, id) values ${sql.join(rows)}`.execute(handle.db);
    }
    const groups = await sql<{
      ns: string;
    }>`select group_concat(n) as ns from ${sql.table(table)} group by id having count(*) > 1`.execute(handle.db);
    return groups.rows
      .map((g) => [...new Set(g.ns.split(",").map((n) => strings[Number(n)]))])
      .filter((g) => g.length > 1);
  } finally {
    await sql.raw(`drop table ${table}`).execute(handle.db);
  }
}

/** Whether the server pads with spaces under `collation` ("a" = "a "); undefined when it has no such collation. */
async function padsSpaces(collation: string): Promise<boolean | undefined> {
  const known = await sql.raw(`show collation like '${collation}'`).execute(handle.db);
  if (known.rows.length === 0) return undefined;
  const probe = await sql<{
    padded: number;
  }>`select (convert('a' using utf8mb4) collate ${sql.raw(collation)}) = 'a ' as padded`.execute(handle.db);
  return Number(probe.rows[0].padded) === 1;
}

describe("the id rule against the database's collation", () => {
  const all = [...new Set(candidates())];
  const valid = all.filter((s) => externalId.safeParse(s).success);
  // Strings with an unpaired surrogate go to the database as U+FFFD, so they are left out of
  // the probe (they would collide by construction); the rule refuses them all.
  const wellFormed = all.filter((s) => !/\p{Cs}/u.test(s));

  it("every id column of the schema is utf8mb4_bin", async () => {
    const columns = await sql<{ table_name: string; column_name: string; collation_name: string }>`
      select table_name as table_name, column_name as column_name, collation_name as collation_name
      from information_schema.columns
      where table_schema = database() and data_type = 'varchar'
        and (column_name = 'id' or column_name like '%\\_id')`.execute(handle.db);
    expect(columns.rows.length).toBeGreaterThan(15);
    for (const c of columns.rows)
      expect({ column: `${c.table_name}.${c.column_name}`, collation: c.collation_name }).toEqual({
        column: `${c.table_name}.${c.column_name}`,
        collation: "utf8mb4_bin",
      });
  });

  it("utf8mb4_bin (PAD SPACE) equates strings differing only in trailing spaces; no valid ids collide", async () => {
    expect(await padsSpaces("utf8mb4_bin")).toBe(true);
    const groups = await collisions("utf8mb4_bin", wellFormed);
    expect(groups.length).toBeGreaterThan(0);
    for (const group of groups) {
      expect(new Set(group.map((s) => s.replace(/ +$/, ""))).size).toBe(1);
      expect(group.filter((s) => externalId.safeParse(s).success).length).toBeLessThanOrEqual(1);
    }
    expect(valid.length).toBeGreaterThan(200_000);
  }, 120_000);

  it("a NO PAD binary collation takes no two different strings as one", async () => {
    // MariaDB 10.11 has utf8mb4_nopad_bin, MySQL 8.4 utf8mb4_0900_bin.
    const noPad = (await padsSpaces("utf8mb4_nopad_bin")) !== undefined ? "utf8mb4_nopad_bin" : "utf8mb4_0900_bin";
    expect(await padsSpaces(noPad)).toBe(false);
    expect(await collisions(noPad, wellFormed)).toEqual([]);
  }, 120_000);
});
