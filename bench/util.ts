import { ChildProcess, execFileSync, spawn } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** N idle processes (sleep), to load /proc like a busy server does; killed by PID by the returned function. */
export async function idleProcesses(n: number): Promise<() => void> {
  const kids: ChildProcess[] = [];
  for (let i = 0; i < n; i++) {
    kids.push(spawn('sleep', ['3600'], { stdio: 'ignore' }));
    if (i % 50 === 49) await sleep(10);
  }
  await sleep(300);
  return () => {
    for (const k of kids) {
      try {
        if (k.pid) process.kill(k.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  };
}

/** Peak RSS (VmHWM) of a process, bytes. */
export function peakRss(pid: number): number | null {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : null;
  } catch {
    return null;
  }
}

/** CPU time (all threads) of a process so far, ms: utime + stime from /proc/PID/stat. */
export function cpuMsOf(pid: number): number {
  const s = fs.readFileSync(`/proc/${pid}/stat`, 'latin1');
  const f = s.slice(s.lastIndexOf(')') + 2).split(' ');
  return ((Number(f[11]) + Number(f[12])) * 1000) / 100;
}

/** Runs a node script (or, with `exe`, a program) and returns its stdout parsed as JSON. */
export function runJson<T>(script: string, args: string[], exe = false): Promise<T> {
  return new Promise((resolve, reject) => {
    const c = exe
      ? spawn(script, args, { stdio: ['ignore', 'pipe', 'inherit'] })
      : spawn(process.execPath, [script, ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    c.stdout.on('data', (d) => (out += d));
    c.on('close', (code) => {
      if (code !== 0) return reject(new Error(`${script} exited ${code}`));
      try {
        resolve(JSON.parse(out) as T);
      } catch (e) {
        reject(e);
      }
    });
  });
}

export function fmt(x: number, digits = 2): string {
  return Number.isFinite(x) ? x.toFixed(digits) : '-';
}

/** bench/c/floor.c (the C reference loop) built into dir, or null (with a line saying why) without a C compiler. */
export function buildFloor(dir: string): string | null {
  const exe = path.join(dir, 'floor');
  try {
    execFileSync('cc', ['-O2', '-o', exe, path.join(__dirname, '..', '..', 'bench', 'c', 'floor.c')], { stdio: ['ignore', 'ignore', 'pipe'] });
    return exe;
  } catch (e) {
    console.log(`(no C floor: cc failed: ${(e as Error).message.split('\n')[0]})`);
    return null;
  }
}
