/** A worker loop's wait between polls: `wake()` cuts it short, and a wake-up while awake makes the next wait return at once. */
export class WakeableSleep {
  private wakeUp: (() => void) | null = null;
  private woken = false;

  /** True while a `sleep` is waiting. */
  get sleeping(): boolean {
    return this.wakeUp !== null;
  }

  wake(): void {
    this.woken = true;
    this.wakeUp?.();
  }

  /** Waits `ms`, or less if woken; at once if woken since the last wait. */
  sleep(ms: number): Promise<void> {
    if (this.woken) {
      this.woken = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const finish = () => {
        clearTimeout(timer);
        this.wakeUp = null;
        this.woken = false;
        resolve();
      };
      const timer = setTimeout(finish, ms);
      this.wakeUp = finish;
    });
  }
}
