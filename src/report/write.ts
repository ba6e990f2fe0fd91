/**
 * Writing the report atomically: the whole page goes into a temporary file beside OUT, is flushed to
 * disk, and is renamed over OUT. A failure at any point removes the temporary file, so a failed report
 * never leaves half a page, and an earlier report at OUT stays as it was. Can OUT be written at all is
 * asked first (checkTarget), before the recording is read: a typo in -o should not cost a long read.
 */
import * as fs from 'fs';
import * as path from 'path';
import { EXIT, VigilError } from '../infra/errors';

function cannotWrite(file: string, err: unknown): VigilError {
  const e = err as NodeJS.ErrnoException;
  const dir = path.dirname(path.resolve(file));
  const why: Record<string, string> = {
    ENOENT: `directory ${dir} does not exist`,
    ENOTDIR: `${dir} is not a directory`,
    EACCES: `no permission to write in ${dir}`,
    EPERM: `no permission to write in ${dir}`,
    EROFS: `${dir} is on a read-only filesystem`,
    EISDIR: `${file} is a directory`,
    ENOSPC: `no space left on the device of ${dir}`,
    EDQUOT: `disk quota exceeded on the device of ${dir}`,
  };
  const code = e?.code === 'ENOSPC' || e?.code === 'EDQUOT' || e?.code === 'EIO' ? EXIT.IOERR : EXIT.CANTCREAT;
  return new VigilError(`cannot write the report to ${file}: ${why[e?.code ?? ''] ?? e?.message ?? String(err)}`, code);
}

/** Throws 73 now if OUT cannot be a file we write (its directory missing or unwritable, OUT a directory). */
export function checkTarget(file: string): void {
  const dir = path.dirname(path.resolve(file));
  try {
    if (fs.existsSync(file) && fs.statSync(file).isDirectory()) throw Object.assign(new Error('is a directory'), { code: 'EISDIR' });
    if (!fs.statSync(dir).isDirectory()) throw Object.assign(new Error('not a directory'), { code: 'ENOTDIR' });
    fs.accessSync(dir, fs.constants.W_OK);
  } catch (err) {
    throw cannotWrite(file, err);
  }
}

/** Writes text to file through a temporary file and a rename. */
export function writeAtomically(file: string, text: string): void {
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.tmp`);
  let fd: number | null = null;
  try {
    fd = fs.openSync(tmp, fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_EXCL | fs.constants.O_NOFOLLOW, 0o644);
    const buf = Buffer.from(text, 'utf8');
    for (let at = 0; at < buf.length; ) at += fs.writeSync(fd, buf, at, buf.length - at);
    fs.fsyncSync(fd);
    fs.closeSync(fd);
    fd = null;
    fs.renameSync(tmp, file);
  } catch (err) {
    if (fd !== null) {
      try {
        fs.closeSync(fd);
      } catch {
        // failing anyway
      }
    }
    fs.rmSync(tmp, { force: true });
    throw cannotWrite(file, err);
  }
}
