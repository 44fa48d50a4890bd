/**
 * Decides whether a crashed language server is restarted: more than `maxCrashes` crashes within
 * `windowMs` and it stays stopped. Pure, so it is unit-tested without VS Code.
 */
export class RestartPolicy {
  private crashes: number[] = [];

  constructor(private readonly maxCrashes = 5, private readonly windowMs = 3 * 60_000, private readonly now: () => number = Date.now) {}

  /** Records a crash; true when the server should be restarted. */
  recordCrash(): boolean {
    const t = this.now();
    this.crashes = this.crashes.filter((c) => t - c < this.windowMs);
    this.crashes.push(t);
    return this.crashes.length <= this.maxCrashes;
  }

  get recentCrashes(): number {
    return this.crashes.length;
  }
}
