/**
 * Series on one time axis, each encoded as it is filled (constant memory per point: a 24-hour recording
 * never sits in arrays of numbers). A series is created by its first value and starts at that sample;
 * a sample that gives it no value leaves a null there. Series that never had a value do not exist.
 */
import { SeriesEncoder } from './encode';

/** Where a series' bytes sit in the report's binary block, and how to read them (see encode.ts). */
export interface SeriesRef {
  /** Byte offset and length in the block. */
  o: number;
  n: number;
  /** Values, and the scale they were quantised with. */
  c: number;
  s: number;
  /** Index on its time axis of the first value. */
  at: number;
}

/** The binary block being assembled: every series' bytes, one after another. */
export class Block {
  private parts: Uint8Array[] = [];
  private size = 0;

  add(enc: SeriesEncoder, at = 0): SeriesRef {
    const bytes = enc.bytes();
    const ref = { o: this.size, n: bytes.length, c: enc.count, s: enc.scale, at };
    this.parts.push(bytes.slice());
    this.size += bytes.length;
    return ref;
  }

  bytes(): Buffer {
    return Buffer.concat(this.parts, this.size);
  }
}

export class SeriesSet {
  private readonly map = new Map<string, { enc: SeriesEncoder; at: number }>();
  private readonly times = new SeriesEncoder(1);
  /** Samples so far; the current one is n - 1. */
  n = 0;

  /** Starts a sample at wall time t (ms). */
  next(t: number): void {
    this.times.push(t);
    this.n++;
  }

  /** The current sample's value of series `id` (quantised with `scale` when the series is new). */
  put(id: string, v: number | null, scale: number): void {
    if (v === null || !Number.isFinite(v)) return;
    let s = this.map.get(id);
    if (s === undefined) {
      s = { enc: new SeriesEncoder(scale), at: this.n - 1 };
      this.map.set(id, s);
    }
    s.enc.pad(this.n - 1 - s.at - s.enc.count);
    s.enc.push(v);
  }

  has(id: string): boolean {
    return this.map.has(id);
  }

  ids(): string[] {
    return [...this.map.keys()];
  }

  /** Pads every series to the end and writes the axis and the series into the block. */
  write(block: Block): { t: SeriesRef; series: Record<string, SeriesRef> } {
    const series: Record<string, SeriesRef> = {};
    for (const [id, s] of this.map) {
      s.enc.pad(this.n - s.at - s.enc.count);
      series[id] = block.add(s.enc, s.at);
    }
    return { t: block.add(this.times), series };
  }
}
