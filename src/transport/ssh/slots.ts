/** A counting semaphore with a FIFO queue: at most `limit` holders, the others wait in arrival order. */
export class Slots {
  #free: number;
  readonly #waiting: (() => void)[] = [];

  constructor(readonly limit: number) {
    this.#free = limit;
  }

  async acquire(): Promise<void> {
    if (this.#free > 0) {
      this.#free--;
      return;
    }
    await new Promise<void>((resolve) => this.#waiting.push(resolve));
  }

  release(): void {
    const next = this.#waiting.shift();
    if (next) next();
    else this.#free = Math.min(this.limit, this.#free + 1);
  }

  get inUse(): number {
    return this.limit - this.#free;
  }
}
