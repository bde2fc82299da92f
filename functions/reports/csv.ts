export type CsvCell = string | number | null | undefined;

const NUMERIC = /^-?\d+(\.\d+)?$/;

/** RFC 4180 quoting, and a leading quote on text that a spreadsheet would run as a formula. */
function cell(value: CsvCell): string {
  if (value === null || value === undefined) return "";
  let text = String(value);
  if (/^[=+\-@\t\r]/.test(text) && !NUMERIC.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function toCsv<Row extends object>(columns: readonly string[], rows: readonly Row[]): string {
  const lines = [columns.map(cell).join(",")];
  for (const row of rows) lines.push(columns.map((c) => cell((row as Record<string, CsvCell>)[c])).join(","));
  return `${lines.join("\r\n")}\r\n`;
}
