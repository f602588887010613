// The current time as reactive state, ticking while something reads it.
import { createSubscriber } from 'svelte/reactivity';

export class Now {
  #at: Date;
  #subscribe: () => void;

  constructor(tickMs: number, start: Date = new Date()) {
    this.#at = start;
    this.#subscribe = createSubscriber((update) => {
      const timer = setInterval(() => {
        this.#at = new Date();
        update();
      }, tickMs);
      return () => clearInterval(timer);
    });
  }

  get current(): Date {
    this.#subscribe();
    return this.#at;
  }
}
