/**
 * 报表导出 (docs/console.md, "区域数据统计"): the statistics and account lists of the caller's scope as an .xlsx file.
 * The data comes from the same domain functions that answer the statistics and account APIs, so a
 * report always shows what the screens show; the file is written row by row to a temporary file,
 * uploaded to the reports bucket under the caller's prefix, and handed out as a 15-minute presigned
 * GET that downloads under its Chinese name. Every export is audit-logged.
 */
import { randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import type { Caller } from '#shared/auth/caller';
import { childRole, narrowScope, tierScope, type Tier } from '#shared/auth/account-policy';
import { resolveScope, type ScopeRegion } from '#shared/auth/scope';
import { listAccountsInScope } from '#shared/db/accounts';
import { auditFiltersOf, auditRegionOf, auditScopeOf } from '#shared/audit-scope';
import { actorOf, queryAuditLog, writeAudit } from '#shared/db/audit';
import { BadRequestError } from '#shared/http/errors';
import { presentAuditEntry } from '#shared/views/audit';
import { config } from '#shared/config';
import { NATION_CODE } from '#shared/reference/regions';
import { presignDownload } from '#shared/storage/s3';
import { s3Client } from '#shared/storage/s3-client';
import { periodLabel } from '#shared/statistics/period';
import { industries, institutionRows, regionRows, STATS_PARENT_LEVELS } from '#shared/statistics/queries';
import {
  ACCOUNT_COLUMNS,
  accountRow,
  AUDIT_COLUMNS,
  auditRow,
  INDUSTRY_COLUMNS,
  INSTITUTION_COLUMNS,
  institutionRow,
  OVERDUE_COLUMNS,
  overdueRow,
  QUALITY_WARNING_COLUMNS,
  qualityWarningRow,
  REGIONAL_OVERVIEW_COLUMNS,
  regionalOverviewRow,
} from './sheets';
import { overdueDemands } from '#shared/supervision/queries';
import { OVERDUE_RULE_NAMES, type OverdueRule } from '#shared/supervision/rules';
import { qualityWarnings } from '#shared/data-quality/queries';
import { QUALITY_RULE_NAMES, type QualityRule } from '#shared/financing/quality';
import type { ReportFile, ReportKind, ReportRequest } from './schemas';
import { withReportFile, XLSX_CONTENT_TYPE, type ReportColumn, type ReportRow } from './workbook';


/** How long the download link of a report stays valid. */
export const REPORT_DOWNLOAD_SECONDS = 15 * 60;

interface ReportContent {
  /** Names the file: 区域数据统计, 机构数据统计, 行业分布, 账号列表. */
  name: string;
  /** The title row's report name. */
  title: string;
  sheetName: string;
  region: ScopeRegion;
  /** 全部时间 / 2024年 / 2024年4月, or null for reports without a period. */
  period: string | null;
  columns: readonly ReportColumn[];
  rows: Iterable<ReportRow> | AsyncIterable<ReportRow>;
  /** Whether a 合计 row closes the sheet (not for lists of events). */
  totals: boolean;
  /** What the export's audit entry records besides region and period. */
  details?: Record<string, unknown>;
}

async function regionalOverview(caller: Caller, request: ReportRequest): Promise<ReportContent> {
  const region = resolveScope(caller, request.region, STATS_PARENT_LEVELS, 'body.region');
  const { rows } = await regionRows(caller, { region: region.code, year: request.year, month: request.month, sort: 'code', order: 'asc' });
  return {
    name: '区域数据统计',
    title: '区域数据统计（数据概览）',
    sheetName: '数据概览',
    region,
    period: periodLabel(request.year, request.month),
    columns: REGIONAL_OVERVIEW_COLUMNS,
    rows: rows.map(regionalOverviewRow),
    totals: true,
  };
}

async function institutionReport(caller: Caller, request: ReportRequest): Promise<ReportContent> {
  const region = resolveScope(caller, request.region, STATS_PARENT_LEVELS, 'body.region');
  const { rows } = await institutionRows(caller, {
    region: region.code,
    year: request.year,
    month: request.month,
    ...(request.type ? { type: request.type } : {}),
    ...(request.regionBasis ? { regionBasis: request.regionBasis } : {}),
  });
  rows.sort((a, b) => b.acceptedAmount - a.acceptedAmount || a.institutionId - b.institutionId);
  const basis = request.regionBasis === 'institution' ? '（按机构所在地）' : '';
  return {
    name: '机构数据统计',
    title: `机构数据统计（数据概览）${basis}`,
    sheetName: '机构数据统计',
    region,
    period: periodLabel(request.year, request.month),
    columns: INSTITUTION_COLUMNS,
    rows: rows.map(institutionRow),
    totals: true,
  };
}

async function industryReport(caller: Caller, request: ReportRequest): Promise<ReportContent> {
  const region = resolveScope(caller, request.region, STATS_PARENT_LEVELS, 'body.region');
  const rows = await industries(caller, { region: region.code, year: request.year, month: request.month });
  return {
    name: '行业分布',
    title: '行业分布（国民经济行业门类）',
    sheetName: '行业分布',
    region,
    period: periodLabel(request.year, request.month),
    columns: INDUSTRY_COLUMNS,
    rows,
    totals: true,
  };
}

/** The accounts the caller administers: its peers and (province and national) its subordinates. */
async function accountReport(caller: Caller, request: ReportRequest): Promise<ReportContent> {
  const region = resolveScope(caller, request.region, STATS_PARENT_LEVELS, 'body.region');
  const filter = region.code === NATION_CODE ? undefined : region.code;
  const tiers: Tier[] = childRole(caller.role) ? ['peer', 'subordinate'] : ['peer'];
  const scopes = tiers.map((tier) => narrowScope(tierScope(caller, tier), filter));
  const lists = await Promise.all(scopes.map((scope) => listAccountsInScope(scope.role, scope.provinceCode, scope.cityCode)));
  return {
    name: '账号列表',
    title: '账号列表',
    sheetName: '账号列表',
    region,
    period: null,
    columns: ACCOUNT_COLUMNS,
    rows: lists.flat().map(accountRow),
    totals: true,
  };
}

/** The most rows one 审计日志 export holds; past it the caller is asked to narrow the filters. */
export const AUDIT_EXPORT_MAX_ROWS = 100_000;

/** The entries of the caller's 审计日志 under the page's filters, read page by page as the file is written. */
async function auditReport(caller: Caller, request: ReportRequest): Promise<ReportContent> {
  const region = auditRegionOf(caller, request.region, 'body.region');
  const filters = auditFiltersOf(request, new Date(), 'body');
  async function* rows(): AsyncGenerator<ReportRow> {
    let cursor: string | undefined;
    let written = 0;
    do {
      const page = await queryAuditLog(auditScopeOf(region), filters, { limit: 100, cursor });
      for (const item of page.items) {
        written += 1;
        if (written > AUDIT_EXPORT_MAX_ROWS) {
          throw new BadRequestError('TOO_MANY_ROWS', `审计日志一次最多导出 ${AUDIT_EXPORT_MAX_ROWS} 条，请缩小日期范围或增加筛选条件`);
        }
        // A file leaves the console: every phone masked, whoever exports it.
        yield auditRow(presentAuditEntry(item, null));
      }
      cursor = page.nextCursor;
    } while (cursor);
  }
  const day = (instant: string) => chinaClock(new Date(instant)).date;
  return {
    name: '审计日志',
    title: '审计日志',
    sheetName: '审计日志',
    region,
    period: `${day(filters.from)}至${day(filters.to)}`,
    columns: AUDIT_COLUMNS,
    rows: rows(),
    totals: false,
    details: { filters: { ...filters, from: day(filters.from), to: day(filters.to) } },
  };
}

/** The most rows one 督办 or 数据质量 export holds; past it the caller is asked to narrow the filters. */
export const LIST_EXPORT_MAX_ROWS = 100_000;

interface CursorPage<T> {
  items: T[];
  nextCursor: string | null;
}

/**
 * The rows of a cursor-paged list from its first page on, each page read as the file is written;
 * past {@link LIST_EXPORT_MAX_ROWS} the caller is asked to narrow the filters (`what` names the list).
 */
async function* pagedRows<T>(first: CursorPage<T>, next: (cursor: string) => Promise<CursorPage<T>>, row: (item: T) => ReportRow, what: string): AsyncGenerator<ReportRow> {
  let page = first;
  let written = 0;
  for (;;) {
    for (const item of page.items) {
      if (++written > LIST_EXPORT_MAX_ROWS) {
        throw new BadRequestError('TOO_MANY_ROWS', `${what}一次最多导出 ${LIST_EXPORT_MAX_ROWS} 条，请缩小地区范围或增加筛选条件`);
      }
      yield row(item);
    }
    if (!page.nextCursor) return;
    page = await next(page.nextCursor);
  }
}

/** The overdue demands of the 督办 list under its filters, read page by page as the file is written. */
async function overdueReport(caller: Caller, request: ReportRequest): Promise<ReportContent> {
  const rule = (request.rule ?? 'acceptance') as OverdueRule;
  const filters = {
    region: request.region,
    rule,
    ...(request.keyword ? { keyword: request.keyword } : {}),
    ...(request.institutionId !== undefined ? { institutionId: request.institutionId } : {}),
    order: request.order ?? 'asc',
  };
  // The first page checks the region (400 / 403) before the file is started.
  const now = new Date();
  const first = await overdueDemands(caller, { ...filters, limit: 100 }, now, 'body.region');
  const region = resolveScope(caller, request.region, undefined, 'body.region');
  return {
    name: `督办_${OVERDUE_RULE_NAMES[rule]}`,
    title: `督办（${OVERDUE_RULE_NAMES[rule]}）`,
    sheetName: OVERDUE_RULE_NAMES[rule],
    region,
    period: `截至${chinaClock(now).date}`,
    columns: OVERDUE_COLUMNS,
    rows: pagedRows(first, (cursor) => overdueDemands(caller, { ...filters, limit: 100, cursor }, now, 'body.region'), overdueRow, '超时需求'),
    totals: true,
    details: { filters: { ...filters, overdueBefore: first.overdueBefore } },
  };
}

/** The 数据质量 warnings under the page's filters, read page by page as the file is written. */
async function qualityReport(caller: Caller, request: ReportRequest): Promise<ReportContent> {
  const rule = request.rule as QualityRule | undefined;
  const filters = {
    region: request.region,
    ...(rule ? { rule } : {}),
    ...(request.status ? { status: request.status } : {}),
    ...(request.from ? { from: request.from } : {}),
    ...(request.to ? { to: request.to } : {}),
  };
  const first = await qualityWarnings(caller, { ...filters, limit: 100 }, new Date(), 'body');
  const region = resolveScope(caller, request.region, undefined, 'body.region');
  return {
    name: rule ? `数据质量_${QUALITY_RULE_NAMES[rule]}` : '数据质量',
    title: rule ? `数据质量预警（${QUALITY_RULE_NAMES[rule]}）` : '数据质量预警',
    sheetName: '数据质量预警',
    region,
    period: request.from || request.to ? `${request.from ?? '开始'}至${request.to ?? chinaClock(new Date()).date}` : '全部时间',
    columns: QUALITY_WARNING_COLUMNS,
    rows: pagedRows(first, (cursor) => qualityWarnings(caller, { ...filters, limit: 100, cursor }, new Date(), 'body'), qualityWarningRow, '数据质量预警'),
    totals: true,
    details: { filters },
  };
}

const CONTENT: Record<ReportKind, (caller: Caller, request: ReportRequest) => Promise<ReportContent>> = {
  'regional-overview': regionalOverview,
  institutions: institutionReport,
  industries: industryReport,
  accounts: accountReport,
  'audit-log': auditReport,
  'overdue-demands': overdueReport,
  'quality-warnings': qualityReport,
};

/** China time of an instant as `yyyy-mm-dd`, `HH:mm` and the file-name stamp `yyyymmdd-HHMM`. */
function chinaClock(now: Date) {
  const shifted = new Date(now.getTime() + 8 * 3_600_000);
  const two = (n: number) => String(n).padStart(2, '0');
  const [year, month, day] = [shifted.getUTCFullYear(), two(shifted.getUTCMonth() + 1), two(shifted.getUTCDate())];
  const [hours, minutes] = [two(shifted.getUTCHours()), two(shifted.getUTCMinutes())];
  return { date: `${year}-${month}-${day}`, time: `${hours}:${minutes}`, stamp: `${year}${month}${day}-${hours}${minutes}` };
}

async function uploadReport(path: string, key: string): Promise<void> {
  const { size } = await stat(path);
  const body = createReadStream(path);
  try {
    await s3Client().send(
      new PutObjectCommand({ Bucket: config().reportsBucket, Key: key, Body: body, ContentLength: size, ContentType: XLSX_CONTENT_TYPE }),
    );
  } finally {
    body.destroy();
  }
}

/**
 * Builds the report, uploads it under `reports/<accountId>/` and returns its presigned download.
 *
 * @throws OutOfScopeError (403 OUT_OF_SCOPE) for a region outside the caller's scope.
 * @throws BadRequestError (400) for a region the report kind has no rows for, or a month without a year.
 */
export async function exportReport(caller: Caller, request: ReportRequest, sourceIp: string, now: Date = new Date()): Promise<ReportFile> {
  const content = await CONTENT[request.kind](caller, request);
  const clock = chinaClock(now);
  const fileName = `${[content.name, content.region.name, content.period, clock.stamp].filter(Boolean).join('_')}.xlsx`;
  const title = [content.title, content.region.name, content.period, `生成时间：${clock.date} ${clock.time}`].filter(Boolean).join('　');
  const key = `reports/${caller.accountId}/${randomUUID()}.xlsx`;

  const rowCount = await withReportFile(
    { sheetName: content.sheetName, title, columns: content.columns, ...(content.totals ? { totalsLabel: '合计' } : {}) },
    content.rows,
    async (file) => {
      await uploadReport(file.path, key);
      return file.rowCount;
    },
  );
  const signedAt = Date.now();
  const downloadUrl = await presignDownload(config().reportsBucket, key, REPORT_DOWNLOAD_SECONDS, { disposition: 'attachment', fileName });

  const isPeriodic = content.period !== null && !['audit-log', 'overdue-demands', 'quality-warnings'].includes(request.kind);
  await writeAudit({
    action: 'report.export',
    outcome: 'success',
    actor: actorOf(caller),
    sourceIp,
    targetType: 'report',
    targetId: request.kind,
    after: {
      region: content.region.code,
      year: isPeriodic ? (request.year ?? null) : null,
      month: isPeriodic ? (request.month ?? null) : null,
      rows: rowCount,
      fileName,
      ...content.details,
    },
  });
  return { fileName, downloadUrl, expiresAt: new Date(signedAt + REPORT_DOWNLOAD_SECONDS * 1000).toISOString() };
}
