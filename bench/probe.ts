/**
 * Loaded into a measured vigil with `node -r dist/bench/probe.js`; nothing in vigil itself knows of it.
 * - VIGIL_GC_PROBE=FILE: sums the time V8 spends in garbage collection (perf_hooks 'gc' entries, every
 *   kind, main thread) and, on SIGUSR2, writes the totals so far to FILE. The bench signals at the start
 *   and the end of its window and takes the difference, so start-up's collections do not count.
 * - VIGIL_ALLOC_PROBE=FILE: samples every allocation (V8's sampling heap profiler, objects that were
 *   collected again included, so it shows the allocation rate and not what stays) from
 *   VIGIL_ALLOC_PROBE_AFTER_MS (default 8000) for VIGIL_ALLOC_PROBE_MS (default 20000), then writes the
 *   .heapprofile to FILE. bench/profile-summary.ts reads it.
 */
import * as fs from 'fs';
import * as inspector from 'inspector';
import { PerformanceObserver, performance } from 'perf_hooks';
import { isMainThread } from 'worker_threads';

// Preloads run in worker threads too (the ring writer's): only the main thread is measured.
const gcFile = isMainThread ? process.env.VIGIL_GC_PROBE : undefined;
if (gcFile) {
  let ms = 0;
  let count = 0;
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      ms += e.duration;
      count++;
    }
  }).observe({ entryTypes: ['gc'] });
  process.on('SIGUSR2', () => {
    fs.writeFileSync(gcFile, JSON.stringify({ ms, count, t: performance.now(), heapUsed: process.memoryUsage().heapUsed }));
  });
}

const allocFile = isMainThread ? process.env.VIGIL_ALLOC_PROBE : undefined;
if (allocFile) {
  const session = new inspector.Session();
  session.connect();
  const after = Number(process.env.VIGIL_ALLOC_PROBE_AFTER_MS ?? 8000);
  const during = Number(process.env.VIGIL_ALLOC_PROBE_MS ?? 20000);
  setTimeout(() => {
    const params = { samplingInterval: 4096, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true };
    session.post('HeapProfiler.startSampling', params, () => {
      setTimeout(() => {
        session.post('HeapProfiler.stopSampling', (err, r) => {
          if (!err) fs.writeFileSync(allocFile, JSON.stringify({ ...r.profile, durationMs: during }));
        });
      }, during).unref();
    });
  }, after).unref();
}
