/**
 * A small progress reporter for long runs (to stderr by default).
 *
 * On a terminal: one line redrawn in place, at most every 100 ms,
 *   "orders [█████████░░░░░░░░░░░] 45%  450,000/1,000,000  61,234/s  ETA 9s"
 * Elsewhere (CI logs, files): a plain line at every 10 %.
 * `done()` ends with the total, the time taken and the rate.
 *
 * `add()` is meant for hot loops: between checkpoints it is one addition and one comparison;
 * the clock is read only at checkpoints (about every 0.1 % of the total).
 */

export interface ProgressStream {
  write(chunk: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

export interface ProgressOptions {
  /** the count at 100 % */
  total: number;
  /** what is counted, e.g. "orders" */
  label?: string;
  /** default process.stderr */
  stream?: ProgressStream;
  /** default: stream.isTTY */
  tty?: boolean;
  /** milliseconds clock, default Date.now (for tests) */
  now?: () => number;
  /** minimum time between two redraws on a terminal, default 100 ms */
  redrawMs?: number;
}

const BAR_WIDTH = 24;

export function formatCount(n: number): string {
  return Math.round(n)
    .toString()
    .replace(/\B(?=(\d{3})+(?!\d))/g, ",");
}

export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms)) return "?";
  const seconds = Math.max(0, Math.round(ms / 1000));
  if (ms < 10_000) return `${(Math.max(0, ms) / 1000).toFixed(1)}s`;
  if (seconds < 60) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes}m${String(seconds % 60).padStart(2, "0")}s`;
  return `${Math.floor(minutes / 60)}h${String(minutes % 60).padStart(2, "0")}m`;
}

export class Progress {
  private count = 0;
  private nextCheck: number;
  private readonly step: number;
  private readonly startedAt: number;
  private lastDraw = Number.NEGATIVE_INFINITY;
  private nextDecile = 1;
  private finished = false;
  private readonly tty: boolean;
  private readonly stream: ProgressStream;
  private readonly now: () => number;
  private readonly label: string;
  private readonly total: number;
  private readonly redrawMs: number;

  constructor(options: ProgressOptions) {
    this.total = Math.max(0, options.total);
    this.label = options.label ?? "progress";
    this.stream = options.stream ?? process.stderr;
    this.tty = options.tty ?? this.stream.isTTY === true;
    this.now = options.now ?? Date.now;
    this.redrawMs = options.redrawMs ?? 100;
    this.startedAt = this.now();
    this.step = this.tty ? Math.max(1, Math.floor(this.total / 1000)) : Math.max(1, Math.ceil(this.total / 10));
    this.nextCheck = this.step;
  }

  get value(): number {
    return this.count;
  }

  /** Counts `n` more. */
  add(n = 1): void {
    this.count += n;
    if (this.count >= this.nextCheck) this.checkpoint();
  }

  /** Sets the count. */
  set(count: number): void {
    this.count = count;
    if (this.count >= this.nextCheck) this.checkpoint();
  }

  /** Prints the final line (once): total, time, rate. Returns the elapsed milliseconds. */
  done(): number {
    const elapsed = this.now() - this.startedAt;
    if (this.finished) return elapsed;
    this.finished = true;
    const rate = elapsed > 0 ? (this.count * 1000) / elapsed : Number.POSITIVE_INFINITY;
    const rateText = Number.isFinite(rate) ? `, ${formatCount(rate)}/s` : "";
    const summary = `${this.label}: ${formatCount(this.count)} in ${formatDuration(elapsed)}${rateText}`;
    this.stream.write(this.tty ? `\r\x1b[K${summary}\n` : `${summary}\n`);
    return elapsed;
  }

  private checkpoint(): void {
    if (this.finished) return;
    if (this.tty) {
      this.nextCheck = this.count + this.step;
      const now = this.now();
      if (now - this.lastDraw < this.redrawMs) return;
      this.lastDraw = now;
      this.stream.write(`\r\x1b[K${this.line(now)}`);
      return;
    }
    // plain output: one line per 10 % crossed
    const fraction = this.total > 0 ? this.count / this.total : 1;
    const decile = Math.min(10, Math.floor(fraction * 10 + 1e-9));
    if (decile >= this.nextDecile) {
      this.nextDecile = decile + 1;
      this.stream.write(`${this.line(this.now())}\n`);
    }
    this.nextCheck = this.total > 0 ? Math.ceil((this.nextDecile * this.total) / 10) : Number.POSITIVE_INFINITY;
  }

  private line(now: number): string {
    const elapsed = now - this.startedAt;
    const fraction = this.total > 0 ? Math.min(1, this.count / this.total) : 1;
    const rate = elapsed > 0 ? (this.count * 1000) / elapsed : 0;
    const eta = rate > 0 ? ((this.total - this.count) * 1000) / rate : Number.POSITIVE_INFINITY;
    const percent = `${Math.floor(fraction * 100)}%`;
    const counts = `${formatCount(this.count)}/${formatCount(this.total)}`;
    const tail = `${formatCount(rate)}/s  ETA ${formatDuration(eta)}`;
    if (!this.tty) return `${this.label} ${percent}  ${counts}  ${tail}`;
    const filled = Math.round(fraction * BAR_WIDTH);
    const bar = `[${"█".repeat(filled)}${"░".repeat(BAR_WIDTH - filled)}]`;
    const full = `${this.label} ${bar} ${percent.padStart(4)}  ${counts}  ${tail}`;
    const columns = this.stream.columns;
    return columns !== undefined && columns > 0 && full.length >= columns ? full.slice(0, columns - 1) : full;
  }
}

export function createProgress(options: ProgressOptions): Progress {
  return new Progress(options);
}
