import * as fs from 'fs';
import * as os from 'os';
import type { HostInfo } from '../model';
import { parseAuxv } from './parse/auxv';
import { parseStat } from './parse/stat';

/**
 * What does not change while vigil runs. USER_HZ and the page size come from the auxiliary vector the
 * kernel gave this process (exact, no guessing from the architecture); 100 and 4096 only if it is unreadable.
 */
export function readHostInfo(procRoot = '/proc'): HostInfo {
  let clkTck: number | null = null;
  let pageSize: number | null = null;
  try {
    const aux = parseAuxv(fs.readFileSync('/proc/self/auxv'));
    clkTck = aux.clkTck;
    pageSize = aux.pageSize;
  } catch {
    // Unreadable auxv (hardened kernels): fall through to the defaults.
  }
  let btime: number | null = null;
  let ncpu = os.cpus().length;
  try {
    const st = parseStat(fs.readFileSync(`${procRoot}/stat`));
    btime = st.btime;
    ncpu = Math.max(st.cores.length, 1);
  } catch {
    // A fixture root without stat: keep os.cpus().
  }
  return {
    hostname: os.hostname(),
    kernel: os.release(),
    clk_tck: clkTck && clkTck > 0 ? clkTck : 100,
    page_size: pageSize && pageSize > 0 ? pageSize : 4096,
    ncpu,
    boot_time_s: btime,
  };
}
