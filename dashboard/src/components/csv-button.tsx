import { useState } from "preact/hooks";
import type { ReportsApi } from "../lib/api";
import { csvFileName, type ReportName, type ReportParams } from "../lib/reports";
import { loadWithRetry } from "../lib/retry";
import { messageOf } from "../use-report";

/** Downloads the view's report as CSV: the same query with `Accept: text/csv`, saved as a file. */
export function CsvButton(props: { api: ReportsApi; report: ReportName; params: ReportParams; testId: string }) {
  const [state, setState] = useState<{ busy: boolean; message?: string }>({ busy: false });
  const download = async () => {
    setState({ busy: true });
    try {
      const text = await loadWithRetry(
        () => props.api.csv(props.report, props.params),
        (seconds) => setState({ busy: true, message: `Data briefly unavailable, retrying in ${seconds} s` }),
      );
      save(text, csvFileName(props.report, props.params));
      setState({ busy: false });
    } catch (error) {
      setState({ busy: false, message: `Download failed: ${messageOf(error)}` });
    }
  };
  return (
    <span class="csv">
      <button type="button" onClick={download} disabled={state.busy} data-testid={props.testId}>
        {state.busy ? "Preparing CSV…" : "Download CSV"}
      </button>
      {state.message && (
        <span class="csv-message" role="status">
          {state.message}
        </span>
      )}
    </span>
  );
}

function save(text: string, fileName: string): void {
  const url = URL.createObjectURL(new Blob([text], { type: "text/csv;charset=utf-8" }));
  const link = document.createElement("a");
  link.href = url;
  link.download = fileName;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 0);
}
