/**
 * A fixture process caught inside execve, as the kernel shows it for a few microseconds: the new image's
 * comm and an address space with a stack (vsize > 0) but no program mapped yet (startcode 0), and the old
 * command line. Then the same process after the exec, a new pid first seen in that state, and a zombie.
 */
import * as fs from 'fs';
import * as path from 'path';

/** Edits stat's fields after the comm, by index: 0 state, 6 flags, 19 starttime, 20 vsize, 23 startcode (proc(5)'s 3, 9, 22, 23, 26). */
function editStat(file: string, comm: string | null, fields: Record<number, string>): void {
  const st = fs.readFileSync(file, 'latin1');
  const close = st.lastIndexOf(')');
  const rest = st.slice(close + 2).trimEnd().split(' ');
  for (const [i, v] of Object.entries(fields)) rest[Number(i)] = v;
  const head = comm === null ? st.slice(0, close + 1) : `${st.slice(0, st.indexOf('(') + 1)}${comm})`;
  fs.writeFileSync(file, `${head} ${rest.join(' ')}\n`, 'latin1');
}

export const STARTCODE = 23;

/** The process ran (an exec is a syscall): its on-CPU time, run-queue wait and timeslices move on. */
function ran(root: string, pid: number): void {
  const file = path.join(root, String(pid), 'schedstat');
  const [run, wait, slices] = fs.readFileSync(file, 'latin1').trim().split(' ').map(Number);
  fs.writeFileSync(file, `${run + 50_000} ${wait + 1000} ${slices + 1}\n`);
}

/** `pid` (a process of the fixture) in the middle of exec'ing `comm`: new name, startcode 0, old cmdline. */
export function enterExec(root: string, pid: number, comm: string): void {
  editStat(path.join(root, String(pid), 'stat'), comm, { [STARTCODE]: '0' });
  ran(root, pid);
}

/** `pid` after its exec: the new program mapped and its command line in place. */
export function finishExec(root: string, pid: number, argv: string[]): void {
  editStat(path.join(root, String(pid), 'stat'), null, { [STARTCODE]: '93000000000000' });
  fs.writeFileSync(path.join(root, String(pid), 'cmdline'), `${argv.join('\0')}\0`);
  ran(root, pid);
}

/** A new process `pid`, a copy of `from`, first seen inside its exec (startcode 0) with start time `start`. */
export function bornInExec(root: string, from: number, pid: number, start: number): void {
  const dir = path.join(root, String(pid));
  fs.cpSync(path.join(root, String(from)), dir, { recursive: true });
  const file = path.join(dir, 'stat');
  fs.writeFileSync(file, fs.readFileSync(file, 'latin1').replace(/^\d+ /, `${pid} `), 'latin1');
  editStat(file, null, { 19: String(start), [STARTCODE]: '0' });
}

/** `pid` exiting, as a zombie: no address space (vsize and startcode 0) and an empty command line. */
export function becomeZombie(root: string, pid: number): void {
  editStat(path.join(root, String(pid), 'stat'), null, { 0: 'Z', 20: '0', [STARTCODE]: '0' });
  fs.writeFileSync(path.join(root, String(pid), 'cmdline'), '');
  ran(root, pid);
}
