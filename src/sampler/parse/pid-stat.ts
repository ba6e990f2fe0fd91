import type { Counter } from '../../model/counter';
import { FieldScanner } from '../scan';

/** task->flags bit of kernel threads (include/linux/sched.h). An empty cmdline is not the test: zombies have one too. */
export const PF_KTHREAD = 0x00200000;

export interface PidStat {
  pid: number;
  comm: string;
  state: string;
  ppid: number;
  pgrp: number;
  session: number;
  flags: number;
  minflt: Counter;
  majflt: Counter;
  utime: Counter;
  stime: Counter;
  priority: number;
  nice: number;
  threads: number;
  /** Clock ticks after boot. */
  starttime: number;
  vsize: number;
  /** Resident pages. */
  rss: number;
  /**
   * Where the program's text starts (field 26). A new image after exec has a new one even when its comm
   * stays the same (node → node), so it tells an exec apart; 1 for processes vigil may not inspect.
   */
  startcode: number;
  processor: number;
}

const scan = new FieldScanner();

/**
 * /proc/PID/stat. comm sits between the first '(' and the LAST ')' and may itself hold spaces,
 * parentheses and newlines ("a) R 1 (b"), so the file is never split into lines or words before that.
 * `len` is how many bytes of a reused buffer are valid.
 */
export function parsePidStat(input: Buffer | string, len?: number): PidStat | null {
  const buf = typeof input === 'string' ? Buffer.from(input, 'utf8') : input;
  const end = len ?? buf.length;
  const open = buf.indexOf(0x28);
  if (open < 0 || open >= end) return null;
  const close = buf.lastIndexOf(0x29, end - 1);
  if (close <= open) return null;
  const s = scan.reset(buf, 0, open);
  const pid = s.int();
  if (pid === null || pid <= 0) return null;
  const comm = buf.toString('utf8', open + 1, close);
  s.reset(buf, close + 1, end);
  const state = s.char();
  const ppid = s.int();
  const pgrp = s.int();
  const session = s.int();
  s.skip(2); // tty_nr tpgid
  const flags = s.int();
  const minflt = s.counter();
  s.skip(1); // cminflt
  const majflt = s.counter();
  s.skip(1); // cmajflt
  const utime = s.counter();
  const stime = s.counter();
  s.skip(2); // cutime cstime
  const priority = s.int();
  const nice = s.int();
  const threads = s.int();
  s.skip(1); // itrealvalue
  const starttime = s.int();
  const vsize = s.int();
  const rss = s.int();
  s.skip(1); // rsslim
  const startcode = s.int();
  s.skip(12); // endcode startstack kstkesp kstkeip signal blocked sigignore sigcatch wchan nswap cnswap exit_signal
  const processor = s.int();
  if (
    state === null || ppid === null || pgrp === null || session === null || flags === null ||
    minflt === null || majflt === null || utime === null || stime === null || priority === null ||
    nice === null || threads === null || starttime === null || vsize === null || rss === null
  ) {
    return null;
  }
  return {
    pid, comm, state, ppid, pgrp, session, flags, minflt, majflt, utime, stime, priority, nice, threads,
    starttime, vsize, rss: rss < 0 ? 0 : rss, startcode: startcode ?? 0, processor: processor ?? 0,
  };
}
