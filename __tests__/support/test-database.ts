import { randomBytes } from "node:crypto";
import { createConnection } from "mysql2/promise";

const DEFAULT_SERVER_URL = "mysql://root@127.0.0.1:3306";

/** Creates `analytics_test_<random>` on the server of `serverUrl` and returns the new database's URL. */
export async function createTestDatabase(serverUrl = process.env.MYSQL_URL ?? DEFAULT_SERVER_URL): Promise<string> {
  const server = new URL(serverUrl);
  const name = `analytics_test_${Date.now().toString(36)}_${randomBytes(3).toString("hex")}`;
  server.pathname = "";
  const connection = await createConnection(server.toString());
  try {
    await connection.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_bin`);
  } finally {
    await connection.end();
  }
  server.pathname = `/${name}`;
  return server.toString();
}

export async function dropTestDatabase(url: string): Promise<void> {
  const target = new URL(url);
  const name = decodeURIComponent(target.pathname.slice(1));
  if (!name.startsWith("analytics_test_")) throw new Error(`refusing to drop ${name}`);
  target.pathname = "";
  const connection = await createConnection(target.toString());
  try {
    await connection.query(`DROP DATABASE IF EXISTS \`${name}\``);
  } finally {
    await connection.end();
  }
}
