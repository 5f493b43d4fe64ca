/** What the rollup function may touch (granted by lib/constructs/rollup.ts, as for the API modules). */
import type { ModulePermissions } from '#shared/http/route';

/** Counter items, day items, per-institution items, open-demand counters, the feed, the 数据质量 list and the institution entries; reads the marks on them. */
export const permissions: ModulePermissions = { table: { read: true, write: ['STAT#', 'STATD#', 'STATI#', 'OPEN#', 'OPENI#', 'FEED#', 'QFLAG#', 'INSTDIR#'] } };
