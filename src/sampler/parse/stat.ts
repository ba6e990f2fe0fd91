import { Counter, parseCounter } from '../../model/counter';
import type { CpuTimes, StatSample } from '../../model';
import { asText, ProcText, words } from './text';

/**
 * /proc/stat. CPU lines carry 4 to 10 columns depending on the kernel (user nice system idle
 * [iowait irq softirq [steal [guest [guest_nice]]]]); a column the kernel does not print is null, not 0.
 * Offline cores are missing from the file, so cores are indexed by the number in `cpuN`, not by line.
 */
export function parseStat(input: ProcText): StatSample {
  const text = asText(input);
  const out: StatSample = {
    total: null,
    cores: [],
    ctxt: null,
    processes: null,
    procs_running: null,
    procs_blocked: null,
    btime: null,
  };
  let pos = 0;
  while (pos < text.length) {
    let eol = text.indexOf('\n', pos);
    if (eol < 0) eol = text.length;
    const c0 = text.charCodeAt(pos);
    // The intr and softirq lines can be kilobytes long; only look at lines vigil reads.
    if (c0 === 99 /* c */ || c0 === 98 /* b */ || c0 === 112 /* p */) {
      const line = text.slice(pos, eol);
      if (line.startsWith('cpu')) {
        const f = words(line);
        const times = cpuTimes(f);
        if (times) {
          if (f[0] === 'cpu') out.total = times;
          else {
            const n = parseCounter(f[0].slice(3));
            if (typeof n === 'number' && n >= 0 && n < 65536) {
              while (out.cores.length < n) out.cores.push(null);
              out.cores[n] = times;
            }
          }
        }
      } else {
        const f = words(line);
        if (f.length >= 2) {
          const v = parseCounter(f[1]);
          if (v !== null) {
            if (f[0] === 'ctxt') out.ctxt = v;
            else if (f[0] === 'processes') out.processes = v;
            else if (f[0] === 'procs_running') out.procs_running = Number(v);
            else if (f[0] === 'procs_blocked') out.procs_blocked = Number(v);
            else if (f[0] === 'btime') out.btime = Number(v);
          }
        }
      }
    }
    pos = eol + 1;
  }
  return out;
}

function cpuTimes(f: string[]): CpuTimes | null {
  if (f.length < 5) return null;
  const v: Counter[] = [];
  for (let i = 1; i < f.length && i <= 10; i++) {
    const c = parseCounter(f[i]);
    if (c === null || (typeof c === 'number' ? c < 0 : c < 0n)) return null;
    v.push(c);
  }
  const at = (i: number): Counter | null => (i < v.length ? v[i] : null);
  return {
    user: v[0],
    nice: v[1],
    system: v[2],
    idle: v[3],
    iowait: at(4),
    irq: at(5),
    softirq: at(6),
    steal: at(7),
    guest: at(8),
    guest_nice: at(9),
  };
}
