import { UsageError } from "../../tools/local/cli-args";

/** The message of the UsageError `parse` throws for `argv`; fails the test when it throws none or another. */
export function usageErrorOf(parse: (argv: string[]) => unknown, argv: string[]): string {
  try {
    parse(argv);
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError);
    return (error as Error).message;
  }
  throw new Error(`expected a UsageError for ${argv.join(" ")}`);
}
