/**
 * Generated sections inside hand-written Markdown: `<!-- NAME:start ... -->` and `<!-- NAME:end -->`
 * enclose text a generator owns; everything around them is prose.
 */
export interface Section {
  /** The text between the markers, without the newlines that follow the start marker and precede the end one. */
  body: string;
  /** Where the body starts, and where the end marker starts. */
  from: number;
  end: number;
}

export function findSection(doc: string, name: string): Section | null {
  const start = new RegExp(`<!-- ${name}:start[^\\n]*-->\\n`).exec(doc);
  if (!start) return null;
  const from = start.index + start[0].length;
  const end = doc.indexOf(`<!-- ${name}:end -->`, from);
  if (end < 0) return null;
  return { body: doc.slice(from, end).replace(/\n$/, ''), from, end };
}

/** The document with the section's body replaced; throws when the markers are missing (a generator must not guess where). */
export function replaceSection(doc: string, name: string, body: string): string {
  const s = findSection(doc, name);
  if (!s) throw new Error(`no <!-- ${name}:start --> ... <!-- ${name}:end --> section`);
  return `${doc.slice(0, s.from)}${body}\n${doc.slice(s.end)}`;
}
