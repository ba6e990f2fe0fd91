/**
 * The kernel's clock discipline (adjtimex(2)), read through the native addon with modes = 0: a read that
 * can never change the clock. Node has no binding for the syscall, so without the addon (not built, or
 * built before it had timexRead) there is no reading at all: callers get null and export nothing.
 */
import { loadNative } from './native/load';

/** adjtimex's fields in kernel units, as in struct timex (see adjtimex(2)). */
export interface TimexRaw {
  /** The call's return: the clock state, TIME_OK (0) .. TIME_ERROR (5). */
  state: number;
  offset: number; freq: number; maxerror: number; esterror: number; status: number; constant: number;
  precision: number; tolerance: number; tick: number; ppsfreq: number; jitter: number; shift: number;
  stabil: number; jitcnt: number; calcnt: number; errcnt: number; stbcnt: number; tai: number;
}

/** The order of native/sampler/timex.h's TX_* slots after TX_STATE. */
const FIELDS = [
  'offset', 'freq', 'maxerror', 'esterror', 'status', 'constant', 'precision', 'tolerance', 'tick',
  'ppsfreq', 'jitter', 'shift', 'stabil', 'jitcnt', 'calcnt', 'errcnt', 'stbcnt', 'tai',
] as const;

export interface TimexReader {
  /** The current state, or null when the call failed (EPERM under a seccomp filter, ...). */
  read(): TimexRaw | null;
}

/** A reader, or null when this vigil cannot make the call (no native addon, or one without timexRead). */
export function timexReader(): TimexReader | null {
  const { addon } = loadNative();
  const call = addon?.timexRead?.bind(addon);
  if (call === undefined) return null;
  const buf = new Float64Array(FIELDS.length + 1);
  return {
    read() {
      const state = call(buf);
      if (state < 0) return null;
      const out = { state } as TimexRaw;
      for (let i = 0; i < FIELDS.length; i++) out[FIELDS[i]] = buf[i + 1];
      return out;
    },
  };
}
