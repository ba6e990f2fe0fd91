import { Terminal } from '@xterm/headless';
import * as pty from 'node-pty';
import { CLI } from './cli';

/**
 * The built `vigil` in a real pseudo-terminal (node-pty) drawn by a real terminal emulator
 * (@xterm/headless): what a user would see, as text.
 */
export class Tui {
  readonly term: Terminal;
  readonly proc: pty.IPty;
  private exited: Promise<{ exitCode: number; signal?: number }>;
  raw = '';

  /** `opts.spawn`: run this program instead of vigil (a shell, to start vigil from it). */
  constructor(args: string[], opts: { cols?: number; rows?: number; env?: NodeJS.ProcessEnv; spawn?: { file: string; args: string[] } } = {}) {
    const cols = opts.cols ?? 200;
    const rows = opts.rows ?? 50;
    this.term = new Terminal({ cols, rows, allowProposedApi: true, scrollback: 0 });
    this.proc = pty.spawn(opts.spawn?.file ?? process.execPath, opts.spawn?.args ?? [CLI, ...args], {
      name: opts.env?.TERM ?? 'xterm-256color',
      cols,
      rows,
      cwd: process.cwd(),
      // A UTF-8 locale unless the test says otherwise (vigil draws in ASCII under LANG=C, as htop does).
      env: { ...process.env, LC_ALL: '', LC_CTYPE: '', LANG: 'C.UTF-8', TERM: 'xterm-256color', NCURSES_NO_UTF8_ACS: '1', ...opts.env } as { [k: string]: string },
    });
    this.proc.onData((d) => {
      this.raw += d;
      this.term.write(d);
    });
    this.exited = new Promise((resolve) => this.proc.onExit(resolve));
  }

  /** The screen as lines of text. */
  text(): string {
    const b = this.term.buffer.active;
    const out: string[] = [];
    for (let i = 0; i < this.term.rows; i++) out.push(b.getLine(i)?.translateToString(true) ?? '');
    return out.join('\n');
  }

  get alternate(): boolean {
    return this.term.buffer.active.type === 'alternate';
  }

  /** Waits until the screen matches (flushing the emulator's write queue first). */
  async waitFor(re: RegExp | ((screen: string) => boolean), timeoutMs = 15000): Promise<string> {
    const end = Date.now() + timeoutMs;
    for (;;) {
      await new Promise<void>((r) => this.term.write('', r));
      const s = this.text();
      if (typeof re === 'function' ? re(s) : re.test(s)) return s;
      if (Date.now() > end) throw new Error(`timed out waiting for ${re}; screen:\n${s}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  keys(s: string): void {
    this.proc.write(s);
  }

  resize(cols: number, rows: number): void {
    this.proc.resize(cols, rows);
    this.term.resize(cols, rows);
  }

  exit(timeoutMs = 10000): Promise<{ exitCode: number; signal?: number }> {
    return Promise.race([
      this.exited,
      new Promise<never>((_, rej) => setTimeout(() => rej(new Error('vigil did not exit')), timeoutMs)),
    ]);
  }

  kill(): void {
    try {
      this.proc.kill('SIGKILL');
    } catch {
      // gone
    }
  }
}
