/**
 * The columns of each report kind, with the console's Chinese headers (docs/console.md: 数据概览, 机构数据统计,
 * 行业分布, 账号管理), and the mapping of the domain's rows onto them. Pure: no I/O.
 */
import { ROLE_NAMES } from '#shared/auth/caller';
import type { AccountRecord } from '#shared/db/accounts';
import { maskPhone, regionNames } from '#shared/views/account';
import type { RegionRow, InstitutionRow } from '#shared/statistics/queries';
import { AUDIT_FIELD_NAMES, AUDIT_VALUE_NAMES, auditReasonText } from '#shared/contract/audit';
import type { AuditEntryView } from '#shared/views/audit';
import type { WarningView } from '#shared/data-quality/queries';
import type { OverdueDemandRow } from '#shared/supervision/queries';
import type { CellInput, ReportColumn, ReportRow } from './workbook';

const count = (key: string, header: string, width = 12): ReportColumn => ({ key, header, kind: 'count', width, total: 'sum' });
const yuan = (key: string, header: string, width = 16): ReportColumn => ({ key, header, kind: 'yuan', width, total: 'sum' });

/** 区域数据统计 · 数据概览: one row per child region. */
export const REGIONAL_OVERVIEW_COLUMNS: readonly ReportColumn[] = [
  { key: 'name', header: '地区', kind: 'text', width: 22 },
  count('demandCount', '融资需求笔数', 14),
  yuan('demandAmount', '需求金额(万元)'),
  count('acceptedCount', '受理笔数'),
  yuan('acceptedAmount', '受理金额(万元)'),
  count('dockingCount', '正在对接数'),
  yuan('dockingAmount', '正在对接金额(万元)', 20),
  yuan('intendedAmount', '意向金额(万元)'),
  count('loanCount', '放款笔数'),
  yuan('loanAmount', '放款金额(万元)'),
  { key: 'successRate', header: '放款成功率', kind: 'rate', width: 12, total: { rateOf: ['loanCount', 'acceptedCount'] } },
  count('badDebtCount', '坏账笔数'),
  { key: 'badDebtRate', header: '坏账率', kind: 'rate', width: 10, total: { rateOf: ['badDebtCount', 'loanCount'] } },
  count('enterpriseCount', '注册企业数'),
  count('institutionCount', '金融机构数'),
  count('productCount', '金融产品数'),
  { key: 'opened', header: '开通情况', kind: 'text', width: 10 },
  { key: 'openedAt', header: '开通日期', kind: 'date', width: 12 },
];

/** A child region of the statistics API as a 数据概览 row (开通情况 in words, 开通日期 as a date). */
export function regionalOverviewRow(row: RegionRow): ReportRow {
  return {
    name: row.name,
    ...row.metrics,
    // Districts have no opening state of their own: blank, not 未开通.
    opened: row.opened === null ? null : row.opened ? '已开通' : '未开通',
    openedAt: row.openedAt,
  };
}

/** 机构数据统计 · 数据概览: one row per institution of the scope. */
export const INSTITUTION_COLUMNS: readonly ReportColumn[] = [
  { key: 'name', header: '金融机构', kind: 'text', width: 36 },
  { key: 'typeName', header: '机构类型', kind: 'text', width: 14 },
  count('productCount', '金融产品数(个)', 14),
  count('acceptedCount', '累计受理数(笔)', 14),
  yuan('acceptedAmount', '累计受理金额(万元)', 20),
  count('loanCount', '成功放款(笔)', 14),
  yuan('loanAmount', '放款金额(万元)'),
  count('dockingCount', '正在受理量(笔)', 14),
  yuan('dockingAmount', '正在受理金额(万元)', 20),
];

/** An institution row of the statistics domain as a report row. */
export function institutionRow(row: InstitutionRow): ReportRow {
  return {
    name: row.name,
    typeName: row.typeName,
    productCount: row.productCount,
    acceptedCount: row.acceptedCount,
    acceptedAmount: row.acceptedAmount,
    loanCount: row.loanCount,
    loanAmount: row.loanAmount,
    dockingCount: row.dockingCount,
    dockingAmount: row.dockingAmount,
  };
}

/** 行业分布: the 20 sections of GB/T 4754-2017. */
export const INDUSTRY_COLUMNS: readonly ReportColumn[] = [
  { key: 'code', header: '门类', kind: 'text', width: 8 },
  { key: 'name', header: '行业名称', kind: 'text', width: 36 },
  count('demandCount', '融资需求笔数', 14),
  yuan('demandAmount', '需求金额(万元)'),
  count('loanCount', '放款笔数'),
  yuan('loanAmount', '放款金额(万元)'),
];

/** 账号列表 (docs/console.md, "账号管理"), phones always masked; the totals row counts the accounts. */
export const ACCOUNT_COLUMNS: readonly ReportColumn[] = [
  { key: 'id', header: 'ID', kind: 'text', width: 10 },
  { key: 'phone', header: '用户名', kind: 'text', width: 14, total: 'rows' },
  { key: 'realName', header: '真实姓名', kind: 'text', width: 12 },
  { key: 'unit', header: '单位', kind: 'text', width: 32 },
  { key: 'provinceName', header: '省份', kind: 'text', width: 12 },
  { key: 'cityName', header: '城市', kind: 'text', width: 14 },
  { key: 'roleName', header: '角色', kind: 'text', width: 8 },
  { key: 'status', header: '状态', kind: 'text', width: 8 },
  { key: 'auditStatus', header: '审核状态', kind: 'text', width: 12 },
  { key: 'createdAt', header: '创建时间', kind: 'datetime', width: 20 },
];

const STATUS_NAMES: Record<AccountRecord['status'], string> = { enabled: '启用', disabled: '禁用' };
const AUDIT_STATUS_NAMES: Record<AccountRecord['auditStatus'], string> = {
  pending: '待审核',
  approved: '审核通过',
  rejected: '审核未通过',
};

/** An account as a 账号列表 row: masked phone, region and role names, statuses in words. */
export function accountRow(account: AccountRecord): ReportRow {
  return {
    id: account.id,
    // An export leaves the console: never the full number, whoever exports it.
    phone: maskPhone(account.phone),
    realName: account.realName,
    unit: account.unit,
    ...regionNames(account.provinceCode, account.cityCode),
    roleName: ROLE_NAMES[account.role],
    status: STATUS_NAMES[account.status],
    auditStatus: AUDIT_STATUS_NAMES[account.auditStatus],
    createdAt: account.createdAt,
  };
}

/** 审计日志: one row per entry, newest first, as the 审计日志 page shows it (phones masked). */
export const AUDIT_COLUMNS: readonly ReportColumn[] = [
  { key: 'time', header: '时间', kind: 'datetime', width: 20 },
  { key: 'actorName', header: '操作人', kind: 'text', width: 12 },
  { key: 'actorAccountId', header: '账号ID', kind: 'text', width: 10 },
  { key: 'actorRole', header: '级别', kind: 'text', width: 10 },
  { key: 'actorRegion', header: '所属地区', kind: 'text', width: 14 },
  { key: 'actorPhone', header: '手机号', kind: 'text', width: 14 },
  { key: 'action', header: '操作', kind: 'text', width: 16 },
  { key: 'result', header: '结果', kind: 'text', width: 8 },
  { key: 'target', header: '操作对象', kind: 'text', width: 18 },
  { key: 'sourceIp', header: '来源地址', kind: 'text', width: 16 },
  { key: 'reason', header: '说明', kind: 'text', width: 24 },
  { key: 'before', header: '变更前', kind: 'text', width: 30 },
  { key: 'after', header: '变更后', kind: 'text', width: 30 },
];

/** Changed fields in words, as the page's 详情 shows them: `状态：启用；备注：…`. */
function fieldsText(value: Record<string, unknown> | null): string | null {
  if (!value || Object.keys(value).length === 0) return null;
  return Object.entries(value)
    .map(([field, raw]) => {
      const shown = typeof raw === 'string' ? (AUDIT_VALUE_NAMES[field]?.[raw] ?? raw) : raw === null || raw === undefined ? '' : typeof raw === 'object' ? JSON.stringify(raw) : String(raw);
      return `${AUDIT_FIELD_NAMES[field] ?? field}：${shown}`;
    })
    .join('；');
}

/** An entry of the 审计日志 view as a report row. */
export function auditRow(entry: AuditEntryView): ReportRow {
  return {
    time: entry.time,
    actorName: entry.actor.name,
    actorAccountId: entry.actor.accountId === null ? null : String(entry.actor.accountId),
    actorRole: entry.actor.roleName,
    actorRegion: entry.actor.regionName,
    actorPhone: entry.actor.phone,
    action: entry.actionName,
    result: entry.result === 'success' ? '成功' : '失败',
    target: [entry.target.typeName, entry.target.id].filter(Boolean).join(' ') || null,
    sourceIp: entry.sourceIp,
    reason: auditReasonText(entry.reason) || null,
    before: fieldsText(entry.before),
    after: fieldsText(entry.after),
  };
}

/** 督办 · 超时需求: one row per overdue demand, in the list's order; the totals row counts them and sums the amounts. */
export const OVERDUE_COLUMNS: readonly ReportColumn[] = [
  { key: 'enterpriseName', header: '企业名称', kind: 'text', width: 36, total: 'rows' },
  { key: 'regionName', header: '所在地区', kind: 'text', width: 24 },
  yuan('requestedAmount', '需求金额(万元)'),
  { key: 'submittedAt', header: '提交时间', kind: 'datetime', width: 20 },
  { key: 'acceptedAt', header: '受理时间', kind: 'datetime', width: 20 },
  { key: 'institutionName', header: '受理机构', kind: 'text', width: 32 },
  { key: 'waitingWorkdays', header: '等待工作日', kind: 'count', width: 12 },
  { key: 'waitingDays', header: '等待天数', kind: 'count', width: 10 },
  { key: 'orderId', header: '订单编号', kind: 'text', width: 24 },
];

/** The cells a list's columns name, taken as they are from one of its rows. */
function cellsOf(columns: readonly ReportColumn[], source: object): Record<string, CellInput> {
  const values = source as Record<string, CellInput | undefined>;
  return Object.fromEntries(columns.map((column) => [column.key, values[column.key] ?? null]));
}

/** An overdue demand of the 督办 list as a report row. */
export function overdueRow(row: OverdueDemandRow): ReportRow {
  return cellsOf(OVERDUE_COLUMNS, row);
}

/** 数据质量 · 预警列表: one row per warning, newest first, as the page lists them. */
export const QUALITY_WARNING_COLUMNS: readonly ReportColumn[] = [
  { key: 'flaggedAt', header: '预警时间', kind: 'datetime', width: 20, total: 'rows' },
  { key: 'ruleName', header: '规则', kind: 'text', width: 18 },
  { key: 'recordKindName', header: '记录类型', kind: 'text', width: 10 },
  { key: 'recordId', header: '记录编号', kind: 'text', width: 24 },
  { key: 'name', header: '企业/产品名称', kind: 'text', width: 32 },
  { key: 'regionName', header: '所在地区', kind: 'text', width: 24 },
  { key: 'detail', header: '触发值', kind: 'text', width: 60 },
  { key: 'occurrences', header: '触发次数', kind: 'count', width: 10 },
  { key: 'status', header: '核查状态', kind: 'text', width: 10 },
  { key: 'checkedBy', header: '核查人', kind: 'text', width: 12 },
  { key: 'checkedAt', header: '核查时间', kind: 'datetime', width: 20 },
  { key: 'checkNote', header: '核查备注', kind: 'text', width: 30 },
];

/** A warning of the 数据质量 list as a report row. */
export function qualityWarningRow(warning: WarningView): ReportRow {
  return {
    ...cellsOf(QUALITY_WARNING_COLUMNS, warning),
    status: warning.checked ? '已核查' : '待核查',
    checkedBy: warning.checkedBy?.name ?? null,
  };
}
