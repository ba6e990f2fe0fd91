/**
 * Buckets in a doubly linked list: the oldest at the head, the newest at the tail. Appending at the tail
 * and dropping from the head are O(1); recent windows are answered by walking back from the tail.
 * `sec` is the bucket's start on the monotonic clock in whole seconds (floor(mono_ms / 1000)); buckets are
 * appended in increasing `sec`, with holes where the feed paused.
 */
export interface ListNode<N> {
  sec: number;
  prev: N | null;
  next: N | null;
}

export class BucketList<N extends ListNode<N>> {
  head: N | null = null;
  tail: N | null = null;
  length = 0;

  append(n: N): void {
    n.prev = this.tail;
    n.next = null;
    if (this.tail === null) this.head = n;
    else this.tail.next = n;
    this.tail = n;
    this.length++;
  }

  /** Removes and returns the head (the oldest bucket). */
  shift(): N | null {
    const n = this.head;
    if (n === null) return null;
    this.head = n.next;
    if (this.head === null) this.tail = null;
    else this.head.prev = null;
    n.next = null;
    this.length--;
    return n;
  }

  clear(): void {
    this.head = null;
    this.tail = null;
    this.length = 0;
  }
}

/** One second of history. `sys` holds a cell per system slot; `proc` a cell per process slot × metric
 *  while the bucket is younger than the fine horizon, then null (its data moved to a CoarseBucket). */
export class SecondBucket implements ListNode<SecondBucket> {
  prev: SecondBucket | null = null;
  next: SecondBucket | null = null;
  constructor(
    public sec: number,
    /** Wall clock (ms since the epoch) at the start of this second: a label only. */
    public wall_ms: number,
    public sys: Float64Array,
    public proc: Float64Array | null,
  ) {}
}

/** Process history older than the fine horizon: `width` seconds starting at `sec` (a multiple of width). */
export class CoarseBucket implements ListNode<CoarseBucket> {
  prev: CoarseBucket | null = null;
  next: CoarseBucket | null = null;
  constructor(
    public sec: number,
    public wall_ms: number,
    public proc: Float64Array,
  ) {}
}

/**
 * Float64Arrays of one size handed back and forth, so that a steady hour allocates nothing: a bucket
 * evicted at the head gives its array to the bucket appended at the tail. Arrays of an outgrown size
 * are dropped.
 */
export class ArrayPool {
  private free: Float64Array[] = [];
  constructor(public size: number, private readonly max = 8) {}

  take(): Float64Array {
    const a = this.free.pop();
    if (a === undefined) return new Float64Array(this.size);
    a.fill(0);
    return a;
  }

  give(a: Float64Array): void {
    if (a.length === this.size && this.free.length < this.max) this.free.push(a);
  }

  resize(size: number): void {
    if (size === this.size) return;
    this.size = size;
    this.free = [];
  }

  clear(): void {
    this.free = [];
  }
}

/** A copy of a at a larger length (the tail bucket grows when a new series appears mid-second). */
export function grown(a: Float64Array, size: number): Float64Array {
  if (a.length >= size) return a;
  const b = new Float64Array(size);
  b.set(a);
  return b;
}
