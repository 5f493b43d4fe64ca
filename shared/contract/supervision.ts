/**
 * The rules of 督办 and 数据质量 and their Chinese names (docs/http-api.md, "督办", "数据质量"): the server
 * validates, counts and exports by them (shared/supervision/rules.ts, shared/financing/quality.ts),
 * the admin site offers and labels them.
 *
 * This module is shared with the admin site, which may import nothing else of the server
 * (eslint.config.js): it stays pure and imports nothing.
 */

export const OVERDUE_RULES = ['acceptance', 'decision'] as const;
export type OverdueRule = (typeof OVERDUE_RULES)[number];

export const OVERDUE_RULE_NAMES: Record<OverdueRule, string> = { acceptance: '待受理超时', decision: '对接超时' };

/** The 数据质量 rules, in the order every list and count shows them. */
export const QUALITY_RULES = ['loan-amount', 'late-event', 'credit-code-names', 'disabled-institution', 'retired-district'] as const;
export type QualityRule = (typeof QUALITY_RULES)[number];

export const QUALITY_RULE_NAMES: Record<QualityRule, string> = {
  'loan-amount': '放款金额异常',
  'late-event': '事件迟报',
  'credit-code-names': '信用代码名称不一致',
  'disabled-institution': '禁用机构受理',
  'retired-district': '区县代码已撤销',
};
