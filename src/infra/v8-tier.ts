/**
 * V8's optimising compiler (TurboFan) off for the rest of this process: functions still tier up from the
 * interpreter to Sparkplug's baseline code, which compiles on the main thread in microseconds, but never to
 * optimised code.
 *
 * For `vigil record`, whose JavaScript runs ten times a second for a few hundred µs: its functions became
 * hot one by one over minutes (a function run once a second takes long to reach TurboFan's budget), so
 * TurboFan's background threads compiled (and deoptimised and compiled again) for the whole first
 * minutes, about 0.5 % of a core at +300 processes, a third of record's cost, and the compiler's code
 * and zones added about 6 MB to its resident set. Measured side by side (docs/internals.md,
 * "Resident memory"): the main thread pays about 0.1 % more for baseline code, the process as a whole
 * 0.3-0.4 % less. The TUI and the commands that crunch whole recordings (export, report) keep TurboFan.
 *
 * Set at run time (node's --max-opt=1 on the command line would apply to every command of the bin):
 * Node 20 leaves V8's flags unfrozen for v8.setFlagsFromString, and V8 reads max_opt at each tier-up
 * decision. VIGIL_V8_OPT=1 keeps TurboFan (to compare the two side by side).
 */
import * as v8 from 'v8';

let capped = false;

export function capJitAtBaseline(env: NodeJS.ProcessEnv = process.env): void {
  if (capped || env.VIGIL_V8_OPT === '1') return;
  capped = true;
  v8.setFlagsFromString('--max-opt=1');
}
