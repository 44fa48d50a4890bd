/**
 * One reload at a time: calls during a reload share it, and if any came in meanwhile, one more
 * reload follows, so the last state is always read without piling up requests.
 */
export class Reloader {
  private running: Promise<void> | undefined;
  private again = false;

  constructor(private readonly load: () => Promise<void>) {}

  reload(): Promise<void> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = this.load().finally(() => {
      this.running = undefined;
      if (this.again) {
        this.again = false;
        void this.reload();
      }
    });
    return this.running;
  }
}
