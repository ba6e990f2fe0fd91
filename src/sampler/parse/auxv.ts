import { endianness } from 'os';

/** Values the kernel hands every process in its auxiliary vector (/proc/self/auxv). */
export interface Auxv {
  pageSize: number | null;
  clkTck: number | null;
}

const AT_NULL = 0n;
const AT_PAGESZ = 6n;
const AT_CLKTCK = 17n;

/** /proc/self/auxv on a 64-bit little- or big-endian machine: pairs of native u64 (type, value). */
export function parseAuxv(buf: Buffer, len?: number): Auxv {
  const out: Auxv = { pageSize: null, clkTck: null };
  const end = (len ?? buf.length) - 15;
  const le = endianness() === 'LE';
  for (let i = 0; i < end; i += 16) {
    const type = le ? buf.readBigUInt64LE(i) : buf.readBigUInt64BE(i);
    const val = Number(le ? buf.readBigUInt64LE(i + 8) : buf.readBigUInt64BE(i + 8));
    if (type === AT_NULL) break;
    if (type === AT_PAGESZ) out.pageSize = val;
    if (type === AT_CLKTCK) out.clkTck = val;
  }
  return out;
}
