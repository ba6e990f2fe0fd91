/**
 * The command line as data, read from the very definition main() parses with (defineCli in src/cli.ts):
 * defineCli runs against a recorder that keeps what it is told (commands, positionals, options, epilogs)
 * and answers every other call with itself. Nothing is parsed and no handler runs.
 */
import type { Argv } from 'yargs';
import { defineCli } from '../cli';

export interface OptionSpec {
  name: string;
  type: 'string' | 'number' | 'boolean' | 'positional';
  describe: string;
  default?: unknown;
  choices?: readonly unknown[];
  required: boolean;
}

export interface CommandSpec {
  /** As declared: `$0`, `record <file>`, `alerts [file]`. */
  cmd: string;
  name: string;
  describe: string;
  positionals: OptionSpec[];
  options: OptionSpec[];
  epilog: string | null;
}

export interface CliSpec {
  usage: string;
  commands: CommandSpec[];
}

interface Recorded {
  calls: { method: string; args: unknown[] }[];
}

/** A stand-in for a yargs instance: every method records its arguments and returns the stand-in. */
function recorder(): { proxy: Argv; rec: Recorded } {
  const rec: Recorded = { calls: [] };
  const proxy: Argv = new Proxy({} as Argv, {
    get(_t, method) {
      if (typeof method !== 'string') return undefined;
      // Not a thenable: `await` on a builder's result must not call `then`.
      if (method === 'then') return undefined;
      return (...args: unknown[]) => {
        rec.calls.push({ method, args });
        return proxy;
      };
    },
  });
  return { proxy, rec };
}

function optionOf(name: string, o: Record<string, unknown>, positional: boolean): OptionSpec {
  return {
    name,
    type: positional ? 'positional' : ((o.type as OptionSpec['type'] | undefined) ?? 'string'),
    describe: String(o.describe ?? o.description ?? o.desc ?? ''),
    default: o.default,
    choices: o.choices as readonly unknown[] | undefined,
    required: o.demandOption === true,
  };
}

export function cliSpec(): CliSpec {
  const top = recorder();
  defineCli(top.proxy, []);
  const usage = top.rec.calls.find((c) => c.method === 'usage')?.args[0];
  const commands: CommandSpec[] = [];
  for (const c of top.rec.calls.filter((c) => c.method === 'command')) {
    const [cmd, describe, builder] = c.args as [string, string, ((y: Argv) => unknown) | undefined];
    const sub = recorder();
    builder?.(sub.proxy);
    const positionals: OptionSpec[] = [];
    const options: OptionSpec[] = [];
    let epilog: string | null = null;
    for (const call of sub.rec.calls) {
      if (call.method === 'option' || call.method === 'options') options.push(optionOf(String(call.args[0]), (call.args[1] ?? {}) as Record<string, unknown>, false));
      else if (call.method === 'positional') positionals.push(optionOf(String(call.args[0]), (call.args[1] ?? {}) as Record<string, unknown>, true));
      else if (call.method === 'epilog' || call.method === 'epilogue') epilog = String(call.args[0]);
    }
    commands.push({ cmd, name: cmd === '$0' ? '' : cmd.split(' ')[0], describe, positionals, options, epilog });
  }
  return { usage: typeof usage === 'string' ? usage : '', commands };
}
