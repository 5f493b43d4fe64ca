/** The 11 types of financial institution (机构类型), in the order the institution form lists them (docs/console.md, "机构管理"). */

export const INSTITUTION_TYPES = [
  { code: 'bank', name: '银行' },
  { code: 'guarantee', name: '担保公司' },
  { code: 'insurance', name: '保险公司' },
  { code: 'microloan', name: '小额贷款公司' },
  { code: 'financial-leasing', name: '融资租赁公司' },
  { code: 'factoring', name: '保理公司' },
  { code: 'venture-capital', name: '风险投资机构' },
  { code: 'other', name: '其他' },
  { code: 'consumer-finance', name: '消费金融公司' },
  { code: 'asset-management', name: '资产管理公司' },
  { code: 'trust', name: '信托公司' },
] as const;

export type InstitutionTypeCode = (typeof INSTITUTION_TYPES)[number]['code'];

export const INSTITUTION_TYPE_CODES = INSTITUTION_TYPES.map((type) => type.code) as [
  InstitutionTypeCode,
  ...InstitutionTypeCode[],
];

const byCode = new Map<string, string>(INSTITUTION_TYPES.map((type) => [type.code, type.name]));

export function institutionTypeName(code: string): string | undefined {
  return byCode.get(code);
}
