/**
 * What each exit code means, for README.md and `man vigil` (both generated from this list). The codes
 * themselves live in src/infra/errors.ts; test/unit/docs.test.ts checks that every one of them has a row here.
 * Per-command details (record, export, serve, run, alerts) are in docs/*.md.
 */
export interface ExitCodeDoc {
  /** As a reader looks it up: `0`, `126, 127`, `CMD's code, 128+N`. */
  code: string;
  meaning: string;
}

export const EXIT_CODES: ExitCodeDoc[] = [
  { code: '0', meaning: 'success (also after SIGINT, SIGTERM or SIGHUP asked vigil to stop: it stops cleanly)' },
  { code: '1', meaning: 'runtime error' },
  { code: '2', meaning: 'usage: unknown command or option, bad value, bad config file, not a terminal (the monitor), no command (`run`)' },
  { code: '65', meaning: 'bad or damaged recording (or alert log)' },
  { code: '66', meaning: 'missing input file' },
  { code: '73', meaning: 'cannot create the output file (missing or read-only directory)' },
  { code: '74', meaning: 'I/O error (disk full while recording)' },
  {
    code: '75',
    meaning: 'in use: the recording is locked by another vigil (its pid is named), the alert log is locked by another program for more than 3 s, or the listen address is taken',
  },
  { code: '126, 127', meaning: '`vigil run`: CMD not executable, not found' },
  { code: "CMD's code, 128+N", meaning: "`vigil run`: CMD's own exit code, or 128+N when signal N killed it" },
];

/** The numbers a row stands for (`126, 127` → [126, 127]; `128+N` stands for none in particular). */
export function codesOf(row: ExitCodeDoc): number[] {
  return row.code.split(/,\s*/).filter((c) => /^\d+$/.test(c)).map(Number);
}

export function exitCodesMarkdown(): string {
  return ['| code | meaning |', '| --- | --- |', ...EXIT_CODES.map((r) => `| ${r.code} | ${r.meaning.replace(/\|/g, '\\|')} |`)].join('\n');
}
