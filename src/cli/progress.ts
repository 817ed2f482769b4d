/** A progress bar on standard error for batches on a terminal (never drawn into pipes). Uses the global `performance` (node:perf_hooks is not imported by a check that draws none). */

const WIDTH = 30;
const REDRAW_MS = 100;

/** Draws `[#####-----] 1,234/10,000` (or a running count when the total is unknown), at most ten times a second. */
export class Progress {
  private count = 0;
  private lastDraw = 0;
  constructor(
    private readonly stream: NodeJS.WritableStream,
    private readonly total: number | undefined,
  ) {}

  /** Counts items and redraws when due. */
  add(items: number): void {
    this.count += items;
    const now = performance.now();
    if (now - this.lastDraw < REDRAW_MS) return;
    this.lastDraw = now;
    this.draw();
  }

  private draw(): void {
    const n = this.count.toLocaleString('en-US');
    if (this.total === undefined || this.total === 0) {
      this.stream.write(`\r\u001b[2Kchecking… ${n} encounters`);
      return;
    }
    const filled = Math.min(WIDTH, Math.round((this.count / this.total) * WIDTH));
    this.stream.write(`\r\u001b[2K[${'#'.repeat(filled)}${'-'.repeat(WIDTH - filled)}] ${n}/${this.total.toLocaleString('en-US')}`);
  }

  /** Clears the bar so the summary line starts clean. */
  done(): void {
    if (this.lastDraw > 0) this.stream.write('\r\u001b[2K');
  }
}
