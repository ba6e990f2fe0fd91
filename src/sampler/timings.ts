/**
 * Per-source cost of the last tick, for --debug-timings (btop times collect and draw per box the same
 * way). Only allocated when asked for: the readers skip the clock calls when they have no Timings.
 */
export class Timings {
  private readonly ns = new Map<string, bigint>();

  add(source: string, ns: bigint): void {
    this.ns.set(source, (this.ns.get(source) ?? 0n) + ns);
  }

  /** Milliseconds per source since the last take(), then starts over. */
  take(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const [k, v] of this.ns) out[k] = Number(v) / 1e6;
    this.ns.clear();
    return out;
  }
}
