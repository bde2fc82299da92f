/**
 * Captures what Powertools writes while `run` runs: the Logger's JSON lines and the Metrics'
 * EMF blobs both go to process.stdout/stderr (outside POWERTOOLS_DEV). Lines that are not JSON
 * are kept in `text`.
 */
export interface CapturedOutput {
  /** Every line that parsed as a JSON object, in order. */
  json: Record<string, unknown>[];
  text: string[];
}

export async function captureOutput<T>(run: () => Promise<T>): Promise<{ result: T; output: CapturedOutput }> {
  const output: CapturedOutput = { json: [], text: [] };
  const take = (chunk: unknown) => {
    for (const line of String(chunk).split("\n")) {
      if (line.trim() === "") continue;
      try {
        const parsed: unknown = JSON.parse(line);
        if (parsed && typeof parsed === "object" && !Array.isArray(parsed))
          output.json.push(parsed as Record<string, unknown>);
        else output.text.push(line);
      } catch {
        output.text.push(line);
      }
    }
  };
  const spies = [process.stdout, process.stderr].map((stream) =>
    jest.spyOn(stream, "write").mockImplementation(((chunk: unknown, ...rest: unknown[]) => {
      take(chunk);
      const callback = rest.find((arg) => typeof arg === "function") as (() => void) | undefined;
      callback?.();
      return true;
    }) as typeof stream.write),
  );
  try {
    const result = await run();
    return { result, output };
  } finally {
    for (const spy of spies) spy.mockRestore();
  }
}

/** The log lines (Powertools Logger's JSON, which always has `level` and `message`). */
export function logLines(output: CapturedOutput): Record<string, unknown>[] {
  return output.json.filter((line) => typeof line.level === "string" && typeof line.message === "string");
}

/** The EMF blobs (Powertools Metrics' JSON, which always has `_aws.CloudWatchMetrics`). */
export function emfBlobs(output: CapturedOutput): Record<string, unknown>[] {
  return output.json.filter((line) => typeof line._aws === "object" && line._aws !== null);
}
