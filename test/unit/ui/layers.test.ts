/**
 * The layers, kept by reading the imports: model/ below everything; render/ (width, format, braille, sanitize, theme)
 * knows no pane and no app; panes/ render and never reach into ui/, which wires them.
 */
import t from 'tap';
import * as fs from 'fs';
import * as path from 'path';
import { ROOT } from '../../helpers/paths';

/** The src/ folder each relative import of each .ts file under src/<dir>/ lands in ('' for src/ itself). */
function importsOf(dir: string): { file: string; target: string }[] {
  const base = path.join(ROOT, 'src', dir);
  const out: { file: string; target: string }[] = [];
  for (const name of fs.readdirSync(base, { recursive: true }) as string[]) {
    if (!name.endsWith('.ts')) continue;
    const file = path.join(base, name);
    for (const m of fs.readFileSync(file, 'utf8').matchAll(/^\s*(?:import|export)\b[^'"]*?from\s+['"](\.[^'"]+)['"]/gm)) {
      const abs = path.resolve(path.dirname(file), m[1]);
      const rel = path.relative(path.join(ROOT, 'src'), abs);
      // A folder's index ('../model') lands in that folder; a file at src/ itself lands in ''.
      const isDir = fs.existsSync(abs) && fs.statSync(abs).isDirectory();
      out.push({ file: path.relative(ROOT, file), target: rel.includes(path.sep) || isDir ? rel.split(path.sep)[0] : '' });
    }
  }
  return out;
}

t.test('panes import nothing from ui/', async (t) => {
  const found = importsOf('panes');
  t.ok(found.some((i) => i.target === 'render'), 'the reader sees the panes import render/');
  t.same(found.filter((i) => i.target === 'ui'), []);
});

t.test('render/ imports only render/ (and packages)', async (t) => {
  t.same(importsOf('render').filter((i) => i.target !== 'render'), []);
});

t.test('model/ imports only model/ (the types every layer shares sit below all of them)', async (t) => {
  const found = importsOf('model');
  t.ok(found.some((i) => i.target === 'model'), 'the reader sees model/ import itself');
  t.same(found.filter((i) => i.target !== 'model'), []);
});

t.test('infra/ imports only infra/; derive/ only model/, derive/ and infra/', async (t) => {
  t.same(importsOf('infra').filter((i) => i.target !== 'infra'), []);
  t.same(importsOf('derive').filter((i) => !['model', 'derive', 'infra'].includes(i.target)), []);
});

t.test('the config file and the settings import nothing from ui/', async (t) => {
  for (const f of ['config.ts', 'settings.ts']) {
    const text = fs.readFileSync(path.join(ROOT, 'src', f), 'utf8');
    const from = [...text.matchAll(/from\s+['"](\.[^'"]+)['"]/g)].map((m) => m[1]);
    t.ok(from.length > 0, `${f} has relative imports to check`);
    t.same(from.filter((s) => /^\.\/ui\//.test(s)), [], f);
  }
});
