import { performance } from 'node:perf_hooks';

/**
 * Paces the handling of logged messages so that webhooks are answered first. One handling
 * starts per turn of the event loop (after the requests that arrived meanwhile were read);
 * and while the loop is saturated (a burst of webhooks), handling takes at most `share` of
 * each window, the rest going to answering. When the loop has room, handling runs as fast
 * as it can: a backlog built in a burst drains right after it.
 */
export class HandlingPacer {
  private waiting: (() => void)[] = [];
  private armed = false;
  private windowStart = performance.now();
  private saturated = false;
  private elu = performance.eventLoopUtilization();
  /** Handlings started in this window. */
  private startedInWindow = 0;

  constructor(
    /** The share of a saturated loop handling may take. */
    private share = 1,
    /**
     * What one handling costs the loop (ms; about 1.3 measured on the benchmark machine):
     * while saturated, `share × window / cost` handlings start per window.
     */
    private costMs = 1.5,
    private windowMs = 100,
  ) {}

  /** Resolves when a handling may start. */
  turn(): Promise<void> {
    return new Promise((resolve) => {
      this.waiting.push(resolve);
      this.arm();
    });
  }

  private arm(): void {
    if (this.armed || !this.waiting.length) return;
    this.armed = true;
    setImmediate(() => {
      this.armed = false;
      const now = performance.now();
      if (now - this.windowStart >= this.windowMs) {
        // a new window: was the loop saturated in the last one?
        const elu = performance.eventLoopUtilization(this.elu);
        this.elu = performance.eventLoopUtilization();
        this.saturated = elu.utilization > 0.9;
        this.windowStart = now;
        this.startedInWindow = 0;
      }
      if (this.saturated && this.startedInWindow * this.costMs >= this.share * this.windowMs) {
        // this window's share is used: try again when the next one starts
        setTimeout(() => this.arm(), Math.max(1, this.windowStart + this.windowMs - now));
        return;
      }
      this.startedInWindow++;
      this.waiting.shift()?.();
      this.arm();
    });
  }
}
