/** Hash routing: `#/sales` shows the Sales view; anything else the Overview. */
export type ViewId = "overview" | "sales" | "products" | "funnel" | "cohorts" | "realtime";

export const VIEWS: ReadonlyArray<{ id: ViewId; label: string }> = [
  { id: "overview", label: "Overview" },
  { id: "sales", label: "Sales" },
  { id: "products", label: "Products" },
  { id: "funnel", label: "Funnel" },
  { id: "cohorts", label: "Cohorts" },
  { id: "realtime", label: "Realtime" },
];

export function viewOf(hash: string): ViewId {
  const name = hash.replace(/^#\/?/, "").split(/[/?]/)[0];
  return VIEWS.find((view) => view.id === name)?.id ?? "overview";
}

export function hrefOf(view: ViewId): string {
  return `#/${view}`;
}
