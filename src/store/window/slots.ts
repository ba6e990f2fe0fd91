/**
 * Stable slots: each series instance (a name and a subject, or a process) gets a small integer that
 * indexes its cells in every bucket of its family. A slot lives while any bucket may hold its data and is
 * then recycled, so an hour of process churn does not grow the arrays without bound.
 */
export class SlotTable<M> {
  private readonly byKey = new Map<string, number>();
  private readonly keys: (string | null)[] = [];
  private readonly meta: (M | null)[] = [];
  /** Newest bucket second in which the slot received data. */
  private readonly lastSec: number[] = [];
  private readonly free: number[] = [];
  /** Slots ever handed out (the high-water mark); arrays are sized by `cap` ≥ this. */
  highWater = 0;
  cap = 0;
  /** Bumped whenever slots are freed, so that caches of slot numbers know to forget them. */
  generation = 0;

  /** step: how many slots capacity grows by at least (arrays are reallocated on growth, so not 1). */
  constructor(private readonly step: number) {}

  get size(): number {
    return this.byKey.size;
  }

  get(key: string): number | undefined {
    return this.byKey.get(key);
  }

  /** A slot for key; when `cap` increases the owner grows its arrays to match. */
  alloc(key: string, meta: M, sec: number): number {
    let slot = this.free.pop();
    if (slot === undefined) {
      slot = this.highWater++;
      if (this.highWater > this.cap) this.cap = this.highWater + Math.max(this.step, this.cap >> 3);
    }
    this.byKey.set(key, slot);
    this.keys[slot] = key;
    this.meta[slot] = meta;
    this.lastSec[slot] = sec;
    return slot;
  }

  touch(slot: number, sec: number): void {
    this.lastSec[slot] = sec;
  }

  last(slot: number): number {
    return this.lastSec[slot];
  }

  info(slot: number): M | null {
    return this.meta[slot] ?? null;
  }

  /** Frees every slot whose newest data is at or before `sec`; calls onFree(slot) for each. */
  expire(isExpired: (lastSec: number) => boolean, onFree: (slot: number) => void): void {
    for (let slot = 0; slot < this.highWater; slot++) {
      const key = this.keys[slot];
      if (key === null || key === undefined || !isExpired(this.lastSec[slot])) continue;
      this.byKey.delete(key);
      this.keys[slot] = null;
      this.meta[slot] = null;
      this.free.push(slot);
      this.generation++;
      onFree(slot);
    }
  }

  *entries(): IterableIterator<[string, number, M]> {
    for (const [key, slot] of this.byKey) yield [key, slot, this.meta[slot] as M];
  }

  clear(): void {
    this.byKey.clear();
    this.keys.length = 0;
    this.meta.length = 0;
    this.lastSec.length = 0;
    this.free.length = 0;
    this.highWater = 0;
    this.cap = 0;
    this.generation++;
  }
}
