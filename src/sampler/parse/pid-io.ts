import { Counter, parseCounter } from '../../model/counter';
import { valueAfterKey } from './text';

export interface PidIo {
  /** Bytes passed to read()/write() and friends, cache hits included. */
  rchar: Counter | null;
  wchar: Counter | null;
  /** Bytes the process caused to be fetched from or sent to the storage layer. */
  read_bytes: Counter | null;
  write_bytes: Counter | null;
  cancelled_write_bytes: Counter | null;
}

/** /proc/PID/io: "rchar: 123\nwchar: ...". */
export function parsePidIo(input: Buffer | string, len?: number): PidIo {
  const text = typeof input === 'string' ? input : input.toString('latin1', 0, len ?? input.length);
  const get = (k: string): Counter | null => {
    const v = valueAfterKey(text, k);
    return v === null ? null : parseCounter(v);
  };
  return {
    rchar: get('rchar:'),
    wchar: get('wchar:'),
    read_bytes: get('read_bytes:'),
    write_bytes: get('write_bytes:'),
    cancelled_write_bytes: get('cancelled_write_bytes:'),
  };
}
