/**
 * The exporter's own process, as Go's process collector (client_golang, which node_exporter uses) reports
 * itself: CPU time, memory, fds, limits, start time. Bounded and cheap: one read of /proc/self/stat
 * (under 1 KiB) and one stat of /proc/self/fd per scrape (fdcount.ts; a listing on kernels before 6.2);
 * /proc/self/limits and the start time are read once, at start (a limit raised later by setrlimit is not
 * seen: vigil never calls it).
 */
import * as fs from 'fs';
import type { HostInfo } from '../model';
import type { ScrapeSources, SelfStats, SelfStatsReader } from '../model/exporter';
import { counterToNumber } from '../model/counter';
import { countFds, probeFdCountBySize } from './fdcount';
import { parseLimits } from './parse/limits';
import { parsePidStat } from './parse/pid-stat';
import { timexReader } from './timex';

export type { SelfStats };

export class SelfReader implements SelfStatsReader {
  private readonly maxFds: number | null = null;
  private readonly virtualMax: number | null = null;
  private readonly start: number | null = null;
  private readonly fdsBySize: boolean;

  constructor(private readonly host: HostInfo, private readonly procRoot = '/proc') {
    this.fdsBySize = probeFdCountBySize(procRoot);
    try {
      const l = parseLimits(fs.readFileSync(`${procRoot}/self/limits`));
      this.maxFds = l.openFiles;
      this.virtualMax = l.addressSpace;
    } catch {
      // Unreadable limits: those two series are left out.
    }
    const st = this.stat();
    // starttime is in ticks after boot; boot time from /proc/stat's btime (whole seconds, as Go reads it).
    if (st !== null && host.boot_time_s !== null) this.start = host.boot_time_s + st.starttime / host.clk_tck;
  }

  private stat(): ReturnType<typeof parsePidStat> {
    try {
      return parsePidStat(fs.readFileSync(`${this.procRoot}/self/stat`));
    } catch {
      return null;
    }
  }

  read(): SelfStats {
    const st = this.stat();
    let openFds: number | null = null;
    try {
      // A listing counts the fd it holds open, as Go's process collector's does (node_exporter's
      // process_open_fds): the size, which does not, gets that one added, so the figure is the same.
      openFds = countFds(`${this.procRoot}/self/fd`, this.fdsBySize) + (this.fdsBySize ? 1 : 0);
    } catch {
      // No /proc/self/fd (a hardened /proc): left out.
    }
    return {
      cpuSeconds: st === null ? null : (counterToNumber(st.utime) + counterToNumber(st.stime)) / this.host.clk_tck,
      residentBytes: st === null ? null : st.rss * this.host.page_size,
      virtualBytes: st === null ? null : st.vsize,
      openFds,
      maxFds: this.maxFds,
      virtualMaxBytes: this.virtualMax,
      startTimeSeconds: this.start,
    };
  }
}

/** The scrape-time readers of an exporter running in this process (vigil serve, record --listen). */
export function scrapeSources(host: HostInfo): ScrapeSources {
  return { timex: timexReader(), self: new SelfReader(host) };
}
