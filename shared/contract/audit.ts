/**
 * The words of the 审计日志 (docs/console.md, "审计日志"): the actions the audit log records, the
 * kinds of thing they act on, the fields a change lists and the short reasons the server notes, in
 * Chinese. The server names actions and targets with it (shared/views/audit.ts); the admin site
 * offers the actions as a filter and writes entries' details and reasons with it.
 *
 * This module is shared with the admin site, which may import nothing else of the server
 * (eslint.config.js): it stays pure and imports nothing.
 */

/** The actions the log records, with their Chinese names, grouped by their start (`auth.`, …). */
export const AUDIT_ACTION_NAMES: Readonly<Record<string, string>> = {
  'auth.login': '登录',
  'auth.logout': '退出登录',
  'auth.lockout': '登录限制',
  'auth.sms': '发送短信验证码',
  'auth.password-change': '修改密码',
  'account.bootstrap': '初始化国家级账号',
  'account.create': '添加账号',
  'account.update': '编辑账号',
  'account.enable': '启用账号',
  'account.disable': '禁用账号',
  'account.delete': '删除账号',
  'account.batch-delete': '批量删除账号',
  'account.approve': '审核通过账号',
  'account.reject': '驳回账号',
  'institution.create': '添加金融机构',
  'institution.update': '编辑金融机构',
  'institution.enable': '启用金融机构',
  'institution.disable': '禁用金融机构',
  'institution.delete': '删除金融机构',
  'specialist.create': '添加专管员',
  'specialist.update': '编辑专管员',
  'specialist.enable': '启用专管员',
  'specialist.disable': '禁用专管员',
  'specialist.delete': '删除专管员',
  'report.export': '导出报表',
  'quality.check': '核查数据质量预警',
};

/** The groups of actions: the `action` filter takes a whole group by its start. */
export const AUDIT_ACTION_GROUPS: readonly { prefix: string; name: string }[] = [
  { prefix: 'auth.', name: '登录与安全' },
  { prefix: 'account.', name: '账号' },
  { prefix: 'institution.', name: '金融机构' },
  { prefix: 'specialist.', name: '专管员' },
  { prefix: 'report.', name: '报表' },
  { prefix: 'quality.', name: '数据质量' },
];

/** The actions of a group, in the order of {@link AUDIT_ACTION_NAMES}. */
export function auditActionsOf(prefix: string): { action: string; name: string }[] {
  return Object.entries(AUDIT_ACTION_NAMES)
    .filter(([action]) => action.startsWith(prefix))
    .map(([action, name]) => ({ action, name }));
}

/** What an action acts on. */
export const TARGET_TYPE_NAMES: Readonly<Record<string, string>> = {
  account: '账号',
  institution: '金融机构',
  specialist: '专管员',
  report: '报表',
  order: '订单',
  enterprise: '企业',
  product: '金融产品',
};

/** The reports an export entry names as its target (the `kind` of POST /reports). */
export const REPORT_KIND_NAMES: Readonly<Record<string, string>> = {
  'regional-overview': '区域数据概览',
  institutions: '机构数据统计',
  industries: '行业分布',
  accounts: '账号列表',
  'audit-log': '审计日志',
  'overdue-demands': '督办需求清单',
  'quality-warnings': '数据质量预警',
};

/** An entry's target in words: `账号 12`, `报表 审计日志`. */
export function auditTargetText(target: { type: string | null; typeName?: string | null; id: string | null }): string {
  const type = target.type ? (target.typeName ?? TARGET_TYPE_NAMES[target.type] ?? target.type) : '';
  const id = target.id && target.type === 'report' ? (REPORT_KIND_NAMES[target.id] ?? target.id) : (target.id ?? '');
  return [type, id].filter(Boolean).join(' ');
}

/**
 * The `target` filter of what a person typed: a target type or report named in words becomes its
 * code (`账号` → `account`, `审计日志` → `audit-log`); anything else (an id) is sent as typed.
 */
export function auditTargetFilter(text: string): string {
  const typed = text.trim();
  const named = (names: Readonly<Record<string, string>>) => Object.keys(names).find((code) => names[code] === typed);
  return named(TARGET_TYPE_NAMES) ?? named(REPORT_KIND_NAMES) ?? typed;
}

export const AUDIT_RESULT_NAMES: Readonly<Record<'success' | 'failure', string>> = { success: '成功', failure: '失败' };

/** The fields an entry's before and after name (accounts, institutions, specialists, exports). */
export const AUDIT_FIELD_NAMES: Readonly<Record<string, string>> = {
  phone: '手机号',
  password: '密码',
  realName: '真实姓名',
  gender: '性别',
  unit: '单位',
  department: '部门',
  position: '职务',
  remark: '备注',
  role: '级别',
  provinceCode: '省份',
  cityCode: '城市',
  status: '状态',
  auditStatus: '审核状态',
  auditReason: '审核意见',
  deleted: '已删除',
  failed: '未删除',
  code: '原因',
  id: 'ID',
  type: '机构类型',
  parentName: '所属机构',
  fullName: '机构全称',
  shortName: '机构简称',
  logoKey: '机构 logo',
  districtCode: '所在区域',
  address: '地址',
  sortOrder: '排序',
  intro: '简介',
  avatarKey: '头像',
  region: '地区',
  year: '年份',
  month: '月份',
  rows: '行数',
  fileName: '文件名',
  filters: '筛选条件',
  actor: '操作人',
  action: '操作',
  target: '操作对象',
  result: '结果',
  from: '开始日期',
  to: '结束日期',
};

/** The coded values of some fields, in words. */
export const AUDIT_VALUE_NAMES: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  status: { enabled: '启用', disabled: '禁用' },
  gender: { male: '男', female: '女' },
  role: { national: '国家级', province: '省级', city: '市级' },
  auditStatus: { pending: '待审核', approved: '审核通过', rejected: '审核未通过' },
  result: { success: '成功', failure: '失败' },
};

/** Error codes a failed sign-in or code request notes (functions/auth/domain.ts), in words. */
const REASON_CODES: Readonly<Record<string, string>> = {
  'wrong password': '密码错误',
  'wrong code': '验证码错误',
  'no account': '无此账号',
  INVALID_CREDENTIALS: '账号或凭据错误',
  CAPTCHA_REQUIRED: '未完成图形验证码',
  CAPTCHA_INVALID: '图形验证码错误',
  LOGIN_LOCKED: '错误次数过多，暂停登录',
  ACCOUNT_DISABLED: '账号已禁用',
  ACCOUNT_PENDING_AUDIT: '账号待审核',
  ACCOUNT_REJECTED: '账号审核未通过',
  SMS_TOO_FREQUENT: '发送过于频繁',
  SMS_DAILY_LIMIT: '已达当日发送上限',
  SMS_UNAVAILABLE: '短信服务不可用',
  VALIDATION_FAILED: '输入有误',
};

/** What a sign-in was by, or what a code was for. */
const REASON_SUBJECTS: Readonly<Record<string, string>> = {
  password: '密码登录',
  sms: '短信验证码登录',
  login: '登录验证码',
  bind: '绑定手机号验证码',
};

const REASON_TEXTS: Readonly<Record<string, string>> = {
  'password failures from this address': '同一地址密码错误次数过多',
  'wrong current passwords': '当前密码错误次数过多',
  'wrong current password': '当前密码错误',
  'password reset': '重置密码',
  'first national account': '首个国家级账号',
};

const REASON_PATTERNS: readonly [RegExp, (...groups: string[]) => string][] = [
  [/^(\d+) other sessions ended$/, (count) => `已结束其他 ${count} 个会话`],
  [/^institution (\d+)$/, (id) => `金融机构 ID ${id}`],
  [/^(\d+) deleted, (\d+) refused$/, (deleted, refused) => `删除 ${deleted} 个，未删除 ${refused} 个`],
];

/**
 * The short reason an entry notes (`password: wrong password`, `login`, `3 other sessions ended` …)
 * in words; a reason it does not know (one a user wrote) stays as it is.
 */
export function auditReasonText(reason: string | null | undefined): string {
  if (!reason) return '';
  if (REASON_TEXTS[reason]) return REASON_TEXTS[reason];
  if (REASON_SUBJECTS[reason]) return REASON_SUBJECTS[reason];
  for (const [pattern, write] of REASON_PATTERNS) {
    const match = pattern.exec(reason);
    if (match) return write(...match.slice(1));
  }
  const separator = reason.indexOf(': ');
  if (separator > 0) {
    const subject = REASON_SUBJECTS[reason.slice(0, separator)];
    const detail = reason.slice(separator + 2);
    if (subject) return `${subject}：${REASON_CODES[detail] ?? detail}`;
  }
  return REASON_CODES[reason] ?? reason;
}
