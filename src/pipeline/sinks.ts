/**
 * The sinks the headless commands put at the end of a pipeline: the recording, /metrics and JSON lines.
 * (The screen is the TUI's own sink; see ui/app.ts.)
 */
import { alertActiveFamily } from '../export/prometheus/alert-family';
import type { MetricsServer } from '../export/prometheus/server';
import type { AlertEngine } from '../store/alerts/engine';
import { recordingSink } from '../store/alerts/engine';
import type { RecordingWriter } from '../store/recording/writer';
import type { PipelineSink } from './pipeline';

/**
 * Every Sample into the recording, and with the rules, every breach's rows: the events (through the
 * engine) and each open breach's figures as they stand at every Snapshot, so replay shows them as of any
 * moment. A breach that starts or ends is committed at once (with the samples so far), not up to a
 * second later. A failed run is aborted: what was committed stays, nothing half-written is added.
 */
export function recorderSink(writer: RecordingWriter, engine: AlertEngine | null): PipelineSink {
  engine?.addSink(recordingSink(writer));
  return {
    tick({ sample, snap }, { breachMoved }) {
      if (snap !== null && engine !== null) for (const b of engine.active()) writer.addBreachStep(b, snap.t);
      writer.add(sample);
      if (breachMoved) writer.flush();
    },
    close(failed) {
      if (failed) writer.abort();
      else writer.close();
    },
  };
}

/** The latest Sample and Snapshot for /metrics to serve (with the rules, vigil_alert_active too). */
export function metricsSink(server: MetricsServer, engine: AlertEngine | null): PipelineSink {
  if (engine !== null) server.metrics.addFamily(alertActiveFamily(() => engine.active()));
  return {
    tick: ({ sample, snap }) => server.update(sample, snap),
    close: () => server.close(),
  };
}

/** What a JSON lines sink needs of its feed: the parse times, and a hold while the reader catches up. */
interface PausableFeed {
  takeTimings(): Record<string, number> | null;
  pause(): void;
  resume(): void;
}

/**
 * One Snapshot per line (none for the first sample, which has no rates), with the parse times under
 * --debug-timings. A reader slower than the ticks (a pipe that fills) holds the feed until it drains,
 * as vmstat blocks on write: no line is dropped, nothing queues up in memory, and the next line's rates
 * cover the whole pause. Stops after `count` lines when given.
 */
export function jsonLinesSink(out: NodeJS.WritableStream, feed: PausableFeed, count: number | null): PipelineSink {
  let printed = 0;
  return {
    tick({ snap }, { stop }) {
      if (snap === null) return;
      const timings = feed.takeTimings();
      const flowing = out.write(JSON.stringify(timings !== null ? { ...snap, timings_ms: timings } : snap) + '\n');
      printed++;
      if (count !== null && printed >= count) stop();
      else if (!flowing) {
        feed.pause();
        out.once('drain', () => feed.resume());
      }
    },
  };
}
