/**
 * Calls `fn` at most once per `intervalMs`: the first request in a quiet period runs at once,
 * requests inside the window collapse into one trailing call at its end. Docker emits bursts of
 * events (a run creates and starts a dozen containers); the view redraws once per window.
 */
export class Coalescer {
  private last = -Infinity;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly fn: () => void, private readonly intervalMs: number) {}

  request(): void {
    if (this.timer) return;
    const wait = this.last + this.intervalMs - Date.now();
    if (wait <= 0) this.fire();
    else this.timer = setTimeout(() => this.fire(), wait);
  }

  private fire(): void {
    this.timer = undefined;
    this.last = Date.now();
    this.fn();
  }

  dispose(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }
}
