/**
 * Charts drawn with braille characters: each cell holds a 2×4 grid of dots, so a w×h box shows 2w
 * points at 4h levels. Pure: values in, lines of text out. (blessed-contrib's line chart redraws a whole
 * canvas with axes each frame; at 10 frames a second that cost ~1.8 ms per chart here, this ~0.1 ms.)
 */
const BASE = 0x2800;
// Dot bits of a braille cell by [column][row from the bottom].
const DOTS = [
  [0x40, 0x04, 0x02, 0x01],
  [0x80, 0x20, 0x10, 0x08],
];

/** A Uint16Array holds UTF-16LE only where the host is little-endian (every Linux vigil runs on but s390x). */
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
/** The dot grid and a line's char codes, kept from chart to chart: ten charts a frame, ten frames a second. */
const scratch = { cells: new Uint8Array(0), bytes: Buffer.alloc(0), codes: new Uint16Array(0) };

export interface ChartOptions {
  /** Top of the scale; values above it are clipped. Default: the largest value (at least `minMax`). */
  max?: number;
  /** Smallest automatic top (so that a near-idle rate does not fill the chart with noise). */
  minMax?: number;
  /** Draw downwards from the top (mirrored, like btop's upload graph). */
  down?: boolean;
}

/**
 * A chart's lines as last drawn, kept by the caller from frame to frame: a line whose characters did not
 * change is given back as the same string. Most of a chart stays put between two samples (the newest
 * column moves), and a new string per line per frame was garbage for V8's collector.
 */
export interface ChartMemo {
  width: number;
  codes: Uint16Array;
  lines: string[];
}

export const chartMemo = (): ChartMemo => ({ width: 0, codes: new Uint16Array(0), lines: [] });

/**
 * A filled area chart. `values` are oldest first; the newest lands at the right edge; null leaves a
 * gap (NaN too). Returns `height` strings of `width` characters, and the scale used. With `memo`, a line equal to
 * the one at its place in the memo's last chart is that same string.
 */
export function areaChart(values: ArrayLike<number | null>, width: number, height: number, opts: ChartOptions = {}, memo?: ChartMemo): { lines: string[]; max: number } {
  const w = Math.max(0, Math.floor(width));
  const h = Math.max(0, Math.floor(height));
  let max = opts.max ?? 0;
  if (opts.max === undefined) {
    for (let i = 0; i < values.length; i++) {
      const v = values[i];
      if (v !== null && v > max) max = v;
    }
    max = Math.max(max, opts.minMax ?? 0);
  }
  if (scratch.cells.length < w * h) scratch.cells = new Uint8Array(w * h);
  if (scratch.codes.length < w) {
    scratch.bytes = Buffer.alloc(2 * w);
    scratch.codes = new Uint16Array(scratch.bytes.buffer, scratch.bytes.byteOffset, w);
  }
  const cells = scratch.cells;
  cells.fill(0, 0, w * h);
  const points = w * 2;
  const levels = h * 4;
  const offset = points - values.length; // right-align: the newest value at the right edge
  for (let p = Math.max(0, offset); p < points; p++) {
    const v = values[p - offset];
    if (v === null || v === undefined || v !== v || !(max > 0)) continue;
    // Any value above zero shows at least one dot: a busy-but-small figure is not drawn as nothing.
    const dots = v <= 0 ? 0 : Math.max(1, Math.min(levels, Math.round((v / max) * levels)));
    const col = p >> 1;
    const side = p & 1;
    for (let d = 0; d < dots; d++) {
      const rowFromBottom = Math.floor(d / 4);
      const row = opts.down ? rowFromBottom : h - 1 - rowFromBottom;
      const bit = opts.down ? DOTS[side][3 - (d % 4)] : DOTS[side][d % 4];
      cells[row * w + col] |= bit;
    }
  }
  // Each line made at once from its char codes (UTF-16 in a buffer, decoded in one call): a string
  // grown cell by cell leaves a chain of intermediate strings behind, and fromCharCode.apply copies the
  // codes into an argument list first, ten times a second for every chart.
  const lines: string[] = [];
  const codes = scratch.codes;
  if (memo !== undefined && (memo.width !== w || memo.codes.length !== w * h)) {
    memo.width = w;
    memo.codes = new Uint16Array(w * h);
    memo.lines = [];
  }
  for (let r = 0; r < h; r++) {
    let same = memo !== undefined && memo.lines[r] !== undefined;
    for (let c = 0; c < w; c++) {
      const b = cells[r * w + c];
      const code = b === 0 ? 0x20 : BASE + b;
      codes[c] = code;
      if (same && memo!.codes[r * w + c] !== code) same = false;
    }
    if (same) {
      lines.push(memo!.lines[r]);
      continue;
    }
    const line = LITTLE_ENDIAN ? scratch.bytes.toString('utf16le', 0, 2 * w) : String.fromCharCode.apply(null, codes.subarray(0, w) as unknown as number[]);
    lines.push(line);
    if (memo !== undefined) {
      memo.codes.set(codes.subarray(0, w), r * w);
      memo.lines[r] = line;
    }
  }
  return { lines, max };
}

/** A horizontal bar of `width` cells filled to `fraction` (0..1) with eighth blocks. */
export function bar(fraction: number | null, width: number): string {
  const w = Math.max(0, Math.floor(width));
  if (fraction === null || !Number.isFinite(fraction)) return ' '.repeat(w);
  const eighths = Math.round(Math.max(0, Math.min(1, fraction)) * w * 8);
  const full = Math.floor(eighths / 8);
  const part = eighths % 8;
  const partial = part > 0 ? String.fromCharCode(0x2590 - part) : '';
  return ('█'.repeat(full) + partial).padEnd(w, ' ');
}
