import type { ConnsSample } from '../../model/conns';
import { ConnsReader, ConnsReaderOptions, ConnsReadStats } from './reader';

/** Consecutive failed reads after which the tier stops and reports the last error. */
const MAX_FAILURES = 3;

export interface ConnsTierOptions extends ConnsReaderOptions {
  /** How often the tier reads, ms (default 1000). */
  intervalMs?: number;
  /**
   * The most of one core the tier may use. A read that cost c ms is followed by a pause of at least
   * c / maxCpuShare ms, so tens of thousands of sockets stretch the tier's interval, not the sampler's.
   */
  maxCpuShare?: number;
  /** Called once per read; for tests and the benchmark. */
  onSample?: (s: ConnsSample) => void;
}

/**
 * The connections tier, asynchronous like the filesystem tier: it reads on its own timer and the
 * sampler attaches the latest complete ConnsSample to each Sample (`latest()`), never waiting for it.
 * If sock_diag cannot be used at all, the tier stops and `unavailable()` says why, once.
 */
export class ConnsTier {
  private readonly opts: ConnsTierOptions;
  private readonly intervalMs: number;
  private readonly maxCpuShare: number;
  private reader: ConnsReader | null = null;
  private last: ConnsSample | null = null;
  private timer: NodeJS.Timeout | null = null;
  private running = false;
  private reason: string | null = null;
  private failures = 0;

  constructor(opts: ConnsTierOptions = {}) {
    this.opts = opts;
    this.intervalMs = opts.intervalMs ?? 1000;
    this.maxCpuShare = opts.maxCpuShare ?? 0.05;
  }

  start(): void {
    if (this.running || this.reason !== null) return;
    try {
      this.reader = new ConnsReader(this.opts);
    } catch (err) {
      this.reason = (err as Error).message;
      return;
    }
    this.running = true;
    this.tick();
  }

  stop(): void {
    this.running = false;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.reader?.close();
    this.reader = null;
  }

  latest(): ConnsSample | null {
    return this.last;
  }

  /** Where the last read's time went (for --debug-timings), or null before the first read. */
  stats(): ConnsReadStats | null {
    return this.last === null || this.reader === null ? null : this.reader.stats;
  }

  /** Which code talks to sock_diag (the native core or the `netlink` package), or null when not running. */
  diagPath(): 'native' | 'ts' | null {
    return this.reader?.diagPath ?? null;
  }

  /** Why the tier is not running (no netlink, no sock_diag), or null. */
  unavailable(): string | null {
    return this.reason;
  }

  private tick(): void {
    const reader = this.reader;
    if (!this.running || reader === null) return;
    const started = Date.now();
    reader.read().then(
      (s) => {
        if (!this.running) return;
        this.last = s;
        this.failures = 0;
        this.opts.onSample?.(s);
        const elapsed = Date.now() - started;
        const delay = Math.max(this.intervalMs - elapsed, s.cost_ms / this.maxCpuShare - elapsed, 0);
        this.timer = setTimeout(() => this.tick(), delay);
        this.timer.unref();
      },
      (err: Error) => {
        if (!this.running) return;
        // A dump that failed leaves the netlink socket in an unknown state: start over on a new one,
        // and give up (saying why) only when it keeps failing.
        this.failures++;
        if (this.failures >= MAX_FAILURES) {
          this.reason = err.message;
          this.stop();
          return;
        }
        try {
          reader.reopen();
        } catch (e) {
          this.reason = (e as Error).message;
          this.stop();
          return;
        }
        this.timer = setTimeout(() => this.tick(), this.intervalMs * 5);
        this.timer.unref();
      },
    );
  }
}
