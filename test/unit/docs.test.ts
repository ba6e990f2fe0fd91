/**
 * README.md is the front page and docs/ holds the rest: the generated parts are current (keys, exit
 * codes, the man page), every contract the code defines is documented somewhere (commands, options,
 * exit codes, config keys, export columns, Prometheus names), and every link leads to a file and a
 * heading that exist. Regenerate with `npm run build && node dist/src/docs/update.js`.
 */
import * as fs from 'fs';
import * as path from 'path';
import t from 'tap';
import { TABLE_NAMES, TABLES } from '../../src/commands/export-tables';
import { CONFIG_PANES, TOP_KEYS } from '../../src/config';
import { cliSpec } from '../../src/docs/cli-spec';
import { codesOf, EXIT_CODES, exitCodesMarkdown } from '../../src/docs/exit-codes';
import { manPage } from '../../src/docs/man';
import { findSection } from '../../src/docs/markdown';
import { GENERATED, update } from '../../src/docs/update';
import { EXIT } from '../../src/infra/errors';
import { nodeFamilies } from '../../src/export/prometheus/node-families';
import { PROC_FAMILIES } from '../../src/export/prometheus/proc-families';
import { CGROUP_FAMILIES } from '../../src/export/prometheus/cgroup-families';
import { KEYS } from '../../src/ui/keys';
import { keyLabel, keysMarkdown } from '../../src/ui/keys-doc';
import { ROOT } from '../helpers/paths';

const REGEN = 'regenerate with: npm run build && node dist/src/docs/update.js';
const read = (rel: string): string => fs.readFileSync(path.join(ROOT, rel), 'utf8');
const README = read('README.md');
const DOC_FILES = fs.readdirSync(path.join(ROOT, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`);
/** Everything a user can read: README and docs/*.md. */
const ALL_DOCS = ['README.md', ...DOC_FILES].map((f) => read(f)).join('\n');

t.test('README starts with the two commands a newcomer types, and stays a front page', async (t) => {
  const lines = README.split('\n');
  t.equal(lines[0], '# vigil');
  // The first thing after the title is the command block (CI runs the test command it names).
  const block = /^# vigil\n\n```sh\n([\s\S]*?)```/.exec(README);
  t.ok(block, 'a sh block right after the title');
  t.match(block?.[1] ?? '', /^npm install && npm start +# install, build, and start the live monitor$/m);
  t.match(block?.[1] ?? '', /^npm test +# run the whole test suite( \(.*\))?$/m);
  t.ok(lines.length <= 250, `README.md is ${lines.length} lines (at most 250)`);
});

t.test('the generated sections are what their sources generate', async (t) => {
  t.equal(findSection(README, 'keys')?.body, keysMarkdown(), `README keys table = src/ui/keys.ts; ${REGEN}`);
  t.equal(findSection(README, 'exit-codes')?.body, exitCodesMarkdown(), `README exit codes = src/docs/exit-codes.ts; ${REGEN}`);
  t.equal(read('docs/vigil.1'), manPage(), `docs/vigil.1 = the CLI definition, keys and exit codes; ${REGEN}`);
  t.same(update(ROOT, true), [], `no generated doc is stale; ${REGEN}`);
  t.same(GENERATED.map((g) => g.file).sort(), ['README.md', 'docs/alerts.md', 'docs/fields.md', 'docs/vigil.1']);
});

t.test('every key binding is in the keys table, by the name a keyboard shows', async (t) => {
  const table = findSection(README, 'keys')?.body ?? '';
  for (const b of KEYS) {
    const row = table.split('\n').find((l) => l.endsWith(` | ${b.help.replace(/\|/g, '\\|')} |`));
    t.ok(row, `a row for ${b.action}`);
    for (const k of b.keys) t.ok(row?.includes(`\`${keyLabel(k)}\``), `${b.action}: ${keyLabel(k)}`);
  }
  t.equal(keyLabel('C-c'), 'Ctrl-C');
  t.equal(keyLabel('f10'), 'F10');
  t.equal(keyLabel('pageup'), 'PgUp');
  t.equal(keyLabel('escape'), 'Esc');
  t.equal(keyLabel('M-x'), 'Alt-X');
});

t.test('every exit code of src/infra/errors.ts has its meaning written down', async (t) => {
  const documented = EXIT_CODES.flatMap(codesOf);
  for (const [name, code] of Object.entries(EXIT)) t.ok(documented.includes(code), `EXIT.${name} (${code})`);
  t.same(codesOf({ code: '126, 127', meaning: '' }), [126, 127]);
  t.same(codesOf({ code: "CMD's code, 128+N", meaning: '' }), []);
});

t.test('every command is in the README commands table; every option is documented', async (t) => {
  const spec = cliSpec();
  t.same(spec.commands.map((c) => c.name), ['', 'record', 'replay', 'run', 'export', 'report', 'alerts', 'sample', 'serve'], 'the recorder sees every command');
  const table = README.slice(README.indexOf('## Commands'), README.indexOf('## Keys'));
  for (const c of spec.commands) t.match(table, new RegExp(`^\\| \`vigil${c.name ? ` ${c.name}` : ''}[ \`]`, 'm'), `README lists vigil ${c.name}`);
  for (const c of spec.commands) {
    for (const o of c.options) {
      const flag = o.type === 'boolean' && o.default === true ? `--no-${o.name}` : `--${o.name}`;
      t.ok(ALL_DOCS.includes(flag), `vigil ${c.name || '(live)'} ${flag} is in README.md or docs/`);
    }
  }
  // Options with values say what they take, in the man page as in --help.
  const live = spec.commands.find((c) => c.name === '')!;
  t.ok(live.options.some((o) => o.name === 'interval' && o.type === 'number'), 'the recorder reads option types');
  t.match(manPage(), /\\fB\\-\\-interval\\fR \\fIMS\\fR/);
});

t.test('every config key is in docs/config.md', async (t) => {
  const doc = read('docs/config.md');
  const table = doc.slice(doc.indexOf('| key | meaning |'));
  for (const k of TOP_KEYS) t.match(table, new RegExp(`^\\| [^|]*\`${k}\``, 'm'), `config key ${k}`);
  for (const p of CONFIG_PANES) t.ok(table.includes(`\`${p}\``), `pane ${p}`);
});

/** A row of the export tables of docs/recording.md, as column names: `psi_R_x` is expanded over "for `R` in a, b". */
function listedColumns(row: string): string[] {
  const rs = /for `R` in ([a-z, ]+):/.exec(row)?.[1].split(', ') ?? [];
  const out: string[] = [];
  for (const [, seg] of row.split(' | ').slice(1).join(' | ').matchAll(/`([^`]*)`/g)) {
    if (seg === 'R') continue;
    const names = seg.split(', ');
    if (names.some((n) => n.includes('_R_'))) for (const r of rs) out.push(...names.map((n) => n.replace('_R_', `_${r}_`)));
    else out.push(...names);
  }
  return out;
}

t.test('every export table and column is in docs/recording.md, in order', async (t) => {
  const doc = read('docs/recording.md');
  const section = doc.slice(doc.indexOf('### Columns'));
  for (const name of TABLE_NAMES) {
    const row = section.split('\n').find((l) => l.startsWith(`| ${name} | `));
    t.ok(row, `a row for --table ${name}`);
    t.same(listedColumns(row ?? ''), TABLES[name].columns, `--table ${name}: columns as exported`);
  }
});

t.test('every Prometheus family is in docs/prometheus.md', async (t) => {
  const doc = read('docs/prometheus.md');
  // The table writes families in groups: `node_disk_reads_completed_total`, `_reads_merged_total`,
  // `node_{a,b}_x`, `node_memory_<Field>_bytes` (Field from the source column).
  const names = new Set<string>();
  const patterns: RegExp[] = [];
  for (const line of doc.split('\n').filter((l) => /^\| `(node|vigil|container)_/.test(l))) {
    const cells = line.split(' | ');
    const first = cells[0];
    const source = cells[cells.length - 1];
    let prefix = '';
    for (const [, n] of first.replace(/^\| /, '').matchAll(/`([^`]*)`/g)) {
      const full = n.startsWith('_') ? prefix + n : n;
      // A continuation (`_pgmajfault`) keeps the family's first two words (`node_vmstat`).
      if (!n.startsWith('_')) prefix = n.split('_').slice(0, 2).join('_');
      const expanded = full.replace(/\{([^}]*)\}/g, (_m, alts: string) => `(${alts.split(',').join('|')})`);
      if (expanded.includes('<Field>')) {
        const fields = (source ?? '').match(/\b[A-Z][A-Za-z]+\b/g) ?? [];
        patterns.push(new RegExp(`^${expanded.replace('<Field>', `(${fields.join('|')})`)}$`));
      } else if (expanded !== full) patterns.push(new RegExp(`^${expanded}$`));
      else names.add(full);
    }
  }
  const documented = (n: string): boolean => names.has(n) || patterns.some((p) => p.test(n));
  for (const f of [...nodeFamilies(), ...PROC_FAMILIES, ...CGROUP_FAMILIES]) t.ok(documented(f.name), f.name);
  for (const n of ['vigil_processes', 'vigil_processes_exported']) t.ok(documented(n), n);
  t.ok(read('docs/alerts.md').includes('vigil_alert_active'), 'vigil_alert_active');
});

/** GitHub's heading anchors: lower case, punctuation dropped, spaces to hyphens, repeats numbered. */
function anchors(md: string): Set<string> {
  const seen = new Map<string, number>();
  const out = new Set<string>();
  let fence = false;
  for (const line of md.split('\n')) {
    if (line.startsWith('```')) fence = !fence;
    const h = !fence && /^#{1,6} (.*)$/.exec(line);
    if (!h) continue;
    const base = h[1].toLowerCase().replace(/[^\p{L}\p{N} _-]/gu, '').replace(/ /g, '-');
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    out.add(n === 0 ? base : `${base}-${n}`);
  }
  return out;
}

t.test('every link in README.md and docs/ leads somewhere; README links every doc', async (t) => {
  for (const file of ['README.md', ...DOC_FILES]) {
    const text = read(file);
    for (const [, target] of text.matchAll(/\]\(([^)\s]+)\)/g)) {
      if (/^[a-z]+:/.test(target)) continue;
      const [rel, hash] = target.split('#');
      const dest = rel === '' ? file : path.posix.normalize(path.posix.join(path.posix.dirname(file), rel));
      t.ok(fs.existsSync(path.join(ROOT, dest)), `${file}: ${target} exists`);
      if (hash && dest.endsWith('.md') && fs.existsSync(path.join(ROOT, dest))) t.ok(anchors(read(dest)).has(hash), `${file}: ${target} names a heading`);
    }
  }
  for (const f of [...DOC_FILES, 'docs/vigil.1']) t.ok(README.includes(`](${f})`), `README links ${f}`);
  t.same(JSON.parse(read('package.json')).man, ['./docs/vigil.1'], 'package.json installs the man page');
});
