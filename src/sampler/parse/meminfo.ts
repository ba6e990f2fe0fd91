import type { MemSample } from '../../model';
import { asText, ProcText, valueAfterKey } from './text';

/** /proc/meminfo: every value we keep is in kB (KiB) in the file and in bytes here. */
export function parseMeminfo(input: ProcText): MemSample {
  const text = asText(input);
  const kb = (key: string): number | null => {
    const v = valueAfterKey(text, key + ':');
    if (v === null) return null;
    const n = Number(v);
    return Number.isSafeInteger(n) && n >= 0 ? n * 1024 : null;
  };
  return {
    total: kb('MemTotal'),
    free: kb('MemFree'),
    available: kb('MemAvailable'),
    buffers: kb('Buffers'),
    cached: kb('Cached'),
    swap_cached: kb('SwapCached'),
    swap_total: kb('SwapTotal'),
    swap_free: kb('SwapFree'),
    shmem: kb('Shmem'),
    sreclaimable: kb('SReclaimable'),
    dirty: kb('Dirty'),
    writeback: kb('Writeback'),
  };
}
