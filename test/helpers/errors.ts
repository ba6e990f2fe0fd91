/** What fn throws (or undefined): for matching an error's fields, e.g. t.match(thrown(f), { exitCode: 2 }). */
export function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (err) {
    return err;
  }
  return undefined;
}
