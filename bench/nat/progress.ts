/**
 * A progress bar on stderr for long bench runs: `[#####.....] 12/40 port-restricted×symmetric ours`,
 * redrawn in place when stderr is a terminal, one line per 10 % otherwise (CI logs). Silent when
 * disabled (`--quiet`); never writes to stdout, so `--json` output stays clean.
 */
export class ProgressBar {
  readonly #total: number;
  readonly #isTty: boolean;
  readonly #isEnabled: boolean;
  readonly #write: (s: string) => void;
  #done = 0;
  #lastDecile = -1;

  constructor(total: number, options: { enabled: boolean; isTty?: boolean; write?: (s: string) => void }) {
    this.#total = Math.max(1, total);
    this.#isEnabled = options.enabled;
    this.#isTty = options.isTty ?? process.stderr.isTTY;
    this.#write = options.write ?? ((s) => { process.stderr.write(s); });
  }

  /** The bar text for `done` of the total and a label (no escape codes). */
  static render(done: number, total: number, label: string, width = 24): string {
    const share = Math.min(1, done / Math.max(1, total));
    const filled = Math.round(share * width);
    return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total} ${label}`;
  }

  /** One more unit done; `label` says what runs next (or what just finished). */
  tick(label: string): void {
    this.#done++;
    if (!this.#isEnabled) return;
    const line = ProgressBar.render(this.#done, this.#total, label);
    if (this.#isTty) {
      this.#write(`\r\x1b[2K${line}`);
      return;
    }
    const decile = Math.floor((10 * this.#done) / this.#total);
    if (decile !== this.#lastDecile) {
      this.#lastDecile = decile;
      this.#write(`${line}\n`);
    }
  }

  /** Ends the bar (a newline after an in-place bar). */
  finish(): void {
    if (this.#isEnabled && this.#isTty) this.#write('\n');
  }
}
