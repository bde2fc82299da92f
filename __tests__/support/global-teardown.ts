import { stopSuite, takeSuiteState } from "./global-setup";

/** Undoes global-setup.ts: the run's database, the private server it started (if any), its temp folder. */
export default async function globalTeardown(): Promise<void> {
  const recorded = takeSuiteState();
  if (!recorded) return;
  if (recorded.tmpdir === undefined) delete process.env.TMPDIR;
  else process.env.TMPDIR = recorded.tmpdir;
  await stopSuite(recorded.state);
}
