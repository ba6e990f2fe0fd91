/**
 * The kernel's clock discipline (adjtimex(2)), read through the native addon with modes = 0: a read that
 * can never change the clock. Node has no binding for the syscall, so without the addon (not built, or
 * built before it had timexRead) there is no reading at all: callers get null and export nothing.
 */
import type { TimexRaw, TimexReader } from '../model/exporter';
import { loadNative, NativeAddon } from './native/load';

export type { TimexRaw, TimexReader };

/** The order of native/sampler/timex.h's TX_* slots after TX_STATE. */
const FIELDS = [
  'offset', 'freq', 'maxerror', 'esterror', 'status', 'constant', 'precision', 'tolerance', 'tick',
  'ppsfreq', 'jitter', 'shift', 'stabil', 'jitcnt', 'calcnt', 'errcnt', 'stbcnt', 'tai',
] as const;

/**
 * A reader, or null when this vigil cannot make the call (no native addon, or one built before it had
 * timexRead). `addon` is the loaded addon (tests hand in others).
 */
export function timexReader(addon: Pick<NativeAddon, 'timexRead'> | null = loadNative().addon): TimexReader | null {
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
