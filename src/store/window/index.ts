/** The history window's public surface: everything other layers import comes from here. */
export { HistoryWindow } from './window';
export type { ProcEntry, WindowExtent } from './window';
export type { Covered, WindowStats } from './query';
export type { BucketCellLoad, BucketLoad } from './ingest';
export type { ProcIdentity } from './state';
export { DEFAULT_OPTIONS } from './options';
export type { WindowOptions } from './options';
export {
  CORE_SERIES, DISK_SERIES, FS_SERIES, isSeriesName, NET_SERIES, parseMetric, PROC_SERIES, procSubject, SERIES,
  SERIES_NAMES, SYSTEM_SERIES,
} from './series';
export type {
  CoreSeriesName, DiskSeriesName, FsSeriesName, NetSeriesName, ProcSeriesName, RateSeriesName, SeriesInfo,
  SeriesKind, SeriesName, SubjectKind, SysSeriesName, SystemSeriesName,
} from './series';
