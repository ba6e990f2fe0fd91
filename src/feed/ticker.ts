/**
 * Calls fn at monotonic targets start + k × interval. A late tick (a GC pause, a stopped terminal) is
 * followed by the next future target: missed ticks are skipped, never run in a burst. Wall-clock jumps
 * (NTP, suspend) do not move the schedule.
 */
export class Ticker {
  private timer: NodeJS.Timeout | null = null;
  private next = 0n;
  private intervalNs: bigint;

  constructor(
    intervalMs: number,
    private readonly fn: (nowNs: bigint) => void,
  ) {
    this.intervalNs = BigInt(Math.round(intervalMs * 1e6));
  }

  start(): void {
    if (this.timer) return;
    this.next = process.hrtime.bigint() + this.intervalNs;
    this.arm();
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  /** A new interval, counted from now: the next tick comes one new interval after this call. */
  setInterval(intervalMs: number): void {
    this.intervalNs = BigInt(Math.round(intervalMs * 1e6));
    if (this.timer === null) return;
    this.stop();
    this.start();
  }

  get running(): boolean {
    return this.timer !== null;
  }

  private arm(): void {
    const now = process.hrtime.bigint();
    if (this.next <= now) {
      const missed = (now - this.next) / this.intervalNs + 1n;
      this.next += missed * this.intervalNs;
    }
    const delayMs = Number(this.next - now) / 1e6;
    this.timer = setTimeout(() => this.fire(), Math.max(0, Math.ceil(delayMs)));
  }

  private fire(): void {
    // A timer may fire up to ~1 ms early or late; the sample is stamped with the real time either way.
    this.fn(process.hrtime.bigint());
    if (this.timer === null) return; // fn stopped us
    this.next += this.intervalNs;
    this.arm();
  }
}
