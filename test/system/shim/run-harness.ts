/**
 * A stand-in for the CLI (which the lead wires): `node run-harness.ts SHIM SHIMDIR -- CMD ARGS...` runs
 * CMD through runCommand and exits with its code, so a test can signal a real vigil-like process.
 */
import { runCommand } from '../../../src/commands/run';

const [shim, shimDir, sep, ...cmd] = process.argv.slice(2);
// Run with no arguments (a test runner given the whole directory): nothing to do.
if (sep !== '--') process.exit(0);
runCommand(cmd, { shimPath: shim, shimDir }).then(
  (code) => process.exit(code),
  (err: { message: string; exitCode?: number }) => {
    process.stderr.write(`vigil: ${err.message}\n`);
    process.exit(err.exitCode ?? 1);
  },
);
