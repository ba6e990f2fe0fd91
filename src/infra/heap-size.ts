/**
 * V8's --optimize-for-size for `vigil record`, set when the command starts: a smaller heap growing factor
 * and smaller compiled code. Measured side by side at +300 processes (load 6-10, four pairs): record 8-17 MB
 * less peak RSS for +3, +3, +10 and +34 % CPU; the TUI would save 9-11 MB for +12 to +18 % CPU, so it keeps
 * V8's defaults (docs/internals.md, Resident memory). A flag set at run time reaches what V8 reads at each
 * GC and compile, not what it sized at start-up (the semi-spaces come from the bin's shebang), and, unlike
 * a shebang flag, it reaches only the command that asks for it.
 */
import * as v8 from 'v8';

export function favourSize(): void {
  v8.setFlagsFromString('--optimize-for-size');
}
