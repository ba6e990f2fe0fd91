/**
 * The one run loop of the commands without a screen (record, serve, sample, run --record): a LiveFeed,
 * the signals that stop it (SIGINT, SIGTERM, SIGHUP: exit 0), and one teardown path. A job's error (a
 * VigilError with its own exit code, or a bug, exit 1) stops the feed and rejects after the job closed.
 */
import { STOP_SIGNALS } from './errors';
import type { FeedTick, LiveFeed } from './feed';

export interface HeadlessJob {
  /** Each Sample (and its Snapshot); `stop()` ends the run cleanly, `stop(err)` with that error. */
  onTick(tick: FeedTick, stop: (err?: unknown) => void): void;
  /** After the feed stopped: flush and close what the job opened. `failed`: the run ends with an error. */
  close?(failed: boolean): Promise<void> | void;
}

export function runHeadless(feed: LiveFeed, job: HeadlessJob, opts: { stopWhen?: Promise<unknown> } = {}): Promise<void> {
  return new Promise((resolve, reject) => {
    let done = false;
    const finish = (err?: unknown): void => {
      if (done) return;
      done = true;
      feed.stop();
      for (const sig of STOP_SIGNALS) process.off(sig, onSignal);
      let failure = err;
      Promise.resolve()
        .then(() => job.close?.(err !== undefined))
        .catch((closeErr: unknown) => {
          failure ??= closeErr;
        })
        .then(() => (failure !== undefined ? reject(failure) : resolve()));
    };
    const onSignal = (): void => finish();
    for (const sig of STOP_SIGNALS) process.on(sig, onSignal);
    opts.stopWhen?.then(() => finish(), () => finish());
    feed.start((tick) => {
      if (!done) job.onTick(tick, finish);
    }, finish);
  });
}
