/** A counting semaphore with a FIFO queue: at most `limit` holders, the others wait in arrival order. */
export class Slots {
  #free: number;
  readonly #waiting: (() => void)[] = [];
  #limit: number;

  constructor(limit: number) {
    this.#limit = limit;
    this.#free = limit;
  }

  get limit(): number {
    return this.#limit;
  }

  /** Lowers the limit (never raises it): holders beyond the new one keep their place, newcomers wait until below. */
  narrow(limit: number): void {
    if (limit >= this.#limit) return;
    this.#free -= this.#limit - limit;
    this.#limit = limit;
  }

  async acquire(): Promise<void> {
    if (this.#free > 0) {
      this.#free--;
      return;
    }
    await new Promise<void>((resolve) => this.#waiting.push(resolve));
  }

  release(): void {
    // Still above a narrowed limit: this place is not handed on.
    if (this.#free < 0) {
      this.#free++;
      return;
    }
    const next = this.#waiting.shift();
    if (next) next();
    else this.#free = Math.min(this.#limit, this.#free + 1);
  }

  get inUse(): number {
    return this.#limit - this.#free;
  }
}
