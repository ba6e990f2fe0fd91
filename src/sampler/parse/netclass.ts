import type { NetClassSample } from '../../model/node';

/** The attribute files of /sys/class/net/IFACE that node_exporter 1.5's netclass collector reads. */
export const NETCLASS_ATTRS = [
  'address', 'broadcast', 'duplex', 'ifalias', 'operstate', 'addr_assign_type', 'carrier', 'carrier_changes', 'carrier_up_count',
  'carrier_down_count', 'dev_id', 'dormant', 'flags', 'ifindex', 'iflink', 'link_mode', 'mtu', 'name_assign_type', 'netdev_group',
  'speed', 'tx_queue_len', 'type',
] as const;
export type NetClassAttr = (typeof NETCLASS_ATTRS)[number];

/** A sysfs integer: decimal, or hex with 0x (flags, dev_id), possibly negative (speed -1). */
export function sysfsInt(s: string | null | undefined): number | null {
  if (s == null) return null;
  const t = s.trim();
  let n: number;
  if (/^0x[0-9a-fA-F]{1,13}$/.test(t)) n = parseInt(t.slice(2), 16);
  else if (/^-?\d{1,16}$/.test(t)) n = Number(t);
  else return null;
  return Number.isSafeInteger(n) ? n : null;
}

/** A sysfs string attribute without its newline; a file that held something else than one line is null. */
function sysfsText(s: string | null | undefined): string | null {
  if (s == null) return null;
  const t = s.replace(/\n$/, '');
  return t.includes('\n') ? null : t;
}

/**
 * One interface's attributes as read (null: the file is absent or the kernel refused it, as carrier and
 * speed of a down or virtual interface do with EINVAL) into its sample.
 */
export function parseNetClass(iface: string, attrs: ReadonlyMap<NetClassAttr, string | null>): NetClassSample {
  const i = (k: NetClassAttr): number | null => sysfsInt(attrs.get(k));
  const s = (k: NetClassAttr): string | null => sysfsText(attrs.get(k));
  return {
    iface,
    address: s('address'), broadcast: s('broadcast'), duplex: s('duplex'), ifalias: s('ifalias'), operstate: s('operstate'),
    addr_assign_type: i('addr_assign_type'), carrier: i('carrier'), carrier_changes: i('carrier_changes'),
    carrier_up_count: i('carrier_up_count'), carrier_down_count: i('carrier_down_count'), dev_id: i('dev_id'), dormant: i('dormant'),
    flags: i('flags'), ifindex: i('ifindex'), iflink: i('iflink'), link_mode: i('link_mode'), mtu: i('mtu'),
    name_assign_type: i('name_assign_type'), netdev_group: i('netdev_group'), speed: i('speed'), tx_queue_len: i('tx_queue_len'), type: i('type'),
  };
}
