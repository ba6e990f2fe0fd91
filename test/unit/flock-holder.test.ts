/** Naming the recorder that holds a file, from /proc/locks text (fixture lines, hostile ones too). */
import * as fs from 'fs';
import t from 'tap';
import { flockHolder } from '../../src/store/recording/lock';

// st_dev 0xfe00 is major 0xfe, minor 0 (a dm device); 0x2b is 0:43 (a tmpfs).
const stats = (dev: number, ino: number): fs.Stats => ({ dev, ino }) as fs.Stats;

const LOCKS = [
  '1: POSIX  ADVISORY  READ 3849 fe:00:2146551 128 128',
  '2: FLOCK  ADVISORY  WRITE 4242 fe:00:2146551 0 EOF',
  '2: -> FLOCK  ADVISORY  WRITE 5151 fe:00:2146551 0 EOF',
  '3: FLOCK  ADVISORY  WRITE 777 00:2b:99 0 EOF',
  '4: OFDLCK ADVISORY  WRITE -1 00:2b:100 0 EOF',
  'garbage line',
  '',
].join('\n');

t.equal(flockHolder(stats(0xfe00, 2146551), LOCKS), 4242, 'the holder, not the POSIX lock nor the waiter');
t.equal(flockHolder(stats(0x2b, 99), LOCKS), 777, 'a tmpfs device, hex major:minor');
t.equal(flockHolder(stats(0x2b, 100), LOCKS), null, 'an OFD lock is not a recorder');
t.equal(flockHolder(stats(0x2b, 12345), LOCKS), null, 'no lock on this inode');
t.equal(flockHolder(stats(0x2b, 99), '3: FLOCK ADVISORY WRITE abc 00:2b:99 0 EOF'), null, 'a pid that is not a number');
// Large device numbers: major 259 (0x103), minor 0x12345 in glibc's split encoding.
const major = 0x103;
const minor = 0x12345;
const dev = (minor & 0xff) | ((major & 0xfff) << 8) | ((minor & ~0xff) << 12);
t.equal(flockHolder(stats(dev, 5), `1: FLOCK ADVISORY WRITE 9 103:12345:5 0 EOF`), 9, 'split major/minor bits');
