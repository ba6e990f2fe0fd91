import * as fs from 'fs';
import * as path from 'path';
import type { TcpSockSample } from '../../../src/model/conns';
import { AddrCache, TcpDumpParser } from '../../../src/sampler/conns/inet-diag';
import { walkNlmsgs, WalkResult } from '../../../src/sampler/conns/netlink';
import { FIXTURES } from '../paths';

export const FIX = path.join(FIXTURES, 'netlink');

export interface CaptureMeta {
  kernel: string;
  pid: number;
  seq4: number;
  seq6: number;
  pairs: { family: 4 | 6; server_port: number; client_port: number; up: number; down: number }[];
  bulk_port: number;
  bulk_conns: number;
}

export const meta = (): CaptureMeta => JSON.parse(fs.readFileSync(path.join(FIX, 'meta.json'), 'utf8')) as CaptureMeta;

/** The datagrams of a capture file: records of [u32 LE length][bytes]. */
export function datagrams(file: string): Buffer[] {
  const b = fs.readFileSync(path.join(FIX, file));
  const out: Buffer[] = [];
  for (let off = 0; off + 4 <= b.length; ) {
    const len = b.readUInt32LE(off);
    out.push(b.subarray(off + 4, off + 4 + len));
    off += 4 + len;
  }
  return out;
}

export interface Parsed {
  socks: TcpSockSample[];
  malformed: number;
  results: WalkResult[];
}

/** Runs a dump's datagrams through the same path the reader uses. */
export function parseDump(dgs: Buffer[], seq: number): Parsed {
  const p = new TcpDumpParser(new AddrCache());
  const results = dgs.map((dg) => walkNlmsgs(dg, dg.length, seq, p.onMsg));
  return { socks: p.socks, malformed: p.malformed, results };
}

/** One entry of `ss -tinoeH`: its first line's columns and the key:value pairs of its info line. */
export interface SsEntry {
  state: string;
  local: string;
  peer: string;
  inode: number;
  cookie: number;
  info: Map<string, string>;
}

export function parseSs(text: string): SsEntry[] {
  const out: SsEntry[] = [];
  for (const line of text.split('\n')) {
    if (line.length === 0) continue;
    if (line.startsWith('\t')) {
      const e = out[out.length - 1];
      for (const tok of line.trim().split(/\s+/)) {
        const i = tok.indexOf(':');
        if (i > 0) e.info.set(tok.slice(0, i), tok.slice(i + 1));
      }
      continue;
    }
    const f = line.split(/\s+/);
    const ino = /ino:(\d+)/.exec(line);
    const sk = /sk:([0-9a-f]+)/.exec(line);
    out.push({ state: f[0], local: f[3], peer: f[4], inode: ino ? Number(ino[1]) : -1, cookie: sk ? parseInt(sk[1], 16) : -1, info: new Map() });
  }
  return out;
}
