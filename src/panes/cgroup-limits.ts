import type { CgroupSnap } from '../model/cgroups';
import * as format from '../render/format';

/**
 * A group's limits in one line: "cpu 0.50 cores · mem 64M (high -) · pids 100". `-` is no limit (`max`,
 * v1's -1 or its page-rounded 2^63), never 2^63. Sources: cpu.max (cfs_quota_us / cfs_period_us),
 * memory.max and memory.high (limit_in_bytes), pids.max.
 */
export function limitsLine(c: CgroupSnap): string {
  const cores = c.cpu_limit_cores === null ? '-' : `${c.cpu_limit_cores.toFixed(2)} cores`;
  return `cpu ${cores} · mem ${c.mem_max_bytes === null ? '-' : format.bytes(c.mem_max_bytes)} (high ${c.mem_high_bytes === null ? '-' : format.bytes(c.mem_high_bytes)}) · pids ${c.pids_max === null ? '-' : String(c.pids_max)}`;
}
