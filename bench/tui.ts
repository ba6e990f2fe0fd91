/**
 * The live TUI against btop and htop: each runs in a 200x50 pseudo-terminal (whose output is read and
 * dropped) for DURATION at +0, +300 and +1000 idle processes, and the CPU % of one core of its whole
 * process (all threads: utime + stime from /proc/PID/stat) is measured over that time, after a warm-up.
 *   vigil --proc-interval 100   vs   btop update_ms = 100   vs   htop -d 1   (a full refresh every 100 ms)
 *   vigil with its defaults (100 ms system, 1 s processes)
 * and, for vigil, the milliseconds per minute its main thread spent collecting garbage (bench/probe.ts).
 * btop and htop come from Debian's packages; a missing one is installed with apt-get when possible,
 * otherwise left out with a note.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as pty from 'node-pty';
import { cpuMsOf, fmt, idleProcesses, median, sleep } from './util';

const DURATION_MS = Number(process.env.BENCH_TUI_MS ?? 20_000);
// As long as the sampler bench's: V8 takes tens of seconds to compile what runs ten times a second.
const WARMUP_MS = Number(process.env.BENCH_TUI_WARMUP_MS ?? 20_000);
const RUNS = Number(process.env.BENCH_TUI_RUNS ?? 1);
const CLI = path.join(__dirname, '..', 'src', 'cli.js');
const PROBE = path.join(__dirname, 'probe.js');

export function have(cmd: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;
}

export function ensure(pkg: string): boolean {
  if (have(pkg)) return true;
  if (process.getuid?.() !== 0) return false;
  const r = spawnSync('apt-get', ['install', '-y', '-qq', pkg], { stdio: 'ignore', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  return r.status === 0 && have(pkg);
}

/** btop reads its settings from $XDG_CONFIG_HOME/btop/btop.conf: a 100 ms update, nothing else changed. */
export function btopHome(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-bench-btop-'));
  fs.mkdirSync(path.join(dir, 'btop'));
  fs.writeFileSync(path.join(dir, 'btop', 'btop.conf'), 'update_ms = 100\n');
  return dir;
}

/** SIGUSR2 to a child running bench/probe.ts: its GC totals so far. */
async function gcSoFar(pid: number, file: string): Promise<{ ms: number; t: number } | null> {
  fs.rmSync(file, { force: true });
  try {
    process.kill(pid, 'SIGUSR2');
  } catch {
    return null;
  }
  for (let i = 0; i < 50 && !fs.existsSync(file); i++) await sleep(20);
  await sleep(20);
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as { ms: number; t: number };
  } catch {
    return null;
  }
}

/**
 * CPU % of one core of a command in a 200x50 pty, measured after a warm-up; for vigil (`gc`), also the
 * time its main thread spent in garbage collection over the same window, ms per minute.
 */
async function measure(cmd: string, args: string[], env: NodeJS.ProcessEnv = {}, gc = false): Promise<{ cpu: number; gc: number }> {
  const probe = path.join(os.tmpdir(), `vigil-bench-gc-${process.pid}.json`);
  const p = pty.spawn(cmd, gc ? ['-r', PROBE, ...args] : args, {
    name: 'xterm-256color',
    cols: 200,
    rows: 50,
    env: { ...process.env, TERM: 'xterm-256color', ...(gc ? { VIGIL_GC_PROBE: probe } : {}), ...env } as { [k: string]: string },
  });
  p.onData(() => undefined); // read and drop: a terminal that keeps up
  await sleep(WARMUP_MS);
  const g0 = gc ? await gcSoFar(p.pid, probe) : null;
  const c0 = cpuMsOf(p.pid);
  const t0 = Date.now();
  await sleep(DURATION_MS);
  const cpu = (100 * (cpuMsOf(p.pid) - c0)) / (Date.now() - t0);
  const g1 = gc ? await gcSoFar(p.pid, probe) : null;
  p.kill('SIGKILL');
  fs.rmSync(probe, { force: true });
  return { cpu, gc: g0 && g1 ? ((g1.ms - g0.ms) * 60_000) / (g1.t - g0.t) : NaN };
}

export async function benchTui(): Promise<void> {
  const btop = ensure('btop');
  const htop = ensure('htop');
  const home = btopHome();
  console.log(`\n== TUI: CPU % of one core in a 200x50 pty (${DURATION_MS / 1000} s after ${WARMUP_MS / 1000} s warm-up, median of ${RUNS})`);
  console.log('load    vigil(100ms)  btop(100ms)  ratio  htop(-d1)  vigil(defaults)   gc ms/min: vigil(100ms) vigil(defaults)');
  for (const extra of [0, 300, 1000]) {
    const kill = await idleProcesses(extra);
    try {
      const runs = async (f: () => Promise<{ cpu: number; gc: number }>): Promise<{ cpu: number; gc: number }> => {
        const xs: { cpu: number; gc: number }[] = [];
        for (let i = 0; i < RUNS; i++) xs.push(await f());
        return { cpu: median(xs.map((x) => x.cpu)), gc: median(xs.map((x) => x.gc)) };
      };
      const full = await runs(() => measure(process.execPath, [CLI, '--proc-interval', '100'], {}, true));
      const b = btop ? (await runs(() => measure('btop', [], { XDG_CONFIG_HOME: home, HOME: home }))).cpu : NaN;
      const h = htop ? (await runs(() => measure('htop', ['-d', '1']))).cpu : NaN;
      const def = await runs(() => measure(process.execPath, [CLI], {}, true));
      console.log(
        `+${String(extra).padEnd(6)} ${fmt(full.cpu).padStart(12)}  ${fmt(b).padStart(11)}  ${fmt(full.cpu / b).padStart(5)}  ${fmt(h).padStart(9)}  ${fmt(def.cpu).padStart(15)}   ${fmt(full.gc, 0).padStart(22)} ${fmt(def.gc, 0).padStart(15)}`,
      );
    } finally {
      kill();
    }
  }
  if (!btop || !htop) console.log(`(not installed: ${[btop ? '' : 'btop', htop ? '' : 'htop'].filter(Boolean).join(', ')})`);
  console.log('targets: vigil(100ms) ≤ btop(100ms) at every load; vigil(defaults) ≤ 2% at +300');
  fs.rmSync(home, { recursive: true, force: true });
}

if (require.main === module) benchTui().catch((e) => { console.error(e); process.exit(1); });
