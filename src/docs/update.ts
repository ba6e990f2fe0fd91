/**
 * Every generated piece of documentation, in one place: README.md's keys and exit codes tables,
 * docs/alerts.md's alert metrics table, docs/fields.md and docs/vigil.1. After changing keys, options,
 * exit codes, fields or alert metrics:
 *   npm run build && node dist/src/docs/update.js           rewrites what is stale
 *   node dist/src/docs/update.js --check                    lists what is stale, exit 1 if any
 * test/unit/docs.test.ts (and fields.test.ts, alerts/rules.test.ts) fail while one is stale.
 */
import * as fs from 'fs';
import * as path from 'path';
import { fieldsDoc } from '../model/fields/docs';
import { metricsMarkdown } from '../store/alerts/metrics';
import { keysMarkdown } from '../ui/keys-doc';
import { exitCodesMarkdown } from './exit-codes';
import { manPage } from './man';
import { replaceSection } from './markdown';

/** The repository: dist/src/docs/ → three levels up. */
export const DOCS_ROOT = path.join(__dirname, '..', '..', '..');

export interface GeneratedDoc {
  /** Relative to the repository. */
  file: string;
  /** The file as it should be, given its current text (a section generator keeps the prose around it). */
  render(current: string): string;
}

export const GENERATED: GeneratedDoc[] = [
  { file: 'README.md', render: (doc) => replaceSection(replaceSection(doc, 'keys', keysMarkdown()), 'exit-codes', exitCodesMarkdown()) },
  { file: 'docs/alerts.md', render: (doc) => replaceSection(doc, 'alert-metrics', metricsMarkdown()) },
  { file: 'docs/fields.md', render: () => fieldsDoc() },
  { file: 'docs/vigil.1', render: () => manPage() },
];

/** The files whose text differs from what they should be (rewritten unless check). */
export function update(root: string, check: boolean): string[] {
  const stale: string[] = [];
  for (const g of GENERATED) {
    const file = path.join(root, g.file);
    const current = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '';
    const next = g.render(current);
    if (next === current) continue;
    stale.push(g.file);
    if (!check) fs.writeFileSync(file, next);
  }
  return stale;
}

if (require.main === module) {
  const check = process.argv.includes('--check');
  try {
    const stale = update(DOCS_ROOT, check);
    for (const f of stale) process.stdout.write(`${check ? 'stale' : 'rewrote'}: ${f}\n`);
    process.exitCode = check && stale.length > 0 ? 1 : 0;
  } catch (err) {
    process.stderr.write(`docs: ${(err as Error).message}\n`);
    process.exitCode = 1;
  }
}
