/**
 * Writing the report atomically: the whole page goes into a temporary file beside OUT, is flushed to
 * disk, and is renamed over OUT. A failure at any point removes the temporary file, so a failed report
 * never leaves half a page, and an earlier report at OUT stays as it was. Can OUT be written at all is
 * asked first (checkTarget), before the recording is read: a typo in -o should not cost a long read.
 */
import * as fs from 'fs';
import * as path from 'path';
import { cannotCreateFile, VigilError } from '../infra/errors';

const cannotWrite = (file: string, err: unknown): VigilError => cannotCreateFile('write the report to', file, err);

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
