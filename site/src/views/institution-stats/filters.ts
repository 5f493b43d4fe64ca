import type { QueryOf } from '../../api/client';
import type { RegionBasis } from '../../api/stats';

export interface InstitutionFilterValue {
  type?: string;
  region?: string;
  year?: number;
  month?: number;
  /** What the region means (docs/console.md, "机构数据统计"). */
  regionBasis: RegionBasis;
}

export const REGION_BASIS_LABELS: Record<RegionBasis, string> = {
  enterprise: '服务企业所在地',
  institution: '机构所在地',
};

/** The filters as query parameters (a month only with a year; empty type = all). */
export function filterQuery(filters: InstitutionFilterValue) {
  return {
    type: (filters.type || undefined) as QueryOf<'getStatsInstitutions'>['type'],
    region: filters.region,
    year: filters.year,
    month: filters.year ? filters.month : undefined,
    regionBasis: filters.regionBasis,
  };
}

/** The sentence that says which meaning of the region a table uses, and how it relates to 数据中心. */
export function basisExplanation(basis: RegionBasis, regionName: string): string {
  if (regionName === '全国') {
    return basis === 'institution'
      ? '按机构所在地：列出全国启用的金融机构（即数据中心“金融机构数”所计的机构），各项数字计入这些机构受理的全部订单。'
      : '按服务企业所在地：列出全国为企业受理过融资需求的金融机构及全部入驻机构（含已停用的），各项数字计入全国企业的订单；数据中心“金融机构数”只计启用的机构。';
  }
  if (basis === 'institution') {
    return `按机构所在地：列出位于${regionName}的启用金融机构（即数据中心“金融机构数”所计的机构），各项数字计入这些机构受理的全部订单，包括外地企业的订单。`;
  }
  return `按服务企业所在地：列出为${regionName}企业受理过融资需求的金融机构（含外地机构）及${regionName}本地机构，各项数字只计${regionName}企业的订单；数据中心“金融机构数”只计${regionName}本地的启用机构，故两者家数可能不同。`;
}
