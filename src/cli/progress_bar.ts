/** A one-line progress bar on stderr, redrawn at most every 100 ms; silent when stderr is not a TTY. */

export class ProgressBar {
  private last = 0;
  private readonly tty = Boolean(process.stderr.isTTY);

  constructor(private readonly label: string) {}

  update(done: number, total: number, detail = ''): void {
    const now = Date.now();
    if (now - this.last < 100 && done < total) return;
    this.last = now;
    const frac = total > 0 ? Math.min(1, done / total) : 0;
    const width = 30;
    const filled = Math.round(frac * width);
    const line = `${this.label} [${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${(frac * 100).toFixed(0).padStart(3)}% ${detail}`;
    if (this.tty) process.stderr.write(`\r${line}\x1b[K`);
  }

  done(message: string): void {
    if (this.tty) process.stderr.write('\r\x1b[K');
    process.stderr.write(`${this.label}: ${message}\n`);
  }
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 ** 2) return `${(n / 1024).toFixed(1)} KiB`;
  if (n < 1024 ** 3) return `${(n / 1024 ** 2).toFixed(1)} MiB`;
  return `${(n / 1024 ** 3).toFixed(2)} GiB`;
}
