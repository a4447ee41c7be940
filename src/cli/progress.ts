/**
 * A one-line progress bar on stderr. On a terminal it redraws in place; elsewhere (CI logs) it prints a
 * line every 10% so logs stay short.
 */
export class ProgressBar {
  private lastDecile = -1;
  private readonly started = Date.now();
  private readonly tty: boolean;

  constructor(
    private readonly label: string,
    private readonly stream: NodeJS.WriteStream = process.stderr,
  ) {
    this.tty = Boolean(stream.isTTY);
  }

  /** `fraction` in [0, 1]; `detail` is appended (e.g. a rate). */
  update(fraction: number, detail = ''): void {
    const clamped = Math.min(1, Math.max(0, fraction));
    const line = this.render(clamped, detail);
    if (this.tty) {
      this.stream.write(`\r${line}\x1b[K`);
      return;
    }
    const decile = Math.floor(clamped * 10);
    if (decile > this.lastDecile) {
      this.lastDecile = decile;
      this.stream.write(`${line}\n`);
    }
  }

  done(detail = ''): void {
    this.update(1, detail);
    if (this.tty) this.stream.write('\n');
  }

  render(fraction: number, detail: string): string {
    const width = 30;
    const filled = Math.round(fraction * width);
    const elapsed = (Date.now() - this.started) / 1000;
    const eta = fraction > 0 && fraction < 1 ? ` eta ${formatSeconds((elapsed / fraction) * (1 - fraction))}` : '';
    return `${this.label} [${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${(fraction * 100).toFixed(1).padStart(5)}% ${formatSeconds(elapsed)}${eta}${detail ? `  ${detail}` : ''}`;
  }
}

export function formatSeconds(seconds: number): string {
  if (seconds < 60) return `${seconds.toFixed(0)}s`;
  const m = Math.floor(seconds / 60);
  if (m < 60) return `${m}m${String(Math.floor(seconds % 60)).padStart(2, '0')}s`;
  return `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m`;
}
