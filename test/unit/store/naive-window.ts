/**
 * The reference the window is checked against: every accepted sample kept in a plain array, every answer
 * recomputed from scratch. It shares no code with src/store/window: it restates the rules (which samples
 * a window of N seconds includes, how a sample is weighted) in the simplest form.
 */
export interface NaiveOptions {
  H: number;
  F: number;
  C: number;
  maxSampleMs: number;
}

interface Sample {
  sec: number;
  w: number;
  v: number;
}

export interface NaiveAnswer {
  avg: number;
  min: number;
  max: number;
  delta: number;
  seconds: number;
}

export function naiveWeight(interval: number | null, maxMs: number): number {
  if (interval === null || !Number.isFinite(interval) || interval < 1) return 1;
  return Math.min(interval, maxMs);
}

export function ok(v: number | null): v is number {
  return v !== null && Number.isFinite(v) && Math.abs(v) <= 1e200;
}

export class NaiveWindow {
  private samples = new Map<string, Sample[]>();
  now = -Infinity;
  latestMono = -Infinity;

  constructor(readonly o: NaiveOptions) {}

  /** Mirrors the window's acceptance of a Snapshot's time; returns whether it is accepted. */
  advance(mono: number): boolean {
    if (!Number.isFinite(mono) || mono < this.latestMono) return false;
    this.latestMono = mono;
    this.now = Math.max(this.now, Math.floor(mono / 1000));
    return true;
  }

  /** A pre-aggregated second: it becomes the newest second and the newest time is its end. */
  advanceBucket(sec: number): void {
    this.now = sec;
    this.latestMono = (sec + 1) * 1000;
  }

  add(key: string, v: number | null, w: number, sec = Math.floor(this.latestMono / 1000)): void {
    if (!ok(v)) return;
    let a = this.samples.get(key);
    if (a === undefined) this.samples.set(key, (a = []));
    a.push({ sec, w, v });
  }

  /** Drops samples no window can include any more (keeps a long run's memory flat). */
  prune(): void {
    const keep = this.now - this.o.H - this.o.C;
    for (const [k, a] of this.samples) {
      let i = 0;
      while (i < a.length && a[i].sec <= keep) i++;
      if (i > 0) this.samples.set(k, a.slice(i));
    }
  }

  /** The answer over the last n seconds; proc: process family rules (fine then coarse buckets). */
  query(key: string, seconds: number, proc: boolean): NaiveAnswer | null {
    const n = Math.min(this.o.H, Math.max(1, Math.ceil(seconds)));
    const from = this.now - n + 1;
    let w = 0;
    let s = 0;
    let min = Infinity;
    let max = -Infinity;
    for (const x of this.samples.get(key) ?? []) {
      let inside: boolean;
      if (!proc || x.sec > this.now - this.o.F) inside = x.sec >= from;
      else inside = Math.floor(x.sec / this.o.C) * this.o.C >= from;
      if (!inside) continue;
      w += x.w;
      s += x.v * x.w;
      min = Math.min(min, x.v);
      max = Math.max(max, x.v);
    }
    if (w === 0) return null;
    return { avg: s / w, min, max, delta: s / 1000, seconds: w / 1000 };
  }
}

/** |a − b| ≤ tol × max(|b|, floor): relative, with a floor for answers near zero. */
export function close(a: number, b: number, tol = 1e-9, floor = 1e-12): boolean {
  return Math.abs(a - b) <= tol * Math.max(Math.abs(b), floor);
}
