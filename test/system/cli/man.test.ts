/**
 * `man vigil`: docs/vigil.1 renders without a single groff warning on every output device a man reader
 * uses (and with -z, as the issue asks), and it says what `--help` says: each command's help text and the
 * page name the same options. (test/unit/docs.test.ts checks that the committed page is the generated one.)
 */
import { execFile, spawnSync } from 'child_process';
import * as path from 'path';
import t from 'tap';
import { CLI, ROOT } from '../../helpers/paths';

const PAGE = path.join(ROOT, 'docs', 'vigil.1');
const groff = spawnSync('groff', ['--version'], { encoding: 'utf8' });
const noGroff = groff.error || groff.status !== 0 ? 'groff is not installed (.ci/run installs groff-base)' : false;

t.test('groff renders the page without a warning', { skip: noGroff }, async (t) => {
  for (const args of [['-ww', '-z', '-man'], ['-ww', '-man', '-Tutf8'], ['-ww', '-man', '-Tascii'], ['-ww', '-man', '-Tlatin1']]) {
    const r = spawnSync('groff', [...args, PAGE], { encoding: 'utf8' });
    t.equal(r.status, 0, `groff ${args.join(' ')} exits 0`);
    t.equal(r.stderr, '', `groff ${args.join(' ')}: no warning`);
  }
  const text = spawnSync('groff', ['-man', '-Tascii', '-P-cbou', PAGE], { encoding: 'utf8' }).stdout;
  t.match(text, /^VIGIL\(1\) +User Commands +VIGIL\(1\)$/m, 'the page has its title');
  for (const h of ['NAME', 'SYNOPSIS', 'COMMANDS', 'KEYS', 'EXIT STATUS', 'ENVIRONMENT', 'FILES']) t.match(text, new RegExp(`^${h}$`, 'm'), `section ${h}`);
});

function help(args: string[]): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [CLI, ...args, '--help'], { encoding: 'utf8', env: { ...process.env, COLUMNS: '100' } }, (err, out) => {
      resolve({ code: err ? Number((err as NodeJS.ErrnoException).code ?? 1) : 0, out });
    });
  });
}

t.test('the page names every option --help names', { skip: noGroff }, async (t) => {
  const page = spawnSync('groff', ['-man', '-Tascii', '-P-cbou', PAGE], { encoding: 'utf8' }).stdout;
  const commands = ['', 'record', 'replay', 'run', 'export', 'report', 'alerts', 'sample', 'serve'];
  // In parallel: eight node start-ups one after the other take long on a busy machine.
  const helps = await Promise.all(commands.map((cmd) => help(cmd ? [cmd] : [])));
  commands.forEach((cmd, i) => {
    t.equal(helps[i].code, 0, `vigil ${cmd} --help`);
    const flags = [...new Set(helps[i].out.match(/--[a-z][a-z-]+/g) ?? [])].filter((f) => f !== '--help' && f !== '--version');
    t.ok(flags.length > 0, `vigil ${cmd} --help lists options`);
    // A boolean that defaults to on is given in the page as what one types: --no-color.
    for (const f of flags) t.ok(page.includes(f) || page.includes(`--no-${f.slice(2)}`), `vigil ${cmd} ${f} is in the man page`);
  });
});
