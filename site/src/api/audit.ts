/** 审计日志 (the routes of functions/audit/routes.ts; docs/console.md, "审计日志") and its Excel export. */
import { call, type Answer, type QueryOf } from './client';
import { downloadReport, type ReportFile } from './stats';

export type AuditQuery = QueryOf<'listAuditLog'>;
export type AuditPage = Answer<'listAuditLog'>;
export type AuditEntry = AuditPage['items'][number];
export type AuditResult = AuditEntry['result'];
/** The filters the list and its export share (the list adds its cursor and page size). */
export type AuditFilters = Omit<AuditQuery, 'cursor' | 'limit'>;

export const auditApi = {
  /** One page of the caller's scope, newest first; `nextCursor` is null after the last one. */
  list: (query: AuditQuery) => call('listAuditLog', { query }),
  /** The entries of the filters as an Excel file, downloaded in the browser. */
  export: (filters: AuditFilters): Promise<ReportFile> => downloadReport({ kind: 'audit-log', ...filters }),
};
