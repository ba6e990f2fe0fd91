/**
 * Start-up of the live TUI: the time from spawning `vigil` in a 120x40 pseudo-terminal to the first frame
 * (every pane's border and the footer on the screen of a headless xterm) and to the first frame with
 * figures (the process table's counts). Median of BENCH_STARTUP_RUNS runs (default 5), run one after the
 * other. Target: the first frame well under half a second; the figures one sample interval after.
 */
import * as path from 'path';
import { Terminal } from '@xterm/headless';
import * as pty from 'node-pty';
import { median } from './util';

const RUNS = Number(process.env.BENCH_STARTUP_RUNS ?? 5);
const CLI = process.env.BENCH_STARTUP_CLI ?? path.join(__dirname, '..', 'src', 'cli.js');

function once(): Promise<{ frame: number; data: number }> {
  return new Promise((resolve, reject) => {
    const term = new Terminal({ cols: 120, rows: 40, allowProposedApi: true });
    const t0 = process.hrtime.bigint();
    const p = pty.spawn(process.execPath, [CLI], { name: 'xterm-256color', cols: 120, rows: 40, env: { ...process.env, TERM: 'xterm-256color' } as { [k: string]: string } });
    let frame: number | null = null;
    let data: number | null = null;
    const timer = setTimeout(() => {
      p.kill('SIGKILL');
      reject(new Error('no frame within 20 s'));
    }, 20_000);
    p.onData((d) =>
      term.write(d, () => {
        if (frame !== null && data !== null) return;
        const b = term.buffer.active;
        let s = '';
        for (let i = 0; i < term.rows; i++) s += `${b.getLine(i)?.translateToString(true) ?? ''}\n`;
        const ms = Number(process.hrtime.bigint() - t0) / 1e6;
        if (frame === null && /─ cpu/.test(s) && /─ processes/.test(s) && /quit/.test(s)) frame = ms;
        if (data === null && /processes \d+\/\d+/.test(s)) data = ms;
        if (frame !== null && data !== null) {
          clearTimeout(timer);
          p.kill('SIGKILL');
          resolve({ frame, data });
        }
      }),
    );
  });
}

/** `runs` start-ups one after the other: ms to the first frame and to the first figures, each run. */
export async function startupRuns(runs = RUNS): Promise<{ frame: number; data: number }[]> {
  const out: { frame: number; data: number }[] = [];
  for (let i = 0; i < runs; i++) out.push(await once());
  return out;
}

export async function benchStartup(): Promise<void> {
  const runs = await startupRuns();
  const f = (xs: number[]): string => `${Math.round(median(xs))} ms (${xs.map(Math.round).join(', ')})`;
  console.log(`startup: first frame ${f(runs.map((r) => r.frame))}; first figures ${f(runs.map((r) => r.data))}; median of ${RUNS}`);
}
