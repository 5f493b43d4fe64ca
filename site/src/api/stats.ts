/** 数据中心, 区域数据统计, 机构数据统计, 融资动态 and 报表导出 (docs/http-api.md, "Statistics"). */
import { call, type Answer, type BodyOf, type QueryOf } from './client';

export type PeriodFilter = { region?: string; year?: number; month?: number };
export type Summary = Answer<'getStatsSummary'>;
export type Metrics = Summary['metrics'];
export type RegionRef = Summary['region'];
export type RegionLevel = RegionRef['level'];
export type TrendPoint = Answer<'getStatsTrend'>[number];
export type RegionRow = Answer<'getStatsRegions'>[number];
export type IndustryRow = Answer<'getStatsIndustries'>[number];
export type InstitutionStatsPage = Answer<'getStatsInstitutions'>;
export type InstitutionStatsRow = InstitutionStatsPage['items'][number];
export type InstitutionRankings = Answer<'getStatsInstitutionRankings'>;
export type InstitutionColumn = keyof InstitutionRankings['rankings'];
export type RegionBasis = InstitutionRankings['regionBasis'];
export type InstitutionTypeRow = Answer<'getStatsInstitutionTypes'>[number];
export type DailyRow = Answer<'getDynamicsDaily'>[number];
export type FeedPage = Answer<'getDynamicsFeed'>;
export type FeedItem = FeedPage['items'][number];
export type FeedKind = FeedItem['kind'];
export type ReportKind = BodyOf<'createReport'>['kind'];
export type ReportFile = Answer<'createReport'>;

export const statsApi = {
  /** The cards of a region and period; `compare` adds the all-time figures and 同比 / 环比. */
  summary: (filter: PeriodFilter, options: { compare?: boolean } = {}) =>
    call('getStatsSummary', { query: { ...filter, ...(options.compare ? { compare: 'true' as const } : {}) } }),
  trend: (query: QueryOf<'getStatsTrend'>) => call('getStatsTrend', { query }),
  regions: (query: QueryOf<'getStatsRegions'>) => call('getStatsRegions', { query }),
  industries: (filter: PeriodFilter) => call('getStatsIndustries', { query: filter }),
  institutions: (query: QueryOf<'getStatsInstitutions'>) => call('getStatsInstitutions', { query }),
  rankings: (query: QueryOf<'getStatsInstitutionRankings'>) => call('getStatsInstitutionRankings', { query }),
  institutionTypes: (filter: PeriodFilter) => call('getStatsInstitutionTypes', { query: filter }),
  daily: (query: QueryOf<'getDynamicsDaily'> = {}) => call('getDynamicsDaily', { query }),
  feed: (query: QueryOf<'getDynamicsFeed'>) => call('getDynamicsFeed', { query }),
  report: (body: BodyOf<'createReport'>) => call('createReport', { body }),
};

/** Creates a report and starts its download in the browser. */
export async function downloadReport(body: BodyOf<'createReport'>): Promise<ReportFile> {
  const file = await statsApi.report(body);
  const link = document.createElement('a');
  link.href = file.downloadUrl;
  link.download = file.fileName;
  link.rel = 'noopener';
  document.body.appendChild(link);
  link.click();
  link.remove();
  return file;
}
