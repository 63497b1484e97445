/** Values pushed from outside, read as an async iterator; `return()` (the client went away) runs `onClose`. */
export class PushStream<T> implements AsyncIterableIterator<T> {
  private readonly buffered: IteratorResult<T>[] = [];
  private waiting: ((r: IteratorResult<T>) => void) | null = null;
  private ended = false;

  constructor(private readonly onClose: () => void) {}

  push(value: T): void {
    if (this.ended) return;
    const result = { value, done: false as const };
    if (this.waiting) {
      this.waiting(result);
      this.waiting = null;
    } else this.buffered.push(result);
  }

  next(): Promise<IteratorResult<T>> {
    const buffered = this.buffered.shift();
    if (buffered) return Promise.resolve(buffered);
    if (this.ended) return Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve) => (this.waiting = resolve));
  }

  return(): Promise<IteratorResult<T>> {
    this.buffered.length = 0;
    if (!this.ended) {
      this.ended = true;
      this.onClose();
      this.waiting?.({ value: undefined, done: true });
      this.waiting = null;
    }
    return Promise.resolve({ value: undefined, done: true });
  }

  [Symbol.asyncIterator](): AsyncIterableIterator<T> {
    return this;
  }
}
