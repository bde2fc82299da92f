import { createTestDatabase } from "./test-database";

/** One throwaway database per `npm test` run, shared by every test file through MYSQL_URL. */
export default async function globalSetup(): Promise<void> {
  const url = await createTestDatabase();
  process.env.MYSQL_URL = url;
  process.env.TEST_DATABASE_URL = url;
}
