/**
 * One thing a page loads from the server: its value, whether a request is under way and the
 * problem of the last one. Answers to superseded requests are dropped, so fast typing or paging
 * never shows an older answer over a newer one.
 */
import { problemOf, type Problem } from './problem';

export class Resource<T> {
  value = $state<T | null>(null);
  loading = $state(false);
  problem = $state<Problem | null>(null);
  #request = 0;

  /** Loads with `source`; keeps the previous value while loading (the table dims meanwhile). */
  async load(source: () => Promise<T>): Promise<void> {
    const mine = ++this.#request;
    this.loading = true;
    this.problem = null;
    try {
      const value = await source();
      if (mine === this.#request) this.value = value;
    } catch (caught) {
      if (mine === this.#request) {
        this.problem = problemOf(caught);
        this.value = null;
      }
    } finally {
      if (mine === this.#request) this.loading = false;
    }
  }

  /** Replaces the value without a request (e.g. with the answer of a change). */
  set(value: T): void {
    ++this.#request;
    this.value = value;
    this.loading = false;
    this.problem = null;
  }
}
