/**
 * `node dist/bench/rss-map.js PID`: where a process's resident memory is, in kB. File pages of its own
 * executable are split by ELF section (readelf) and by the ranges of nm's symbols for V8's embedded builtins
 * and node's embedded ICU data, from the present bit of /proc/PID/pagemap (readable without privilege);
 * everything else by mapping from /proc/PID/smaps. Needs binutils (nm, readelf); as root or the same user.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';

type Range = [name: string, start: number, end: number];

/** The executable's address ranges: embedded ICU data, V8 builtins, then ELF sections (non-PIE or not). */
function exeRanges(exe: string): Range[] {
  const out: Range[] = [];
  let bmin = Infinity;
  let bmax = 0;
  for (const l of execFileSync('nm', ['-S', exe], { maxBuffer: 1 << 30 }).toString().split('\n')) {
    const [addr, size, , name] = l.split(' ');
    if (name === undefined) continue;
    const a = parseInt(addr, 16);
    const e = a + parseInt(size, 16);
    if (/^icudt\d+_dat$/.test(name)) out.push(['ICU data (icudt)', a, e]);
    if (name.startsWith('Builtins_')) {
      bmin = Math.min(bmin, a);
      bmax = Math.max(bmax, e);
    }
  }
  if (bmax > 0) out.push(['V8 embedded builtins', bmin, bmax]);
  for (const l of execFileSync('readelf', ['-S', '-W', exe]).toString().split('\n')) {
    const m = /\]\s+(\S+)\s+\S+\s+([0-9a-f]{16})\s+[0-9a-f]+\s+([0-9a-f]+)/.exec(l);
    if (m && parseInt(m[2], 16) > 0) out.push([m[1], parseInt(m[2], 16), parseInt(m[2], 16) + parseInt(m[3], 16)]);
  }
  return out;
}

interface Mapping {
  start: number;
  end: number;
  perms: string;
  name: string;
  rss: number;
}

export function rssMap(pid: number): Map<string, number> {
  const exe = fs.readlinkSync(`/proc/${pid}/exe`);
  const maps: Mapping[] = [];
  for (const l of fs.readFileSync(`/proc/${pid}/smaps`, 'utf8').split('\n')) {
    const h = /^([0-9a-f]+)-([0-9a-f]+) (\S+) \S+ \S+ \d+\s*(.*)$/.exec(l);
    if (h) maps.push({ start: parseInt(h[1], 16), end: parseInt(h[2], 16), perms: h[3], name: h[4], rss: 0 });
    const r = /^Rss:\s+(\d+)/.exec(l);
    if (r && maps.length > 0) maps[maps.length - 1].rss = Number(r[1]);
  }
  // A PIE executable is mapped at a load bias: the lowest mapping of the file is its address 0 (or 0x400000).
  const own = maps.filter((m) => m.name === exe);
  const ranges = exeRanges(exe);
  const lowest = Math.min(...ranges.map((r) => r[1]));
  const bias = own.length > 0 && own[0].start > lowest + (1 << 30) ? own[0].start - (lowest & ~0xfff) : 0;
  const out = new Map<string, number>();
  const add = (k: string, kb: number): void => void out.set(k, (out.get(k) ?? 0) + kb);
  const pm = fs.openSync(`/proc/${pid}/pagemap`, 'r');
  try {
    for (const m of maps) {
      if (m.rss === 0) continue;
      if (m.name !== exe) {
        const k = m.name.endsWith('.node') ? `addon ${m.name.split('/').pop()}` : /\.so/.test(m.name) ? 'shared libraries' : m.name === '' ? `anonymous ${m.perms}` : m.name;
        add(k, m.rss);
        continue;
      }
      const n = (m.end - m.start) / 4096;
      const buf = Buffer.alloc(n * 8);
      fs.readSync(pm, buf, 0, n * 8, (m.start / 4096) * 8);
      for (let i = 0; i < n; i++) {
        if ((buf.readBigUInt64LE(i * 8) >> 63n) === 0n) continue; // bit 63: present
        const a = m.start + i * 4096 - bias;
        const r = ranges.find(([, s, e]) => a >= s && a < e);
        add(`executable: ${r ? r[0] : '(between sections)'}${m.perms.includes('w') ? ' (rw)' : ''}`, 4);
      }
    }
  } finally {
    fs.closeSync(pm);
  }
  const st = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  for (const f of ['VmHWM', 'VmRSS', 'RssAnon', 'RssFile']) add(`(status ${f})`, Number(new RegExp(`${f}:\\s+(\\d+)`).exec(st)?.[1] ?? NaN));
  return out;
}

if (require.main === module) {
  const pid = Number(process.argv[2]);
  if (!Number.isInteger(pid) || pid <= 0) {
    console.error('usage: node dist/bench/rss-map.js PID');
    process.exit(2);
  }
  const m = rssMap(pid);
  const w = Math.max(...[...m.keys()].map((k) => k.length));
  for (const [k, v] of [...m].sort((a, b) => b[1] - a[1])) console.log(`${k.padEnd(w)} ${String(v).padStart(8)} kB`);
}
