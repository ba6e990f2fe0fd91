/**
 * The one run loop of the commands without a screen (record, serve, sample, run --record): a pipeline,
 * the signals that stop it (SIGINT, SIGTERM, SIGHUP: exit 0), and its one teardown. An error (a VigilError
 * with its own exit code, or a bug, exit 1) stops the feed and rejects after everything closed.
 */
import { STOP_SIGNALS } from '../infra/errors';
import type { Pipeline } from './pipeline';

export function runHeadless(pipeline: Pipeline, opts: { stopWhen?: Promise<unknown> } = {}): Promise<void> {
  return new Promise((resolve, reject) => {
    let done = false;
    const finish = (err?: unknown): void => {
      if (done) return;
      done = true;
      for (const sig of STOP_SIGNALS) process.off(sig, onSignal);
      pipeline.close(err !== undefined).then(
        () => (err !== undefined ? reject(err) : resolve()),
        (closeErr: unknown) => reject(err ?? closeErr),
      );
    };
    const onSignal = (): void => finish();
    for (const sig of STOP_SIGNALS) process.on(sig, onSignal);
    opts.stopWhen?.then(() => finish(), () => finish());
    pipeline.start(finish);
  });
}
