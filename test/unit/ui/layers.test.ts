/**
 * The screen's layers, kept by reading the imports: render/ (width, format, braille, sanitize, theme)
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
      const rel = path.relative(path.join(ROOT, 'src'), path.resolve(path.dirname(file), m[1]));
      out.push({ file: path.relative(ROOT, file), target: rel.includes(path.sep) ? rel.split(path.sep)[0] : '' });
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
